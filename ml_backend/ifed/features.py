"""Token features of the frozen text encoder, fast for one instruction and cached for a corpus.

For MiniLM the token features are the BERT model's last hidden states (what sentence-transformers
returns as ``token_embeddings``), computed by the project's own module (``text.minilm``), with the
tokenizer truncating at MAX_TOKENS.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ..paths import cache_dir
from ..text.encoders import TextEncoder

MAX_TOKENS = 96


def token_features(encoder: TextEncoder, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token features N x L x dim (float32) and padding mask N x L (True = real token), at most MAX_TOKENS long."""
    features, mask = encoder.encode_tokens(list(texts), max_tokens=MAX_TOKENS)
    return features[:, :MAX_TOKENS].astype(np.float32), mask[:, :MAX_TOKENS].astype(bool)


class FeatureBank:
    """Variable-length token features of many texts, stored flat (float16) with offsets."""

    def __init__(self, flat: np.ndarray, offsets: np.ndarray) -> None:
        self.flat = flat  # total_tokens x dim, float16
        self.offsets = offsets  # N + 1

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def batch(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Padded float32 features B x L x dim and mask B x L for the given texts."""
        lengths = self.offsets[indices + 1] - self.offsets[indices]
        out = np.zeros((len(indices), int(lengths.max()), self.flat.shape[1]), np.float32)
        mask = np.zeros(out.shape[:2], bool)
        for row, (i, n) in enumerate(zip(indices, lengths)):
            out[row, :n] = self.flat[self.offsets[i]:self.offsets[i] + n]
            mask[row, :n] = True
        return out, mask


def encode_bank(encoder: TextEncoder, texts: list[str], batch_size: int = 256,
                progress=None) -> FeatureBank:
    """Encode texts (longest-first batches keep padding small) into a FeatureBank."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    pieces: list[np.ndarray | None] = [None] * len(texts)
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        features, mask = token_features(encoder, [texts[i] for i in chunk])
        for row, i in enumerate(chunk):
            pieces[i] = features[row, mask[row]].astype(np.float16)
        if progress is not None:
            progress(min(start + batch_size, len(texts)), len(texts))
    lengths = np.array([len(p) for p in pieces])
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return FeatureBank(np.concatenate(pieces), offsets)


def cached_bank(encoder: TextEncoder, texts: list[str], progress=None, folder: Path | None = None) -> FeatureBank:
    """The FeatureBank of ``texts``, from the cache folder when the same texts were encoded before."""
    digest = hashlib.sha1(("\n".join(texts) + "|" + encoder.name + f"|{MAX_TOKENS}").encode()).hexdigest()[:16]
    path = Path(folder or cache_dir()) / f"ifed_tokens_{encoder.name}_{digest}.npz"
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            return FeatureBank(data["flat"], data["offsets"])
    bank = encode_bank(encoder, texts, progress=progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, flat=bank.flat, offsets=bank.offsets)
    tmp.replace(path)
    return bank
