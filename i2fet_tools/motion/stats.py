"""Statistics of facial motion, measured the same way on real takes and on generated clips.

Everything is measured on one analysis grid (``ANALYSIS_FPS`` = 30 Hz: six of the seven takes are
sampled at 30 Hz, the seventh and generated clips at 60 are resampled), in seconds and degrees, on
the frames where tracking held (``valid``). A ``Motion`` is what both sides provide: weights,
head/eye rotations (radians, Live Link order) and the frame rate.

Events:
- a blink is a peak of the mean eyelid weight at least ``BLINK_HEIGHT`` above its 1-s running
  median, narrower than 0.6 s at half height;
- a saccade is a run of frames whose gaze speed (both eyes' mean yaw/pitch) exceeds
  ``SACCADE_SPEED`` deg/s and that moves the gaze by at least ``SACCADE_MIN_DEG``; a fixation
  is the time between two saccades.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import median_filter, uniform_filter1d
from scipy.signal import find_peaks, welch

from ml_backend.motion.regions import EYELID_CHANNELS, LOOK_CHANNELS, REGION_CHANNELS
from ml_backend.naming.arkit import INDEX

ANALYSIS_FPS = 30.0
BLINK_HEIGHT = 0.3
SACCADE_SPEED = 60.0  # deg/s
SACCADE_MIN_DEG = 1.5
MOVE_SPEED = 1.0  # weight units a second: an expression change, not micro-motion
MIN_SECONDS = 4.0


@dataclass(frozen=True)
class Motion:
    """A performance to measure: frames x 52 weights, frames x 9 rotations (radians), rate, tracked frames."""

    weights: np.ndarray
    rotations: np.ndarray
    fps: float
    valid: np.ndarray | None = None
    has_head: bool = True
    name: str = ""

    def resampled(self, fps: float = ANALYSIS_FPS) -> "Motion":
        """The same motion on a grid of ``fps`` (linear interpolation; untracked frames stay untracked)."""
        count = len(self.weights)
        valid = np.ones(count, bool) if self.valid is None else self.valid
        if abs(self.fps - fps) < 1e-9:
            return Motion(self.weights.astype(np.float64), self.rotations.astype(np.float64), fps, valid,
                          self.has_head, self.name)
        source = np.arange(count) / self.fps
        target = np.arange(int(np.floor(source[-1] * fps)) + 1) / fps
        weights = np.stack([np.interp(target, source, self.weights[:, c]) for c in range(self.weights.shape[1])], 1)
        rotations = np.stack([np.interp(target, source, self.rotations[:, c]) for c in range(self.rotations.shape[1])], 1)
        kept = np.interp(target, source, valid.astype(np.float64)) > 0.999
        return Motion(weights, rotations, fps, kept, self.has_head, self.name)


@dataclass(frozen=True)
class Events:
    """Blinks and saccades found in a motion (frame indices on its grid)."""

    blink_peaks: np.ndarray
    blink_widths: np.ndarray  # seconds at half height
    blink_closing_share: np.ndarray  # share of the half-height width before the peak
    saccade_onsets: np.ndarray
    saccade_amplitudes: np.ndarray  # degrees
    saccade_conjugacy: np.ndarray  # right-eye over left-eye displacement along the saccade
    fixations: np.ndarray  # seconds between saccades
    tracked_seconds: float
    extra: dict = field(default_factory=dict)


def gaze_degrees(motion: Motion) -> np.ndarray:
    """Frames x 2 (yaw, pitch) of the mean of both eyes, degrees."""
    rot = np.degrees(motion.rotations)
    return 0.5 * (rot[:, [3, 4]] + rot[:, [6, 7]])


def find_blinks(motion: Motion) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(peak frames, half-height widths in seconds, closing share) of the blinks."""
    fps = motion.fps
    lids = motion.weights[:, EYELID_CHANNELS].mean(axis=1)
    baseline = median_filter(lids, size=max(3, int(fps)), mode="nearest")
    peaks, info = find_peaks(lids - baseline, height=BLINK_HEIGHT, distance=max(1, int(0.2 * fps)),
                             width=(0.5, 0.6 * fps), rel_height=0.5)
    valid = np.ones(len(lids), bool) if motion.valid is None else motion.valid
    keep = valid[peaks]
    widths = info["widths"][keep] / fps
    closing = (peaks[keep] - info["left_ips"][keep]) / np.maximum(info["widths"][keep], 1e-9)
    return peaks[keep], widths, np.clip(closing, 0.0, 1.0)


def blink_frames(motion: Motion) -> np.ndarray:
    """Frames where the lids are closing, closed or opening (the tracker's gaze jumps there), 2 frames around."""
    lids = motion.weights[:, EYELID_CHANNELS].mean(axis=1)
    baseline = median_filter(lids, size=max(3, int(motion.fps)), mode="nearest")
    closing = (lids - baseline) > 0.5 * BLINK_HEIGHT
    pad = max(1, int(round(0.07 * motion.fps)))
    return np.convolve(closing, np.ones(2 * pad + 1), mode="same") > 0


def find_saccades(motion: Motion) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(onset frames, N x 2 gaze jumps (yaw, pitch) in degrees, right/left conjugacy) of the saccades."""
    fps = motion.fps
    gaze = gaze_degrees(motion)
    speed = np.r_[0.0, np.linalg.norm(np.diff(gaze, axis=0), axis=1) * fps]
    valid = (np.ones(len(gaze), bool) if motion.valid is None else motion.valid) & ~blink_frames(motion)
    fast = np.r_[False, (speed > SACCADE_SPEED) & valid, False]
    edges = np.flatnonzero(np.diff(fast.astype(int)))
    rot = np.degrees(motion.rotations)
    onsets, amplitudes, conjugacy = [], [], []
    for first, end in zip(edges[::2], edges[1::2]):
        before, after = max(first - 1, 0), min(end, len(gaze) - 1)
        jump = gaze[after] - gaze[before]
        amplitude = float(np.linalg.norm(jump))
        if amplitude < SACCADE_MIN_DEG:
            continue
        left = rot[after, [3, 4]] - rot[before, [3, 4]]
        right = rot[after, [6, 7]] - rot[before, [6, 7]]
        onsets.append(first)
        amplitudes.append(jump)
        conjugacy.append(float(right @ left / max(left @ left, 1e-9)))
    return np.array(onsets, int), np.array(amplitudes).reshape(-1, 2), np.array(conjugacy)


def move_onsets(motion: Motion) -> tuple[np.ndarray, np.ndarray]:
    """(onset frames, durations in seconds) of expression changes: runs where the face (eyelids and gaze aside)
    moves faster than MOVE_SPEED weight units a second, runs closer than 0.15 s merged."""
    fps = motion.fps
    channels = np.concatenate([REGION_CHANNELS["upper"], REGION_CHANNELS["lower"]])
    smooth = uniform_filter1d(motion.weights[:, channels], 3, axis=0, mode="nearest")
    speed = np.abs(np.gradient(smooth, axis=0)).max(axis=1) * fps
    valid = np.ones(len(speed), bool) if motion.valid is None else motion.valid
    active = np.r_[False, (speed > MOVE_SPEED) & valid & ~blink_frames(motion), False]
    edges = np.flatnonzero(np.diff(active.astype(int)))
    runs: list[list[int]] = []
    for first, end in zip(edges[::2], edges[1::2]):
        if runs and first - runs[-1][1] < 0.15 * fps:
            runs[-1][1] = end
        else:
            runs.append([first, end])
    runs = [r for r in runs if r[1] - r[0] >= 2]
    return np.array([r[0] for r in runs], int), np.array([(r[1] - r[0]) / fps for r in runs])


def find_events(motion: Motion) -> Events:
    peaks, widths, closing = find_blinks(motion)
    onsets, jumps, conjugacy = find_saccades(motion)
    amplitudes = np.linalg.norm(jumps, axis=1)
    valid = np.ones(len(motion.weights), bool) if motion.valid is None else motion.valid
    fixations = np.diff(onsets) / motion.fps if len(onsets) > 1 else np.zeros(0)
    if len(onsets) > 1:  # leave out fixations that span untracked frames
        spans = [valid[a:b].all() for a, b in zip(onsets[:-1], onsets[1:])]
        fixations = fixations[np.array(spans, bool)]
    return Events(peaks, widths, closing, onsets, amplitudes, conjugacy, fixations,
                  float(valid.sum()) / motion.fps, {"jumps": jumps})


def _residual(values: np.ndarray, fps: float) -> np.ndarray:
    return values - uniform_filter1d(values, max(1, int(round(fps))), axis=0, mode="nearest")


def _spectral_slope(values: np.ndarray, fps: float) -> float:
    """alpha of PSD ~ 1/f^alpha between 0.3 and 5 Hz, averaged over the channels' log spectra."""
    if len(values) < 4 * fps:
        return float("nan")
    centred = values - values.mean(axis=0)
    freqs, power = welch(centred, fs=fps, nperseg=min(len(values), int(8 * fps)), axis=0)
    band = (freqs >= 0.3) & (freqs <= min(5.0, fps / 2 - 1e-9))
    active = power[band].mean(axis=0) > 1e-12
    if band.sum() < 3 or not active.any():
        return float("nan")
    log_power = np.log(power[band][:, active]).mean(axis=1)
    return float(-np.polyfit(np.log(freqs[band]), log_power, 1)[0])


def statistics(motion: Motion) -> dict[str, float]:
    """The named statistics of one motion (see ``STAT_NAMES``); nan where they cannot be measured."""
    motion = motion.resampled(ANALYSIS_FPS)
    fps = motion.fps
    valid = motion.valid
    events = find_events(motion)
    minutes = max(events.tracked_seconds, 1e-9) / 60.0
    out: dict[str, float] = {}
    out["blinks per minute"] = len(events.blink_peaks) / minutes
    out["blink half-height width, ms"] = 1000 * float(np.median(events.blink_widths)) if len(events.blink_widths) else np.nan
    out["blink closing share"] = float(np.median(events.blink_closing_share)) if len(events.blink_widths) else np.nan
    out["saccades per minute"] = len(events.saccade_onsets) / minutes
    out["saccade amplitude, deg"] = float(np.median(events.saccade_amplitudes)) if len(events.saccade_amplitudes) else np.nan
    out["fixation duration, s"] = float(np.median(events.fixations)) if len(events.fixations) else np.nan
    out["eyes move together (R/L)"] = float(np.median(events.saccade_conjugacy)) if len(events.saccade_conjugacy) else np.nan
    gaze = gaze_degrees(motion)
    gaze_speed = np.r_[0.0, np.linalg.norm(np.diff(gaze, axis=0), axis=1) * fps]
    still = valid & (gaze_speed < SACCADE_SPEED / 2)
    out["gaze drift speed, deg/s"] = float(np.median(gaze_speed[still])) if still.any() else np.nan
    out["gaze spread (yaw sd), deg"] = float(np.std(gaze[valid, 0]))
    if len(events.blink_peaks) and len(events.saccade_onsets):
        near = np.abs(events.blink_peaks[:, None] - events.saccade_onsets[None, :]).min(axis=1) <= 0.2 * fps
        out["blinks within 0.2 s of a saccade"] = float(near.mean())
    else:
        out["blinks within 0.2 s of a saccade"] = np.nan
    moves, move_seconds = move_onsets(motion)
    out["expression changes per minute"] = len(moves) / minutes
    out["expression change duration, s"] = float(np.median(move_seconds)) if len(moves) else np.nan
    if len(events.blink_peaks) and len(moves):
        near = np.abs(events.blink_peaks[:, None] - moves[None, :]).min(axis=1) <= 0.3 * fps
        out["blinks within 0.3 s of an expression change"] = float(near.mean())
    else:
        out["blinks within 0.3 s of an expression change"] = np.nan
    brow = motion.weights[:, INDEX["browInnerUp"]]
    brow_speed = np.abs(np.gradient(brow)) * fps
    out["browInnerUp p95 speed, /s"] = float(np.percentile(brow_speed[valid], 95))
    for region in ("upper", "lower"):
        channels = REGION_CHANNELS[region]
        residual = _residual(motion.weights[:, channels], fps)[valid]
        out[f"micro-motion {region}, sd"] = float(np.sqrt(np.mean(residual ** 2)))
        out[f"spectrum slope {region} (alpha)"] = _spectral_slope(motion.weights[valid][:, channels], fps)
    upper = _residual(motion.weights[:, REGION_CHANNELS["upper"]], fps)[valid]
    spectrum = np.linalg.svd(upper - upper.mean(axis=0), compute_uv=False) ** 2
    out["co-activation (top-3 share, upper)"] = float(spectrum[:3].sum() / max(spectrum.sum(), 1e-12))
    if motion.has_head:
        head = np.degrees(motion.rotations[:, :3])
        out["head yaw sd, deg"] = float(np.std(head[valid, 0]))
        out["head pitch sd, deg"] = float(np.std(head[valid, 1]))
        head_speed = np.r_[0.0, np.linalg.norm(np.diff(head, axis=0), axis=1) * fps]
        out["head p95 speed, deg/s"] = float(np.percentile(head_speed[valid], 95))
    else:
        out["head yaw sd, deg"] = out["head pitch sd, deg"] = out["head p95 speed, deg/s"] = np.nan
    return out


STAT_NAMES: tuple[str, ...] = (
    "saccades per minute", "saccade amplitude, deg", "fixation duration, s", "eyes move together (R/L)",
    "gaze drift speed, deg/s", "gaze spread (yaw sd), deg", "browInnerUp p95 speed, /s",
    "micro-motion upper, sd", "micro-motion lower, sd", "spectrum slope upper (alpha)", "spectrum slope lower (alpha)",
    "co-activation (top-3 share, upper)", "blinks per minute", "blink half-height width, ms", "blink closing share",
    "blinks within 0.2 s of a saccade", "blinks within 0.3 s of an expression change", "expression changes per minute",
    "expression change duration, s", "head yaw sd, deg", "head pitch sd, deg", "head p95 speed, deg/s",
)


def window_features(motion: Motion, seconds: float = 2.0) -> np.ndarray:
    """Features of consecutive 2-s windows (upper face, gaze, head) for the real-vs-generated discriminator.

    Level-free on purpose (a tracker's offsets and a character's expression are not motion): speeds,
    residual sizes, spectra shape, blink and saccade counts. Windows with untracked frames are left out.
    """
    motion = motion.resampled(ANALYSIS_FPS)
    fps = motion.fps
    size = int(seconds * fps)
    upper = motion.weights[:, REGION_CHANNELS["upper"]]
    lids = motion.weights[:, EYELID_CHANNELS].mean(axis=1)
    gaze = gaze_degrees(motion)
    head = np.degrees(motion.rotations[:, :3])
    rows = []
    for first in range(0, len(upper) - size + 1, size):
        part = slice(first, first + size)
        if not motion.valid[part].all():
            continue
        u = upper[part]
        du = np.abs(np.diff(u, axis=0)) * fps
        ddu = np.abs(np.diff(u, 2, axis=0)) * fps * fps
        g = gaze[part]
        gs = np.linalg.norm(np.diff(g, axis=0), axis=1) * fps
        h = head[part]
        hs = np.linalg.norm(np.diff(h, axis=0), axis=1) * fps
        lid = lids[part]
        res = u - uniform_filter1d(u, int(fps / 3), axis=0, mode="nearest")
        rows.append([
            np.log1p(du.mean()), np.log1p(np.percentile(du, 95)), np.log1p(ddu.mean()), np.log1p(res.std()),
            np.log1p(gs.mean()), np.log1p(np.median(gs)), float((gs > SACCADE_SPEED).sum()), np.log1p(g.std(axis=0).sum()),
            np.log1p(hs.mean()), np.log1p(h.std(axis=0).sum()),
            float(lid.max() - np.median(lid)), np.log1p(np.abs(np.diff(lid)).mean() * fps),
        ])
    return np.array(rows).reshape(-1, len(FEATURE_NAMES))


FEATURE_NAMES: tuple[str, ...] = (
    "upper-face mean speed", "upper-face p95 speed", "upper-face acceleration", "upper-face jitter (<1/3 s)",
    "gaze mean speed", "gaze median speed", "gaze fast frames", "gaze spread",
    "head mean speed", "head spread", "eyelid peak", "eyelid speed",
)
