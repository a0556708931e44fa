"""The any-head evaluation's whole character: separate keyless eye, teeth and tongue meshes that the add-on moves.

The evaluation's character goes through the product's own steps (Fit Head, the character's parts, the
generation's writer) and the read renders what Blender then shows: these tests hold each of those to what a
user's character must get: keyless parts, teeth that drop with jawOpen, eyes that turn with eyeLook about their
own centres, the upper teeth left alone, and the character's own eyes and teeth in the read's render.
"""

from __future__ import annotations

import numpy as np
import pytest

from i2fet_tools.fitting.heads import CHARACTER_PARTS, character_head
from ml_backend.naming.arkit import ARKIT_NAMES, INDEX

LEFT_EYE, RIGHT_EYE, UPPER, LOWER, TONGUE = CHARACTER_PARTS


def _weights(**channels: float) -> np.ndarray:
    vector = np.zeros(len(ARKIT_NAMES))
    for name, value in channels.items():
        vector[INDEX[name]] = value
    return vector


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """The evaluation's character in a fresh Blender after Fit Head, with three poses written as one clip and
    evaluated: rest, the jaw wide open, both eyes looking down and out to the left (fitted once for the module)."""
    from i2fet_tools.fitting.character import start_blender

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("I2FET_CACHE", str(tmp_path_factory.mktemp("cache")))
        start_blender()
        yield _fitted_character()
    import addon_utils  # importable once bpy is

    addon_utils.disable("i2fet_blender")


def _fitted_character():
    from i2fet_tools.fitting.character import build_character, fit_character, pose_character, roles, world_to_template

    head = character_head()
    scene = build_character(head)
    fit, _, _ = fit_character(scene)
    poses = np.array([_weights(), _weights(jawOpen=1.0),
                      _weights(eyeLookDownLeft=0.8, eyeLookDownRight=0.8, eyeLookOutLeft=0.6, eyeLookInRight=0.6)])
    found = roles(scene)
    posed = pose_character(scene, poses)
    to_template = world_to_template(scene, fit)
    framed = [{name: p @ to_template[:3, :3].T + to_template[:3, 3] for name, p in pose.items()} for pose in posed]
    return head, scene, fit, found, framed


def test_the_character_has_separate_keyless_parts_and_the_add_on_finds_what_each_does(fitted):
    from i2fet_blender.head.character import EYE_LEFT, EYE_RIGHT, JAW

    head, scene, _, found, _ = fitted
    assert set(scene.parts) == set(CHARACTER_PARTS)
    for name, obj in scene.parts.items():
        assert obj.data.shape_keys is None, name  # Fit Head keyed the head alone
        assert obj.parent is scene.head.parent and obj is not scene.head
    keys = scene.head.data.shape_keys.key_blocks
    assert "jawOpen" in keys and "eyeLookDownLeft" in keys
    assert found == {LEFT_EYE: EYE_LEFT, RIGHT_EYE: EYE_RIGHT, LOWER: JAW, TONGUE: JAW}  # upper teeth stay


def test_the_lower_teeth_and_tongue_drop_with_jawopen_and_the_upper_teeth_stay(fitted):
    _, _, _, _, poses = fitted
    rest, jaw, looks = poses
    for name in (LOWER, TONGUE):
        shift = jaw[name] - rest[name]
        assert shift[:, 1].mean() < -0.5, (name, shift.mean(0))  # template frame, centimetres: the chin's way
        assert np.abs(looks[name] - rest[name]).max() < 1e-4  # the gaze leaves the jaw alone
    np.testing.assert_allclose(jaw[UPPER], rest[UPPER], atol=1e-4)
    np.testing.assert_allclose(jaw[LEFT_EYE], rest[LEFT_EYE], atol=1e-4)


def test_the_eyes_turn_down_and_to_the_left_about_their_own_centres(fitted):
    _, _, _, _, poses = fitted
    rest, _, looks = poses
    for name in (LEFT_EYE, RIGHT_EYE):
        before, after = rest[name], looks[name]
        pivot = (before.min(0) + before.max(0)) / 2
        np.testing.assert_allclose(np.linalg.norm(after - pivot, axis=1), np.linalg.norm(before - pivot, axis=1),
                                   atol=1e-4)  # a rigid turn about the eyeball's centre, not a move
        front = np.argmax(before[:, 2])  # the pupil's pole: the eye looks along +Z in the template frame
        turn = after[front] - before[front]
        assert turn[1] < -0.1, (name, turn)  # down
        assert turn[0] > 0.05, (name, turn)  # toward the subject's left (+X)


def test_the_read_renders_the_characters_own_eyes_and_teeth(fitted):
    from ml_backend.fitting.template import load_template

    from i2fet_tools.fitting.readback import (LIGHTS, SCLERA, TEETH, TONGUE as TONGUE_COLOUR, Eyes, camera,
                                              character_stage, render, stage)

    head, _, fit, found, poses = fitted
    rest, jaw, _ = poses
    template = load_template()
    meshes = {p.name: p for p in head.parts}
    triangles = np.asarray(head.part.triangles)
    dressed = character_stage(rest["Head"], triangles, fit.fitted, template,
                              [(rest[n], meshes[n].triangles, side) for side, n in enumerate((LEFT_EYE, RIGHT_EYE))],
                              [(rest[n], meshes[n].triangles, TONGUE_COLOUR if n == TONGUE else TEETH)
                               for n in (UPPER, LOWER, TONGUE)])
    bare = stage(rest["Head"], triangles, fit.fitted, template, Eyes(np.zeros(0, int), np.zeros((0, 3), int),
                                                                       np.zeros(0, int)))
    view = camera(dressed, 0.0, 0.0)
    light, ambient = LIGHTS[0]

    def whites(image: np.ndarray) -> int:  # sclera or teeth: bright and grey, unlike skin
        pixels = image.reshape(-1, 3).astype(float)
        return int(((pixels.min(1) > 0.55 * SCLERA.min()) & (np.ptp(pixels, axis=1) < 40)).sum())

    assert whites(render(bare, rest["Head"], view, light, ambient)) == 0
    assert whites(render(dressed, rest["Head"], view, light, ambient)) > 50  # the eyeballs show
    open_mouth = (np.concatenate([jaw[LEFT_EYE], jaw[RIGHT_EYE]]), np.concatenate([jaw[n] for n in (UPPER, LOWER, TONGUE)]))
    shown = render(dressed, jaw["Head"], view, light, ambient, open_mouth)
    tongue = np.abs(shown.reshape(-1, 3).astype(float) - TONGUE_COLOUR * 0.5).max(1) < 45
    assert whites(shown) > 50 and tongue.any()  # eyes, and the mouth's own parts through the open jaw
