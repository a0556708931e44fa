"""The ground-floor instruction reader: phrases matched to a FACS-grounded lexicon.

Each step phrase is embedded with the text encoder and matched (cosine) to the training
phrasings of the knowledge base's expression concepts; the best concept above a threshold
becomes the step's anchor. It is deliberately simple: the yardstick the learned reader must beat.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ..errors import BadInstructionError
from ..knowledge import all_concepts
from ..plan import Anchor, Step, neutral_anchor
from ..text.embedding_cache import cached_embeddings
from ..text.encoders import TextEncoder, create_encoder
from .phrases import DEFAULT_INTENSITY, clean, split_steps

MATCH_THRESHOLD = 0.5


class LexiconReader:
    """Reads instructions by nearest-phrase lookup in the expression lexicon."""

    name = "lexicon"

    def __init__(self, encoder: TextEncoder | None = None) -> None:
        self._encoder = encoder

    @property
    def encoder(self) -> TextEncoder:
        if self._encoder is None:
            self._encoder = create_encoder("minilm")
        return self._encoder

    @cached_property
    def _entries(self) -> tuple[list[str], list[int], np.ndarray]:
        concepts = all_concepts()
        texts, owners = [], []
        for index, concept in enumerate(concepts):
            for phrase in (concept.name.replace("_", " "),) + tuple(concept.synonyms):
                texts.append(phrase)
                owners.append(index)
        return texts, owners, cached_embeddings("lexicon", self.encoder.name, texts, self.encoder.encode)

    def phrase_vectors(self) -> np.ndarray:
        """The embeddings of every concept's name and synonyms (what phrases are matched against)."""
        return self._entries[2]

    def match(self, phrases: list[str]) -> list[tuple[int, float]]:
        """(concept index, cosine) of the best lexicon entry for each phrase."""
        texts, owners, vectors = self._entries
        scores = self.encoder.encode(phrases) @ vectors.T
        best = scores.argmax(axis=1)
        return [(owners[b], float(scores[i, b])) for i, b in enumerate(best)]

    def read(self, instruction: str, seed: int | None = None) -> tuple[list[Step], list[str]]:
        """Steps the instruction names, and notes on what was understood or ignored (``seed``: unused, no variants)."""
        _, notes = clean(instruction)
        phrases = split_steps(instruction)
        concepts = all_concepts()
        wanted = [p for p in phrases if not p.is_neutral_return]
        matches = iter(self.match([p.text for p in wanted]) if wanted else [])
        steps: list[Step] = []
        for phrase in phrases:
            if phrase.is_neutral_return:
                steps.append(Step(anchor=neutral_anchor(), text=phrase.original, timing=phrase.timing))
                continue
            index, score = next(matches)
            if score < MATCH_THRESHOLD:
                notes.append(f"'{phrase.text}' does not read as a facial expression I know; it was skipped.")
                continue
            concept = concepts[index]
            intensity = phrase.intensity if phrase.intensity is not None else DEFAULT_INTENSITY
            notes.append(f"'{phrase.text}' read as {concept.name.replace('_', ' ')} (similarity {score:.2f}).")
            anchor = Anchor(label=concept.name.replace("_", " "), weights=concept.weights.astype(np.float32),
                            intensity=intensity, confidence=score)
            steps.append(Step(anchor=anchor, text=phrase.original, timing=phrase.timing))
        if not any(s.anchor.label != "neutral" for s in steps):
            examples = "a faint smile, surprise, raise the left eyebrow, from happy to sad"
            raise BadInstructionError(
                f"Nothing in '{instruction.strip()[:80]}' reads as a facial expression. Try for example: {examples}."
            )
        return steps, notes
