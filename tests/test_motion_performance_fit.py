"""Fitting the performance model: a take performed by a known model gives that model back, and the fit's
output is what the runtime reads (a smoke test on a few short synthetic takes, seconds, not the real ones)."""

from dataclasses import replace

import numpy as np
import pytest

from i2fet_tools.motion.fit_excursions import GRID, fit_excursions, summary, take_statistics
from i2fet_tools.motion.fit_performance import as_motion, fit_model
from i2fet_tools.motion.stats import blink_frames
from ml_backend.export.livelink_csv import Take
from ml_backend.knowledge import concept
from ml_backend.naming.arkit import INDEX
from ml_backend.motion.life import LifeOptions, blink_face, life_rng, perform
from ml_backend.motion.performance_model import load_performance_model, model_from_dict
from ml_backend.motion.schedule import schedule
from ml_backend.motion.timing_params import TimingParams
from ml_backend.motion.trajectory import transition_weights
from ml_backend.plan import Anchor, Step

FPS = 30.0


def _take(model, seed: int, seconds: float = 40.0) -> Take:
    plan = schedule([Step(Anchor("smile", concept("smile").weights, 0.5)), Step(Anchor("worry", concept("worry").weights, 0.6))],
                    duration=seconds, fps=FPS, params=TimingParams())
    weights, rotations = perform(transition_weights(plan, TimingParams()), FPS, LifeOptions(seed=seed), plan, model)
    return Take(np.clip(weights, 0, 1), rotations, FPS, np.ones(len(weights), bool), True, True, (), f"t{seed}")


@pytest.fixture(scope="module")
def known():
    shipped = load_performance_model()
    return replace(shipped, drift=replace(shipped.drift, jitter=0.2, jitter_log_sd=0.0))


@pytest.fixture(scope="module")
def takes(known):
    return [_take(known, seed) for seed in range(3)]


@pytest.fixture(scope="module")
def fitted(takes):
    return fit_model(takes, timing=False)


def test_the_excursions_are_fitted_to_these_takes_quick_moves(takes, fitted):
    micro = model_from_dict(fitted).micro
    members, factors = np.flatnonzero(micro.region == 0), np.flatnonzero(micro.factor_region == 0)
    channels = micro.channels[members].tolist()
    stats = []
    for take in takes:
        motion = as_motion(take)
        stats += take_statistics(motion.weights, motion.valid, blink_frames(motion), channels)
    again = fit_excursions(summary(stats), micro.loadings[np.ix_(members, factors)], micro.own_sd[members],
                           micro.alpha[0], micro.knee[0], micro.floor[0])  # sizes scaled: the statistics are not
    assert fitted["micro"]["excursions"] == again
    assert all(again[name] in GRID[name] for name in GRID)


def test_the_fit_is_what_the_runtime_reads(fitted):
    model = model_from_dict(fitted)
    assert model.micro.factor_region.tolist() == sorted(model.micro.factor_region.tolist())
    assert set(model.micro.factor_region.tolist()) == {0, 1} and model.micro.tone.shape == model.micro.channels.shape
    weights, rotations = perform(np.zeros((90, 52)), FPS, LifeOptions(seed=1), None, model)
    assert np.isfinite(weights).all() and weights.min() >= 0 and weights.max() <= 1 and np.isfinite(rotations).all()


def test_gaze_jitter_and_the_lid_coupling_come_back(known, fitted):
    assert fitted["drift"]["jitter"] == pytest.approx(known.drift.jitter, rel=0.35)
    lid_column, lid_gain = fitted["eye_look"]["eyeBlinkLeft"]
    assert lid_column == 4 and lid_gain == pytest.approx(known.eye_look[0][1], rel=0.35)
    assert fitted["blinks"]["rate_per_min"] == pytest.approx(known.blinks.rate_per_min, rel=0.5)


def test_the_lids_lag_the_wide_eyes_and_the_jitters_rounding_come_back(known, fitted):
    assert known.lid_lag > 0 and known.drift.jitter_smooth > 0  # the shipped model has both
    assert fitted["lids"]["lag"] == pytest.approx(known.lid_lag, abs=0.011)
    assert fitted["drift"]["jitter_smooth"] == pytest.approx(known.drift.jitter_smooth, abs=0.011)
    wide_column, wide_gain = fitted["eye_look"]["eyeWideLeft"]
    assert wide_column == 4 and wide_gain == pytest.approx(known.eye_look[INDEX["eyeWideLeft"]][1], rel=0.35)


def test_each_takes_own_blink_face_comes_back(known, takes, fitted):
    people = fitted["blinks"]["upper_face_people"]
    assert len(people) == len(takes) and len(known.blinks.upper_face_people) >= 3
    for seed, person in enumerate(people):  # _take(known, seed): the character drawn with that seed
        drawn = {c: a for c, _, a in blink_face(known, life_rng(seed, "", "person"))}
        assert person["browInnerUp"][1] == pytest.approx(drawn[INDEX["browInnerUp"]], abs=0.04)


def test_what_blinks_do_to_the_face_and_the_eyes_comes_back(known, fitted):
    assert fitted["blinks"]["gaze_pitch"] == pytest.approx(known.blinks.gaze_pitch, rel=0.35)
    wide = fitted["blinks"]["upper_face"]["eyeWideLeft"]
    known_inner = dict((c, a) for c, _, a in known.blinks.upper_face)[INDEX["browInnerUp"]]
    assert fitted["blinks"]["upper_face"]["browInnerUp"][1] == pytest.approx(known_inner, rel=0.5)
    assert wide[0] >= 2.0 or wide[1] <= 0.0  # wide eyes do not stay wide through a blink
    quantiles = fitted["blinks"]["depth_quantiles"]
    assert quantiles == sorted(quantiles) and quantiles[0] < 0.3 < quantiles[-1]
