"""Fitting the upper face's excursions to the takes' quick moves (``i2fet_tools/motion/fit_excursions.py``): the
detector counts known moves, and the simulated fit gives back the statistics of a face performed with known
settings (the settings themselves trade off: a longer hold and a shorter move look alike at 30 Hz)."""

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter1d
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from i2fet_tools.motion.fit_excursions import (GRID, STAT_NAMES, channel_statistics, fit_excursions, simulate_upper,
                                               summary)
from ml_backend.errors import I2FETError
from ml_backend.motion.performance_model import load_performance_model

FPS = 30.0


def _pulses(seconds: float, every: float, hold: float, ramp: int = 6) -> np.ndarray:
    """A channel at 0 that goes out to +-1 (alternating) in ``ramp`` frames every ``every`` seconds, holds and returns."""
    values = np.zeros(int(seconds * FPS))
    up = np.linspace(0.0, 1.0, ramp + 1)[1:]
    for k, start in enumerate(np.arange(FPS, len(values) - 3 * FPS, every * FPS).astype(int)):
        sign = 1.0 if k % 2 == 0 else -1.0
        top = start + ramp + int(hold * FPS)
        values[start:start + ramp] = sign * up
        values[start + ramp:top] = sign
        values[top:top + ramp] = sign * up[::-1] - sign / ramp
    return values


def _upper(model):
    micro = model.micro
    members, factors = np.flatnonzero(micro.region == 0), np.flatnonzero(micro.factor_region == 0)
    return micro.loadings[np.ix_(members, factors)], micro.own_sd[members], micro.alpha[0], micro.knee[0], micro.floor[0]


def test_the_detector_counts_known_moves_and_their_out_and_back_time():
    stats = channel_statistics(_pulses(60.0, 3.0, 0.5), np.ones(int(60 * FPS), bool))
    moves, frames, hold, still, tail, jerk = stats
    assert moves == pytest.approx(2 * 19 * 60 / 60.0, rel=0.1)  # 19 excursions out and back in the minute
    assert 2 <= frames <= 6 and hold == pytest.approx(0.5 + 6 / FPS, abs=2 / FPS) and still < 0.05


def test_slow_wander_shows_as_motion_outside_the_quick_moves():
    seconds = 60.0
    kept = np.ones(int(seconds * FPS), bool)
    wander = 0.4 * np.sin(2 * np.pi * 0.4 * np.arange(len(kept)) / FPS)
    still = channel_statistics(_pulses(seconds, 3.0, 0.5), kept)[3]
    assert channel_statistics(_pulses(seconds, 3.0, 0.5) + wander, kept)[3] > still + 0.1


def test_untracked_frames_and_a_still_channel_give_no_statistics():
    assert channel_statistics(np.zeros(600), np.ones(600, bool)) is None
    assert channel_statistics(_pulses(60.0, 3.0, 0.5), np.zeros(1800, bool)) is None
    assert np.isnan(summary([None, None])).all()


def test_a_face_without_quick_moves_is_refused_with_a_message():
    with pytest.raises(I2FETError, match="no quick move"):
        fit_excursions(np.full(len(STAT_NAMES), np.nan), *_upper(load_performance_model()))


def test_the_fit_gives_back_the_statistics_of_known_settings():
    upper = _upper(load_performance_model())
    truth = {"rate_per_min": 15.0, "hold": 0.5, "move": 0.2, "wander": 0.2, "smooth": 0.035}
    performed = simulate_upper(truth, *upper, seconds=600.0, seed=7)
    kept = np.ones(len(performed), bool)
    target = summary([channel_statistics(performed[:, c], kept) for c in range(performed.shape[1])])
    fitted = fit_excursions(target, *upper)
    assert all(fitted[name] in GRID[name] for name in GRID)
    again = simulate_upper(fitted, *upper, seconds=600.0, seed=7)
    back = summary([channel_statistics(again[:, c], kept) for c in range(again.shape[1])])
    np.testing.assert_allclose(back[:3], target[:3], rtol=0.25)
    assert back[3] == pytest.approx(target[3], abs=0.06)
    np.testing.assert_allclose(back[4:], target[4:], rtol=0.15)  # speed tail and jerk


def test_rounded_moves_are_less_jerky_and_rarer_moves_have_a_longer_speed_tail():
    kept = np.ones(int(120 * FPS), bool)
    sharp = channel_statistics(_pulses(120.0, 3.0, 0.5, ramp=3), kept)
    rounded = channel_statistics(gaussian_filter1d(_pulses(120.0, 3.0, 0.5, ramp=3), 2.0), kept)
    rare = channel_statistics(_pulses(120.0, 9.0, 0.5, ramp=3), kept)
    assert rounded[5] < 0.8 * sharp[5]
    assert rare[4] > 1.2 * sharp[4] > 1.2


@pytest.fixture(scope="module")
def real_takes():
    from i2fet_tools.motion.fit_performance import as_motion, read_takes, takes_folder

    if not takes_folder().is_dir():
        pytest.skip("the Live Link takes are not in shared/assets")
    return [as_motion(t) for t in read_takes(takes_folder())]


def test_the_fitted_speed_shape_holds_for_a_take_left_out(real_takes):
    """Fitted on six takes, the excursions' frame speed tail and jerk are the left-out take's within 30%."""
    from i2fet_tools.motion.fit_excursions import take_statistics
    from i2fet_tools.motion.stats import blink_frames

    model = load_performance_model()
    upper = _upper(model)
    channels = model.micro.channels[model.micro.region == 0].tolist()
    per_take = [take_statistics(m.weights, m.valid, blink_frames(m), channels) for m in real_takes]
    held_out = summary(per_take[0])
    fitted = fit_excursions(summary([s for stats in per_take[1:] for s in stats]), *upper)
    simulated = simulate_upper(fitted, *upper, seconds=600.0, seed=11)
    kept = np.ones(len(simulated), bool)
    back = summary([channel_statistics(simulated[:, c], kept) for c in range(simulated.shape[1])])
    np.testing.assert_allclose(back[4:], held_out[4:], rtol=0.3)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(0, 400), elements=st.floats(-1.0, 2.0)), st.booleans())
def test_the_detector_is_finite_and_bounded_for_any_channel(values, all_kept):
    kept = np.ones(len(values), bool) if all_kept else np.arange(len(values)) % 7 != 0
    stats = channel_statistics(values, kept)
    if stats is not None:
        assert stats[0] > 0 and stats[1] >= 1 and 0.0 <= stats[3] <= 1.0 + 1e-9
        assert np.isnan(stats[4]) or stats[4] >= 1.0 - 1e-9
        assert np.isnan(stats[5]) or stats[5] >= 0.0
        assert np.isnan(stats[2]) or stats[2] > 0


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 80), st.integers(1, 4)),
              elements=st.floats(-2.0, 2.0, allow_nan=False)),
       st.floats(0.05, 12.0))
def test_numpy_rounding_is_scipys_gaussian(values: np.ndarray, sigma: float) -> None:
    """The moves' rounding is scipy's Gaussian filter (edges held) written in numpy: scipy on the generation path
    cost the CLI's cold start (caught by tests/test_runtime_imports.py)."""
    from ml_backend.motion.excursions import gaussian_rows

    expected = gaussian_filter1d(values, sigma, axis=0, mode="nearest", truncate=3.0)
    np.testing.assert_allclose(gaussian_rows(values, sigma), expected, atol=1e-12)
