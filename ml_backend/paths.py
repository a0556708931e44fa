"""Where the backend finds third-party assets and keeps its caches.

Assets are never part of the project: they are read from ``I2FET_ASSETS`` (a folder holding
``ict-facekit/``), else from the ``shared/assets`` folder beside the project checkout.
Caches go to ``I2FET_CACHE``, else ``~/.cache/i2fet``.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import AssetsMissingError, OutputPathError
from .printable import printable

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ICT_UPSTREAM = "https://github.com/ICT-VGL/ICT-FaceKit (folder FaceXModel, MIT license)"


def assets_root() -> Path:
    """Folder that holds ``ict-facekit/`` (and ``mediapipe/``)."""
    configured = os.environ.get("I2FET_ASSETS")
    if configured:
        return Path(configured).expanduser()
    return PROJECT_ROOT.parent / "shared" / "assets"


def ict_folder(root: Path | None = None) -> Path:
    """The ICT FaceKit ``FaceXModel`` folder, or a clear error saying how to get it."""
    base = Path(root) if root is not None else assets_root()
    for candidate in (base / "ict-facekit" / "FaceXModel", base / "FaceXModel", base):
        if (candidate / "generic_neutral_mesh.obj.xz").is_file() or (candidate / "generic_neutral_mesh.obj").is_file():
            return candidate
    raise AssetsMissingError(
        f"ICT FaceKit not found under {base}. Download the FaceXModel folder from {ICT_UPSTREAM} "
        "and set I2FET_ASSETS (or the add-on preference 'Face model assets') to the folder that holds it."
    )


def cache_dir() -> Path:
    """A writable folder for built packs and fitted parameters."""
    configured = os.environ.get("I2FET_CACHE", "").strip()
    path = Path(configured or Path.home() / ".cache" / "i2fet").expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        where = "I2FET_CACHE" if configured else "the default cache folder"
        raise OutputPathError(f"The cache folder {printable(str(path))} ({where}) cannot be used: "
                              f"{_reason(path, error)}. Set I2FET_CACHE to a folder you can write to.") from error
    return path


def _reason(path: Path, error: OSError) -> str:
    """Why a folder could not be made, in words: a file in the way is named as such."""
    for part in (path, *path.parents):
        if part.exists() and not part.is_dir():
            return f"{printable(str(part))} is a file, not a folder"
    return error.strerror or str(error)
