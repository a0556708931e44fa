"""The gaze's fixational jitter rounded over a few frames, and the lids following the eye late (issue 13): the
runtime draws what the fit assumes, and the fit gets a known lag and a known step correlation back."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from i2fet_tools.motion.fit_performance import _fit_lid_lag, _step_correlation
from i2fet_tools.motion.stats import Motion
from ml_backend.errors import I2FETError
from ml_backend.motion.gaze import jitter_autocorrelation, lagged, rounded_jitter
from ml_backend.motion.life import _looks, blink_face, life_rng
from ml_backend.motion.noise import coloured_noise
from ml_backend.motion.performance_model import MODEL_PATH, load_performance_model, model_from_dict
from ml_backend.naming.arkit import INDEX


def test_unrounded_jitter_is_the_white_jitter_drawn_before():
    old = coloured_noise(500, 60.0, 0.0, 1.0, np.random.default_rng(3), channels=2)
    assert np.array_equal(rounded_jitter(500, 60.0, 0.0, np.random.default_rng(3), channels=2), old)


@settings(max_examples=6, deadline=None)
@given(st.floats(0.01, 0.08))
def test_rounded_jitter_has_unit_sd_and_the_autocorrelation_the_fit_uses(smooth):
    samples = rounded_jitter(60_000, 30.0, smooth, np.random.default_rng(7), channels=1)[:, 0]
    assert samples.std() == pytest.approx(1.0, abs=0.05)
    expected = jitter_autocorrelation(smooth, 30.0, np.array([0, 1, 2]))
    measured = [1.0] + [float(np.corrcoef(samples[:-k], samples[k:])[0, 1]) for k in (1, 2)]
    assert measured == pytest.approx(expected.tolist(), abs=0.03)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-1.0, 1.0), min_size=1, max_size=60), st.floats(0.0, 0.3), st.integers(0, 59))
def test_lagged_stays_within_the_input_and_is_causal(values, lag, cut):
    x = np.array(values)[:, None]
    out = lagged(x, 30.0, lag)
    assert out.shape == x.shape
    assert out.min() >= x.min() - 1e-12 and out.max() <= x.max() + 1e-12  # an average of what came before
    changed = x.copy()
    changed[cut + 1:] += 5.0  # the future does not move the past
    assert np.allclose(lagged(changed, 30.0, lag)[:cut + 1], out[:cut + 1])
    assert np.allclose(lagged(np.full((10, 2), 0.3), 30.0, lag), 0.3)


def test_lagged_without_a_lag_is_the_input():
    x = np.random.default_rng(0).normal(size=(40, 3))
    assert lagged(x, 60.0, 0.0) is x


def _gaze_motion(gaze_degrees: np.ndarray, fps: float = 30.0, lids: np.ndarray | None = None) -> Motion:
    rotations = np.zeros((len(gaze_degrees), 9))
    rotations[:, [3, 4]] = rotations[:, [6, 7]] = np.radians(gaze_degrees)
    weights = np.zeros((len(gaze_degrees), 52))
    if lids is not None:
        for name in ("eyeWideLeft", "eyeWideRight"):
            weights[:, INDEX[name]] = lids
    return Motion(weights, rotations, fps, np.ones(len(gaze_degrees), bool), True, "synthetic")


def test_step_correlation_tells_rounded_jitter_from_white():
    white = 0.1 * rounded_jitter(6000, 30.0, 0.0, np.random.default_rng(1), channels=2)
    rounded = 0.1 * rounded_jitter(6000, 30.0, 0.04, np.random.default_rng(1), channels=2)
    assert _step_correlation(_gaze_motion(white)) == pytest.approx(-0.5, abs=0.05)  # white positions: steps return
    assert _step_correlation(_gaze_motion(rounded)) > 0.3
    assert math.isnan(_step_correlation(_gaze_motion(np.zeros((10, 2)))))


@pytest.mark.parametrize("lag", [0.0, 0.05, 0.1])
def test_the_lids_lag_comes_back(lag):
    rng = np.random.default_rng(2)
    gaze = 3.0 * coloured_noise(9000, 30.0, 2.0, 2.0, rng, channels=2)
    pitch = np.radians(gaze[:, 1:2])
    lids = 0.2 + 1.4 * -lagged(pitch, 30.0, lag)[:, 0] + 0.002 * rng.standard_normal(len(gaze))
    assert _fit_lid_lag([_gaze_motion(gaze, lids=lids)]) == pytest.approx(lag, abs=0.011)


def test_the_lids_follow_the_eye_late_and_the_look_channels_do_not():
    model = load_performance_model()
    assert model.lid_lag > 0 and INDEX["eyeWideLeft"] in model.eye_look
    rotations = np.zeros((60, 9))
    rotations[20:, [4, 7]] = -0.2  # the eyes look up at frame 20
    looks = _looks(rotations, model, 60.0)
    up, wide = looks[:, INDEX["eyeLookUpLeft"]], looks[:, INDEX["eyeWideLeft"]]
    assert up[20] == pytest.approx(up[-1]) and up[19] == up[0]  # the eye at once
    assert wide[19] == wide[0] and 0.0 < wide[20] - wide[0] < 0.6 * (wide[-1] - wide[0])  # the lid on its way
    assert wide[-1] - wide[0] > 0.1


def test_a_model_without_lids_keeps_no_lag_and_a_bad_lag_is_refused():
    data = json.loads(MODEL_PATH.read_text())
    data.pop("lids")
    assert model_from_dict(data).lid_lag == 0.0
    data["lids"] = {"lag": float("nan")}
    with pytest.raises(I2FETError, match="lids"):
        model_from_dict(data)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2 ** 70), st.text(max_size=12))
def test_a_character_keeps_one_blink_face_and_characters_differ(seed, key):
    model = load_performance_model()
    face = blink_face(model, life_rng(seed, key, "person"))
    assert face == blink_face(model, life_rng(seed, key, "person")) and face in model.blinks.upper_face_people
    drawn = {blink_face(model, life_rng(seed, f"{key}{i}", "person")) for i in range(40)}
    assert len(drawn) >= 3  # forty characters are not all the same person


def test_a_model_without_people_blinks_with_the_median_face_and_bad_people_are_refused():
    data = json.loads(MODEL_PATH.read_text())
    data["blinks"].pop("upper_face_people")
    model = model_from_dict(data)
    assert blink_face(model, np.random.default_rng(0)) == model.blinks.upper_face
    data["blinks"]["upper_face_people"] = {"browInnerUp": [1.0, 0.1]}
    with pytest.raises(I2FETError, match="upper_face_people"):
        model_from_dict(data)
