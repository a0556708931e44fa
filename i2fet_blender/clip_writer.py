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
from .blender_io.shape_keys import create_shape_keys
from .clip_store import ClipInfo, store_clip_info
from .head_checks import GenerationError, check_target, is_ict_head
from .key_mapping import KeyMap, key_map_for

__all__ = ["KeyMap", "WrittenClip", "drivable_keys", "key_map_for", "undo_partial", "write_clip"]


@dataclass
class WrittenClip:
    action: bpy.types.Action
    created_keys: list[str] = field(default_factory=list)
    missing_channels: list[str] = field(default_factory=list)
    frame_start: int = 1
    frame_end: int = 1


def drivable_keys(obj: bpy.types.Object, model) -> dict[str, np.ndarray]:
    """Shape keys that must be created before ``obj`` can play ARKit weights ({} when none).

    The ICT head gets the model's ARKit shapes that its mapping lacks; a mesh whose keys resolve
    through ``key_map_for`` (saved table, naming preset or ARKit spellings) needs none.
    Raises GenerationError for a mesh that can be driven neither way, or whose table uses a key twice.
    """
    key_map = key_map_for(obj)
    if key_map.problem():
        raise GenerationError(key_map.problem())
    if model is not None and is_ict_head(obj, model):
        arkit = bridge.arkit()
        return {name: model.deltas[arkit.INDEX[name]] for name in model.channels_with_shapes if name not in key_map.keys}
    if key_map.keys:
        return {}
    raise GenerationError(
        f"'{obj.name}' has no ARKit shape keys (such as jawOpen, mouthSmileLeft or mouthSmile_L) and no keys of a "
        "known naming scheme (Character Creator, Unified Expressions, Daz Genesis) yet. Map its own keys in "
        "I2FET > Generate > Shape-Key Mapping, or press 'Fit Head' in the I2FET panel to fit the face model to it "
        "and create them."
    )


def write_clip(obj: bpy.types.Object, weights: np.ndarray, model, info: ClipInfo, name: str,
               summary: str = "") -> WrittenClip:
    """Key ``weights`` (frames x 52) on ``obj`` from ``info.frame_start`` as a new clip action named ``name``.

    Creates the ARKit keys the ICT head lacks; keys resolve through ``key_map_for`` (a channel mapped
    to several keys gives each the same curve). ``missing_channels`` lists the channels this clip
    moves that the mesh has no key for. If anything fails, what this call made is removed again and
    the user's action is put back.
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
        key_map = key_map_for(obj).keys
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
