"""The one place the add-on reaches the backend; heavy imports happen here, on first use.

In the extension zip the backend is bundled as the ``<add-on>.ml_backend`` subpackage; in a
development checkout it is the top-level ``ml_backend`` package beside the add-on. No other
add-on module imports ``ml_backend``: they call the functions here, and the backend's errors
come out of :func:`translated` as the add-on's own (``i2fet_blender.errors``).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from ..errors import AddonError, GenerationError

ADDON_PACKAGE = __package__.rpartition(".")[0]  # "i2fet_blender", or "bl_ext.<repo>.i2fet" as an extension
# One caller in the backend at a time: a Generate clicked while the preload runs waits for it (and finds the
# reader, encoder and face model loaded) instead of loading them a second time beside it.
_backend_lock = threading.Lock()


def backend_module(name: str = "") -> ModuleType:
    """Import ``ml_backend[.name]`` from the bundled copy or the checkout."""
    suffix = f".{name}" if name else ""
    try:
        return importlib.import_module(f"{ADDON_PACKAGE}.ml_backend{suffix}")
    except ModuleNotFoundError as error:
        if f"{ADDON_PACKAGE}.ml_backend" not in str(error):
            raise
    return importlib.import_module(f"ml_backend{suffix}")


@contextmanager
def translated(error_type: type[AddonError] = GenerationError) -> Iterator[None]:
    """Re-raise the backend's errors (``ml_backend.errors.I2FETError``) as ``error_type`` with the same words."""
    errors = backend_module("errors")
    try:
        yield
    except errors.I2FETError as error:
        raise error_type(str(error)) from error


def validation() -> ModuleType:
    """The backend's argument checks, one function per kind of value (light: numpy only)."""
    return backend_module("validation")


def printable(text: str) -> str:
    """``text`` with control characters and terminal escapes shown escaped, for reports and the console."""
    return backend_module("printable").printable(str(text), keep_newlines=True)


def arkit() -> ModuleType:
    """The ARKit name table (light: no torch)."""
    return backend_module("naming.arkit")


def key_presets() -> ModuleType:
    """Shape-key naming presets (Character Creator, Unified Expressions, Daz...) and mapping files (light)."""
    return backend_module("naming.key_presets")


def fitting() -> ModuleType:
    """Fitting the face model to any head (imports scipy on first use)."""
    return backend_module("fitting")


def face_model_module() -> ModuleType:
    return backend_module("face_model")


def face_model():
    """The ICT face model (cached by the backend); GenerationError when its files are missing."""
    with translated():
        return face_model_module().load_face_model()


def face_model_or_error() -> tuple[object | None, str]:
    """(the face model, '') or (None, why it could not be loaded): callers with a fallback use this."""
    try:
        return face_model(), ""
    except GenerationError as error:
        return None, str(error)


def generate_clip(prompt: str, frames: int, fps: float, start_weights=None, intensity: float = 1.0, seed: int = 0,
                  encoder: str = "minilm", encoder_weights: str = "", device: str = "cpu", reader: str | None = None,
                  variation_key: str = ""):
    """Run the backend's pipeline (this is where torch and the text encoder are first imported)."""
    pipeline = backend_module("pipeline")
    with _backend_lock, translated():
        backend_module("runtime").configure_threads()
        return pipeline.generate(prompt, frames=frames, fps=fps, start_weights=start_weights, intensity=intensity,
                                 seed=seed, encoder=encoder, encoder_weights=encoder_weights or None, device=device,
                                 reader=reader or pipeline.DEFAULT_READER, variation_key=variation_key)


WARMUP_PROMPT = "a faint smile turning into surprise"  # two steps: the reader's, planner's and motion's paths all run
WARMUP_FRAMES = 12


def preload(encoder: str = "minilm", encoder_weights: str = "", device: str = "cpu", reader: str | None = None) -> None:
    """Do, in the background, everything a first Generate would otherwise do lazily: import torch and the backend
    modules a click reaches, load the reader, the text encoder and the face model, run one small generation
    (torch's first-call kernels) and fit its sparse keys, and resolve the naming presets a head's key map needs.

    The backend's thread policy (``ml_backend.runtime``: one torch thread) keeps the rest of the machine,
    Blender's UI and viewport included, free while it runs.
    """
    runtime = backend_module("runtime")
    runtime.prewarm()
    pipeline = backend_module("pipeline")
    with _backend_lock, translated():
        runtime.configure_threads()
        clip = pipeline.generate(WARMUP_PROMPT, frames=WARMUP_FRAMES, fps=30.0, encoder=encoder,
                                 encoder_weights=encoder_weights or None, device=device,
                                 reader=reader or pipeline.DEFAULT_READER)
        backend_module("motion.keys").fit_keys(clip.weights)
        clip.plan.summary()
    key_presets().detect_scheme(list(arkit().ARKIT_NAMES))
    face_model_or_error()


def read_livelink_csv(path, fps: float | None):
    """A Live Link Face take as (frames x 52 weights, its frame rate)."""
    with translated():
        return backend_module("export.livelink_csv").read_livelink_csv(path, fps=fps)


def write_livelink_csv(path, weights, fps: float):
    with translated():
        return backend_module("export.livelink_csv").write_livelink_csv(path, weights, fps)
