"""Sparse Bézier keys and head/eye rotations written in Blender: what Blender evaluates stays within tolerance."""

from dataclasses import replace

import numpy as np
import pytest

PROMPT = "a faint smile that slowly turns into surprise, then back to neutral"


@pytest.fixture()
def head(blender):
    blender.ops.i2fet.add_default_head()
    return blender.context.active_object


def _request(obj, motion, frames=90):
    from i2fet_blender.generate.request import request_for_object

    request = request_for_object(obj, PROMPT, frames, 1, 30.0, options={"reader": "lexicon"})
    return replace(request, motion=motion)


def test_sparse_bezier_keys_evaluate_within_tolerance_of_the_dense_motion(blender, head):
    from i2fet_blender.generate.pipeline import run
    from i2fet_blender.io.keyframes import shape_key_fcurves
    from ml_backend.naming.arkit import INDEX

    result = run(_request(head, {"keys": "sparse", "tolerance": 0.01}))
    curves = shape_key_fcurves(head)
    total = 0
    for path, curve in curves.items():
        name = path.split('"')[1]
        points = curve.keyframe_points
        total += len(points)
        assert all(p.interpolation == "BEZIER" and p.handle_left_type == "ALIGNED" for p in points)
        dense = result.weights[:, INDEX[name]]
        shown = np.array([curve.evaluate(frame) for frame in range(1, 91)])
        assert np.abs(shown - dense).max() <= 0.0101, name
    assert total < 0.25 * 90 * len(curves)  # against a key on every frame


def test_head_and_eye_rotations_go_on_an_object_and_bones_without_touching_existing_animation(blender, head):
    import bpy

    from i2fet_blender.generate.pipeline import run
    from i2fet_blender.io.rotations import TRACK_NAME, RotationTarget

    bpy.ops.object.empty_add()
    pivot = bpy.context.active_object
    pivot.name = "HeadPivot"
    bpy.ops.object.armature_add()
    rig = bpy.context.active_object
    bpy.ops.object.mode_set(mode="EDIT")
    for side in ("L", "R"):
        bone = rig.data.edit_bones.new(f"eye.{side}")
        bone.head, bone.tail = (0.03 if side == "L" else -0.03, 0, 0), (0.03 if side == "L" else -0.03, -0.02, 0)
    bpy.ops.object.mode_set(mode="OBJECT")
    theirs = bpy.data.actions.new("TheirWalk")
    rig.animation_data_create().action = theirs
    for pose_bone in rig.pose.bones:
        pose_bone.rotation_mode = "XYZ"
    motion = {"head": RotationTarget("HeadPivot"),  # keys: the default (sparse), for rotations too
              "eyes": (RotationTarget(rig.name, "eye.L"), RotationTarget(rig.name, "eye.R"))}
    bpy.context.view_layer.objects.active = head
    result = run(_request(head, motion))
    assert result.action is not None
    assert pivot.animation_data.action is not None  # the empty had none: ours is its action
    assert rig.animation_data.action == theirs  # theirs keeps playing; ours goes on a track above it
    tracks = [t for t in rig.animation_data.nla_tracks if t.name == TRACK_NAME]
    assert len(tracks) == 2
    from i2fet_blender.io.keyframes import _slot_fcurves

    action = pivot.animation_data.action
    curves = _slot_fcurves(action, pivot.animation_data.action_slot) if hasattr(action, "slots") else action.fcurves
    euler = {c.array_index: c for c in curves if c.data_path == "rotation_euler"}
    assert set(euler) == {0, 1, 2}
    for curve in euler.values():
        values = np.array([curve.evaluate(f) for f in range(1, 91)])
        assert np.ptp(values) > 1e-3 and np.abs(values).max() < np.radians(25)  # the head moves, a little
        assert all(p.interpolation == "BEZIER" for p in curve.keyframe_points)


def test_a_quaternion_target_is_refused_before_anything_is_written(blender, head, checksum):
    import bpy

    from i2fet_blender.errors import GenerationError
    from i2fet_blender.generate.pipeline import run
    from i2fet_blender.io.rotations import RotationTarget

    bpy.ops.object.empty_add()
    empty = bpy.context.active_object
    empty.rotation_mode = "QUATERNION"
    bpy.context.view_layer.objects.active = head
    before = checksum()
    with pytest.raises(GenerationError, match="quaternion"):
        run(_request(head, {"head": RotationTarget(empty.name)}))
    assert checksum() == before


def test_the_panel_writes_editable_keys_and_rotates_the_chosen_eyes(blender, head):
    import bpy

    scene = bpy.context.scene
    settings = scene.i2fet
    settings.prompt, settings.frames, settings.key_mode = "a slight smile", 45, "SPARSE"
    bpy.ops.mesh.primitive_uv_sphere_add(radius=0.01)
    eye = bpy.context.active_object
    settings.eye_left = eye
    bpy.context.view_layer.objects.active = head
    from i2fet_blender.generate.request import collect_request

    request = collect_request(bpy.context)
    assert request.motion["keys"] == "sparse" and request.motion["eyes"][0].object_name == eye.name
