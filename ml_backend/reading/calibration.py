"""Turning the reader's raw confidence into a calibrated probability that the step was read right.

The compositional reader reports a raw confidence per step (its face-relevance times the quality of
its word matches). A calibrator maps it to the probability that the reading meets its per-channel
expectations. It is fitted by ``python -m i2fet_tools.ifed.calibrate`` on calibration data only (the
hand-written development instructions and generated ones), never on the held-out set, which
``python3 build.py eval`` then uses to measure the calibration error. A calibrator is any callable
float -> float; ``PiecewiseLinear`` is the stored kind (isotonic points), shipped as
``ml_backend/checkpoints/reader_calibration.json`` and loaded from there (the identity only when no
file is there, e.g. in a checkout before calibrating).

File format: ``{"format": "i2fet-reader-calibration", "format_version": 2, "reader": "compose",
"x": [...], "y": [...], "fitted_on": "...", "sha256": "..."}``; ``sha256`` is the SHA-256 of the
canonical JSON of every other field. A damaged file, another format or version, or a file for
another reader is refused with a CheckpointError naming the file and the fix.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import CheckpointError

Calibrator = Callable[[float], float]
CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "checkpoints" / "reader_calibration.json"
FORMAT_NAME = "i2fet-reader-calibration"
FORMAT_VERSION = 2
REFIT = "delete it or refit it with 'python -m i2fet_tools.ifed.calibrate'"


def identity(raw: float) -> float:
    """No calibration: the raw confidence, clipped to [0, 1]."""
    return min(1.0, max(0.0, raw)) if math.isfinite(raw) else 0.0


def content_sha256(fields: dict) -> str:
    """SHA-256 of a calibration file's fields except ``sha256`` (canonical JSON)."""
    text = json.dumps({k: v for k, v in fields.items() if k != "sha256"}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PiecewiseLinear:
    """A monotone map from raw to calibrated confidence through points (x ascending)."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.x) != len(self.y) or len(self.x) < 2 or list(self.x) != sorted(self.x):
            raise ValueError("calibration points need ascending x and as many y as x (at least two)")
        if not all(math.isfinite(v) for v in (*self.x, *self.y)):
            raise ValueError("calibration points must be finite numbers")

    def __call__(self, raw: float) -> float:
        if not math.isfinite(raw):
            return 0.0
        xs, ys = self.x, self.y
        if raw <= xs[0]:
            return identity(ys[0])
        for i in range(1, len(xs)):
            if raw <= xs[i]:
                span = xs[i] - xs[i - 1]
                t = (raw - xs[i - 1]) / span if span > 0 else 1.0
                return identity(ys[i - 1] + t * (ys[i] - ys[i - 1]))
        return identity(ys[-1])

    def document(self, reader: str = "compose", fitted_on: str = "") -> dict:
        """The calibration file's content, with its SHA-256."""
        fields = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "reader": reader,
                  "x": list(self.x), "y": list(self.y), "fitted_on": fitted_on}
        return {**fields, "sha256": content_sha256(fields)}

    def save(self, path: str | Path, reader: str = "compose", fitted_on: str = "") -> Path:
        """Write the calibration file the reader loads (atomically: a reader never sees half a file)."""
        from ..export.atomic import write_text

        return write_text(Path(path), json.dumps(self.document(reader, fitted_on), indent=1) + "\n")


def load_calibrator(path: str | Path | None = None, reader: str = "compose") -> Calibrator:
    """The stored calibrator for ``reader`` (verified), or the identity when no file exists; a bad file is refused."""
    path = Path(path) if path is not None else CALIBRATION_FILE
    if not path.is_file():
        return identity
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if data.get("format") != FORMAT_NAME or data.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"format {data.get('format')!r} version {data.get('format_version')!r}, this code reads "
                             f"{FORMAT_NAME!r} version {FORMAT_VERSION}")
        if data.get("reader") != reader:
            raise ValueError(f"it was fitted for the {data.get('reader')!r} reader, not {reader!r}")
        if data.get("sha256") != content_sha256(data):
            raise ValueError("damaged: its content does not match the SHA-256 recorded in it")
        return PiecewiseLinear(tuple(float(v) for v in data["x"]), tuple(float(v) for v in data["y"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CheckpointError(f"The confidence calibration {path} cannot be used ({error}); {REFIT}.") from error
