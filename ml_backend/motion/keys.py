"""Sparse keys with Bézier handles: curves an animator can edit, within a stated tolerance of the dense motion.

For each channel, keys are placed where they are needed: the first and last frame, then, while some
frame between two keys is further than ``tolerance`` from the dense motion, a key at the frame that
is furthest (recursive subdivision, as in Schneider's curve fitting, Graphics Gems 1990). Each key
carries the dense curve's slope; between two keys the curve is the cubic Bézier whose handles lie a
third of the way to the neighbouring keys along that slope, limited so the curve never overshoots
its keys (``_limited``: no dip below a weight keyed at 0). With handles at the thirds in time, a
Bézier F-curve segment is exactly the cubic Hermite segment evaluated here (``evaluate_keys``), so
what Blender draws is what was checked. Keys fall on whole frames, which is also where the
tolerance is checked (the dense motion exists only there).

Typically a handful of keys per second of change, two per channel that does not move. Cost:
O(frames x log frames) per channel at worst, a few milliseconds per channel for minutes of motion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_TOLERANCE = 0.01
MAX_PASSES = 64  # each pass at least doubles the keys of the intervals it splits; 2^64 frames is never reached


@dataclass(frozen=True)
class ChannelKeys:
    """Keys of one channel: frame indices (0 = the clip's first frame), values and slopes (per frame)."""

    frames: np.ndarray  # K int
    values: np.ndarray  # K
    slopes: np.ndarray  # K value change per frame, the same on both sides of a key (smooth handles)

    def handles(self) -> tuple[np.ndarray, np.ndarray]:
        """(left, right) handle positions, K x 2 each as (frame, value), at the thirds toward the neighbours."""
        frames = self.frames.astype(np.float64)
        before = np.diff(frames, prepend=frames[0] - 1.0) / 3.0
        after = np.diff(frames, append=frames[-1] + 1.0) / 3.0
        left = np.stack([frames - before, self.values - self.slopes * before], axis=1)
        right = np.stack([frames + after, self.values + self.slopes * after], axis=1)
        return left, right


def _slopes(values: np.ndarray) -> np.ndarray:
    """Slope per frame of the dense curve at each frame (central differences, one-sided at the ends)."""
    return np.gradient(values)


def _limited(frames: np.ndarray, values: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """The keys' slopes limited so the curve never overshoots its keys (Hyman's filter, SIAM J. Sci. Stat. Comput.
    1983): 0 at a key that is a peak or a valley of the keys, else at most 3x the gentler neighbouring secant.

    Between two keys the curve then stays between their values, and the handles too: a weight keyed at 0
    never dips below 0 (Blender clamps the slider, exports clamp the value: what is shown would differ from
    the curve), and scaling a clip scales its curves."""
    if len(frames) < 2:
        return np.zeros(len(frames))
    secants = np.diff(values) / np.diff(frames)
    before = np.r_[secants[0], secants]
    after = np.r_[secants, secants[-1]]
    direction = np.sign(before) * (before * after > 0)  # 0 at peaks, valleys and flat stretches of the keys
    bound = 3.0 * np.minimum(np.abs(before), np.abs(after))
    return direction * np.minimum(np.maximum(direction * slopes, 0.0), bound)


def _hermite(frames: np.ndarray, values: np.ndarray, slopes: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Cubic Hermite through the keys, evaluated at frames ``at`` (held flat outside the keys)."""
    at = np.clip(np.asarray(at, np.float64), frames[0], frames[-1])
    if len(frames) == 1:
        return np.full(at.shape, values[0])
    seg = np.clip(np.searchsorted(frames, at, side="right") - 1, 0, len(frames) - 2)
    x0, x1 = frames[seg].astype(np.float64), frames[seg + 1].astype(np.float64)
    h = x1 - x0
    t = (at - x0) / h
    t2, t3 = t * t, t * t * t
    return ((2 * t3 - 3 * t2 + 1) * values[seg] + (t3 - 2 * t2 + t) * h * slopes[seg]
            + (-2 * t3 + 3 * t2) * values[seg + 1] + (t3 - t2) * h * slopes[seg + 1])


def evaluate_keys(keys: ChannelKeys, frames: np.ndarray) -> np.ndarray:
    """The keyed curve at ``frames`` (what a Bézier F-curve with these keys and handles gives)."""
    return _hermite(keys.frames, keys.values, keys.slopes, frames)


def fit_channel(values: np.ndarray, tolerance: float = DEFAULT_TOLERANCE) -> ChannelKeys:
    """Sparse keys of one dense channel (frames,) so that every frame is within ``tolerance``."""
    values = np.asarray(values, np.float64)
    count = len(values)
    if count == 0:
        empty = np.zeros(0)
        return ChannelKeys(np.zeros(0, int), empty, empty)
    if count == 1:
        return ChannelKeys(np.array([0]), values.copy(), np.zeros(1))
    if np.abs(values - values[0]).max() <= tolerance:  # still: two flat keys
        return ChannelKeys(np.array([0, count - 1]), np.full(2, values[0]), np.zeros(2))
    slopes = _slopes(values)
    keyed = np.zeros(count, bool)
    keyed[[0, count - 1]] = True
    all_frames = np.arange(count)
    for _ in range(MAX_PASSES):
        frames = np.flatnonzero(keyed)
        error = np.abs(_hermite(frames, values[frames], _limited(frames, values[frames], slopes[frames]), all_frames)
                       - values)
        if error.max() <= tolerance:
            break
        # one new key per interval that is out of tolerance: at its worst frame
        interval = np.searchsorted(frames, all_frames, side="right") - 1
        bad = error > tolerance
        order = np.lexsort((-error[bad], interval[bad]))
        worst = all_frames[bad][order]
        first_of_interval = np.r_[True, np.diff(interval[bad][order]) != 0]
        keyed[worst[first_of_interval]] = True
    else:  # every frame keyed: exact
        keyed[:] = True
    frames = np.flatnonzero(keyed)
    return ChannelKeys(frames, values[frames], _limited(frames, values[frames], slopes[frames]))


def fit_keys(dense: np.ndarray, tolerance: float = DEFAULT_TOLERANCE) -> list[ChannelKeys]:
    """Sparse keys for each column of frames x channels ``dense``."""
    dense = np.asarray(dense, np.float64)
    if dense.ndim != 2:
        raise ValueError(f"dense motion must be frames x channels, got shape {dense.shape}")
    if not np.isfinite(tolerance) or tolerance <= 0:
        raise ValueError(f"the tolerance must be a positive number, got {tolerance!r}")
    return [fit_channel(dense[:, c], tolerance) for c in range(dense.shape[1])]


def key_report(dense: np.ndarray, keys: list[ChannelKeys], fps: float) -> dict[str, float]:
    """Keys per channel per second (over channels that move), and the largest deviation from the dense motion."""
    dense = np.asarray(dense, np.float64)
    frames = np.arange(len(dense))
    deviation = max((float(np.abs(evaluate_keys(k, frames) - dense[:, c]).max()) for c, k in enumerate(keys)
                     if len(k.frames)), default=0.0)
    moving = [k for k in keys if len(k.frames) > 2]
    seconds = max(len(dense) / fps, 1e-9)
    return {"keys_per_channel_second": float(np.mean([len(k.frames) for k in moving]) / seconds) if moving else 0.0,
            "keys_total": float(sum(len(k.frames) for k in keys)), "dense_keys": float(dense.size),
            "max_deviation": deviation, "moving_channels": float(len(moving))}
