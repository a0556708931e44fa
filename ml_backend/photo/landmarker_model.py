"""Where MediaPipe's face landmarker model comes from, and whether a file is that model (light: no MediaPipe import).

The model is not ours to ship: the extension zip does not carry it. It is found, in this order, at
``$I2FET_LANDMARKER`` (a file the user chose, or the add-on downloaded with the user's consent; the
CLI's ``--landmarker`` sets it), then in the shared assets' ``mediapipe/`` folder. The upstream file
is pinned by its SHA-256, as MediaPipe's own build pins it (``third_party/external_files.bzl``); a
file the user chooses may be another release of the same bundle, so it is checked by content: a
MediaPipe task bundle holding the face detector, the landmarker and the blendshape classifier.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

from ..errors import AssetsMissingError
from ..paths import assets_root

ENV_LANDMARKER = "I2FET_LANDMARKER"
MODEL_FILE = "face_landmarker_v2_with_blendshapes.task"
MODEL_URL = ("https://storage.googleapis.com/mediapipe-assets/face_landmarker_v2_with_blendshapes.task"
             "?generation=1681322467931433")
MODEL_SHA256 = "b261925d4aad812b47a0e8d58c1baa1223270a5d1f663d78338bc881c003879d"
MODEL_BYTES = 2_357_924
MODEL_NAME = "MediaPipe's face landmarker model (Google, Apache-2.0, 2.4 MB)"
BUNDLE_MEMBERS = ("face_detector.tflite", "face_landmarks_detector.tflite", "face_blendshapes.tflite")
HOW_TO_GET = ("In Blender: Edit > Preferences > Add-ons > I2FET > Head from Photo, choose the file as 'Face Landmarker "
              "Model' or allow and click 'Download Landmarker Model'. From the command line: --landmarker PATH, or set "
              f"{ENV_LANDMARKER}. The file: {MODEL_URL.split('?')[0]}")


def check_landmarker_file(path: Path) -> Path:
    """``path`` when it is a face landmarker bundle with blendshapes; AssetsMissingError saying what it is otherwise."""
    path = Path(path).expanduser()
    if not path.exists():
        raise AssetsMissingError(f"The face landmarker model {path} does not exist. {HOW_TO_GET}")
    if not path.is_file():
        raise AssetsMissingError(f"The face landmarker model {path} is a folder, not a .task file. {HOW_TO_GET}")
    try:
        with zipfile.ZipFile(path) as bundle:
            names = {Path(name).name for name in bundle.namelist()}
    except (zipfile.BadZipFile, OSError) as error:
        raise AssetsMissingError(f"{path} is not a MediaPipe model bundle (.task): {error}. {HOW_TO_GET}") from error
    missing = [member for member in BUNDLE_MEMBERS if member not in names]
    if missing:
        raise AssetsMissingError(f"{path} is a MediaPipe bundle without {', '.join(missing)}: Head from Photo needs the "
                                 f"face landmarker with blendshapes ({MODEL_FILE} or face_landmarker.task). {HOW_TO_GET}")
    return path


def model_location() -> Path:
    """Where the model is looked for (it may not be there): ``$I2FET_LANDMARKER``, else the shared assets' copy."""
    configured = os.environ.get(ENV_LANDMARKER, "").strip()
    return Path(configured).expanduser() if configured else assets_root() / "mediapipe" / MODEL_FILE


def landmarker_path() -> Path:
    """The face landmarker model to use (:func:`model_location`), checked to be that model."""
    path = model_location()
    if not os.environ.get(ENV_LANDMARKER, "").strip() and not path.is_file():
        raise AssetsMissingError(f"{MODEL_NAME} is not installed (looked for {path}). {HOW_TO_GET}")
    return check_landmarker_file(path)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
