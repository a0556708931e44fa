"""Plan -> trajectory: reaches each target, smooth at every frame."""

import numpy as np
import pytest

from ml_backend.errors import BadTimingError
from ml_backend.motion.schedule import schedule
from ml_backend.motion.trajectory import minimum_jerk, trajectory
from ml_backend.plan import Anchor, Step, neutral_anchor


def _anchor(channel: int, value: float = 1.0) -> Anchor:
    weights = np.zeros(52, np.float32)
    weights[channel] = value
    return Anchor(label=f"c{channel}", weights=weights, intensity=0.8)


def test_minimum_jerk_has_zero_velocity_at_both_ends():
    u = np.array([0.0, 1e-4, 0.5, 1 - 1e-4, 1.0])
    s = minimum_jerk(u)
    assert s[0] == 0 and s[-1] == 1 and abs(s[2] - 0.5) < 1e-12
    assert s[1] < 1e-10 and 1 - s[3] < 1e-10


def test_trajectory_reaches_every_target_and_returns():
    steps = [Step(_anchor(23)), Step(_anchor(17)), Step(neutral_anchor())]
    plan = schedule(steps, duration=4.0, fps=30)
    weights = trajectory(plan)
    assert weights.shape == (120, 52)
    for segment in plan.segments:
        apex_frame = int(np.ceil(segment.apex * 30))
        np.testing.assert_allclose(weights[apex_frame], segment.anchor.target, atol=1e-5)
    np.testing.assert_allclose(weights[0], 0, atol=1e-6)
    np.testing.assert_allclose(weights[-1], 0, atol=1e-6)


def test_no_velocity_jump_at_any_frame():
    steps = [Step(_anchor(23)), Step(_anchor(17)), Step(_anchor(43)), Step(neutral_anchor())]
    weights = trajectory(schedule(steps, duration=2.0, fps=30)).astype(np.float64)
    velocity = np.diff(weights, axis=0)
    jumps = np.abs(np.diff(velocity, axis=0)).max()
    largest_step = np.abs(velocity).max()
    # A linear blend would jump by its full per-frame speed at each join; min-jerk changes gently.
    assert jumps < 0.5 * largest_step


def test_bad_timing_is_refused():
    with pytest.raises(BadTimingError):
        schedule([Step(_anchor(1))], duration=0, fps=30)
    with pytest.raises(BadTimingError):
        schedule([], duration=1, fps=30)


def test_too_many_steps_for_the_clip_are_compressed_with_a_note():
    steps = [Step(_anchor(i)) for i in range(5)]
    plan = schedule(steps, duration=4 / 30, fps=30)
    assert any("compressed" in n for n in plan.notes)
    assert np.isfinite(trajectory(plan)).all()
