"""Write a finished clip (frames x 52 ARKit weights) onto a head: main thread only.

The second half of a generation, split from the backend call so that the backend can run in a
worker thread: by the time this runs, every number is known and only Blender data is written.
The same writer puts an imported Live Link Face take onto a head.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import bpy
import numpy as np

from . import bridge
from .blender_io.errors import BlenderIOError
from .blender_io.keyframes import write_weight_animation
from .blender_io.shape_keys import create_shape_keys, find_arkit_keys
from .clip_store import ClipInfo, store_clip_info
from .head_checks import GenerationError, check_target, is_ict_head


@dataclass
class WrittenClip:
    action: bpy.types.Action
    created_keys: list[str] = field(default_factory=list)
    missing_channels: list[str] = field(default_factory=list)
    frame_start: int = 1
    frame_end: int = 1


def drivable_keys(obj: bpy.types.Object, model) -> dict[str, np.ndarray]:
    """Shape keys that must be created before ``obj`` can play ARKit weights ({} when none).

    The ICT head gets the model's missing ARKit shapes; a mesh with ARKit-named keys needs none.
    Raises GenerationError for a mesh that can be driven neither way.
    """
    arkit = bridge.arkit()
    existing = find_arkit_keys(obj, arkit.canonical_name)
    if model is not None and is_ict_head(obj, model):
        return {name: model.deltas[arkit.INDEX[name]] for name in model.channels_with_shapes if name not in existing}
    if existing:
        return {}
    raise GenerationError(
        f"'{obj.name}' has no ARKit shape keys (such as jawOpen, mouthSmileLeft or mouthSmile_L) yet. Press 'Fit Head' "
        "in the I2FET panel to fit the face model to it and create them, or add ARKit-named shape keys."
    )


def write_clip(obj: bpy.types.Object, weights: np.ndarray, model, info: ClipInfo, name: str,
               summary: str = "") -> WrittenClip:
    """Key ``weights`` (frames x 52) on ``obj`` from ``info.frame_start`` as a new clip action named ``name``.

    Creates the ARKit keys the ICT head lacks. If anything fails, what this call made is removed
    again and the user's action is put back.
    """
    obj = check_target(obj)
    arkit = bridge.arkit()
    to_create = drivable_keys(obj, model)
    created: list[str] = []
    action = None
    key = obj.data.shape_keys
    had_keys = key is not None
    previous = key.animation_data.action if key is not None and key.animation_data is not None else None
    try:
        created = create_shape_keys(obj, to_create) if to_create else []
        key_map = find_arkit_keys(obj, arkit.canonical_name)
        action = write_weight_animation(obj, key_map, arkit.ARKIT_NAMES, weights, info.frame_start, name)
        store_clip_info(action, info, summary)
    except (BlenderIOError, RuntimeError, ValueError) as error:
        undo_partial(obj, created, action, had_keys, previous)
        raise GenerationError(f"Writing the animation failed and was undone: {error}") from error
    missing = [n for n in arkit.ARKIT_NAMES if n not in key_map and np.any(weights[:, arkit.INDEX[n]] > 0.01)]
    return WrittenClip(action=action, created_keys=created, missing_channels=missing,
                       frame_start=info.frame_start, frame_end=info.frame_start + len(weights) - 1)



def undo_partial(obj: bpy.types.Object, created: list[str], action: bpy.types.Action | None, had_keys: bool,
                 previous: bpy.types.Action | None) -> None:
    """Remove what a failed write made (keys it created, its action) and put back the user's action."""
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
