"""Plan -> per-frame ARKit weights, with a minimum-jerk ease between poses.

Each segment moves from the previous pose to its target along the minimum-jerk profile
s(u) = 10u^3 - 15u^4 + 6u^5 (Flash & Hogan 1985), whose velocity and acceleration are zero at
both ends: the clip is smooth at every frame, including joins. The weights are the start pose plus
the sum of each segment's eased change, so the cost is linear in frames x segments.
"""

from __future__ import annotations

import numpy as np

from ..plan import Plan


def minimum_jerk(u: np.ndarray) -> np.ndarray:
    """Eased progress in [0, 1] for normalised time u (clipped to [0, 1])."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * u * (10.0 + u * (-15.0 + 6.0 * u))


def frame_times(num_frames: int, fps: float) -> np.ndarray:
    """Seconds of each frame, first frame at 0."""
    return np.arange(num_frames, dtype=np.float64) / fps


def trajectory(plan: Plan) -> np.ndarray:
    """Frames x 52 weights in [0, 1] that start at ``plan.start_weights`` and reach each target at its apex."""
    times = frame_times(plan.num_frames, plan.fps)
    weights = np.repeat(plan.start_weights[None, :].astype(np.float64), len(times), axis=0)
    previous = plan.start_weights.astype(np.float64)
    for segment in plan.segments:
        target = segment.anchor.target.astype(np.float64)
        span = max(segment.apex - segment.start, 1e-9)
        progress = minimum_jerk((times - segment.start) / span)
        weights += progress[:, None] * (target - previous)[None, :]
        previous = target
    return np.clip(weights, 0.0, 1.0).astype(np.float32)
