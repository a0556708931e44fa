"""Fit the upper face's excursions (``ml_backend/motion/excursions.py``) to the takes' own quick moves.

The excursion process has five settings: excursions a minute per stream, their mean hold and move seconds, the
share of the upper face's sd left to slow wander, and the moves' rounding (a Gaussian's sd in seconds). None of them is a statistic of one channel directly: a
channel mixes several streams (the region's factors and its own part), and 30 Hz barely resolves a 0.2-s move.
So they are fitted by **indirect inference**: the same detector of quick moves runs on the takes' upper-face
channels (tracked frames, half a second or more from any blink: the blink layer has those moves) and on the
model's upper face simulated at 30 Hz with the fitted loadings, and the grid point whose six statistics are
closest (sum of squared log ratios) wins.

The detector, per channel, in units of the channel's own 1-s residual sd (so sizes do not matter):
- a **quick move** is a run of frames where the 0.1-s change exceeds ``QUICK`` residual sds;
- **moves a minute**: runs per tracked minute;
- **move frames**: the runs' mean length in frames (how long a move takes, as 30 Hz sees it);
- **hold**: the median time from a move to the next one of the opposite sign (out and back), same stretch only;
- **still motion**: the share of the squared 0.1-s changes outside the runs (and a frame around them): the part
  of the motion that is not quick moves. The model's only source of it is the slow wander, so the wander share
  takes it (the takes' tracker jitter outside moves included);
- **speed tail**: the mean of the fastest 5% of the frame-to-frame speeds over the mean speed (how intermittent
  the motion is: a still face with rare moves has a long tail; a mean, not a percentile, so that a channel
  moving on fewer than 5% of its frames still has one);
- **jerk**: the mean absolute frame-to-frame acceleration over the mean speed (how abruptly it moves: a
  0.1-s move is twice as jerky as a 0.3-s one at 30 Hz).
The statistics are the medians over the channels and takes that have any quick move.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy.ndimage import binary_dilation, uniform_filter1d

from ml_backend.errors import I2FETError
from ml_backend.motion.excursions import excursion_samples
from ml_backend.motion.micro import HOLD_HIGHPASS
from ml_backend.motion.noise import coloured_samples

from .stats import ANALYSIS_FPS

QUICK = 1.5  # a frame moves quickly when its 0.1-s change exceeds this many 1-s residual sds
STEP = 3  # frames at 30 Hz: the 0.1-s change
TAIL = 0.05  # the fastest share of frames the speed tail averages
BLINK_MARGIN = 15  # frames (0.5 s) kept away from blinks on the takes
SIMULATED_SECONDS = 240.0
SEED = 2024  # the simulation's seed: the same for every grid point (common random numbers)
GRID = {
    "rate_per_min": (5.0, 7.5, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0),
    "hold": (0.2, 0.3, 0.5, 0.8, 1.2, 1.8),
    "move": (0.1, 0.15, 0.2, 0.3, 0.4, 0.5),
    "wander": (0.0, 0.1, 0.2, 0.3, 0.45, 0.6),
    "smooth": (0.0, 0.02, 0.035, 0.05, 0.075, 0.1),
}
MAX_ROUNDS = 4
STAT_NAMES = ("moves_per_min", "move_frames", "hold", "still_share", "speed_tail", "jerk")


def channel_statistics(values: np.ndarray, kept: np.ndarray, fps: float = ANALYSIS_FPS) -> np.ndarray | None:
    """(moves a minute, mean move frames, median out-and-back seconds, still share, speed tail, jerk) of one
    channel, or None when
    it has no quick move or too little tracked time (see the module docstring)."""
    minutes = kept.sum() / fps / 60.0
    if minutes < 0.2 or len(values) <= 2 * STEP:
        return None
    residual = values - uniform_filter1d(values, int(fps), mode="nearest")
    scale = float(np.std(residual[kept]))
    if scale < 1e-6:
        return None
    change = np.zeros(len(values))
    change[:-STEP] = values[STEP:] - values[:-STEP]
    usable = kept.copy()
    usable[-STEP:] = False
    usable[:-STEP] &= kept[STEP:]
    quick = (np.abs(change) > QUICK * scale) & usable
    edges = np.flatnonzero(np.diff(np.r_[0, quick.astype(np.int8), 0]))
    starts, ends = edges[::2], edges[1::2]
    if len(starts) < 2:
        return None
    peaks = np.array([s + int(np.argmax(np.abs(change[s:e]))) for s, e in zip(starts, ends)])
    signs = np.sign(change[peaks])
    stretch = np.cumsum(~usable)  # moves in the same tracked stretch share this number
    pairs = (signs[1:] != signs[:-1]) & (stretch[peaks[1:]] == stretch[peaks[:-1]])
    holds = np.diff(peaks)[pairs] / fps
    near = binary_dilation(quick, iterations=1)
    energy = change[usable] ** 2
    still = float(energy[~near[usable]].sum() / max(energy.sum(), 1e-12))
    tail, jerk = _speed_shape(values, kept)
    return np.array([len(starts) / minutes, float(np.mean(ends - starts)),
                     float(np.median(holds)) if len(holds) else np.nan, still, tail, jerk])


def _speed_shape(values: np.ndarray, kept: np.ndarray) -> tuple[float, float]:
    """(mean of the fastest ``TAIL`` of the frame speeds over the mean speed, mean frame acceleration over the mean
    speed) on the frames whose neighbours are ``kept`` too; nan when the channel does not move there."""
    speed = np.abs(np.diff(values))[kept[1:] & kept[:-1]]
    accel = np.abs(np.diff(values, 2))[kept[2:] & kept[1:-1] & kept[:-2]]
    mean = float(speed.mean()) if speed.size else 0.0
    if mean < 1e-9 or accel.size == 0:
        return np.nan, np.nan
    top = np.sort(speed)[-max(1, int(round(TAIL * speed.size))):]
    return float(top.mean()) / mean, float(accel.mean()) / mean


def summary(per_channel: Sequence[np.ndarray | None]) -> np.ndarray:
    """Median over channels of each statistic (channels without a quick move or an out-and-back left out)."""
    rows = np.array([s for s in per_channel if s is not None])
    if len(rows) == 0:
        return np.full(len(STAT_NAMES), np.nan)
    return np.nanmedian(rows, axis=0)


def take_statistics(weights: np.ndarray, kept: np.ndarray, blinking: np.ndarray, channels: Sequence[int]) -> list:
    """The detector's statistics of each upper-face ``channels`` column of a take, away from blinks."""
    away = kept & ~binary_dilation(blinking, iterations=BLINK_MARGIN)
    return [channel_statistics(weights[:, c].astype(np.float64), away) for c in channels]


def simulate_upper(settings: dict, loadings: np.ndarray, own_sd: np.ndarray, alpha: float, knee: float,
                   floor: float, seconds: float = SIMULATED_SECONDS, seed: int = SEED) -> np.ndarray:
    """samples x channels of the model's upper-face micro-motion at 30 Hz (as ``micro.micro_motion`` mixes it:
    factors through ``loadings`` plus own parts, each wander x coloured + the rest x excursions)."""
    rng = np.random.default_rng(seed)
    samples, fps = int(seconds * ANALYSIS_FPS), ANALYSIS_FPS
    wander = settings["wander"]
    quick = np.sqrt(max(1.0 - wander ** 2, 0.0))
    streams = []
    for count in (loadings.shape[1], loadings.shape[0]):
        slow = coloured_samples(samples, fps, alpha, knee, rng, count, HOLD_HIGHPASS, floor)
        moves = excursion_samples(samples, fps, count, rng, settings["rate_per_min"], settings["hold"],
                                  settings["move"], settings.get("smooth", 0.0))
        streams.append(wander * slow + quick * moves)
    return streams[0] @ loadings.T + streams[1] * own_sd[None, :]


def fit_excursions(real: np.ndarray, loadings: np.ndarray, own_sd: np.ndarray, alpha: float, knee: float,
                   floor: float) -> dict:
    """The point of ``GRID`` whose simulated detector statistics are closest to ``real`` (the takes' medians,
    ``STAT_NAMES`` order) in summed squared log ratios, found by coordinate descent over the grid (each setting in
    turn tried at all its values, the others held, until none changes: about 60 simulations, not the grid's 900);
    statistics that are not finite on the takes are left out."""
    used = np.isfinite(real) & (real > 0)
    if not used.any():
        raise I2FETError("The takes' upper face has no quick move: the excursions cannot be fitted.")
    costs: dict[tuple, float] = {}

    def cost(index: tuple) -> float:
        if index not in costs:
            settings = {name: GRID[name][i] for name, i in zip(GRID, index)}
            simulated = simulate_upper(settings, loadings, own_sd, alpha, knee, floor)
            kept = np.ones(len(simulated), bool)
            stats = summary([channel_statistics(simulated[:, c], kept) for c in range(simulated.shape[1])])
            ratios = np.log(np.maximum(stats[used], 1e-6) / real[used])
            costs[index] = float(np.sum(np.where(np.isfinite(ratios), ratios, 10.0) ** 2))
        return costs[index]

    index = tuple(len(values) // 2 for values in GRID.values())
    for _ in range(MAX_ROUNDS):
        start = index
        for axis, values in enumerate(GRID.values()):
            trials = [index[:axis] + (i,) + index[axis + 1:] for i in range(len(values))]
            index = min(trials, key=cost)
        if index == start:
            break
    return {name: float(GRID[name][i]) for name, i in zip(GRID, index)}
