"""Explicit attributes: BIO token classification of query words with the MiniLM encoder.

Each query word is split into word pieces. The word's label sits on its first piece, and the
loss ignores the other pieces (label -100). At prediction time the first piece's
logits give the word's tag. The tag set is read from the training data, so a QueryNER file
(17 types) and the demo world's queries (their own types) both work unchanged.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Optional, Sequence

import numpy as np
import torch

from recsys_core.progress import ProgressCallback
from recsys_core.search import encoder as encoder_module
from recsys_core.search.text import Span, bio_spans, repair_bio
from recsys_core.search.training import batch_indices, fine_tune, seed_everything

logger = logging.getLogger(__name__)

IGNORE = -100


@dataclass
class TaggerParams:
    """Training settings of `BioTagger`; all of them go into the artefact key."""

    num_layers: int = 6
    max_length: int = 32
    epochs: int = 2
    batch_size: int = 32
    encoder_lr: float = 8e-5
    head_lr: float = 2e-3
    max_steps: Optional[int] = None
    seed: int = 0


class TokenTaggerNet(torch.nn.Module):
    """Encoder plus a linear layer over every word piece: ``[batch, pieces] -> [batch, pieces, tags]``."""

    def __init__(self, encoder: torch.nn.Module, num_tags: int):
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(encoder.config.hidden_size, num_tags)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(hidden))


class BioTagger:
    """Tag each word of a query with a BIO attribute tag.

    Examples
    --------
    >>> tagger = BioTagger(TaggerParams(epochs=1)).fit(tokens, tags)   # doctest: +SKIP
    >>> tagger.predict([["red", "iphone", "case"]])                     # doctest: +SKIP
    [['B-color', 'B-model', 'B-type']]
    """

    def __init__(self, params: Optional[TaggerParams] = None):
        self.params = params or TaggerParams()
        self.tags_: list[str] = []
        self.net_: Optional[TokenTaggerNet] = None
        self.history_: list[float] = []

    # -- training ----------------------------------------------------------------------------

    def fit(self, tokens: Sequence[Sequence[str]], tags: Sequence[Sequence[str]],
            progress: Optional[ProgressCallback] = None) -> "BioTagger":
        """Fine-tune the encoder on word lists `tokens` with one BIO tag per word in `tags`.

        Raises
        ------
        ValueError
            When there is no query, a query's tags and words differ in count, or no tag other
            than ``O`` occurs.
        """
        if len(tokens) == 0:
            raise ValueError("no tagged queries to train the attribute tagger on; give at least one query")
        for position, (words, labels) in enumerate(zip(tokens, tags)):
            if len(words) != len(labels):
                raise ValueError(f"query {position} has {len(words)} words but {len(labels)} tags")
        types = sorted({tag[2:] for labels in tags for tag in labels if tag != "O"})
        if not types:
            raise ValueError("the tagged queries contain only 'O' tags; the tagger needs at least one attribute type")
        self.tags_ = ["O"] + [f"{prefix}-{kind}" for kind in types for prefix in ("B", "I")]
        tag_index = {tag: i for i, tag in enumerate(self.tags_)}
        p = self.params
        seed_everything(p.seed)
        self.net_ = TokenTaggerNet(encoder_module.load_encoder(p.num_layers), len(self.tags_))
        tokenizer = encoder_module.load_tokenizer()

        words = [[w.lower() for w in query] for query in tokens]
        labels = [[tag_index[t] for t in query] for query in tags]
        lengths = [len(query) for query in words]

        def batches(epoch: int):
            for indices in batch_indices(len(words), p.batch_size, p.seed + epoch, lengths):
                yield self._encode([words[i] for i in indices], [labels[i] for i in indices], tokenizer)

        def loss_fn(net, batch):
            logits = net(batch["input_ids"], batch["attention_mask"])
            return torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), batch["labels"].reshape(-1), ignore_index=IGNORE)

        steps = -(-len(words) // p.batch_size)
        self.history_ = fine_tune(self.net_, batches, loss_fn, steps, p.epochs, p.encoder_lr, p.head_lr,
                                  p.max_steps, progress, "Training the attribute tagger")
        return self

    def _encode(self, words: list[list[str]], labels: Optional[list[list[int]]], tokenizer) -> dict:
        encoded = tokenizer(words, is_split_into_words=True, truncation=True, max_length=self.params.max_length,
                            padding=True, return_tensors="pt")
        batch = {"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"],
                 "first_piece": []}
        label_rows = []
        for row in range(len(words)):
            word_ids = encoded.word_ids(row)
            first: dict[int, int] = {}
            row_labels = []
            for piece, word in enumerate(word_ids):
                if word is not None and word not in first:
                    first[word] = piece
                    row_labels.append(labels[row][word] if labels is not None else IGNORE)
                else:
                    row_labels.append(IGNORE)
            batch["first_piece"].append(first)
            label_rows.append(row_labels)
        batch["labels"] = torch.tensor(label_rows, dtype=torch.long)
        return batch

    # -- prediction --------------------------------------------------------------------------

    def _check_fitted(self) -> TokenTaggerNet:
        if self.net_ is None:
            raise RuntimeError("the attribute tagger has not been trained yet; call fit() or load a saved model first")
        return self.net_

    @torch.inference_mode()
    def predict_proba(self, tokens: Sequence[Sequence[str]], batch_size: int = 64) -> list[np.ndarray]:
        """Return, per query, an array ``[words, tags]`` of tag probabilities (order: `tags_`).

        Words cut off by `max_length` get probability 1 for ``O``.
        """
        net = self._check_fitted()
        tokenizer = encoder_module.load_tokenizer()
        results: list[np.ndarray] = []
        for start in range(0, len(tokens), batch_size):
            chunk = [[w.lower() for w in query] for query in tokens[start:start + batch_size]]
            safe = [query if query else ["[PAD]"] for query in chunk]
            batch = self._encode(safe, None, tokenizer)
            probs = torch.softmax(net(batch["input_ids"], batch["attention_mask"]), dim=-1).numpy()
            for row, query in enumerate(chunk):
                out = np.zeros((len(query), len(self.tags_)), dtype=np.float32)
                out[:, 0] = 1.0
                for word, piece in batch["first_piece"][row].items():
                    if word < len(query):
                        out[word] = probs[row, piece]
                results.append(out)
        return results

    def predict(self, tokens: Sequence[Sequence[str]]) -> list[list[str]]:
        """Return the most likely BIO tag of every word, repaired so every span starts with ``B-``."""
        return [repair_bio([self.tags_[i] for i in probs.argmax(axis=1)]) for probs in self.predict_proba(tokens)]

    def predict_spans(self, tokens: Sequence[str]) -> tuple[list[str], list[Span]]:
        tags = self.predict([list(tokens)])[0]
        return tags, bio_spans(list(tokens), tags)

    # -- persistence -------------------------------------------------------------------------

    def state(self) -> tuple[dict[str, torch.Tensor], dict]:
        """Return the state dict and the JSON metadata needed by `from_state`."""
        net = self._check_fitted()
        return net.state_dict(), {"kind": "bio-tagger", "params": asdict(self.params), "tags": self.tags_,
                                  "history": self.history_}

    @classmethod
    def from_state(cls, state_dict: dict[str, torch.Tensor], metadata: dict) -> "BioTagger":
        tagger = cls(TaggerParams(**metadata["params"]))
        tagger.tags_ = list(metadata["tags"])
        tagger.history_ = list(metadata.get("history", []))
        net = TokenTaggerNet(encoder_module.load_encoder(tagger.params.num_layers, pretrained=False), len(tagger.tags_))
        net.load_state_dict(state_dict)
        net.eval()
        tagger.net_ = net
        return tagger
