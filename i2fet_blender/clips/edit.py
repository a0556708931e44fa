"""Edit clips: rename, delete, replace, scale intensity, retime, push onto the NLA, mute.

A clip is the head's action and, for a character of several parts, the actions the same generation wrote
on the other parts (``clips.group``): every edit here applies to all of them, so a clip stays one unit.
Every function changes only the clip's own actions, the NLA tracks this add-on made (named ``I2FET ...``)
and which action a part plays; the user's shape keys, actions and NLA tracks are left as they are.
Clips stay ordinary F-curves an animator can edit.
"""

from __future__ import annotations

import bpy
import numpy as np

from ..backend import bridge
from ..errors import GenerationError
from ..io.keyframes import PREVIOUS_ACTION_PROPERTY, REST_PROPERTY
from .group import owners, part_of, strips_of, whole_clip
from .store import (
    blender_name,
    FRAME_START,
    FRAMES,
    INTENSITY,
    NLA_TRACK_PREFIX,
    action_fcurves,
    clip_object,
    previous_action,
    require_clip,
)

MAX_FRAME = 1_048_574  # Blender's last frame (MAXFRAME)
MAX_SCALE = 10.0  # a larger intensity factor would only push every moving channel to 1


def rename_clip(action: bpy.types.Action, name: str) -> str:
    """Rename a clip; returns the name Blender gave it (made unique when taken)."""
    require_clip(action)
    if not name.strip():
        raise GenerationError("A clip needs a name.")
    shown = bridge.backend_module("printable").printable(name.strip())
    if shown != name.strip():
        raise GenerationError(f"A clip name cannot hold control characters or terminal escape codes: '{shown}'.")
    action.name = name.strip()
    return action.name


def delete_clip(action: bpy.types.Action) -> None:
    """Remove a clip and its parts' actions: every part that plays one goes back to what it played before;
    their NLA strips go."""
    for member in whole_clip(require_clip(action)):
        _release(member, previous_action(member))
        bpy.data.actions.remove(member)


def replace_clip(old: bpy.types.Action, new: bpy.types.Action) -> None:
    """Let ``new`` take ``old``'s place (regenerate): its name, its NLA strips and the action it replaced,
    part by part; parts of the old clip that the new one does not drive go back to what they played before."""
    require_clip(old)
    require_clip(new)
    new_parts = {part_of(member): member for member in whole_clip(new)[1:]}
    for member in whole_clip(old)[1:]:
        successor = new_parts.get(part_of(member))
        if successor is None:
            _release(member, previous_action(member))
            bpy.data.actions.remove(member)
        else:
            _replace_one(member, successor)
    _replace_one(old, new)


def _replace_one(old: bpy.types.Action, new: bpy.types.Action) -> None:
    if new.get(PREVIOUS_ACTION_PROPERTY) == old.name:
        before = old.get(PREVIOUS_ACTION_PROPERTY)
        if before:
            new[PREVIOUS_ACTION_PROPERTY] = before
        else:
            del new[PREVIOUS_ACTION_PROPERTY]
    for owner in owners(old):
        anim = owner.animation_data
        for track in anim.nla_tracks:
            for strip in list(track.strips):
                if strip.action == old:
                    start, name, mute = strip.frame_start, strip.name, strip.mute
                    track.strips.remove(strip)
                    added = track.strips.new(name, int(start), new)
                    added.mute = mute
                    _cross_fade(added, anim)
        if anim.action == old:
            anim.action = new
    name = old.name
    bpy.data.actions.remove(old)
    new.name = name


def scale_intensity(action: bpy.types.Action, factor: float) -> None:
    """Multiply every weight of the clip by ``factor`` (kept within the keys' 0..1 range); the parts it turns
    (eyes, teeth, head) turn ``factor`` times as far from where they rest."""
    require_clip(action)
    if not np.isfinite(factor) or not 0 <= factor <= MAX_SCALE:
        raise GenerationError(f"The intensity factor must be from 0 to {MAX_SCALE:g} (got {factor:g}).")
    for member in whole_clip(action):
        rest = member.get(REST_PROPERTY)
        for fcurve in action_fcurves(member):
            points = fcurve.keyframe_points
            base = None if rest is None else float(rest.get(f"{fcurve.data_path}[{fcurve.array_index}]", 0.0))
            for name in ("co", "handle_left", "handle_right"):
                values = np.empty(len(points) * 2, dtype=np.float32)
                points.foreach_get(name, values)
                if base is None:
                    values[1::2] = np.clip(values[1::2] * factor, 0.0, 1.0)
                else:
                    values[1::2] = base + (values[1::2] - base) * factor
                points.foreach_set(name, values)
            fcurve.update()
    action[INTENSITY] = float(action.get(INTENSITY, 1.0)) * factor


def check_timeline(frame_start: int, frames: int) -> None:
    """Refuse a clip that would reach past either end of Blender's timeline (keys there cannot be played)."""
    if frame_start < -MAX_FRAME or frame_start + frames - 1 > MAX_FRAME:
        raise GenerationError(f"Frames {frame_start} to {frame_start + frames - 1} are outside Blender's timeline "
                              f"(frames -{MAX_FRAME:,} to {MAX_FRAME:,}).")


def retime_clip(action: bpy.types.Action, frame_start: int, frames: int) -> None:
    """Stretch or squeeze the clip to ``frames`` frames starting at ``frame_start``.

    Keys, with their handles, move in time by one affine map, so the curves keep their keys and their
    shape (a Bézier curve mapped in time is the same curve stretched) and stay editable; a clip of one
    frame has nothing to stretch and is held over the new span."""
    require_clip(action)
    if frames < 2:
        raise GenerationError("A retimed clip needs at least 2 frames.")
    with bridge.translated():
        frames = bridge.validation().frames(frames)  # at most 100,000, as a generated clip
    check_timeline(frame_start, frames)
    actions = whole_clip(action)
    if strips_of(actions):
        raise GenerationError("This clip is on the NLA: scale its strip in the NLA editor instead.")
    old_start, old_end = action.frame_range  # the head's span: every part is timed by it
    stretch = (frames - 1) / (old_end - old_start) if old_end > old_start else 0.0
    for fcurve in (fcurve for member in actions for fcurve in action_fcurves(member)):
        points = fcurve.keyframe_points
        for name in ("co", "handle_left", "handle_right"):
            values = np.empty(len(points) * 2, dtype=np.float64)
            points.foreach_get(name, values)
            values[0::2] = frame_start + (values[0::2] - old_start) * stretch
            points.foreach_set(name, values)
        if stretch == 0.0 and len(points) == 1:
            points.add(1)
            points[1].co = (frame_start + frames - 1, points[0].co[1])
        fcurve.update()
    action[FRAME_START] = int(frame_start)
    action[FRAMES] = int(frames)


def push_to_nla(action: bpy.types.Action, owner: bpy.types.ID, name: str = "") -> bpy.types.NlaStrip:
    """Put ``action`` on an ``I2FET`` NLA track of ``owner`` (shape keys or an object) as a strip named ``name``.

    The strip goes on the first I2FET track where it overlaps nothing (a new track on top otherwise, so
    overlapping clips cross-fade). If ``owner`` was playing the action, it goes back to what it played before.
    """
    anim = owner.animation_data or owner.animation_data_create()
    if anim.use_tweak_mode:
        raise GenerationError("Leave NLA tweak mode first.")
    start, end = action.frame_range
    track = _free_track(anim, start, end)
    strip = track.strips.new(blender_name(name or action.name), int(np.floor(start)), action)
    _cross_fade(strip, anim)
    if anim.action == action:
        anim.action = _restorable(action, previous_action(action))
        put_back(owner, action)
    return strip


def put_back(owner: bpy.types.ID, action: bpy.types.Action) -> None:
    """An object that ``action`` turned (teeth, eyes, a head or eye target) and that now plays no action goes back
    to the rest the action stored: Blender leaves an object where its last evaluated keys put it."""
    rest = action.get(REST_PROPERTY)
    anim = owner.animation_data
    if rest is None or not isinstance(owner, bpy.types.Object) or (anim is not None and anim.action is not None):
        return
    for key, value in rest.items():
        path, _, index = key.rpartition("[")
        owner.path_resolve(path)[int(index[:-1])] = value


def part_owner(action: bpy.types.Action) -> bpy.types.ID | None:
    """The ID a clip's action drives: whoever plays it, else the part it was written for (None when gone)."""
    playing = owners(action)
    if playing:
        return playing[0]
    kind, _, rest = part_of(action).partition(":")
    obj = bpy.data.objects.get(rest.split(":")[0] if kind == "rotation" else rest)
    if obj is None:
        return None
    if kind == "keys":
        return obj.data.shape_keys if obj.type == "MESH" else None
    return obj


def clip_key(action: bpy.types.Action) -> bpy.types.Key:
    """The shape keys of the head the clip belongs to."""
    obj = clip_object(action)
    if obj.data.shape_keys is None:
        raise GenerationError(f"'{obj.name}' has no shape keys any more.")
    return obj.data.shape_keys


def push_clip_to_nla(action: bpy.types.Action) -> bpy.types.NlaStrip:
    """Put the clip on the NLA of every part it drives, one strip each, all named after the clip; returns the
    head's strip."""
    key = clip_key(require_clip(action))
    strip = push_to_nla(action, key, action.name)
    for member in _own_parts(action):
        push_to_nla(member, part_owner(member), action.name)
    return strip


def mute_clip(action: bpy.types.Action, mute: bool = True) -> int:
    """Mute (or unmute) every NLA strip of the clip, on every part; returns how many strips changed."""
    strips = strips_of(whole_clip(require_clip(action)))
    if not strips:
        raise GenerationError(f"'{action.name}' is not on the NLA: push it to the NLA first, then mute it there.")
    for strip in strips:
        strip.mute = mute
    return len(strips)


def play_clip(action: bpy.types.Action) -> bpy.types.Object:
    """Make the clip's head (and every part of the clip) play it as its action; returns the head."""
    key = clip_key(require_clip(action))
    _play(action, key)
    for member in _own_parts(action):
        _play(member, part_owner(member))
    return clip_object(action)


def _own_parts(action: bpy.types.Action) -> list[bpy.types.Action]:
    """The clip's other actions that play as their part's action (not those already on a strip, such as head and
    eye rotations laid over the user's own animation), whose part still exists."""
    return [member for member in whole_clip(action)[1:]
            if not strips_of([member]) and part_owner(member) is not None]


def _play(action: bpy.types.Action, owner: bpy.types.ID) -> None:
    anim = owner.animation_data or owner.animation_data_create()
    anim.action = action
    if hasattr(anim, "action_slot") and anim.action_slot is None and len(action.slots):
        anim.action_slot = action.slots[0]


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


def _restorable(action: bpy.types.Action, previous: bpy.types.Action | None) -> bpy.types.Action | None:
    return previous if previous is not None and previous != action else None


def _release(action: bpy.types.Action, previous: bpy.types.Action | None, keep_strips: bool = False) -> None:
    """Stop every part playing ``action``: restore the previous action, drop our strips of it."""
    for owner in owners(action):
        anim = owner.animation_data
        if anim.action == action:
            anim.action = _restorable(action, previous)
            put_back(owner, action)
        if keep_strips:
            continue
        for track in list(anim.nla_tracks):
            for strip in list(track.strips):
                if strip.action == action:
                    track.strips.remove(strip)
            if track.name.startswith(NLA_TRACK_PREFIX) and len(track.strips) == 0:
                anim.nla_tracks.remove(track)
