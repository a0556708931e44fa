"""Coloured noise with a fitted spectrum: the raw material of micro-motion, gaze drift and idle head motion.

A real face's small motion is not white: its power falls with frequency. The model spectrum is
S(f) = 1 / (1 + (f / f_knee)^alpha): flat below the knee, 1/f^alpha above it (alpha and the knee are
fitted per region from the takes, ``i2fet_tools/motion/fit_performance.py``). Noise is drawn by
spectral synthesis: white Gaussian noise, shaped in the frequency domain, back to time (numpy's FFT;
O(n log n), tens of milliseconds for 18,000 frames x 60 channels). The spectrum is in hertz, so a clip
at 24, 30 or 60 fps gets the same motion in seconds; at very low frame rates it degrades to white
noise of the same size, never to a longer computation.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.fft import irfft, rfft  # not scipy's: scipy stays off the runtime path (cold start, docs/performance.md)

NOISE_RATE = 30.0  # Hz the noise is drawn at
PAD_SHARE = 0.25  # extra length drawn and dropped, so the synthesis' circular wrap does not join the ends


def next_fast_len(target: int, real: bool = True) -> int:
    """The smallest 5-smooth length >= ``target`` (what scipy.fft.next_fast_len returns), fast for the FFT."""
    best, p5 = None, 1
    while p5 < 2 * target:
        p35 = p5
        while p35 < 2 * target:
            n = p35
            while n < target:
                n *= 2
            best = n if best is None or n < best else best
            p35 *= 3
        p5 *= 5
    return best


def _shape(freqs: np.ndarray, alpha: float, knee: float, highpass: float = 0.0, floor: float = 0.0) -> np.ndarray:
    """Amplitude (square root of the power) of the model spectrum at ``freqs`` (Hz) plus a white ``floor`` (power,
    relative to the spectrum's low end), times a first-order high-pass at ``highpass`` Hz when it is above 0
    (slower change belongs to the plan, not to the life layer)."""
    amp = np.sqrt(1.0 / (1.0 + (np.abs(freqs) / max(knee, 1e-6)) ** alpha) + floor)
    if highpass > 0:
        ratio = (np.abs(freqs) / highpass) ** 2
        amp = amp * np.sqrt(ratio / (1.0 + ratio))
    return amp


def noise_rate(fps: float) -> float:
    """The rate noise is drawn at for a clip at ``fps``: ``NOISE_RATE``, or the clip's when lower."""
    return min(float(fps), NOISE_RATE)


def coloured_samples(samples: int, rate: float, alpha: float, knee: float, rng: np.random.Generator,
                     channels: int = 1, highpass: float = 0.0, floor: float = 0.0) -> np.ndarray:
    """samples x channels noise at ``rate`` Hz, unit standard deviation in expectation, model spectrum."""
    if samples <= 0 or channels <= 0:
        return np.zeros((max(samples, 0), max(channels, 0)))
    n = next_fast_len(int(samples + max(8, PAD_SHARE * samples)), real=True)
    white = rng.standard_normal((channels, n))
    freqs = np.fft.rfftfreq(n, d=1.0 / rate)
    amp = _shape(freqs, alpha, knee, highpass, floor)
    amp[0] = 0.0  # no constant offset: the noise wanders around the pose, not away from it
    shaped = irfft(rfft(white, axis=1) * amp[None, :], n=n, axis=1)
    full = np.concatenate([amp, amp[1:-1] if n % 2 == 0 else amp[1:]])  # the two-sided spectrum
    return shaped[:, :samples].T / np.sqrt(max(float(np.mean(full ** 2)), 1e-12))


def samples_for(count: int, fps: float) -> int:
    """Noise samples that cover ``count`` frames at ``fps`` (with the margin the interpolation needs)."""
    return int(np.ceil(max(count - 1, 0) * noise_rate(fps) / fps)) + 4


def to_frames(values: np.ndarray, count: int, fps: float) -> np.ndarray:
    """Noise samples (from ``coloured_samples`` at ``noise_rate(fps)``) at the clip's ``count`` frames, C1."""
    rate = noise_rate(fps)
    if rate == fps:
        return np.ascontiguousarray(values[:count])
    return _hermite(values, np.arange(count) * (rate / fps))


def coloured_noise(count: int, fps: float, alpha: float, knee: float, rng: np.random.Generator,
                   channels: int = 1) -> np.ndarray:
    """count x channels coloured noise at the clip's frames (drawn at ``noise_rate``: the spectrum holds next
    to no power above 15 Hz; cubic Hermite interpolation keeps it C1)."""
    if count <= 0:
        return np.zeros((0, channels))
    values = coloured_samples(samples_for(count, fps), noise_rate(fps), alpha, knee, rng, channels)
    return to_frames(values, count, fps)


def _hermite(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Catmull-Rom interpolation of samples x channels ``values`` at fractional sample ``positions`` (C1)."""
    values = values.astype(np.float32)
    index = np.clip(np.floor(positions).astype(int), 1, len(values) - 3)
    t = (positions - index).astype(np.float32)[:, None]
    p0, p1, p2, p3 = values[index - 1], values[index], values[index + 1], values[index + 2]
    m1, m2 = 0.5 * (p2 - p0), 0.5 * (p3 - p1)
    t2, t3 = t * t, t * t * t
    out = (2 * t3 - 3 * t2 + 1) * p1 + (t3 - 2 * t2 + t) * m1 + (-2 * t3 + 3 * t2) * p2 + (t3 - t2) * m2
    return out.astype(np.float64)


@lru_cache(maxsize=64)
def residual_share(alpha: float, knee: float, fps: float = 30.0, window: float = 1.0, highpass: float = 0.0,
                   floor: float = 0.0) -> float:
    """Standard deviation of the noise after subtracting its ``window``-second moving average, per unit sd.

    The statistic "residual after 1 s smoothing" of the takes is matched through it.
    """
    n = 4096
    freqs = np.fft.rfftfreq(n, d=1.0 / fps)
    power = _shape(freqs, alpha, knee, highpass, floor) ** 2
    power[0] = 0.0
    length = max(1, int(round(window * fps)))
    x = np.pi * freqs / fps
    with np.errstate(invalid="ignore", divide="ignore"):
        box = np.where(x > 1e-12, np.sin(length * x) / (length * np.sin(x)), 1.0)
    return float(np.sqrt(np.sum(power * (1.0 - box) ** 2) / max(np.sum(power), 1e-12)))


def noise_autocorrelation(alpha: float, knee: float, rate: float, lags: np.ndarray) -> np.ndarray:
    """Autocorrelation of the model's coloured noise at integer ``lags`` of samples at ``rate`` Hz (the fit of the
    gaze drift compares it with the takes' variogram)."""
    n = 4096
    power = _shape(np.fft.rfftfreq(n, d=1.0 / rate), alpha, knee) ** 2
    power[0] = 0.0
    covariance = np.fft.irfft(power, n=n)
    return covariance[np.asarray(lags, int)] / max(float(covariance[0]), 1e-12)
