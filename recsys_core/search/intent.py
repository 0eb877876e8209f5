"""Intent: multi-label product-type classification of a query from the encoder's [CLS] vector.

Targets are soft labels from clicks: for a (country, query) pair, y_t is the share of the
pair's clicks that went to products of type t (`click_labels`). Each country has its own label
space, the types sold there: the other countries' logits are masked to minus infinity, so the
loss and the output ignore them. The model predicts the click distribution over the country's
types with a softmax, trained by cross-entropy against the soft labels. A query may have
several intents: every type whose predicted share reaches a threshold is shown. A single
temperature, fitted on held-out pairs, calibrates the shares. A softmax fits these labels because the click shares of a pair sum to one.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Optional, Sequence

import numpy as np
import pandas as pd
import torch

from recsys_core.progress import ProgressCallback, scaled
from recsys_core.search import encoder as encoder_module
from recsys_core.search.training import batch_indices, fine_tune, seed_everything

logger = logging.getLogger(__name__)

ALL_COUNTRIES = "all"


@dataclass
class IntentParams:
    """Training settings of `IntentClassifier`; all of them go into the artefact key."""

    num_layers: int = 6
    max_length: int = 32
    epochs: int = 3
    batch_size: int = 32
    # The [CLS] vector of this sentence encoder was never trained (it pools by mean), so the
    # encoder needs a higher rate than usual before [CLS] separates queries.
    encoder_lr: float = 5e-4
    head_lr: float = 3e-3
    max_steps: Optional[int] = None
    validation_fraction: float = 0.1
    seed: int = 0


@dataclass
class IntentLabels:
    """Soft click labels of (country, query) pairs.

    Attributes
    ----------
    pairs
        Frame with columns country, query, clicks (total clicks of the pair).
    types
        Label names, the columns of `targets`.
    targets
        ``[pairs, types]`` click shares; each row sums to 1 over its country's types.
    country_types
        For each country, the types its label space contains.
    """

    pairs: pd.DataFrame
    types: list[str]
    targets: np.ndarray
    country_types: dict[str, list[str]]


def click_labels(search_log: pd.DataFrame, products: pd.DataFrame) -> IntentLabels:
    """Turn a search log into soft intent labels: clicks on type t over all clicks of a pair.

    A country's label space contains the types of the products clicked in that country. Clicks
    on products without a type are ignored.

    Raises
    ------
    ValueError
        When no click lands on a product with a type.
    """
    types = products.set_index("product_id")["type"].astype(str).str.strip()
    log = search_log.assign(type=search_log["product_id"].map(types))
    log = log[log["type"].notna() & (log["type"] != "")]
    log = log.assign(query=log["query"].astype(str).str.lower().str.strip())
    log = log[log["query"] != ""]
    if log.empty:
        raise ValueError("no search click lands on a product with a type; intents need clicked products with a 'type'")
    counts = log.groupby(["country", "query", "type"], sort=True)["clicks"].sum().unstack("type", fill_value=0)
    type_names = [str(t) for t in counts.columns]
    matrix = counts.to_numpy(dtype=np.float64)
    totals = matrix.sum(axis=1, keepdims=True)
    pairs = counts.index.to_frame(index=False)
    pairs["clicks"] = totals[:, 0].astype(int)
    country_types = {
        str(country): sorted(group["type"].unique().tolist())
        for country, group in log.groupby("country")
    }
    return IntentLabels(pairs, type_names, (matrix / totals).astype(np.float32), country_types)


class IntentHeadNet(torch.nn.Module):
    """Encoder plus a linear layer on the [CLS] vector: ``[batch, pieces] -> [batch, types]`` logits."""

    def __init__(self, encoder: torch.nn.Module, num_types: int):
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(encoder.config.hidden_size, num_types)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(hidden[:, 0]))


class IntentClassifier:
    """Predict calibrated product-type probabilities for a query in a country."""

    def __init__(self, params: Optional[IntentParams] = None):
        self.params = params or IntentParams()
        self.types_: list[str] = []
        self.country_types_: dict[str, list[str]] = {}
        self.temperature_: float = 1.0
        self.net_: Optional[IntentHeadNet] = None
        self.history_: list[float] = []
        self.validation_: dict = {}

    # -- training ----------------------------------------------------------------------------

    def fit(self, queries: Sequence[str], countries: Sequence[str], targets: np.ndarray, types: Sequence[str],
            country_types: Optional[dict[str, Sequence[str]]] = None,
            progress: Optional[ProgressCallback] = None) -> "IntentClassifier":
        """Fine-tune on `queries` with soft `targets` ``[queries, types]``.

        Parameters
        ----------
        country_types
            Label space of each country; a query's loss covers only its country's types.
            ``None`` puts every type in every country's space.

        Raises
        ------
        ValueError
            When the inputs are empty or their lengths disagree.
        """
        targets = np.asarray(targets, dtype=np.float32)
        if len(queries) == 0:
            raise ValueError("no queries to train the intent classifier on; the search log needs clicks")
        if not (len(queries) == len(countries) == targets.shape[0]) or targets.shape[1] != len(types):
            raise ValueError(
                f"queries ({len(queries)}), countries ({len(countries)}) and targets {targets.shape} "
                f"must agree, with one target column per type ({len(types)})"
            )
        p = self.params
        seed_everything(p.seed)
        self.types_ = [str(t) for t in types]
        countries = [str(c) for c in countries]
        self.country_types_ = {str(c): sorted(map(str, ts)) for c, ts in (country_types or {}).items()}
        masks = torch.from_numpy(self._masks(countries))
        texts = [str(q).lower() for q in queries]
        y = torch.from_numpy(targets)

        rng = np.random.default_rng(p.seed)
        order = rng.permutation(len(texts))
        n_valid = int(round(p.validation_fraction * len(texts))) if len(texts) >= 20 else 0
        valid, train = order[:n_valid], order[n_valid:]

        self.net_ = IntentHeadNet(encoder_module.load_encoder(p.num_layers), len(self.types_))
        tokenizer = encoder_module.load_tokenizer()
        lengths = [len(texts[i]) for i in train]

        def batches(epoch: int):
            for chunk in batch_indices(len(train), p.batch_size, p.seed + epoch, lengths):
                rows = train[chunk]
                encoded = tokenizer([texts[i] for i in rows], truncation=True, max_length=p.max_length,
                                    padding=True, return_tensors="pt")
                yield {"encoded": encoded, "y": y[rows], "mask": masks[rows]}

        def loss_fn(net, batch):
            logits = net(batch["encoded"]["input_ids"], batch["encoded"]["attention_mask"])
            return _masked_cross_entropy(logits, batch["y"], batch["mask"])

        steps = -(-len(train) // p.batch_size)
        self.history_ = fine_tune(self.net_, batches, loss_fn, steps, p.epochs, p.encoder_lr, p.head_lr,
                                  p.max_steps, scaled(progress, 0.0, 0.95), "Training the intent classifier")
        self.temperature_ = 1.0
        if n_valid:
            logits = self._logits([texts[i] for i in valid])
            self.temperature_ = _fit_temperature(logits, y[valid], masks[valid])
            calibrated = _masked_softmax(logits / self.temperature_, masks[valid])
            self.validation_ = {
                "pairs": int(n_valid),
                "cross_entropy_raw": float(_masked_cross_entropy(logits, y[valid], masks[valid])),
                "cross_entropy_calibrated": float(_masked_cross_entropy(logits / self.temperature_, y[valid], masks[valid])),
                "top1_accuracy": float((calibrated.argmax(1) == y[valid].argmax(1)).float().mean()),
            }
            logger.info("intent temperature %.3f; validation %s", self.temperature_, self.validation_)
        return self

    def _masks(self, countries: Sequence[str]) -> np.ndarray:
        index = {t: i for i, t in enumerate(self.types_)}
        masks = np.ones((len(countries), len(self.types_)), dtype=np.float32)
        by_upper = {code.upper(): types for code, types in self.country_types_.items()}
        for row, country in enumerate(countries):
            space = self.country_types_.get(str(country)) or by_upper.get(str(country).upper())
            if space:
                masks[row] = 0.0
                masks[row, [index[t] for t in space if t in index]] = 1.0
        return masks

    # -- prediction --------------------------------------------------------------------------

    def _check_fitted(self) -> IntentHeadNet:
        if self.net_ is None:
            raise RuntimeError("the intent classifier has not been trained yet; call fit() or load a saved model first")
        return self.net_

    @torch.no_grad()
    def _logits(self, texts: Sequence[str], batch_size: int = 64) -> torch.Tensor:
        net = self._check_fitted()
        tokenizer = encoder_module.load_tokenizer()
        chunks = []
        for start in range(0, len(texts), batch_size):
            encoded = tokenizer([t.lower() for t in texts[start:start + batch_size]], truncation=True,
                                max_length=self.params.max_length, padding=True, return_tensors="pt")
            chunks.append(net(encoded["input_ids"], encoded["attention_mask"]))
        return torch.cat(chunks) if chunks else torch.zeros((0, len(self.types_)))

    def predict_proba(self, queries: Sequence[str], countries: Optional[Sequence[Optional[str]]] = None) -> np.ndarray:
        """Return calibrated probabilities ``[queries, types]``; types outside a country's space get 0.

        A country that the training data did not contain (or ``None``) keeps every type.
        """
        countries = list(countries) if countries is not None else [None] * len(queries)
        logits = self._logits(list(queries))
        masks = torch.from_numpy(self._masks([c if c is not None else "" for c in countries]))
        return _masked_softmax(logits / self.temperature_, masks).numpy()

    def predict(self, queries: Sequence[str], countries=None, threshold: float = 0.3) -> list[list[tuple[str, float]]]:
        """Return, per query, the (type, probability) pairs at or above `threshold`, most likely first."""
        results = []
        for row in self.predict_proba(queries, countries):
            order = np.argsort(-row)
            results.append([(self.types_[i], float(row[i])) for i in order if row[i] >= threshold])
        return results

    # -- persistence -------------------------------------------------------------------------

    def state(self) -> tuple[dict[str, torch.Tensor], dict]:
        net = self._check_fitted()
        return net.state_dict(), {
            "kind": "intent-classifier", "params": asdict(self.params), "types": self.types_,
            "country_types": self.country_types_, "temperature": self.temperature_,
            "history": self.history_, "validation": self.validation_,
        }

    @classmethod
    def from_state(cls, state_dict: dict[str, torch.Tensor], metadata: dict) -> "IntentClassifier":
        model = cls(IntentParams(**metadata["params"]))
        model.types_ = list(metadata["types"])
        model.country_types_ = {k: list(v) for k, v in metadata["country_types"].items()}
        model.temperature_ = float(metadata["temperature"])
        model.history_ = list(metadata.get("history", []))
        model.validation_ = dict(metadata.get("validation", {}))
        net = IntentHeadNet(encoder_module.load_encoder(model.params.num_layers, pretrained=False), len(model.types_))
        net.load_state_dict(state_dict)
        net.eval()
        model.net_ = net
        return model


def _masked_softmax(logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Softmax over each row's unmasked types; masked types get probability 0."""
    return torch.softmax(logits.masked_fill(mask <= 0, float("-inf")), dim=-1)


def _masked_cross_entropy(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy between soft targets and the softmax over each row's label space."""
    log_probabilities = torch.log_softmax(logits.masked_fill(mask <= 0, float("-inf")), dim=-1)
    return -(targets * log_probabilities.masked_fill(mask <= 0, 0.0)).sum(dim=-1).mean()


def _fit_temperature(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> float:
    """Find the temperature T > 0 that minimises the masked cross-entropy of softmax(logits / T)."""
    log_t = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=100)

    def closure():
        optimizer.zero_grad()
        loss = _masked_cross_entropy(logits / log_t.exp(), targets, mask)
        loss.backward()
        return loss

    optimizer.step(closure)
    temperature = float(log_t.detach().exp())
    if not np.isfinite(temperature) or temperature <= 0:
        logger.warning("temperature scaling diverged (T=%s); keeping T=1", temperature)
        return 1.0
    return float(np.clip(temperature, 0.05, 20.0))
