"""Plan -> per-frame ARKit weights: eased, regionally staggered moves, then the life layer.

Each segment moves every channel from the previous pose to the segment's target. Within a segment
the regions are staggered (``TimingParams.region_delays``: eyes lead, the mouth follows and arrives
at the apex), each along the same eased profile (minimum jerk, with a slight overshoot-and-settle for
sudden moves, ``easing.py``). Velocity is zero at both ends of every channel's move, so weights and
velocity are continuous at every frame, joins included. Overshoot is capped per channel so weights
stay in [0, 1]. Cost: linear in frames (each segment only touches the frames of its own window).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..plan import Plan
from .easing import eased_progress, minimum_jerk
from .life import LifeOptions, perform
from .regions import REGION_OF_CHANNEL
from .timing_params import TimingParams, load_timing_params, move_kind

__all__ = ["LifeOptions", "SegmentTiming", "frame_times", "linear_weights", "minimum_jerk", "performance",
           "segment_timings", "trajectory", "transition_weights"]

MOVING = 1e-4  # a channel whose change is smaller does not count as moving
MAX_STAGGER_SHARE = 0.35  # regional stagger takes at most this share of a move's time
MIN_OVERSHOOT_FRAMES = 4  # shorter moves have no room to settle


@dataclass(frozen=True)
class SegmentTiming:
    """When each channel moves within one segment, and how."""

    starts: np.ndarray  # 52 seconds: when each channel leaves the previous pose
    length: float  # seconds each channel's move lasts
    overshoot: np.ndarray  # 52 fractions of the change overshot
    delta: np.ndarray  # 52 changes, target - previous


def frame_times(num_frames: int, fps: float) -> np.ndarray:
    """Seconds of each frame, first frame at 0."""
    return np.arange(num_frames, dtype=np.float64) / fps


def _overshoot_caps(previous: np.ndarray, target: np.ndarray, wanted: float) -> np.ndarray:
    """Per-channel overshoot, reduced where overshooting would leave [0, 1]."""
    delta = target - previous
    caps = np.full(len(delta), wanted)
    rising, falling = delta > MOVING, delta < -MOVING
    caps[rising] = np.minimum(wanted, (1.0 - target[rising]) / delta[rising])
    caps[falling] = np.minimum(wanted, target[falling] / -delta[falling])
    return np.clip(caps, 0.0, None)


def segment_timings(plan: Plan, params: TimingParams) -> list[SegmentTiming]:
    """The per-channel timing of every segment of the plan."""
    previous = plan.start_weights.astype(np.float64)
    timings = []
    for segment in plan.segments:
        target = segment.anchor.target.astype(np.float64)
        delta = target - previous
        span = max(segment.apex - segment.start, 1e-9)
        moving = np.abs(delta) > MOVING
        kind = move_kind(previous, target)
        natural = params.natural_onset(kind.amplitude, kind.release, kind.eyelid)
        delays = np.asarray(params.region_delays, np.float64)[REGION_OF_CHANNEL]
        spread = 0.0
        if moving.any():
            delays = delays - delays[moving].min()
            spread = float(delays[moving].max())
            # a faster-than-natural move staggers its regions proportionally less
            scaled = min(spread * min(1.0, span / natural), MAX_STAGGER_SHARE * span)
            delays *= scaled / spread if spread > 0 else 0.0
            spread = scaled
        length = span - spread
        wanted = params.overshoot_for(natural, span)
        if length * plan.fps < MIN_OVERSHOOT_FRAMES:
            wanted = 0.0
        timings.append(SegmentTiming(starts=segment.start + np.clip(delays, 0.0, spread), length=length,
                                     overshoot=_overshoot_caps(previous, target, wanted), delta=delta))
        previous = target
    return timings


def _accumulate(plan: Plan, windows) -> np.ndarray:
    """Start pose plus each segment's eased change; ``windows`` yields (columns, starts, length, progress_fn, delta)."""
    times = frame_times(plan.num_frames, plan.fps)
    count = len(times)
    weights = np.zeros((count, 52))
    arrived = np.zeros((count + 1, 52))  # full changes from the frame each segment has arrived
    for columns, starts, length, progress, delta in windows:
        if columns.size == 0:
            continue
        first = min(count, max(0, math.ceil(float(starts.min()) * plan.fps - 1e-9)))
        end = min(count, max(0, math.ceil(float(starts.max() + length) * plan.fps - 1e-9)))
        if end > first:
            u = (times[first:end, None] - starts[None, :]) / length
            weights[first:end, columns] += progress(u) * delta[None, :]
        arrived[end, columns] += delta
    weights += np.cumsum(arrived[:count], axis=0) + plan.start_weights.astype(np.float64)[None, :]
    return weights


def transition_weights(plan: Plan, params: TimingParams | None = None) -> np.ndarray:
    """Frames x 52 float64 weights of the plan's moves alone (no blinks, no micro-motion)."""
    params = params if params is not None else load_timing_params()[0]

    def windows():
        for timing in segment_timings(plan, params):
            columns = np.flatnonzero(np.abs(timing.delta) > MOVING)
            overshoot = timing.overshoot[columns]
            yield (columns, timing.starts[columns], timing.length,
                   lambda u, o=overshoot: eased_progress(u, o[None, :]), timing.delta[columns])

    return _accumulate(plan, windows())


def linear_weights(plan: Plan) -> np.ndarray:
    """The same plan by linear interpolation (the paper's FET baseline), frames x 52 float64."""
    def windows():
        previous = plan.start_weights.astype(np.float64)
        for segment in plan.segments:
            target = segment.anchor.target.astype(np.float64)
            delta = target - previous
            columns = np.flatnonzero(np.abs(delta) > MOVING)
            yield (columns, np.full(columns.size, segment.start), max(segment.apex - segment.start, 1e-9),
                   lambda u: np.clip(u, 0.0, 1.0), delta[columns])
            previous = target

    return _accumulate(plan, windows())


def performance(plan: Plan, life: LifeOptions | None = None,
                params: TimingParams | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(frames x 52 weights in [0, 1] as float32, frames x 9 head/eye rotations in radians as float32).

    The weights start exactly at ``plan.start_weights`` and reach each target at its apex (life aside).
    ``life``: gaze, head, blinks, micro-motion and asymmetry (``LifeOptions()``: all on, seed 0;
    ``LifeOptions.off()`` for the bare transitions). ``params``: the saved fitted timing when None.
    """
    params = params if params is not None else load_timing_params()[0]
    life = life if life is not None else LifeOptions()
    weights, rotations = perform(transition_weights(plan, params), plan.fps, life, plan)
    return np.clip(weights, 0.0, 1.0).astype(np.float32), rotations.astype(np.float32)


def trajectory(plan: Plan, life: LifeOptions | None = None, params: TimingParams | None = None) -> np.ndarray:
    """Frames x 52 weights of ``performance`` (the head and eye rotations left out)."""
    return performance(plan, life, params)[0]
