"""Live Link Face CSV: the take format of Apple-ARKit capture that Unreal's importers read.

Columns: Timecode, BlendShapeCount, the 52 ARKit channels (capitalised, ARKit order), then head
and eye rotations (HeadYaw, HeadPitch, HeadRoll, LeftEyeYaw, ..., RightEyeRoll), in radians.
Timecode is HH:MM:SS:FF.mmm (frames of the timecode rate and a sub-frame fraction).

Real takes are messier than the format (``read_livelink_take`` survives all of these, with notes):
rows cut short as ``timecode,0`` where tracking was lost, the ``BlendshapeCount`` spelling of app
version 1.4.2, takes without rotation columns or with the head columns all zero (not recorded),
and takes whose rows come every second timecode frame (a 60-fps timecode sampled at 30 Hz: six of
the seven takes in ``shared/assets/livelink-takes`` are like this). The frame rate of a take is
its rows' rate, read from the timecodes.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..naming.arkit import ARKIT_NAMES, NUM_CHANNELS, livelink_column
from .. import validation
from ..errors import I2FETError
from ..printable import printable
from .atomic import atomic_write

ROTATION_COLUMNS = ("HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll",
                    "RightEyeYaw", "RightEyePitch", "RightEyeRoll")
NUM_ROTATIONS = len(ROTATION_COLUMNS)
HEAD_COLUMNS = slice(0, 3)
EYE_COLUMNS = slice(3, 9)
HEADER = ("Timecode", "BlendShapeCount") + tuple(livelink_column(n) for n in ARKIT_NAMES) + ROTATION_COLUMNS
BLENDSHAPE_COUNT = NUM_CHANNELS + len(ROTATION_COLUMNS)  # 61, as Live Link Face writes it
COMMON_RATES = (24, 25, 30, 48, 50, 60, 120)
MAX_ROTATION = math.pi  # radians; larger values are not a head or an eye
MIN_ROWS = 2
MAX_TIMECODE_FRAME = 1000  # a frame number within one second, at most the highest frame rate
MIN_GAP_REFUSED_SECONDS = 60.0  # a longer stretch without rows than the take holds is not tracking lost


@dataclass(frozen=True)
class Take:
    """A Live Link Face take on a regular frame grid.

    ``valid`` is False on the frames where tracking was lost (short rows, gaps in the timecodes):
    their values are interpolated from the frames around them so arrays hold no NaN, and statistics
    should leave them out. ``has_eyes``/``has_head`` say whether the rotations were recorded.
    """

    weights: np.ndarray  # T x 52 in [0, 1]
    rotations: np.ndarray  # T x 9 radians (zeros where not recorded)
    fps: float  # rows a second
    valid: np.ndarray  # T bool
    has_eyes: bool
    has_head: bool
    notes: tuple[str, ...]
    name: str = ""

    @property
    def seconds(self) -> float:
        return len(self.weights) / self.fps


def timecode(frame: int, fps: float) -> str:
    """HH:MM:SS:FF.mmm for a frame index."""
    whole_fps = max(1, int(round(fps)))
    seconds, frame_in_second = divmod(frame, whole_fps)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}:{frame_in_second:02d}.000"


def write_livelink_csv(path: Path, weights: np.ndarray, fps: float, rotations: np.ndarray | None = None) -> Path:
    """Write frames x 52 weights (and optional frames x 9 rotations in radians) as a Live Link Face take."""
    weights = np.asarray(weights, dtype=np.float64)
    rotations = np.zeros((len(weights), NUM_ROTATIONS)) if rotations is None else np.asarray(rotations, np.float64)
    if rotations.shape != (len(weights), NUM_ROTATIONS):
        raise I2FETError(f"Rotations must be {len(weights)} x {NUM_ROTATIONS} (head and eyes), got {rotations.shape}.")
    path = Path(path)
    if weights.ndim != 2 or weights.shape[1] != NUM_CHANNELS or not np.all(np.isfinite(weights)):
        raise I2FETError(f"A Live Link take needs finite frames x {NUM_CHANNELS} weights; nothing was written.")
    if not np.all(np.isfinite(rotations)):
        raise I2FETError("The head and eye rotations hold values that are not numbers (NaN or infinite); nothing "
                         "was written.")
    fps = validation.fps(fps)  # the timecodes count frames of this rate
    with atomic_write(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for frame, (row, rot) in enumerate(zip(weights, rotations)):
            writer.writerow([timecode(frame, fps), BLENDSHAPE_COUNT] + [f"{v:.6f}" for v in row] + [f"{v:.6f}" for v in rot])
    return path


def _timecode_frames(text: str) -> tuple[int, float]:
    """(whole seconds of the day, frame within the second) of HH:MM:SS:FF.mmm; ValueError when malformed."""
    parts = text.strip().split(":")
    if len(parts) != 4:
        raise ValueError(text)
    hours, minutes, seconds = (int(p) for p in parts[:3])
    frame = float(parts[3])
    if not (0 <= hours < 24 and 0 <= minutes < 60 and 0 <= seconds < 61 and 0 <= frame < MAX_TIMECODE_FRAME):
        raise ValueError(text)
    return hours * 3600 + minutes * 60 + seconds, frame


def _grid_positions(stamps: list[tuple[int, float]], notes: list[str]) -> tuple[np.ndarray, float]:
    """Frame index of each row on a regular grid, and the rows' rate, from the timecodes.

    The timecode rate is the common rate above the largest frame number; a take within one second
    shows too few frame numbers to tell, and is taken as 30 fps unless its frame numbers go higher.
    """
    max_frame = max(frame for _, frame in stamps)
    one_second = len({s for s, _ in stamps}) < 2
    if one_second and max_frame < 30:
        timecode_rate = 30
        notes.append("The take lasts less than a second: its timecode rate was taken as 30 fps (give the rate "
                     "to override).")
    else:
        timecode_rate = next((rate for rate in COMMON_RATES if max_frame < rate), int(math.floor(max_frame)) + 1)
    seconds = np.array([s for s, _ in stamps], np.float64)
    seconds[seconds < seconds[0] - 43200] += 86400  # past midnight
    ticks = seconds * timecode_rate + np.array([f for _, f in stamps])
    steps = np.diff(ticks)
    positive = steps[steps > 0]
    if positive.size == 0:
        notes.append("The timecodes do not advance: rows were taken one a frame at 60 fps.")
        return np.arange(len(stamps)), 60.0
    step = float(np.median(positive))
    rate = timecode_rate / step
    near = min(COMMON_RATES, key=lambda r: abs(r - rate))
    if abs(near - rate) / rate < 0.02:
        rate = float(near)
    if step > 1.5:
        notes.append(f"Rows come every {step:g} timecode frames of a {timecode_rate}-fps timecode: "
                     f"the take was sampled at {rate:g} fps.")
    positions = np.round((ticks - ticks[0]) * rate / timecode_rate).astype(np.int64)
    if np.any(steps < 0):
        notes.append(f"{int(np.sum(steps < 0))} row(s) came before the row above them in timecode order: the "
                     "rows were put in timecode order.")
    return positions - positions.min(), float(rate)


def _check_gaps(name: str, positions: np.ndarray, rate: float, lines: np.ndarray) -> None:
    """Refuse a take whose timecodes leave more time without rows than the take holds (and over a minute).

    Such a jump (a timecode typed by hand, two takes pasted together) is not tracking lost, and filling
    it in would build a grid of millions of frames; checked before any grid is made.
    """
    order = np.sort(positions)
    missing = int(order[-1] + 1 - len(np.unique(order)))
    if missing <= max(len(order), MIN_GAP_REFUSED_SECONDS * rate):
        return
    jumps = np.diff(order)
    at = int(np.argmax(jumps))
    before, after = lines[np.argsort(positions, kind="stable")][[at, at + 1]]
    raise I2FETError(f"{name}'s timecodes jump {jumps[at] / rate:,.0f} s between lines {before} and {after}: "
                     f"{missing:,} frames without rows, more than the {len(order):,} it holds. Cut the take at the "
                     "jump, or give the take's frame rate to read its rows one a frame.")


def read_livelink_take(path: Path, fps: float | None = None) -> Take:
    """Read a Live Link Face take (see the module docstring); raises I2FETError with a message when unusable.

    ``fps`` overrides the rate read from the timecodes (rows are then taken as consecutive frames).
    """
    path = Path(path)
    if fps is not None and (not isinstance(fps, (int, float)) or not math.isfinite(fps) or not 0 < fps <= 1000):
        raise I2FETError(f"The frame rate of {path.name} must be between 0 and 1000 fps (got {fps!r}).")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError as error:
        raise I2FETError(f"{path.name} is not UTF-8 text (byte {error.start} cannot be read): not a Live Link Face "
                         "take, or saved in another encoding (save it as UTF-8 CSV).") from error
    except (OSError, csv.Error) as error:
        raise I2FETError(f"Cannot read the take {path}: {error}") from error
    if not rows:
        raise I2FETError(f"{path.name} is empty: not a Live Link Face take.")
    notes: list[str] = []
    header = [h.strip() for h in rows[0]]
    lookup = {h.lower(): i for i, h in enumerate(header)}
    if "BlendshapeCount" in header:
        notes.append("The header spells 'BlendshapeCount' (Live Link Face 1.4): read as BlendShapeCount.")
    channel_cols = [lookup.get(livelink_column(n).lower()) for n in ARKIT_NAMES]
    missing = [livelink_column(n) for n, c in zip(ARKIT_NAMES, channel_cols) if c is None]
    if len(missing) == NUM_CHANNELS:
        raise I2FETError(f"{path.name} has none of the ARKit columns (EyeBlinkLeft, ...): not a Live Link Face take.")
    if missing:
        notes.append(f"{len(missing)} ARKit column(s) missing ({', '.join(missing[:4])}{', ...' if len(missing) > 4 else ''}): "
                     "read as 0.")
    rotation_cols = [lookup.get(name.lower()) for name in ROTATION_COLUMNS]
    if all(c is None for c in rotation_cols):
        notes.append("No head or eye rotation columns: rotations read as 0.")
    needed = max(c for c in channel_cols + rotation_cols if c is not None) + 1
    tc_col = lookup.get("timecode")
    kept, stamps, lost = [], [], 0
    for line, row in enumerate(rows[1:], start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < needed:
            lost += 1  # "timecode,0": tracking lost
            continue
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):  # not trailing commas
            raise I2FETError(f"{path.name}, line {line}: {len(row)} cells under a header of {len(header)}, so the "
                             "values would land in the wrong columns (decimal commas? save the take with decimal "
                             "points).")
        if tc_col is not None and fps is None:
            try:
                stamps.append(_timecode_frames(row[tc_col]))
            except ValueError:
                raise I2FETError(f"{path.name}, line {line}: the timecode '{printable(row[tc_col][:40])}' is not "
                                 "HH:MM:SS:FF (hours 0-23).") from None
        kept.append((line, row))
    if lost:
        notes.append(f"{lost} row(s) where tracking was lost (cut short, like 'timecode,0') were left out.")
    if len(kept) < MIN_ROWS:
        raise I2FETError(f"{path.name} holds {len(kept)} usable frame(s): a take needs at least {MIN_ROWS}.")
    values = np.zeros((len(kept), NUM_CHANNELS + NUM_ROTATIONS))
    columns = channel_cols + rotation_cols
    for r, (line, row) in enumerate(kept):
        for c, col in enumerate(columns):
            if col is None or not row[col].strip():
                continue
            try:
                values[r, c] = float(row[col])
            except ValueError:
                raise I2FETError(f"{path.name}, line {line}: '{row[col]}' in column {header[col]} is not a number.") from None
    if not np.all(np.isfinite(values)):
        raise I2FETError(f"{path.name} holds values that are not numbers (nan or inf).")
    if fps is not None:
        positions, rate = np.arange(len(kept)), float(fps)
    elif tc_col is not None:
        positions, rate = _grid_positions(stamps, notes)
        if not validation.MIN_FPS <= rate <= validation.MAX_FPS:
            raise I2FETError(f"{path.name}'s timecodes give its rows a rate of {rate:.3g} a second, outside "
                             f"{validation.MIN_FPS:g} to {validation.MAX_FPS:g} fps: give the take's frame rate.")
        _check_gaps(path.name, positions, rate, np.array([line for line, _ in kept]))
    else:
        notes.append("No Timecode column: rows were taken one a frame at 60 fps.")
        positions, rate = np.arange(len(kept)), 60.0
    order = np.argsort(positions, kind="stable")
    positions, values = positions[order], values[order]
    unique_last = np.r_[positions[1:] != positions[:-1], True]
    positions, values = positions[unique_last], values[unique_last]
    count = int(positions[-1]) + 1
    valid = np.zeros(count, bool)
    valid[positions] = True
    grid = np.empty((count, values.shape[1]))
    frames = np.arange(count)
    for c in range(values.shape[1]):
        grid[:, c] = np.interp(frames, positions, values[:, c])
    gap = count - len(positions)
    if gap:
        notes.append(f"{gap} frame(s) missing from the timecodes ({gap / rate:.1f} s) were filled in and marked "
                     "as not tracked.")
    if rate != 60.0:
        notes.append(f"The take runs at {rate:g} fps, not Live Link Face's usual 60.")
    rotations = np.clip(grid[:, NUM_CHANNELS:], -MAX_ROTATION, MAX_ROTATION)
    has_eyes = bool(np.abs(rotations[:, EYE_COLUMNS]).max() > 1e-6)
    has_head = bool(np.abs(rotations[:, HEAD_COLUMNS]).max() > 1e-6)
    if not has_head and any(c is not None for c in rotation_cols[:3]):
        notes.append("The head rotation columns are all zero: head motion was not recorded.")
    if len(kept) < rate:
        notes.append(f"Only {len(kept)} frame(s) ({len(kept) / rate:.2f} s): too short for motion statistics.")
    return Take(weights=np.clip(grid[:, :NUM_CHANNELS], 0.0, 1.0).astype(np.float32), rotations=rotations,
                fps=rate, valid=valid, has_eyes=has_eyes, has_head=has_head, notes=tuple(notes), name=path.name)


def read_livelink_csv(path: Path, fps: float | None = None) -> tuple[np.ndarray, float]:
    """Read a Live Link Face take: (frames x 52 weights in ARKit order, frame rate); see ``read_livelink_take``."""
    take = read_livelink_take(path, fps=fps)
    return take.weights, take.fps
