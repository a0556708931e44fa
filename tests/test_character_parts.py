"""Finding a character's parts and the follower math: which meshes a generation drives or turns, the jaw hinge
recovered from a rigid motion, and eye rotations read back from the eyeLook weights they produce."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.character_scene import _faces_of, build_character, build_part

angles = st.floats(min_value=0.05, max_value=1.2)
unit = st.floats(min_value=-1.0, max_value=1.0)


@settings(max_examples=60, deadline=None)
@given(ax=unit, ay=unit, az=unit, angle=angles, px=unit, py=unit, pz=unit, seed=st.integers(0, 2**16))
def test_the_hinge_of_a_rigid_turn_is_recovered(ax, ay, az, angle, px, py, pz, seed):
    from i2fet_blender.io.followers import axis_angle_matrices, hinge_from_motion, pivot_matrices, rigid_fit

    axis = np.array([ax, ay, az])
    if np.linalg.norm(axis) < 0.1:
        axis = np.array([1.0, 0.0, 0.0])
    axis /= np.linalg.norm(axis)
    pivot = np.array([px, py, pz])
    points = np.random.default_rng(seed).normal(size=(40, 3))
    turn = pivot_matrices(axis_angle_matrices(axis, np.array([angle])), pivot)[0]
    moved = points @ turn[:3, :3].T + turn[:3, 3]
    rotation, translation = rigid_fit(points, moved)
    hinge = hinge_from_motion(rotation, translation, points.mean(axis=0), "test")
    assert abs(hinge.angle - angle) < 1e-6
    assert np.allclose(hinge.axis, axis, atol=1e-6)
    again = pivot_matrices(axis_angle_matrices(hinge.axis, np.array([hinge.angle])), hinge.pivot)[0]
    assert np.allclose(points @ again[:3, :3].T + again[:3, 3], moved, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(yaw=st.floats(-0.5, 0.5), pitch=st.floats(-0.5, 0.5))
def test_eye_rotations_read_back_from_the_eyelook_weights_they_make(yaw, pitch):
    """The backend makes eyeLook weights as gain x rotation (rounded within 0.02 rad of the centre); the follower
    reads the rotation back as weight / gain, from the eyeLook channels only (the model also couples the blinks
    to the pitch: found by this test)."""
    from ml_backend.motion.gaze import look_weights
    from ml_backend.motion.performance_model import load_performance_model
    from ml_backend.naming.arkit import ARKIT_NAMES

    from i2fet_blender.io.followers import eye_rotations_from_looks

    gains = load_performance_model().eye_look
    rotations = np.zeros((1, 9))
    rotations[0, [3, 6]], rotations[0, [4, 7]] = yaw, pitch
    weights = look_weights(rotations, gains, 1)
    looks = [i for i, name in enumerate(ARKIT_NAMES) if name.startswith("eyeLook")]
    if np.abs(weights[:, looks]).max() >= 1.0:  # a weight clipped at 1 no longer says the whole rotation
        return
    eyes = eye_rotations_from_looks(weights, gains, ARKIT_NAMES)
    for column, value in ((0, yaw), (1, pitch), (3, yaw), (4, pitch)):
        if abs(value) > 0.05:
            assert abs(eyes[0, column] - value) < 1e-6


def test_the_character_is_found_through_parents_and_armature_modifiers(blender, face_model):
    from i2fet_blender.head.character import EYE_LEFT, EYE_RIGHT, JAW, KEYS, find_character

    parts = build_character(face_model, keyed=False)
    bound = build_part("Brows", face_model, _faces_of(face_model, ("M_EyeLashes",)), True)  # not parented:
    bound.modifiers.new("Armature", "ARMATURE").object = parts["Rig"]  # bound by an Armature modifier
    both_rows = build_part("Teeth", face_model, _faces_of(face_model, ("M_Teeth",)), False, parts["Rig"])
    parts["EyeLeft"].name, parts["EyeRight"].name = "Eyeball", "Eyeball.001"  # no side in the names
    stranger = build_part("OtherHead", face_model, _faces_of(face_model, ("M_Face",)), True)  # not in the rig
    character = find_character(parts["Head"])
    roles = {p.object_name: p.role for p in character.parts}
    assert roles == {"Brows": KEYS, "LowerTeeth": JAW, "Eyeball": EYE_LEFT, "Eyeball.001": EYE_RIGHT}
    assert any("'Teeth' holds both rows" in note for note in character.notes)
    assert stranger.name not in roles and "UpperTeeth" not in roles and both_rows.name not in roles


def test_the_naming_of_parts(blender, face_model):
    from i2fet_blender.head.character import EYE_LEFT, EYE_RIGHT, JAW, follower_role

    head = build_part("Head", face_model, _faces_of(face_model, ("M_Face",)), False)
    eye = build_part("x", face_model, _faces_of(face_model, ("M_ScleraLeft",)), False)
    expected = {"Eye_L": EYE_LEFT, "eye.R": EYE_RIGHT, "RightEyeball": EYE_RIGHT, "CC_Base_Eye_Left": EYE_LEFT,
                "Eyelashes": None, "EyeOcclusion_L": None, "Brow_L": None, "LowerTeeth": JAW, "teeth_lower": JAW,
                "Tongue": JAW, "UpperTeeth": None, "Teeth": None, "Jaw": JAW, "Body": None}
    for name, role in expected.items():
        eye.name = name
        assert follower_role(eye, head) == role, name


def test_a_keyed_eye_turns_only_when_its_own_eyelook_keys_leave_it_still(blender, face_model):
    from i2fet_blender.head.character import EYE_LEFT, KEYS, find_character

    parts = build_character(face_model, keyed=True)

    def roles() -> list[tuple[str, str]]:
        return sorted((p.object_name, p.role) for p in find_character(parts["Head"]).parts)

    assert ("EyeLeft", EYE_LEFT) in roles() and ("EyeLeft", KEYS) in roles()  # the model's eyeLook keys are still
    block = parts["EyeLeft"].data.shape_keys.key_blocks["eyeLookDownLeft"]
    coords = np.empty(len(block.data) * 3, np.float32)
    block.data.foreach_get("co", coords)
    coords[2::3] -= 0.5  # now the key itself turns the eye down
    block.data.foreach_set("co", coords)
    assert ("EyeLeft", EYE_LEFT) not in roles() and ("EyeLeft", KEYS) in roles()


def test_a_blink_does_not_turn_the_eyes():
    """Bug found by the property test above: the model couples eyeBlink to the pitch column too; reading it back
    made every blink roll the eyeballs down."""
    from ml_backend.motion.performance_model import load_performance_model
    from ml_backend.naming.arkit import ARKIT_NAMES, INDEX

    from i2fet_blender.io.followers import eye_rotations_from_looks

    weights = np.zeros((1, 52))
    weights[0, [INDEX["eyeBlinkLeft"], INDEX["eyeBlinkRight"]]] = 1.0
    assert not eye_rotations_from_looks(weights, load_performance_model().eye_look, ARKIT_NAMES).any()


def test_the_panels_offer_whole_character_and_mute(blender):
    from types import SimpleNamespace

    from i2fet_blender.ui.panels import I2FET_PT_clips, I2FET_PT_main
    from tests.addon_helpers import RecordingLayout

    log: list = []
    for panel in (I2FET_PT_main, I2FET_PT_clips):
        panel.draw(SimpleNamespace(layout=RecordingLayout(log)), blender.context)
    assert any(name == "prop" and args[1] == "whole_character" for name, args, _ in log)
    assert [args[0] for name, args, _ in log if name == "operator" and args[0] == "i2fet.mute_clip"] == \
        ["i2fet.mute_clip"] * 2  # Mute and Unmute
    assert blender.context.scene.i2fet.whole_character  # on by default


def test_the_panel_lists_each_part_and_what_generate_will_do_with_it(blender, face_model):
    """The plan the Character Parts panel shows (``generate.parts.character_plan``) is what Generate then does:
    keyed parts play the clip, lower teeth follow the jaw, eyes turn by eyeLook, the rest is left alone with why."""
    from types import SimpleNamespace

    from i2fet_blender.generate.parts import IGNORED, TARGET, character_plan
    from i2fet_blender.generate.pipeline import generate_on_object
    from i2fet_blender.generate.request import motion_targets
    from i2fet_blender.head.character import EYE_LEFT, EYE_RIGHT, JAW, KEYS
    from i2fet_blender.ui.panels import I2FET_PT_character
    from tests.addon_helpers import RecordingLayout

    parts = build_character(face_model, keyed=False)
    build_part("Lashes", face_model, _faces_of(face_model, ("M_EyeLashes",)), False, parts["Rig"])
    build_part("Brows", face_model, _faces_of(face_model, ("M_EyeLashes",)), True, parts["Rig"])
    lines, axes = character_plan(parts["Head"])
    said = {line.object_name: (line.kind, line.text) for line in lines}
    assert {name: kind for name, (kind, _) in said.items()} == {
        "Head": KEYS, "Brows": KEYS, "LowerTeeth": JAW, "EyeLeft": EYE_LEFT, "EyeRight": EYE_RIGHT,
        "UpperTeeth": IGNORED, "Lashes": IGNORED}
    assert "hinge of the head's jawOpen key" in said["LowerTeeth"][1]
    assert "upper teeth" in said["UpperTeeth"][1] and "not named as lower teeth" in said["Lashes"][1]
    assert axes == "from the head's own ARKit keys"

    log: list = []
    I2FET_PT_character.draw(SimpleNamespace(layout=RecordingLayout(log)), blender.context)
    shown = [kwargs.get("text", "") for name, _, kwargs in log if name == "label"]
    assert all(name in shown for name in said) and any(axes in text for text in shown)

    result = generate_on_object(parts["Head"], "she opens her mouth and looks left", 24, 1, 24.0)
    assert set(result.parts) == {"Brows"}
    assert set(result.moved) == {name for name, (kind, _) in said.items() if kind in (JAW, EYE_LEFT, EYE_RIGHT)}

    settings = blender.context.scene.i2fet
    settings.eye_left = parts["Rig"]  # the panel's left-eye target turns instead of the keyless eyeball
    lines, _ = character_plan(parts["Head"], True, motion_targets(settings))
    assert {line.object_name: line.kind for line in lines}["EyeLeft"] == TARGET
    parts["Head"].data.shape_keys.key_blocks["jawOpen"].name = "MyJaw"
    lines, _ = character_plan(parts["Head"], False)
    assert [line.object_name for line in lines] == ["Head"]  # Whole Character off: the head alone
    lines, _ = character_plan(parts["Head"])
    assert "guessed from the head's bounds" in {line.object_name: line.text for line in lines}["LowerTeeth"]
