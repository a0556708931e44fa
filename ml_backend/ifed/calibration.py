"""Alignment similarity -> the probability that a reading is right, per reader (no scikit-learn at run time).

``i2fet_tools/ifed/calibrate.py`` fits an isotonic map for each reader on calibration data that is
not the held-out set (the development instructions and generated ones) and writes its points to
``ml_backend/checkpoints/alignment_calibration.json`` with the SHA-256 of the alignment model it was
fitted with and a SHA-256 of its own content. Here the points are applied by linear interpolation
(``reading.calibration.PiecewiseLinear``): monotone, in [0, 1]. A file whose content or alignment
model does not match is refused with a CheckpointError naming the fix. ``build.py eval`` reports the
calibration error of these maps on the held-out set; the generation path does not score with the
alignment model (it would load torch, the face basis and the text encoder for every instruction), so the
confidence a plan shows is the reader's own, calibrated by ``reading.calibration``.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from ..errors import CheckpointError
from ..reading.calibration import PiecewiseLinear

FORMAT_NAME = "i2fet-alignment-calibration"
FORMAT_VERSION = 1
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "checkpoints" / "alignment_calibration.json"
REFIT = "refit it with 'python -m i2fet_tools.ifed.calibrate'"


def content_sha256(readers: dict, alignment_sha256: str) -> str:
    """SHA-256 of the fitted maps and the alignment model's hash (canonical JSON)."""
    text = json.dumps({"readers": readers, "alignment_sha256": alignment_sha256}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document(readers: dict, alignment_sha256: str) -> dict:
    """The calibration file's content for ``readers`` ({name: {"x": [...], "y": [...], "fitted_on": str}})."""
    return {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "alignment_sha256": alignment_sha256,
            "readers": readers, "sha256": content_sha256(readers, alignment_sha256)}


def load_calibrators(path: str | Path | None = None, alignment_sha256: str | None = None) -> dict[str, PiecewiseLinear]:
    """Each reader's similarity -> probability map from the file, verified."""
    path = Path(path or DEFAULT_FILE)
    if not path.is_file():
        raise CheckpointError(f"The confidence calibration {path} is missing: {REFIT}.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ok = data.get("format") == FORMAT_NAME and data.get("format_version") == FORMAT_VERSION
        readers = data["readers"]
        recorded = data["sha256"]
        fitted_with = data["alignment_sha256"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise CheckpointError(f"The confidence calibration {path} is unreadable ({error}); {REFIT}.") from error
    if not ok:
        raise CheckpointError(f"{path} is not a calibration file of format {FORMAT_NAME} v{FORMAT_VERSION}; {REFIT}.")
    if content_sha256(readers, fitted_with) != recorded:
        raise CheckpointError(f"The confidence calibration {path} is damaged (its SHA-256 does not match); "
                              f"restore it or {REFIT}.")
    if alignment_sha256 is not None and fitted_with != alignment_sha256:
        raise CheckpointError(f"The confidence calibration {path} was fitted with another alignment model; {REFIT}.")
    try:
        return {name: PiecewiseLinear(tuple(map(float, r["x"])), tuple(map(float, r["y"]))) for name, r in readers.items()}
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"The confidence calibration {path} has a bad map ({error}); {REFIT}.") from error


@lru_cache(maxsize=2)
def _shipped() -> dict[str, PiecewiseLinear]:
    from .alignment import default_alignment

    return load_calibrators(alignment_sha256=default_alignment().meta.get("sha256"))


def confidence(similarity: float, reader: str) -> float:
    """The shipped calibration of ``reader``: alignment similarity -> probability the reading is right."""
    maps = _shipped()
    if reader not in maps:
        raise CheckpointError(f"No confidence calibration for the '{reader}' reader in {DEFAULT_FILE}; {REFIT} --readers {reader}.")
    return maps[reader](float(similarity))
