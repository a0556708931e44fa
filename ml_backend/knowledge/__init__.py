"""What facial expressions are, in ARKit weights: FACS action units and named concepts with their words."""

from .action_units import (
    AU_TABLE,
    INTENSITY_LETTERS,
    AUCode,
    AUEntry,
    au_vector,
    mirror_channel,
    mirror_weights,
    parse_au,
)
from .concepts import (
    Concept,
    all_concepts,
    basic_emotions,
    category_scores,
    concept,
    nearest_category,
)
from .spec import CATEGORIES, KINDS

__all__ = [
    "AU_TABLE", "INTENSITY_LETTERS", "AUCode", "AUEntry", "au_vector", "mirror_channel",
    "mirror_weights", "parse_au",
    "Concept", "all_concepts", "basic_emotions", "category_scores", "concept", "nearest_category",
    "CATEGORIES", "KINDS",
]
