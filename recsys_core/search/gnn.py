"""Node embeddings of the attribute graph from a GraphSAGE encoder trained by link prediction.

Input features are the frozen MiniLM sentence vectors of each node's text ("brand apple"), so
values never seen together still start close when their words are close. Two SAGEConv layers
map them to `GnnParams.dim` dimensions; the training objective scores held-in edges above
random node pairs (binary cross-entropy on dot products). A tenth of the edges is held out,
and the epoch with the best held-out ROC AUC is kept.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Optional

import numpy as np
import torch
from torch_geometric.nn import SAGEConv
from torch_geometric.utils import negative_sampling, to_undirected

from recsys_core.progress import ProgressCallback, report
from recsys_core.search import encoder as encoder_module
from recsys_core.search.graph import AttributeGraph, split_node

logger = logging.getLogger(__name__)


@dataclass
class GnnParams:
    """Settings of the node-embedding model; all of them go into the artefact key."""

    hidden: int = 64
    dim: int = 32
    epochs: int = 150
    lr: float = 0.01
    validation_fraction: float = 0.1
    feature_layers: int = 6
    seed: int = 0


class SageEncoder(torch.nn.Module):
    """Two GraphSAGE layers: ``[nodes, features] -> [nodes, dim]``."""

    def __init__(self, features: int, hidden: int, dim: int):
        super().__init__()
        self.first = SAGEConv(features, hidden)
        self.second = SAGEConv(hidden, dim)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        return self.second(torch.relu(self.first(x, edge_index)), edge_index)


@torch.no_grad()
def node_features(graph: AttributeGraph, num_layers: int = 6, batch_size: int = 128) -> torch.Tensor:
    """Mean-pooled pretrained MiniLM vectors of the node texts: ``[nodes, 384]``."""
    encoder = encoder_module.load_encoder(num_layers)
    encoder.eval()
    tokenizer = encoder_module.load_tokenizer()
    texts = [" ".join(split_node(name)).replace("_", " ") for name in graph.nodes]
    chunks = []
    for start in range(0, len(texts), batch_size):
        encoded = tokenizer(texts[start:start + batch_size], truncation=True, max_length=24, padding=True,
                            return_tensors="pt")
        hidden = encoder(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        chunks.append((hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0))
    if not chunks:
        return torch.zeros((0, encoder.config.hidden_size))
    return torch.nn.functional.normalize(torch.cat(chunks), dim=1)


def train_embeddings(graph: AttributeGraph, params: Optional[GnnParams] = None,
                     progress: Optional[ProgressCallback] = None) -> tuple[np.ndarray, dict]:
    """Train the GraphSAGE link predictor and return node embeddings ``[nodes, dim]`` and a report.

    The report contains the best epoch and its held-out ROC AUC (``None`` when the graph has too
    few edges to hold any out).
    """
    from sklearn.metrics import roc_auc_score

    params = params or GnnParams()
    torch.manual_seed(params.seed)
    n = graph.num_nodes
    if n == 0:
        return np.zeros((0, params.dim), dtype=np.float32), {"best_epoch": 0, "validation_auc": None}
    report(progress, 0.0, "Encoding attribute values with MiniLM")
    x = node_features(graph, params.feature_layers)
    pairs = torch.tensor(graph.edges[["src", "dst"]].to_numpy().T, dtype=torch.long).reshape(2, -1)
    pairs = torch.unique(torch.sort(pairs, dim=0).values, dim=1) if pairs.numel() else pairs
    generator = torch.Generator().manual_seed(params.seed)
    order = torch.randperm(pairs.shape[1], generator=generator)
    n_valid = int(params.validation_fraction * pairs.shape[1]) if pairs.shape[1] >= 20 else 0
    valid, train = pairs[:, order[:n_valid]], pairs[:, order[n_valid:]]
    message_edges = to_undirected(train, num_nodes=n)

    model = SageEncoder(x.shape[1], params.hidden, params.dim)
    optimizer = torch.optim.Adam(model.parameters(), lr=params.lr)
    best_auc, best_epoch, best_state = -1.0, 0, None
    for epoch in range(1, params.epochs + 1):
        model.train()
        optimizer.zero_grad()
        z = model(x, message_edges)
        negatives = negative_sampling(message_edges, num_nodes=n, num_neg_samples=train.shape[1])
        positive_scores = (z[train[0]] * z[train[1]]).sum(-1)
        negative_scores = (z[negatives[0]] * z[negatives[1]]).sum(-1)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            torch.cat([positive_scores, negative_scores]),
            torch.cat([torch.ones_like(positive_scores), torch.zeros_like(negative_scores)]))
        loss.backward()
        optimizer.step()
        if n_valid and (epoch % 10 == 0 or epoch == params.epochs):
            auc = _validation_auc(model, x, message_edges, valid, n, roc_auc_score)
            if auc > best_auc:
                best_auc, best_epoch = auc, epoch
                best_state = {k: v.clone() for k, v in model.state_dict().items()}
            report(progress, epoch / params.epochs, f"Training node embeddings: epoch {epoch}, held-out AUC {auc:.3f}")
    if best_state is not None:
        model.load_state_dict(best_state)
    else:
        best_epoch = params.epochs
    model.eval()
    with torch.inference_mode():
        z = model(x, to_undirected(pairs, num_nodes=n)).numpy().astype(np.float32)
    info = {"best_epoch": best_epoch, "validation_auc": best_auc if n_valid else None, "params": asdict(params)}
    logger.info("node embeddings: %s", info)
    return z, info


@torch.no_grad()
def _validation_auc(model, x, message_edges, valid, n, roc_auc_score) -> float:
    model.eval()
    z = model(x, message_edges)
    generator = torch.Generator().manual_seed(1)
    negatives = torch.randint(0, n, valid.shape, generator=generator)
    positive = (z[valid[0]] * z[valid[1]]).sum(-1)
    negative = (z[negatives[0]] * z[negatives[1]]).sum(-1)
    labels = np.r_[np.ones(valid.shape[1]), np.zeros(valid.shape[1])]
    return float(roc_auc_score(labels, torch.cat([positive, negative]).numpy()))
