"""Keyless teeth and eyes turn relative to the face, however the character stands (issue 12, whole characters).

The face's axes are read from the head itself (its landmarks, else its own ARKit keys), so a character turned to
face +X or lying on its back opens its jaw and moves its eyes exactly as the upright one does, turned with it.
Real bpy scenes built from the ICT face model (``tests.character_scene``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.character_scene import build_character, world_vertices

PROMPT = "she opens her mouth wide and looks down to her left"
FRAMES = 36
MOVERS = ("LowerTeeth", "EyeLeft", "EyeRight")
TURNS = {"facing +X": (0.0, 0.0, 90.0), "lying on its back": (-90.0, 0.0, 0.0), "tilted": (30.0, -20.0, 135.0)}


def _rotation(degrees) -> np.ndarray:
    from mathutils import Euler

    return np.array(Euler(np.radians(degrees), "XYZ").to_matrix(), np.float64)


def _turn(blender, rig, degrees) -> np.ndarray:
    rig.rotation_euler = np.radians(degrees)
    blender.context.view_layer.update()
    return _rotation(degrees)


def _store_template_landmarks(head, face_model) -> None:
    """The ICT template's own landmarks on the head built from it (mesh-local, as Fit Head stores them)."""
    from ml_backend.fitting.template import load_template

    from i2fet_blender.head.fit import store_landmarks

    store_landmarks(head, {name: face_model.neutral[v] for name, v in load_template().landmark_vertices.items()})


@settings(max_examples=80, deadline=None)
@given(angles=st.tuples(*(st.floats(-np.pi, np.pi) for _ in range(3))),
       up_lean=st.floats(-0.8, 0.8))
def test_a_frame_from_any_left_and_rough_up_is_the_turned_front_view(angles, up_lean):
    """Pure math: given the face's left and an up that leans sideways (toward the left or right), the frame is the
    turn itself (a rotation: orthonormal, right-handed) and carries front-view turns onto the face."""
    from scipy.spatial.transform import Rotation

    from i2fet_blender.head.face_frame import frame_from_axes

    turn = Rotation.from_euler("xyz", angles).as_matrix()
    left, _, up = turn.T
    frame = frame_from_axes(3.0 * left, up + up_lean * left, spread=1.0, source="test")
    np.testing.assert_allclose(frame.matrix, turn, atol=1e-9)
    assert np.isclose(np.linalg.det(frame.matrix), 1.0)
    pitch = Rotation.from_euler("x", 0.3).as_matrix()[None]
    np.testing.assert_allclose(frame.to_world(pitch)[0], turn @ pitch[0] @ turn.T, atol=1e-9)


def test_too_short_or_parallel_axes_give_no_frame():
    from i2fet_blender.head.face_frame import frame_from_axes

    assert frame_from_axes(np.array([1e-4, 0, 0]), np.array([0, 0, 1.0]), spread=1.0, source="test") is None
    assert frame_from_axes(np.array([1.0, 0, 0]), np.array([1.0, 0, 1e-4]), spread=1.0, source="test") is None
    assert frame_from_axes(np.array([np.nan, 0, 0]), np.array([0, 0, 1.0]), spread=1.0, source="test") is None


@pytest.mark.parametrize("turn", list(TURNS.values()), ids=list(TURNS))
def test_the_face_axes_are_read_from_landmarks_else_keys_and_turn_with_the_head(blender, face_model, turn):
    from i2fet_blender.head.face_frame import FRONT_VIEW, KEYS, LANDMARKS, face_frame

    parts = build_character(face_model, keyed=False)
    head = parts["Head"]
    upright = face_frame(head)
    assert upright.source == KEYS
    assert upright.left @ [1, 0, 0] > 0.99 and upright.up @ [0, 0, 1] > 0.99  # ICT in Blender's front view
    rotation = _turn(blender, parts["Rig"], turn)
    turned = face_frame(head)
    np.testing.assert_allclose(turned.matrix, rotation @ upright.matrix, atol=1e-6)
    _store_template_landmarks(head, face_model)
    by_landmarks = face_frame(head)
    assert by_landmarks.source == LANDMARKS
    assert by_landmarks.left @ (rotation @ [1, 0, 0]) > 0.999  # the eye corners and mouth corners: exact left
    assert by_landmarks.up @ (rotation @ [0, 0, 1]) > 0.97  # eyes above mouth and chin: leans ~10 degrees back,
    # which moves neither a pitch (about the exact left axis) nor the eyeballs' look in any visible way
    bare = build_character(face_model, keyed=False)["UpperTeeth"]  # no keys, no landmarks
    assert face_frame(bare).source == FRONT_VIEW


def test_a_mirrored_head_still_looks_forward(blender, face_model):
    """Bug found by test_character_bad_input's mirrored head: its left-named features sit on the world's right, and
    a right-handed frame built from them looked backwards, so its keyless eyes looked up when told to look down."""
    from i2fet_blender.head.face_frame import face_frame

    parts = build_character(face_model, keyed=False)
    head = parts["Head"]
    head.scale.x = -head.scale.x
    blender.context.view_layer.update()
    for frame in (face_frame(head), (_store_template_landmarks(head, face_model), face_frame(head))[1]):
        assert frame.forward @ [0, -1, 0] > 0.97 and frame.left @ [-1, 0, 0] > 0.99, frame.source
        assert np.linalg.det(frame.matrix) == pytest.approx(-1.0)


@pytest.mark.parametrize("without_jaw_key", [False, True], ids=["fitted hinge", "guessed hinge"])
@pytest.mark.parametrize("turn", list(TURNS.values()), ids=list(TURNS))
def test_keyless_teeth_and_eyes_move_with_the_face_however_the_character_stands(blender, face_model, turn,
                                                                                 without_jaw_key):
    """The same take on the same character, upright and turned: every keyless part ends where the upright one
    does, turned with the character. Before, the eyes pitched about the world's X axis (a character facing +X
    rolled its eyes instead of looking down) and a guessed jaw hinge turned about world X (its teeth swung
    sideways)."""
    from ml_backend.naming.arkit import INDEX

    from i2fet_blender.clips.edit import delete_clip
    from i2fet_blender.generate.pipeline import generate_on_object

    parts = build_character(face_model, keyed=False)
    if without_jaw_key:
        parts["Head"].data.shape_keys.key_blocks["jawOpen"].name = "MyJaw"
    scene = blender.context.scene
    first = generate_on_object(parts["Head"], PROMPT, FRAMES, 1, 24.0, seed=4)
    jaw = first.weights[:, INDEX["jawOpen"]]
    look = first.weights[:, [INDEX["eyeLookDownLeft"], INDEX["eyeLookOutLeft"]]].sum(axis=1)
    assert jaw.max() > 0.3 and look.max() > 0.2
    frames = sorted({int(np.argmax(jaw)) + 1, int(np.argmax(look)) + 1})
    rest = {name: world_vertices(parts[name]) for name in MOVERS}
    upright = {}
    for frame in frames:
        scene.frame_set(frame)
        upright[frame] = {name: world_vertices(parts[name]) for name in MOVERS}
    delete_clip(first.action)
    scene.frame_set(1)
    rotation = _turn(blender, parts["Rig"], turn)
    second = generate_on_object(parts["Head"], PROMPT, FRAMES, 1, 24.0, seed=4)
    np.testing.assert_allclose(second.weights, first.weights, atol=1e-6)  # the same take
    for frame in frames:
        scene.frame_set(frame)
        for name in MOVERS:
            moved = np.abs(upright[frame][name] - rest[name]).max()
            error = np.abs(world_vertices(parts[name]) - upright[frame][name] @ rotation.T).max()
            assert error < 1e-3 * max(moved, 1e-3), (name, frame, error, moved)
    scene.frame_set(int(np.argmax(jaw)) + 1)
    drop = (world_vertices(parts["LowerTeeth"]) - rest["LowerTeeth"] @ rotation.T) @ (rotation @ [0, 0, 1])
    assert drop.mean() < -0.002  # the jaw opens downward relative to the face (metres)
