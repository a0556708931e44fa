"""The one place the add-on reaches the backend; heavy imports happen here, on first use.

In the extension zip the backend is bundled as the ``i2fet_blender.ml_backend`` subpackage; in a
development checkout it is the top-level ``ml_backend`` package beside the add-on.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def backend_module(name: str = "") -> ModuleType:
    """Import ``ml_backend[.name]`` from the bundled copy or the checkout."""
    suffix = f".{name}" if name else ""
    try:
        return importlib.import_module(f"{__package__}.ml_backend{suffix}")
    except ModuleNotFoundError as error:
        if f"{__package__}.ml_backend" not in str(error):
            raise
    return importlib.import_module(f"ml_backend{suffix}")


def arkit():
    """The ARKit name table (light: no torch)."""
    return backend_module("arkit")


def errors():
    return backend_module("errors")


def face_model():
    """The ICT face model (cached by the backend)."""
    return backend_module("face_model").load_face_model()


def generate_clip(prompt: str, frames: int, fps: float, start_weights=None, intensity: float = 1.0, seed: int = 0,
                  encoder: str = "minilm", encoder_weights: str = "", device: str = "cpu", reader: str | None = None):
    """Run the backend's pipeline (this is where torch and the text encoder are first imported)."""
    pipeline = backend_module("pipeline")
    return pipeline.generate(prompt, frames=frames, fps=fps, start_weights=start_weights, intensity=intensity,
                             seed=seed, encoder=encoder, encoder_weights=encoder_weights or None, device=device,
                             reader=reader or pipeline.DEFAULT_READER)


def write_livelink_csv(path, weights, fps: float):
    return backend_module("export.livelink_csv").write_livelink_csv(path, weights, fps)
