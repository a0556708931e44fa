"""Generate a clip on a mesh: the plain, synchronous function behind Generate (callable from scripts).

Order matters for data safety: everything is checked and the backend runs before the scene is
touched; ``clip_writer.write_clip`` then writes in one go and undoes its own partial work on failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import bpy
import numpy as np

from . import bridge
from .clip_store import ClipInfo
from .clip_writer import drivable_keys, key_map_for, write_clip
from .head_checks import FACE_MODEL_TAG, ICT_TAG_VALUE, GenerationError, check_target, is_ict_head

__all__ = ["FACE_MODEL_TAG", "ICT_TAG_VALUE", "GenerationError", "GenerationResult", "action_name", "check_target",
           "generate_on_object", "is_ict_head", "load_model_for"]

MAX_NAME = 63


@dataclass
class GenerationResult:
    action: bpy.types.Action
    summary: str
    weights: np.ndarray  # frames x 52, as keyed
    created_keys: list[str] = field(default_factory=list)
    missing_channels: list[str] = field(default_factory=list)
    frame_start: int = 1
    frame_end: int = 1


def action_name(prompt: str) -> str:
    name = "I2FET " + " ".join(prompt.split())
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def load_model_for(obj: bpy.types.Object):
    """The ICT face model, or None when it is unavailable but the mesh has its own ARKit keys."""
    try:
        return bridge.face_model()
    except bridge.errors().I2FETError as error:
        if key_map_for(obj).keys:
            return None
        raise GenerationError(str(error)) from error


def generate_on_object(obj: bpy.types.Object | None, prompt: str, frames: int, frame_start: int, fps: float,
                       intensity: float = 1.0, seed: int = 0, start_weights: np.ndarray | None = None) -> GenerationResult:
    """Read ``prompt`` and key the expression on ``obj`` from ``frame_start`` for ``frames`` frames."""
    obj = check_target(obj)
    if not prompt or not prompt.strip():
        raise GenerationError("The prompt is empty: type what the face should do, e.g. 'a faint smile turning into surprise'.")
    model = load_model_for(obj)
    drivable_keys(obj, model)  # refuses a mesh that cannot be driven, before the backend runs
    try:
        clip = bridge.generate_clip(prompt, frames=frames, fps=fps, intensity=intensity, seed=seed,
                                    start_weights=start_weights)
    except bridge.errors().I2FETError as error:
        raise GenerationError(str(error)) from error
    info = ClipInfo(prompt=" ".join(prompt.split()), seed=seed, intensity=intensity, frames=clip.num_frames,
                    frame_start=frame_start, fps=fps, object_name=obj.name, source="generated")
    summary = clip.plan.summary()
    written = write_clip(obj, clip.weights, model, info, action_name(prompt), summary)
    return GenerationResult(action=written.action, summary=summary, weights=clip.weights,
                            created_keys=written.created_keys, missing_channels=written.missing_channels,
                            frame_start=written.frame_start, frame_end=written.frame_end)
