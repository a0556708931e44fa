"""A transferred blink closes a head's open eyes, over the fitted eyeball (which lies behind its closed lid)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i2fet_tools.fitting.heads import compact, makehuman_head
from ml_backend.fitting import HeadPart, fit_head, transfer_expressions
from ml_backend.fitting.mesh import front_depths
from ml_backend.fitting.register import _eye_behind_lid, _eye_parts
from ml_backend.fitting.template import load_template
from ml_backend.naming.arkit import INDEX

EYE_CENTRES = (np.array([0.295, 7.265, 1.22]), np.array([-0.295, 7.265, 1.22]))  # MakeHuman head, decimetres, Y up
SIDES = ("Left", "Right")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("I2FET_CACHE", str(tmp_path))


def head_with_eye_holes() -> tuple[np.ndarray, np.ndarray]:
    """The MakeHuman head with its lid pockets cut away: each eye is an open hole through the surface."""
    vertices, triangles = makehuman_head()
    pocket = np.zeros(len(vertices), bool)
    for centre in EYE_CENTRES:
        pocket |= (np.linalg.norm(vertices[:, :2] - centre[:2], axis=1) < 0.3) & (vertices[:, 2] < centre[2] - 0.1)
    return compact(vertices, triangles, ~pocket)


def opening_rays(points: np.ndarray, triangles: np.ndarray, inner: np.ndarray, outer: np.ndarray) -> int:
    """Rays through the middle of an eye (looking down -Z) that pass the surface or reach far behind the corners."""
    width = float(np.linalg.norm(outer - inner))
    centre = (inner + outer) / 2
    ys = centre[1] + np.linspace(-0.6, 0.6, 49) * width
    count = 0
    for share in (0.35, 0.5, 0.65):
        depth = front_depths(points, triangles, float(inner[0] + share * (outer[0] - inner[0])), ys)
        count += int((depth < max(inner[2], outer[2]) - 0.3 * width).sum())
    return count


@pytest.fixture(scope="module")
def fitted_head():
    """Fitted without the cache (nothing is written), with its tear-checked transfer."""
    vertices, triangles = head_with_eye_holes()
    matrix = np.eye(4)
    matrix[:3, :3] = np.diag([0.1, 0.1, 0.1])  # decimetres in a Y-up scene
    fit = fit_head(HeadPart(vertices, triangles, matrix), use_cache=False)
    return vertices, triangles, fit, transfer_expressions(fit)


def in_template_space(vertices: np.ndarray, fit) -> tuple[np.ndarray, np.ndarray]:
    """The head's vertices in the template's frame, and the rotation that takes its offsets there."""
    to_template = fit.to_template[0]
    return vertices @ to_template[:3, :3].T + to_template[:3, 3], to_template[:3, :3]


def eye_corners(template, fit, side: str) -> tuple[np.ndarray, np.ndarray]:
    """The fitted template's inner and outer corner of one eye."""
    marks = template.landmark_vertices
    return fit.fitted[marks[f"eye_inner_{side.lower()}"]], fit.fitted[marks[f"eye_outer_{side.lower()}"]]


def test_the_holes_are_open_and_a_transferred_blink_closes_them(fitted_head):
    vertices, triangles, fit, transfer = fitted_head
    template = load_template()
    points, rotation = in_template_space(vertices, fit)
    for side in SIDES:
        inner, outer = eye_corners(template, fit, side)
        delta = transfer.deltas[0][INDEX[f"eyeBlink{side}"]] @ rotation.T
        assert transfer.checks[INDEX[f"eyeBlink{side}"]].flipped_after == 0
        open_rays = opening_rays(points, triangles, inner, outer)
        closed_rays = opening_rays(points + delta, triangles, inner, outer)
        assert open_rays >= 20, f"{side} eye: the cut head should have an open hole"
        assert closed_rays < 0.1 * open_rays, f"{side} eye: the blink leaves {closed_rays} of {open_rays} rays open"


def test_the_fitted_eyeball_lies_behind_the_closed_lid_of_the_template_and_of_the_head(fitted_head):
    """The fitted template's eyeball must not poke through a closed lid (it did: the lids were fitted back, the ball
    followed the socket behind it, and the read saw the pupil through the head's blink)."""
    vertices, triangles, fit, transfer = fitted_head
    template = load_template()
    points, rotation = in_template_space(vertices, fit)
    for side in SIDES:
        _, cornea = _eye_parts(template, template.neutral, side)
        assert _eye_behind_lid(template, fit.fitted, cornea, side) >= _eye_behind_lid(template, template.neutral, cornea, side) - 1e-6
        inner, outer = eye_corners(template, fit, side)
        closed = points + transfer.deltas[0][INDEX[f"eyeBlink{side}"]] @ rotation.T
        centre, width = (inner + outer) / 2, float(np.linalg.norm(outer - inner))
        ys = centre[1] + np.linspace(-0.15, 0.15, 7) * width
        for share in (0.4, 0.5, 0.6):
            x = float(inner[0] + share * (outer[0] - inner[0]))
            lid, ball = front_depths(closed, triangles, x, ys), front_depths(fit.fitted, cornea, x, ys)
            seen = np.isfinite(ball)
            assert seen.any() and np.all(lid[seen] > ball[seen]), f"{side} eye: the eyeball shows through the closed lid"


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 30))
def test_front_depths_is_the_nearest_surface_along_each_ray(seed, count):
    """Against a brute-force ray-plane intersection per triangle."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-1, 1, (3 * count, 3))
    triangles = np.arange(3 * count).reshape(count, 3)
    ys = rng.uniform(-1, 1, 9)
    x = float(rng.uniform(-0.5, 0.5))
    result = front_depths(points, triangles, x, ys)
    for y, got in zip(ys, result):
        best = -np.inf
        for a, b, c in points[triangles]:
            matrix = np.array([[b[0] - a[0], c[0] - a[0]], [b[1] - a[1], c[1] - a[1]]])
            if abs(np.linalg.det(matrix)) < 1e-9:
                continue
            u, v = np.linalg.solve(matrix, [x - a[0], y - a[1]])
            if u >= -1e-9 and v >= -1e-9 and u + v <= 1 + 1e-9:
                best = max(best, a[2] + u * (b[2] - a[2]) + v * (c[2] - a[2]))
        assert got == pytest.approx(best, abs=1e-6) or (got == -np.inf and best == -np.inf)


def test_an_eye_poking_out_of_its_closed_lid_moves_back_only_where_the_head_opens():
    """An identity that puts the balls 0.4 cm forward of the lids (as the MakeHuman head's did): over an open socket
    each ball moves back behind its closed lid; over a carved (flat) eye it stays."""
    from scipy.spatial import Delaunay

    from ml_backend.fitting.register import LID_CLEARANCE, UserSurface, _carry_inner, _eye_open, _eye_width

    template = load_template()
    start = template.neutral.copy()
    for side in SIDES:
        start[_eye_parts(template, template.neutral, side)[0], 2] += 0.4
    fitted = start.copy()
    skin = template.skin_vertices
    opened = UserSurface.build(fitted[skin], template.skin_local_triangles, 1.0)
    grid = np.stack(np.meshgrid(np.linspace(-8, 8, 33), np.linspace(-2, 8, 21)), -1).reshape(-1, 2)
    carved = UserSurface.build(np.column_stack([grid, np.full(len(grid), 9.5)]), Delaunay(grid).simplices, 1.0)
    moved, kept = _carry_inner(template, start, fitted, opened), _carry_inner(template, start, fitted, carved)
    plain = _carry_inner(template, start, fitted)
    for side in SIDES:
        parts, cornea = _eye_parts(template, start, side)
        assert _eye_open(template, fitted, opened, side) and not _eye_open(template, fitted, carved, side)
        neutral_gap = _eye_behind_lid(template, template.neutral, cornea, side)
        assert _eye_behind_lid(template, plain, cornea, side) < neutral_gap - 0.1  # the ball pokes out of the lid
        clearance = LID_CLEARANCE * _eye_width(template, moved, side)  # a little behind the neutral's closed lid
        assert _eye_behind_lid(template, moved, cornea, side) == pytest.approx(neutral_gap + clearance, abs=0.02)
        assert np.array_equal(kept[parts], plain[parts])
