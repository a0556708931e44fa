"""The joint text-expression space (IFED's multimodal alignment): how well a face matches its words.

Two small encoders map into one unit-length space (``dim``, 64 by default):

- text: the MiniLM sentence embedding (unit mean of its token features, 384-d) through a two-layer MLP;
- expression: the 52 ARKit weights decoded through the ICT face model into vertex offsets on a
  fixed subsample of the face region (``vertex_ids``, stored in the checkpoint), plus each vertex's
  displacement length, through a two-layer MLP. The face geometry, not the channel list, is what
  the encoder sees, so two weight sets that move the face alike land close together.

They are trained contrastively (symmetric InfoNCE) with a vertex reconstruction loss through the
face model (``i2fet_tools/ifed/align_train.py``). ``score`` is the cosine of the two embeddings: it
ranks seeded variants of a reading (``best_variant``) and, through ``calibration``, becomes the
confidence a reader reports. The runtime is numpy only (no torch): a few small matrix products.

Two text encoders: ``minilm`` (the sentence embedding; ``alignment_minilm.safetensors``, for the
evaluation's tools) and ``minilm-wordpiece`` (the mean of MiniLM's word-piece embedding rows, no
transformer, ``wordpiece``; ``alignment_wordpiece.safetensors``), which is cheap enough for the plan's
confidence (``confidence``).

Checkpoint: safetensors with format, format version, text encoder, architecture and a SHA-256 of
the content; any mismatch is refused with a CheckpointError naming the file and the fix.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import BadInputError, CheckpointError
from ..naming.arkit import NUM_CHANNELS

FORMAT_NAME = "i2fet-alignment"
FORMAT_VERSION = 1
HASH_KEY = "sha256"
DEFAULT_ALIGNMENT = Path(__file__).resolve().parent.parent / "checkpoints" / "alignment_minilm.safetensors"
# The same model on the word-piece encoder (``wordpiece``): cheap enough for the plan's confidence (``confidence``).
WORDPIECE_ALIGNMENT = DEFAULT_ALIGNMENT.with_name("alignment_wordpiece.safetensors")
RETRAIN = "retrain it with 'python -m i2fet_tools.ifed.align_train'"
TENSORS = ("text_w1", "text_b1", "text_w2", "text_b2", "expr_w1", "expr_b1", "expr_w2", "expr_b2", "vertex_ids")


@dataclass(frozen=True)
class AlignmentConfig:
    """The architecture; stored in every checkpoint so loading rebuilds exactly this model."""

    text_dim: int = 384
    hidden: int = 256
    dim: int = 64
    vertices: int = 768
    offset_scale: float = 1.0  # offsets are divided by this (the training faces' RMS displacement)

    def to_dict(self) -> dict:
        return asdict(self)


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh form (as ``torch.nn.GELU(approximate='tanh')``, which training uses)."""
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x ** 3)))


SMALL = 32  # up to this many rows, products run in einsum's single-threaded loop (see ``_product``)


def _product(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``x @ w``; for a few rows (a plan's steps) without BLAS: numpy's multithreaded matrix product can take tens of
    milliseconds on a busy machine for these small products, einsum's own loop well under one."""
    return np.einsum("nk,kh->nh", x, w) if len(x) <= SMALL else x @ w


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-8)


class Alignment:
    """A loaded alignment model: text and expression embeddings, and their similarity."""

    def __init__(self, tensors: dict[str, np.ndarray], config: AlignmentConfig, meta: dict[str, str],
                 basis: np.ndarray) -> None:
        self.config, self.meta = config, meta
        self.t = {k: tensors[k].astype(np.float32) for k in TENSORS if k.startswith("text")}
        self.e = {k: tensors[k].astype(np.float32) for k in TENSORS if k.startswith("expr")}
        self.basis = basis.astype(np.float32)  # 52 x (vertices x 3): the subsampled face basis
        # The first expression layer's offset part is linear in the weights: folded once into a 52 x hidden matrix.
        offsets_w1 = self.e["expr_w1"][: 3 * config.vertices]
        self.folded = ((self.basis.astype(np.float64) / config.offset_scale) @ offsets_w1).astype(np.float32)
        self.norms_w1 = np.ascontiguousarray(self.e["expr_w1"][3 * config.vertices:])

    @property
    def encoder(self) -> str:
        return self.meta.get("encoder", "")

    def embed_text(self, sentence: np.ndarray) -> np.ndarray:
        """Unit embeddings (N x dim) of MiniLM sentence embeddings (N x 384, or one 384 vector)."""
        x = _check(sentence, self.config.text_dim, "text embeddings")
        h = _gelu(_product(x, self.t["text_w1"]) + self.t["text_b1"])
        return _unit(_product(h, self.t["text_w2"]) + self.t["text_b2"])

    def expression_features(self, weights: np.ndarray) -> np.ndarray:
        """Face-geometry features N x (4 x vertices): scaled offsets and per-vertex displacement lengths."""
        w = np.clip(_check(weights, NUM_CHANNELS, "weights"), 0.0, 1.0)
        offsets = (w @ self.basis).reshape(len(w), -1, 3) / self.config.offset_scale  # N x K x 3
        return np.concatenate([offsets.reshape(len(w), -1), np.linalg.norm(offsets, axis=-1)], axis=1)

    def embed_expression(self, weights: np.ndarray) -> np.ndarray:
        """Unit embeddings (N x dim) of ARKit weight vectors (N x 52, or one 52 vector): the first layer on
        ``expression_features``, its offset part through ``folded``."""
        w = np.clip(_check(weights, NUM_CHANNELS, "weights"), 0.0, 1.0)
        offsets = _product(w, self.basis).reshape(len(w), -1, 3) / self.config.offset_scale
        first = _product(w, self.folded) + _product(np.linalg.norm(offsets, axis=-1), self.norms_w1)
        h = _gelu(first + self.e["expr_b1"])
        return _unit(_product(h, self.e["expr_w2"]) + self.e["expr_b2"])

    def score(self, sentence: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Cosine similarity of each text with its face: N text embeddings and N weight rows -> N values."""
        t, e = self.embed_text(sentence), self.embed_expression(weights)
        if len(t) != len(e) and len(t) != 1 and len(e) != 1:
            raise BadInputError(f"score needs as many texts as faces (or one of either), not {len(t)} and {len(e)}")
        return np.clip((t * e).sum(-1), -1.0, 1.0)

    def score_matrix(self, sentence: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Similarity of every text with every face: N x M."""
        return np.clip(self.embed_text(sentence) @ self.embed_expression(weights).T, -1.0, 1.0)


def _check(values: np.ndarray, width: int, what: str) -> np.ndarray:
    x = np.asarray(values, np.float32)
    x = x[None] if x.ndim == 1 else x
    if x.ndim != 2 or x.shape[1] != width:
        raise BadInputError(f"{what} must be N x {width}, not {tuple(np.shape(values))}")
    return np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)


def save_alignment(path: Path, tensors: dict[str, np.ndarray], config: AlignmentConfig, encoder: str,
                   training: dict | None = None) -> Path:
    """Write the tensors (float16; vertex ids int32) with format, encoder, config and content SHA-256."""
    from safetensors.numpy import save

    from ..export.atomic import write_bytes
    from .hashing import content_sha256

    data = {k: np.ascontiguousarray(tensors[k], np.int32 if k == "vertex_ids" else np.float16) for k in TENSORS}
    metadata = {"format": FORMAT_NAME, "format_version": str(FORMAT_VERSION), "encoder": encoder,
                "config": json.dumps(config.to_dict()), "training": json.dumps(training or {})}
    blob = save(data, metadata={**metadata, HASH_KEY: content_sha256(save(data, metadata=metadata))})
    return write_bytes(Path(path), blob)


def load_alignment(path: str | Path | None = None, encoder: str | None = None) -> Alignment:
    """The alignment model of ``path`` (default: the shipped one), verified; refuses a damaged file,
    another format or version, or a model trained with another text encoder than ``encoder``."""
    from safetensors.numpy import load

    from .hashing import content_sha256

    path = Path(path or DEFAULT_ALIGNMENT)
    if not path.is_file():
        raise CheckpointError(f"The alignment model {path} is missing: {RETRAIN}.")
    blob = path.read_bytes()
    try:
        tensors = load(blob)
        header_len = int.from_bytes(blob[:8], "little")
        meta = dict(json.loads(blob[8:8 + header_len].decode("utf-8")).get("__metadata__") or {})
        actual = content_sha256(blob)
    except Exception as error:  # safetensors raises its own error types for a corrupt file
        raise CheckpointError(f"The alignment model {path} is unreadable ({error}); restore it or {RETRAIN}.") from error
    if meta.get("format") != FORMAT_NAME:
        raise CheckpointError(f"{path} is not an alignment model (format {meta.get('format')!r}).")
    if meta.get("format_version") != str(FORMAT_VERSION):
        raise CheckpointError(f"{path} has alignment format version {meta.get('format_version')}, this code reads "
                              f"version {FORMAT_VERSION}: {RETRAIN}.")
    if meta.get(HASH_KEY) != actual:
        raise CheckpointError(f"The alignment model {path} is damaged: its content does not match the SHA-256 "
                              f"recorded in it. Restore the file (reinstall the add-on) or {RETRAIN}.")
    if encoder is not None and meta.get("encoder") != encoder:
        raise CheckpointError(f"{path} was trained with the '{meta.get('encoder')}' text encoder, not '{encoder}': "
                              f"use that encoder or {RETRAIN} --encoder {encoder}.")
    try:
        config = AlignmentConfig(**json.loads(meta["config"]))
        ids = tensors["vertex_ids"].astype(np.int64)
        basis = _face_basis(tuple(int(i) for i in ids))
        if any(k not in tensors for k in TENSORS) or basis.shape[1] != 3 * config.vertices:
            raise ValueError("its tensors do not fit its config")
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"{path} does not match the alignment model ({error}); {RETRAIN}.") from error
    return Alignment(tensors, config, meta, basis)


@lru_cache(maxsize=2)
def _face_basis(vertex_ids: tuple[int, ...]) -> np.ndarray:
    """The ICT expression basis restricted to the given vertices: 52 x (K x 3)."""
    from ..face_model import load_face_model

    deltas = load_face_model().deltas
    ids = np.asarray(vertex_ids, np.int64)
    if ids.size == 0 or ids.min() < 0 or ids.max() >= deltas.shape[1]:
        raise ValueError("its vertex ids are outside the face model")
    return deltas[:, ids].reshape(NUM_CHANNELS, -1)


@lru_cache(maxsize=2)
def default_alignment(path: str | None = None, encoder: str | None = "minilm") -> Alignment:
    """The shipped alignment model, loaded once per process."""
    return load_alignment(path, encoder)


def score(text_embeddings: np.ndarray, weights: np.ndarray, model: Alignment | None = None) -> np.ndarray:
    """Similarity (cosine, in [-1, 1]) of each instruction with its face.

    ``text_embeddings``: MiniLM sentence embeddings (N x 384 or one 384 vector; the unit mean of the
    token features, ``retrieval.sentence_vectors``). ``weights``: ARKit weights at the apex (N x 52
    or one 52 vector; one of the two may be a single row). Returns N values.
    """
    return (model or default_alignment()).score(text_embeddings, weights)


def best_variant(text_embedding: np.ndarray, candidates: np.ndarray, model: Alignment | None = None) -> tuple[int, float]:
    """Index and similarity of the candidate face (M x 52) that best matches one text (384).

    Ties go to the earliest candidate, so the choice is deterministic for a given seed's draws.
    """
    similarities = (model or default_alignment()).score(np.asarray(text_embedding, np.float32).reshape(1, -1),
                                                        candidates)
    best = int(np.argmax(similarities))
    return best, float(similarities[best])
