"""Registry of instruction readers: the lexicon baseline and (when trained) the learned IFED model."""

from __future__ import annotations

from functools import lru_cache

from .errors import I2FETError

READERS = ("lexicon",)


@lru_cache(maxsize=4)
def get_reader(name: str = "lexicon"):
    """The named reader, built once per process (it loads a text encoder)."""
    if name == "lexicon":
        from .instruct.lexicon_reader import LexiconReader

        return LexiconReader()
    raise I2FETError(f"Unknown instruction reader '{name}'; choose one of {', '.join(READERS)}.")
