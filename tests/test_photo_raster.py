"""The numpy rasterizer: coverage, nearest-fragment depth test, back-face culling, interpolation."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_backend.photo.raster import interpolate, rasterize, sample_bilinear


def test_square_of_two_triangles_covers_its_pixels():
    xy = np.array([[2.0, 2.0], [12.0, 2.0], [12.0, 12.0], [2.0, 12.0]])
    tris = np.array([[0, 1, 2], [0, 2, 3]])
    frags = rasterize(xy, np.ones(4), tris, 16, 16)
    assert frags.mask.sum() == 100  # pixel centres 2.5 .. 11.5 in both axes
    assert frags.mask[2:12, 2:12].all()


def test_nearest_fragment_wins():
    xy = np.array([[0.0, 0.0], [20.0, 0.0], [0.0, 20.0]] * 2)
    depth = np.array([5.0, 5.0, 5.0, 2.0, 2.0, 2.0])
    frags = rasterize(xy, depth, np.array([[0, 1, 2], [3, 4, 5]]), 20, 20)
    covered = frags.triangle[frags.mask]
    assert set(covered.tolist()) == {1}
    assert np.allclose(frags.depth[frags.mask], 2.0)


def test_back_faces_are_culled_on_request():
    xy = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    front = np.array([[0, 2, 1]])  # clockwise on a y-down screen = counter-clockwise seen from outside
    back = np.array([[0, 1, 2]])
    assert rasterize(xy, np.ones(3), front, 10, 10, cull_back=True).mask.any()
    assert not rasterize(xy, np.ones(3), back, 10, 10, cull_back=True).mask.any()
    assert rasterize(xy, np.ones(3), back, 10, 10).mask.any()


def test_interpolation_reproduces_a_linear_attribute():
    xy = np.array([[0.0, 0.0], [32.0, 0.0], [0.0, 32.0]])
    frags = rasterize(xy, np.ones(3), np.array([[0, 1, 2]]), 32, 32)
    value = interpolate(frags, xy[:, :1], np.array([[0, 1, 2]]))[..., 0]
    columns = np.arange(32) + 0.5
    rows_mask = frags.mask
    assert np.allclose(value[rows_mask], np.broadcast_to(columns, (32, 32))[rows_mask], atol=1e-4)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-20, 60, allow_nan=False), min_size=6, max_size=6), st.integers(8, 48), st.integers(8, 48))
def test_any_triangle_stays_inside_the_image_and_its_bounds(coords, width, height):
    xy = np.array(coords).reshape(3, 2)
    frags = rasterize(xy, np.ones(3), np.array([[0, 1, 2]]), width, height)
    assert frags.triangle.shape == (height, width)
    rows, cols = np.nonzero(frags.mask)
    if len(rows):
        assert cols.min() + 0.5 >= xy[:, 0].min() - 1e-3 and cols.max() + 0.5 <= xy[:, 0].max() + 1e-3
        assert rows.min() + 0.5 >= xy[:, 1].min() - 1e-3 and rows.max() + 0.5 <= xy[:, 1].max() + 1e-3
        assert np.all(frags.barycentric[frags.mask] >= -1e-4)


def test_bilinear_sampling_at_pixel_centres_is_exact():
    image = np.arange(12, dtype=np.float32).reshape(3, 4, 1)
    points = np.array([[0.5, 0.5], [3.5, 2.5], [2.0, 1.5]])
    assert np.allclose(sample_bilinear(image, points)[:, 0], [0.0, 11.0, 5.5])
