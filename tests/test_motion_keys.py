"""Sparse Bézier keys: within the tolerance of the dense motion at every frame, and few of them."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ml_backend.knowledge import concept
from ml_backend.motion.keys import evaluate_keys, fit_channel, fit_keys, key_report
from ml_backend.motion.life import LifeOptions
from ml_backend.motion.schedule import schedule
from ml_backend.motion.timing_params import TimingParams
from ml_backend.motion.trajectory import performance
from ml_backend.plan import Anchor, Step, neutral_anchor

PARAMS = TimingParams()


def _clip(life: LifeOptions, seconds: float = 10.0, fps: float = 30.0):
    steps = [Step(Anchor("smile", concept("smile").weights, 0.85)), Step(Anchor("surprise", concept("surprise").weights, 0.9)),
             Step(neutral_anchor())]
    plan = schedule(steps, duration=seconds, fps=fps, params=PARAMS)
    return performance(plan, life=life, params=PARAMS)


def test_transitions_need_a_handful_of_keys_and_stay_within_tolerance():
    weights, _ = _clip(LifeOptions.off())
    keys = fit_keys(weights, 0.01)
    report = key_report(weights, keys, 30.0)
    assert report["max_deviation"] <= 0.01
    assert report["keys_total"] < 0.05 * weights.size  # against a key on every frame of every channel
    assert all(len(k.frames) == 2 for k, column in zip(keys, weights.T) if np.ptp(column) == 0)


def test_a_lively_clip_and_its_rotations_stay_within_tolerance():
    weights, rotations = _clip(LifeOptions(seed=4), seconds=20.0, fps=60.0)
    for dense, tolerance in ((weights, 0.01), (rotations, 0.005)):
        keys = fit_keys(dense, tolerance)
        frames = np.arange(len(dense))
        for c, k in enumerate(keys):
            assert np.abs(evaluate_keys(k, frames) - dense[:, c]).max() <= tolerance + 1e-12
        assert key_report(dense, keys, 60.0)["keys_per_channel_second"] < 15


def test_handles_sit_at_the_thirds_along_the_key_slope():
    keys = fit_channel(np.sin(np.linspace(0, 6, 200)), 0.001)
    left, right = keys.handles()
    inner = slice(1, -1)
    gaps = np.diff(keys.frames)
    np.testing.assert_allclose(right[:-1, 0] - keys.frames[:-1], gaps / 3)
    np.testing.assert_allclose(keys.frames[1:] - left[1:, 0], gaps / 3)
    slope_left = (keys.values - left[:, 1])[inner] / (keys.frames - left[:, 0])[inner]
    slope_right = (right[:, 1] - keys.values)[inner] / (right[:, 0] - keys.frames)[inner]
    np.testing.assert_allclose(slope_left, slope_right)  # smooth: aligned handles


def test_bad_tolerance_and_shapes_are_refused():
    with pytest.raises(ValueError):
        fit_keys(np.zeros((5, 2)), 0.0)
    with pytest.raises(ValueError):
        fit_keys(np.zeros(5), 0.01)
    assert len(fit_channel(np.array([0.3])).frames) == 1


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=300), st.sampled_from([0.001, 0.01, 0.05]))
def test_any_curve_is_keyed_within_tolerance(values, tolerance):
    values = np.array(values)
    keys = fit_channel(values, tolerance)
    assert keys.frames[0] == 0 and keys.frames[-1] == len(values) - 1
    assert np.abs(evaluate_keys(keys, np.arange(len(values))) - values).max() <= tolerance + 1e-12
    between = np.linspace(0, len(values) - 1, 4 * len(values))
    shown = evaluate_keys(keys, between)  # between frames too: the curve never overshoots its keys
    assert values.min() - 1e-12 <= shown.min() and shown.max() <= values.max() + 1e-12


def test_a_weight_rising_from_rest_never_dips_below_zero():
    """Bug: a key at 0 before a fast rise carried the dense slope, and the Bézier curve dipped to -0.005
    (Blender clamps the slider and exports clamp the value, so what was shown differed from the curve)."""
    values = np.r_[np.zeros(6), np.array([0.0, 0.02, 0.1, 0.26, 0.46, 0.66, 0.81, 0.88, 0.9]), np.full(9, 0.9)]
    keys = fit_channel(values, 0.01)
    shown = evaluate_keys(keys, np.linspace(0, len(values) - 1, 400))
    assert shown.min() >= 0.0 and shown.max() <= 0.9 + 1e-12
    left, right = keys.handles()
    assert left[:, 1].min() >= 0.0 and right[:, 1].min() >= 0.0  # handles too: scaling a clip scales its curves


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 90), st.integers(1, 5), st.integers(0, 2**32 - 1),
       st.lists(st.sampled_from([0.002, 0.01, 0.05]), min_size=5, max_size=5))
def test_channels_fitted_together_equal_each_fitted_alone(frames, channels, seed, tolerances):
    """fit_keys subdivides all channels in one array pass: no channel's keys may depend on another's."""
    rng = np.random.default_rng(seed)
    dense = np.clip(np.cumsum(rng.normal(0, 0.03, (frames, channels)), axis=0) + 0.3, 0, 1)
    dense[:, 0] = 0.4  # one still channel beside moving ones
    tolerance = np.array(tolerances[:channels])
    together = fit_keys(dense, tolerance)
    for c, keys in enumerate(together):
        alone = fit_channel(dense[:, c], float(tolerance[c]))
        np.testing.assert_array_equal(keys.frames, alone.frames)
        np.testing.assert_allclose(keys.slopes, alone.slopes, atol=1e-12)
        assert np.abs(evaluate_keys(keys, np.arange(frames)) - dense[:, c]).max() <= tolerance[c] + 1e-9
