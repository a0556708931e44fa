"""Move keyless face parts with the face: lower teeth turn with jawOpen, eyeballs turn with eyeLook.

Keyed rather than constrained: the motion goes into a new action on the part, as location and rotation
keys that turn it about a pivot, because (1) FBX and glTF carry keyed object animation as it is (a driver
or constraint is baked, or, in glTF's active-actions mode, dropped), (2) the action belongs to the clip,
so deleting, muting, regenerating or pushing the clip to the NLA does the part too, and (3) nothing is
added to the user's object that outlives the clip.

The jaw is a hinge estimated from the head itself: the rigid motion (Kabsch) that best carries the
vertices the head's own jawOpen key moves most; at weight w the teeth turn by w times its angle about
its axis. A head without a usable jawOpen key gets a hinge from its bounds (noted in the result).
The eyes turn about their bounding-box centres by the rotations the clip's eyeLook weights stand for:
each eyeLook channel is gain x rotation in the backend's performance model, so rotation = weight / gain.
Turns are written for Blender's front view (face along -Y, Z up, as in ``io.rotations``) and carried onto the
face's own axes (``face_axes``: 3 x 3, columns the face's left, back and up in world space, from
``head.face_frame``), so a character turned or lying down opens its jaw and looks relative to its face.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import bpy
import numpy as np
from mathutils import Euler, Matrix, Quaternion, Vector

from ..errors import BlenderIOError
from .keyframes import GENERATED_ACTION_PROPERTY, PREVIOUS_ACTION_PROPERTY, REST_PROPERTY, write_fcurve_keys
from .shape_keys import base_positions

MOVING_SHARE = 0.5  # the jaw's vertices: those the jawOpen key moves at least this share of its largest move
MIN_JAW_ANGLE, MAX_JAW_ANGLE = np.radians(2.0), np.radians(60.0)
FALLBACK_JAW_ANGLE = np.radians(20.0)  # a wide-open human jaw turns about 20-30 degrees


@dataclass(frozen=True)
class Hinge:
    """A rotation about ``axis`` through ``pivot`` (world space) by ``angle`` radians at weight 1."""

    pivot: np.ndarray
    axis: np.ndarray
    angle: float
    source: str  # where it came from, for the result's notes
    guessed: bool = False  # True: placed from the head's bounds, not fitted to its jawOpen key


def rigid_fit(source: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(R, t) with target ~ source @ R.T + t, least squares over N x 3 points (Kabsch, no scaling)."""
    source_mean, target_mean = source.mean(axis=0), target.mean(axis=0)
    u, _, vt = np.linalg.svd((source - source_mean).T @ (target - target_mean))
    d = np.sign(np.linalg.det(vt.T @ u.T))
    rotation = vt.T @ np.diag([1.0, 1.0, d]) @ u.T
    return rotation, target_mean - source_mean @ rotation.T


def hinge_from_motion(rotation: np.ndarray, translation: np.ndarray, near: np.ndarray, source: str) -> Hinge:
    """The hinge of a rigid motion: its axis and angle, the pivot on the axis closest to ``near``."""
    angle = float(np.arccos(np.clip((np.trace(rotation) - 1.0) / 2.0, -1.0, 1.0)))
    axis = np.array([rotation[2, 1] - rotation[1, 2], rotation[0, 2] - rotation[2, 0], rotation[1, 0] - rotation[0, 1]])
    axis /= max(float(np.linalg.norm(axis)), 1e-12)
    pivot = np.linalg.lstsq(np.eye(3) - rotation, translation, rcond=None)[0]  # (I - R) c = t, up to the axis
    pivot = pivot + axis * float(axis @ (near - pivot))
    return Hinge(pivot, axis, angle, source)


def _world(obj: bpy.types.Object, local: np.ndarray) -> np.ndarray:
    matrix = np.array(obj.matrix_world, np.float64)
    return local @ matrix[:3, :3].T + matrix[:3, 3]


def _block_positions(block: bpy.types.ShapeKey) -> np.ndarray:
    coords = np.empty(len(block.points) * 3, np.float32)
    block.points.foreach_get("co", coords)  # ``points``: the mesh-only view, far faster than ``data``
    return coords.reshape(-1, 3).astype(np.float64)


def jaw_hinge(head: bpy.types.Object, jaw_keys: tuple[str, ...], face_axes: np.ndarray | None = None) -> Hinge:
    """The jaw's hinge from the head's jawOpen key(s) (summed when the channel has several), else from its bounds
    measured along the face's axes (``face_axes``; None: Blender's front view)."""
    key = head.data.shape_keys
    blocks = [key.key_blocks[name] for name in jaw_keys if key is not None and name in key.key_blocks]
    if blocks:
        base = _block_positions(blocks[0].relative_key)
        moved = base + sum(_block_positions(b) - _block_positions(b.relative_key) for b in blocks)
        base, moved = _world(head, base), _world(head, moved)
        distance = np.linalg.norm(moved - base, axis=1)
        if distance.max() > 0:
            chosen = distance >= MOVING_SHARE * distance.max()
            if chosen.sum() >= 3:
                rotation, translation = rigid_fit(base[chosen], moved[chosen])
                hinge = hinge_from_motion(rotation, translation, base[chosen].mean(axis=0),
                                          f"the jaw hinge of '{head.name}''s jawOpen key")
                if MIN_JAW_ANGLE <= hinge.angle <= MAX_JAW_ANGLE:
                    return hinge
    return bounds_hinge(head, face_axes)


def bounds_hinge(head: bpy.types.Object, face_axes: np.ndarray | None = None) -> Hinge:
    """A human jaw hinge placed in the head's extent along the face's axes (``face_axes``: columns left, back, up
    in world space; None: Blender's front view): mid-width, a little behind mid-depth, below mid-height, turning
    about the face's left so that the chin drops."""
    axes = np.eye(3) if face_axes is None else np.asarray(face_axes, np.float64)
    face = _world(head, base_positions(head).astype(np.float64)) @ axes  # N x 3 along left, back, up
    low, high = face.min(axis=0), face.max(axis=0)
    size = high - low
    pivot = np.array([(low[0] + high[0]) / 2, low[1] + 0.55 * size[1], low[2] + 0.45 * size[2]])
    return Hinge(axes @ pivot, axes[:, 0].copy(), float(FALLBACK_JAW_ANGLE),
                 f"a jaw hinge guessed from '{head.name}''s bounds (it has no usable jawOpen key)", guessed=True)


def axis_angle_matrices(axis: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """frames x 3 x 3 rotations about the unit ``axis`` by ``angles`` (Rodrigues)."""
    x, y, z = axis
    k = np.array([[0, -z, y], [z, 0, -x], [-y, x, 0]], np.float64)
    s, c = np.sin(angles)[:, None, None], np.cos(angles)[:, None, None]
    return np.eye(3)[None] + s * k[None] + (1.0 - c) * (k @ k)[None]


def euler_matrices(yaw_pitch_roll: np.ndarray) -> np.ndarray:
    """frames x 3 x 3 world rotations for (yaw, pitch, roll) radians: pitch about +X, then roll about -Y, then yaw
    about -Z: Blender's front view (face along -Y, Z up), which ``io.rotations`` and the eyes here carry onto the
    face's own axes."""
    yaw, pitch, roll = (np.asarray(yaw_pitch_roll, np.float64)[:, i] for i in range(3))
    rx = axis_angle_matrices(np.array([1.0, 0.0, 0.0]), pitch)
    ry = axis_angle_matrices(np.array([0.0, 1.0, 0.0]), -roll)
    rz = axis_angle_matrices(np.array([0.0, 0.0, 1.0]), -yaw)
    return rz @ ry @ rx


def eye_rotations_from_looks(weights: np.ndarray, gains: Mapping[int, tuple[int, float]],
                             channel_names: Sequence[str]) -> np.ndarray:
    """frames x 6 (left yaw, pitch, roll, right yaw, pitch, roll) radians that frames x 52 weights' eyeLook
    channels stand for: each eyeLook channel is ``gain`` x its rotation column (3-8), so the rotation is
    weight / gain. Other channels the model couples to the gaze (the lids follow the pitch) are not read."""
    weights = np.asarray(weights, np.float64)
    eyes = np.zeros((len(weights), 6))
    for channel, (column, gain) in gains.items():
        if gain != 0 and channel_names[channel].startswith("eyeLook"):
            eyes[:, column - 3] += weights[:, channel] / gain
    return eyes


def pivot_matrices(rotations: np.ndarray, pivot: np.ndarray) -> np.ndarray:
    """frames x 4 x 4 world transforms that turn by ``rotations`` (frames x 3 x 3) about the world point ``pivot``."""
    out = np.tile(np.eye(4), (len(rotations), 1, 1))
    out[:, :3, :3] = rotations
    out[:, :3, 3] = pivot - rotations @ pivot
    return out


def _rotation_paths(obj: bpy.types.Object) -> tuple[str, int]:
    if obj.rotation_mode == "AXIS_ANGLE":
        raise BlenderIOError(f"'{obj.name}' rotates by axis angle: set an Euler order or quaternion to turn it.")
    return ("rotation_quaternion", 4) if obj.rotation_mode == "QUATERNION" else ("rotation_euler", 3)


def _check_scale(obj: bpy.types.Object) -> None:
    if np.any(np.abs(np.array(obj.scale, np.float64)) < 1e-12) or \
            abs(np.linalg.det(np.array(obj.matrix_world, np.float64))) < 1e-18:
        raise BlenderIOError(f"'{obj.name}' (or an object above it) has a zero scale, so it cannot be turned.")


def rest_values(obj: bpy.types.Object) -> tuple[list[float], list[float]]:
    """(location, rotation) of ``obj`` at rest: the rest stored on the follower action it plays (so a clip that
    has posed it is not taken for its rest), else its transform as it stands."""
    rotation_path, size = _rotation_paths(obj)
    location = [float(v) for v in obj.location]
    rotation = [float(v) for v in (obj.rotation_quaternion if size == 4 else obj.rotation_euler)]
    anim = obj.animation_data
    rest = anim.action.get(REST_PROPERTY) if anim is not None and anim.action is not None else None
    if rest is not None:
        location = [float(rest.get(f"location[{i}]", v)) for i, v in enumerate(location)]
        rotation = [float(rest.get(f"{rotation_path}[{i}]", v)) for i, v in enumerate(rotation)]
    return location, rotation


def rest_world(obj: bpy.types.Object) -> np.ndarray:
    """``obj``'s 4 x 4 world transform at rest (its parents as they are now)."""
    _check_scale(obj)
    location, rotation = rest_values(obj)
    turn = Quaternion(rotation).to_matrix() if len(rotation) == 4 else Euler(rotation, obj.rotation_mode).to_matrix()
    basis = np.array(Matrix.LocRotScale(Vector(location), turn, Vector(obj.scale)), np.float64)
    parent = np.array(obj.matrix_world, np.float64) @ np.linalg.inv(np.array(obj.matrix_basis, np.float64))
    return parent @ basis


def rest_center(obj: bpy.types.Object) -> np.ndarray:
    """The world centre of ``obj``'s bounding box at rest (an eyeball's pivot)."""
    local = np.array([tuple(c) for c in obj.bound_box], np.float64)
    center = (local.min(axis=0) + local.max(axis=0)) / 2
    matrix = rest_world(obj)
    return matrix[:3, :3] @ center + matrix[:3, 3]


def basis_channels(obj: bpy.types.Object, world: np.ndarray) -> np.ndarray:
    """frames x (3 + 3 or 4) location and rotation values of ``obj``'s own transform that put it at the world
    transforms ``world`` (frames x 4 x 4), whatever its parents (object, bone; constraints are not undone).
    Its own scale is kept, a negative (mirrored) one included: the rotation is what remains once it is divided out."""
    _check_scale(obj)
    own_scale = np.array(obj.scale, np.float64)
    parent = np.array(obj.matrix_world, np.float64) @ np.linalg.inv(np.array(obj.matrix_basis, np.float64))
    basis = np.linalg.inv(parent)[None] @ world
    _, size = _rotation_paths(obj)
    out = np.empty((len(world), 3 + size))
    out[:, :3] = basis[:, :3, 3]
    previous = obj.rotation_quaternion.copy() if size == 4 else obj.rotation_euler.copy()
    for frame, matrix in enumerate(basis):
        # the object's own scale (negative too: a mirrored part) stays as it is; what is left is its rotation
        rotation = Matrix((matrix[:3, :3] / own_scale[None, :]).tolist()).normalized()
        if size == 4:
            value = rotation.to_quaternion()
            value.make_compatible(previous)
        else:
            value = rotation.to_euler(obj.rotation_mode, previous)
        out[frame, 3:] = tuple(value)
        previous = value
    return out


def write_follower_animation(obj: bpy.types.Object, world: np.ndarray, start_frame: int, action_name: str,
                             keys_for: Callable[[np.ndarray], list] | None = None) -> bpy.types.Action:
    """Key ``obj`` through the world transforms ``world`` (frames x 4 x 4, relative to its rest) as a new action.

    ``world[i]`` is applied on top of the object's world transform at rest (``rest_world``). The action becomes the
    object plays; one it played before is kept (a fake user) and remembered in ``i2fet_previous_action``,
    as for shape-key clips. ``keys_for(values)`` gives sparse keys per column (None: every frame, LINEAR).
    """
    rotation_path, size = _rotation_paths(obj)
    values = basis_channels(obj, world @ rest_world(obj)[None])
    if not np.isfinite(values).all():
        raise BlenderIOError(f"The motion computed for '{obj.name}' is not finite.")
    anim = obj.animation_data or obj.animation_data_create()
    if anim.use_tweak_mode:
        raise BlenderIOError(f"Leave NLA tweak mode on '{obj.name}' first.")
    rest = [value for values in rest_values(obj) for value in values]
    paths = [("location", i) for i in range(3)] + [(rotation_path, i) for i in range(size)]
    action = bpy.data.actions.new(action_name)
    action[GENERATED_ACTION_PROPERTY] = True
    action[REST_PROPERTY] = {f"{path}[{index}]": float(value) for (path, index), value in zip(paths, rest)}
    previous = anim.action
    try:
        keys = keys_for(values) if keys_for is not None else None
        fcurves = _object_fcurves(action, obj)
        for column, (path, index) in enumerate(paths):
            write_fcurve_keys(fcurves.new(path, index=index), values[:, column], start_frame,
                              None if keys is None else keys[column])
        if previous is not None:
            action[PREVIOUS_ACTION_PROPERTY] = previous.name
            if previous.users <= 1 and not previous.use_fake_user:
                previous.use_fake_user = True
        anim.action = action
        if hasattr(anim, "action_slot") and len(getattr(action, "slots", ())):
            anim.action_slot = action.slots[0]
    except (RuntimeError, TypeError, ValueError) as error:
        anim.action = previous
        bpy.data.actions.remove(action)
        raise BlenderIOError(f"Moving '{obj.name}' with the face failed and was undone: {error}") from error
    return action


def _object_fcurves(action: bpy.types.Action, obj: bpy.types.Object):
    """The F-curve collection of a new action for ``obj``: its one slot's channelbag, or the legacy list."""
    if hasattr(action, "slots"):
        slot = action.slots.new(id_type="OBJECT", name=obj.name)
        strip = action.layers.new("Layer").strips.new(type="KEYFRAME")
        return strip.channelbag(slot, ensure=True).fcurves
    action.id_root = "OBJECT"
    return action.fcurves
