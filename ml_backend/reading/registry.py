"""Registry of instruction readers: name -> factory. The compositional reader is the product's default; the learned
IFED model and the lexicon baseline stay available for side-by-side comparison."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache

from ..errors import I2FETError
from .protocol import Reader


def _lexicon(encoder, checkpoint: str | None = None) -> Reader:
    from .lexicon import LexiconReader

    return LexiconReader(encoder)


def _ifed(encoder, checkpoint: str | None = None) -> Reader:
    from ..ifed.reader import IFEDReader

    return IFEDReader(checkpoint=checkpoint, encoder=encoder)


def _compose(encoder, checkpoint: str | None = None) -> Reader:
    from .compositional import CompositionalReader

    return CompositionalReader(encoder=encoder)


FACTORIES: dict[str, Callable[..., Reader]] = {"compose": _compose, "lexicon": _lexicon, "ifed": _ifed}
READERS = tuple(FACTORIES)
# Reads per facial region with a broad vocabulary; beats IFED and the lexicon on the reader's development examples
# (tests/data/reader_dev/, printed by tests/benchmarks/reader_compare.py).
DEFAULT_READER = "compose"
CHECKPOINT_ENV = "I2FET_CHECKPOINT"  # the IFED checkpoint to use instead of the shipped one


def get_reader(name: str = DEFAULT_READER, encoder: str = "minilm", encoder_weights: str | None = None,
               device: str = "cpu", checkpoint: str | None = None) -> Reader:
    """The named reader with the named text encoder, built once per process and checkpoint. IFED loads
    ``checkpoint``, else ``$I2FET_CHECKPOINT``, else the shipped one, verified by its SHA-256 and refused
    with an encoder it was not trained with; the lexicon reader has no checkpoint."""
    checkpoint = (str(checkpoint or os.environ.get(CHECKPOINT_ENV) or "") or None) if name == "ifed" else None
    return _get_reader(name, encoder, encoder_weights, device, checkpoint)


@lru_cache(maxsize=4)
def _get_reader(name: str, encoder: str, encoder_weights: str | None, device: str, checkpoint: str | None) -> Reader:
    factory = FACTORIES.get(name)
    if factory is None:
        raise I2FETError(f"Unknown instruction reader '{name}'; choose one of {', '.join(READERS)}.")
    from ..text.encoders import create_encoder

    return factory(create_encoder(encoder, encoder_weights or None, device=device), checkpoint=checkpoint)
