"""The life layer: human blink statistics, no blinks on closed or squeezed eyes, small motion on holds, seeds."""

import numpy as np

from ml_backend.naming.arkit import INDEX
from ml_backend.knowledge import concept
from ml_backend.motion.life import LifeOptions
from ml_backend.motion.schedule import schedule
from ml_backend.motion.timing_params import TimingParams
from ml_backend.motion.trajectory import trajectory, transition_weights
from ml_backend.plan import Anchor, Step, neutral_anchor

PARAMS = TimingParams()
LIDS = [INDEX["eyeBlinkLeft"], INDEX["eyeBlinkRight"]]


def _plan(name: str | None, seconds: float, fps: float = 30.0, intensity: float = 0.8):
    anchor = neutral_anchor() if name is None else Anchor(name, concept(name).weights, intensity)
    return schedule([Step(anchor)], duration=seconds, fps=fps, params=PARAMS)


def _blink_runs(lids: np.ndarray, fps: float) -> list[float]:
    """Durations (seconds) of the runs where the eyelids are above their resting value."""
    active = np.concatenate([[False], lids > 1e-3, [False]])
    edges = np.flatnonzero(np.diff(active.astype(int)))
    return [(b - a) / fps for a, b in zip(edges[::2], edges[1::2])]


def test_blinks_come_at_a_human_rate_and_last_100_to_300_ms():
    plan = _plan(None, 600.0, fps=60.0)
    lids = trajectory(plan, life=LifeOptions(micro_motion=False, asymmetry=False, seed=7), params=PARAMS)[:, LIDS[0]]
    runs = _blink_runs(lids, 60.0)
    assert 12 <= len(runs) / 10.0 <= 22  # blinks a minute
    assert min(runs) >= 0.1 - 2 / 60 and max(runs) <= 0.3 + 1 / 60
    assert lids.max() <= 1.0 and lids.max() > 0.8


def test_no_spontaneous_blink_while_the_eyes_are_closed_or_squeezed():
    for name in ("close_both_eyes", "wink_left", "tighten_eyelids"):
        plan = _plan(name, 60.0, intensity=1.0)
        core = transition_weights(plan, PARAMS)
        lively = trajectory(plan, life=LifeOptions(micro_motion=False, asymmetry=False), params=PARAMS)
        held = slice(int(1.0 * 30), None)
        closed = (core[held][:, LIDS].max() > 0.3) or (core[held][:, [INDEX["eyeSquintLeft"], INDEX["eyeSquintRight"]]].max() > 0.5)
        assert closed, name
        np.testing.assert_allclose(lively[held][:, LIDS], core[held][:, LIDS], atol=1e-6)


def test_a_held_expression_moves_a_little_and_neutral_stays_still():
    plan = _plan("smile", 10.0)
    core = transition_weights(plan, PARAMS)
    lively = trajectory(plan, life=LifeOptions(blinks=False), params=PARAMS).astype(np.float64)
    hold = slice(60, None)
    smile = INDEX["mouthSmileLeft"]
    assert lively[hold, smile].std() > 1e-3
    assert np.abs(lively[hold] - core[hold]).max() < 0.045
    left, right = lively[hold, INDEX["mouthSmileLeft"]], lively[hold, INDEX["mouthSmileRight"]]
    assert np.abs(left - right).max() > 1e-3  # a little asymmetry
    still = trajectory(_plan(None, 10.0), life=LifeOptions(blinks=False), params=PARAMS)
    assert np.abs(still).max() == 0.0


def test_same_seed_same_clip_and_each_switch_works_alone():
    plan = _plan("happiness", 20.0)
    one = trajectory(plan, life=LifeOptions(seed=5), params=PARAMS)
    np.testing.assert_array_equal(one, trajectory(plan, life=LifeOptions(seed=5), params=PARAMS))
    assert not np.array_equal(one, trajectory(plan, life=LifeOptions(seed=6), params=PARAMS))
    bare = trajectory(plan, life=LifeOptions.off(), params=PARAMS)
    np.testing.assert_array_equal(bare, transition_weights(plan, PARAMS).astype(np.float32))
    blinks_only = trajectory(plan, life=LifeOptions(micro_motion=False, asymmetry=False, seed=5), params=PARAMS)
    others = np.setdiff1d(np.arange(52), LIDS)
    np.testing.assert_array_equal(blinks_only[:, others], bare[:, others])
    no_blinks = trajectory(plan, life=LifeOptions(blinks=False, seed=5), params=PARAMS)
    np.testing.assert_allclose(no_blinks[:, LIDS], bare[:, LIDS], atol=0.05)
    # the blink stream does not depend on the other layers being on
    assert _blink_runs(blinks_only[:, LIDS[0]] - bare[:, LIDS[0]], 30.0) == _blink_runs(
        one[:, LIDS[0]] - trajectory(plan, life=LifeOptions(blinks=False, seed=5), params=PARAMS)[:, LIDS[0]], 30.0)


def test_blink_rate_option_overrides_the_parameters():
    plan = _plan(None, 300.0)
    lids = trajectory(plan, life=LifeOptions(blink_rate=0.0), params=PARAMS)[:, LIDS[0]]
    assert lids.max() == 0.0
    fast = trajectory(plan, life=LifeOptions(blink_rate=30.0), params=PARAMS)[:, LIDS[0]]
    assert 24 <= len(_blink_runs(fast, 30.0)) / 5.0 <= 36
