"""A cheap instruction encoder for the alignment: the mean of MiniLM's word-piece embedding rows, no transformer.

The full MiniLM sentence embedding runs six transformer layers (about 20-25 ms a step on one core), the
whole plan budget. This encoder tokenises with MiniLM's own tokenizer and averages the rows of its
word-piece embedding table for the text's tokens (special tokens left out), unit length: 384 numbers in
well under a millisecond. It knows which words are there, not their order or what they do to each other;
the alignment head trained on it (``align_train --encoder minilm-wordpiece``) learns what it can from that.

The table is read from the project's MiniLM weights file (``ml_backend.text.minilm_file``; verified against
its recorded SHA-256 once per process) through a memory map: only the rows of tokens actually seen are read.
numpy, safetensors' header and tokenizers only: no torch.
"""

from __future__ import annotations

import json
import struct
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import CheckpointError

ENCODER_NAME = "minilm-wordpiece"
TABLE = "word.weight"  # the word-piece embedding table in the MiniLM weights file
MAX_TOKENS = 128  # a step longer than this is judged by its first 128 word pieces


class WordPieceEncoder:
    """MiniLM's tokenizer and word-piece table: ``encode(texts)`` -> unit mean embeddings N x 384."""

    name = ENCODER_NAME

    def __init__(self, path: str | Path | None = None, verify: bool = True) -> None:
        from tokenizers import Tokenizer

        from ..text.minilm_file import FIX, verify_weights, weights_path

        path = Path(path) if path is not None else weights_path()
        if not path.is_file():
            raise CheckpointError(f"The text encoder weights {path} are missing: {FIX}.")
        if verify:
            verify_weights(path)
        try:
            with open(path, "rb") as handle:
                size = struct.unpack("<Q", handle.read(8))[0]
                header = json.loads(handle.read(size).decode("utf-8"))
            entry = header[TABLE]
            if entry["dtype"] != "F32" or len(entry["shape"]) != 2:
                raise ValueError(f"its {TABLE} is {entry['dtype']} {entry['shape']}, not a float32 table")
            rows, width = (int(v) for v in entry["shape"])
            start, end = (int(v) for v in entry["data_offsets"])
            if end - start != rows * width * 4:
                raise ValueError(f"its {TABLE} has {end - start} bytes for {rows} x {width} numbers")
            self.table = np.memmap(path, np.float32, "r", offset=8 + size + start, shape=(rows, width))
            self.tokenizer = Tokenizer.from_str(header["__metadata__"]["tokenizer"])
        except Exception as error:  # OSError, json, struct, numpy and tokenizers each raise their own types
            raise CheckpointError(f"The text encoder weights {path} are unreadable ({error}): {FIX}.") from error
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.path, self.width = path, width
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length mean word-piece embeddings N x width; a text with no word pieces gives a zero row."""
        with self._lock:
            encodings = self.tokenizer.encode_batch([str(t) for t in texts], add_special_tokens=False)
        out = np.zeros((len(encodings), self.width), np.float32)
        for row, encoding in enumerate(encodings):
            ids = [i for i in encoding.ids if 0 <= i < len(self.table)]
            if ids:
                mean = np.asarray(self.table[ids]).mean(0)
                out[row] = mean / max(float(np.linalg.norm(mean)), 1e-8)
        return out


@lru_cache(maxsize=2)
def default_encoder(path: str | None = None) -> WordPieceEncoder:
    """The word-piece encoder of the project's MiniLM weights, built once per process."""
    return WordPieceEncoder(path)
