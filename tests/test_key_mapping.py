"""Heads with their own expression keys: naming presets, the editable mapping table, missing channels, data safety."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ml_backend.naming.arkit import ARKIT_NAMES, INDEX
from ml_backend.naming.key_presets import (ARKIT_SCHEME, PRESETS, KeyMappingError, detect_scheme, load_mapping, map_keys,
                                    match_scheme, save_mapping, shared_keys)

CC4_KEYS = ("Mouth_Smile_L", "Mouth_Smile_R", "Mouth_Pucker_Up_L", "Mouth_Pucker_Up_R", "Mouth_Pucker_Down_L",
            "Mouth_Pucker_Down_R", "Brow_Raise_Inner_L", "Brow_Raise_Inner_R", "Eye_Blink_L", "Eye_Blink_R", "Jaw_Open",
            "Eye_Wide_L", "Eye_Wide_R", "Cheek_Puff_L", "Cheek_Puff_R", "Brow_Drop_L", "Brow_Drop_R", "V_Open", "MyCorrective")
UE_KEYS = ("EyeClosedLeft", "EyeClosedRight", "MouthCornerPullLeft", "MouthCornerSlantLeft", "MouthCornerPullRight",
           "MouthCornerSlantRight", "JawOpen", "LipSuckUpperLeft", "LipSuckUpperRight", "BrowInnerUpLeft",
           "BrowInnerUpRight", "MouthClosed", "MouthRaiserUpper", "EyeWideLeft", "EyeWideRight", "MyCorrective")


def _weights(frames: int = 24, seed: int = 0) -> np.ndarray:
    """A clip where every channel moves (tongueOut included), so each mapped key gets a distinct curve."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.05, 1.0, size=(frames, len(ARKIT_NAMES))).astype(np.float32)


def _head(bpy, names: tuple[str, ...], name: str = "Character"):
    """A small sphere with the given expression keys and a user action on its first key."""
    bpy.ops.mesh.primitive_uv_sphere_add(segments=12, ring_count=6)
    obj = bpy.context.active_object
    obj.name = name
    obj.shape_key_add(name="Basis")
    rng = np.random.default_rng(1)
    for key_name in names:
        block = obj.shape_key_add(name=key_name, from_mix=False)
        coords = np.empty(len(block.data) * 3, np.float32)
        block.data.foreach_get("co", coords)
        block.data.foreach_set("co", coords + rng.normal(scale=0.02, size=coords.size).astype(np.float32))
        block.value = 0.0
    block = obj.data.shape_keys.key_blocks[names[-1]]
    for frame, value in ((1, 0.0), (12, 0.8)):
        block.value = value
        block.keyframe_insert("value", frame=frame)
    obj.data.shape_keys.animation_data.action.name = "UserTake"
    block.value = 0.0
    return obj


def _write(obj, weights: np.ndarray, name: str = "I2FET test"):
    from i2fet_blender.clips.store import ClipInfo
    from i2fet_blender.generate.writer import write_clip

    info = ClipInfo(prompt="test", seed=0, intensity=1.0, frames=len(weights), frame_start=1, fps=24.0,
                    object_name=obj.name, source="generated")
    return write_clip(obj, weights, None, info, name)


def _curve(obj, key_name: str, frames: int) -> np.ndarray:
    from i2fet_blender.io.keyframes import shape_key_fcurves

    curve = shape_key_fcurves(obj)[f'key_blocks["{key_name}"].value']
    return np.array([curve.evaluate(f) for f in range(1, frames + 1)])


def test_presets_name_only_arkit_channels_and_detection_picks_the_scheme_that_explains_the_keys():
    for preset, table in PRESETS.items():
        assert set(table) <= set(ARKIT_NAMES), preset
    cc4 = detect_scheme(list(CC4_KEYS))
    assert cc4.scheme == "cc4_extended" and cc4.mapping["mouthPucker"] == CC4_KEYS[2:6]
    assert cc4.keys_used == 17 and cc4.keys_total == len(CC4_KEYS) and "tongueOut" in cc4.missing
    assert cc4.coverage() == f"{cc4.channels_found} of 52 channels, 17 of {len(CC4_KEYS)} keys"
    ue = detect_scheme(list(UE_KEYS))
    assert ue.scheme == "unified_expressions" and ue.mapping["eyeBlinkLeft"] == ("EyeClosedLeft",)
    assert ue.mapping["mouthSmileLeft"] == ("MouthCornerPullLeft", "MouthCornerSlantLeft")
    assert ue.mapping["mouthShrugUpper"] == ("MouthRaiserUpper",)
    assert detect_scheme(["jawOpen", "mouthSmile_L", "MouthSmileRight", "eyeBlinkLeft"]).scheme == ARKIT_SCHEME
    assert detect_scheme(["A25_Jaw_Open", "A38_Mouth_Smile_Left", "A14_Eye_Blink_Left"]).scheme == "cc3plus_arkit"
    genesis9 = detect_scheme(["facs_bs_JawOpen", "facs_bs_MouthPurseUpperLeft", "facs_bs_MouthPurseLowerRight"])
    assert genesis9.scheme == "daz_genesis9" and len(genesis9.mapping["mouthPucker"]) == 2
    assert detect_scheme(["facs_bs_MouthSmileLeft_div2", "facs_bs_BrowDownLeft_div2"]).scheme == "daz_genesis81"


def test_alternatives_prefer_the_blended_shape_and_accept_either_spelling():
    both = match_scheme(["MouthSmileLeft", "MouthCornerPullLeft", "MouthCornerSlantLeft"], "unified_expressions")
    assert both.mapping["mouthSmileLeft"] == ("MouthSmileLeft",)  # never driven together with its parts
    cc3 = match_scheme(["Brow_Raise_Inner_Left", "Brow_Raise_Inner_Right", "Cheek_Blow_L", "Cheek_Blow_R"], "cc3_standard")
    assert cc3.mapping["browInnerUp"] == ("Brow_Raise_Inner_Left", "Brow_Raise_Inner_Right")
    assert cc3.mapping["cheekPuff"] == ("Cheek_Blow_L", "Cheek_Blow_R") and "eyeLookUpLeft" in cc3.missing


def test_detected_preset_is_completed_with_arkit_spelled_keys_it_does_not_use():
    match = detect_scheme(list(CC4_KEYS) + ["tongueOut", "mouthSmileLeft"])
    assert match.scheme == "cc4_extended"
    assert match.mapping["tongueOut"] == ("tongueOut",)
    assert match.mapping["mouthSmileLeft"] == ("Mouth_Smile_L",)  # the preset's key stays: no channel is doubled
    assert not shared_keys(match.mapping)


def test_mapping_files_round_trip_and_bad_files_are_refused(tmp_path):
    mapping, missing = map_keys(list(CC4_KEYS), "cc4_extended")
    path = save_mapping(tmp_path / "cc4.json", mapping)
    data = json.loads(path.read_text())
    assert set(data) == set(ARKIT_NAMES) and data["tongueOut"] == []  # missing channels written empty
    assert load_mapping(path) == mapping and "tongueOut" in missing
    (tmp_path / "bad.json").write_text(json.dumps({"smile": ["Mouth_Smile_L"]}))
    with pytest.raises(KeyMappingError, match="not an ARKit name"):
        load_mapping(tmp_path / "bad.json")
    with pytest.raises(KeyMappingError, match="unreadable"):
        load_mapping(tmp_path / "absent.json")
    assert shared_keys({"mouthSmileLeft": ("A",), "mouthSmileRight": ("A", "B")}) == {"A": ["mouthSmileLeft",
                                                                                           "mouthSmileRight"]}


def test_cc4_head_is_driven_through_the_preset_one_to_many_with_one_curve(blender, checksum):
    obj = _head(blender, CC4_KEYS)
    before = checksum(user_only=True)
    weights = _weights()
    written = _write(obj, weights)
    for key_name in CC4_KEYS[2:6]:  # mouthPucker's four CC4 keys share its curve
        np.testing.assert_allclose(_curve(obj, key_name, 24), weights[:, INDEX["mouthPucker"]], atol=1e-6)
    np.testing.assert_allclose(_curve(obj, "Jaw_Open", 24), weights[:, INDEX["jawOpen"]], atol=1e-6)
    np.testing.assert_allclose(_curve(obj, "Mouth_Smile_R", 24), weights[:, INDEX["mouthSmileRight"]], atol=1e-6)
    assert "tongueOut" in written.missing_channels and "mouthPucker" not in written.missing_channels
    driven = {"mouthSmileLeft", "mouthSmileRight", "mouthPucker", "browInnerUp", "eyeBlinkLeft", "eyeBlinkRight", "jawOpen",
              "eyeWideLeft", "eyeWideRight", "cheekPuff", "browDownLeft", "browDownRight"}
    assert written.missing_channels == [n for n in ARKIT_NAMES if n not in driven]  # reported, not invented
    assert written.created_keys == [] and len(obj.data.shape_keys.key_blocks) == 1 + len(CC4_KEYS)
    assert checksum(user_only=True) == before
    assert blender.data.actions["UserTake"].use_fake_user  # the user's action is kept, untouched


def test_unified_expressions_head_is_driven_through_its_base_shapes(blender, checksum):
    obj = _head(blender, UE_KEYS)
    before = checksum(user_only=True)
    weights = _weights(seed=2)
    written = _write(obj, weights)
    for key_name in ("MouthCornerPullLeft", "MouthCornerSlantLeft"):
        np.testing.assert_allclose(_curve(obj, key_name, 24), weights[:, INDEX["mouthSmileLeft"]], atol=1e-6)
    np.testing.assert_allclose(_curve(obj, "EyeClosedRight", 24), weights[:, INDEX["eyeBlinkRight"]], atol=1e-6)
    np.testing.assert_allclose(_curve(obj, "LipSuckUpperRight", 24), weights[:, INDEX["mouthRollUpper"]], atol=1e-6)
    assert "mouthPucker" in written.missing_channels and "eyeBlinkLeft" not in written.missing_channels
    assert checksum(user_only=True) == before


def test_an_edited_table_row_overrides_the_preset_and_an_empty_row_is_reported_missing(blender):
    from i2fet_blender.io.keyframes import shape_key_fcurves
    from i2fet_blender.head.key_map import key_map_for

    obj = _head(blender, CC4_KEYS + ("MySmile",))
    assert blender.ops.i2fet.key_map_fill(scheme="AUTO") == {"FINISHED"}
    rows = {row.name: row for row in obj.data.i2fet_key_map}
    assert len(rows) == 52 and rows["mouthPucker"].keys == ", ".join(CC4_KEYS[2:6])
    rows["mouthSmileLeft"].keys = "MySmile"
    rows["jawOpen"].keys = ""
    rows["browInnerUp"].keys = "brow_raise_inner_l"  # case and separators do not matter
    key_map = key_map_for(obj)
    assert key_map.source == "table" and key_map.keys["mouthSmileLeft"] == ("MySmile",)
    assert key_map.keys["browInnerUp"] == ("Brow_Raise_Inner_L",) and "jawOpen" in key_map.missing
    weights = _weights(seed=3)
    written = _write(obj, weights)
    np.testing.assert_allclose(_curve(obj, "MySmile", 24), weights[:, INDEX["mouthSmileLeft"]], atol=1e-6)
    curves = shape_key_fcurves(obj)
    assert 'key_blocks["Mouth_Smile_L"].value' not in curves and 'key_blocks["Jaw_Open"].value' not in curves
    assert "jawOpen" in written.missing_channels and "mouthSmileLeft" not in written.missing_channels


def test_assign_operator_sets_and_adds_the_active_key(blender):
    obj = _head(blender, CC4_KEYS)
    blender.ops.i2fet.key_map_fill(scheme="cc4_extended")
    mesh = obj.data
    mesh.i2fet_key_map_index = INDEX["cheekPuff"]
    obj.active_shape_key_index = mesh.shape_keys.key_blocks.find("V_Open")
    assert blender.ops.i2fet.key_map_assign(mode="SET") == {"FINISHED"}
    assert mesh.i2fet_key_map[INDEX["cheekPuff"]].keys == "V_Open"
    obj.active_shape_key_index = mesh.shape_keys.key_blocks.find("MyCorrective")
    blender.ops.i2fet.key_map_assign(mode="ADD")
    from i2fet_blender.head.key_map import key_map_for

    assert key_map_for(obj).keys["cheekPuff"] == ("V_Open", "MyCorrective")
    obj.active_shape_key_index = 0
    with pytest.raises(RuntimeError, match="rest shape"):
        blender.ops.i2fet.key_map_assign(mode="SET")


def test_a_key_used_by_two_channels_is_refused_before_anything_is_written(blender, checksum):
    from i2fet_blender.errors import GenerationError
    obj = _head(blender, CC4_KEYS)
    blender.ops.i2fet.key_map_fill(scheme="AUTO")
    obj.data.i2fet_key_map[INDEX["mouthSmileRight"]].keys = "Mouth_Smile_L"
    before, actions = checksum(user_only=True), len(blender.data.actions)
    with pytest.raises(GenerationError, match="'Mouth_Smile_L' plays mouthSmileLeft and mouthSmileRight"):
        _write(obj, _weights())
    assert checksum(user_only=True) == before and len(blender.data.actions) == actions


def test_table_saves_to_json_loads_on_another_head_and_survives_reopening_the_file(blender, tmp_path):
    first = _head(blender, CC4_KEYS, name="First")
    blender.ops.i2fet.key_map_fill(scheme="AUTO")
    first.data.i2fet_key_map[INDEX["mouthSmileLeft"]].keys = "V_Open"
    first.data.i2fet_key_map[INDEX["mouthClose"]].keys = "NotAKey"
    path = tmp_path / "mapping.json"
    assert blender.ops.i2fet.key_map_save(filepath=str(path)) == {"FINISHED"}
    saved = json.loads(path.read_text())
    assert saved["mouthSmileLeft"] == ["V_Open"] and saved["mouthPucker"] == list(CC4_KEYS[2:6])

    second = _head(blender, CC4_KEYS, name="Second")
    assert blender.ops.i2fet.key_map_load(filepath=str(path)) == {"FINISHED"}
    from i2fet_blender.head.key_map import key_map_for

    key_map = key_map_for(second)
    assert key_map.keys["mouthSmileLeft"] == ("V_Open",) and key_map.unknown == ("NotAKey",)
    assert "mouthClose" in key_map.missing

    blend = tmp_path / "heads.blend"
    blender.ops.wm.save_as_mainfile(filepath=str(blend))
    blender.ops.wm.read_factory_settings(use_empty=True)
    import addon_utils

    addon_utils.enable("i2fet_blender", default_set=True)
    blender.ops.wm.open_mainfile(filepath=str(blend))
    reopened = blender.data.objects["Second"]
    assert key_map_for(reopened).keys == key_map.keys
    assert reopened.data.i2fet_key_map_source == "mapping.json"
    blender.context.view_layer.objects.active = reopened
    assert blender.ops.i2fet.key_map_clear() == {"FINISHED"}
    assert key_map_for(reopened).source == "cc4_extended"


def test_generate_drives_a_cc4_head_end_to_end_and_the_panel_is_a_sub_panel(blender, checksum):
    from i2fet_blender.generate.pipeline import generate_on_object
    assert blender.types.I2FET_PT_key_map.bl_parent_id == "I2FET_PT_main"
    obj = _head(blender, CC4_KEYS)
    before = checksum(user_only=True)
    result = generate_on_object(obj, "a big smile", frames=30, frame_start=1, fps=30)
    assert result.created_keys == []
    smile = result.weights[:, INDEX["mouthSmileLeft"]]
    assert smile.max() > 0.2
    # the default keys are sparse Bézier keys within 0.01 of the motion at every frame (motion.keys)
    np.testing.assert_allclose(_curve(obj, "Mouth_Smile_L", 30), smile, atol=0.0101)
    assert checksum(user_only=True) == before


def test_panel_and_list_draw_the_resolution_and_the_rows(blender):
    from types import SimpleNamespace

    from i2fet_blender.ui.key_map_ui import I2FET_PT_key_map, I2FET_UL_key_map
    from tests.addon_helpers import RecordingLayout as _Layout

    obj = _head(blender, CC4_KEYS)
    log: list = []
    I2FET_PT_key_map.draw(SimpleNamespace(layout=_Layout(log)), blender.context)
    labels = [kwargs.get("text") for name, _, kwargs in log if name == "label"]
    assert "Character Creator 4 (Extended), detected: 12 of 52 channels" in labels
    assert not any(name == "template_list" for name, _, _ in log)  # no table yet: offered as "Edit as Table"
    blender.ops.i2fet.key_map_fill(scheme="AUTO")
    obj.data.i2fet_key_map[INDEX["mouthClose"]].keys = "NotAKey"
    log.clear()
    I2FET_PT_key_map.draw(SimpleNamespace(layout=_Layout(log)), blender.context)
    assert any(name == "template_list" for name, _, _ in log)
    assert any("NotAKey" in (kwargs.get("text") or "") for name, _, kwargs in log if name == "label")
    icons = {}
    for row in obj.data.i2fet_key_map:
        row_log: list = []
        I2FET_UL_key_map.draw_item(None, blender.context, _Layout(row_log), obj.data, row, 0, None, "")
        icons[row.name] = next(kwargs["icon"] for name, _, kwargs in row_log if name == "label")
    assert icons["mouthPucker"] == "CHECKMARK" and icons["mouthClose"] == "ERROR" and icons["tongueOut"] == "RADIOBUT_OFF"
