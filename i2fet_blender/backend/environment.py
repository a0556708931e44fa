"""Where the backend's Python packages and data come from, inside Blender.

Blender's own Python has numpy but not torch and the text encoder. They can live in
(a) a folder of this extension that the preferences' Install button fills with
``pip install --target``, or (b) a separate Python virtual environment the user points to.
Both are appended to ``sys.path`` (after Blender's own packages, so Blender's numpy wins).

Checking uses ``importlib.util.find_spec``: nothing heavy is imported until a clip is generated.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import bpy

from ..errors import AddonError
from .bridge import ADDON_PACKAGE, backend_module, translated

# import name -> (pip requirement, what it is for). Only torch is installed from the preferences: the
# extension's wheels (blender_manifest.toml) bring safetensors and tokenizers, and the MiniLM weights ship in it.
REQUIRED = {"torch": ("torch==2.13.0", "the text encoder and the instruction reader")}
WHEELS = {
    "safetensors": ("safetensors==0.8.0", "reading the model weights"),
    "tokenizers": ("tokenizers==0.23.3", "the text encoder's tokenizer"),
}
OPTIONAL = {"open_clip": ("open_clip_torch==3.3.0", "the CLIP text encoder")}
# Head from Photo only (the generator runs without it): Google's MediaPipe finds the face, its landmarks and expression.
# Installed from the preferences on request (with its dependencies about 260 MB on disk, OpenCV the largest part).
PHOTO = {"mediapipe": ("mediapipe==1.2.3", "Head from Photo: the face's landmarks and expression")}
TORCH_SUPPORTED = ((2, 1), (3, 0))  # torch versions the backend runs on: from 2.1 up to, not including, 3.0
PACK_FILE = "ict_facekit_pack_v1.npz"
LANDMARKER_ENV = "I2FET_LANDMARKER"  # read by ml_backend.photo.landmarker_model
_added_paths: list[str] = []
_landmarker_checks: dict[tuple, str] = {}  # (path, size, mtime) -> landmarker_problem()'s answer
_set_environment: dict[str, str | None] = {}


def addon_root() -> Path:
    """The add-on's folder (the extension's root when installed as one)."""
    return Path(__file__).resolve().parent.parent


def is_extension() -> bool:
    """True when installed as an extension (``bl_ext.<repo>.<id>``), False for a checkout."""
    return ADDON_PACKAGE.startswith("bl_ext.")


def user_folder(name: str) -> Path:
    """A writable per-user folder of the add-on (kept across extension upgrades)."""
    if is_extension():
        return Path(bpy.utils.extension_path_user(ADDON_PACKAGE, path=name, create=True))
    path = Path(bpy.utils.user_resource("DATAFILES", path=f"i2fet/{name}", create=True))
    return path


def deps_folder() -> Path:
    """Where the Install button puts the backend's packages."""
    return user_folder("site-packages")


def bundled_pack() -> Path | None:
    """The face-model pack shipped inside the extension zip, if this is one."""
    path = addon_root() / "ml_backend" / "data" / PACK_FILE
    return path if path.is_file() else None


def venv_site_packages(env_path: str) -> Path | None:
    """The site-packages folder of a virtual environment (or the folder itself when it is one)."""
    if not env_path:
        return None
    root = Path(bpy.path.abspath(env_path)).expanduser()
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (root, root / "lib" / version / "site-packages", root / "Lib" / "site-packages"):
        if candidate.name == "site-packages" and candidate.is_dir():
            return candidate
    return None


def venv_problem(env_path: str) -> str:
    """Why ``env_path`` cannot be used ('' when it can, or when none is set)."""
    if not env_path:
        return ""
    if venv_site_packages(env_path) is not None:
        return ""
    root = Path(bpy.path.abspath(env_path)).expanduser()
    found = sorted(p.name for p in (root / "lib").glob("python3.*")) if (root / "lib").is_dir() else []
    wanted = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if found:
        return f"That environment is for {', '.join(found)}; Blender runs {wanted}: create the environment with Python {sys.version_info.major}.{sys.version_info.minor}."
    return f"No Python environment (lib/{wanted}/site-packages) found at {root}."


def activate(env_path: str = "", assets_path: str = "", landmarker_path: str = "") -> None:
    """Put the package folders on ``sys.path`` and point the backend at its data (cheap: no imports).

    ``landmarker_path``: MediaPipe's face landmarker model the user chose or downloaded (for Head from Photo).
    """
    for path in _added_paths:
        if path in sys.path:
            sys.path.remove(path)
    _added_paths.clear()
    folders = [deps_folder()]
    venv = venv_site_packages(env_path)
    if venv is not None:
        folders.append(venv)
    for folder in folders:
        text = str(folder)
        if folder.is_dir() and text not in sys.path:
            sys.path.append(text)
            _added_paths.append(text)
    importlib.invalidate_caches()
    pack = bundled_pack()
    if pack is not None and _original("I2FET_FACE_PACK") is None:
        _set_env("I2FET_FACE_PACK", str(pack))
    _set_env("I2FET_ASSETS", str(Path(bpy.path.abspath(assets_path))) if assets_path else None)
    _set_env(LANDMARKER_ENV, str(Path(bpy.path.abspath(landmarker_path))) if landmarker_path else None)
    _landmarker_checks.clear()
    if is_extension() and _original("I2FET_CACHE") is None:
        _set_env("I2FET_CACHE", str(user_folder("cache")))


def deactivate() -> None:
    """Undo :func:`activate` (on unregister)."""
    for path in _added_paths:
        if path in sys.path:
            sys.path.remove(path)
    _added_paths.clear()
    for name, previous in _set_environment.items():
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous
    _set_environment.clear()


def _original(name: str) -> str | None:
    """The value an environment variable had before this add-on set it."""
    return _set_environment[name] if name in _set_environment else os.environ.get(name)


def _set_env(name: str, value: str | None) -> None:
    """Set an environment variable for the backend, remembering the value it had before us."""
    if name not in _set_environment:
        _set_environment[name] = os.environ.get(name)
    if value is None:
        previous = _set_environment[name]
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous
    else:
        os.environ[name] = value


def missing_packages(names=REQUIRED) -> list[str]:
    """Import names from ``names`` that cannot be found in Blender's Python."""
    missing = []
    for name in names:
        try:
            if importlib.util.find_spec(name) is None:
                missing.append(name)
        except (ImportError, ValueError):
            missing.append(name)
    return missing


def missing_packages_message(detail: str = "") -> str:
    """An animator-facing explanation of missing backend packages ('' when all are there)."""
    missing = missing_packages()
    if not missing and not detail:
        return ""
    what = ", ".join(missing) if missing else detail
    return (f"The generator's Python packages are not installed in Blender ({what}). Open Edit > Preferences > "
            "Add-ons > I2FET and click 'Install Backend Packages', or point 'Python Environment' to a Python "
            f"{sys.version_info.major}.{sys.version_info.minor} environment that has them.")


def addon_preferences(context: bpy.types.Context | None = None):
    """The add-on's preferences (``ui.preferences.I2FET_Preferences``), or None when it is not registered."""
    context = context or bpy.context
    addon = context.preferences.addons.get(ADDON_PACKAGE)
    return addon.preferences if addon is not None else None


def backend_options(context: bpy.types.Context | None = None) -> dict:
    """The backend choices the preferences hold (encoder, device...), as keyword arguments for the generator."""
    prefs = addon_preferences(context)
    if prefs is None:
        return {}
    options = {"encoder": prefs.text_encoder, "device": prefs.device.lower()}
    if prefs.text_encoder == "clip":
        options["encoder_weights"] = bpy.path.abspath(prefs.clip_weights)
    return options


def torch_version_problem() -> str:
    """Why the installed torch cannot be used ('' when it can, or when none is installed), without importing it.

    Once torch is imported, the version checked is the one loaded (free); before, its installed metadata
    (a few milliseconds of file parsing, which every Generate click would otherwise pay).
    """
    from importlib import metadata

    loaded = sys.modules.get("torch")
    try:
        version = str(loaded.__version__) if loaded is not None else metadata.version("torch")
    except (metadata.PackageNotFoundError, AttributeError):
        return ""
    try:
        found = tuple(int(part) for part in version.split("+")[0].split(".")[:2])
    except ValueError:
        return ""
    low, high = TORCH_SUPPORTED
    if low <= found < high:
        return ""
    return (f"torch {version} is installed, but I2FET needs torch {low[0]}.{low[1]} or newer, below {high[0]}.{high[1]}: "
            "click 'Install Backend Packages' in Edit > Preferences > Add-ons > I2FET (it installs torch 2.13.0 into the "
            "add-on's own folder), or point 'Python Environment' to an environment with a supported torch.")


def wheels_problem() -> str:
    """Which of the extension's bundled packages cannot be found ('' when all can)."""
    missing = missing_packages(WHEELS)
    if not missing:
        return ""
    if is_extension():
        return (f"The extension's bundled packages are incomplete ({', '.join(missing)} missing): install the I2FET "
                "zip again (Edit > Preferences > Get Extensions > Install from Disk), it brings them.")
    return (f"The backend's packages {', '.join(missing)} are missing: click 'Install Backend Packages' in the add-on's "
            "preferences (it installs them too) or pip install " + " ".join(WHEELS[m][0] for m in missing) + ".")


def backend_problem() -> str:
    """Why the backend cannot run here ('' when it can): bundled wheels, torch present and supported. Cheap."""
    return wheels_problem() or missing_packages_message() or torch_version_problem()


def landmarker_problem() -> str:
    """Why MediaPipe's face landmarker model cannot be used ('' when it can): not found, or not that model.

    Cheap enough for a panel: the file is opened once per (path, size, modification time).
    """
    model = backend_module("photo.landmarker_model")
    path = model.model_location()
    try:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = (str(path), -1, -1)
    if key not in _landmarker_checks:
        try:
            with translated(AddonError):
                model.landmarker_path()
            _landmarker_checks[key] = ""
        except AddonError as error:
            _landmarker_checks[key] = str(error)
    return _landmarker_checks[key]


def photo_problem() -> str:
    """Why Head from Photo cannot run here ('' when it can): MediaPipe not installed, or its model not found."""
    missing = missing_packages(PHOTO)
    if missing:
        return ("Head from Photo needs Google's MediaPipe (the 'mediapipe' package), which is not installed in Blender's "
                "Python: click 'Install Photo Packages' in Edit > Preferences > Add-ons > I2FET, or point 'Python "
                "Environment' to an environment that has it.")
    return landmarker_problem()


def check_backend() -> tuple[str, bool]:
    """Import the backend's packages (slow the first time): (what to tell the user, whether CUDA is usable)."""
    missing = missing_packages()
    if missing:
        return missing_packages_message(), False
    try:
        import torch
    except ImportError as error:
        return missing_packages_message(str(error)), False
    cuda = bool(torch.cuda.is_available())
    photo = "Head from Photo: ready." if not photo_problem() else "Head from Photo: not ready (see below)."
    return f"Backend ready: torch {torch.__version__}, " + ("CUDA GPU available. " if cuda else "CPU only. ") + photo, cuda
