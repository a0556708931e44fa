"""The life layer: spontaneous blinks, micro-motion and left/right asymmetry, each switchable and seeded.

Every layer keeps weights in [0, 1] and C1 by construction (no clipping): micro-motion and asymmetry
add c(t) * 4 w (1 - w) with |c| <= 1/4, which is zero at 0 and 1 and never leaves the range; a blink
moves the eyelids toward 1 by w + (1 - w) b(t) with b a C1 pulse in [0, 1]. The layers fade in over
the first LIFE_FADE_IN seconds so that frame 0 is exactly the plan's start pose (clips chain).
Each layer draws from its own random stream, so switching one off leaves the others unchanged.

Blinks follow the spontaneous blink rate (``TimingParams.blink_rate``, 17/min by default; Doughty
2001 reports 8-21/min in primary gaze), last ``blink_duration`` (100-300 ms here; a blink takes
100-400 ms), close faster than they open, and are skipped while the eyes are closed, closing,
winking or squeezed (a blink there would be invisible or would fight the expression).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .easing import minimum_jerk
from .regions import EYELID_CHANNELS, SQUINT_CHANNELS, left_right_pairs
from .timing_params import TimingParams

LIFE_FADE_IN = 0.4  # seconds
MICRO_AMPLITUDE = 0.015  # largest micro-motion change (at w = 0.5)
ASYMMETRY_AMPLITUDE = 0.025  # largest left/right difference (at w = 0.5)
BLINK_CLOSING_SHARE = 0.4  # share of a blink spent closing
BLINK_MIN_GAP = 0.8  # seconds between the end of one blink and the start of the next, at least
BLINK_DURATION_RANGE = (0.1, 0.3)
EYES_CLOSED = 0.3  # eyelid weight above which no spontaneous blink is added
EYES_SQUEEZED = 0.5  # eye-squint weight above which no spontaneous blink is added


@dataclass(frozen=True)
class LifeOptions:
    """Which life layers to add, and the seed that makes them reproducible."""

    blinks: bool = True
    micro_motion: bool = True
    asymmetry: bool = True
    seed: int = 0
    blink_rate: float | None = None  # blinks a minute; None: the timing parameters' rate

    @classmethod
    def off(cls) -> "LifeOptions":
        return cls(blinks=False, micro_motion=False, asymmetry=False)


@dataclass(frozen=True)
class Blink:
    start: float  # seconds
    duration: float  # seconds
    depth: float  # how far the lids close, 0..1


def _rng(seed: int, layer: int) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, layer])


def _smooth_noise(times: np.ndarray, channels: int, rng: np.random.Generator, low_hz: float, high_hz: float,
                  components: int = 3) -> np.ndarray:
    """Frames x channels smooth noise in [-1, 1]: a few sinusoids of random frequency and phase."""
    freqs = rng.uniform(low_hz, high_hz, size=(components, channels))
    phases = rng.uniform(0.0, 2.0 * np.pi, size=(components, channels))
    amps = rng.uniform(0.5, 1.0, size=(components, channels))
    noise = np.zeros((len(times), channels))
    for k in range(components):
        noise += amps[k] * np.sin(2.0 * np.pi * freqs[k][None, :] * times[:, None] + phases[k][None, :])
    return noise / amps.sum(axis=0)[None, :]


def blink_pulse(x: np.ndarray) -> np.ndarray:
    """Eyelid closure 0 -> 1 -> 0 over x in [0, 1], closing faster than opening, C1."""
    closing = minimum_jerk(x / BLINK_CLOSING_SHARE)
    opening = minimum_jerk((x - BLINK_CLOSING_SHARE) / (1.0 - BLINK_CLOSING_SHARE))
    return closing - opening


def plan_blinks(weights: np.ndarray, fps: float, rate: float, duration: float, rng: np.random.Generator) -> list[Blink]:
    """Blinks at ``rate`` a minute (gamma-distributed intervals), where the eyes are open and relaxed."""
    if rate <= 0:
        return []
    blinks: list[Blink] = []
    mean_gap = 60.0 / rate
    t = LIFE_FADE_IN + rng.uniform(0.0, mean_gap)
    while True:
        length = float(np.clip(duration * rng.uniform(0.8, 1.25), *BLINK_DURATION_RANGE))
        depth = rng.uniform(0.85, 1.0)
        if t + length > (len(weights) - 1) / fps:
            break
        window = weights[int(t * fps): int(np.ceil((t + length) * fps)) + 1]
        if window[:, EYELID_CHANNELS].max() < EYES_CLOSED and window[:, SQUINT_CHANNELS].max() < EYES_SQUEEZED:
            blinks.append(Blink(start=t, duration=length, depth=depth))
        t += max(BLINK_MIN_GAP + length, rng.gamma(4.0, mean_gap / 4.0))
    return blinks


def _add_blinks(weights: np.ndarray, fps: float, blinks: list[Blink]) -> None:
    for blink in blinks:
        first = int(np.ceil(blink.start * fps))
        end = min(len(weights), int(np.ceil((blink.start + blink.duration) * fps)))
        x = (np.arange(first, end) / fps - blink.start) / blink.duration
        closure = (blink.depth * blink_pulse(x))[:, None]
        lids = weights[first:end][:, EYELID_CHANNELS]
        weights[first:end, EYELID_CHANNELS] = lids + (1.0 - lids) * closure


def add_life(weights: np.ndarray, fps: float, options: LifeOptions, params: TimingParams) -> np.ndarray:
    """The weights with the chosen life layers added (a new float64 array)."""
    weights = np.array(weights, dtype=np.float64)
    if not (options.micro_motion or options.asymmetry or options.blinks):
        return weights
    times = np.arange(len(weights)) / fps
    fade = minimum_jerk(times / LIFE_FADE_IN)[:, None]
    swing = np.zeros_like(weights)
    if options.micro_motion:
        swing += MICRO_AMPLITUDE * _smooth_noise(times, weights.shape[1], _rng(options.seed, 1), 0.15, 0.8)
    if options.asymmetry:
        pairs = left_right_pairs()
        rng = _rng(options.seed, 2)
        lean = 0.5 * rng.uniform(-1.0, 1.0, size=len(pairs))[None, :]
        side = ASYMMETRY_AMPLITUDE * (lean + 0.5 * _smooth_noise(times, len(pairs), rng, 0.03, 0.12))
        swing[:, pairs[:, 0]] += side
        swing[:, pairs[:, 1]] -= side
    weights += fade * swing * 4.0 * weights * (1.0 - weights)
    if options.blinks:
        rate = options.blink_rate if options.blink_rate is not None else params.blink_rate
        _add_blinks(weights, fps, plan_blinks(weights, fps, rate, params.blink_duration, _rng(options.seed, 3)))
    return weights
