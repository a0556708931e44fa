"""Intermittent micro-motion: a face that is still most of the time and moves in quick excursions.

A real upper face does not wander smoothly: it holds still for seconds and then moves quickly, a brow
lifted for a moment with a word, a squint tightened and let go (in the Live Link takes: 50-90 quick
moves a minute outside blinks, each over about 0.1 s, still between them; the frame-to-frame
acceleration has a kurtosis of 20-300, a Gaussian's is 3). Coloured Gaussian noise of the same size
moves all the time, a little, and a classifier tells it apart at once.

The process here is a renewal of excursions: a stream rests at 0 for a gamma-distributed time, moves
in ``move`` seconds (minimum jerk) to a level drawn from a normal distribution, holds it for an
exponential time of mean ``hold`` seconds, and moves back to 0. It is zero-mean, exactly 0 (the
planned expression) whenever it rests, and has unit standard deviation in expectation (the levels are
scaled by the share of time spent away from 0). Drawing is bounded by count and linear in samples.
``smooth`` (seconds, fitted) rounds the moves' starts and stops with a Gaussian of that sd: the takes' upper face
moves as quickly at the 0.1-s scale but less abruptly from frame to frame than a bare minimum-jerk move
(its frame acceleration over its speed, ``fit_excursions``' jerk, is 0.65 against 0.80).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .easing import minimum_jerk

MAX_CYCLE = 1e9  # seconds: longer than any clip
REST_CV = 0.8  # coefficient of variation of the rests between excursions (gamma): irregular, not a metronome


def away_share(rate_per_min: float, hold: float, move: float) -> float:
    """Expected share of time a stream spends away from 0 (holding, or half of each of its two moves)."""
    cycle = 60.0 / max(rate_per_min, 1e-9)
    return float(np.clip((hold + move) / max(cycle, hold + 3.0 * move), 1e-3, 1.0))


def excursion_samples(samples: int, rate: float, channels: int, rng: np.random.Generator, rate_per_min: float,
                      hold: float, move: float, smooth: float = 0.0) -> np.ndarray:
    """samples x channels excursions at ``rate`` Hz, unit sd in expectation: ``rate_per_min`` excursions a minute
    per stream, each held ``hold`` seconds on average, moving in ``move`` seconds, rounded by a Gaussian of
    ``smooth`` seconds' sd."""
    out = np.zeros((max(samples, 0), max(channels, 0)))
    if samples <= 0 or channels <= 0 or rate_per_min <= 0 or rate <= 0:
        return out
    seconds = samples / rate
    cycle = min(60.0 / rate_per_min, MAX_CYCLE)  # a vanishing rate: no excursion in any clip, never an overflow
    rest_mean = max(cycle - hold - 2.0 * move, move)
    shape = 1.0 / REST_CV ** 2
    count = int(min(np.ceil(seconds / (rest_mean + 2.0 * move)) * 2 + 4, samples + 4))  # bounded by count
    scale = 1.0 / np.sqrt(away_share(rate_per_min, hold, move))
    times = np.arange(samples) / rate
    for c in range(channels):
        rests = rng.gamma(shape, rest_mean / shape, count)
        holds = rng.exponential(hold, count)
        levels = rng.standard_normal(count) * scale
        start = -rng.uniform(0.0, cycle)  # each stream starts at a random phase of its cycle
        ups = start + np.cumsum(rests + np.r_[0.0, (holds + 2.0 * move)[:-1]])
        downs = ups + move + holds
        onsets = np.ravel(np.column_stack([ups, downs]))
        targets = np.ravel(np.column_stack([levels, np.zeros(count)]))
        index = np.searchsorted(onsets, times, side="right") - 1
        moving = index >= 0
        k = index[moving]
        previous = np.where(k % 2 == 0, 0.0, targets[k - k % 2])  # an up move starts at 0, a down one at its level
        progress = minimum_jerk((times[moving] - onsets[k]) / move)
        out[moving, c] = previous + progress * (targets[k] - previous)
    if smooth > 0.0 and smooth * rate >= 0.1:  # under a tenth of a sample it changes nothing
        out = gaussian_rows(out, min(smooth * rate, samples))
    return out


def gaussian_kernel(sigma: float, truncate: float = 3.0) -> np.ndarray:
    """The normalised Gaussian kernel of sd ``sigma`` samples that ``gaussian_rows`` convolves with (odd length)."""
    radius = int(truncate * sigma + 0.5)
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    return kernel / kernel.sum()


def gaussian_rows(values: np.ndarray, sigma: float, truncate: float = 3.0) -> np.ndarray:
    """Gaussian blur of sd ``sigma`` samples along axis 0, edges held (scipy.ndimage.gaussian_filter1d with
    mode="nearest"), in numpy: scipy stays off the runtime path (cold start, docs/performance.md)."""
    kernel = gaussian_kernel(sigma, truncate)
    radius = len(kernel) // 2
    padded = np.concatenate([np.repeat(values[:1], radius, 0), values, np.repeat(values[-1:], radius, 0)])
    return np.stack([np.convolve(padded[:, c], kernel, mode="valid") for c in range(values.shape[1])], axis=1)


@lru_cache(maxsize=32)
def excursion_residual_share(rate_per_min: float, hold: float, move: float, fps: float = 30.0,
                             window: float = 1.0, smooth: float = 0.0) -> float:
    """sd of the excursions after subtracting their ``window``-second moving average, per unit sd (simulated with
    a fixed seed: the fit sizes them through the takes' 1-s residuals, as ``noise.residual_share`` does)."""
    rng = np.random.default_rng(12345)
    values = excursion_samples(int(600 * fps), fps, 8, rng, rate_per_min, hold, move, smooth)
    size = max(1, int(round(window * fps)))
    kernel = np.ones(size) / size
    smooth = np.stack([np.convolve(values[:, c], kernel, mode="same") for c in range(values.shape[1])], axis=1)
    inner = slice(size, len(values) - size)
    return float(np.std(values[inner] - smooth[inner]) / max(np.std(values[inner]), 1e-12))
