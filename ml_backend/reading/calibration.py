"""Turning the reader's raw confidence into a calibrated probability that the step was read right.

The compositional reader reports a raw confidence per step (its face-relevance times the quality of
its word matches). A calibrator maps it to the probability that the step's face meets its
expectations, fitted on held-out data by the evaluation (``python3 build.py eval``). A calibrator is
any callable float -> float; ``PiecewiseLinear`` is the stored kind (isotonic bins), loaded from
``ml_backend/checkpoints/reader_calibration.json`` when that file exists, else the identity.
File format: ``{"format": 1, "reader": "compose", "x": [...], "y": [...], "fitted_on": "..."}``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import CheckpointError

Calibrator = Callable[[float], float]
CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "checkpoints" / "reader_calibration.json"
FORMAT = 1


def identity(raw: float) -> float:
    """No calibration: the raw confidence, clipped to [0, 1]."""
    return min(1.0, max(0.0, raw)) if math.isfinite(raw) else 0.0


@dataclass(frozen=True)
class PiecewiseLinear:
    """A monotone map from raw to calibrated confidence through points (x ascending)."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.x) != len(self.y) or len(self.x) < 2 or list(self.x) != sorted(self.x):
            raise ValueError("calibration points need ascending x and as many y as x (at least two)")

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

    def save(self, path: str | Path, reader: str = "compose", fitted_on: str = "") -> None:
        """Write the calibration file the reader loads."""
        Path(path).write_text(json.dumps({"format": FORMAT, "reader": reader, "x": list(self.x), "y": list(self.y),
                                          "fitted_on": fitted_on}, indent=1))


def load_calibrator(path: str | Path | None = None, reader: str = "compose") -> Calibrator:
    """The stored calibrator for ``reader``, or the identity when no file exists; a bad file is refused."""
    path = Path(path) if path is not None else CALIBRATION_FILE
    if not path.is_file():
        return identity
    try:
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT or data.get("reader") != reader:
            raise ValueError(f"format {data.get('format')} for reader {data.get('reader')!r}")
        return PiecewiseLinear(tuple(float(v) for v in data["x"]), tuple(float(v) for v in data["y"]))
    except (ValueError, KeyError, TypeError) as error:
        raise CheckpointError(f"The confidence calibration {path} cannot be used ({error}); "
                              "delete it or re-run `python3 build.py eval` to fit it again.") from error
