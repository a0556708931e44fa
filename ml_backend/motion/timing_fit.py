"""Fit the timing parameters to captured performances (Live Link Face CSV takes), and save them.

Analysis of a take:
1. Moves are found where the face's speed (largest channel velocity, eyelids left out) rises above
   the take's noise; each move is cut out with the still frames around it.
2. In each move, each region's channels are projected on the region's change, giving a progress
   curve 0 -> 1, and the same eased profile the trajectory uses is fitted to it (start, length,
   overshoot) by least squares.
3. Over all moves: the onset duration is regressed on the amplitude (onset, amplitude_floor),
   relaxing moves give release_scale, the regions' start times give their delays (one offset per
   move plus one delay per region, least squares, eyes = 0), the overshoot is the median overshoot.
4. Spontaneous blinks (short eyelid peaks above the eyelids' running median) give the blink rate
   and duration.

``main(argv)`` is ``python3 build.py fit-timing takes/*.csv``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy.ndimage import median_filter, uniform_filter1d
from scipy.optimize import least_squares
from scipy.signal import find_peaks

from ..errors import I2FETError
from ..export.livelink_csv import read_livelink_csv
from .easing import eased_progress
from .blinks import EYES_CLOSED, EYES_SQUEEZED
from .regions import EYELID_CHANNELS, NON_EYELID, REGION_OF_CHANNEL, REGIONS, SQUINT_CHANNELS
from .timing_params import TimingParams, load_timing_params, move_kind, save_timing_params, timing_params_path

MIN_SPEED = 0.3  # weight units a second: slower is noise or drift
MERGE_GAP = 0.15  # seconds: runs of motion closer than this are one move
MIN_CHANGE = 0.04  # a channel counts in a move when it changes by more
MIN_MOVES = 6  # fewer moves keep the defaults
MIN_BLINKS = 3


@dataclass(frozen=True)
class RegionFit:
    start: float  # seconds
    length: float  # seconds
    overshoot: float


@dataclass(frozen=True)
class MoveMeasure:
    """One move found in a take: its regions' fitted timing, its size and kind."""

    regions: dict[int, RegionFit]
    amplitude: float
    release: bool

    @property
    def duration(self) -> float:
        starts = [r.start for r in self.regions.values()]
        ends = [r.start + r.length for r in self.regions.values()]
        return max(ends) - min(starts)


@dataclass(frozen=True)
class TimingFit:
    params: TimingParams
    moves: int
    blinks: int
    notes: tuple[str, ...]


def _motion_runs(speed: np.ndarray, threshold: float, fps: float) -> list[tuple[int, int]]:
    """[first, end) frame ranges where the speed is above the threshold, close runs merged."""
    active = np.concatenate([[False], speed > threshold, [False]])
    edges = np.flatnonzero(np.diff(active.astype(int)))
    runs = [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]
    merged: list[tuple[int, int]] = []
    for run in runs:
        if merged and run[0] - merged[-1][1] < MERGE_GAP * fps:
            merged[-1] = (merged[-1][0], run[1])
        else:
            merged.append(run)
    return [r for r in merged if r[1] - r[0] >= 3]


def find_moves(weights: np.ndarray, fps: float) -> list[tuple[int, int]]:
    """Frame windows [first, end) of the moves of a take, each with still frames before and after."""
    smooth = uniform_filter1d(weights, 3, axis=0)
    speed = np.abs(np.gradient(smooth[:, NON_EYELID], axis=0)).max(axis=1) * fps
    threshold = max(MIN_SPEED, 4.0 * float(np.median(speed)))
    runs = _motion_runs(speed, threshold, fps)
    windows = []
    for i, (first, end) in enumerate(runs):
        before = first - (runs[i - 1][1] if i else 0)
        after = (runs[i + 1][0] if i + 1 < len(runs) else len(weights)) - end
        pad_before, pad_after = min(int(0.5 * fps), before // 2), min(int(0.5 * fps), after // 2)
        if pad_before >= 4 and pad_after >= 4:
            windows.append((first - pad_before, end + pad_after))
    return windows


def _fit_progress(times: np.ndarray, progress: np.ndarray, fps: float) -> RegionFit | None:
    half = np.flatnonzero(progress >= 0.5)
    if half.size == 0:
        return None
    guess_length = max(0.4, 4.0 / fps)
    x0 = [times[half[0]] - 0.5 * guess_length, guess_length, 0.02]
    lower = [times[0] - 1.0, 1.5 / fps, 0.0]
    upper = [times[-1], 3.0, 0.3]
    x0 = np.clip(x0, np.array(lower) + 1e-6, np.array(upper) - 1e-6)

    def residual(x):
        return eased_progress((times - x[0]) / x[1], x[2]) - progress

    result = least_squares(residual, x0, bounds=(lower, upper), x_scale=[0.1, 0.1, 0.02])
    if not result.success or np.sqrt(np.mean(result.fun ** 2)) > 0.15:
        return None
    return RegionFit(start=float(result.x[0]), length=float(result.x[1]), overshoot=float(result.x[2]))


def measure_move(weights: np.ndarray, fps: float, first: int, end: int) -> MoveMeasure | None:
    """Fit each region's progress in one move window; None for eyelid moves and unclear ones."""
    window = weights[first:end]
    before, after = np.median(window[:4], axis=0), np.median(window[-4:], axis=0)
    change = after - before
    kind = move_kind(before, after)
    if kind.eyelid:
        return None
    times = np.arange(first, end) / fps
    regions: dict[int, RegionFit] = {}
    for region in range(len(REGIONS)):
        channels = np.flatnonzero((REGION_OF_CHANNEL == region) & (np.abs(change) > MIN_CHANGE))
        channels = np.setdiff1d(channels, EYELID_CHANNELS)
        if channels.size == 0:
            continue
        direction = change[channels]
        progress = (window[:, channels] - before[channels]) @ direction / float(direction @ direction)
        fit = _fit_progress(times, progress, fps)
        if fit is not None:
            regions[region] = fit
    if not regions:
        return None
    return MoveMeasure(regions=regions, amplitude=kind.amplitude, release=kind.release)


def find_blinks(weights: np.ndarray, fps: float) -> tuple[list[float], float]:
    """(durations in seconds of the spontaneous blinks, seconds of the take when a blink could happen)."""
    lids = weights[:, EYELID_CHANNELS].mean(axis=1)
    baseline = median_filter(lids, size=max(3, int(fps)), mode="nearest")
    squint = median_filter(weights[:, SQUINT_CHANNELS].max(axis=1), size=max(3, int(fps)), mode="nearest")
    eligible = (baseline < EYES_CLOSED) & (squint < EYES_SQUEEZED)
    peaks, info = find_peaks(lids - baseline, height=0.4, distance=max(1, int(0.3 * fps)),
                             width=(1, 0.6 * fps), rel_height=0.5)
    keep = eligible[peaks]
    half_widths = info["widths"][keep] / fps
    # the trajectory's blink pulse is at half height for half its duration
    durations = [float(w) / 0.5 for w in half_widths]
    return durations, float(eligible.sum()) / fps


def _region_delays(moves: list[MoveMeasure], base: tuple[float, ...]) -> tuple[tuple[float, ...], str | None]:
    """Per-region delays (eyes = 0) from moves where several regions moved: start = move offset + delay."""
    shared = [m for m in moves if len(m.regions) >= 2 and 0 in m.regions]
    seen = {r for m in shared for r in m.regions}
    if len(shared) < 3:
        return base, "Too few moves with the eyes and another region moving: the regions' delays were kept."
    unknown = [r for r in range(1, len(REGIONS)) if r in seen]
    rows, values = [], []
    for k, move in enumerate(shared):
        for region, fit in move.regions.items():
            row = np.zeros(len(shared) + len(unknown))
            row[k] = 1.0
            if region != 0:
                row[len(shared) + unknown.index(region)] = 1.0
            rows.append(row)
            values.append(fit.start)
    solution = np.linalg.lstsq(np.array(rows), np.array(values), rcond=None)[0]
    delays = list(base)
    delays[0] = 0.0
    for i, region in enumerate(unknown):
        delays[region] = float(np.clip(solution[len(shared) + i], -0.45, 0.45))
    return tuple(delays), None


def fit_timing(takes: Sequence[tuple[np.ndarray, float]], base: TimingParams | None = None,
               source: str = "captured takes") -> TimingFit:
    """Fit the timing parameters to takes given as (frames x 52 weights, fps)."""
    base = base if base is not None else TimingParams()
    notes: list[str] = []
    moves: list[MoveMeasure] = []
    blink_durations: list[float] = []
    blink_time = 0.0
    for weights, fps in takes:
        weights = np.asarray(weights, np.float64)
        for first, end in find_moves(weights, fps):
            move = measure_move(weights, fps, first, end)
            if move is not None:
                moves.append(move)
        durations, eligible = find_blinks(weights, fps)
        blink_durations += durations
        blink_time += eligible
    params = base
    onsets = [m for m in moves if not m.release]
    releases = [m for m in moves if m.release]
    if len(onsets) >= MIN_MOVES:
        amplitude = np.array([m.amplitude for m in onsets])
        duration = np.array([m.duration for m in onsets])
        if amplitude.std() > 0.08:
            slope, intercept = np.polyfit(amplitude, duration, 1)
            onset = float(np.clip(slope + intercept, 0.05, 5.0))
            floor = float(np.clip(intercept / onset, 0.0, 1.0))
        else:
            floor = base.amplitude_floor
            onset = float(np.median(duration / (floor + (1 - floor) * amplitude)))
            notes.append("The moves were all of a similar size: the amplitude share was kept.")
        overshoot = float(np.median([r.overshoot for m in onsets for r in m.regions.values()]))
        params = replace(params, onset=onset, amplitude_floor=floor, overshoot=float(np.clip(overshoot, 0.0, 0.3)))
    else:
        notes.append(f"Only {len(onsets)} onsets were found (need {MIN_MOVES}): onset timing kept.")
    if len(releases) >= MIN_MOVES // 2 and len(onsets) >= MIN_MOVES:
        expected = np.array([params.natural_onset(m.amplitude, False, False) for m in releases])
        ratio = float(np.median(np.array([m.duration for m in releases]) / expected))
        params = replace(params, release_scale=float(np.clip(ratio, 0.3, 4.0)))
    else:
        notes.append(f"Only {len(releases)} relaxing moves were found: release timing kept.")
    delays, delay_note = _region_delays(moves, base.region_delays)
    params = replace(params, region_delays=delays)
    if delay_note:
        notes.append(delay_note)
    if len(blink_durations) >= MIN_BLINKS and blink_time > 0:
        params = replace(params, blink_rate=float(np.clip(60.0 * len(blink_durations) / blink_time, 0.0, 80.0)),
                         blink_duration=float(np.clip(np.median(blink_durations), 0.05, 1.0)))
    else:
        notes.append(f"Only {len(blink_durations)} blinks were found: blink timing kept.")
    params = replace(params, source=f"{source} ({len(moves)} moves, {len(blink_durations)} blinks)")
    return TimingFit(params=params, moves=len(moves), blinks=len(blink_durations), notes=tuple(notes))


def _take_paths(items: Sequence[str]) -> list[Path]:
    paths: list[Path] = []
    for item in items:
        path = Path(item)
        paths.extend(sorted(path.glob("*.csv")) if path.is_dir() else [path])
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """``fit-timing TAKE.csv ...``: fit, print and save the timing parameters. Returns the exit status."""
    parser = argparse.ArgumentParser(prog="build.py fit-timing",
                                     description="Fit the transition timing to your own Live Link Face CSV takes; "
                                                 "generated clips use the fitted timing from then on.")
    parser.add_argument("takes", nargs="+", help="Live Link Face CSV files, or folders holding them")
    parser.add_argument("--fps", type=float, default=None, help="frame rate of the takes (read from the timecodes if left out)")
    parser.add_argument("--out", type=Path, default=None, help=f"where to save (default {timing_params_path()})")
    parser.add_argument("--dry-run", action="store_true", help="print the fit without saving it")
    parser.add_argument("--reset", action="store_true", help="delete the saved fit: use the literature defaults again")
    args = parser.parse_args(argv)
    try:
        if args.reset:
            target = args.out or timing_params_path()
            target.unlink(missing_ok=True)
            print(f"Removed {target}: the literature defaults are used.")
            return 0
        paths = _take_paths(args.takes)
        if not paths:
            raise I2FETError("No CSV takes were found in " + ", ".join(args.takes) + ".")
        takes = [read_livelink_csv(p, fps=args.fps) for p in paths]
        frames = sum(len(w) for w, _ in takes)
        print(f"Fitting timing to {len(takes)} take(s), {frames} frames ...")
        fit = fit_timing(takes, source=f"{len(takes)} take(s)")
        if fit.moves == 0:
            raise I2FETError("No facial moves were found in the takes: nothing to fit (are they Live Link Face CSVs?).")
        current, _ = load_timing_params(args.out)
        default = TimingParams()
        print(f"{'parameter':18s} {'default':>10s} {'before':>10s} {'fitted':>10s}")
        for name in ("onset", "amplitude_floor", "release_scale", "overshoot", "blink_rate", "blink_duration"):
            print(f"{name:18s} {getattr(default, name):10.3f} {getattr(current, name):10.3f} {getattr(fit.params, name):10.3f}")
        for i, region in enumerate(REGIONS):
            print(f"{'delay ' + region:18s} {default.region_delays[i]:10.3f} {current.region_delays[i]:10.3f} "
                  f"{fit.params.region_delays[i]:10.3f}")
        for note in fit.notes:
            print("note:", note)
        if args.dry_run:
            return 0
        saved = save_timing_params(fit.params, args.out, {"takes": [str(p) for p in paths], "moves": fit.moves,
                                                          "blinks": fit.blinks, "notes": list(fit.notes)})
        print(f"Saved {saved}; new clips use this timing (delete it, or use --reset, to go back to the defaults).")
        return 0
    except I2FETError as error:
        print(f"fit-timing: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
