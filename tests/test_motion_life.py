"""The life layer: fitted blinks, gaze, head and micro-motion; seeds and variation keys; bounded for any input."""

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from ml_backend.errors import BadTimingError
from ml_backend.knowledge import concept
from ml_backend.motion.life import LifeOptions, life_rng, perform
from ml_backend.motion.performance_model import load_performance_model
from ml_backend.motion.regions import LOOK_CHANNELS, REGION_CHANNELS
from ml_backend.motion.schedule import schedule
from ml_backend.motion.timing_params import TimingParams
from ml_backend.motion.trajectory import performance, trajectory, transition_weights
from ml_backend.naming.arkit import INDEX
from ml_backend.plan import Anchor, Step, neutral_anchor

PARAMS = TimingParams()
LIDS = [INDEX["eyeBlinkLeft"], INDEX["eyeBlinkRight"]]
QUIET = dict(micro_motion=False, asymmetry=False, gaze=False, head=False)


def _plan(name: str | None, seconds: float, fps: float = 30.0, intensity: float = 0.8, label: str | None = None):
    anchor = neutral_anchor() if name is None else Anchor(label or name, concept(name).weights, intensity)
    return schedule([Step(anchor)], duration=seconds, fps=fps, params=PARAMS)


def _blink_runs(lids: np.ndarray, fps: float) -> list[tuple[float, float]]:
    """(start, duration) seconds of the runs where the eyelids are above their resting value."""
    active = np.concatenate([[False], lids > 1e-3, [False]])
    edges = np.flatnonzero(np.diff(active.astype(int)))
    return [(a / fps, (b - a) / fps) for a, b in zip(edges[::2], edges[1::2])]


def test_blinks_follow_the_fitted_rate_and_last_100_to_400_ms():
    model = load_performance_model()
    plan = _plan(None, 600.0, fps=60.0)
    lids = trajectory(plan, life=LifeOptions(seed=7, **QUIET), params=PARAMS)[:, LIDS[0]]
    runs = _blink_runs(lids, 60.0)
    rate = len(runs) / 10.0
    assert 0.6 * model.blinks.rate_per_min <= rate <= 1.4 * model.blinks.rate_per_min
    durations = [d for _, d in runs]
    assert min(durations) >= 0.1 - 2 / 60 and max(durations) <= 0.4 + 1 / 60
    assert 0.5 < lids.max() <= 1.0


def test_no_spontaneous_blink_while_the_eyes_are_closed_or_squeezed():
    for name in ("close_both_eyes", "wink_left", "tighten_eyelids"):
        plan = _plan(name, 60.0, intensity=1.0)
        core = transition_weights(plan, PARAMS)
        lively = trajectory(plan, life=LifeOptions(**QUIET), params=PARAMS)
        held = slice(int(1.0 * 30), None)
        np.testing.assert_allclose(lively[held][:, LIDS], core[held][:, LIDS], atol=1e-6)


def test_held_faces_and_neutral_move_a_little_with_the_eyes_and_head():
    plan = _plan("smile", 20.0)
    core = transition_weights(plan, PARAMS)
    lively, rotations = performance(plan, life=LifeOptions(blinks=False, seed=2), params=PARAMS)
    hold = slice(60, None)
    wide = [INDEX["eyeWideLeft"], INDEX["eyeWideRight"]]  # the lids open as the eyes look up: they follow the eyes
    others = np.setdiff1d(np.arange(52), np.concatenate([LOOK_CHANNELS, LIDS, wide]))
    assert lively[hold, INDEX["mouthSmileLeft"]].std() > 1e-3
    assert np.abs(lively[hold][:, others] - core[hold][:, others]).max() < 0.25
    assert np.median(np.abs(lively[hold][:, others] - core[hold][:, others])) < 0.05
    assert np.abs(lively[hold, INDEX["mouthSmileLeft"]] - lively[hold, INDEX["mouthSmileRight"]]).max() > 1e-3
    still, still_rot = performance(_plan(None, 20.0), life=LifeOptions(blinks=False, seed=2), params=PARAMS)
    assert 0.0 < np.abs(still[hold][:, others]).max() < 0.25  # a resting face is never frozen, nor far from rest
    assert still.min() >= 0.0
    assert np.degrees(np.abs(rotations[hold, 3:])).max() > 1.0  # the eyes look around
    assert np.degrees(rotations[hold, :3]).std(axis=0).min() > 0.2  # the head sways
    np.testing.assert_allclose(rotations[hold, 3:6], rotations[hold, 6:9], atol=np.radians(2))  # both eyes together


def test_same_seed_and_key_same_clip_other_key_other_blinks_and_each_switch_alone():
    plan = _plan("happiness", 60.0)
    one = trajectory(plan, life=LifeOptions(seed=5, variation_key="Alice"), params=PARAMS)
    np.testing.assert_array_equal(one, trajectory(plan, life=LifeOptions(seed=5, variation_key="Alice"), params=PARAMS))
    other = trajectory(plan, life=LifeOptions(seed=5, variation_key="Bob"), params=PARAMS)

    def blink_starts(lively, key):  # the lids also follow the gaze: blinks are what blinks=False leaves out
        unblinked = trajectory(plan, life=LifeOptions(blinks=False, seed=5, variation_key=key), params=PARAMS)
        return {round(s, 2) for s, _ in _blink_runs(lively[:, LIDS[0]] - unblinked[:, LIDS[0]], 30)}

    blinks_one, blinks_other = blink_starts(one, "Alice"), blink_starts(other, "Bob")
    assert blinks_one and blinks_other and len(blinks_one & blinks_other) <= len(blinks_one) // 3  # not in sync
    assert not np.array_equal(one, trajectory(plan, life=LifeOptions(seed=6, variation_key="Alice"), params=PARAMS))
    bare = trajectory(plan, life=LifeOptions.off(), params=PARAMS)
    np.testing.assert_array_equal(bare, transition_weights(plan, PARAMS).astype(np.float32))
    blinks_only = trajectory(plan, life=LifeOptions(seed=5, **QUIET), params=PARAMS)
    upper = REGION_CHANNELS["upper"]  # eyeWide collapses and the brows rise a little while the lids close
    others = np.setdiff1d(np.arange(52), np.concatenate([LIDS, upper]))
    np.testing.assert_array_equal(blinks_only[:, others], bare[:, others])
    closing = blinks_only[:, LIDS[0]] > bare[:, LIDS[0]]
    tail = int(np.ceil(5 * load_performance_model().blinks.face_lag * 30.0)) + 1  # the face follows the lids late
    settled = np.convolve(closing, np.ones(tail), mode="full")[: len(closing)] == 0
    np.testing.assert_array_equal(blinks_only[settled][:, upper], bare[settled][:, upper])
    assert np.abs(blinks_only[closing][:, upper] - bare[closing][:, upper]).max() > 1e-3
    # the blink stream does not depend on the other layers being on
    full = trajectory(plan, life=LifeOptions(seed=5), params=PARAMS)
    no_blinks = trajectory(plan, life=LifeOptions(blinks=False, seed=5), params=PARAMS)
    alone = [s for s, _ in _blink_runs(blinks_only[:, LIDS[0]] - bare[:, LIDS[0]], 30.0)]
    with_all = [s for s, _ in _blink_runs(full[:, LIDS[0]] - no_blinks[:, LIDS[0]], 30.0)]
    assert len(alone) == len(with_all) and np.allclose(alone, with_all, atol=1.5 / 30)  # lids up with the gaze: a frame


def test_the_upper_lids_follow_the_eyes_down_outside_blinks():
    """Fitted from the takes outside blinks: looking down lowers the upper lid (eyeBlink rises with eye pitch)."""
    plan = _plan(None, 60.0)
    lively, rotations = performance(plan, life=LifeOptions(blinks=False, micro_motion=False, asymmetry=False,
                                                           head=False, seed=3), params=PARAMS)
    pitch = rotations[:, 4]  # left eye, positive looking down
    lid = lively[:, LIDS[0]]
    assert load_performance_model().eye_look[LIDS[0]][0] == 4
    assert lid[pitch > np.radians(3)].mean() > lid[pitch < 0].mean() + 0.02
    assert np.corrcoef(lid, np.maximum(pitch, 0))[0, 1] > 0.8 and lid.max() < 0.3


def test_blink_rate_option_overrides_the_model():
    plan = _plan(None, 300.0)
    lids = trajectory(plan, life=LifeOptions(blink_rate=0.0, **QUIET), params=PARAMS)[:, LIDS[0]]
    assert lids.max() == 0.0
    fast = trajectory(plan, life=LifeOptions(blink_rate=30.0, **QUIET), params=PARAMS)[:, LIDS[0]]
    assert 22 <= len(_blink_runs(fast, 30.0)) / 5.0 <= 36


def test_expressions_bring_their_head_gestures():
    def head(name, label):
        plan = _plan(name, 4.0, intensity=1.0, label=label)
        quiet = LifeOptions(blinks=False, micro_motion=False, asymmetry=False, gaze=False)
        return np.degrees(performance(plan, life=quiet, params=PARAMS)[1][:, :3])

    disgust, sad, nod = head("disgust", "disgust"), head("sadness", "sadness"), head("smile", "nod in agreement")
    idle = head("smile", "calm")
    late = slice(90, None)
    assert disgust[late, 1].mean() < idle[late, 1].mean() - 2  # recoil: the head goes back
    assert sad[late, 1].mean() > idle[late, 1].mean() + 3  # the head lowers
    early = slice(0, 45)
    swing = np.diff(np.sign(np.diff(nod[early, 1] - idle[early, 1]))) != 0
    assert swing.sum() >= 3 and np.ptp(nod[early, 1] - idle[early, 1]) > 3  # a nod goes down and up


def test_bad_seeds_are_refused_and_huge_ones_work():
    with pytest.raises(BadTimingError, match="seed"):
        life_rng(None, "", "blinks")
    with pytest.raises(BadTimingError, match="seed"):
        life_rng(1.5, "", "blinks")
    a = life_rng(2**80 + 1, "x", "blinks").random(3)
    np.testing.assert_array_equal(a, life_rng(2**80 + 1, "x", "blinks").random(3))
    assert not np.array_equal(a, life_rng(2**80 + 2, "x", "blinks").random(3))


def test_a_tiny_frame_rate_is_bounded_not_a_hang():
    weights = np.zeros((50, 52))
    out, rotations = perform(weights, 1e-6, LifeOptions(seed=1))
    assert np.isfinite(out).all() and np.isfinite(rotations).all() and 0 <= out.min() and out.max() <= 1


@settings(max_examples=15, deadline=None)
@given(fps=st.floats(1.0, 240.0), seconds=st.floats(0.05, 20.0), seed=st.integers(0, 2**70),
       key=st.text(max_size=20))
def test_any_rate_length_seed_and_key_give_a_finite_reproducible_clip_from_the_start_pose(fps, seconds, seed, key):
    frames = max(1, int(round(seconds * fps)))
    plan = schedule([Step(Anchor("smile", concept("smile").weights, 0.8))], duration=frames / fps, fps=fps,
                    params=PARAMS, start_weights=np.full(52, 0.2, np.float32))
    life = LifeOptions(seed=seed, variation_key=key)
    weights, rotations = performance(plan, life=life, params=PARAMS)
    assert weights.shape == (frames, 52) and rotations.shape == (frames, 9)
    assert np.isfinite(weights).all() and np.isfinite(rotations).all()
    assert weights.min() >= 0.0 and weights.max() <= 1.0
    np.testing.assert_array_equal(weights[0], plan.start_weights)
    again, again_rot = performance(plan, life=life, params=PARAMS)
    np.testing.assert_array_equal(weights, again)
    np.testing.assert_array_equal(rotations, again_rot)


@settings(max_examples=60, deadline=None)
@given(weights=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=20), change=st.floats(-5.0, 5.0),
       tone=st.floats(0.0, 0.5), fade=st.floats(0.0, 1.0), rest_share=st.floats(0.0, 1.0))
@example(weights=[0.96875], change=1.0, tone=0.0, fade=1.0, rest_share=1.0)  # the resting part once pushed it to 1.002
@example(weights=[0.0], change=2.0, tone=0.5, fade=1.0, rest_share=0.0)  # the soft cap read at 0, not 0.5: 1.08
def test_bounded_add_keeps_weights_in_range_with_any_tone(weights, change, tone, fade, rest_share):
    from ml_backend.motion.micro import bounded_add

    w = np.array(weights)[:, None]
    out = bounded_add(w, np.full_like(w, change), np.full_like(w, fade), rest_share, np.array([[tone]]))
    assert np.isfinite(out).all() and out.min() >= 0.0 and out.max() <= 1.0
    np.testing.assert_array_equal(bounded_add(w, np.full_like(w, change), np.zeros_like(w), rest_share,
                                              np.array([[tone]])), w)  # no fade: exactly the weights


def test_a_resting_channel_with_a_tone_moves_and_one_without_barely_rises():
    from ml_backend.motion.micro import bounded_add

    change = 0.05 * np.sin(np.linspace(0, 20, 400))[:, None]
    rest = np.zeros_like(change)
    toned = bounded_add(rest, change, np.ones_like(change), 0.07, np.array([[0.1]]))[:, 0]
    plain = bounded_add(rest, change, np.ones_like(change), 0.07, np.array([[0.0]]))[:, 0]
    assert np.ptp(toned) > 0.02 and toned.min() >= 0.0  # room of a tracked level of 0.1: it moves
    assert np.ptp(plain) < np.ptp(toned) / 3 and plain.min() >= 0.0
