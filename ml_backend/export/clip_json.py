"""The clip as JSON: the plan and the per-frame ARKit weights, for scripts and other tools.

Strict JSON: every number is finite (checked first; ``allow_nan=False`` as a second guard), so any
JSON reader can load it. Written atomically.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from .. import validation
from ..errors import I2FETError
from ..naming.arkit import ARKIT_NAMES, NUM_CHANNELS
from .atomic import write_text


def _non_finite(value: object, where: str = "plan") -> str | None:
    """The location of the first NaN or infinity inside nested dicts/lists/numbers, else None."""
    if isinstance(value, float):
        return where if not math.isfinite(value) else None
    if isinstance(value, dict):
        return next((w for k, v in value.items() if (w := _non_finite(v, f"{where}.{k}"))), None)
    if isinstance(value, (list, tuple)):
        return next((w for i, v in enumerate(value) if (w := _non_finite(v, f"{where}[{i}]"))), None)
    return None


def clip_payload(plan_dict: dict, weights: np.ndarray, fps: float) -> dict:
    """The JSON document: ``{"format", "version", "fps", "channels", "plan", "frames": [[52 floats], ...]}``."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 2 or weights.shape[1] != NUM_CHANNELS:
        raise I2FETError(f"A clip has {NUM_CHANNELS} weights per frame, got an array of shape {weights.shape}.")
    if not np.all(np.isfinite(weights)):
        raise I2FETError("The clip holds weights that are not numbers (NaN or infinite); nothing was written.")
    fps = validation.fps(fps)
    where = _non_finite(plan_dict)
    if where is not None:
        raise I2FETError(f"The plan holds a value that is not a number at {where}; nothing was written.")
    return {
        "format": "i2fet-clip",
        "version": 1,
        "fps": float(fps),
        "channels": list(ARKIT_NAMES),
        "plan": plan_dict,
        "frames": np.round(weights, 6).tolist(),
    }


def write_clip_json(path: Path, plan_dict: dict, weights: np.ndarray, fps: float) -> Path:
    """Write the clip as strict JSON (no NaN or Infinity), replacing ``path`` atomically."""
    text = json.dumps(clip_payload(plan_dict, weights, fps), indent=1, allow_nan=False)
    return write_text(path, text)
