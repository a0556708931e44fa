"""The learned instruction reader ("ifed"): free text -> Steps of expression anchors, with confidences.

Segmentation: ``instruct.phrases.split_steps`` cuts the instruction at its connectives ("from X to
Y", "then", "turning into", "and back"), a closed class of words that rules handle exactly and
that also carry the speed words the scheduler uses; the open class, what each step's words mean
as a face, is read by the learned CAFT model. In ``slots`` mode the model also decomposes the
whole instruction itself (one query per anchor slot) and its anchors are used when its step
count agrees with the connectives; ``phrases`` mode (the default, best on held-out sentence
shapes) reads each step's text separately. A step the model scores as "not a face" is skipped
with a note; when nothing is a face, BadInstructionError.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np

from ..naming.arkit import NUM_CHANNELS
from ..errors import BadInstructionError, CheckpointError
from ..knowledge import all_concepts
from ..plan import Anchor, Step, neutral_anchor
from ..reading.phrases import Phrase, clean, split_steps
from ..text.encoders import TextEncoder, create_encoder
from .checkpoint import load_checkpoint, resolve_checkpoint
from .features import token_features

FACE_THRESHOLD = 0.5  # below this "is a face" probability, a step is reported as not understood
NEUTRAL_LEVEL = 0.08  # a reading whose strongest channel is below this is a neutral face
MODES = ("phrases", "slots")
EXAMPLES = "a faint smile, surprise, raise the left eyebrow, from happy to sad"


class IFEDReader:
    """Reads instructions with the trained CAFT model; same ``read`` contract as the lexicon reader."""

    name = "ifed"

    def __init__(self, checkpoint: str | Path | None = None, encoder: TextEncoder | None = None,
                 mode: str = "phrases") -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.checkpoint = resolve_checkpoint(checkpoint)  # the argument, $I2FET_CHECKPOINT, or the shipped one
        self._encoder = encoder
        self.mode = mode

    @cached_property
    def _loaded(self):
        model, meta = load_checkpoint(self.checkpoint)
        if self._encoder is not None and self._encoder.name != meta.get("encoder"):
            raise CheckpointError(f"{self.checkpoint} was trained with the '{meta.get('encoder')}' text encoder, "
                                  f"but the '{self._encoder.name}' encoder was given.")
        return model, meta

    @property
    def model(self):
        return self._loaded[0]

    @property
    def encoder(self) -> TextEncoder:
        if self._encoder is None:
            self._encoder = create_encoder(self._loaded[1]["encoder"])
        return self._encoder

    @cached_property
    def _concept_matrix(self) -> tuple[list[str], np.ndarray]:
        concepts = all_concepts()
        matrix = np.stack([c.weights for c in concepts]).astype(np.float32)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-6)
        return [c.label for c in concepts], matrix

    def predict(self, texts: list[str], seed: int | None = None) -> dict[str, np.ndarray]:
        """Per-slot readings of each text: weights N x S x 52, intensity, presence and face probabilities N x S."""
        import torch

        features, mask = token_features(self.encoder, list(texts))
        out = self.model.sample(torch.from_numpy(features), torch.from_numpy(mask), seed=seed)
        result = {
            "weights": out["weights"].numpy(),
            "intensity": out["intensity"].numpy(),
            "presence": torch.sigmoid(out["presence_logit"]).numpy(),
            "face": torch.sigmoid(out["face_logit"]).numpy(),
        }
        return {k: np.clip(np.nan_to_num(v.astype(np.float32), nan=0.0), 0.0, 1.0) for k, v in result.items()}

    def describe(self, weights: np.ndarray) -> tuple[str, float]:
        """The nearest known expression's name and its cosine, to say in words what was read."""
        if float(weights.max(initial=0.0)) < NEUTRAL_LEVEL:
            return "neutral", 1.0
        labels, matrix = self._concept_matrix
        cosines = matrix @ (weights / max(float(np.linalg.norm(weights)), 1e-6))
        best = int(np.argmax(cosines))
        return labels[best], float(cosines[best])

    def read(self, instruction: str, seed: int | None = None) -> tuple[list[Step], list[str]]:
        """Steps the instruction asks for and notes on what was understood or skipped."""
        text, notes = clean(instruction)
        phrases = split_steps(text)
        if not phrases:
            raise BadInstructionError(f"Nothing in '{text[:80]}' reads as a facial expression. Try for example: {EXAMPLES}.")
        readings = self._slot_readings(text, phrases, seed, notes) if self.mode == "slots" else None
        if readings is None:
            readings = self._phrase_readings(phrases, seed)
        steps = [self._step(p, r, notes) for p, r in zip(phrases, readings)]
        understood = sum(1 for s, r in zip(steps, readings) if s is not None and r is not None)
        steps = [s for s in steps if s is not None]
        if understood == 0:
            raise BadInstructionError(
                f"Nothing in '{text[:80]}' reads as a facial expression. Try for example: {EXAMPLES}.")
        return steps, notes

    def _phrase_readings(self, phrases: list[Phrase], seed: int | None) -> list[dict | None]:
        wanted = [p.wording or p.original for p in phrases if not p.is_neutral_return]
        out = self.predict(wanted, seed) if wanted else None
        readings, row = [], 0
        for phrase in phrases:
            if phrase.is_neutral_return:
                readings.append(None)
                continue
            readings.append({k: v[row, 0] for k, v in out.items()})
            row += 1
        return readings

    def _slot_readings(self, text: str, phrases: list[Phrase], seed: int | None, notes: list[str]) -> list[dict | None] | None:
        out = self.predict([text], seed)
        present = out["presence"][0] > 0.5
        count = int(np.argmin(present)) if not present.all() else len(present)
        if count != len(phrases):
            notes.append(f"The model read {count} steps where the connectives give {len(phrases)}; each step was read on its own.")
            return None
        return [None if p.is_neutral_return else {k: v[0, i] for k, v in out.items()} for i, p in enumerate(phrases)]

    def _step(self, phrase: Phrase, reading: dict | None, notes: list[str]) -> Step | None:
        if reading is None:
            return Step(anchor=neutral_anchor(), text=phrase.original, timing=phrase.timing)
        face = float(reading["face"])
        if face < FACE_THRESHOLD:
            notes.append(f"'{phrase.original.strip()}' does not read as a facial expression (face score {face:.2f}); it was skipped.")
            return None
        weights = reading["weights"].astype(np.float32).reshape(NUM_CHANNELS)
        intensity = float(reading["intensity"])
        label, similarity = self.describe(weights)
        if label == "neutral":
            notes.append(f"'{phrase.original.strip()}' read as a neutral face.")
            return Step(anchor=neutral_anchor(), text=phrase.original, timing=phrase.timing)
        notes.append(f"'{phrase.original.strip()}' read as a face like '{label}' (intensity {intensity:.2f}, "
                     f"confidence {face:.2f}).")
        anchor = Anchor(label=label, weights=weights, intensity=intensity, confidence=face)
        return Step(anchor=anchor, text=phrase.original, timing=phrase.timing)
