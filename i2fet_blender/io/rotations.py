"""Write head and eye rotations (Live Link yaw/pitch/roll, radians) onto objects or pose bones.

A target is an object (the head mesh itself, an empty it is parented to, an eye mesh) or a bone of
an armature. Axes: an object's face looks along -Y with Z up (Blender's front view), so yaw (toward
the subject's right) turns about -Z, pitch (chin down) about +X, roll (toward the right shoulder)
about -Y; a bone points along its Y axis (a head or eye bone points up or forward), so yaw turns
about -Y, pitch about +X and roll about -Z of the bone. Rotations are added to the target's
current rotation (the head does not snap to zero) and need an Euler rotation mode.

Nothing of the user's is overwritten: the keys go into a new action; when the target already plays
an action of the user's, the new one goes on a new NLA track above it instead of replacing it. One of
our earlier clips' rotations is replaced as a clip's shape-key action is (kept, and played again when
the new clip is deleted), and the new keys start from the rest it stored, not from the pose it holds.
Keys are sparse Bézier keys (``keys``, from ``ml_backend.motion.keys``) or, without them, one LINEAR
key per frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import bpy
import numpy as np

from ..errors import BlenderIOError
from .keyframes import GENERATED_ACTION_PROPERTY, PREVIOUS_ACTION_PROPERTY, REST_PROPERTY, write_fcurve_keys

OBJECT_AXES = ((2, -1.0), (0, 1.0), (1, -1.0))  # yaw, pitch, roll -> (Euler index, sign): see the docstring
BONE_AXES = ((1, -1.0), (0, 1.0), (2, -1.0))
TRACK_NAME = "I2FET rotations"


@dataclass(frozen=True)
class RotationTarget:
    """Where one set of rotations goes: an object, or a bone of an armature object."""

    object_name: str
    bone: str = ""

    def describe(self) -> str:
        return f"{self.object_name}:{self.bone}" if self.bone else self.object_name


def _resolve(target: RotationTarget) -> tuple[bpy.types.Object, str, tuple[float, float, float]]:
    """(the object that owns the animation, data path of its Euler rotation, its current rotation)."""
    obj = bpy.data.objects.get(target.object_name)
    if obj is None:
        raise BlenderIOError(f"There is no object '{target.object_name}' to rotate.")
    if target.bone:
        if obj.type != "ARMATURE" or obj.pose is None or target.bone not in obj.pose.bones:
            raise BlenderIOError(f"'{obj.name}' has no pose bone '{target.bone}' to rotate.")
        bone = obj.pose.bones[target.bone]
        if bone.rotation_mode in ("QUATERNION", "AXIS_ANGLE"):
            raise BlenderIOError(f"Bone '{bone.name}' rotates by {bone.rotation_mode.lower()}: set its rotation mode "
                                 "to an Euler order (e.g. XYZ) to receive head or eye rotations.")
        path = f'pose.bones["{bpy.utils.escape_identifier(bone.name)}"].rotation_euler'
        return obj, path, tuple(bone.rotation_euler)
    if obj.rotation_mode in ("QUATERNION", "AXIS_ANGLE"):
        raise BlenderIOError(f"'{obj.name}' rotates by {obj.rotation_mode.lower()}: set its rotation mode to an "
                             "Euler order (e.g. XYZ) to receive head or eye rotations.")
    return obj, "rotation_euler", tuple(obj.rotation_euler)


def check_targets(targets: Sequence[RotationTarget]) -> None:
    """Refuse, before any work, targets that cannot take rotations (missing, quaternion mode)."""
    for target in targets:
        _resolve(target)


def euler_curves(rotations: np.ndarray, base: Sequence[float], bone: bool) -> np.ndarray:
    """frames x 3 Euler values (X, Y, Z) for frames x 3 (yaw, pitch, roll) radians, added to ``base``."""
    rotations = np.asarray(rotations, np.float64)
    out = np.tile(np.asarray(base, np.float64), (len(rotations), 1))
    for source, (axis, sign) in enumerate(BONE_AXES if bone else OBJECT_AXES):
        out[:, axis] += sign * rotations[:, source]
    return out


def write_rotation_animation(target: RotationTarget, rotations: np.ndarray, start_frame: int, action_name: str,
                             keys_for=None) -> bpy.types.Action:
    """Key frames x 3 (yaw, pitch, roll) radians on ``target`` from ``start_frame`` as a new action.

    ``keys_for(values)`` returns sparse keys for a frames x 3 array (``ml_backend.motion.keys.fit_keys``);
    None keys every frame. Returns the new action (active, or on a new NLA track when one was playing).
    """
    rotations = np.asarray(rotations, np.float64)
    if rotations.ndim != 2 or rotations.shape[1] != 3 or len(rotations) == 0 or not np.isfinite(rotations).all():
        raise BlenderIOError(f"Rotations must be finite frames x 3 (yaw, pitch, roll), got shape {rotations.shape}.")
    obj, path, base = _resolve(target)
    playing = obj.animation_data.action if obj.animation_data is not None else None
    stored = playing.get(REST_PROPERTY) if playing is not None else None
    if stored is not None:  # our earlier clip turns it now: start from the rest it stored, not from its pose
        base = tuple(float(stored.get(f"{path}[{axis}]", base[axis])) for axis in range(3))
    values = euler_curves(rotations, base, bool(target.bone))
    anim_data = obj.animation_data or obj.animation_data_create()
    if anim_data.use_tweak_mode:
        raise BlenderIOError(f"Leave NLA tweak mode on '{obj.name}' before writing head or eye rotations.")
    action = bpy.data.actions.new(action_name)
    action[GENERATED_ACTION_PROPERTY] = True
    action[REST_PROPERTY] = {f"{path}[{axis}]": float(base[axis]) for axis in range(3)}
    keys = keys_for(values) if keys_for is not None else None
    previous = anim_data.action
    try:
        if hasattr(action, "slots"):
            slot = action.slots.new(id_type="OBJECT", name=obj.name)
            strip = action.layers.new("Layer").strips.new(type="KEYFRAME")
            fcurves = strip.channelbag(slot, ensure=True).fcurves
        else:
            slot, fcurves = None, action.fcurves
        for axis in range(3):
            fcurve = fcurves.new(path, index=axis)
            write_fcurve_keys(fcurve, values[:, axis], start_frame, None if keys is None else keys[axis])
        ours = previous is not None and previous.get(REST_PROPERTY) is not None
        if previous is None or ours:  # nothing playing, or an earlier clip's rotations: the new clip takes over
            if ours:
                action[PREVIOUS_ACTION_PROPERTY] = previous.name
                if previous.users <= 1 and not previous.use_fake_user:
                    previous.use_fake_user = True
            anim_data.action = action
            if slot is not None:
                anim_data.action_slot = slot
        else:
            track = anim_data.nla_tracks.new()
            track.name = TRACK_NAME
            nla = track.strips.new(action.name, int(start_frame), action)
            nla.blend_type = "REPLACE"
            if slot is not None and hasattr(nla, "action_slot"):
                nla.action_slot = slot
    except (RuntimeError, TypeError, ValueError) as error:
        if anim_data.action == action:
            anim_data.action = previous
        bpy.data.actions.remove(action)
        raise BlenderIOError(f"Writing rotations on '{target.describe()}' failed and was undone: {error}") from error
    return action
