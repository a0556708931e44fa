"""Bulging eyes: the fit brings the template's eye regions forward to the head's lids, and the blink closes the head's eye."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i2fet_tools.fitting.heads import Y_UP_TO_Z_UP, _matrix, makehuman_head, stylise
from ml_backend.fitting import HeadPart, fit_head, transfer_expressions
from ml_backend.fitting.eye_region import REACH, EyeWarp, eye_centre, measure_eye_warp
from ml_backend.fitting.mesh import front_depths
from ml_backend.fitting.register import _eye_parts
from ml_backend.fitting.rims import find_openings
from ml_backend.fitting.template import LANDMARK_NAMES, load_template
from ml_backend.fitting.transfer import template_expression_deltas
from ml_backend.naming.arkit import INDEX

SIDES = ("Left", "Right")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("I2FET_CACHE", str(tmp_path))


def _warp(template, vertices: np.ndarray, push: float) -> EyeWarp:
    """Both eye regions moved ``push`` eye widths forward."""
    centres = [eye_centre(template, vertices, side) for side in SIDES]
    return EyeWarp(np.array([c for c, _ in centres]), np.array([push * w for _, w in centres]),
                   np.array([REACH * w for _, w in centres]))


def ball_seen(template, points: np.ndarray, triangles: np.ndarray, fitted: np.ndarray, side: str) -> int:
    """Front-view samples over one eye where the fitted eyeball is the nearest surface (not covered by the head)."""
    _, cornea = _eye_parts(template, fitted, side)
    marks = template.landmark_vertices
    inner, outer = fitted[marks[f"eye_inner_{side.lower()}"]], fitted[marks[f"eye_outer_{side.lower()}"]]
    width, centre = float(np.linalg.norm(outer - inner)), (inner + outer) / 2
    ys = centre[1] + np.linspace(-0.45, 0.45, 19) * width
    seen = 0
    for x in centre[0] + np.linspace(-0.45, 0.45, 19) * width:
        ball, skin = front_depths(fitted, cornea, float(x), ys), front_depths(points, triangles, float(x), ys)
        seen += int((np.isfinite(ball) & (skin < ball)).sum())
    return seen


@pytest.fixture(scope="module")
def stylised():
    """The evaluation's stylised head (the MakeHuman head with 1.5x eye regions), fitted and transferred."""
    vertices, triangles = makehuman_head()
    part = HeadPart(stylise(vertices), triangles, _matrix(Y_UP_TO_Z_UP, 0.1), name="stylised")
    fit = fit_head(part, use_cache=False)
    return part, fit, transfer_expressions(fit)


def test_the_stylised_heads_blink_closes_its_big_eyes(stylised):
    """The template's lid stayed tucked behind the head's bulging lid, the head's lid bound to skin that does not
    move in a blink, and the blink left 63% of the eyeball in view; now the eye regions come forward (about 20-30%)."""
    part, fit, transfer = stylised
    template = load_template()
    matrix = fit.to_template[0]
    points = np.asarray(part.vertices, np.float64) @ matrix[:3, :3].T + matrix[:3, 3]
    assert np.all(EyeWarp.from_array(fit.eye_warp).in_eye_widths() > 0.08)
    assert any("forward before the fit" in note for note in fit.notes)
    for side in SIDES:
        k = INDEX[f"eyeBlink{side}"]
        closed = points + transfer.deltas[0][k].astype(np.float64) @ matrix[:3, :3].T
        before = ball_seen(template, points, part.triangles, fit.fitted, side)
        after = ball_seen(template, closed, part.triangles, fit.fitted, side)
        assert before > 50, f"{side} eye: the open eye should show its ball"
        assert after < 0.4 * before, f"{side} eye: the blink leaves {after} of {before} samples of the ball in view"
        assert transfer.checks[k].flipped_after == 0


def test_the_eye_scaling_is_cached_with_the_fit(stylised, tmp_path):
    from ml_backend.fitting.fit import _load, _save

    _, fit, transfer = stylised
    _save(tmp_path / "fit.npz", fit)
    again = _load(tmp_path / "fit.npz")
    assert again.from_cache and np.array_equal(again.eye_warp, fit.eye_warp)
    assert np.allclose(transfer_expressions(again, repair=False).deltas[0], transfer_expressions(fit, repair=False).deltas[0])


def _measured(template, warp: EyeWarp) -> EyeWarp:
    """The move measured on a head made of the template's own skin moved by ``warp``."""
    vertices = template.neutral
    head = warp.apply(vertices)
    ids = np.unique(template.skin_triangles)
    remap = np.full(len(vertices), -1)
    remap[ids] = np.arange(len(ids))
    corners = dict(zip(LANDMARK_NAMES, template.landmark_points(head)))
    openings, _, _ = find_openings(template, vertices, head[ids], remap[template.skin_triangles], corners)
    return measure_eye_warp(template, vertices, tuple(openings))


@pytest.mark.parametrize("push", [0.0, 0.1, 0.2])
def test_an_eye_region_moved_forward_from_the_template_is_measured_back(push):
    template = load_template()
    measured = _measured(template, _warp(template, template.neutral, push))
    assert len(measured.pushes) == 2
    assert np.allclose(measured.in_eye_widths(), push, atol=0.03)


def test_one_eye_alone_standing_forward_moves_neither():
    """A coarse remesh's ragged rim read one eye of an ICT identity as 0.18 eye widths forward; faces bulge alike."""
    template = load_template()
    warp = _warp(template, template.neutral, 0.2)
    one_eye = EyeWarp(warp.centres, np.array([warp.pushes[0], 0.0]), warp.reach)
    assert not _measured(template, one_eye).moves


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 0.4), st.integers(0, 2**31 - 1))
def test_the_eye_move_never_folds_space_and_fades_away_from_the_eye(push, seed):
    template = load_template()
    warp = _warp(template, template.neutral, push)
    rng = np.random.default_rng(seed)
    points = warp.centres[0] + rng.normal(0.0, 1.5 * warp.reach[0], (20, 3))
    step = 1e-4
    jacobian = np.stack([(warp.apply(points + step * e) - warp.apply(points - step * e)) / (2 * step) for e in np.eye(3)], -1)
    assert np.all(np.linalg.det(jacobian) > 0)
    moved = warp.apply(points) - points
    assert np.allclose(moved[:, :2], 0.0) and np.all(moved[:, 2] >= 0) and np.all(moved[:, 2] <= warp.pushes.max() + 1e-12)
    far = warp.centres[0] + np.array([0.0, 0.0, 6.0]) * warp.reach[0]
    assert warp.apply(far[None])[0, 2] - far[2] < 1e-6
    assert np.array_equal(_warp(template, template.neutral, 0.0).apply(points), points)


def test_the_expressions_are_carried_through_the_eye_move():
    """Carried deltas are warp(v + d) - warp(v) (without a move, the template's own)."""
    template = load_template()
    vertices = template.neutral
    warp = _warp(template, vertices, 0.2)
    plain = template_expression_deltas(template, vertices, vertices)
    moved = template_expression_deltas(template, warp.apply(vertices), vertices, warp)
    assert np.allclose(plain, template.model.deltas, atol=1e-6)
    k = INDEX["eyeBlinkLeft"]
    lid = np.argsort(-np.linalg.norm(template.model.deltas[k], axis=1))[:20]
    expected = warp.apply(vertices[lid] + template.model.deltas[k][lid]) - warp.apply(vertices[lid])
    assert np.allclose(moved[k][lid], expected, atol=1e-5)
    assert not np.allclose(moved[k][lid], plain[k][lid], atol=1e-3)
