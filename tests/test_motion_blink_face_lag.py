"""The upper face follows a blink late (``blinks.face_lag``, fitted from the takes): the brows peak after the lids,
the late tail never reaches an apex frame, and the fit finds a lag put into a synthetic take."""

import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from i2fet_tools.motion.fit_performance import FACE_LAG_GRID, _fit_blink_face_lag
from i2fet_tools.motion.stats import Motion
from ml_backend.errors import I2FETError
from ml_backend.motion.blinks import Blink, add_blinks, apex_notch, blink_pulse
from ml_backend.motion.gaze import lagged
from ml_backend.motion.performance_model import MODEL_PATH, load_performance_model, model_from_dict
from ml_backend.naming.arkit import INDEX

LIDS = [INDEX["eyeBlinkLeft"], INDEX["eyeBlinkRight"]]
INNER, WIDE = INDEX["browInnerUp"], INDEX["eyeWideLeft"]
FACE = ((INNER, 0.0, 0.3), (WIDE, 10.0, 0.0))


def _one_blink(face_lag: float, fps: float = 60.0, keep_off=None) -> np.ndarray:
    weights = np.zeros((int(3 * fps), 52))
    weights[:, WIDE] = 0.25
    add_blinks(weights, fps, [Blink(start=1.0, duration=0.25, depth=1.0)], FACE, keep_off=keep_off,
               margin=1.0 / fps, face_lag=face_lag)
    return weights


def test_the_brows_peak_after_the_lids_and_settle_later():
    fps = 60.0
    at_once, late = _one_blink(0.0, fps), _one_blink(0.07, fps)
    lid_peak = int(np.argmax(late[:, LIDS[0]]))
    assert int(np.argmax(at_once[:, INNER])) == lid_peak  # no lag: the face moves with the lids
    assert 2 <= int(np.argmax(late[:, INNER])) - lid_peak <= 8  # 0.07 s late: a few frames at 60 fps
    after = int(np.ceil(1.25 * fps)) + 3  # the lids are open again
    assert at_once[after, INNER] == 0.0 and late[after, INNER] > 0.02 and late[after, WIDE] < 0.25
    np.testing.assert_allclose(late[after:, LIDS], 0.0)
    assert late[-1, INNER] < 1e-3  # settled
    np.testing.assert_allclose(late[:, LIDS], at_once[:, LIDS])  # the lids themselves are unchanged


@settings(max_examples=40, deadline=None)
@given(gap=st.floats(0.0, 0.5), lag=st.floats(0.0, 0.15), fps=st.sampled_from([24.0, 30.0, 60.0]))
def test_the_late_tail_never_reaches_an_apex_frame(gap, lag, fps):
    apex = 1.25 + gap  # the blink ends at 1.25 s; the apex follows it by ``gap``
    weights = _one_blink(lag, fps, keep_off=np.array([apex]))
    frame = int(np.ceil(apex * fps - 1e-9))
    assert weights[frame, INNER] == 0.0 and weights[frame, WIDE] == 0.25
    assert 0.0 <= weights.min() and weights.max() <= 1.0


def test_the_apex_notch_is_zero_at_the_apex_and_one_far_from_it():
    notch = apex_notch(120, 60.0, np.array([1.0]), 1.0 / 60.0, 0.2)
    assert notch[60] == 0.0 and notch[59] == 0.0 and notch[61] == 0.0
    assert notch[0] == 1.0 and notch[-1] == 1.0 and np.all(np.diff(notch[61:]) >= 0)
    np.testing.assert_array_equal(apex_notch(10, 60.0, None, 0.0, 0.2), np.ones(10))


def _synthetic_take(lag: float, seconds: float = 120.0, fps: float = 30.0) -> Motion:
    """A take whose lids blink every 2-4 s and whose brows rise and eyeWide collapses with the closure ``lag`` s late."""
    rng = np.random.default_rng(3)
    count = int(seconds * fps)
    closure = np.zeros(count)
    start = 1.0
    while start < seconds - 2.0:
        frames = np.arange(int(start * fps), int((start + 0.3) * fps) + 2)
        closure[frames] = np.maximum(closure[frames], blink_pulse(np.clip((frames / fps - start) / 0.3, 0, 1)))
        start += rng.uniform(2.0, 4.0)
    face = np.clip(lagged(closure[:, None], fps, lag)[:, 0], 0.0, 1.0) if lag > 0 else closure
    weights = np.zeros((count, 52))
    weights[:, LIDS] = 0.05 + 0.9 * closure[:, None]
    weights[:, INNER] = 0.1 + 0.3 * face
    weights[:, WIDE] = 0.25 * (1.0 - face) ** 10
    return Motion(weights, np.zeros((count, 9)), fps, np.ones(count, bool), False, "synthetic")


@pytest.mark.parametrize("lag", [0.0, 0.04, 0.08])
def test_the_fit_finds_the_lag_put_into_a_take(lag):
    assert _fit_blink_face_lag([_synthetic_take(lag)]) == pytest.approx(lag, abs=0.011)
    assert lag in FACE_LAG_GRID


def test_a_face_lag_out_of_range_is_refused():
    data = json.loads(MODEL_PATH.read_text())
    assert 0.0 < load_performance_model().blinks.face_lag <= 0.15
    data["blinks"]["face_lag"] = 2.0
    with pytest.raises(I2FETError, match="face_lag"):
        model_from_dict(data)
    del data["blinks"]["face_lag"]
    assert model_from_dict(data).blinks.face_lag == 0.0  # an older model: the face moves with the lids
