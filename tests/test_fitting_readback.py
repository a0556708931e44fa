"""The any-head evaluation's read-back renders: a face a face reader can read (eyes, a dark open mouth, framing)."""

from __future__ import annotations

import numpy as np
import pytest

from i2fet_tools.fitting.eval_heads import EXPRESSIONS, skin_head, weights
from i2fet_tools.fitting.readback import (IRIS, PUPIL, SCLERA, camera, carved_shut, eye_colours, read_pose, render, stage,
                                          template_eyes)
from ml_backend.fitting.template import load_template
from ml_backend.naming.arkit import INDEX


@pytest.fixture(scope="module")
def default_stage():
    template = load_template()
    eyes = template_eyes(template)
    ids, points, triangles = skin_head(template, template.neutral)
    return template, eyes, ids, points, stage(points, triangles, template.neutral, template, eyes)


def test_the_template_has_two_eyeballs_coloured_pupil_iris_and_white(default_stage):
    template, eyes, *_ = default_stage
    assert set(np.unique(eyes.side)) == {0, 1} and eyes.triangles.max() < len(eyes.ids)
    balls = template.neutral[eyes.ids]
    assert (balls[eyes.side == 0, 0] > 0).all() and (balls[eyes.side == 1, 0] < 0).all()  # left is +X
    for side in (0, 1):
        ball = balls[eyes.side == side]
        centre, pole = ball.mean(0), ball[np.argmax(ball[:, 2])]
        radius = np.linalg.norm(pole - centre)
        probes = np.array([pole, centre + radius * np.array([0.0, np.sin(0.3), np.cos(0.3)]),
                           centre + radius * np.array([np.sin(1.2), 0.0, np.cos(1.2)])])
        colours = eye_colours(eyes, balls, probes, np.full(3, side))
        np.testing.assert_array_equal(colours, [PUPIL, IRIS, SCLERA])


def test_a_render_shows_dark_eyes_in_the_face_and_a_dark_gap_when_the_jaw_opens(default_stage):
    template, eyes, ids, points, dressed = default_stage
    view = camera(dressed, 0.0, 0.0)
    closed = render(dressed, points, view, np.array([0.0, 0.3, 1.0]), 0.3).astype(float)
    opened_points = points + 0.8 * template.model.deltas[INDEX["jawOpen"], ids]
    opened = render(dressed, opened_points, view, np.array([0.0, 0.3, 1.0]), 0.3).astype(float)
    pixels, _ = view.project(template.neutral[eyes.ids])
    near_pupil = pixels[np.argmax(template.neutral[eyes.ids][:, 2])].astype(int)
    assert closed[near_pupil[1], near_pupil[0]].sum() < 120  # a dark pupil where the eye looks out
    mouth = template.neutral[template.landmark_vertices["mouth_corner_left"]] + \
        template.neutral[template.landmark_vertices["mouth_corner_right"]]
    centre, _ = view.project((mouth / 2)[None])
    x, y = centre[0].astype(int)
    dark_open, dark_closed = ((image[y - 10:y + 20, x - 12:x + 12].sum(2) < 200).mean() for image in (opened, closed))
    assert dark_open > 0.25 and dark_closed < 0.05  # the inside of the open mouth, not the lips, is dark
    assert 0.4 < (closed.sum(2) != closed[0, 0].sum()).mean() < 0.9  # the head framed, background around it


def test_the_reader_sees_the_default_head_smile(default_stage):
    from ml_backend.fitting.detection import detector_available

    if not detector_available():
        pytest.skip("MediaPipe's face landmarker model is not available here")
    template, _, ids, points, dressed = default_stage
    neutral, _ = read_pose(dressed, points, ((0.0, 0.0),))
    smile = points + np.tensordot(weights(EXPRESSIONS["smile"]), template.model.deltas[:, ids].astype(np.float64), axes=1)
    smiling, _ = read_pose(dressed, smile, ((0.0, 0.0),))
    assert np.isfinite(neutral).all() and np.isfinite(smiling).all()
    both = [INDEX["mouthSmileLeft"], INDEX["mouthSmileRight"]]
    assert (smiling[both] - neutral[both]).min() > 0.2


def test_an_eye_carved_shut_gets_no_eyeball_and_an_open_one_keeps_it(default_stage):
    """Surface just behind the eyeball's front is a carved eye (a statue's); the socket far behind is an open eye."""
    template, eyes, *_ = default_stage
    balls = template.neutral[eyes.ids]
    ball = balls[eyes.side == 0]
    pole = ball[np.argmax(ball[:, 2])]
    square = np.array([[-1.0, -1.0, 0.0], [1.0, -1.0, 0.0], [1.0, 1.0, 0.0], [-1.0, 1.0, 0.0]])
    quad = np.array([[0, 1, 2], [0, 2, 3]])
    for depth, carved in ((-0.4, True), (-3.0, False), (0.3, False)):  # behind the front, the socket, in front
        sheet = square + pole + np.array([0.0, 0.0, depth])
        assert carved_shut(sheet, quad, ball) == carved
        dressed = stage(sheet, quad, template.neutral, template, eyes)
        assert (0 in dressed.eyes.side) == (not carved) and 1 in dressed.eyes.side  # the other eye is not covered
