"""micro.add_within: the smooth floor and ceiling that replaced life.perform's hard clip of the look channels after
the eyes' roll during blinks (a clip kinked the curve where a deeper blink rolled eyeLookUp past 0)."""

import numpy as np
from hypothesis import given, strategies as st

from ml_backend.motion.micro import add_within

UNIT = st.floats(0.0, 1.0, allow_nan=False)
CHANGE = st.floats(-5.0, 5.0, allow_nan=False)


@given(UNIT, CHANGE, CHANGE)
def test_stays_in_range_keeps_small_changes_and_never_reorders(weight, change, other):
    out = add_within(np.array([weight, weight]), np.array([change, other]))
    assert 0.0 <= out.min() and out.max() <= 1.0
    space = weight if change < 0 else 1.0 - weight
    if abs(change) <= 0.5 * space:
        assert out[0] == weight + change
    if change <= other:
        assert out[0] <= out[1] + 1e-12


def _curve(fps: float, map_) -> np.ndarray:
    """A weight at 0.1 with a change that dips to -0.3 over a second: it would cross 0."""
    t = np.arange(int(fps)) / fps
    weight = 0.1 + 0.02 * np.sin(2 * np.pi * t)
    change = -0.3 * np.sin(np.pi * t) ** 2
    return map_(weight, change)


def _second_difference_ratio(map_) -> float:
    coarse = np.abs(np.diff(_curve(400.0, map_), 2)).max()
    fine = np.abs(np.diff(_curve(4000.0, map_), 2)).max()
    return float(fine / coarse)


def test_a_change_past_zero_bends_smoothly_where_a_clip_kinks():
    """Refining the frame rate 10x shrinks the largest velocity change ~100x for a C1 curve, ~10x for a kink."""
    assert _curve(400.0, add_within).min() > 0.0
    assert _second_difference_ratio(add_within) < 1 / 40
    assert _second_difference_ratio(lambda w, c: np.clip(w + c, 0.0, 1.0)) > 1 / 20


def test_no_room_no_change_and_no_change_no_change():
    np.testing.assert_array_equal(add_within(np.array([0.0, 1.0, 0.4]), np.array([-0.5, 0.5, 0.0])), [0.0, 1.0, 0.4])
