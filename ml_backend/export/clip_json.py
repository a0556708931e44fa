"""The clip as JSON: the plan and the per-frame ARKit weights, for scripts and other tools."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..arkit import ARKIT_NAMES


def write_clip_json(path: Path, plan_dict: dict, weights: np.ndarray, fps: float) -> Path:
    """Write ``{"plan": ..., "fps": ..., "channels": [...], "frames": [[52 floats], ...]}``."""
    payload = {
        "format": "i2fet-clip",
        "version": 1,
        "fps": fps,
        "channels": list(ARKIT_NAMES),
        "plan": plan_dict,
        "frames": np.round(np.asarray(weights, dtype=np.float64), 6).tolist(),
    }
    path = Path(path)
    path.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return path
