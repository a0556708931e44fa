"""Alignment similarity -> the probability that a reading is right, per reader (no scikit-learn at run time).

Two kinds of map live in one file:

- per reader, the similarity alone -> probability (isotonic points, ``load_calibrators``);
- for the ``compose`` reader, a **combination** of its own calibrated confidence and the similarity
  (``Combination``: the own confidence's log-odds, plus a fitted slope times the similarity's distance from
  its mean on the fitting data, plus a fitted shift), so the similarity adds what it knows about which
  reading is wrong without moving the level the reader's own map already has (``load_combination``).

``i2fet_tools/ifed/calibrate.py`` fits an isotonic map for each reader on calibration data that is
not the held-out set (the development instructions and generated ones) and writes its points to
``ml_backend/checkpoints/alignment_calibration.json`` with the SHA-256 of the alignment model it was
fitted with and a SHA-256 of its own content. Here the points are applied by linear interpolation
(``reading.calibration.PiecewiseLinear``): monotone, in [0, 1]. A file whose content or alignment
model does not match is refused with a CheckpointError naming the fix. ``build.py eval`` reports the
calibration error of these maps on the held-out set. The same format holds the combination on the plan's
path (``alignment_wordpiece_calibration.json``, with the word-piece alignment model's SHA-256): the confidence
a plan shows is the reader's own (``reading.calibration``) combined with that similarity (``confidence``).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import CheckpointError
from ..reading.calibration import PiecewiseLinear

FORMAT_NAME = "i2fet-alignment-calibration"
FORMAT_VERSION = 2  # 2: the combination of the reader's own confidence and the similarity, hashed
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "checkpoints" / "alignment_calibration.json"
REFIT = "refit it with 'python -m i2fet_tools.ifed.calibrate'"


@dataclass(frozen=True)
class Combination:
    """P(right) of a step from the reader's own calibrated confidence and the alignment similarity.

    logit(p) = logit(own) + slope * (similarity - centre) + shift; ``own`` is clipped to [0.001, 0.999].
    A slope of 0 and shift of 0 give the reader's own confidence back unchanged.
    """

    slope: float
    centre: float
    shift: float

    def __post_init__(self) -> None:
        if not all(math.isfinite(v) for v in (self.slope, self.centre, self.shift)) or self.slope < 0:
            raise ValueError("a combination needs finite numbers and a slope >= 0 (a closer face never lowers it)")

    def __call__(self, own: float, similarity: float) -> float:
        """The combined probability; a non-finite input leaves the other's information (own, or 0 if own is bad)."""
        if not math.isfinite(own):
            return 0.0
        p = min(0.999, max(0.001, own))
        z = math.log(p / (1.0 - p)) + self.shift
        if math.isfinite(similarity):
            z += self.slope * (min(1.0, max(-1.0, similarity)) - self.centre)
        return 1.0 / (1.0 + math.exp(-z))


def content_sha256(readers: dict, alignment_sha256: str, combined: dict | None = None) -> str:
    """SHA-256 of the fitted maps, the combinations and the alignment model's hash (canonical JSON)."""
    text = json.dumps({"readers": readers, "alignment_sha256": alignment_sha256, "combined": combined or {}},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document(readers: dict, alignment_sha256: str, combined: dict[str, Combination] | None = None) -> dict:
    """The calibration file's content for ``readers`` ({name: {"x": [...], "y": [...], "fitted_on": str}}) and the
    combinations of own confidence and similarity (``combined``: {reader: Combination})."""
    packed = {name: asdict(c) for name, c in (combined or {}).items()}
    return {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "alignment_sha256": alignment_sha256,
            "readers": readers, "combined": packed, "sha256": content_sha256(readers, alignment_sha256, packed)}


def _verified(path: str | Path | None, alignment_sha256: str | None) -> tuple[Path, dict]:
    """The calibration file's content, after checking its format, SHA-256 and alignment model."""
    path = Path(path or DEFAULT_FILE)
    if not path.is_file():
        raise CheckpointError(f"The confidence calibration {path} is missing: {REFIT}.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ok = data.get("format") == FORMAT_NAME and data.get("format_version") == FORMAT_VERSION
        readers, combined = data["readers"], data.get("combined", {})
        recorded = data["sha256"]
        fitted_with = data["alignment_sha256"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise CheckpointError(f"The confidence calibration {path} is unreadable ({error}); {REFIT}.") from error
    if not ok:
        raise CheckpointError(f"{path} is not a calibration file of format {FORMAT_NAME} v{FORMAT_VERSION}; {REFIT}.")
    if content_sha256(readers, fitted_with, combined) != recorded:
        raise CheckpointError(f"The confidence calibration {path} is damaged (its SHA-256 does not match); "
                              f"restore it or {REFIT}.")
    if alignment_sha256 is not None and fitted_with != alignment_sha256:
        raise CheckpointError(f"The confidence calibration {path} was fitted with another alignment model; {REFIT}.")
    return path, data


def load_calibrators(path: str | Path | None = None, alignment_sha256: str | None = None) -> dict[str, PiecewiseLinear]:
    """Each reader's similarity -> probability map from the file, verified."""
    path, data = _verified(path, alignment_sha256)
    readers = data["readers"]
    try:
        return {name: PiecewiseLinear(tuple(map(float, r["x"])), tuple(map(float, r["y"]))) for name, r in readers.items()}
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"The confidence calibration {path} has a bad map ({error}); {REFIT}.") from error


def load_combination(reader: str = "compose", path: str | Path | None = None,
                     alignment_sha256: str | None = None) -> Combination:
    """The reader's combination of own confidence and similarity from the file, verified."""
    path, data = _verified(path, alignment_sha256)
    combined = data.get("combined") or {}
    if not isinstance(combined, dict) or reader not in combined:
        raise CheckpointError(f"No combined confidence for the '{reader}' reader in {path}; {REFIT} --readers {reader}.")
    try:
        return Combination(**{k: float(combined[reader][k]) for k in ("slope", "centre", "shift")})
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"The confidence calibration {path} has a bad combination ({error}); {REFIT}.") from error


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
