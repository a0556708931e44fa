"""The photo fit's faster paths compute what the plain formulas do: the free-form correction evaluated in
blocks, and bilinear sampling that converts only the samples (not the whole photo) to float."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_backend.photo.fit import _gaussian_rbf
from ml_backend.photo.raster import sample_bilinear


def _dense_rbf(points: np.ndarray, centres: np.ndarray, coefficients: np.ndarray, sigma: float) -> np.ndarray:
    squared = ((points[:, None].astype(np.float64) - centres[None]) ** 2).sum(-1)
    return np.exp(-squared / (2 * sigma ** 2)) @ coefficients


@settings(max_examples=60, deadline=None)
@given(points=st.integers(1, 300), centres=st.integers(1, 40), rows=st.integers(1, 64), sigma=st.floats(0.3, 5.0),
       seed=st.integers(0, 2 ** 31))
def test_blocked_rbf_equals_the_dense_formula(points, centres, rows, sigma, seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(-10, 10, (points, 3))
    c = rng.uniform(-6, 6, (centres, 3))
    coefficients = rng.normal(size=(centres, 3))
    got = _gaussian_rbf(p, c, coefficients, sigma, rows=rows)
    assert got.shape == (points, 3) and got.dtype == np.float32
    np.testing.assert_allclose(got, _dense_rbf(p, c, coefficients, sigma), atol=2e-4 * (1 + np.abs(coefficients).sum()))


@settings(max_examples=40, deadline=None)
@given(height=st.integers(1, 40), width=st.integers(1, 40), seed=st.integers(0, 2 ** 31))
def test_sampling_a_uint8_photo_equals_sampling_it_as_float(height, width, seed):
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    xy = rng.uniform(-2, [width + 2, height + 2], (50, 2))
    np.testing.assert_array_equal(sample_bilinear(image, xy), sample_bilinear(image.astype(np.float32), xy))
