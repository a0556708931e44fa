"""Registry of instruction readers: the lexicon baseline and the learned IFED model."""

from __future__ import annotations

from functools import lru_cache

from .errors import I2FETError

READERS = ("lexicon", "ifed")
DEFAULT_READER = "ifed"  # beats the lexicon on held-out words and sentence shapes (ifed/evaluate.py)


@lru_cache(maxsize=4)
def get_reader(name: str = DEFAULT_READER, encoder: str = "minilm", encoder_weights: str | None = None, device: str = "cpu"):
    """The named reader with the named text encoder, built once per process (IFED also loads its checkpoint,
    which refuses an encoder it was not trained with)."""
    if name not in READERS:
        raise I2FETError(f"Unknown instruction reader '{name}'; choose one of {', '.join(READERS)}.")
    from .text.encoders import create_encoder

    text_encoder = create_encoder(encoder, encoder_weights or None, device=device)
    if name == "lexicon":
        from .instruct.lexicon_reader import LexiconReader

        return LexiconReader(text_encoder)
    if name == "ifed":
        from .ifed.reader import IFEDReader

        return IFEDReader(encoder=text_encoder)
    raise I2FETError(f"Unknown instruction reader '{name}'; choose one of {', '.join(READERS)}.")
