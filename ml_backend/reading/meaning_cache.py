"""Every phrase list the readers look up by meaning, encoded once and written to the embedding cache.

``build.py extension`` ships the files :func:`warm` returns (``ml_backend/data/embeddings``), so a user's first
reading by meaning does not first encode some ten thousand phrases (about half a minute on a CPU). It goes through
the readers' own look-ups, so the files are exactly the versions they ask for.
"""

from __future__ import annotations

from pathlib import Path


def warm(encoder=None) -> list[Path]:
    """Encode (or find) the vocabulary, idiom, association and lexicon phrase lists for ``encoder`` (MiniLM by
    default); returns the files that hold them."""
    from ..knowledge.associations import term_vectors
    from ..text.embedding_cache import SERVED
    from ..text.encoders import create_encoder
    from .compositional import idiom_vectors, vocabulary_vectors
    from .lexicon import LexiconReader

    encoder = encoder if encoder is not None else create_encoder("minilm")
    vocabulary_vectors(encoder)
    idiom_vectors(encoder)
    term_vectors(encoder)
    LexiconReader(encoder).phrase_vectors()
    return sorted({path for (kind, name), path in SERVED.items() if name == encoder.name})
