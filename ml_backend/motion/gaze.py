"""Where the eyes look: fixations, saccades between them (both eyes together), slow drift, and the
eyeLook channels that follow from the eye rotations.

A gaze path is a renewal process: a fixation of log-normal duration, then a saccade of log-normal
amplitude in a random direction (vertical moves ``pitch_share`` the size of horizontal ones) that
turns back toward the centre once the gaze is beyond the fitted spread, lasting the main sequence's
21 ms + 2.2 ms/deg along a minimum-jerk profile. Slow drift (coloured noise, ``noise.py``) and a fixational
jitter whose steps come in short runs (white samples rounded by a Gaussian: the takes' consecutive gaze steps
correlate, +0.34) are added during fixations; the jitter is larger for a few tenths of a second after each saccade
(``unrest``: the takes' still gaze speed is 2-3 times its settled level there). The eyelid channels follow the eye's pitch ``lagged`` (late). Angles are radians in Live Link order: yaw positive toward the subject's right,
pitch positive looking down. Planning is bounded by count (a fixation lasts at least 0.1 s).
"""

from __future__ import annotations

import numpy as np

from .easing import minimum_jerk
from .excursions import gaussian_kernel, gaussian_rows
from .noise import coloured_noise, coloured_samples, noise_rate, samples_for, to_frames
from .performance_model import DriftModel, SaccadeModel

MIN_FIXATION = 0.1  # seconds
MAX_SACCADE = 30.0  # degrees
JITTER_ALPHA, JITTER_KNEE = 2.0, 0.1  # spectrum of the jitter size's wander: over seconds
UNREST_RISE = 0.035  # seconds: the unrest after a saccade rises over the saccade (main sequence at 6 deg), by default
UNREST_SPAN = 12.0  # time constants after which a saccade's unrest is cut off (exp(-12): 6e-6 of its gain)


def plan_saccades(seconds: float, model: SaccadeModel, rng: np.random.Generator, start: float = 0.4,
                  max_events: int = 100_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(onset seconds, durations in seconds, N x 2 gaze targets (yaw, pitch) in degrees) over ``seconds``.

    At most ``max_events`` saccades are drawn (the caller passes a bound from the clip's frames)."""
    if not np.isfinite(seconds) or seconds <= start:
        return np.zeros(0), np.zeros(0), np.zeros((0, 2))
    count = int(min(np.ceil((seconds - start) / MIN_FIXATION), 4 * (seconds - start) / np.exp(model.fixation_log_mean)
                    + 16, max_events))
    fixations = np.maximum(MIN_FIXATION, np.exp(rng.normal(model.fixation_log_mean, model.fixation_log_sd, count)))
    amplitudes = np.minimum(MAX_SACCADE, np.exp(rng.normal(model.amplitude_log_mean, model.amplitude_log_sd, count)))
    angles = rng.uniform(0.0, 2.0 * np.pi, count)
    onsets = start + np.cumsum(fixations)
    keep = onsets < seconds
    onsets, amplitudes, angles = onsets[keep], amplitudes[keep], angles[keep]
    spread = np.array([max(model.spread_yaw, 0.5), max(model.spread_pitch, 0.5)])
    direction = np.stack([np.cos(angles), model.pitch_share * np.sin(angles)], axis=1)
    direction /= np.maximum(np.linalg.norm(direction, axis=1, keepdims=True), 1e-9)
    steps = amplitudes[:, None] * direction
    targets = np.zeros((len(onsets), 2))
    limit_x, limit_y = 1.5 * float(spread[0]), 1.5 * float(spread[1])
    x = y = 0.0
    for i, (dx, dy) in enumerate(steps.tolist()):  # sequential: each saccade starts where the last one ended
        if abs(x + dx) > limit_x and dx * x > 0:
            dx = -dx  # turn back toward the centre
        if abs(y + dy) > limit_y and dy * y > 0:
            dy = -dy
        x = min(max(x + dx, -2 * limit_x), 2 * limit_x)
        y = min(max(y + dy, -2 * limit_y), 2 * limit_y)
        targets[i] = (x, y)
    lengths = model.main_sequence[0] + model.main_sequence[1] * np.linalg.norm(
        np.diff(np.vstack([np.zeros(2), targets]), axis=0), axis=1)
    return onsets, lengths, targets


def gaze_rotations(times: np.ndarray, fps: float, saccades: tuple[np.ndarray, np.ndarray, np.ndarray],
                   drift: DriftModel, conjugacy: float, rng: np.random.Generator) -> np.ndarray:
    """Frames x 6 eye rotations (left yaw, pitch, roll, right yaw, pitch, roll) in radians."""
    onsets, lengths, targets = saccades
    path = gaze_path(times, onsets, lengths, targets)
    person = float(np.exp(drift.person_log_sd * rng.standard_normal()))  # this character's size of small motion
    path += person * drift.sd / np.sqrt(2.0) * coloured_noise(len(times), fps, drift.alpha, drift.knee, rng, channels=2)
    jitter = drift.jitter * rounded_jitter(len(times), fps, drift.jitter_smooth, rng, channels=2)
    size = np.exp(drift.jitter_log_sd * coloured_noise(len(times), fps, JITTER_ALPHA, JITTER_KNEE, rng))
    size = size * unrest(times, onsets, drift.unrest_gain, drift.unrest_time, lengths)[:, None]
    path += person * jitter * size  # its size wanders slowly (median preserved), as the takes' does
    radians = np.radians(path)
    eyes = np.zeros((len(times), 6))
    eyes[:, 0:2] = radians
    eyes[:, 3:5] = radians * np.array([conjugacy, conjugacy])[None, :]
    return eyes


def unrest(times: np.ndarray, onsets: np.ndarray, gain: float, time: float,
           rises: np.ndarray | float = UNREST_RISE) -> np.ndarray:
    """Per frame, how many times its usual size the fixational jitter is: 1 plus, for each saccade, ``gain`` x
    exp(-t / ``time``), t the seconds since its onset, risen smoothly over the saccade's length (``rises``, minimum
    jerk: the size stays C1, so the gaze does) and cut off ``UNREST_SPAN`` time constants later (less than 1e-5 of
    the gain): the eyes are unsteady right after a saccade and settle (fitted, ``fit_performance._fit_unrest``).
    Linear in frames (each saccade touches the frames of its span)."""
    out = np.ones(len(times))
    if gain <= 0.0 or len(onsets) == 0 or time <= 0.0 or len(times) == 0:
        return out
    rises = np.broadcast_to(np.maximum(np.asarray(rises, np.float64), 1e-6), np.shape(onsets))
    span = UNREST_SPAN * time
    firsts = np.searchsorted(times, onsets, side="left")
    ends = np.searchsorted(times, np.asarray(onsets) + span, side="left")
    for onset, rise, first, end in zip(np.asarray(onsets).tolist(), rises.tolist(), firsts.tolist(), ends.tolist()):
        since = times[first:end] - onset
        out[first:end] += gain * np.exp(-since / time) * minimum_jerk(since / rise)
    return out


def rounded_jitter(count: int, fps: float, smooth: float, rng: np.random.Generator, channels: int = 2) -> np.ndarray:
    """count x channels fixational jitter of unit sd: white at the noise rate, its samples rounded by a Gaussian of
    ``smooth`` seconds' sd (the takes' gaze steps are positively correlated from frame to frame: small moves over
    a few frames, not independent jumps; ``jitter_autocorrelation`` is what the fit compares)."""
    rate = noise_rate(fps)
    white = coloured_samples(samples_for(count, fps), rate, 0.0, 1.0, rng, channels)
    sigma = smooth * rate
    if sigma >= 0.1:  # under a tenth of a sample it changes nothing
        white = gaussian_rows(white, sigma) / np.sqrt(np.sum(gaussian_kernel(sigma) ** 2))
    return to_frames(white, count, fps)


def jitter_autocorrelation(smooth: float, rate: float, lags: np.ndarray) -> np.ndarray:
    """Autocorrelation at integer ``lags`` (samples at ``rate`` Hz) of ``rounded_jitter``'s samples."""
    lags = np.asarray(lags, int)
    sigma = smooth * rate
    if sigma < 0.1:
        return (lags == 0).astype(np.float64)
    kernel = gaussian_kernel(sigma)
    full = np.correlate(kernel, kernel, mode="full") / np.sum(kernel ** 2)
    middle = len(kernel) - 1
    return np.array([full[middle + lag] if lag < len(kernel) else 0.0 for lag in np.abs(lags)])


def gaze_path(times: np.ndarray, onsets: np.ndarray, lengths: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Frames x D path through N x D targets from zero: each frame follows the last move begun before it
    (minimum jerk over its length, held after). Linear in frames; used for gaze and head poses."""
    path = np.zeros((len(times), targets.shape[1]))
    if len(onsets) == 0:
        return path
    previous = np.vstack([np.zeros(targets.shape[1]), targets[:-1]])
    index = np.searchsorted(onsets, times, side="right") - 1  # -1: before the first saccade
    moving = index >= 0
    k = index[moving]
    progress = minimum_jerk((times[moving] - onsets[k]) / lengths[k])[:, None]
    path[moving] = previous[k] + progress * (targets[k] - previous[k])
    return path


def lagged(values: np.ndarray, fps: float, lag: float) -> np.ndarray:
    """frames x D ``values`` followed with a first-order lag of ``lag`` seconds (a causal exponential kernel, the
    first frame held before the clip): the lids follow the eye's rotation ~0.05 s late and rounded (in the takes
    the lid's frame steps correlate with the eye's as much one and two frames later). C1 input stays C1."""
    width = lag * fps
    if width < 0.1 or len(values) == 0:  # under a tenth of a frame it changes nothing
        return values
    taps = np.arange(int(np.ceil(5.0 * width)) + 1)
    kernel = np.exp(-taps / width)
    kernel /= kernel.sum()
    padded = np.concatenate([np.repeat(values[:1], len(taps) - 1, 0), values])
    return np.stack([np.convolve(padded[:, c], kernel, mode="valid") for c in range(values.shape[1])], axis=1)


def look_weights(eyes: np.ndarray, gains: dict[int, tuple[int, float]], count: int) -> np.ndarray:
    """Frames x 52 eyeLook weights implied by frames x 9 rotations (head columns 0-2, eyes 3-8)."""
    weights = np.zeros((count, 52))
    for channel, (column, gain) in gains.items():
        weights[:, channel] = np.minimum(_smooth_positive(gain * eyes[:, column]), 1.0)
    return weights


def _smooth_positive(x: np.ndarray, width: float = 0.02) -> np.ndarray:
    """max(x, 0) with the corner rounded over +-width (C1), so the channels stay smooth as the eyes cross centre."""
    return np.where(x >= width, x, np.where(x <= -width, 0.0, (x + width) ** 2 / (4.0 * width)))
