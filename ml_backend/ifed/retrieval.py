"""The retrieval prior's phrase bank: every training phrasing of every concept, with its weights.

CAFT attends softly from an instruction's pooled sentence embedding over these phrasings'
embeddings and mixes their concepts' weights into a prior face that the transformer refines
(``model.CAFT``). Only training phrasings (labels and ``synonyms``) enter the bank, never
held-out ones. During training, the phrasings an example's own text contains are hidden from
it (``contained_phrases``), so the model learns to read the prior as it is for unseen words:
a blend of near neighbours rather than an exact hit.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from ..knowledge import all_concepts
from ..text.encoders import TextEncoder
from .features import token_features

MAX_PHRASE_WORDS = 6
_WORD = re.compile(r"[a-z0-9']+(?:-[a-z0-9']+)*")


@lru_cache(maxsize=1)
def bank_phrases() -> tuple[tuple[str, ...], np.ndarray]:
    """The bank's phrasings and their concepts' full-strength weights (K x 52), in catalog order."""
    phrases, weights = [], []
    for concept in all_concepts():
        for phrase in dict.fromkeys((concept.label,) + tuple(concept.synonyms)):
            phrases.append(phrase)
            weights.append(concept.weights)
    return tuple(phrases), np.stack(weights).astype(np.float32)


def sentence_vectors(features: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Unit mean-pooled token features N x dim: the MiniLM sentence embedding."""
    pooled = (features * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
    return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-6)).astype(np.float32)


def encode_bank_keys(encoder: TextEncoder, batch_size: int = 256) -> np.ndarray:
    """Sentence embeddings K x dim of the bank's phrasings with the given encoder."""
    phrases = list(bank_phrases()[0])
    pieces = []
    for start in range(0, len(phrases), batch_size):
        features, mask = token_features(encoder, phrases[start:start + batch_size])
        pieces.append(sentence_vectors(features, mask))
    return np.concatenate(pieces)


def _normalised_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@lru_cache(maxsize=1)
def _phrase_index() -> dict[tuple[str, ...], list[int]]:
    index: dict[tuple[str, ...], list[int]] = {}
    for i, phrase in enumerate(bank_phrases()[0]):
        index.setdefault(tuple(_normalised_words(phrase)), []).append(i)
    return index


def contained_phrases(text: str) -> list[int]:
    """Indices of the bank phrasings that occur in ``text`` as whole words."""
    words = _normalised_words(text)
    index = _phrase_index()
    found: list[int] = []
    for start in range(len(words)):
        for length in range(1, min(MAX_PHRASE_WORDS, len(words) - start) + 1):
            found.extend(index.get(tuple(words[start:start + length]), ()))
    return sorted(set(found))
