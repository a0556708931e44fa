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
from scipy.ndimage import uniform_filter1d
from scipy.optimize import least_squares
from scipy.signal import welch

from ml_backend.errors import I2FETError
from ml_backend.export.livelink_csv import Take, read_livelink_take
from ml_backend.motion.noise import residual_share
from ml_backend.motion.performance_model import FORMAT_VERSION, MODEL_PATH, model_from_dict, neutral_micro_channels
from ml_backend.motion.regions import EYELID_CHANNELS, REGION_CHANNELS
from ml_backend.motion.timing_fit import fit_timing
from ml_backend.motion.timing_params import TimingParams
from ml_backend.naming.arkit import ARKIT_NAMES, INDEX
from ml_backend.paths import assets_root

from .stats import ANALYSIS_FPS, SACCADE_SPEED, Motion, find_blinks, find_saccades, gaze_degrees, move_onsets

FACTORS = 4  # shared factors of the co-activation model
MIN_TAKE_SECONDS = 5.0
LOOK_AXES = {  # eyeLook channel -> (rotation column, sign): positive yaw looks to the subject's right, pitch down
    "eyeLookInLeft": (3, 1.0), "eyeLookOutLeft": (3, -1.0), "eyeLookDownLeft": (4, 1.0), "eyeLookUpLeft": (4, -1.0),
    "eyeLookOutRight": (6, 1.0), "eyeLookInRight": (6, -1.0), "eyeLookDownRight": (7, 1.0), "eyeLookUpRight": (7, -1.0),
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


def _spectrum_fit(values: np.ndarray, fps: float) -> tuple[float, float]:
    """(alpha, knee Hz) of S(f) = c / (1 + (f/knee)^alpha) fitted to the channels' mean Welch spectrum."""
    centred = values - values.mean(axis=0)
    freqs, power = welch(centred, fs=fps, nperseg=min(len(values), int(16 * fps)), axis=0)
    band = (freqs >= 0.1) & (freqs <= min(10.0, 0.45 * fps))
    log_power = np.log(np.maximum(power[band].reshape(band.sum(), -1).mean(axis=1), 1e-20))
    f = freqs[band]

    def residual(x):
        return x[2] - np.log1p((f / x[1]) ** x[0]) - log_power

    fit = least_squares(residual, [2.5, 0.5, log_power[0]], bounds=([0.5, 0.02, -80], [5.0, 5.0, 80]))
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
    rates, widths, closing, depths, cvs, with_saccade, with_move = [], [], [], [], [], [], []
    fixations, amplitudes, jumps, conjugacy, spread_yaw, spread_pitch, vergence, drift = [], [], [], [], [], [], [], []
    fixation_speeds = []
    for motion in motions:
        valid = motion.valid
        minutes = valid.sum() / fps / 60.0
        peaks, half_widths, close_share = find_blinks(motion)
        rates.append(len(peaks) / minutes)
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
            fixations += list((np.diff(onsets) / fps)[spans])
            gaze = gaze_degrees(motion)
            for a, b in zip(onsets[:-1][spans], onsets[1:][spans]):
                if b - a >= int(0.3 * fps):
                    part = gaze[a + 2: b - 1]
                    if len(part) > 3:
                        drift.append(float(np.sqrt(((part - part.mean(axis=0)) ** 2).sum(axis=1).mean())))
        amplitudes += list(np.linalg.norm(jump, axis=1))
        jumps.append(jump)
        conjugacy += list(conj)
        speed = np.r_[0.0, np.linalg.norm(np.diff(gaze_degrees(motion), axis=0), axis=1) * fps]
        still = valid & (speed < SACCADE_SPEED / 2)
        if still.any():
            fixation_speeds.append(float(np.median(speed[still])))
        gaze = gaze_degrees(motion)[valid]
        spread_yaw.append(float(gaze[:, 0].std()))
        spread_pitch.append(float(gaze[:, 1].std()))
        rot = np.degrees(motion.rotations[valid])
        vergence.append(float(np.mean(rot[:, 3] - rot[:, 6])))
    all_jumps = np.concatenate(jumps) if jumps else np.zeros((0, 2))
    fixations_arr, amplitudes_arr = np.array(fixations), np.array(amplitudes)
    blinks = {
        "rate_per_min": _median(rates, 14.0), "interval_cv": float(np.clip(_median(cvs, 0.7), 0.05, 3.0)),
        "half_width": _median(widths, 0.11), "closing_share": float(np.clip(_median(closing, 0.45), 0.1, 0.9)),
        "depth": float(np.clip(_median(depths, 0.9), 0.3, 1.0)),
        "with_saccade_share": _median(with_saccade, 0.3), "with_expression_share": _median(with_move, 0.2),
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
    # white 2-D jitter of sd s per axis: the frame-to-frame step is Rayleigh, median 1.177 s sqrt(2)
    jitter = _median(fixation_speeds, 5.0) / (1.177 * math.sqrt(2.0) * fps)
    drift_model = {"sd": _median(drift, 0.4), "alpha": 3.0, "knee": 0.3, "jitter": float(np.clip(jitter, 0, 2))}
    eye_look = {}
    for name, (column, sign) in LOOK_AXES.items():
        gains = []
        for take in takes:
            if not take.has_eyes:
                continue
            angle = np.maximum(sign * take.rotations[take.valid, column], 0.0)
            weight = take.weights[take.valid, INDEX[name]].astype(np.float64)
            if angle.std() > 1e-3 and weight.std() > 1e-3:
                design = np.stack([angle, np.ones_like(angle)], 1)
                gains.append(float(np.linalg.lstsq(design, weight, rcond=None)[0][0]))
        eye_look[name] = [column, float(np.clip(sign * _median(gains, 1.5), -20, 20))]
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
            "eye_look": eye_look, "micro": micro, "head": head,
            "timing": timing_fit.params.to_dict() if timing_fit else {},
            "provenance": provenance}


def _fit_micro(motions: list[Motion]) -> dict:
    """Per-region spectra, and a low-rank factor model of the residual covariance, scaled to marginal sizes."""
    fps = ANALYSIS_FPS
    skip = set(neutral_micro_channels().tolist())
    upper = set(REGION_CHANNELS["upper"].tolist())
    channels = [i for i in range(len(ARKIT_NAMES)) if i not in skip]
    region = np.array([0 if i in upper else 1 for i in channels])
    spectra = {0: [], 1: []}
    covariances = []
    for motion in motions:
        values = motion.weights[:, channels]
        for r in (0, 1):
            spectra[r].append(_spectrum_fit(values[motion.valid][:, region == r], fps))
        residual = values - uniform_filter1d(values, int(fps), axis=0, mode="nearest")
        residual = residual[motion.valid]
        covariances.append(np.cov(residual, rowvar=False))
    alpha = [float(np.median([s[0] for s in spectra[r]])) for r in (0, 1)]
    knee = [float(np.median([s[1] for s in spectra[r]])) for r in (0, 1)]
    cov = np.mean(covariances, axis=0)
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1][:FACTORS]
    loadings = vectors[:, order] * np.sqrt(np.maximum(values[order], 0.0))[None, :]
    own = np.sqrt(np.maximum(np.diag(cov) - (loadings ** 2).sum(axis=1), 0.0))
    to_marginal = np.array([1.0 / residual_share(alpha[r], knee[r]) for r in region])
    return {"channels": [ARKIT_NAMES[i] for i in channels], "region": region.tolist(), "alpha": alpha, "knee": knee,
            "loadings": np.round(loadings * to_marginal[:, None], 6).tolist(),
            "own_sd": np.round(own * to_marginal, 6).tolist(),
            "residual_sd": np.round(np.sqrt(np.diag(cov)), 6).tolist()}


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
