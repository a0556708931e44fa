"""The plan's confidence with the alignment (IFED's joint text-expression space, issue 10 item 6).

For each face step of a reading, the alignment model scores how well the face the reader chose matches the
step's words (``alignment.Alignment.score``: cosine in the joint space), and that similarity is combined with
the reader's own calibrated confidence (``calibration.Combination``: the own log-odds plus a fitted slope on
the similarity and a fitted shift). The step's confidence becomes that probability; the plan reports its
least sure face step as before. Only the confidence changes: never which face is read.

The text side is the word-piece encoder (``wordpiece``: the mean of MiniLM's word-piece embedding rows, no
transformer), so a step costs a fraction of a millisecond, not the 20-25 ms of the sentence embedding. Its
files: ``alignment_wordpiece.safetensors`` (the model, SHA-256 and encoder checked) and
``alignment_wordpiece_calibration.json`` (the combination, fitted by
``python -m i2fet_tools.ifed.calibrate --wordpiece`` on the calibration development files, with the SHA-256 of
the model it was fitted with). A reader in ``ON_PATH`` needs both files; a damaged or mismatched one is refused
with a CheckpointError naming the fix. Other readers keep their own confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..plan import Step
from .alignment import WORDPIECE_ALIGNMENT, Alignment, load_alignment
from .calibration import Combination, load_combination
from .wordpiece import ENCODER_NAME, WordPieceEncoder, default_encoder

CALIBRATION = WORDPIECE_ALIGNMENT.with_name("alignment_wordpiece_calibration.json")
ON_PATH = ("compose",)  # the readers whose plan confidence includes the alignment similarity


@dataclass(frozen=True)
class AlignedConfidence:
    """An alignment model on the word-piece encoder and the combination fitted with it."""

    alignment: Alignment
    encoder: WordPieceEncoder
    combination: Combination

    def similarities(self, steps: list[Step], instruction: str = "") -> np.ndarray:
        """Alignment similarity of each step's words (its phrase, else the instruction) with its face."""
        if not steps:
            return np.zeros(0, np.float32)
        texts = [s.text or instruction for s in steps]
        faces = np.stack([s.anchor.target for s in steps])
        return self.alignment.score(self.encoder.encode(texts), faces)

    def apply(self, steps: list[Step], instruction: str = "") -> list[Step]:
        """The steps with each face step's confidence combined with its similarity (neutral steps as they are)."""
        faces = [i for i, s in enumerate(steps) if s.anchor.label != "neutral"]
        if not faces:
            return list(steps)
        similarity = self.similarities([steps[i] for i in faces], instruction)
        out = list(steps)
        for i, value in zip(faces, similarity):
            anchor = steps[i].anchor
            out[i] = replace(steps[i], anchor=replace(anchor, confidence=self.combination(anchor.confidence, float(value))))
        return out


def load_aligned(model: str | Path | None = None, calibration: str | Path | None = None,
                 reader: str = "compose") -> AlignedConfidence:
    """The model (verified, trained on the word-piece encoder) and ``reader``'s combination fitted with it."""
    alignment = load_alignment(model or WORDPIECE_ALIGNMENT, encoder=ENCODER_NAME)
    combination = load_combination(reader, calibration or CALIBRATION, alignment_sha256=alignment.meta.get("sha256"))
    return AlignedConfidence(alignment, default_encoder(), combination)


@lru_cache(maxsize=4)
def shipped(reader: str) -> AlignedConfidence | None:
    """The shipped aligned confidence of ``reader``, loaded once per process; None for a reader not ``ON_PATH``."""
    return load_aligned(reader=reader) if reader in ON_PATH else None


def with_alignment(steps: list[Step], reader: str, instruction: str = "") -> list[Step]:
    """The plan's steps with the alignment in their confidence (``reader`` in ``ON_PATH``), else as they are."""
    aligned = shipped(reader)
    return list(steps) if aligned is None else aligned.apply(steps, instruction)
