"""Easing profiles: normalised progress s(u) of one move, u in [0, 1] the normalised time.

Minimum jerk (Flash & Hogan 1985) has zero velocity at both ends, so moves join without a
velocity jump. A sudden move overshoots slightly and settles: s(u) = mj(u) + k u^3 (1 - u)^2, whose
added bump has zero value and velocity at both ends (still C1 at the joins) and peaks late, so the
face passes its target near u = 0.8 and comes back to it at u = 1. The gain k is solved once so that
the peak is exactly 1 + overshoot.
"""

from __future__ import annotations

from functools import cache

import numpy as np

MAX_OVERSHOOT = 0.3


def minimum_jerk(u: np.ndarray) -> np.ndarray:
    """Eased progress in [0, 1] for normalised time u (clipped to [0, 1])."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * u * (10.0 + u * (-15.0 + 6.0 * u))


def _bump(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u * u * u * (1.0 - u) * (1.0 - u)


@cache
def _gain_table() -> tuple[np.ndarray, np.ndarray]:
    """(overshoots, gains k) such that max_u mj(u) + k bump(u) = 1 + overshoot (bisection on a fine grid)."""
    u = np.linspace(0.0, 1.0, 2001)
    overshoots = np.linspace(0.0, MAX_OVERSHOOT, 61)
    low, high = np.zeros_like(overshoots), np.full_like(overshoots, 60.0)
    base, bump = minimum_jerk(u)[None, :], _bump(u)[None, :]
    for _ in range(40):
        gain = 0.5 * (low + high)
        too_high = (base + gain[:, None] * bump).max(axis=1) > 1.0 + overshoots
        high = np.where(too_high, gain, high)
        low = np.where(too_high, low, gain)
    return overshoots, 0.5 * (low + high)


def eased_progress(u: np.ndarray, overshoot: np.ndarray | float = 0.0) -> np.ndarray:
    """Progress 0 -> 1 (+ overshoot, settled by u = 1), C1; overshoot broadcasts against u (e.g. per channel)."""
    overshoot = np.clip(np.asarray(overshoot, dtype=np.float64), 0.0, MAX_OVERSHOOT)
    if not np.any(overshoot):
        return minimum_jerk(u)
    grid, gains = _gain_table()
    return minimum_jerk(u) + np.interp(overshoot, grid, gains) * _bump(u)
