"""Registry of instruction readers: name -> factory. The learned IFED model is the product's default."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from ..errors import I2FETError
from .protocol import Reader


def _lexicon(encoder) -> Reader:
    from .lexicon import LexiconReader

    return LexiconReader(encoder)


def _ifed(encoder) -> Reader:
    from ..ifed.reader import IFEDReader

    return IFEDReader(encoder=encoder)


FACTORIES: dict[str, Callable[[object], Reader]] = {"lexicon": _lexicon, "ifed": _ifed}
READERS = tuple(FACTORIES)
DEFAULT_READER = "ifed"  # beats the lexicon on held-out words and sentence shapes (i2fet_tools/ifed/evaluate.py)


@lru_cache(maxsize=4)
def get_reader(name: str = DEFAULT_READER, encoder: str = "minilm", encoder_weights: str | None = None,
               device: str = "cpu") -> Reader:
    """The named reader with the named text encoder, built once per process (IFED also loads its checkpoint,
    which refuses an encoder it was not trained with)."""
    factory = FACTORIES.get(name)
    if factory is None:
        raise I2FETError(f"Unknown instruction reader '{name}'; choose one of {', '.join(READERS)}.")
    from ..text.encoders import create_encoder

    return factory(create_encoder(encoder, encoder_weights or None, device=device))
