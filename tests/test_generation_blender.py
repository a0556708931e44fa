"""The add-on's Generate on real bpy scenes: default head, ARKit-keyed meshes, bad input, data safety."""

import numpy as np
import pytest

from ml_backend.naming.arkit import ARKIT_NAMES, INDEX

PROMPT = "a faint smile turning into surprise"


@pytest.fixture()
def head(blender):
    blender.ops.i2fet.add_default_head()
    return blender.context.active_object


def _generate(bpy, obj, prompt=PROMPT, frames=60):
    from i2fet_blender.generate.pipeline import generate_on_object

    return generate_on_object(obj, prompt, frames=frames, frame_start=1, fps=30)


def _keyed(weights: np.ndarray) -> np.ndarray:
    """frames x 52: what the default sparse Bézier keys of ``weights`` give at each frame."""
    from ml_backend.motion.keys import evaluate_keys, fit_keys

    frames = np.arange(len(weights))
    return np.stack([evaluate_keys(keys, frames) for keys in fit_keys(weights)], axis=1)


def test_default_head_gets_arkit_keys_and_an_action_named_after_the_prompt(blender, head):
    scene = blender.context.scene
    scene.i2fet.prompt, scene.i2fet.frames, scene.i2fet.frame_start = PROMPT, 60, 10
    assert blender.ops.i2fet.generate() == {"FINISHED"}
    keys = head.data.shape_keys.key_blocks
    assert len(keys) == 1 + 51 and "tongueOut" not in keys and "jawOpen" in keys
    action = head.data.shape_keys.animation_data.action
    assert action.name == "I2FET " + PROMPT
    from i2fet_blender.io.keyframes import shape_key_fcurves

    curves = shape_key_fcurves(head)
    assert len(curves) == 51
    curve = curves['key_blocks["mouthSmileLeft"].value']
    assert curve.keyframe_points[0].co[0] == 10 and curve.keyframe_points[-1].co[0] == 69


def test_the_default_keys_are_sparse_bezier_within_tolerance_of_the_dense_bake_which_stays_selectable(blender, head):
    from i2fet_blender.io.keyframes import shape_key_fcurves

    settings = blender.context.scene.i2fet
    assert settings.key_mode == "SPARSE"
    settings.prompt, settings.frames, settings.frame_start = PROMPT, 60, 10
    assert blender.ops.i2fet.generate() == {"FINISHED"}
    frames = range(10, 70)
    sparse = {path: (len(c.keyframe_points), {p.interpolation for p in c.keyframe_points},
                     np.array([c.evaluate(f) for f in frames])) for path, c in shape_key_fcurves(head).items()}
    settings.key_mode = "DENSE"  # the same seed and head: the same motion, baked
    assert blender.ops.i2fet.generate() == {"FINISHED"}
    dense = {path: c for path, c in shape_key_fcurves(head).items()}
    assert sparse.keys() == dense.keys() and len(dense) == 51
    for path, (count, interpolations, shown) in sparse.items():
        points = dense[path].keyframe_points
        assert len(points) == 60 and {p.interpolation for p in points} == {"LINEAR"}
        baked = np.array([p.co[1] for p in points])
        assert interpolations == {"BEZIER"} and 2 <= count < 60
        assert np.abs(shown - baked).max() <= 0.0101, path  # the stated tolerance (0.01) at every frame
    assert sum(count for count, _, _ in sparse.values()) < 0.25 * 60 * 51


def test_per_frame_offsets_equal_what_blender_shows(blender, head, face_model):
    from i2fet_blender.io.shape_keys import evaluated_vertex_positions

    result = _generate(blender, head, frames=40)
    keyed = _keyed(result.weights)
    assert np.abs(keyed - result.weights).max() <= 0.0101  # the sparse keys' tolerance
    offsets = face_model.offsets(np.clip(keyed, 0, 1).astype(np.float32))  # T x V x 3 (sliders clamp to 0..1)
    scene = blender.context.scene
    for frame in (1, 8, 20, 33, 40):
        scene.frame_set(frame)
        shown = evaluated_vertex_positions(head, blender.context.evaluated_depsgraph_get())
        expected = face_model.neutral + offsets[frame - 1]
        np.testing.assert_allclose(shown, expected, atol=2e-5)
    assert np.abs(offsets).max() > 0.1  # the face really moves


def test_existing_keys_are_never_changed_and_only_missing_ones_are_created(blender, head):
    head.shape_key_add(name="Basis")
    mine = head.shape_key_add(name="jawOpen")
    coords = np.empty(len(mine.data) * 3, np.float32)
    mine.data.foreach_get("co", coords)
    coords += 0.5
    mine.data.foreach_set("co", coords)
    before = coords.copy()
    result = _generate(blender, head)
    after = np.empty_like(before)
    head.data.shape_keys.key_blocks["jawOpen"].data.foreach_get("co", after)
    np.testing.assert_array_equal(before, after)
    assert "jawOpen" not in result.created_keys and len(result.created_keys) == 50


@pytest.mark.parametrize("spelling", [lambda n: n, lambda n: n[0].upper() + n[1:],
                                      lambda n: n.replace("Left", "_L").replace("Right", "_R")])
def test_any_topology_with_arkit_named_keys_is_driven_through_them(blender, spelling):
    bpy = blender
    bpy.ops.mesh.primitive_uv_sphere_add(segments=16, ring_count=8)
    obj = bpy.context.active_object
    obj.shape_key_add(name="Basis")
    for name in ("mouthSmileLeft", "mouthSmileRight", "browInnerUp", "jawOpen", "eyeWideLeft"):
        obj.shape_key_add(name=spelling(name))
    result = _generate(bpy, obj, prompt="a big smile then surprise")
    assert result.created_keys == []
    from i2fet_blender.io.keyframes import shape_key_fcurves

    curves = shape_key_fcurves(obj)
    assert f'key_blocks["{spelling("mouthSmileLeft")}"].value' in curves
    assert "cheekSquintLeft" in result.missing_channels  # reported, not invented
    smile = curves[f'key_blocks["{spelling("mouthSmileLeft")}"].value']
    values = [smile.evaluate(f) for f in range(1, 61)]
    np.testing.assert_allclose(values, _keyed(result.weights)[:, INDEX["mouthSmileLeft"]], atol=1e-5)


def test_other_meshes_get_a_clear_message_and_are_not_changed(blender, checksum):
    bpy = blender
    bpy.ops.mesh.primitive_cube_add()
    cube = bpy.context.active_object
    before = checksum()
    with pytest.raises(RuntimeError, match="no ARKit shape keys"):  # an ERROR report, as bpy raises it
        bpy.ops.i2fet.generate()
    assert cube.data.shape_keys is None and checksum() == before


def test_bad_input_changes_nothing(blender, head, checksum):
    from i2fet_blender.errors import GenerationError
    from i2fet_blender.generate.pipeline import generate_on_object

    bpy = blender
    head.shape_key_add(name="Basis")
    head.shape_key_add(name="MyOwnKey")
    before = checksum()
    cases = [
        (None, PROMPT, 30, "Select a head"),
        (head, "", 30, "empty"),
        (head, "   \t", 30, "empty"),
        (head, "a red car", 30, "facial expression"),
        (head, PROMPT, 0, "at least one frame"),
        (head, PROMPT, int(1e9), "more than"),
    ]
    for obj, prompt, frames, message in cases:
        with pytest.raises(GenerationError, match=message):
            generate_on_object(obj, prompt, frames=frames, frame_start=1, fps=30)
        assert checksum() == before, f"{prompt!r}/{frames} changed the file"
    bpy.ops.object.empty_add()
    with pytest.raises(GenerationError, match="not a mesh"):
        generate_on_object(bpy.context.active_object, PROMPT, frames=30, frame_start=1, fps=30)
    assert checksum() == before


def test_edit_mode_is_refused(blender, head):
    from i2fet_blender.errors import GenerationError
    from i2fet_blender.generate.pipeline import generate_on_object

    blender.context.view_layer.objects.active = head
    blender.ops.object.mode_set(mode="EDIT")
    with pytest.raises(GenerationError, match="Edit Mode"):
        generate_on_object(head, PROMPT, frames=10, frame_start=1, fps=30)
    blender.ops.object.mode_set(mode="OBJECT")


def test_user_animation_survives_a_generation(blender, head):
    from i2fet_blender.io.keyframes import shape_key_fcurves

    bpy = blender
    head.shape_key_add(name="Basis")
    mine = head.shape_key_add(name="MyOwnKey")
    mine.value = 0.2
    mine.keyframe_insert("value", frame=1)
    mine.value = 0.9
    mine.keyframe_insert("value", frame=20)
    user_action = head.data.shape_keys.animation_data.action
    before = {p: [tuple(k.co) for k in c.keyframe_points] for p, c in shape_key_fcurves(head).items()}
    _generate(bpy, head)
    assert user_action.name in bpy.data.actions
    head.data.shape_keys.animation_data.action = user_action
    if hasattr(user_action, "slots"):
        head.data.shape_keys.animation_data.action_slot = user_action.slots[0]
    after = {p: [tuple(k.co) for k in c.keyframe_points] for p, c in shape_key_fcurves(head).items()}
    assert after == before
    assert len(ARKIT_NAMES) == 52


def test_fbx_round_trip_of_the_default_head(blender, head, tmp_path):
    from i2fet_blender.io.scene_files import export_fbx, import_fbx
    from i2fet_blender.io.keyframes import shape_key_fcurves

    bpy = blender
    result = _generate(bpy, head, frames=30)
    path = tmp_path / "head.fbx"
    export_fbx(str(path), [head])
    bpy.ops.wm.read_factory_settings(use_empty=True)
    imported = [o for o in import_fbx(str(path)) if o.type == "MESH"]
    assert len(imported) == 1
    obj = imported[0]
    names = set(obj.data.shape_keys.key_blocks.keys()) - {obj.data.shape_keys.reference_key.name}
    assert names == set(ARKIT_NAMES) - {"tongueOut"}
    curves = shape_key_fcurves(obj)
    jaw = curves['key_blocks["jawOpen"].value']
    assert len(jaw.keyframe_points) == 30  # FBX bakes the sparse curve on every frame
    for frame in range(1, 31):  # within the sparse keys' tolerance (0.01) of the motion, plus the bake's rounding
        assert abs(jaw.evaluate(frame) - result.weights[frame - 1, INDEX["jawOpen"]]) < 0.0101 + 1e-3


def test_missing_face_model_assets_are_explained_and_nothing_is_added(blender, tmp_path, monkeypatch):
    monkeypatch.setenv("I2FET_ASSETS", str(tmp_path))
    monkeypatch.setenv("I2FET_FACE_PACK", str(tmp_path / "missing_pack.npz"))
    count = len(blender.data.objects)
    with pytest.raises(RuntimeError, match="ICT FaceKit not found.*I2FET_ASSETS"):
        blender.ops.i2fet.add_default_head()
    assert len(blender.data.objects) == count and len(blender.data.meshes) == 0


def test_tongue_out_is_reported_as_missing_on_the_default_head(blender, head):
    result = _generate(blender, head, prompt="stick the tongue out")
    assert "tongueOut" in result.missing_channels


def test_scripts_can_generate_without_registering_the_add_on(blender, head):
    """The plain functions work in a script that never enabled the add-on (regression: mapping table lookup)."""
    import addon_utils

    addon_utils.disable("i2fet_blender")
    result = _generate(blender, head, prompt="smile", frames=10)
    assert result.action.name.startswith("I2FET smile")
    addon_utils.enable("i2fet_blender", default_set=True)
