"""Write head and eye rotations (Live Link yaw/pitch/roll, radians) onto objects or pose bones, about the face's axes.

A target is an object (the head mesh itself, an empty or armature it is parented to, an eye mesh) or a bone of an
armature. The turns are those of Blender's front view (face along -Y, Z up: yaw toward the subject's right about -Z,
pitch chin down about +X, roll toward the right shoulder about -Y; ``io.followers.euler_matrices``) carried onto the
face's own axes (``face_axes``: 3 x 3, columns the face's left, back and up in world space, from
``head.face_frame``), so a head lying on its back, turned, mirrored or modelled in millimetres nods about its own
side axis and shakes about its own up, and eyes look where the face looks, whatever the target's own axes are (an
empty with none, a bone pointing up or forward). Each frame's turn is applied in world space about the target's
origin (a bone's head), on top of its orientation at rest, and written as the target's own Euler rotation in its
rotation order. When the face rides on the target (the head, or a parent or bone it hangs from), the face's axes are
taken with the target at rest, so a clip written while an earlier one holds the head turned turns it the same way.

Nothing of the user's is overwritten: the keys go into a new action; when the target already plays
an action of the user's (or the other eye's bone of the same armature plays this clip's), the new one goes on a
new NLA track above it instead of replacing it. One of
our earlier clips' rotations is replaced as a clip's shape-key action is (kept, and played again when
the new clip is deleted), and the new keys start from the rest it stored, not from the pose it holds.
Keys are sparse Bézier keys (``keys``, from ``ml_backend.motion.keys``) or, without them, one LINEAR
key per frame.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import bpy
import numpy as np
from mathutils import Euler, Matrix

from ..errors import BlenderIOError
from .followers import euler_matrices
from .keyframes import GENERATED_ACTION_PROPERTY, PREVIOUS_ACTION_PROPERTY, REST_PROPERTY, write_fcurve_keys

TRACK_NAME = "I2FET rotations"


@dataclass(frozen=True)
class RotationTarget:
    """Where one set of rotations goes: an object, or a bone of an armature object."""

    object_name: str
    bone: str = ""

    def describe(self) -> str:
        return f"{self.object_name}:{self.bone}" if self.bone else self.object_name


@dataclass(frozen=True)
class Placement:
    """A target as it stands, read before any target is written (an eye under the head is read in the same pose as
    the face): what owns its animation, and the axes its turns are written in."""

    target: RotationTarget
    obj: bpy.types.Object  # the object that owns the animation (the armature, for a bone)
    path: str  # data path of its Euler rotation
    order: str  # its Euler order
    rest: tuple[float, float, float]  # its Euler rotation at rest, which the turns start from
    parent: np.ndarray  # 3 x 3 orthogonal: world from the space its own rotation acts in (determinant -1: mirrored)
    face_axes: np.ndarray  # 3 x 3 the face's left, back and up in world space, with the target at rest


def _resolve(target: RotationTarget) -> tuple[bpy.types.Object, str, bpy.types.Object | bpy.types.PoseBone]:
    """(the object that owns the animation, data path of its Euler rotation, the object or pose bone that turns)."""
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
        return obj, f'pose.bones["{bpy.utils.escape_identifier(bone.name)}"].rotation_euler', bone
    if obj.rotation_mode in ("QUATERNION", "AXIS_ANGLE"):
        raise BlenderIOError(f"'{obj.name}' rotates by {obj.rotation_mode.lower()}: set its rotation mode to an "
                             "Euler order (e.g. XYZ) to receive head or eye rotations.")
    return obj, "rotation_euler", obj


def check_targets(targets: Sequence[RotationTarget]) -> None:
    """Refuse, before any work, targets that cannot take rotations (missing, quaternion mode)."""
    for target in targets:
        _resolve(target)


def orthogonal_part(matrix: np.ndarray) -> np.ndarray:
    """The rotation (or mirrored rotation) nearest a 3 x 3 matrix: its scale and shear divided out (polar factor)."""
    u, _, vt = np.linalg.svd(np.asarray(matrix, np.float64))
    return u @ vt


def local_rotations(turns: np.ndarray, face_axes: np.ndarray, parent: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """frames x 3 x 3 rotations of a target's own rotation channels that turn it by ``turns`` (frames x 3 x 3, written
    for Blender's front view) relative to the face (``face_axes``, world), on top of its ``rest`` rotation;
    ``parent``: world from the space its rotation acts in (orthogonal)."""
    axes = np.asarray(face_axes, np.float64)
    world = axes[None] @ np.asarray(turns, np.float64) @ np.linalg.inv(axes)[None]
    return parent.T[None] @ world @ parent[None] @ np.asarray(rest, np.float64)[None]


def _rest(obj: bpy.types.Object, path: str, current: tuple[float, float, float]) -> tuple[float, float, float]:
    """The rotation the turns start from: the rest our earlier clip stored when it plays one, else the current one."""
    playing = obj.animation_data.action if obj.animation_data is not None else None
    stored = playing.get(REST_PROPERTY) if playing is not None else None
    if stored is None:
        return current
    return tuple(float(stored.get(f"{path}[{axis}]", current[axis])) for axis in range(3))


def _carries(obj: bpy.types.Object, bone: str, head: bpy.types.Object) -> bool:
    """True when turning ``obj`` (or its ``bone``) turns ``head``: it is the head, above it, or a bone it hangs from."""
    child = head
    while child is not None:
        if not bone and child == obj:
            return True
        if bone and child.parent == obj and child.parent_type == "BONE" and child.parent_bone in obj.pose.bones:
            hung = obj.pose.bones[child.parent_bone]
            if hung.name == bone or any(above.name == bone for above in hung.parent_recursive):
                return True
        child = child.parent
    return False


def _place(target: RotationTarget, face_axes: np.ndarray, head: bpy.types.Object | None) -> Placement:
    obj, path, owner = _resolve(target)
    world = np.array(obj.matrix_world, np.float64)
    if target.bone:
        world = world @ np.array(owner.matrix, np.float64)
    basis = np.array(owner.matrix_basis, np.float64)
    if abs(np.linalg.det(basis[:3, :3])) < 1e-18 or abs(np.linalg.det(world[:3, :3])) < 1e-18:
        raise BlenderIOError(f"'{target.describe()}' (or an object above it) has a zero scale, so it cannot turn.")
    parent = orthogonal_part(world[:3, :3] @ np.linalg.inv(basis[:3, :3]))
    order = owner.rotation_mode
    current = tuple(float(v) for v in owner.rotation_euler)
    rest = _rest(obj, path, current)
    if head is not None and _carries(obj, target.bone, head):  # the face turns with it: its axes at the target's rest
        back_to_rest = np.array(Euler(rest, order).to_matrix()) @ np.array(Euler(current, order).to_matrix()).T
        face_axes = parent @ back_to_rest @ parent.T @ face_axes
    return Placement(target, obj, path, order, rest, parent, face_axes)


def place_targets(targets: Sequence[RotationTarget], face_axes: np.ndarray | None = None,
                  head: bpy.types.Object | None = None) -> list[Placement]:
    """Read every target as it stands now, before any is written. ``face_axes``: the face's axes in world space as
    ``head`` stands now (``head.face_frame``; None: Blender's front view)."""
    bpy.context.view_layer.update()  # world matrices as they are now
    axes = np.eye(3) if face_axes is None else np.asarray(face_axes, np.float64)
    return [_place(target, axes, head) for target in targets]


def euler_values(placement: Placement, rotations: np.ndarray) -> np.ndarray:
    """frames x 3 Euler values (the target's order) for frames x 3 (yaw, pitch, roll) radians, each continuous with
    the one before (no jumps of 2 pi)."""
    rest = Euler(placement.rest, placement.order)
    local = local_rotations(euler_matrices(rotations), placement.face_axes, placement.parent,
                            np.array(rest.to_matrix(), np.float64))
    out = np.empty((len(local), 3))
    previous = rest
    for frame, matrix in enumerate(local):
        previous = Matrix(matrix.tolist()).to_euler(placement.order, previous)
        out[frame] = tuple(previous)
    return out


def write_rotation_animation(placement: Placement, rotations: np.ndarray, start_frame: int, action_name: str,
                             keys_for=None, same_clip: Collection[bpy.types.Action] = ()) -> bpy.types.Action:
    """Key frames x 3 (yaw, pitch, roll) radians on the placed target from ``start_frame`` as a new action.

    ``keys_for(values)`` returns sparse keys for a frames x 3 array (``ml_backend.motion.keys.fit_keys``);
    None keys every frame. ``same_clip``: actions this clip wrote already; when one of them plays on the same
    armature (the other eye's bone) it keeps playing and this one goes on a track above it. Returns the new action
    (active, or on a new NLA track when one was playing).
    """
    rotations = np.asarray(rotations, np.float64)
    if rotations.ndim != 2 or rotations.shape[1] != 3 or len(rotations) == 0 or not np.isfinite(rotations).all():
        raise BlenderIOError(f"Rotations must be finite frames x 3 (yaw, pitch, roll), got shape {rotations.shape}.")
    obj, path, base = placement.obj, placement.path, placement.rest
    values = euler_values(placement, rotations)
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
        ours = previous is not None and previous.get(REST_PROPERTY) is not None and previous not in same_clip
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
        raise BlenderIOError(f"Writing rotations on '{placement.target.describe()}' failed and was undone: {error}") \
            from error
    return action
