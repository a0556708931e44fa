"""MediaPipe's blendshape scores -> ICT face weights, through a mapping learned from renders of the ICT head.

MediaPipe's 52 scores are what *its* network reads from a face, not the weights that make the
ICT face look that way (its smile score saturates early, its eye-look scores respond to eyelids,
...). ``i2fet_tools.photo.mapping`` renders the ICT head with known weights, reads the renders
back with MediaPipe and fits a ridge regression from the read scores (and their square roots)
back to the weights. It ships as a small safetensors file with its format version and a SHA-256
of its contents; a missing or altered file is refused with the way to rebuild it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import CheckpointError
from ..naming.arkit import NUM_CHANNELS

MAPPING_FORMAT = 1
MAPPING_PATH = Path(__file__).resolve().parent / "data" / "mediapipe_to_ict.safetensors"
REBUILD = "rebuild it with: .venv/bin/python -m i2fet_tools.photo.mapping"


def features(scores: np.ndarray) -> np.ndarray:
    """Regression inputs from MediaPipe scores (..., 52) -> (..., 104): the scores and their square roots."""
    scores = np.clip(np.asarray(scores, np.float64), 0.0, 1.0)
    return np.concatenate([scores, np.sqrt(scores)], axis=-1)


def content_hash(weight: np.ndarray, bias: np.ndarray) -> str:
    digest = hashlib.sha256()
    for array in (weight, bias):
        digest.update(np.ascontiguousarray(array, np.float32).tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class ExpressionMapping:
    """A linear map on :func:`features`: weights = clip(features(scores) @ weight + bias, 0, 1)."""

    weight: np.ndarray  # 104 x 52
    bias: np.ndarray  # 52
    metadata: dict
    sha256: str = ""

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        """ICT/ARKit weights (..., 52) for MediaPipe scores (..., 52)."""
        return np.clip(features(scores) @ self.weight + self.bias, 0.0, 1.0).astype(np.float32)


def save_mapping(path: Path, weight: np.ndarray, bias: np.ndarray, metadata: dict) -> None:
    """Write a mapping (used by the training tool)."""
    from safetensors.numpy import save_file

    weight, bias = np.asarray(weight, np.float32), np.asarray(bias, np.float32)
    meta = {"format_version": str(MAPPING_FORMAT), "sha256": content_hash(weight, bias), "features": "scores+sqrt",
            "input": "MediaPipe face_landmarker_v2_with_blendshapes scores, ARKit order",
            "output": "ICT FaceKit ARKit-52 weights", "report": json.dumps(metadata)}
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({"weight": weight, "bias": bias}, str(path), metadata=meta)


def load_mapping(path: Path = MAPPING_PATH) -> ExpressionMapping:
    """Read and verify a mapping file."""
    from safetensors import safe_open

    if not Path(path).is_file():
        raise CheckpointError(f"The photo expression mapping {path} is missing; {REBUILD}")
    try:
        with safe_open(str(path), framework="numpy") as handle:
            meta = handle.metadata() or {}
            weight, bias = handle.get_tensor("weight"), handle.get_tensor("bias")
    except Exception as error:  # safetensors raises its own error types for damaged files
        raise CheckpointError(f"The photo expression mapping {path} is unreadable ({error}); {REBUILD}") from error
    if meta.get("format_version") != str(MAPPING_FORMAT) or meta.get("features") != "scores+sqrt":
        raise CheckpointError(f"{path} is a mapping of format {meta.get('format_version')!r}, expected {MAPPING_FORMAT}; {REBUILD}")
    if weight.shape != (2 * NUM_CHANNELS, NUM_CHANNELS) or bias.shape != (NUM_CHANNELS,):
        raise CheckpointError(f"{path} holds arrays of shape {weight.shape}/{bias.shape}, not a 52-channel mapping; {REBUILD}")
    if meta.get("sha256") != content_hash(weight, bias):
        raise CheckpointError(f"{path} does not match its recorded SHA-256 (altered or damaged); {REBUILD}")
    return ExpressionMapping(weight, bias, json.loads(meta.get("report", "{}")), meta["sha256"])


@lru_cache(maxsize=1)
def default_mapping() -> ExpressionMapping:
    return load_mapping(MAPPING_PATH)
