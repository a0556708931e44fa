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
    return fit_keys(np.asarray(values, np.float64).reshape(-1, 1), tolerance)[0]


def _limited_all(values: np.ndarray, slopes: np.ndarray, before_key: np.ndarray, after_key: np.ndarray) -> np.ndarray:
    """``_limited`` for every channel at once: the limited slope each frame would have as a key (frames x channels).

    ``before_key``/``after_key`` hold the neighbouring keys' frames (-1 / frames when there is none: the first
    and last key take their one secant on both sides, as ``_limited`` does)."""
    count, channels = values.shape
    cols = np.arange(channels)
    at = np.arange(count, dtype=np.float64)[:, None]
    has_before, has_after = before_key >= 0, after_key < count
    b = np.where(has_before, before_key, 0)
    a = np.where(has_after, after_key, count - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        secant_before = (values - values[b, cols]) / (at - b)
        secant_after = (values[a, cols] - values) / (a - at)
    secant_before = np.where(has_before, secant_before, secant_after)
    secant_after = np.where(has_after, secant_after, secant_before)
    secant_before = np.nan_to_num(secant_before)
    secant_after = np.nan_to_num(secant_after)
    direction = np.sign(secant_before) * (secant_before * secant_after > 0)
    bound = 3.0 * np.minimum(np.abs(secant_before), np.abs(secant_after))
    return direction * np.minimum(np.maximum(direction * slopes, 0.0), bound)


def _fit_together(values: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """Which frames are keys (frames x channels bool), every channel subdivided at once.

    The same subdivision as one channel at a time (one new key per out-of-tolerance interval, at its
    worst frame), done on whole frames x channels arrays over the channels still out of tolerance: a
    Python loop per channel cost most of a warm Generate (about 100 ms for 52 channels of 120 frames)."""
    count, channels = values.shape
    slopes = np.gradient(values, axis=0)
    keyed = np.zeros((count, channels), bool)
    keyed[[0, -1]] = True
    active = np.arange(channels)
    for _ in range(MAX_PASSES):
        bad_frames, bad_channels, error, last = _out_of_tolerance(values[:, active], slopes[:, active],
                                                                  keyed[:, active], tolerance[active])
        if not len(bad_frames):
            return keyed
        interval = bad_channels * count + last[bad_frames, bad_channels]
        order = np.lexsort((-error, interval))
        first = np.r_[True, np.diff(interval[order]) != 0]
        keyed[bad_frames[order][first], active[bad_channels[order][first]]] = True
        active = active[np.unique(bad_channels)]
    keyed[:] = True  # every frame keyed: exact
    return keyed


def _out_of_tolerance(values: np.ndarray, slopes: np.ndarray, keyed: np.ndarray, tolerance: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Frames further than the tolerance from the keyed curve: (frame, channel, error) of each, and the key
    at or before every frame (frames x channels)."""
    count, channels = values.shape
    cols = np.arange(channels)
    index = np.arange(count)[:, None]
    last = np.maximum.accumulate(np.where(keyed, index, -1), axis=0)
    following = np.minimum.accumulate(np.where(keyed, index, count)[::-1], axis=0)[::-1]
    before_key = np.vstack([np.full((1, channels), -1), last[:-1]])
    after_key = np.vstack([following[1:], np.full((1, channels), count)])
    limited = _limited_all(values, slopes, before_key, after_key)
    x0 = last
    x1 = np.where(keyed, np.minimum(last + 1, count - 1), following)  # at a key: any segment, t = 0
    h = np.maximum(x1 - x0, 1).astype(np.float64)
    t = (index - x0) / h
    t2, t3 = t * t, t * t * t
    curve = ((2 * t3 - 3 * t2 + 1) * values[x0, cols] + (t3 - 2 * t2 + t) * h * limited[x0, cols]
             + (-2 * t3 + 3 * t2) * values[x1, cols] + (t3 - t2) * h * limited[x1, cols])
    error = np.where(keyed, 0.0, np.abs(curve - values))
    frame, channel = np.nonzero(error > tolerance)
    return frame, channel, error[frame, channel], last


def fit_keys(dense: np.ndarray, tolerance: float | np.ndarray = DEFAULT_TOLERANCE) -> list[ChannelKeys]:
    """Sparse keys for each column of frames x channels ``dense``; ``tolerance`` is one number or one per channel."""
    dense = np.asarray(dense, np.float64)
    if dense.ndim != 2:
        raise ValueError(f"dense motion must be frames x channels, got shape {dense.shape}")
    tolerance = np.broadcast_to(np.asarray(tolerance, np.float64), (dense.shape[1],))
    if not np.all(np.isfinite(tolerance)) or np.any(tolerance <= 0):
        raise ValueError(f"the tolerance must be a positive number, got {tolerance!r}")
    count, channels = dense.shape
    if count == 0:
        empty = np.zeros(0)
        return [ChannelKeys(np.zeros(0, int), empty, empty) for _ in range(channels)]
    if count == 1:
        return [ChannelKeys(np.array([0]), dense[:, c].copy(), np.zeros(1)) for c in range(channels)]
    still = np.abs(dense - dense[0]).max(axis=0) <= tolerance
    keyed = np.ones((count, channels), bool)
    moving = np.flatnonzero(~still)
    if len(moving):
        keyed[:, moving] = _fit_together(dense[:, moving], tolerance[moving])
    slopes = np.gradient(dense, axis=0)
    result = []
    for c in range(channels):
        if still[c]:  # two flat keys
            result.append(ChannelKeys(np.array([0, count - 1]), np.full(2, dense[0, c]), np.zeros(2)))
            continue
        frames = np.flatnonzero(keyed[:, c])
        result.append(ChannelKeys(frames, dense[frames, c], _limited(frames, dense[frames, c], slopes[frames, c])))
    return result


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
