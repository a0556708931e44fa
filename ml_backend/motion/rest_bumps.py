"""Resting bumps: the short smooth rises of a resting upper face above the tracker's clamped 0.

On the Live Link takes' resting frames (1-s level below 0.06, away from blinks) browOuterUp reads exactly 0 on
19-95% of frames, browDown on 26-89%, eyeWide on 35-100%; when they leave 0 they move smoothly (consecutive frame
steps correlate +0.26 to +0.72): short bumps of a few frames above 0 (docs/motion.md). Here each such channel gets
bumps at a fitted rate (a minute of rest), each a raised cosine ``height (1 - cos(2 pi t / duration)) / 2`` (C1: its
value and slope are 0 at both ends), heights exponential around the fitted mean, durations the fitted one. Bumps are
drawn by count, never by a loop over time. All the channels share one stream of bumps, each at its own height:
a stream per left/right pair (three independent ones) lowered the upper face's co-activation out of the takes'
range (top-3 share 0.979 -> 0.940 against 0.952-0.983); one shared stream kept it inside (0.958).
"""

from __future__ import annotations

import numpy as np


def bump_samples(count: int, fps: float, rng: np.random.Generator, rate_per_min: float, duration: float,
                 height: float) -> np.ndarray:
    """``count`` frames of positive raised-cosine bumps at ``rate_per_min`` a minute (Poisson), each ``duration``
    seconds long, heights exponential with mean ``height``."""
    out = np.zeros(max(count, 0))
    if count <= 0 or fps <= 0 or rate_per_min <= 0 or duration <= 0 or height <= 0:
        return out
    seconds = count / fps
    expected = seconds * rate_per_min / 60.0
    events = int(rng.poisson(expected))
    if events == 0:
        return out
    starts = rng.uniform(-duration, seconds, min(events, count + 16))
    heights = rng.exponential(height, len(starts))
    span = int(np.ceil(duration * fps)) + 1
    first = np.ceil(starts * fps).astype(int)
    frames = first[:, None] + np.arange(span)[None, :]
    phase = np.clip((frames / fps - starts[:, None]) / duration, 0.0, 1.0)
    shape = heights[:, None] * 0.5 * (1.0 - np.cos(2.0 * np.pi * phase))
    inside = (frames >= 0) & (frames < count)
    np.add.at(out, frames[inside], shape[inside])
    return out


def rest_bumps(count: int, fps: float, bumps: tuple[tuple[int, float, float, float], ...],
               rng: np.random.Generator) -> np.ndarray:
    """count x 52 resting bumps for (channel, rate a minute, duration s, mean height): one stream shared by all the
    channels, drawn at unit height with the median of the channels' fitted rates and durations (whatever their
    order), scaled by each channel's height."""
    out = np.zeros((max(count, 0), 52))
    if not bumps:
        return out
    rate = float(np.median([entry[1] for entry in bumps]))
    duration = float(np.median([entry[2] for entry in bumps]))
    shared = bump_samples(count, fps, rng, rate, duration, 1.0)
    for channel, _, _, height in bumps:
        out[:, channel] += height * shared
    return out
