"""Helpers for the add-on tests: a small ARKit-keyed head with the user's own data, and the file's checksum."""

from __future__ import annotations

import hashlib

import bpy  # noqa: I001  (bmesh becomes importable once bpy is)
import bmesh
import numpy as np

from i2fet_blender.clips.store import action_fcurves

ARKIT_KEYS = ("jawOpen", "mouthSmileLeft", "mouthSmileRight", "browInnerUp", "eyeBlinkLeft", "eyeBlinkRight",
              "eyeWideLeft", "eyeWideRight", "browOuterUpLeft", "browOuterUpRight", "mouthFrownLeft", "mouthFrownRight")
USER_KEY = "MyCorrective"
USER_ACTION = "UserBlink"
USER_NLA_ACTION = "UserNLA"
USER_TRACK = "User Track"


class RecordingLayout:
    """Records what a panel draws (module-mode bpy has no window to draw into)."""

    def __init__(self, log: list):
        self.log = log

    def __getattr__(self, name):
        def record(*args, **kwargs):
            self.log.append((name, args, kwargs))
            return RecordingLayout(self.log)
        return record


def keyed_head(name: str = "Head", user_data: bool = True) -> bpy.types.Object:
    """A sphere with ARKit-named shape keys; with ``user_data`` also a key, an action and an NLA track of 'the user'."""
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new()
    bmesh.ops.create_uvsphere(bm, u_segments=24, v_segments=12, radius=1.0)
    bm.to_mesh(mesh)
    bm.free()
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    bpy.context.view_layer.objects.active = obj
    obj.select_set(True)
    obj.shape_key_add(name="Basis", from_mix=False)
    rng = np.random.default_rng(3)
    count = len(mesh.vertices)
    for key_name in ARKIT_KEYS + ((USER_KEY,) if user_data else ()):
        block = obj.shape_key_add(name=key_name, from_mix=False)
        basis = np.empty(count * 3, np.float32)
        block.data.foreach_get("co", basis)
        block.data.foreach_set("co", basis + rng.normal(scale=0.05, size=count * 3).astype(np.float32))
        block.value = 0.0
    if user_data:
        key = mesh.shape_keys
        block = key.key_blocks[USER_KEY]
        for frame, value in ((1, 0.0), (10, 0.7), (20, 0.2)):
            block.value = value
            block.keyframe_insert("value", frame=frame)
        key.animation_data.action.name = USER_ACTION
        jaw = key.key_blocks["jawOpen"]
        jaw.value = 0.4
        jaw.keyframe_insert("value", frame=5)
        user_action = key.animation_data.action
        key.animation_data.action = None
        block.value, jaw.value = 0.0, 0.0
        block.keyframe_insert("value", frame=30)
        nla_action = key.animation_data.action
        nla_action.name = USER_NLA_ACTION
        key.animation_data.action = None
        track = key.animation_data.nla_tracks.new()
        track.name = USER_TRACK
        track.strips.new("user strip", 30, nla_action)
        key.animation_data.action = user_action
        if hasattr(key.animation_data, "action_slot") and key.animation_data.action_slot is None:
            key.animation_data.action_slot = user_action.slots[0]
    return obj


def data_checksum(user_only: bool = False) -> str:
    """Digest of the file's meshes, shape keys, actions and NLA tracks (the ``checksum`` fixture).

    ``user_only``: leave out what the add-on makes (keys it created, its clips, its I2FET tracks) and
    the slider values (playback sets them): what a generation must never change. Otherwise everything,
    sliders included: what a refused or cancelled generation must not change.
    """
    digest = hashlib.sha256()
    for mesh in sorted(bpy.data.meshes, key=lambda m: m.name):
        coords = np.empty(len(mesh.vertices) * 3, np.float32)
        mesh.vertices.foreach_get("co", coords)
        digest.update(mesh.name.encode() + coords.tobytes())
        key = mesh.shape_keys
        if key is None:
            continue
        ours = set(key.get("i2fet_created", [])) if user_only else set()
        for block in key.key_blocks:
            if block.name in ours:
                continue
            data = np.empty(len(block.data) * 3, np.float32)
            block.data.foreach_get("co", data)
            digest.update(block.name.encode() + data.tobytes())
            digest.update(repr((block.slider_min, block.slider_max, block.mute, block.relative_key.name,
                                block.vertex_group, None if user_only else round(block.value, 6))).encode())
        anim = key.animation_data
        if anim is None:
            continue
        if not user_only:
            digest.update((anim.action.name if anim.action else "-").encode())
        for track in anim.nla_tracks:
            if user_only and track.name.startswith("I2FET"):
                continue
            digest.update(repr((track.name, track.mute, track.is_solo, [
                (s.name, s.action.name if s.action else None, s.frame_start, s.frame_end, s.blend_type, s.influence,
                 s.blend_in, s.blend_out) for s in track.strips])).encode())
    for action in sorted(bpy.data.actions, key=lambda a: a.name):
        if user_only and action.get("i2fet_generated"):
            continue
        digest.update(action.name.encode())
        for fcurve in sorted(action_fcurves(action), key=lambda f: f.data_path):
            points = np.empty(len(fcurve.keyframe_points) * 2, np.float32)
            fcurve.keyframe_points.foreach_get("co", points)
            digest.update(fcurve.data_path.encode() + points.tobytes())
            digest.update(repr([(p.interpolation, tuple(p.handle_left), tuple(p.handle_right))
                                for p in fcurve.keyframe_points]).encode())
    return digest.hexdigest()
