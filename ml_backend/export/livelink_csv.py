"""Live Link Face CSV: the take format of Apple-ARKit capture that Unreal's importers read.

Columns: Timecode, BlendShapeCount, the 52 ARKit channels (capitalised, ARKit order), then head
and eye rotations (HeadYaw, HeadPitch, HeadRoll, LeftEyeYaw, ..., RightEyeRoll). Timecode is
HH:MM:SS:FF.mmm (frames and a sub-frame fraction) at the take's frame rate.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ..naming.arkit import ARKIT_NAMES, NUM_CHANNELS, livelink_column
from ..errors import I2FETError
from .atomic import atomic_write

ROTATION_COLUMNS = ("HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll",
                    "RightEyeYaw", "RightEyePitch", "RightEyeRoll")
HEADER = ("Timecode", "BlendShapeCount") + tuple(livelink_column(n) for n in ARKIT_NAMES) + ROTATION_COLUMNS
BLENDSHAPE_COUNT = NUM_CHANNELS + len(ROTATION_COLUMNS)  # 61, as Live Link Face writes it


def timecode(frame: int, fps: float) -> str:
    """HH:MM:SS:FF.mmm for a frame index."""
    whole_fps = max(1, int(round(fps)))
    seconds, frame_in_second = divmod(frame, whole_fps)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}:{frame_in_second:02d}.000"


def write_livelink_csv(path: Path, weights: np.ndarray, fps: float, rotations: np.ndarray | None = None) -> Path:
    """Write frames x 52 weights (and optional frames x 9 rotations) as a Live Link Face take."""
    weights = np.asarray(weights, dtype=np.float64)
    rotations = np.zeros((len(weights), len(ROTATION_COLUMNS))) if rotations is None else np.asarray(rotations)
    path = Path(path)
    if weights.ndim != 2 or weights.shape[1] != NUM_CHANNELS or not np.all(np.isfinite(weights)):
        raise I2FETError(f"A Live Link take needs finite frames x {NUM_CHANNELS} weights; nothing was written.")
    with atomic_write(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for frame, (row, rot) in enumerate(zip(weights, rotations)):
            writer.writerow([timecode(frame, fps), BLENDSHAPE_COUNT] + [f"{v:.6f}" for v in row] + [f"{v:.6f}" for v in rot])
    return path


def _parse_timecode(text: str) -> float:
    hours, minutes, seconds, frames = text.split(":")
    return (int(hours) * 3600 + int(minutes) * 60 + int(seconds)), float(frames)


def read_livelink_csv(path: Path, fps: float | None = None) -> tuple[np.ndarray, float]:
    """Read a Live Link Face take: (frames x 52 weights in ARKit order, frame rate).

    The frame rate, when not given, is read from the timecodes: the largest frame number + 1 (rounded
    up to the common rates 24, 25, 30, 50, 60) once a take spans a whole second, else 30.
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except OSError as error:
        raise I2FETError(f"Cannot read the take {path}: {error}") from error
    if not rows:
        raise I2FETError(f"{path.name} is empty: not a Live Link Face take.")
    header = [h.strip() for h in rows[0]]
    lookup = {h.lower(): i for i, h in enumerate(header)}
    missing = [livelink_column(n) for n in ARKIT_NAMES if livelink_column(n).lower() not in lookup]
    if len(missing) == NUM_CHANNELS:
        raise I2FETError(f"{path.name} has none of the ARKit columns (EyeBlinkLeft, ...): not a Live Link Face take.")
    weights = np.zeros((len(rows) - 1, NUM_CHANNELS), dtype=np.float32)
    max_frame, seconds_seen = 0.0, set()
    for r, row in enumerate(rows[1:]):
        for c, name in enumerate(ARKIT_NAMES):
            col = lookup.get(livelink_column(name).lower())
            if col is not None and col < len(row) and row[col].strip():
                weights[r, c] = float(row[col])
        if fps is None and "timecode" in lookup:
            second, frame = _parse_timecode(row[lookup["timecode"]])
            seconds_seen.add(second)
            max_frame = max(max_frame, frame)
    if fps is None:
        spans_a_second = len(seconds_seen) > 1
        fps = next((rate for rate in (24, 25, 30, 50, 60, 120) if max_frame < rate), 60) if spans_a_second else 30
    if not np.all(np.isfinite(weights)):
        raise I2FETError(f"{path.name} holds values that are not numbers.")
    return np.clip(weights, 0.0, 1.0), float(fps)
