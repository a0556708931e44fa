"""Named facial expressions as ARKit-52 weight vectors, with the words people use for them.

Every concept has training phrasings (``synonyms``) and reserved phrasings
(``heldout_synonyms``) that no concept trains on, so a text model can be evaluated on words
it never saw. ``category`` is the nearest of the seven basic emotions or neutral, used to
score category accuracy; ``nearest_category`` gives the same label for any weight vector.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..naming.arkit import INDEX, NUM_CHANNELS
from ..errors import BadInstructionError
from .action_units import au_vector, mirror_weights
from .catalog_actions import ACTIONS
from .catalog_emotions import BASIC, COMPOUND
from .catalog_everyday import EVERYDAY
from .spec import CATEGORIES, KINDS, ConceptSpec

# A face whose projection on its nearest prototype is shorter than this reads as neutral:
# about a fifth of a full basic emotion, or a movement no emotion uses (gaze, jaw sideways).
NEUTRAL_PROJECTION = 0.3


@dataclass(frozen=True, eq=False)
class Concept:
    """One named expression: its emotion category, kind, AUs, ARKit weights (52,), phrasings."""

    name: str
    category: str
    kind: str
    action_units: tuple[str, ...]
    weights: np.ndarray  # (52,) float32 in [0, 1], read-only
    source: str
    synonyms: tuple[str, ...]
    heldout_synonyms: tuple[str, ...]

    @property
    def label(self) -> str:
        """The name as plain words ("big grin")."""
        return self.name.replace("_", " ")


def _adjustment(adjust: dict[str, float], concept_name: str) -> np.ndarray:
    vector = np.zeros(NUM_CHANNELS, dtype=np.float64)
    for key, value in adjust.items():
        if key in INDEX:
            vector[INDEX[key]] += value
        elif f"{key}Left" in INDEX and f"{key}Right" in INDEX:
            vector[INDEX[f"{key}Left"]] += value
            vector[INDEX[f"{key}Right"]] += value
        else:
            raise ValueError(f"concept {concept_name}: {key!r} is not an ARKit channel or stem")
    return vector


def _build(spec: ConceptSpec) -> Concept:
    if spec.category not in CATEGORIES or spec.kind not in KINDS:
        raise ValueError(f"concept {spec.name}: bad category {spec.category!r} "
                         f"or kind {spec.kind!r}")
    weights = au_vector(spec.action_units) + _adjustment(dict(spec.adjust), spec.name)
    weights = np.clip(weights, 0.0, 1.0).astype(np.float32)
    weights.setflags(write=False)
    return Concept(spec.name, spec.category, spec.kind, spec.action_units, weights,
                   spec.source, spec.synonyms, spec.heldout_synonyms)


@lru_cache(maxsize=1)
def all_concepts() -> tuple[Concept, ...]:
    """Every concept, basic emotions first, then compounds, everyday expressions, actions."""
    return tuple(_build(spec) for spec in BASIC + COMPOUND + EVERYDAY + ACTIONS)


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Concept]:
    return {_key(c.name): c for c in all_concepts()}


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lower())


def concept(name: str) -> Concept:
    """The concept called ``name`` ("big_grin", "Big grin" and "big-grin" all work)."""
    found = _by_key().get(_key(name))
    if found is None:
        close = difflib.get_close_matches(_key(name), list(_by_key()), n=3)
        hint = f" Did you mean {', '.join(c.replace('_', ' ') for c in close)}?" if close else ""
        raise BadInstructionError(f"No expression called {name!r}.{hint}")
    return found


def basic_emotions() -> tuple[Concept, ...]:
    """The seven basic-emotion prototypes and neutral, in ``CATEGORIES`` order."""
    return tuple(concept(category) for category in CATEGORIES)  # prototypes are named by category


@lru_cache(maxsize=1)
def _unit_prototypes() -> tuple[np.ndarray, np.ndarray]:
    """The seven emotion prototypes as unit vectors, as authored and mirrored (each 7 x 52)."""
    matrix = np.stack([concept(name).weights for name in _EMOTIONS]).astype(np.float64)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix, mirror_weights(matrix)


_EMOTIONS = tuple(name for name in CATEGORIES if name != "neutral")


def category_scores(weights: np.ndarray) -> dict[str, float]:
    """Cosine of ``weights`` to each basic-emotion prototype (the better of it and its mirror image).

    Mirroring makes a left-sided contempt as contemptuous as the right-sided prototype.
    """
    vector = _as_weights(weights)
    norm = np.linalg.norm(vector)
    if norm == 0:
        return {name: 0.0 for name in _EMOTIONS}
    authored, mirrored = _unit_prototypes()
    cosines = np.maximum(authored @ vector, mirrored @ vector) / norm
    return {name: float(c) for name, c in zip(_EMOTIONS, cosines)}


def nearest_category(weights: np.ndarray) -> str:
    """The basic emotion nearest by cosine; "neutral" when the face is faint or unlike any emotion.

    Faint or unlike: the projection of ``weights`` on the nearest prototype's direction is
    shorter than ``NEUTRAL_PROJECTION``.
    """
    vector = _as_weights(weights)
    scores = category_scores(vector)
    best = max(scores, key=scores.__getitem__)
    projection = scores[best] * float(np.linalg.norm(vector))
    return best if projection >= NEUTRAL_PROJECTION else "neutral"


def _as_weights(weights: np.ndarray) -> np.ndarray:
    vector = np.asarray(weights, dtype=np.float64)
    if vector.shape != (NUM_CHANNELS,) or not np.all(np.isfinite(vector)):
        raise BadInstructionError(
            f"Expected {NUM_CHANNELS} finite blendshape weights, got shape {vector.shape}."
        )
    return vector
