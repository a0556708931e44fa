"""Fit the performance model (``ml_backend/motion/performance_model.py``) to Live Link Face takes.

``python -m i2fet_tools.motion.fit_performance [TAKES_FOLDER] [--out PATH]`` reads every ``*.csv`` and
``*.csv.xz`` take of the folder (default ``shared/assets/livelink-takes``), fits every part of the
model on the 30-Hz analysis grid of ``stats.py`` and writes the JSON that the life layer ships with
(default ``ml_backend/motion/performance_model.json``), with the takes' names, SHA-256, rates and
tracked seconds as provenance. ``fit_model(takes)`` is the same fit as a function, so the evaluation
can leave one take out.

Shares of blinks that come with saccades or expression changes are corrected for chance: a talking
face changes expression 40 times a minute, so many blinks fall near one by coincidence. The share
fitted is (observed - chance) / (1 - chance), chance being the share of time near such events.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import math
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy.ndimage import median_filter, uniform_filter1d
from scipy.optimize import least_squares
from scipy.signal import find_peaks, welch

from ml_backend.errors import I2FETError
from ml_backend.export.livelink_csv import Take, read_livelink_take
from ml_backend.motion.excursions import excursion_residual_share
from ml_backend.motion.gaze import (JITTER_ALPHA, JITTER_KNEE, MIN_FIXATION, gaze_rotations, jitter_autocorrelation,
                                    lagged, plan_saccades, rounded_jitter)
from ml_backend.motion.gaze import unrest as unrest_size
from ml_backend.motion.micro import HOLD_HIGHPASS, room
from ml_backend.motion.noise import coloured_samples, noise_autocorrelation, residual_share
from ml_backend.motion.performance_model import (FORMAT_VERSION, MODEL_PATH, DriftModel, SaccadeModel, model_from_dict,
                                                 neutral_micro_channels)
from ml_backend.motion.regions import EYELID_CHANNELS, REGION_CHANNELS
from ml_backend.motion.timing_fit import fit_timing
from ml_backend.motion.timing_params import TimingParams
from ml_backend.naming.arkit import ARKIT_NAMES, INDEX
from ml_backend.paths import assets_root

from .fit_excursions import fit_excursions, summary, take_statistics
from .reference_groups import quiet_lower_share
from .stats import ANALYSIS_FPS, SACCADE_SPEED, Motion, blink_frames, find_blinks, find_saccades, gaze_degrees, move_onsets

FACTORS = (3, 4)  # shared factors of the co-activation model per region (upper face, lower face)
MIN_ROOM = 0.25  # residuals are divided by micro.room of their level only where it is at least this
TONE_PERCENTILE = 10  # a channel's resting tone: the 1-s level it stays above 90% of the time (median of the takes)
REST_LEVEL = 0.02  # a channel whose 1-s level is below this is at rest (its residual sizes the resting tone)
RECTIFIED_SD = math.sqrt(0.5 * (1.0 - 1.0 / math.pi))  # sd of max(x, 0) for a unit normal x
DRIFT_LAGS = np.arange(1, 13)  # frames at 30 Hz: the gaze's variogram within fixations, up to 0.4 s
LID_LAG_GRID = np.round(np.arange(0.0, 0.1501, 0.01), 3)  # seconds: the lids' lag behind the eye
JITTER_SMOOTH_GRID = np.round(np.arange(0.0, 0.0801, 0.005), 3)  # seconds: the fixational jitter's rounding
UNREST_BINS = np.array([2, 4, 6, 9, 12, 18, 30])  # frames at 30 Hz since a saccade's onset: the gaze's unrest after it
UNREST_SETTLED = 30  # frames (1 s) since a saccade's onset, or before the first: the gaze has settled
UNREST_MIN_FRAMES = 20  # a take's bin is measured with this many still frames or more
MIN_TAKE_SECONDS = 5.0
REST_BUMP_CHANNELS = ("browOuterUpLeft", "browOuterUpRight", "browDownLeft", "browDownRight", "eyeWideLeft",
                      "eyeWideRight")  # the resting upper face clamped at 0 with short smooth bumps (rest_bumps.py)
REST_BUMP_LEVEL = 0.06  # a channel whose 1-s level is below this is resting (its bumps above 0 are fitted)
REST_BUMP_MAX_FRAMES = 30  # runs above 0 longer than 1 s at 30 Hz are level changes, not bumps
BASE_FRAMES = 31  # 1 s at 30 Hz: a channel's level around a blink (a running median, which a blink does not move)
MIN_PERSON_BLINKS = 5  # a take's own blink-face coupling is kept with this many blinks or more
PARTIAL_CLOSURE = 0.08  # lids closing this far beyond their level count as a (partial) blink
DEPTH_QUANTILES = 11  # quantiles kept of the closures' depth distribution
BLINK_POWER_MAX = 10.0  # (1 - closure)^10: gone a third of the way closed
BLINK_FACE_FRAMES = 9  # frames at 30 Hz around a blink's frames where its upper face is fitted (the face follows late)
FACE_LAG_GRID = np.round(np.arange(0.0, 0.1501, 0.01), 3)  # seconds: the blink face's lag behind the lids
LOOK_AXES = {  # eyeLook channel -> (rotation column, sign): positive yaw looks to the subject's right, pitch down
    "eyeLookInLeft": (3, 1.0), "eyeLookOutLeft": (3, -1.0), "eyeLookDownLeft": (4, 1.0), "eyeLookUpLeft": (4, -1.0),
    "eyeLookOutRight": (6, 1.0), "eyeLookInRight": (6, -1.0), "eyeLookDownRight": (7, 1.0), "eyeLookUpRight": (7, -1.0),
    "eyeBlinkLeft": (4, 1.0), "eyeBlinkRight": (7, 1.0),  # the upper lid follows the eye down (lid-gaze coupling)
    "eyeWideLeft": (4, -1.0), "eyeWideRight": (7, -1.0),  # and up: the lid opens wider as the eye looks up
}


def takes_folder() -> Path:
    return assets_root() / "livelink-takes"


def read_takes(folder: Path) -> list[Take]:
    """Every take of a folder (``.csv`` or ``.csv.xz``), with its notes kept on the Take."""
    paths = sorted(list(folder.glob("*.csv")) + list(folder.glob("*.csv.xz")))
    if not paths:
        raise I2FETError(f"No Live Link Face takes (*.csv, *.csv.xz) in {folder}.")
    takes = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            source = path
            if path.suffix == ".xz":
                source = Path(tmp) / path.stem
                source.write_bytes(lzma.decompress(path.read_bytes()))
            takes.append(read_livelink_take(source))
    return takes


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def as_motion(take: Take) -> Motion:
    return Motion(take.weights, take.rotations, take.fps, take.valid, take.has_head, take.name).resampled(ANALYSIS_FPS)


def _spectrum_fit(values: np.ndarray, fps: float, with_floor: bool = False) -> tuple[float, ...]:
    """(alpha, knee Hz) of S(f) = c / (1 + (f/knee)^alpha) fitted to the channels' mean Welch spectrum; with
    ``with_floor`` S(f) = c (1 / (1 + (f/knee)^alpha) + floor) and (alpha, knee, floor): the white part at high
    frequencies (tremor, and the tracker's own noise) that a face's frame-to-frame motion shows."""
    centred = values - values.mean(axis=0)
    freqs, power = welch(centred, fs=fps, nperseg=min(len(values), int(16 * fps)), axis=0)
    band = (freqs >= 0.1) & (freqs <= (0.49 * fps if with_floor else min(10.0, 0.45 * fps)))
    log_power = np.log(np.maximum(power[band].reshape(band.sum(), -1).mean(axis=1), 1e-20))
    f = freqs[band]

    def residual(x):
        floor = math.exp(x[3]) if with_floor else 0.0
        return x[2] + np.log(1.0 / (1.0 + (f / x[1]) ** x[0]) + floor) - log_power

    fit = least_squares(residual, [2.5, 0.5, log_power[0], -8.0],
                        bounds=([0.5, 0.02, -80, -20], [5.0, 5.0, 80, 0]))
    if with_floor:
        return float(fit.x[0]), float(fit.x[1]), float(math.exp(fit.x[3]))
    return float(fit.x[0]), float(fit.x[1])


def _excess_share(events: np.ndarray, anchors: np.ndarray, window: int, count: int) -> tuple[float, int]:
    """Share of ``events`` within ``window`` frames of an anchor, beyond chance; and the number of events."""
    if len(events) == 0:
        return float("nan"), 0
    if len(anchors) == 0:
        return 0.0, len(events)
    near = np.abs(events[:, None] - anchors[None, :]).min(axis=1) <= window
    covered = np.zeros(count, bool)
    for a in anchors:
        covered[max(0, a - window): a + window + 1] = True
    chance = float(covered.mean())
    observed = float(near.mean())
    return float(np.clip((observed - chance) / max(1.0 - chance, 1e-6), 0.0, 1.0)), len(events)


def _median(values, default: float) -> float:
    values = [v for v in values if v is not None and math.isfinite(v)]
    return float(np.median(values)) if values else default


def fit_model(takes: Sequence[Take], names: Sequence[str] | None = None, timing: bool = True) -> dict:
    """The performance model's JSON dict fitted to ``takes`` (see the module docstrings for each part).

    ``timing``: also fit the onset/offset timing (``timing_fit.py``, the slow part; the evaluation's folds skip it).
    """
    motions = [as_motion(t) for t in takes if t.seconds >= MIN_TAKE_SECONDS]
    if not motions:
        raise I2FETError(f"No take lasts {MIN_TAKE_SECONDS:g} s or more: nothing to fit.")
    fps = ANALYSIS_FPS
    rates, widths, closing, depths, cvs, with_saccade, with_move, closures = [], [], [], [], [], [], [], []
    fixations, amplitudes, jumps, conjugacy, spread_yaw, spread_pitch, vergence = [], [], [], [], [], [], []
    take_fixations: dict[int, list[float]] = {}  # per take (id of its motion): people differ in how often they look around
    for motion in motions:
        valid = motion.valid
        minutes = valid.sum() / fps / 60.0
        peaks, half_widths, close_share = find_blinks(motion)
        heights = _lid_closures(motion)
        closures.append(heights)
        rates.append(len(heights) / minutes)
        widths += list(half_widths)
        closing += list(close_share)
        lids = motion.weights[:, EYELID_CHANNELS].mean(axis=1)
        depths += list(lids[peaks])
        if len(peaks) > 2:
            gaps = np.diff(peaks) / fps
            cvs.append(float(gaps.std() / gaps.mean()))
        onsets, jump, conj = find_saccades(motion)
        with_saccade.append(_excess_share(peaks, onsets, int(0.2 * fps), len(lids))[0])
        moves, _ = move_onsets(motion)
        with_move.append(_excess_share(peaks, moves, int(0.3 * fps), len(lids))[0])
        if len(onsets) > 1:
            spans = np.array([valid[a:b].all() for a, b in zip(onsets[:-1], onsets[1:])])
            take_fixations[id(motion)] = list((np.diff(onsets) / fps)[spans])
            fixations += take_fixations[id(motion)]
        amplitudes += list(np.linalg.norm(jump, axis=1))
        jumps.append(jump)
        conjugacy += list(conj)
        gaze = gaze_degrees(motion)[valid]
        spread_yaw.append(float(gaze[:, 0].std()))
        spread_pitch.append(float(gaze[:, 1].std()))
        rot = np.degrees(motion.rotations[valid])
        vergence.append(float(np.mean(rot[:, 3] - rot[:, 6])))
    all_jumps = np.concatenate(jumps) if jumps else np.zeros((0, 2))
    fixations_arr, amplitudes_arr = np.array(fixations), np.array(amplitudes)
    face_lag = _fit_blink_face_lag(motions)
    people = [(face, m) for face, m in ((_fit_blink_face([m], face_lag), m) for m in motions
                                        if len(find_blinks(m)[0]) >= MIN_PERSON_BLINKS) if face]
    blinks = {
        "rate_per_min": _median(rates, 14.0), "interval_cv": float(np.clip(_median(cvs, 0.7), 0.05, 3.0)),
        "half_width": _median(widths, 0.11), "closing_share": float(np.clip(_median(closing, 0.45), 0.1, 0.9)),
        "depth": float(np.clip(_median(depths, 0.9), 0.3, 1.0)),
        "with_saccade_share": _median(with_saccade, 0.3), "with_expression_share": _median(with_move, 0.2),
        "face_lag": face_lag,
        "upper_face": _fit_blink_face(motions, face_lag),
        "upper_face_people": [face for face, _ in people],
        "roll_people": [_fit_blink_gaze([m]) for _, m in people],
        "gaze_pitch": _fit_blink_gaze(motions),
        "depth_quantiles": [round(float(q), 4) for q in np.clip(np.percentile(np.concatenate(closures),
                                                                          np.linspace(0, 100, DEPTH_QUANTILES)), 0.01, 1.0)]
        if sum(len(c) for c in closures) >= DEPTH_QUANTILES else [],
    }
    saccades = {
        "fixation_log_mean": float(np.log(fixations_arr).mean()) if len(fixations_arr) > 5 else math.log(0.7),
        "fixation_log_sd": float(np.clip(np.log(fixations_arr).std(), 0.05, 3)) if len(fixations_arr) > 5 else 0.8,
        "amplitude_log_mean": float(np.log(amplitudes_arr).mean()) if len(amplitudes_arr) > 5 else math.log(5.5),
        "amplitude_log_sd": float(np.clip(np.log(amplitudes_arr).std(), 0.05, 3)) if len(amplitudes_arr) > 5 else 0.6,
        "pitch_share": float(np.clip(np.abs(all_jumps[:, 1]).mean() / max(np.abs(all_jumps[:, 0]).mean(), 1e-6), 0, 3))
        if len(all_jumps) > 5 else 0.5,
        "spread_yaw": _median(spread_yaw, 6.0), "spread_pitch": _median(spread_pitch, 4.0),
        "conjugacy": float(np.clip(_median(conjugacy, 1.0), 0.5, 1.5)), "vergence": _median(vergence, 0.0),
        "main_sequence": [0.021, 0.0022],
    }
    saccades["fixation_people"] = [_log_normal(take_fixations.get(id(m), []), saccades["fixation_log_mean"],
                                               saccades["fixation_log_sd"]) for _, m in people]
    drift_model = _fit_drift(motions, SaccadeModel(**{k: v for k, v in saccades.items() if k not in (
        "main_sequence", "fixation_people")}, main_sequence=tuple(saccades["main_sequence"])))
    all_motions = [as_motion(t) for t in takes]
    eye_look = {}
    for name, (column, sign) in LOOK_AXES.items():
        gains = []
        for take, motion in zip(takes, all_motions):
            if not take.has_eyes:
                continue
            open_eyes = motion.valid & ~blink_frames(motion)  # blinks are not the lid following the gaze
            angle = np.maximum(sign * motion.rotations[open_eyes, column], 0.0)
            weight = motion.weights[open_eyes, INDEX[name]]
            if angle.std() > 1e-3 and weight.std() > 1e-3:
                design = np.stack([angle, np.ones_like(angle)], 1)
                gains.append(float(np.linalg.lstsq(design, weight, rcond=None)[0][0]))
        eye_look[name] = [column, float(np.clip(sign * _median(gains, 1.5), -20, 20))]
    lid_lag = _fit_lid_lag([m for take, m in zip(takes, all_motions) if take.has_eyes])
    micro = _fit_micro(motions)
    head = _fit_head([m for m in motions if m.has_head])
    timing_fit = fit_timing([(t.weights, t.fps) for t in takes if t.seconds >= MIN_TAKE_SECONDS],
                            source=f"{len(motions)} Live Link Face takes") if timing else None
    provenance = {
        "fitted_by": "i2fet_tools/motion/fit_performance.py", "analysis_fps": fps,
        "takes": [{"name": t.name, "fps": t.fps, "tracked_seconds": round(float(t.valid.sum()) / t.fps, 1),
                   "head": t.has_head, "eyes": t.has_eyes} for t in takes],
        "timing_notes": list(timing_fit.notes) if timing_fit else [],
    }
    if names is not None:
        for entry, name in zip(provenance["takes"], names):
            entry.update(name)
    return {"format": FORMAT_VERSION, "blinks": blinks, "saccades": saccades, "drift": drift_model,
            "eye_look": eye_look, "lids": {"lag": lid_lag}, "micro": micro, "head": head,
            "timing": timing_fit.params.to_dict() if timing_fit else {},
            "provenance": provenance}


def _fit_lid_lag(motions: list[Motion]) -> float:
    """The lids' lag behind the eye's pitch (seconds, ``gaze.lagged``): the lag whose followed pitch's frame steps
    correlate best with the lid channels' steps (eyeWide, eyeBlink; tracked frames away from blinks), summed over
    the takes' squared correlations (a take whose lids do not follow the eye adds next to nothing at any lag)."""
    lids = [INDEX[n] for n in LOOK_AXES if n.startswith(("eyeWide", "eyeBlink"))]
    columns = [LOOK_AXES[ARKIT_NAMES[c]][0] for c in lids]
    scores = np.zeros(len(LID_LAG_GRID))
    for motion in motions:
        ok = motion.valid & ~blink_frames(motion)
        both = ok[1:] & ok[:-1]
        lid_steps = np.diff(motion.weights[:, lids], axis=0)[both]
        if both.sum() < 100:
            continue
        for k, lag in enumerate(LID_LAG_GRID):
            eye_steps = np.diff(lagged(motion.rotations[:, columns], motion.fps, float(lag)), axis=0)[both]
            for j in range(len(lids)):
                if lid_steps[:, j].std() > 1e-9 and eye_steps[:, j].std() > 1e-9:
                    scores[k] += np.corrcoef(lid_steps[:, j], eye_steps[:, j])[0, 1] ** 2
    return float(LID_LAG_GRID[int(np.argmax(scores))]) if scores.any() else 0.0


def _lid_closures(motion: Motion) -> np.ndarray:
    """Depths of every closure of ``PARTIAL_CLOSURE`` or more above the lids' 1-s median that is blink-shaped
    (narrower than 0.6 s at half height), on tracked frames: full blinks and the partial ones. A depth is the
    height as a share of the room the lids had left above their level, as ``blinks.add_blinks`` closes them
    (depth x (1 - level)): the takes' lids rest near 0.2, ours near 0.1, and raw heights made ours shallower."""
    lids = motion.weights[:, EYELID_CHANNELS].mean(axis=1)
    base = median_filter(lids, BASE_FRAMES, mode="nearest")
    peaks, info = find_peaks(lids - base, height=PARTIAL_CLOSURE, distance=max(1, int(0.2 * motion.fps)),
                             width=(0.5, 0.6 * motion.fps), rel_height=0.5)
    tracked = motion.valid[peaks]
    return info["peak_heights"][tracked] / np.maximum(1.0 - base[peaks][tracked], 0.05)


def _blink_closure(motion: Motion) -> np.ndarray:
    """Per frame, how far the lids are closed beyond their 1-s median level, as a share of what is left (0..1)."""
    lids = motion.weights[:, EYELID_CHANNELS].mean(axis=1)
    base = median_filter(lids, BASE_FRAMES, mode="nearest")
    return np.clip((lids - base) / np.maximum(1.0 - base, 0.05), 0.0, 1.0)


def _fit_blink_gaze(motions: list[Motion]) -> float:
    """Degrees the gaze turns down per unit of lid closure: per take, the least-squares slope of the gaze's pitch
    away from its 1-s median on the closure, over the frames in and next to blinks; the median of the takes."""
    slopes = []
    for motion in motions:
        near = (np.convolve(blink_frames(motion), np.ones(5), mode="same") > 0) & motion.valid
        if near.sum() < 10:
            continue
        pitch = gaze_degrees(motion)[:, 1]
        away = (pitch - median_filter(pitch, BASE_FRAMES, mode="nearest"))[near]
        design = np.stack([_blink_closure(motion)[near], np.ones(int(near.sum()))], axis=1)
        slopes.append(float(np.linalg.lstsq(design, away, rcond=None)[0][0]))
    return round(float(np.clip(_median(slopes, 0.0), -40.0, 40.0)), 3)


def _log_normal(values: list[float], log_mean: float, log_sd: float) -> list[float]:
    """[log mean, log sd] of one take's fixation durations; the pooled fit's where it holds 5 or fewer."""
    if len(values) <= 5:
        return [log_mean, log_sd]
    logs = np.log(np.asarray(values))
    return [float(np.clip(logs.mean(), -4.0, 3.0)), float(np.clip(logs.std(), 0.05, 3.0))]


def _blink_face_fits(motion: Motion, lag: float) -> tuple[dict[int, tuple[float, float]], float]:
    """One take's blink face: per upper-face channel (power, added) of level x (1 - c)^power + added x c, c the
    lids' closure followed ``lag`` seconds late (``gaze.lagged``), fitted by least squares on the frames in and
    next to its blinks (level: the channel's 1-s median); and the summed squared residual over the channels."""
    near = (np.convolve(blink_frames(motion), np.ones(BLINK_FACE_FRAMES), mode="same") > 0) & motion.valid
    if near.sum() < 10:
        return {}, 0.0
    closure = np.clip(lagged(_blink_closure(motion)[:, None], motion.fps, lag)[:, 0], 0.0, 1.0)[near]
    fits, residual = {}, 0.0
    for channel in REGION_CHANNELS["upper"]:
        values = motion.weights[:, channel]
        level = median_filter(values, BASE_FRAMES, mode="nearest")[near]
        fit = least_squares(lambda x: level * (1.0 - closure) ** x[0] + x[1] * closure - values[near],
                            [1.0, 0.0], bounds=([0.0, -1.0], [BLINK_POWER_MAX, 1.0]))
        fits[int(channel)] = (float(fit.x[0]), float(fit.x[1]))
        residual += float(np.sum(fit.fun ** 2))
    return fits, residual


def _fit_blink_face_lag(motions: list[Motion]) -> float:
    """How late the upper face follows the lids in a blink (seconds): the lag of ``FACE_LAG_GRID`` whose blink-face
    fit leaves the least residual, each take's residuals relative to its own at no lag, summed over the takes (in
    the takes the brows peak a frame after the lids and settle over a few more frames)."""
    scores = np.zeros(len(FACE_LAG_GRID))
    for motion in motions:
        residuals = np.array([_blink_face_fits(motion, float(lag))[1] for lag in FACE_LAG_GRID])
        if residuals[0] > 0.0:
            scores += residuals / residuals[0]
    return float(FACE_LAG_GRID[int(np.argmin(scores))]) if scores.any() else 0.0


def _fit_blink_face(motions: list[Motion], lag: float = 0.0) -> dict:
    """What a blink does to each upper-face channel (``_blink_face_fits`` with the fitted ``lag``), median of the
    takes. eyeWide collapses (power at the bound), brows and squints rise a little."""
    fits: dict[int, list[tuple[float, float]]] = {}
    for motion in motions:
        for channel, fit in _blink_face_fits(motion, lag)[0].items():
            fits.setdefault(channel, []).append(fit)
    return {ARKIT_NAMES[c]: [round(float(np.median([p for p, _ in f])), 4), round(float(np.median([a for _, a in f])), 4)]
            for c, f in fits.items()}


def _fit_micro(motions: list[Motion]) -> dict:
    """Per-region spectra, per-region low-rank factor models of the residual covariance at full room (the
    residuals divided by ``micro.room`` of their 1-s level), scaled to marginal sizes; the resting tone; the
    upper face's excursions, fitted to the takes' quick moves by simulation (``fit_excursions.py``); and the
    lower face's share for a face that does not speak, from the takes' quiet-mouth stretches
    (``reference_groups.quiet_lower_share``)."""
    fps = ANALYSIS_FPS
    skip = set(neutral_micro_channels().tolist())
    upper = set(REGION_CHANNELS["upper"].tolist())
    channels = [i for i in range(len(ARKIT_NAMES)) if i not in skip]
    region = np.array([0 if i in upper else 1 for i in channels])
    spectra = {0: [], 1: []}
    sums = np.zeros((len(channels), len(channels)))
    counts = np.zeros_like(sums)
    rest_sq, rest_n = np.zeros(len(channels)), np.zeros(len(channels))
    tones, quick_moves = [], []
    upper_channels = [c for c, r in zip(channels, region) if r == 0]
    for motion in motions:
        quick_moves += take_statistics(motion.weights, motion.valid, blink_frames(motion), upper_channels)
        values = motion.weights[:, channels]
        for r in (0, 1):
            spectra[r].append(_spectrum_fit(values[motion.valid][:, region == r], fps, with_floor=True))
        level = uniform_filter1d(values, int(fps), axis=0, mode="nearest")
        blinking = np.convolve(blink_frames(motion), np.ones(int(fps)), mode="same") > 0  # the blink layer's part
        kept = motion.valid & ~blinking
        residual, level = (values - level)[kept], level[kept]
        tones.append(np.percentile(level, TONE_PERCENTILE, axis=0))
        free = room(level)
        used = free >= MIN_ROOM
        scaled = np.where(used, residual / np.maximum(free, MIN_ROOM), 0.0)
        sums += scaled.T @ scaled
        counts += used.T.astype(np.float64) @ used.astype(np.float64)
        at_rest = level < REST_LEVEL
        rest_sq += (residual ** 2 * at_rest).sum(axis=0)
        rest_n += at_rest.sum(axis=0)
    alpha = [float(np.median([s[0] for s in spectra[r]])) for r in (0, 1)]
    knee = [float(np.median([s[1] for s in spectra[r]])) for r in (0, 1)]
    floor = [float(np.median([s[2] for s in spectra[r]])) for r in (0, 1)]
    cov = sums / np.maximum(counts, 1.0)  # pairwise over the frames where both channels have room
    loadings, factor_region = [], []
    for r in (0, 1):
        members = np.flatnonzero(region == r)
        values, vectors = np.linalg.eigh(cov[np.ix_(members, members)])
        order = np.argsort(values)[::-1][:FACTORS[r]]
        block = np.zeros((len(channels), len(order)))
        block[members] = vectors[:, order] * np.sqrt(np.maximum(values[order], 0.0))[None, :]
        loadings.append(block)
        factor_region += [r] * len(order)
    loadings = np.concatenate(loadings, axis=1)
    own = np.sqrt(np.maximum(np.diag(cov) - (loadings ** 2).sum(axis=1), 0.0))
    seen = (rest_n > fps * 10) & (np.diag(cov) > 0)  # channels with 10 s at rest or more
    ratios = np.sqrt(rest_sq[seen] / rest_n[seen]) / (RECTIFIED_SD * np.sqrt(np.diag(cov)[seen]))
    shares = [residual_share(alpha[r], knee[r], highpass=HOLD_HIGHPASS, floor=floor[r]) for r in (0, 1)]
    members, upper_factors = np.flatnonzero(region == 0), np.flatnonzero(np.array(factor_region) == 0)
    excursions = fit_excursions(summary(quick_moves), loadings[np.ix_(members, upper_factors)], own[members],
                                alpha[0], knee[0], floor[0])  # the upper face's quick moves (fit_excursions.py)
    wander = excursions["wander"]
    quick = excursion_residual_share(excursions["rate_per_min"], excursions["hold"], excursions["move"],
                                     smooth=excursions["smooth"])
    shares[0] = math.sqrt(wander ** 2 * shares[0] ** 2 + (1.0 - wander ** 2) * quick ** 2)  # the upper face's mix
    to_marginal = np.array([1.0 / shares[r] for r in region])
    share = quiet_lower_share(motions)  # the lower face of a face that does not speak (reference_groups.py)
    quiet_lower = {} if share is None else {"quiet_lower_share": round(share, 4)}
    return {"channels": [ARKIT_NAMES[i] for i in channels], "region": region.tolist(), "alpha": alpha, "knee": knee,
            "floor": floor,
            "loadings": np.round(loadings * to_marginal[:, None], 6).tolist(), "factor_region": factor_region,
            "own_sd": np.round(own * to_marginal, 6).tolist(),
            "rest_share": float(np.clip(np.median(ratios), 0.0, 1.0)) if seen.any() else 0.1,
            "tone": np.round(np.clip(np.median(tones, axis=0), 0.0, 0.5), 4).tolist(), "excursions": excursions,
            "residual_sd": np.round(np.sqrt(np.diag(cov)), 6).tolist(), "rest_bumps": _fit_rest_bumps(motions),
            **quiet_lower}


def _fit_rest_bumps(motions: list[Motion]) -> dict:
    """{channel: [bumps a minute of rest, duration s, mean height]} of the resting upper face (``rest_bumps.py``):
    on frames whose 1-s level is below ``REST_BUMP_LEVEL``, away from blinks, the runs of frames above the tracker's
    clamped 0 (up to ``REST_BUMP_MAX_FRAMES``), their rate, length (a raised cosine of d seconds is above 0 for
    d fps - 1 frames) and peak; the median of the takes with 10 s of rest or more."""
    fps = ANALYSIS_FPS
    fitted = {}
    for name in REST_BUMP_CHANNELS:
        rates, durations, heights = [], [], []
        for motion in motions:
            values = motion.weights[:, INDEX[name]]
            level = uniform_filter1d(values, int(fps), mode="nearest")
            blinking = np.convolve(blink_frames(motion), np.ones(int(fps)), mode="same") > 0
            rest = motion.valid & ~blinking & (level < REST_BUMP_LEVEL)
            if rest.sum() < 10 * fps:
                continue
            above = np.r_[False, rest & (values > 0.0), False].astype(np.int8)
            edges = np.diff(above)
            starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
            short = (ends - starts) <= REST_BUMP_MAX_FRAMES
            rates.append(short.sum() / (rest.sum() / fps / 60.0))
            if short.any():
                durations.append(float(np.median(ends[short] - starts[short]) + 1) / fps)
                heights.append(float(np.mean([values[a:b].max() for a, b in zip(starts[short], ends[short])])))
        if rates and durations:
            fitted[name] = [round(_median(rates, 0.0), 3), round(_median(durations, 0.1), 4),
                            round(_median(heights, 0.0), 5)]
    return fitted


def _drift_variogram(motion: Motion, settled: bool = False) -> np.ndarray:
    """Per lag of ``DRIFT_LAGS``: the gaze's per-axis variance of change within fixations (robust: the median
    squared 2-D step over 2 ln 2), from the frames that are tracked, still and away from saccades and blinks;
    ``settled``: and ``UNREST_SETTLED`` frames or more after a saccade's onset (``_fit_unrest``)."""
    fps = motion.fps
    gaze = gaze_degrees(motion)
    speed = np.r_[0.0, np.linalg.norm(np.diff(gaze, axis=0), axis=1) * fps]
    onsets, _, _ = find_saccades(motion)
    bad = ~motion.valid | blink_frames(motion) | (speed >= SACCADE_SPEED / 2)
    if settled:
        bad |= _since_saccade(motion) < UNREST_SETTLED
    for onset in onsets:
        bad[max(onset - 1, 0): onset + 3] = True
    bad_before = np.r_[0, np.cumsum(bad)]
    out = np.full(len(DRIFT_LAGS), np.nan)
    for k, lag in enumerate(DRIFT_LAGS):
        if lag >= len(gaze):
            break
        clean = bad_before[lag + 1:] - bad_before[:-lag - 1] == 0  # no bad frame from t to t + lag
        steps = gaze[lag:][clean] - gaze[:-lag][clean]
        if len(steps) > 20:
            out[k] = float(np.median((steps ** 2).sum(axis=1)) / (2.0 * math.log(2.0)))
    return out


def _since_saccade(motion: Motion) -> np.ndarray:
    """Per frame, frames since the last saccade onset (``find_saccades``), a large number before the first."""
    onsets, _, _ = find_saccades(motion)
    frames = np.arange(len(motion.weights))
    last = np.searchsorted(onsets, frames, side="right") - 1
    return np.where(last >= 0, frames - onsets[np.maximum(last, 0)], 10 ** 9)


def _still_speeds(motion: Motion, window: int = 0, settled: bool = False) -> np.ndarray:
    """The gaze's median speed (deg/s) on tracked frames slower than half a saccade: of the whole motion, or of
    each ``window``-frame window (as ``stats.statistics`` and ``stats.window_features`` measure it); ``settled``:
    only frames ``UNREST_SETTLED`` or more after a saccade's onset (the jitter's own size, ``_fit_unrest``)."""
    gaze = gaze_degrees(motion)
    speed = np.r_[0.0, np.linalg.norm(np.diff(gaze, axis=0), axis=1) * motion.fps]
    still = motion.valid & (speed < SACCADE_SPEED / 2)
    if settled:
        still &= _since_saccade(motion) >= UNREST_SETTLED
    if not window:
        return np.array([np.median(speed[still])]) if still.any() else np.zeros(0)
    out = [np.median(speed[a:a + window][still[a:a + window]]) for a in range(0, len(speed) - window + 1, window)
           if motion.valid[a:a + window].all() and still[a:a + window].sum() > window // 2]
    return np.array(out)


def _unrest_ratios(motions: list[Motion]) -> np.ndarray:
    """Per bin of ``UNREST_BINS`` (frames since a saccade's onset): the takes' median of each take's median still
    speed there (as ``_still_speeds``, away from blinks) over its median once settled; nan where no take has
    ``UNREST_MIN_FRAMES``."""
    ratios = []
    for motion in motions:
        gaze = gaze_degrees(motion)
        speed = np.r_[0.0, np.linalg.norm(np.diff(gaze, axis=0), axis=1) * motion.fps]
        still = motion.valid & ~blink_frames(motion) & (speed < SACCADE_SPEED / 2)
        since = _since_saccade(motion)
        settled = still & (since >= UNREST_SETTLED)
        if settled.sum() < UNREST_MIN_FRAMES or np.median(speed[settled]) <= 0:
            continue
        base = float(np.median(speed[settled]))
        row = []
        for first, end in zip(UNREST_BINS[:-1], UNREST_BINS[1:]):
            part = still & (since >= first) & (since < end)
            row.append(float(np.median(speed[part])) / base if part.sum() >= UNREST_MIN_FRAMES else np.nan)
        ratios.append(row)
    table = np.array(ratios).reshape(-1, len(UNREST_BINS) - 1)
    return np.array([np.median(c[np.isfinite(c)]) if np.isfinite(c).any() else np.nan for c in table.T])


def _simulated_ratios(gain: float, seconds: float, drift: dict, saccades: SaccadeModel, takes: int = 3,
                      length: float = 240.0) -> np.ndarray:
    """``_unrest_ratios`` of gaze drawn by ``gaze.gaze_rotations`` with ``drift`` (its fitted drift and jitter, no
    wander) and that unrest, over ``takes`` seeded takes of ``length`` seconds at 30 Hz."""
    model = DriftModel(sd=drift["sd"], alpha=drift["alpha"], knee=drift["knee"], jitter=drift["jitter"],
                       jitter_smooth=drift["jitter_smooth"], unrest_gain=gain, unrest_time=seconds)
    times = np.arange(int(length * ANALYSIS_FPS)) / ANALYSIS_FPS
    motions = []
    for seed in range(takes):
        rng = np.random.default_rng(seed)
        rotations = np.zeros((len(times), 9))
        rotations[:, 3:9] = gaze_rotations(times, ANALYSIS_FPS, plan_saccades(length, saccades, rng), model, 1.0, rng)
        motions.append(Motion(np.zeros((len(times), 52)), rotations, ANALYSIS_FPS, np.ones(len(times), bool), False))
    return _unrest_ratios(motions)


def _fit_unrest(motions: list[Motion], drift: dict | None = None,
                saccades: SaccadeModel | None = None) -> tuple[float, float]:
    """(gain, seconds) of the gaze's unrest after a saccade, ``gaze.unrest``, fitted to the takes' still speed by
    time since a saccade over their settled speed (``_unrest_ratios``). Without ``drift``: 1 + gain exp(-t / seconds)
    fitted to those ratios by least squares on the log, which reads the gain low (the statistic leaves out frames
    faster than half a saccade, and a 30-Hz onset comes up to a frame late; on gaze drawn with a gain of 3 it reads 2).
    With the fitted ``drift`` and ``saccades``: by indirect inference, the grid point (gain 0-10 by 0.5, 0.05-0.5 s
    by 0.05) whose simulated ratios (``_simulated_ratios``, the same measure) are nearest the takes' in summed squared
    log ratio, by coordinate descent from the direct fit. (0, 0.1) with fewer than three bins measured."""
    target = _unrest_ratios(motions)
    centres = 0.5 * (UNREST_BINS[:-1] + UNREST_BINS[1:]) / ANALYSIS_FPS
    keep = np.isfinite(target) & (target > 0)
    if keep.sum() < 3:
        return 0.0, 0.1

    def residual(x):
        return np.log(1.0 + x[0] * np.exp(-centres[keep] / x[1])) - np.log(target[keep])

    fit = least_squares(residual, [1.0, 0.2], bounds=([0.0, 0.02], [20.0, 1.0]))
    gain, seconds = float(fit.x[0]), float(fit.x[1])
    if drift is None or saccades is None or gain <= 0.0:
        return gain, seconds

    def cost(g: float, t: float) -> float:
        simulated = _simulated_ratios(g, t, drift, saccades)
        both = keep & np.isfinite(simulated) & (simulated > 0)
        return float(np.sum((np.log(simulated[both]) - np.log(target[both])) ** 2)) if both.any() else math.inf

    gains, times = np.arange(0.0, 10.01, 0.5), np.round(np.arange(0.05, 0.501, 0.05), 3)
    point = [float(gains[np.argmin(np.abs(gains - gain))]), float(times[np.argmin(np.abs(times - seconds))])]
    for _ in range(3):
        before = tuple(point)
        point[0] = float(min(gains, key=lambda g: cost(g, point[1])))
        point[1] = float(min(times, key=lambda t: cost(point[0], t)))
        if tuple(point) == before:
            break
    return point[0], point[1]


def _step_correlation(motion: Motion, settled: bool = False) -> float:
    """Correlation of consecutive gaze steps (both axes) on tracked frames slower than half a saccade, away from
    blinks (``settled``: and settled after saccades, ``_fit_unrest``): positive in the takes (the gaze moves over a few
    frames), negative for white jitter; nan without steps."""
    gaze = gaze_degrees(motion)
    steps = np.diff(gaze, axis=0)
    speed = np.linalg.norm(steps, axis=1) * motion.fps
    ok = (motion.valid & ~blink_frames(motion))
    if settled:
        ok &= _since_saccade(motion) >= UNREST_SETTLED
    slow = ok[1:] & ok[:-1] & (speed < SACCADE_SPEED / 2)
    both = slow[1:] & slow[:-1]
    first, second = steps[:-1][both], steps[1:][both]
    norm = math.sqrt(float(np.sum(first ** 2)) * float(np.sum(second ** 2)))
    return float(np.sum(first * second)) / norm if len(first) > 20 and norm > 0 else math.nan


def _fit_drift(motions: list[Motion], saccades: SaccadeModel | None = None) -> dict:
    """Slow drift and fixational jitter, fitted together to the takes' gaze variogram within fixations:
    v(lag) = 2 jitter^2 + sd^2 (1 - rho(lag)) per axis, rho the autocorrelation of the drift's coloured noise
    (alpha, knee; ``noise.py``); the first lag is pinned to the gaze's median speed outside saccades (what the
    statistic measures; a 2-D Gaussian step of per-axis variance v has median length sqrt(2 ln 2 v)). Then the
    jitter size's wander: the log sd whose simulated spread of the 2-s windows' log median speed within a take
    (``_window_spread``) is the takes'; and from person to person: the spread of the takes' mean log median speed.
    The eyes' unrest after saccades (``_fit_unrest``): whether there is any is read first, and then the variogram,
    the pin and the steps' correlation are measured on settled frames (what the jitter's own size is); its gain and
    time are then fitted by simulation with that drift and jitter and the fitted ``saccades``, and the wander's
    simulation holds those saccades with that unrest, which spreads the windows too."""
    gain, seconds = _fit_unrest(motions)
    settled = gain > 0
    curves = np.array([_drift_variogram(m, settled) for m in motions])
    target = np.nanmedian(curves, axis=0)
    speeds = np.concatenate([_still_speeds(m, settled=settled) for m in motions])  # the jitter's own size
    if speeds.size:
        target[0] = (float(np.median(speeds)) / ANALYSIS_FPS) ** 2 / (2.0 * math.log(2.0))
        correlations = [c for c in (_step_correlation(m, settled) for m in motions) if math.isfinite(c)]
        if correlations:  # two steps add with their correlation: v(2) = 2 v(1) (1 + c), on the same frames as the pin
            target[1] = 2.0 * target[0] * (1.0 + float(np.median(correlations)))
    keep = np.isfinite(target) & (target > 0)
    if keep.sum() < 4:
        return {"sd": 0.4, "alpha": 3.0, "knee": 0.3, "jitter": 0.1, "jitter_log_sd": 0.0, "person_log_sd": 0.0,
                "note": "too few fixations: defaults"}
    lags = DRIFT_LAGS[keep]
    weight = np.where(lags <= 2, 3.0, 1.0)  # the pinned speed and the steps' correlation first
    best = None
    for smooth in JITTER_SMOOTH_GRID:  # the jitter's rounding on a grid (its kernel's length steps), the rest by least squares
        jitter_rho = jitter_autocorrelation(smooth, ANALYSIS_FPS, lags)

        def residual(x):
            jitter, sd, alpha, knee = x
            rho = noise_autocorrelation(alpha, knee, ANALYSIS_FPS, lags)
            return weight * (np.log(2 * jitter ** 2 * (1.0 - jitter_rho) + sd ** 2 * (1.0 - rho) + 1e-12)
                             - np.log(target[keep]))

        fit = least_squares(residual, [0.1, 1.0, 3.0, 0.3], bounds=([0.0, 0.0, 0.5, 0.02], [2.0, 10.0, 6.0, 10.0]))
        if best is None or fit.cost < best[0] - 1e-12:
            best = (fit.cost, smooth, fit.x)
    _, smooth, x = best
    jitter, sd, alpha, knee = (float(v) for v in x)
    if settled and saccades is not None:
        gain, seconds = _fit_unrest(motions, {"sd": sd, "alpha": alpha, "knee": knee, "jitter": jitter,
                                              "jitter_smooth": float(smooth)}, saccades)
    logs = [np.log(w[w > 0]) for w in (_still_speeds(m, int(2 * ANALYSIS_FPS)) for m in motions)]
    logs = [w for w in logs if w.size > 2]
    within = float(np.sqrt(np.mean(np.concatenate([(w - w.mean()) ** 2 for w in logs])))) if logs else 0.0
    between = float(np.std([w.mean() for w in logs])) if len(logs) > 1 else 0.0
    low, high = 0.0, 2.0  # the wander whose simulated within-take spread is the takes' (it rises with the wander)
    unrest = ((gain, seconds, saccades.fixation_log_mean, saccades.fixation_log_sd)
              if settled and saccades is not None else None)
    if _window_spread(jitter, sd, alpha, knee, low, smooth, unrest) >= within:
        high = 0.0
    for _ in range(14):
        middle = 0.5 * (low + high)
        low, high = (middle, high) if _window_spread(jitter, sd, alpha, knee, middle, smooth, unrest) < within else (low, middle)
    return {"sd": sd, "alpha": alpha, "knee": knee, "jitter": jitter, "jitter_smooth": float(smooth),
            "unrest_gain": round(gain, 4), "unrest_time": round(seconds, 4),
            "jitter_log_sd": round(0.5 * (low + high), 4), "person_log_sd": between,
            "note": f"fitted to the gaze variogram within fixations, lags {int(lags[0])}-{int(lags[-1])} frames at 30 Hz"}


def _window_spread(jitter: float, sd: float, alpha: float, knee: float, wander: float, smooth: float = 0.0,
                   unrest: tuple[float, float, float, float] | None = None, takes: int = 9, windows: int = 45) -> float:
    """sd, around each take's mean, of the 2-s windows' log median gaze speed of drift plus a jitter whose size
    wanders by ``wander`` (log sd, as ``gaze.gaze_rotations`` draws it), simulated (seeded) over ``takes`` takes of
    ``windows`` windows, about as long as the real ones: the drift's own share of the spread is not the wander's.
    ``unrest`` (gain, seconds, fixation log mean, log sd): the jitter also grows after saccade onsets drawn with those
    fixations (``gaze.unrest``; the saccades' own jumps are left out: the statistic measures still frames)."""
    rng = np.random.default_rng(0)
    size = int(2 * ANALYSIS_FPS)
    count = windows * size
    spreads = []
    for _ in range(takes):
        drift = sd / math.sqrt(2.0) * coloured_samples(count, ANALYSIS_FPS, alpha, knee, rng, 2)
        scale = np.exp(wander * coloured_samples(count, ANALYSIS_FPS, JITTER_ALPHA, JITTER_KNEE, rng, 1))
        if unrest is not None:
            gain, seconds, log_mean, log_sd = unrest
            gaps = np.maximum(MIN_FIXATION, np.exp(rng.normal(log_mean, log_sd, count)))
            times = np.arange(count) / ANALYSIS_FPS
            scale = scale * unrest_size(times, np.cumsum(gaps), gain, seconds)[:, None]
        gaze = drift + jitter * scale * rounded_jitter(count, ANALYSIS_FPS, smooth, rng, 2)
        speed = np.r_[0.0, np.linalg.norm(np.diff(gaze, axis=0), axis=1) * ANALYSIS_FPS].reshape(windows, size)
        logs = np.log(np.median(speed[:, 1:], axis=1))
        spreads.append(logs - logs.mean())
    return float(np.sqrt(np.mean(np.concatenate(spreads) ** 2)))


def _fit_head(motions: list[Motion]) -> dict:
    """Idle head motion and the head's share of slow gaze, from the takes that recorded the head."""
    if not motions:
        return {"sd": [3.0, 2.0, 1.5], "alpha": 2.5, "knee": 0.3, "gaze_follow": [0.3, 0.1], "gesture_scale": 1.0,
                "note": "no take recorded head rotation: literature-sized defaults"}
    fps = ANALYSIS_FPS
    follow, residuals = [], []
    for motion in motions:
        head = np.degrees(motion.rotations[motion.valid, :3])
        gaze = gaze_degrees(motion)[motion.valid]
        slow = uniform_filter1d(gaze, int(fps), axis=0, mode="nearest")
        gains = []
        for axis in (0, 1):
            x = slow[:, axis] - slow[:, axis].mean()
            y = head[:, axis] - head[:, axis].mean()
            gains.append(float(np.clip(x @ y / max(x @ x, 1e-9), -1.0, 1.0)))
        follow.append(gains)
        centred = head - head.mean(axis=0)
        centred[:, :2] -= (slow - slow.mean(axis=0)) * np.array(gains)[None, :]
        residuals.append(centred)
    residual = np.concatenate(residuals)
    alpha, knee = _spectrum_fit(residual, fps)
    sd = residual.std(axis=0)
    return {"sd": [round(float(v), 4) for v in sd], "alpha": alpha, "knee": knee,
            "gaze_follow": [float(np.median([f[0] for f in follow])), float(np.median([f[1] for f in follow]))],
            "gesture_scale": 1.0, "note": f"fitted from {len(motions)} take(s) with head rotation"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m i2fet_tools.motion.fit_performance", description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", default=None, help="folder of Live Link Face takes (default: the shared takes)")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help=f"where to write (default {MODEL_PATH})")
    args = parser.parse_args(argv)
    try:
        folder = Path(args.folder) if args.folder else takes_folder()
        takes = read_takes(folder)
        for take in takes:
            for note in take.notes:
                print(f"{take.name}: {note}")
        paths = sorted(list(folder.glob("*.csv")) + list(folder.glob("*.csv.xz")))
        data = fit_model(takes, names=[{"file": p.name, "sha256": sha256(p)} for p in paths])
        data["provenance"]["fitted_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
        data["provenance"]["source"] = ("Live Link Face takes from github.com/alexdjulin/LiveLinkFace-CSV-Retarget-For-"
                                        "Motionbuilder and github.com/sentien-io/SentienLiveLinkFace (MIT); only "
                                        "statistics are shipped")
        model_from_dict(data)  # refuse to write what the runtime would refuse to read
        args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}: blinks {data['blinks']['rate_per_min']:.1f}/min, fixations "
              f"{math.exp(data['saccades']['fixation_log_mean']):.2f} s, saccades "
              f"{math.exp(data['saccades']['amplitude_log_mean']):.1f} deg, head sd {data['head']['sd']}")
        return 0
    except I2FETError as error:
        print(f"fit-performance: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
