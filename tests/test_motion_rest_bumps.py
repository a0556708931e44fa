"""The resting upper face's short smooth bumps above 0 (ml_backend/motion/rest_bumps.py) and their fit."""

import numpy as np
import pytest

from i2fet_tools.motion.fit_performance import _fit_rest_bumps
from i2fet_tools.motion.stats import Motion
from ml_backend.errors import I2FETError
from ml_backend.motion.life import LifeOptions, perform
from ml_backend.motion.performance_model import load_performance_model, model_from_dict
from ml_backend.motion.rest_bumps import bump_samples, rest_bumps
from ml_backend.naming.arkit import INDEX


def test_bumps_are_positive_smooth_and_at_the_rate():
    fps, minutes = 30.0, 20
    values = bump_samples(int(minutes * 60 * fps), fps, np.random.default_rng(1), 20.0, 0.3, 0.05)
    assert values.min() >= 0.0
    starts = np.flatnonzero(np.diff((values > 0).astype(int)) == 1)
    assert 0.8 * 20 * minutes < len(starts) < 1.2 * 20 * minutes
    steps = np.diff(values)
    assert np.corrcoef(steps[:-1], steps[1:])[0, 1] > 0.3  # smooth, not white
    assert np.abs(np.diff(steps)).max() < 0.5 * values.max()


def test_no_bumps_when_rate_or_height_is_zero():
    rng = np.random.default_rng(0)
    assert not bump_samples(300, 30.0, rng, 0.0, 0.3, 0.05).any()
    assert not bump_samples(300, 30.0, rng, 20.0, 0.3, 0.0).any()
    assert bump_samples(0, 30.0, rng, 20.0, 0.3, 0.05).shape == (0,)


def test_channels_share_their_bumps():
    left, right = INDEX["browOuterUpLeft"], INDEX["browOuterUpRight"]
    out = rest_bumps(3000, 30.0, ((left, 30.0, 0.3, 0.04), (right, 30.0, 0.3, 0.02)), np.random.default_rng(2))
    assert out[:, left].any()
    np.testing.assert_allclose(out[:, right], 0.5 * out[:, left])


def test_shared_stream_does_not_depend_on_the_channels_order():
    entries = ((INDEX["browDownLeft"], 18.0, 0.4, 0.05), (INDEX["browOuterUpLeft"], 27.0, 0.3, 0.04),
               (INDEX["eyeWideLeft"], 14.0, 0.26, 0.06))
    forward = rest_bumps(3000, 30.0, entries, np.random.default_rng(4))
    backward = rest_bumps(3000, 30.0, entries[::-1], np.random.default_rng(4))
    np.testing.assert_allclose(forward, backward)
    single = rest_bumps(3000, 30.0, ((INDEX["browDownLeft"], 18.0, 0.3, 0.05),), np.random.default_rng(4))
    np.testing.assert_allclose(forward[:, INDEX["browDownLeft"]], single[:, INDEX["browDownLeft"]])


def test_fit_recovers_rate_duration_and_height():
    fps, count = 30.0, 30 * 600
    weights = np.zeros((count, 52))
    bumps = rest_bumps(count, fps, ((INDEX["browDownLeft"], 24.0, 0.3, 0.04),), np.random.default_rng(5))
    weights += bumps
    motion = Motion(weights, np.zeros((count, 9)), fps, np.ones(count, bool))
    rate, duration, height = _fit_rest_bumps([motion])["browDownLeft"]
    assert 18.0 < rate < 26.0  # overlapping bumps merge into one run
    assert 0.25 < duration < 0.45
    assert 0.03 < height < 0.07


def test_model_refuses_bad_rest_bumps():
    import json
    from ml_backend.motion.performance_model import MODEL_PATH
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["micro"]["rest_bumps"] = {"notAChannel": [1.0, 0.3, 0.05]}
    with pytest.raises(I2FETError):
        model_from_dict(data)
    data["micro"]["rest_bumps"] = {"browDownLeft": [1.0, 0.3]}
    with pytest.raises(I2FETError):
        model_from_dict(data)


def test_resting_face_gets_bumps_and_stays_in_range():
    model = load_performance_model()
    assert model.micro.rest_bumps
    weights = np.zeros((900, 52))
    weights[:, INDEX["browDownLeft"]] = 0.9  # far from rest: no bump added there
    out, _ = perform(weights, 30.0, LifeOptions(seed=4))
    assert out.min() >= 0.0 and out.max() <= 1.0
    off, _ = perform(weights, 30.0, LifeOptions(seed=4), model=_without_bumps(model))
    channel = INDEX["browOuterUpLeft"]
    assert np.abs(out[:, channel] - off[:, channel]).max() > 0.01
    np.testing.assert_allclose(out[:, INDEX["browDownLeft"]], off[:, INDEX["browDownLeft"]])


def _without_bumps(model):
    from dataclasses import replace
    return replace(model, micro=replace(model.micro, rest_bumps=()))
