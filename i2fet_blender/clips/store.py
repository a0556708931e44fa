"""Clips are ordinary actions with their recipe stored as custom properties.

Nothing is kept outside the .blend: a clip survives saving, reopening and undo because its
prompt, seed, intensity and timing live on the action itself (``action["i2fet_prompt"]`` ...).
An action is a clip when it carries ``i2fet_generated`` (set by the keyframe writer) and a prompt.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import bpy
import numpy as np

from ..errors import GenerationError
from ..io.keyframes import GENERATED_ACTION_PROPERTY, PREVIOUS_ACTION_PROPERTY

PROMPT = "i2fet_prompt"
SEED = "i2fet_seed"
INTENSITY = "i2fet_intensity"
FRAMES = "i2fet_frames"
FRAME_START = "i2fet_frame_start"
FPS = "i2fet_fps"
OBJECT = "i2fet_object"
SOURCE = "i2fet_source"  # "generated" or "livelink"
SUMMARY = "i2fet_summary"
NLA_TRACK_PREFIX = "I2FET"
# Names Blender can hold: at most 63 bytes of UTF-8 (an NLA strip's, and an ID's before Blender 5.0). Blender
# cuts a longer name at the byte limit, which can split a multi-byte character so that reading the name back
# fails; every name the add-on makes from user text goes through blender_name.
MAX_NAME_BYTES = 63
ELLIPSIS = "…"


def blender_name(text: str, limit: int = MAX_NAME_BYTES) -> str:
    """``text`` as it fits in ``limit`` UTF-8 bytes, cut on a character boundary and ended with an ellipsis."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(ELLIPSIS.encode("utf-8"))
    return text.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip() + ELLIPSIS


def action_name(prompt: str) -> str:
    """The name of a generated clip's action: 'I2FET ' and the prompt on one line."""
    return blender_name("I2FET " + " ".join(prompt.split()))


@dataclass(frozen=True)
class ClipInfo:
    """A clip's recipe, as stored on its action."""

    prompt: str
    seed: int
    intensity: float
    frames: int
    frame_start: int
    fps: float
    object_name: str
    source: str


def store_clip_info(action: bpy.types.Action, info: ClipInfo, summary: str = "") -> None:
    action[PROMPT] = info.prompt
    action[SEED] = int(info.seed)
    action[INTENSITY] = float(info.intensity)
    action[FRAMES] = int(info.frames)
    action[FRAME_START] = int(info.frame_start)
    action[FPS] = float(info.fps)
    action[OBJECT] = info.object_name
    action[SOURCE] = info.source
    action[SUMMARY] = summary


def clip_info(action: bpy.types.Action) -> ClipInfo:
    start, end = action.frame_range
    return ClipInfo(
        prompt=str(action.get(PROMPT, "")),
        seed=int(action.get(SEED, 0)),
        intensity=float(action.get(INTENSITY, 1.0)),
        frames=int(action.get(FRAMES, int(round(end - start)) + 1)),
        frame_start=int(action.get(FRAME_START, int(start))),
        fps=float(action.get(FPS, 0.0)),
        object_name=str(action.get(OBJECT, "")),
        source=str(action.get(SOURCE, "generated")),
    )


def is_clip(action: bpy.types.Action | None) -> bool:
    return action is not None and bool(action.get(GENERATED_ACTION_PROPERTY)) and PROMPT in action


def clips() -> list[bpy.types.Action]:
    return [action for action in bpy.data.actions if is_clip(action)]


def action_fcurves(action: bpy.types.Action) -> list[bpy.types.FCurve]:
    """Every F-curve of ``action``: all channelbags of a slotted action, or the legacy list."""
    if hasattr(action, "layers") and len(action.layers):
        return [fcurve for layer in action.layers for strip in layer.strips
                for bag in getattr(strip, "channelbags", ()) for fcurve in bag.fcurves]
    legacy = getattr(action, "fcurves", None)
    return list(legacy) if legacy is not None else []


def keys_using(action: bpy.types.Action) -> Iterator[bpy.types.Key]:
    """Shape-key datablocks that play ``action``, as active action or in an NLA strip."""
    for key in bpy.data.shape_keys:
        anim = key.animation_data
        if anim is None:
            continue
        if anim.action == action or any(strip.action == action for track in anim.nla_tracks for strip in track.strips):
            yield key


def objects_with_key(key: bpy.types.Key) -> list[bpy.types.Object]:
    return [obj for obj in bpy.data.objects if obj.type == "MESH" and obj.data.shape_keys == key]


def previous_action(action: bpy.types.Action) -> bpy.types.Action | None:
    """The action that was playing before this clip was generated (the user's), if it still exists."""
    name = action.get(PREVIOUS_ACTION_PROPERTY)
    return bpy.data.actions.get(name) if name else None


def clip_weights(action: bpy.types.Action, key: bpy.types.Key, canonical_name, channel_names) -> tuple[np.ndarray, int]:
    """Sample the clip at its integer frames: (frames x channels) ARKit weights and the first frame.

    Channels without a curve in the clip stay 0 (their shape is not animated by it).
    """
    start, end = action.frame_range
    first, last = int(np.floor(start)), int(np.ceil(end))
    frames = np.arange(first, last + 1, dtype=np.float64)
    weights = np.zeros((len(frames), len(channel_names)), dtype=np.float32)
    column = {name: i for i, name in enumerate(channel_names)}
    for fcurve in action_fcurves(action):
        block_name = _block_name(fcurve.data_path)
        arkit = canonical_name(block_name) if block_name and block_name in key.key_blocks else None
        if arkit is None:
            continue
        weights[:, column[arkit]] = [fcurve.evaluate(f) for f in frames]
    return weights, first


def _block_name(data_path: str) -> str | None:
    prefix, suffix = 'key_blocks["', '"].value'
    if not (data_path.startswith(prefix) and data_path.endswith(suffix)):
        return None
    return data_path[len(prefix):-len(suffix)].replace('\\"', '"').replace("\\\\", "\\")


def clip_object(action: bpy.types.Action) -> bpy.types.Object:
    """The head a clip belongs to: one that plays it, else the one it was made on."""
    for key in keys_using(action):
        objects = objects_with_key(key)
        if objects:
            return objects[0]
    obj = bpy.data.objects.get(clip_info(action).object_name)
    if obj is None or obj.type != "MESH":
        raise GenerationError(f"The head of clip '{action.name}' is gone; generate a new clip on another head.")
    return obj


def selected_clip(context: bpy.types.Context, name: str = "") -> bpy.types.Action | None:
    """The clip named ``name``, else the one selected in the panel's clip list (None when that is no clip)."""
    if name:
        action = bpy.data.actions.get(name)
        return action if is_clip(action) else None
    index = context.scene.i2fet.clip_index
    if 0 <= index < len(bpy.data.actions):
        action = bpy.data.actions[index]
        return action if is_clip(action) else None
    return None


def require_clip(action: bpy.types.Action | None) -> bpy.types.Action:
    if not is_clip(action):
        raise GenerationError("Select a clip in the I2FET clip list first.")
    return action


def require_selected_clip(context: bpy.types.Context, name: str = "") -> bpy.types.Action:
    if name and not is_clip(bpy.data.actions.get(name)):
        raise GenerationError(f"There is no I2FET clip named '{name}': pick one from the clip list.")
    return require_clip(selected_clip(context, name))
