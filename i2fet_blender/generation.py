"""Generate a clip on a mesh: the plain function behind the Generate button (callable from scripts).

Order matters for data safety: everything is checked and the backend runs before the scene is
touched; if writing fails half-way, what this call created is removed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import bpy
import numpy as np

from . import bridge
from .blender_io.errors import BlenderIOError
from .blender_io.keyframes import write_weight_animation
from .blender_io.shape_keys import create_shape_keys, find_arkit_keys

FACE_MODEL_TAG = "i2fet_face_model"  # custom property on meshes built from the ICT face model
ICT_TAG_VALUE = "ict_facekit"
MAX_NAME = 63


class GenerationError(Exception):
    """A problem the animator can fix, already worded for them."""


@dataclass
class GenerationResult:
    action: bpy.types.Action
    summary: str
    weights: np.ndarray  # frames x 52, as keyed
    created_keys: list[str] = field(default_factory=list)
    missing_channels: list[str] = field(default_factory=list)
    frame_start: int = 1
    frame_end: int = 1


def check_target(obj: bpy.types.Object | None) -> bpy.types.Object:
    """The object must be a local mesh in Object Mode."""
    if obj is None:
        raise GenerationError("Select a head mesh first (no active object).")
    if obj.type != "MESH":
        raise GenerationError(f"'{obj.name}' is a {obj.type.lower()}, not a mesh: select the head mesh.")
    if obj.library is not None or obj.data.library is not None:
        raise GenerationError(f"'{obj.name}' is linked from another file and cannot be changed here: make it local first.")
    if obj.mode == "EDIT":
        raise GenerationError(f"'{obj.name}' is in Edit Mode: switch to Object Mode to generate.")
    return obj


def is_ict_head(obj: bpy.types.Object, model) -> bool:
    """True for a mesh with the ICT FaceKit topology (tagged by us, or same vertex count and shape)."""
    mesh = obj.data
    if len(mesh.vertices) != model.num_vertices:
        return False
    if mesh.get(FACE_MODEL_TAG) == ICT_TAG_VALUE:
        return True
    coords = np.empty(len(mesh.vertices) * 3, dtype=np.float32)
    mesh.vertices.foreach_get("co", coords)
    coords = coords.reshape(-1, 3)
    size = float(np.linalg.norm(model.neutral.max(0) - model.neutral.min(0)))
    return float(np.median(np.linalg.norm(coords - model.neutral, axis=1))) < 0.05 * size


def action_name(prompt: str) -> str:
    name = "I2FET " + " ".join(prompt.split())
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def generate_on_object(obj: bpy.types.Object | None, prompt: str, frames: int, frame_start: int, fps: float,
                       intensity: float = 1.0) -> GenerationResult:
    """Read ``prompt`` and key the expression on ``obj`` from ``frame_start`` for ``frames`` frames."""
    obj = check_target(obj)
    if not prompt or not prompt.strip():
        raise GenerationError("The prompt is empty: type what the face should do, e.g. 'a faint smile turning into surprise'.")
    arkit = bridge.arkit()
    backend_errors = bridge.errors()
    existing = find_arkit_keys(obj, arkit.canonical_name)
    try:
        model = bridge.face_model()
    except backend_errors.I2FETError as error:
        if not existing:
            raise GenerationError(str(error)) from error
        model = None
    to_create: dict[str, np.ndarray] = {}
    if model is not None and is_ict_head(obj, model):
        for name in model.channels_with_shapes:
            if name not in existing:
                to_create[name] = model.deltas[arkit.INDEX[name]]
    elif not existing:
        raise GenerationError(
            f"'{obj.name}' has no ARKit shape keys (such as jawOpen, mouthSmileLeft or mouthSmile_L) and is not the "
            "ICT FaceKit head. Add ARKit-named shape keys, or use 'Add Default Head'. Fitting other heads is not supported yet."
        )
    try:
        clip = bridge.generate_clip(prompt, frames=frames, fps=fps, intensity=intensity)
    except backend_errors.I2FETError as error:
        raise GenerationError(str(error)) from error

    created: list[str] = []
    action = None
    had_keys = obj.data.shape_keys is not None
    previous = _current_action(obj)
    try:
        created = create_shape_keys(obj, to_create) if to_create else []
        key_map = find_arkit_keys(obj, arkit.canonical_name)
        action = write_weight_animation(obj, key_map, arkit.ARKIT_NAMES, clip.weights, frame_start, action_name(prompt))
    except (BlenderIOError, RuntimeError, ValueError) as error:
        _undo_partial(obj, created, action, had_keys, previous)
        raise GenerationError(f"Writing the animation failed and was undone: {error}") from error
    missing = [n for n in arkit.ARKIT_NAMES if n not in key_map and np.any(clip.weights[:, arkit.INDEX[n]] > 0.01)]
    return GenerationResult(action=action, summary=clip.plan.summary(), weights=clip.weights, created_keys=created, missing_channels=missing,
                            frame_start=frame_start, frame_end=frame_start + clip.num_frames - 1)


def _current_action(obj: bpy.types.Object) -> bpy.types.Action | None:
    key = obj.data.shape_keys
    return key.animation_data.action if key is not None and key.animation_data is not None else None


def _undo_partial(obj: bpy.types.Object, created: list[str], action: bpy.types.Action | None, had_keys: bool,
                  previous: bpy.types.Action | None) -> None:
    """Remove what a failed generation made (keys it created, its action) and put back the user's action."""
    key = obj.data.shape_keys
    if action is not None:
        if key is not None and key.animation_data is not None and key.animation_data.action == action:
            key.animation_data.action = previous
        bpy.data.actions.remove(action)
    if key is None:
        return
    if not had_keys:
        obj.shape_key_clear()
        return
    for name in reversed(created):
        block = key.key_blocks.get(name)
        if block is not None:
            obj.shape_key_remove(block)
