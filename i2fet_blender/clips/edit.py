"""Edit clips: rename, delete, replace, scale intensity, retime, push onto the NLA.

Every function here changes only the clip's own action, the NLA tracks this add-on made
(named ``I2FET ...``) and which action a head plays; the user's shape keys, actions and NLA
tracks are left as they are. Clips stay ordinary F-curves an animator can edit.
"""

from __future__ import annotations

import bpy
import numpy as np

from ..backend import bridge
from ..errors import GenerationError
from ..io.keyframes import PREVIOUS_ACTION_PROPERTY
from .store import (
    blender_name,
    FRAME_START,
    FRAMES,
    INTENSITY,
    NLA_TRACK_PREFIX,
    action_fcurves,
    clip_object,
    keys_using,
    previous_action,
    require_clip,
)

_LINEAR = "LINEAR"
MAX_FRAME = 1_048_574  # Blender's last frame (MAXFRAME)
MAX_SCALE = 10.0  # a larger intensity factor would only push every moving channel to 1


def rename_clip(action: bpy.types.Action, name: str) -> str:
    """Rename a clip; returns the name Blender gave it (made unique when taken)."""
    require_clip(action)
    if not name.strip():
        raise GenerationError("A clip needs a name.")
    action.name = name.strip()
    return action.name


def delete_clip(action: bpy.types.Action) -> None:
    """Remove a clip: heads that play it go back to what they played before; its NLA strips go."""
    require_clip(action)
    _release(action, previous_action(action))
    bpy.data.actions.remove(action)


def replace_clip(old: bpy.types.Action, new: bpy.types.Action) -> None:
    """Let ``new`` take ``old``'s place (regenerate): its name, its NLA strips and the action it replaced."""
    require_clip(old)
    require_clip(new)
    if new.get(PREVIOUS_ACTION_PROPERTY) == old.name:
        before = old.get(PREVIOUS_ACTION_PROPERTY)
        if before:
            new[PREVIOUS_ACTION_PROPERTY] = before
        else:
            del new[PREVIOUS_ACTION_PROPERTY]
    for key in list(keys_using(old)):
        anim = key.animation_data
        for track in anim.nla_tracks:
            for strip in list(track.strips):
                if strip.action == old:
                    start, name = strip.frame_start, strip.name
                    track.strips.remove(strip)
                    added = track.strips.new(name, int(start), new)
                    _cross_fade(added, anim)
        if key.animation_data.action == old:
            key.animation_data.action = new
    name = old.name
    bpy.data.actions.remove(old)
    new.name = name


def scale_intensity(action: bpy.types.Action, factor: float) -> None:
    """Multiply every weight of the clip by ``factor`` (kept within the keys' 0..1 range)."""
    require_clip(action)
    if not np.isfinite(factor) or not 0 <= factor <= MAX_SCALE:
        raise GenerationError(f"The intensity factor must be from 0 to {MAX_SCALE:g} (got {factor:g}).")
    for fcurve in action_fcurves(action):
        points = fcurve.keyframe_points
        for name in ("co", "handle_left", "handle_right"):
            values = np.empty(len(points) * 2, dtype=np.float32)
            points.foreach_get(name, values)
            values[1::2] = np.clip(values[1::2] * factor, 0.0, 1.0)
            points.foreach_set(name, values)
        fcurve.update()
    action[INTENSITY] = float(action.get(INTENSITY, 1.0)) * factor


def retime_clip(action: bpy.types.Action, frame_start: int, frames: int) -> None:
    """Stretch or squeeze the clip to ``frames`` frames starting at ``frame_start`` (one key per frame)."""
    require_clip(action)
    if frames < 2:
        raise GenerationError("A retimed clip needs at least 2 frames.")
    with bridge.translated():
        frames = bridge.validation().frames(frames)  # at most 100,000: the keys are made in memory first
    if frame_start < -MAX_FRAME or frame_start + frames - 1 > MAX_FRAME:
        raise GenerationError(f"Frames {frame_start} to {frame_start + frames - 1} are outside Blender's timeline "
                              f"(frames -{MAX_FRAME:,} to {MAX_FRAME:,}).")
    if any(strip.action == action for key in keys_using(action) for track in key.animation_data.nla_tracks
           for strip in track.strips):
        raise GenerationError("This clip is on the NLA: scale its strip in the NLA editor instead.")
    old_start, old_end = action.frame_range
    old_times = np.linspace(old_start, old_end, frames)
    new_times = np.arange(frames, dtype=np.float32) + float(frame_start)
    co = np.empty((frames, 2), dtype=np.float32)
    co[:, 0] = new_times
    for fcurve in action_fcurves(action):
        co[:, 1] = [fcurve.evaluate(t) for t in old_times]
        points = fcurve.keyframe_points
        points.clear()
        points.add(frames)
        points.foreach_set("co", co.reshape(-1))
        for point in points:
            point.interpolation = _LINEAR
        fcurve.update()
    action[FRAME_START] = int(frame_start)
    action[FRAMES] = int(frames)


def push_to_nla(action: bpy.types.Action, key: bpy.types.Key) -> bpy.types.NlaStrip:
    """Put the clip on an ``I2FET`` NLA track of ``key`` so clips sequence and blend.

    The clip goes on the first I2FET track where it overlaps nothing (a new track on top
    otherwise, so overlapping clips cross-fade with auto-blend). If the head was playing the clip
    as its action, it goes back to what it played before.
    """
    require_clip(action)
    anim = key.animation_data or key.animation_data_create()
    if anim.use_tweak_mode:
        raise GenerationError("Leave NLA tweak mode first.")
    start, end = action.frame_range
    track = _free_track(anim, start, end)
    strip = track.strips.new(blender_name(action.name), int(np.floor(start)), action)
    _cross_fade(strip, anim)
    if anim.action == action:
        _release(action, previous_action(action), keep_strips=True)
    return strip


def clip_key(action: bpy.types.Action) -> bpy.types.Key:
    """The shape keys of the head the clip belongs to."""
    obj = clip_object(action)
    if obj.data.shape_keys is None:
        raise GenerationError(f"'{obj.name}' has no shape keys any more.")
    return obj.data.shape_keys


def push_clip_to_nla(action: bpy.types.Action) -> bpy.types.NlaStrip:
    """Put the clip on the NLA of the head it belongs to."""
    return push_to_nla(require_clip(action), clip_key(action))


def play_clip(action: bpy.types.Action) -> bpy.types.Object:
    """Make the clip's head play it as its action; returns the head."""
    key = clip_key(require_clip(action))
    anim = key.animation_data or key.animation_data_create()
    anim.action = action
    if hasattr(anim, "action_slot") and anim.action_slot is None and len(action.slots):
        anim.action_slot = action.slots[0]
    return clip_object(action)


def _cross_fade(strip: bpy.types.NlaStrip, anim: bpy.types.AnimData) -> None:
    """Act only over the clip's own frames and fade in/out over the frames it shares with our other clips."""
    strip.extrapolation = "NOTHING"
    strip.use_auto_blend = False
    fade_in = fade_out = 0.0
    for track in anim.nla_tracks:
        if not track.name.startswith(NLA_TRACK_PREFIX):
            continue
        for other in track.strips:
            if other == strip or other.frame_end <= strip.frame_start or other.frame_start >= strip.frame_end:
                continue
            if other.frame_start <= strip.frame_start:
                fade_in = max(fade_in, other.frame_end - strip.frame_start)
            if other.frame_end >= strip.frame_end:
                fade_out = max(fade_out, strip.frame_end - other.frame_start)
    length = strip.frame_end - strip.frame_start
    if fade_in + fade_out > length:
        fade_in, fade_out = length * fade_in / (fade_in + fade_out), length * fade_out / (fade_in + fade_out)
    strip.blend_in, strip.blend_out = fade_in, fade_out


def _free_track(anim: bpy.types.AnimData, start: float, end: float) -> bpy.types.NlaTrack:
    for track in anim.nla_tracks:
        if not track.name.startswith(NLA_TRACK_PREFIX):
            continue
        if all(strip.frame_end < start or strip.frame_start > end for strip in track.strips):
            return track
    track = anim.nla_tracks.new()
    track.name = f"{NLA_TRACK_PREFIX} Clips"
    return track


def _release(action: bpy.types.Action, previous: bpy.types.Action | None, keep_strips: bool = False) -> None:
    """Stop every head playing ``action``: restore the previous action, drop our strips of it."""
    for key in list(keys_using(action)):
        anim = key.animation_data
        if anim.action == action:
            anim.action = previous if previous is not None and previous != action else None
        if keep_strips:
            continue
        for track in list(anim.nla_tracks):
            for strip in list(track.strips):
                if strip.action == action:
                    track.strips.remove(strip)
            if track.name.startswith(NLA_TRACK_PREFIX) and len(track.strips) == 0:
                anim.nla_tracks.remove(track)
