"""Text embeddings of the reader's fixed phrase lists (vocabulary, idioms, lexicon), cached as .npy files.

One file per kind, encoder and version of the phrase list: ``{kind}_{encoder}_{digest}.npy`` in
``paths.cache_dir()``, the digest (16 hex digits) naming the phrases. The phrase lists change with the project,
so writing a new version removes the older versions of the same kind and encoder: only files named in that
pattern that hold a 2-D float array (what this module writes) are removed; other kinds, other encoders and
anything else in the folder are never touched. Files are written whole (a temporary file, then renamed), so a
reader in another process never sees half of one.

The extension ships the versions it was built with in ``ml_backend/data/embeddings`` (``build.py extension``), read
first: encoding the phrase lists takes about half a minute on a CPU, which a user's first reading by meaning would
otherwise wait for. A bundled file is used only when its name (the digest of the phrases) and row count match.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..paths import cache_dir

DIGEST_LENGTH = 16
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "data" / "embeddings"  # inside the extension
SERVED: dict[tuple[str, str], Path] = {}  # (kind, encoder) -> the file that served this process's current version
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")  # a kind or encoder name: no separators, no path parts


def phrase_digest(texts: Sequence[str], encoder_name: str) -> str:
    """The version of a phrase list for one encoder (the digest in the file name)."""
    return hashlib.sha1(("\n".join(texts) + encoder_name).encode()).hexdigest()[:DIGEST_LENGTH]


def _check_name(what: str, name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"The embedding cache's {what} must be letters, digits, dots or dashes; got {name!r}.")
    return name


def cache_path(kind: str, encoder_name: str, digest: str) -> Path:
    """Where the embeddings of one phrase-list version live."""
    return cache_dir() / f"{_check_name('kind', kind)}_{_check_name('encoder name', encoder_name)}_{digest}.npy"


def _version_pattern(kind: str, encoder_name: str) -> re.Pattern:
    return re.compile(rf"{re.escape(kind)}_{re.escape(encoder_name)}_[0-9a-f]{{{DIGEST_LENGTH}}}\.npy")


def _read(path: Path, rows: int | None = None, header_only: bool = False) -> np.ndarray | None:
    """The 2-D float array in ``path`` (with ``rows`` rows when given), else None (missing, unreadable, other).
    ``header_only``: map the file instead of reading it (enough to tell what it holds)."""
    try:
        vectors = np.load(path, mmap_mode="r" if header_only else None, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if vectors.ndim != 2 or vectors.dtype.kind != "f" or (rows is not None and vectors.shape[0] != rows):
        return None
    return vectors


def _write(path: Path, vectors: np.ndarray) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            np.save(handle, vectors, allow_pickle=False)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def prune_older(kind: str, encoder_name: str, keep: Path) -> list[Path]:
    """Remove the other versions of ``kind`` for ``encoder_name`` (files this module wrote); returns them."""
    pattern = _version_pattern(_check_name("kind", kind), _check_name("encoder name", encoder_name))
    removed = []
    for entry in keep.parent.iterdir():
        if entry.name == keep.name or not pattern.fullmatch(entry.name) or entry.is_symlink() or not entry.is_file():
            continue
        if _read(entry, header_only=True) is None:
            continue  # named like ours but not an embedding array: not ours to remove
        entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def cached_embeddings(kind: str, encoder_name: str, texts: Sequence[str],
                      encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """``encode(texts)`` as float32 (rows x dimensions), from the cache when this version was written before;
    a version computed now is written and the older versions of the same kind and encoder are removed."""
    texts = list(texts)
    path = cache_path(kind, encoder_name, phrase_digest(texts, encoder_name))
    bundled = _read(BUNDLED_DIR / path.name, len(texts))
    if bundled is not None:
        SERVED[kind, encoder_name] = BUNDLED_DIR / path.name
        return np.asarray(bundled, np.float32)
    SERVED[kind, encoder_name] = path
    cached = _read(path, len(texts))
    if cached is not None:
        return np.asarray(cached, np.float32)
    vectors = np.asarray(encode(texts), np.float32)
    _write(path, vectors)
    prune_older(kind, encoder_name, path)
    return vectors
