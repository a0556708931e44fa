"""Write (frames x channels) blendshape weights as a new Action on a mesh's shape keys.

Two code paths, chosen by feature: slotted actions (Blender 4.4+, the only kind in 5.0)
and legacy ``Action.fcurves`` (4.2 LTS). Keys are written in bulk with ``foreach_set``:
52 channels x 600 frames take a few milliseconds.

Keys are sparse by default: a handful of Bézier keys per second of change, fitted by the backend
(``ml_backend.motion.keys``) so that the curve stays within a stated tolerance of the dense motion,
with both handles set explicitly (ALIGNED, at the thirds toward the neighbouring keys), which is
what an animator edits. The dense bake stays an option: every frame keyed with LINEAR
interpolation, the straight line between sampled weights, as game engines play sampled curves.

An action already assigned to the shape keys is never modified: the new action replaces
it in the slot and the old one is kept alive (a fake user when nothing else uses it),
so it stays in the Action menu and survives saving. The new action remembers its name in
the custom property ``i2fet_previous_action`` and carries ``i2fet_generated = True``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import bpy
import numpy as np

from ..errors import BlenderIOError

PREVIOUS_ACTION_PROPERTY = "i2fet_previous_action"
GENERATED_ACTION_PROPERTY = "i2fet_generated"
REST_PROPERTY = "i2fet_rest"  # on actions that turn a part: {"location[0]": its value at rest, ...} (Scale Intensity)
_LINEAR = bpy.types.Keyframe.bl_rna.properties["interpolation"].enum_items["LINEAR"].value
_BEZIER = bpy.types.Keyframe.bl_rna.properties["interpolation"].enum_items["BEZIER"].value
_ALIGNED = bpy.types.Keyframe.bl_rna.properties["handle_left_type"].enum_items["ALIGNED"].value


def write_fcurve_keys(fcurve: bpy.types.FCurve, values: np.ndarray, start_frame: int, keys=None) -> None:
    """Key one F-curve: ``keys`` (a ``ChannelKeys``: frames, values, handles) as Bézier keys with explicit
    ALIGNED handles, or, with ``keys`` None, every value of ``values`` as a LINEAR key."""
    points = fcurve.keyframe_points
    if keys is None:
        co = np.empty((len(values), 2), dtype=np.float32)
        co[:, 0] = np.arange(len(values)) + float(start_frame)
        co[:, 1] = values
        points.add(len(values))
        points.foreach_set("co", co.reshape(-1))
        points.foreach_set("interpolation", np.full(len(values), _LINEAR, dtype=np.int32))
    else:
        left, right = keys.handles()
        count = len(keys.frames)
        co = np.stack([keys.frames + float(start_frame), keys.values], axis=1).astype(np.float32)
        left, right = left.copy(), right.copy()
        left[:, 0] += start_frame
        right[:, 0] += start_frame
        points.add(count)
        points.foreach_set("co", co.reshape(-1))
        points.foreach_set("interpolation", np.full(count, _BEZIER, dtype=np.int32))
        points.foreach_set("handle_left_type", np.full(count, _ALIGNED, dtype=np.int32))
        points.foreach_set("handle_right_type", np.full(count, _ALIGNED, dtype=np.int32))
        points.foreach_set("handle_left", left.astype(np.float32).reshape(-1))
        points.foreach_set("handle_right", right.astype(np.float32).reshape(-1))
    fcurve.update()


def write_weight_animation(
    obj: bpy.types.Object,
    key_names: Mapping[str, str | Sequence[str]],
    channel_names: Sequence[str],
    weights: np.ndarray,
    start_frame: int,
    action_name: str,
    use_slots: bool | None = None,
    keys: Sequence | None = None,
) -> bpy.types.Action:
    """Key ``weights`` (T x C, columns in ``channel_names`` order) on ``obj``'s shape keys.

    ``key_names`` maps a channel name to the shape key that shows it, or to several keys that
    all get the channel's curve (a pipeline that splits a shape by side or lip); channels
    without a key are skipped, and a key may belong to one channel only. Frames run from
    ``start_frame`` to ``start_frame + T - 1``. Returns the new action, already assigned.
    ``use_slots`` forces a code path (None: what this Blender supports). ``keys``: per column, sparse
    Bézier keys (``ml_backend.motion.keys.ChannelKeys``); None bakes every frame (LINEAR).
    """
    key = _shape_keys(obj)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 2 or weights.shape[1] != len(channel_names):
        raise BlenderIOError(
            f"Got weights of shape {weights.shape} for {len(channel_names)} channels; "
            "expected one column per channel."
        )
    if weights.shape[0] == 0:
        raise BlenderIOError("The animation has no frames.")
    if not np.isfinite(weights).all():
        raise BlenderIOError("The animation contains invalid (NaN or infinite) weights.")
    targets = {channel: _as_names(key_names[channel]) for channel in channel_names if channel in key_names}
    missing = sorted({name for names in targets.values() for name in names if name not in key.key_blocks})
    if missing:
        raise BlenderIOError(f"Mesh '{obj.name}' has no shape keys named {', '.join(missing)}.")
    _refuse_shared_keys(targets)
    if key.animation_data is not None and key.animation_data.use_tweak_mode:
        raise BlenderIOError(f"Leave NLA tweak mode on '{obj.name}' before generating an animation.")

    action = bpy.data.actions.new(action_name)
    slotted = _supports_slots(action) if use_slots is None else use_slots
    if slotted and not _supports_slots(action):
        bpy.data.actions.remove(action)
        raise BlenderIOError(f"Blender {bpy.app.version_string} has no slotted actions.")
    if not slotted and not hasattr(action, "fcurves"):
        bpy.data.actions.remove(action)
        raise BlenderIOError(f"Blender {bpy.app.version_string} has no legacy (slot-less) actions.")

    action[GENERATED_ACTION_PROPERTY] = True
    anim_data = key.animation_data or key.animation_data_create()
    _keep_alive(anim_data.action, action)
    if slotted:
        fcurves = _assign_slotted(key, anim_data, action)
    else:
        fcurves = action.fcurves

    if keys is not None and len(keys) != len(channel_names):
        raise BlenderIOError(f"Got sparse keys for {len(keys)} channels, expected {len(channel_names)}.")
    for column, channel in enumerate(channel_names):
        for block_name in targets.get(channel, ()):
            data_path = f'key_blocks["{bpy.utils.escape_identifier(block_name)}"].value'
            fcurve = fcurves.new(data_path, index=0)
            write_fcurve_keys(fcurve, weights[:, column], start_frame, None if keys is None else keys[column])
    if not slotted:
        _assign_legacy(anim_data, action)
    return action


def shape_key_fcurves(obj: bpy.types.Object) -> dict[str, bpy.types.FCurve]:
    """F-curves of the action assigned to ``obj``'s shape keys, by data path (empty if none)."""
    key = _shape_keys(obj)
    anim_data = key.animation_data
    if anim_data is None or anim_data.action is None:
        return {}
    action = anim_data.action
    if _supports_slots(action):
        fcurves = _slot_fcurves(action, anim_data.action_slot)
    else:
        fcurves = action.fcurves
    return {fcurve.data_path: fcurve for fcurve in fcurves}


def read_weights_at_frame(obj: bpy.types.Object, frame: float) -> dict[str, float]:
    """Value of every non-reference shape key of ``obj`` at ``frame``.

    Animated keys are read from the assigned action's F-curves (NLA and drivers are not
    taken into account); the others give their current slider value. The scene's current
    frame is left alone.
    """
    key = _shape_keys(obj)
    fcurves = shape_key_fcurves(obj)
    values: dict[str, float] = {}
    for block in key.key_blocks:
        if block == key.reference_key:
            continue
        fcurve = fcurves.get(f'key_blocks["{bpy.utils.escape_identifier(block.name)}"].value')
        values[block.name] = fcurve.evaluate(frame) if fcurve is not None else block.value
    return values


def _as_names(target: str | Sequence[str]) -> tuple[str, ...]:
    """One key name or several, as a tuple without repeats."""
    names = (target,) if isinstance(target, str) else tuple(target)
    return tuple(dict.fromkeys(names))


def _refuse_shared_keys(targets: Mapping[str, tuple[str, ...]]) -> None:
    """Two channels writing one key would overwrite each other's curve: say which key and channels."""
    owners: dict[str, list[str]] = {}
    for channel, names in targets.items():
        for name in names:
            owners.setdefault(name, []).append(channel)
    shared = {name: channels for name, channels in owners.items() if len(channels) > 1}
    if shared:
        name, channels = next(iter(shared.items()))
        raise BlenderIOError(
            f"Two channels are mapped to the same shape key: '{name}' plays {' and '.join(channels)}. "
            "Give each channel its own key (or leave one empty) in the shape-key mapping."
        )


def _slot_fcurves(action: bpy.types.Action, slot: bpy.types.ActionSlot | None) -> list[bpy.types.FCurve]:
    if slot is None:
        return []
    for layer in action.layers:
        for strip in layer.strips:
            channelbag = strip.channelbag(slot)
            if channelbag is not None:
                return list(channelbag.fcurves)
    return []


def _shape_keys(obj: bpy.types.Object) -> bpy.types.Key:
    if obj is None or obj.type != "MESH":
        raise BlenderIOError("Select a mesh object (the head) first.")
    if obj.data.shape_keys is None:
        raise BlenderIOError(f"Mesh '{obj.name}' has no shape keys to animate.")
    return obj.data.shape_keys


def _supports_slots(action: bpy.types.Action) -> bool:
    return hasattr(action, "slots")


def _keep_alive(previous: bpy.types.Action | None, new: bpy.types.Action) -> None:
    """Keep the action being replaced in the file, untouched apart from a fake user if needed."""
    if previous is None:
        return
    new[PREVIOUS_ACTION_PROPERTY] = previous.name
    if previous.users <= 1 and not previous.use_fake_user:
        previous.use_fake_user = True


def _assign_legacy(anim_data: bpy.types.AnimData, action: bpy.types.Action) -> None:
    """Assign after the F-curves exist; on 4.4/4.5 also assign the one slot they made."""
    if hasattr(action, "id_root"):
        action.id_root = "KEY"
    anim_data.action = action
    if _supports_slots(action) and anim_data.action_slot is None and len(action.slots) > 0:
        anim_data.action_slot = action.slots[0]


def _assign_slotted(
    key: bpy.types.Key, anim_data: bpy.types.AnimData, action: bpy.types.Action
) -> bpy.types.bpy_prop_collection:
    """Give the new action one slot for this Key, assign both, return the slot's F-curves.

    Written out rather than bpy_extras' ``action_ensure_channelbag_for_slot``, which 4.4/4.5 lack.
    """
    slot = action.slots.new(id_type="KEY", name=key.name)
    anim_data.action = action
    anim_data.action_slot = slot
    strip = action.layers.new("Layer").strips.new(type="KEYFRAME")
    return strip.channelbag(slot, ensure=True).fcurves
