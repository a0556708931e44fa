"""The row format of the concept catalogs: what an expression is, before its weights are computed."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

CATEGORIES = ("happiness", "sadness", "surprise", "fear", "anger", "disgust", "contempt", "neutral")
KINDS = ("emotion", "compound", "everyday", "action")

SRC_EKMAN = "FACS/EMFACS prototype (Ekman & Friesen)"
SRC_DU = ("Du, Tao & Martinez 2014, 'Compound facial expressions of emotion', PNAS 111(15), "
          "Table 1 (main AUs)")
SRC_HAND = "hand-authored from FACS descriptions (Ekman, Friesen & Hager 2002); approximation"
SRC_DUCHENNE = "Duchenne smile AU6+12 (Ekman, Davidson & Friesen 1990)"


@dataclass(frozen=True)
class ConceptSpec:
    """One catalog row: AU codes (see ``au_vector``), extra per-channel weights, and phrasings.

    ``adjust`` keys are ARKit names, or a stem such as ``eyeSquint`` meaning both sides; the
    values are added to the AU weights (negative values take weight away).
    """

    name: str
    category: str
    kind: str
    action_units: tuple[str, ...]
    synonyms: tuple[str, ...]
    heldout_synonyms: tuple[str, ...]
    source: str
    adjust: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def row(name: str, category: str, kind: str, aus: str, synonyms: str, heldout: str,
        source: str = SRC_HAND, **adjust: float) -> ConceptSpec:
    """Compact constructor: AUs separated by spaces, phrasings separated by commas."""
    return ConceptSpec(name, category, kind, tuple(aus.split()), _phrases(synonyms),
                       _phrases(heldout), source, MappingProxyType(dict(adjust)))
