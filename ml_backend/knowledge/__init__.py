"""What facial expressions are, in ARKit weights: FACS action units and named concepts with their words."""

from ml_backend.knowledge.action_units import (
    AU_TABLE,
    INTENSITY_LETTERS,
    AUCode,
    AUEntry,
    au_vector,
    parse_au,
)
from ml_backend.knowledge.concepts import (
    Concept,
    all_concepts,
    basic_emotions,
    category_scores,
    concept,
    nearest_category,
)
from ml_backend.knowledge.spec import CATEGORIES, KINDS

__all__ = [
    "AU_TABLE", "INTENSITY_LETTERS", "AUCode", "AUEntry", "au_vector", "parse_au",
    "Concept", "all_concepts", "basic_emotions", "category_scores", "concept", "nearest_category",
    "CATEGORIES", "KINDS",
]
