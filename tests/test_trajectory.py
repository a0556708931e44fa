"""Plan -> trajectory: reaches each target at its apex, C1 at every frame, in [0, 1], regions staggered."""

from dataclasses import replace

import numpy as np
import pytest

from ml_backend.naming.arkit import INDEX
from ml_backend.knowledge import all_concepts, concept
from ml_backend.motion.easing import eased_progress, minimum_jerk
from ml_backend.motion.life import LifeOptions
from ml_backend.motion.performance_model import load_performance_model
from ml_backend.motion.regions import LOOK_CHANNELS
from ml_backend.motion.schedule import schedule
from ml_backend.motion.timing_params import TimingParams
from ml_backend.motion.trajectory import linear_weights, trajectory, transition_weights
from ml_backend.plan import Anchor, Plan, Segment, Step, neutral_anchor
from ml_backend.reading.phrases import read_timing

PARAMS = TimingParams()
LIDS_FOLLOWING_GAZE = sorted(set(load_performance_model().eye_look) - set(LOOK_CHANNELS.tolist()))


def _timed(anchor: Anchor, text: str) -> Step:
    """A step with the timing the reader would parse from ``text``."""
    return Step(anchor=anchor, text=text, timing=read_timing(text)[0])


def _anchor(name: str, intensity: float = 0.85) -> Anchor:
    return Anchor(label=name, weights=concept(name).weights, intensity=intensity)


def _random_plan(rng: np.random.Generator, fps: float) -> Plan:
    concepts = all_concepts()
    words = ["", "slowly", "suddenly", "quickly", "over 1 second", "in 6 frames", "hold it for half a second", "twice"]
    steps = []
    for _ in range(rng.integers(1, 6)):
        if rng.random() < 0.2:
            anchor = neutral_anchor()
        else:
            c = concepts[rng.integers(len(concepts))]
            anchor = Anchor(label=c.name, weights=c.weights, intensity=float(rng.uniform(0.2, 1.0)))
        steps.append(_timed(anchor, str(rng.choice(words))))
    start = rng.uniform(0, 1, 52).astype(np.float32) * (rng.random(52) < 0.2) if rng.random() < 0.5 else None
    return schedule(steps, duration=float(rng.uniform(0.5, 6.0)), fps=fps, start_weights=start, params=PARAMS)


def test_minimum_jerk_has_zero_velocity_at_both_ends():
    u = np.array([0.0, 1e-4, 0.5, 1 - 1e-4, 1.0])
    s = minimum_jerk(u)
    assert s[0] == 0 and s[-1] == 1 and abs(s[2] - 0.5) < 1e-12
    assert s[1] < 1e-10 and 1 - s[3] < 1e-10


@pytest.mark.parametrize("overshoot", [0.02, 0.08, 0.2])
def test_overshoot_profile_peaks_at_its_overshoot_and_settles_with_zero_velocity(overshoot):
    u = np.linspace(0, 1, 20001)
    s = eased_progress(u, overshoot)
    assert abs(s.max() - (1 + overshoot)) < 2e-3 and s[0] == 0 and abs(s[-1] - 1) < 1e-12
    velocity = np.gradient(s, u)
    assert abs(velocity[0]) < 1e-3 and abs(velocity[-1]) < 1e-3
    assert 0.6 < u[s.argmax()] < 0.95  # passes the target late, then settles


@pytest.mark.parametrize("seed", range(12))
def test_random_plans_are_c1_in_range_and_start_at_the_start_pose(seed):
    """Refining the frame rate 10x shrinks the largest velocity change ~100x for a C1 curve, ~10x for a kink."""
    rng = np.random.default_rng(seed)
    plan = _random_plan(rng, fps=float(rng.choice([23.976, 24, 30, 60])))
    life = LifeOptions(seed=seed)
    weights = trajectory(plan, life=life, params=PARAMS)
    assert weights.min() >= 0 and weights.max() <= 1 and np.isfinite(weights).all()
    np.testing.assert_array_equal(weights[0], plan.start_weights)
    coarse, fine = replace(plan, fps=400.0), replace(plan, fps=4000.0)
    for curves in (lambda p: transition_weights(p, PARAMS), lambda p: trajectory(p, life=life, params=PARAMS)):
        jump_coarse = np.abs(np.diff(curves(coarse).astype(np.float64), 2, axis=0)).max()
        jump_fine = np.abs(np.diff(curves(fine).astype(np.float64), 2, axis=0)).max()
        assert jump_fine < jump_coarse / 40, (jump_coarse, jump_fine)


def test_the_c1_check_catches_linear_interpolation():
    plan = schedule([Step(_anchor("smile")), Step(_anchor("surprise"))], duration=3.0, fps=400.0, params=PARAMS)
    coarse = np.abs(np.diff(linear_weights(plan), 2, axis=0)).max()
    fine = np.abs(np.diff(linear_weights(replace(plan, fps=4000.0)), 2, axis=0)).max()
    assert fine > coarse / 20


def test_every_target_is_reached_exactly_at_its_apex_and_the_face_returns():
    steps = [Step(_anchor("smile")), _timed(_anchor("surprise"), "suddenly"), Step(neutral_anchor())]
    plan = schedule(steps, duration=4.0, fps=30, params=PARAMS)
    bare = trajectory(plan, life=LifeOptions.off(), params=PARAMS)
    lively = trajectory(plan, life=LifeOptions(seed=3), params=PARAMS)
    for segment in plan.segments:
        apex = int(np.ceil(segment.apex * 30 - 1e-9))
        np.testing.assert_allclose(bare[apex], segment.anchor.target, atol=1e-6)
        # blinks, gaze and the lids that follow the gaze (eyeWide rises as the eye looks up) are the life layer's own
        free = sorted({INDEX["eyeBlinkLeft"], INDEX["eyeBlinkRight"], *LOOK_CHANNELS.tolist(), *LIDS_FOLLOWING_GAZE})
        np.testing.assert_allclose(np.delete(lively[apex], free), np.delete(segment.anchor.target, free), atol=0.2)
    np.testing.assert_allclose(bare[-1], 0, atol=1e-6)


def test_sudden_moves_overshoot_and_settle_natural_ones_do_not():
    def peak_over_target(text):
        plan = schedule([_timed(_anchor("surprise", 0.8), text)], duration=2.0, fps=120, params=PARAMS)
        w = transition_weights(plan, PARAMS)
        return float((w - plan.segments[0].anchor.target[None, :]).max())

    assert peak_over_target("") < 1e-9
    assert 0.01 < peak_over_target("suddenly") < 0.1


def test_overshoot_never_leaves_the_range_at_full_weights():
    full = Anchor(label="full", weights=np.ones(52, np.float32))
    plan = schedule([_timed(full, "in a flash"), _timed(neutral_anchor(), "in a flash")], 1.0, 120, params=PARAMS)
    w = transition_weights(plan, PARAMS)
    assert w.max() <= 1 + 1e-12 and w.min() >= -1e-12


def test_the_eyes_and_brows_lead_and_the_mouth_follows():
    plan = schedule([Step(_anchor("surprise"))], duration=2.0, fps=240, params=PARAMS)
    w = transition_weights(plan, PARAMS)
    target = plan.segments[0].anchor.target

    def half_time(channel):
        return np.flatnonzero(w[:, channel] >= 0.5 * target[channel])[0] / 240

    eyes, brows, jaw = half_time(INDEX["eyeWideLeft"]), half_time(INDEX["browInnerUp"]), half_time(INDEX["jawOpen"])
    assert eyes < brows < jaw
    assert 0.04 < jaw - eyes < 0.12  # tens of milliseconds, as the onset literature reports
    np.testing.assert_allclose(w[int(np.ceil(plan.segments[0].apex * 240))], target, atol=1e-6)


def test_a_plan_with_overlapping_segments_still_gives_weights_in_range():
    a, b = _anchor("smile", 1.0), _anchor("anger", 1.0)
    plan = Plan("overlap", (Segment(a, 0.0, 1.0), Segment(b, 0.2, 0.4)), duration=2.0, fps=30)
    w = trajectory(plan, params=PARAMS)
    assert w.min() >= 0 and w.max() <= 1


def test_fitted_parameters_change_the_motion():
    plan = schedule([Step(_anchor("smile"))], duration=2.0, fps=30, params=PARAMS)
    slow = replace(PARAMS, region_delays=(0.0, 0.0, 0.0, 0.2))
    assert not np.allclose(transition_weights(plan, PARAMS), transition_weights(plan, slow))
