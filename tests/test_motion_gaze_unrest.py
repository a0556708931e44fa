"""The eyes' unrest after a saccade (issue 13): the gaze's still speed is 2-3 times its later level in the 0.3 s
after a saccade in every take. The runtime draws the jitter 1 + gain exp(-t / time) times its size after each onset,
and the fit gets a known gain and time back from gaze drawn that way (and no unrest from a steady jitter)."""

import json

import numpy as np
import pytest

from i2fet_tools.motion.fit_performance import _fit_unrest
from i2fet_tools.motion.stats import Motion
from ml_backend.errors import I2FETError
from ml_backend.motion.gaze import gaze_rotations, plan_saccades, unrest
from ml_backend.motion.performance_model import MODEL_PATH, DriftModel, load_performance_model, model_from_dict


JITTER = {"sd": 0.0, "alpha": 3.0, "knee": 0.3, "jitter": 0.15, "jitter_smooth": 0.0}


def test_unrest_is_one_before_the_first_saccade_rises_smoothly_and_fades_after_each():
    times = np.arange(0, 3.0, 0.001)
    size = unrest(times, np.array([1.0, 2.0]), 3.0, 0.2, 0.04)
    assert np.all(size[times <= 1.0] == 1.0)
    assert size[1040] == pytest.approx(1.0 + 3.0 * np.exp(-0.2))  # risen over the saccade (40 ms)
    assert size[1200] == pytest.approx(1.0 + 3.0 * np.exp(-1.0))  # one time constant after the onset
    assert size[2040] == pytest.approx(1.0 + 3.0 * (np.exp(-0.2) + np.exp(-5.2)))  # the saccades' unrests add
    steps = np.abs(np.diff(size))
    assert steps.max() < 3.0 * 0.001 / 0.04 * 2  # no jump anywhere (the slope is bounded): the gaze stays C1
    assert np.all(unrest(times, np.array([1.0]), 0.0, 0.2) == 1.0)
    assert np.all(unrest(times, np.zeros(0), 3.0, 0.2) == 1.0)


def _gaze_take(gain: float, time: float, seed: int, seconds: float = 240.0) -> Motion:
    """A gaze-only take at 30 Hz drawn by the runtime with a steady jitter of 0.15 deg and that unrest."""
    model = load_performance_model().saccades
    rng = np.random.default_rng(seed)
    fps = 30.0
    times = np.arange(int(seconds * fps)) / fps
    saccades = plan_saccades(seconds, model, rng, start=0.5)
    drift = DriftModel(sd=JITTER["sd"], jitter=JITTER["jitter"], unrest_gain=gain, unrest_time=time)
    eyes = gaze_rotations(times, fps, saccades, drift, 1.0, rng)
    rotations = np.zeros((len(times), 9))
    rotations[:, 3:9] = eyes
    return Motion(np.zeros((len(times), 52)), rotations, fps, np.ones(len(times), bool), False, f"unrest {seed}")


def test_the_fit_by_simulation_gets_a_known_unrest_back_where_the_direct_curve_reads_it_low():
    takes = [_gaze_take(3.0, 0.2, seed) for seed in range(10, 14)]
    direct, _ = _fit_unrest(takes)
    assert direct < 2.7  # frames faster than half a saccade are left out, and onsets come late on a 30-Hz grid
    gain, time = _fit_unrest(takes, JITTER, load_performance_model().saccades)
    assert gain == pytest.approx(3.0, abs=0.75)
    assert time == pytest.approx(0.2, abs=0.06)


def test_a_steady_jitter_fits_next_to_no_unrest():
    takes = [_gaze_take(0.0, 0.2, seed) for seed in range(10, 14)]
    assert _fit_unrest(takes)[0] < 0.3
    assert _fit_unrest(takes, JITTER, load_performance_model().saccades)[0] <= 0.5


def test_the_shipped_model_holds_a_fitted_unrest_and_older_files_stay_steady():
    drift = load_performance_model().drift
    assert drift.unrest_gain > 1.0 and 0.05 < drift.unrest_time < 0.6
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    for key in ("unrest_gain", "unrest_time"):
        del data["drift"][key]
    assert model_from_dict(data).drift.unrest_gain == 0.0
    data["drift"]["unrest_gain"] = float("nan")
    with pytest.raises(I2FETError):
        model_from_dict(data)
