"""Fitting the user's own head in Blender: landmark review, keys only after success, replacing only our keys."""

from __future__ import annotations

import numpy as np
import pytest

from ml_backend.fitting.foreign import mediapipe_face


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("I2FET_CACHE", str(tmp_path))


@pytest.fixture()
def head(blender):
    """The MediaPipe face as a Blender object in metres, turned Z-up, with a subdivision modifier."""
    bpy = blender
    mesh_data = mediapipe_face()
    mesh = bpy.data.meshes.new("Face")
    mesh.from_pydata(mesh_data.vertices.tolist(), [], mesh_data.triangles.tolist())
    mesh.update()
    obj = bpy.data.objects.new("Face", mesh)
    bpy.context.scene.collection.objects.link(obj)
    obj.rotation_euler = (np.pi / 2, 0.0, 0.3)
    obj.scale = (0.01, 0.01, 0.01)
    obj.modifiers.new("Subdivision", "SUBSURF")
    bpy.context.view_layer.objects.active = obj
    obj.select_set(True)
    bpy.context.view_layer.update()
    return obj


def test_landmarks_are_shown_moved_and_checked_before_anything_changes(blender, head):
    from i2fet_blender.head import fit as head_fit

    found = head_fit.detect_landmarks_on_object(head)
    assert found.sure and found.message  # the detector says what it found and how sure it is
    landmarks = found.landmarks
    empties = head_fit.landmark_empties(head)
    assert set(empties) == set(landmarks) and len(empties) == 8
    assert all(e.parent is head for e in empties.values())
    read = head_fit.read_landmarks(head)
    for name, position in landmarks.items():
        np.testing.assert_allclose(read[name], position, atol=1e-5)
    empties["mouth_corner_left"].location.y += 4.0  # 4 cm up (mesh units are cm): onto the cheek
    with pytest.raises(head_fit.HeadFitFailed, match="left mouth corner"):
        head_fit.fit_object(head)
    assert head.data.shape_keys is None  # nothing written
    assert head_fit.clear_landmarks(head) == 8 and not head_fit.landmark_empties(head)


def test_fit_creates_keys_and_refit_replaces_only_its_own(blender, head):
    from i2fet_blender.head import fit as head_fit

    bpy = blender
    head.shape_key_add(name="Basis", from_mix=False)
    mine = head.shape_key_add(name="myCustomShape", from_mix=False)
    users_jaw = head.shape_key_add(name="jawOpen", from_mix=False)
    users_jaw.data[0].co.x += 1.0
    result = head_fit.fit_object(head, use_landmarks=False)
    keys = head.data.shape_keys.key_blocks
    assert "jawOpen" not in result.created["Face"] and len(result.created["Face"]) == 50
    assert "mouthSmileLeft" in keys and "myCustomShape" in keys
    assert any("modifiers" in note for note in result.notes)
    assert any("detector" in note or "shape" in note for note in result.notes)  # how the head was aligned, said
    assert all(keys[name].value == 0.0 for name in result.created["Face"])
    smile = np.empty(len(head.data.vertices) * 3, dtype=np.float32)
    keys["mouthSmileLeft"].data.foreach_get("co", smile)
    basis = np.empty_like(smile)
    keys["Basis"].data.foreach_get("co", basis)
    assert np.abs(smile - basis).max() > 0.3  # centimetres in mesh units
    again = head_fit.fit_object(head, use_landmarks=False)
    assert sorted(again.replaced["Face"]) == sorted(result.created["Face"]) and again.from_cache
    assert len(head.data.shape_keys.key_blocks) == 1 + 2 + 50
    assert head.data.shape_keys.key_blocks["jawOpen"].data[0].co.x == pytest.approx(users_jaw.data[0].co.x)
    assert mine.name in head.data.shape_keys.key_blocks
    assert bpy.data.objects.get("Face") is head


def test_operators_fit_and_refuse_a_cube(blender, head):
    """The add-on registers the fit operators; the button path fits a head and refuses a cube."""
    bpy = blender
    assert bpy.ops.i2fet.detect_landmarks() == {"FINISHED"}
    assert bpy.ops.i2fet.fit_head() == {"FINISHED"}
    assert len(head.data.shape_keys.key_blocks) == 52
    bpy.context.scene.i2fet.prompt = "a big smile turning into surprise"
    assert bpy.ops.i2fet.generate() == {"FINISHED"}  # the fitted head is now driven like any ARKit head
    assert head.data.shape_keys.animation_data.action.name.startswith("I2FET a big smile")
    bpy.ops.mesh.primitive_cube_add()
    cube = bpy.context.active_object
    with pytest.raises(RuntimeError, match="a head needs a surface"):
        bpy.ops.i2fet.fit_head()
    assert cube.data.shape_keys is None


def test_blender_decimated_identity_gets_its_true_expressions(blender):
    """An ICT identity decimated by Blender's Decimate modifier, turned and scaled: keys match the truth."""
    from i2fet_blender.head import fit as head_fit
    from ml_backend.naming.arkit import ARKIT_NAMES
    from i2fet_tools.fitting.evaluate import expression_errors
    from ml_backend.fitting.mesh import TriangleSurface
    from i2fet_tools.fitting.synthetic import identity_vertices
    from ml_backend.fitting.template import load_template

    bpy = blender
    template = load_template()
    identity = identity_vertices(template, np.random.default_rng(5).normal(0.0, 1.5, 40))
    used = np.unique(template.skin_triangles)
    remap = np.full(len(identity), -1)
    remap[used] = np.arange(len(used))
    mesh = bpy.data.meshes.new("Identity")
    mesh.from_pydata((identity[used] * 0.01).tolist(), [], remap[template.skin_triangles].tolist())
    source = bpy.data.objects.new("Identity", mesh)
    bpy.context.scene.collection.objects.link(source)
    source.modifiers.new("Decimate", "DECIMATE").ratio = 0.3
    depsgraph = bpy.context.evaluated_depsgraph_get()
    head = bpy.data.objects.new("Decimated", bpy.data.meshes.new_from_object(source.evaluated_get(depsgraph)))
    bpy.context.scene.collection.objects.link(head)
    head.rotation_euler = (np.pi / 2, 0.0, 0.5)
    head.scale = (1.7, 1.7, 1.7)
    bpy.context.view_layer.update()
    local = head_fit.base_positions(head).astype(np.float64)
    assert 3000 < len(local) < 0.5 * len(used)

    head_fit.fit_object(head, use_landmarks=False)
    keys = head.data.shape_keys.key_blocks
    predicted = np.zeros((len(ARKIT_NAMES), len(local), 3))
    for k, name in enumerate(ARKIT_NAMES):
        if name in keys:
            coords = np.empty(len(local) * 3, dtype=np.float32)
            keys[name].data.foreach_get("co", coords)
            predicted[k] = coords.reshape(-1, 3) - local
    hits = TriangleSurface(identity, template.skin_triangles).closest(local / 0.01)
    corners = template.skin_triangles[hits.triangle]
    truth = np.einsum("nj,knjd->knd", hits.barycentric, template.model.deltas[:, corners].astype(np.float64)) * 0.01
    channels = [k for k in range(len(ARKIT_NAMES)) if template.model.has_shape[k]]
    rows = expression_errors(predicted, truth, channels)
    print(f"Blender-decimated identity ({len(local)} vertices): mean {np.mean([r.mean for r in rows]):.1%}, "
          f"p95 {np.mean([r.p95 for r in rows]):.1%}, worst mean {max(r.mean for r in rows):.1%}")
    assert np.mean([r.mean for r in rows]) < 0.10
    assert {r.name: r.mean for r in rows}["jawOpen"] < 0.06
