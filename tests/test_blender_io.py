"""Blender writers on real bpy data: shape keys, weight animation, FBX round trip, default head.

Runs on the bpy module (5.0; 4.2 LTS for the legacy action path). Each test starts from
Blender's factory settings.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("BLENDER_USER_RESOURCES", tempfile.mkdtemp(prefix="i2fet_bur_"))

import time  # noqa: E402

import bpy  # noqa: E402  (bmesh becomes importable once bpy is)
import bmesh  # noqa: E402
import mathutils  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from i2fet_blender.io.mesh_build import build_head_object  # noqa: E402
from i2fet_blender.errors import BlenderIOError  # noqa: E402
from i2fet_blender.io.scene_files import export_fbx, import_fbx  # noqa: E402
from i2fet_blender.io.keyframes import (  # noqa: E402
    GENERATED_ACTION_PROPERTY,
    PREVIOUS_ACTION_PROPERTY,
    read_weights_at_frame,
    shape_key_fcurves,
    write_weight_animation,
)
from i2fet_blender.io.shape_keys import (  # noqa: E402
    CREATED_KEYS_PROPERTY,
    create_shape_keys,
    created_key_names,
    evaluated_vertex_positions,
    find_arkit_keys,
)
from ml_backend.naming.arkit import ARKIT_NAMES, INDEX, canonical_name  # noqa: E402

SHAPES = ("jawOpen", "mouthSmileLeft", "mouthSmileRight", "eyeBlinkLeft", "browInnerUp")


@pytest.fixture(autouse=True)
def factory_scene():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    yield


def _sphere(name: str = "Head") -> bpy.types.Object:
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new()
    bmesh.ops.create_uvsphere(bm, u_segments=16, v_segments=8, radius=1.0)
    bm.to_mesh(mesh)
    bm.free()
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    return obj


def _deltas(num_vertices: int, names=SHAPES, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {name: rng.normal(scale=0.1, size=(num_vertices, 3)).astype(np.float32) for name in names}


def _coords(block: bpy.types.ShapeKey) -> np.ndarray:
    flat = np.empty(len(block.data) * 3, dtype=np.float32)
    block.data.foreach_get("co", flat)
    return flat.reshape(-1, 3)


def _keyframes(fcurve: bpy.types.FCurve) -> np.ndarray:
    flat = np.empty(len(fcurve.keyframe_points) * 2, dtype=np.float32)
    fcurve.keyframe_points.foreach_get("co", flat)
    return flat.reshape(-1, 2)


def _weights(frames: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=(frames, len(ARKIT_NAMES)))


def _has_legacy_actions() -> bool:
    probe = bpy.data.actions.new("probe")
    legacy = hasattr(probe, "fcurves")
    bpy.data.actions.remove(probe)
    return legacy


def _has_slotted_actions() -> bool:
    probe = bpy.data.actions.new("probe")
    slotted = hasattr(probe, "slots")
    bpy.data.actions.remove(probe)
    return slotted


def _animated_head(frames: int = 30) -> tuple[bpy.types.Object, np.ndarray]:
    obj = _sphere()
    create_shape_keys(obj, _deltas(len(obj.data.vertices)))
    weights = _weights(frames)
    write_weight_animation(obj, {name: name for name in SHAPES}, ARKIT_NAMES, weights, 1, "Smile")
    return obj, weights


# Shape keys


def test_create_shape_keys_writes_basis_plus_delta_exactly():
    obj = _sphere()
    rest = np.array([v.co[:] for v in obj.data.vertices], dtype=np.float32)
    deltas = _deltas(len(rest))

    created = create_shape_keys(obj, deltas)

    key = obj.data.shape_keys
    assert created == list(SHAPES)
    assert all(key.key_blocks[name].value == 0.0 for name in SHAPES)
    assert key.reference_key.name == "Basis"
    np.testing.assert_array_equal(_coords(key.reference_key), rest)
    for name, delta in deltas.items():
        np.testing.assert_array_equal(_coords(key.key_blocks[name]), rest + delta)
    assert list(key[CREATED_KEYS_PROPERTY]) == list(SHAPES)
    assert created_key_names(obj) == list(SHAPES)


def test_evaluated_positions_are_basis_plus_weighted_deltas():
    obj = _sphere()
    rest = np.array([v.co[:] for v in obj.data.vertices], dtype=np.float32)
    deltas = _deltas(len(rest))
    create_shape_keys(obj, deltas)
    values = {"jawOpen": 0.7, "mouthSmileLeft": 0.25, "browInnerUp": 1.0}
    for name, value in values.items():
        obj.data.shape_keys.key_blocks[name].value = value

    positions = evaluated_vertex_positions(obj, bpy.context.evaluated_depsgraph_get())

    expected = rest + sum(value * deltas[name] for name, value in values.items())
    np.testing.assert_allclose(positions, expected, atol=1e-6)


def test_existing_keys_are_skipped_and_left_untouched():
    obj = _sphere()
    obj.shape_key_add(name="Basis", from_mix=False)
    users_jaw = obj.shape_key_add(name="jawOpen", from_mix=False)
    users_jaw.data.foreach_set("co", _coords(users_jaw).reshape(-1) * 1.5)
    before = {block.name: _coords(block).copy() for block in obj.data.shape_keys.key_blocks}

    created = create_shape_keys(obj, _deltas(len(obj.data.vertices)))

    assert created == [name for name in SHAPES if name != "jawOpen"]
    for name, coords in before.items():
        np.testing.assert_array_equal(_coords(obj.data.shape_keys.key_blocks[name]), coords)
    assert "jawOpen.001" not in obj.data.shape_keys.key_blocks
    assert created_key_names(obj) == created


def test_vertex_count_mismatch_raises_before_touching_the_mesh():
    obj = _sphere()
    deltas = _deltas(len(obj.data.vertices))
    deltas["tongueOut"] = np.zeros((len(obj.data.vertices) + 1, 3), dtype=np.float32)

    with pytest.raises(BlenderIOError, match="vertices"):
        create_shape_keys(obj, deltas)
    assert obj.data.shape_keys is None


def test_find_arkit_keys_prefers_exact_names_and_skips_the_basis():
    obj = _sphere()
    for name in ("Basis", "mouthSmile_L", "mouthSmileLeft", "eyeBlink.R", "Wrinkles", "jawOpen"):
        obj.shape_key_add(name=name, from_mix=False)
    obj.data.shape_keys.key_blocks["Basis"].name = "jawForward"  # reference key with an ARKit name

    found = find_arkit_keys(obj, canonical_name)

    assert found == {"mouthSmileLeft": "mouthSmileLeft", "eyeBlinkRight": "eyeBlink.R", "jawOpen": "jawOpen"}


# Weight animation


@pytest.mark.parametrize("use_slots", [None, True, False])
def test_weights_are_keyed_on_every_frame(use_slots):
    if use_slots is True and not _has_slotted_actions():
        pytest.skip("this Blender has no slotted actions")
    if use_slots is False and not _has_legacy_actions():
        pytest.skip("this Blender has no legacy Action.fcurves (removed in 5.0)")
    obj = _sphere()
    create_shape_keys(obj, _deltas(len(obj.data.vertices)))
    weights = _weights(40)
    key_names = {name: name for name in SHAPES}

    action = write_weight_animation(obj, key_names, ARKIT_NAMES, weights, 10, "Smile", use_slots=use_slots)

    key = obj.data.shape_keys
    assert key.animation_data.action == action
    fcurves = shape_key_fcurves(obj)
    assert sorted(fcurves) == sorted(f'key_blocks["{name}"].value' for name in SHAPES)
    for name in SHAPES:
        fcurve = fcurves[f'key_blocks["{name}"].value']
        assert len(fcurve.keyframe_points) == 40
        assert {point.interpolation for point in fcurve.keyframe_points} == {"LINEAR"}
        column = weights[:, INDEX[name]]
        for t in (0, 1, 17, 39):
            assert fcurve.evaluate(10 + t) == pytest.approx(column[t], abs=1e-6)
        assert fcurve.evaluate(10 + 5.5) == pytest.approx((column[5] + column[6]) / 2, abs=1e-6)
    for t in (0, 13, 39):
        bpy.context.scene.frame_set(10 + t)
        read = read_weights_at_frame(obj, 10 + t)
        for name in SHAPES:
            assert key.key_blocks[name].value == pytest.approx(weights[t, INDEX[name]], abs=1e-6)
            assert read[name] == pytest.approx(weights[t, INDEX[name]], abs=1e-6)


def test_unsupported_action_kind_is_refused():
    obj = _sphere()
    create_shape_keys(obj, _deltas(len(obj.data.vertices)))
    if not _has_legacy_actions():
        use_slots = False
    elif not _has_slotted_actions():
        use_slots = True
    else:
        pytest.skip("this Blender supports both kinds of action")
    actions_before = len(bpy.data.actions)

    with pytest.raises(BlenderIOError, match="actions"):
        write_weight_animation(obj, {"jawOpen": "jawOpen"}, ARKIT_NAMES, _weights(3), 1, "X", use_slots=use_slots)
    assert len(bpy.data.actions) == actions_before


def test_an_existing_action_is_kept_bit_identical():
    obj = _sphere()
    create_shape_keys(obj, _deltas(len(obj.data.vertices)))
    jaw = obj.data.shape_keys.key_blocks["jawOpen"]
    for frame, value in ((1, 0.0), (12, 0.8), (30, 0.3)):
        jaw.value = value
        jaw.keyframe_insert("value", frame=frame)
    old = obj.data.shape_keys.animation_data.action
    old_name = old.name
    before = {path: _keyframes(fcurve).copy() for path, fcurve in shape_key_fcurves(obj).items()}
    assert before

    new = write_weight_animation(obj, {"jawOpen": "jawOpen"}, ARKIT_NAMES, _weights(20), 1, old_name)
    bpy.data.orphans_purge(do_recursive=True)

    assert new != old and new.name != old_name
    assert obj.data.shape_keys.animation_data.action == new
    assert new[PREVIOUS_ACTION_PROPERTY] == old_name
    assert new[GENERATED_ACTION_PROPERTY] and GENERATED_ACTION_PROPERTY not in old
    kept = bpy.data.actions[old_name]
    assert kept.use_fake_user
    obj.data.shape_keys.animation_data.action = kept
    if hasattr(kept, "slots"):
        obj.data.shape_keys.animation_data.action_slot = kept.slots[0]
    after = {path: _keyframes(fcurve) for path, fcurve in shape_key_fcurves(obj).items()}
    assert after.keys() == before.keys()
    for path in before:
        assert after[path].tobytes() == before[path].tobytes()


def test_bad_weights_leave_the_scene_alone():
    obj = _sphere()
    create_shape_keys(obj, _deltas(len(obj.data.vertices)))
    weights = _weights(5)
    weights[2, 0] = np.nan

    with pytest.raises(BlenderIOError):
        write_weight_animation(obj, {"jawOpen": "jawOpen"}, ARKIT_NAMES, weights, 1, "X")
    with pytest.raises(BlenderIOError, match="no shape keys named"):
        write_weight_animation(obj, {"jawOpen": "JawOpen_missing"}, ARKIT_NAMES, _weights(5), 1, "X")
    with pytest.raises(BlenderIOError, match="same shape key"):
        write_weight_animation(obj, {"jawOpen": "jawOpen", "tongueOut": "jawOpen"}, ARKIT_NAMES, _weights(5), 1, "X")
    with pytest.raises(BlenderIOError, match="channels"):
        write_weight_animation(obj, {"jawOpen": "jawOpen"}, ARKIT_NAMES, _weights(5)[:, :10], 1, "X")
    assert len(bpy.data.actions) == 0
    assert obj.data.shape_keys.animation_data is None


def test_52_channels_by_600_frames_are_written_in_under_50_ms():
    obj = _sphere()
    create_shape_keys(obj, {name: np.zeros((len(obj.data.vertices), 3), np.float32) for name in ARKIT_NAMES})
    weights = _weights(600)
    key_names = {name: name for name in ARKIT_NAMES}

    timings = []
    for attempt in range(3):
        start = time.perf_counter()
        write_weight_animation(obj, key_names, ARKIT_NAMES, weights, 1, f"Long{attempt}")
        timings.append(time.perf_counter() - start)

    assert len(shape_key_fcurves(obj)) == 52
    assert min(timings) < 0.05, timings


# FBX


def test_fbx_round_trip_keeps_names_keys_and_values(tmp_path):
    obj, weights = _animated_head(frames=30)
    other = _sphere("Other")
    other.select_set(True)
    bpy.context.view_layer.objects.active = other
    path = str(tmp_path / "head.fbx")

    export_fbx(path, [obj])

    assert other.select_get() and not obj.select_get()
    assert (bpy.context.scene.frame_start, bpy.context.scene.frame_end) == (1, 250)
    assert bpy.context.view_layer.objects.active == other
    bpy.ops.wm.read_factory_settings(use_empty=True)
    imported = import_fbx(path)
    meshes = [item for item in imported if item.type == "MESH"]
    assert len(meshes) == 1
    head = meshes[0]
    key = head.data.shape_keys
    assert [block.name for block in key.key_blocks][1:] == list(SHAPES)
    fcurves = shape_key_fcurves(head)
    assert len(fcurves) == len(SHAPES)
    for name in SHAPES:
        fcurve = fcurves[f'key_blocks["{name}"].value']
        assert len(fcurve.keyframe_points) == 30
        for t in (0, 7, 29):
            assert fcurve.evaluate(1 + t) == pytest.approx(weights[t, INDEX[name]], abs=1e-4)


def test_fbx_import_of_a_missing_file_is_refused(tmp_path):
    with pytest.raises(BlenderIOError, match="no FBX file"):
        import_fbx(str(tmp_path / "nothing.fbx"))


# Default head


def _tiny_head_arrays():
    vertices = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [2, 0, 0], [2, 1, 0.5]], np.float32)
    face_sizes = np.array([4, 3, 3], np.int32)
    corners = np.array([0, 1, 2, 3, 1, 4, 5, 1, 5, 2], np.int32)
    uvs = np.arange(20, dtype=np.float32).reshape(10, 2) / 20.0
    material_index = np.array([0, 1, 1], np.int32)
    return vertices, face_sizes, corners, uvs, material_index


def test_build_head_object_from_mixed_quads_and_triangles():
    vertices, face_sizes, corners, uvs, material_index = _tiny_head_arrays()
    colors = [(0.8, 0.6, 0.5), (0.9, 0.9, 0.9)]

    obj = build_head_object("Head", vertices, face_sizes, corners, uvs, material_index, ["Skin", "Eyes"], colors)

    mesh = obj.data
    assert obj.name in bpy.context.scene.collection.objects
    np.testing.assert_array_equal(np.array([v.co[:] for v in mesh.vertices], np.float32), vertices)
    assert [p.loop_total for p in mesh.polygons] == [4, 3, 3]
    assert [list(p.vertices) for p in mesh.polygons] == [[0, 1, 2, 3], [1, 4, 5], [1, 5, 2]]
    assert [p.material_index for p in mesh.polygons] == [0, 1, 1]
    assert all(p.use_smooth for p in mesh.polygons)
    assert len(mesh.edges) == 8
    loop_uvs = np.empty(20, np.float32)
    mesh.uv_layers["UVMap"].data.foreach_get("uv", loop_uvs)
    np.testing.assert_array_equal(loop_uvs, uvs.reshape(-1))
    assert [m.name for m in mesh.materials] == ["Skin", "Eyes"]
    for material, color in zip(mesh.materials, colors):
        principled = next(n for n in material.node_tree.nodes if n.type == "BSDF_PRINCIPLED")
        assert tuple(principled.inputs["Base Color"].default_value)[:3] == pytest.approx(color)
    assert tuple(obj.rotation_euler) == pytest.approx((np.pi / 2, 0, 0))
    assert tuple(obj.scale) == pytest.approx((0.01, 0.01, 0.01))
    bpy.context.view_layer.update()
    world_up = obj.matrix_world.to_3x3() @ mathutils.Vector((0.0, 1.0, 0.0))
    assert tuple(world_up) == pytest.approx((0.0, 0.0, 0.01), abs=1e-9)


def test_build_head_object_refuses_inconsistent_arrays():
    vertices, face_sizes, corners, uvs, material_index = _tiny_head_arrays()
    bad_corners = corners.copy()
    bad_corners[3] = 6

    with pytest.raises(BlenderIOError, match="vertex that does not exist"):
        build_head_object("Head", vertices, face_sizes, bad_corners, uvs, material_index, ["A", "B"], [(1, 1, 1)] * 2)
    with pytest.raises(BlenderIOError, match="UV"):
        build_head_object("Head", vertices, face_sizes, corners, uvs[:5], material_index, ["A", "B"], [(1, 1, 1)] * 2)
    with pytest.raises(BlenderIOError, match="material index"):
        build_head_object("Head", vertices, face_sizes, corners, None, material_index, ["A"], [(1, 1, 1)])
    assert len(bpy.data.meshes) == 0 and len(bpy.data.objects) == 0


def test_head_deltas_from_the_backend_become_shape_keys_without_conversion():
    vertices, face_sizes, corners, _, material_index = _tiny_head_arrays()
    obj = build_head_object("Head", vertices, face_sizes, corners, None, material_index, ["A", "B"], [(1, 1, 1)] * 2)
    delta = np.zeros_like(vertices)
    delta[5] = (0.0, -0.25, 0.1)
    create_shape_keys(obj, {"jawOpen": delta})
    obj.data.shape_keys.key_blocks["jawOpen"].value = 0.5

    positions = evaluated_vertex_positions(obj, bpy.context.evaluated_depsgraph_get())

    np.testing.assert_allclose(positions, vertices + 0.5 * delta, atol=1e-7)
