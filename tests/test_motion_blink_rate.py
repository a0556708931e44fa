"""Blinks come at the fitted rate over the whole clip, even where much of it leaves no room to blink (the fade-in,
closed or squeezed eyes, apex frames): spontaneous blinks are planned over the time a blink may start."""

import numpy as np
from hypothesis import given, settings, strategies as st

from ml_backend.knowledge import concept
from ml_backend.motion.blinks import free_starts, plan_blinks
from ml_backend.motion.life import LifeOptions
from ml_backend.motion.performance_model import load_performance_model
from ml_backend.motion.schedule import schedule
from ml_backend.motion.timing_params import TimingParams
from ml_backend.motion.trajectory import trajectory, transition_weights
from ml_backend.naming.arkit import INDEX
from ml_backend.plan import Anchor, Step, neutral_anchor

PARAMS = TimingParams()
LID = INDEX["eyeBlinkLeft"]
QUIET = dict(micro_motion=False, asymmetry=False, gaze=False, head=False)


def _blinks(lids: np.ndarray) -> int:
    """How many runs of frames the blinks raised the eyelid in."""
    active = np.concatenate([[False], lids > 1e-3, [False]]).astype(int)
    return int((np.diff(active) == 1).sum())


def test_a_clip_squeezed_a_quarter_of_the_time_still_blinks_at_the_fitted_rate():
    """A quarter of this clip squeezes the eyes (no blink may start there); planned over the whole clip, the blinks
    that fell there were lost."""
    fps, seconds = 30.0, 240.0
    squeeze = Anchor("tighten_eyelids", concept("tighten_eyelids").weights, 1.0)
    smile = Anchor("smile", concept("smile").weights, 0.8)
    steps = [Step(neutral_anchor()), Step(squeeze), Step(neutral_anchor()), Step(smile), Step(neutral_anchor())]
    plan = schedule(steps, duration=seconds, fps=fps, params=PARAMS)
    core = transition_weights(plan, PARAMS)
    free = free_starts(core, fps, 0.2)
    assert 0.6 < free.mean() < 0.8  # the clip really leaves a quarter of its time without room to blink
    rate = load_performance_model().blinks.rate_per_min
    counts = [_blinks(trajectory(plan, life=LifeOptions(seed=seed, **QUIET), params=PARAMS)[:, LID] - core[:, LID])
              for seed in range(4)]
    realised = np.mean(counts) / (seconds / 60.0)
    assert abs(realised - rate) <= 0.1 * rate, (realised, rate, counts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=1, max_size=40), st.integers(1, 50), st.integers(0, 2**32),
       st.floats(1.0, 120.0))
def test_spontaneous_blinks_start_only_where_a_blink_may_start(pattern, repeat, seed, rate):
    """Whatever frames are free, every spontaneous blink starts on one of them (and nothing loops)."""
    fps = 30.0
    free = np.repeat(np.array(pattern), repeat)
    seconds = len(free) / fps
    blinks = plan_blinks(seconds, load_performance_model().blinks, np.random.default_rng(seed), rate=rate,
                         start=0.0, free=free, fps=fps)
    frames = np.ceil(np.array([b.start for b in blinks]) * fps - 1e-9).astype(int)
    assert all(free[f] for f in frames)
    assert all(b.start + b.duration <= seconds for b in blinks)
