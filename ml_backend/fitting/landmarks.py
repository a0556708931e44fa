"""Facial landmarks (eye corners, nose tip, mouth corners, chin): found from the fit, checked when moved.

Positions are handled in the template frame here; the caller converts from and to the user's
mesh coordinates. The consistency check compares the landmark layout with the template's by a
leave-one-out similarity fit (a misplaced landmark cannot hide by dragging the fit along) and by
the sides of the face, and names the landmarks that disagree.
"""

from __future__ import annotations

import numpy as np

from .align import umeyama
from .errors import LandmarkError
from .template import LANDMARK_LABELS, LANDMARK_NAMES, Template

MAX_LAYOUT_ERROR = 0.3  # leave-one-out residual, as a fraction of the interocular distance
MAX_SURFACE_DISTANCE = 0.15  # distance from the mesh surface, same unit


def as_array(landmarks: dict[str, np.ndarray]) -> np.ndarray:
    """Dict name -> position to an (8, 3) array in LANDMARK_NAMES order; all must be present."""
    missing = [n for n in LANDMARK_NAMES if n not in landmarks]
    if missing:
        raise LandmarkError("Landmarks missing: " + ", ".join(LANDMARK_LABELS[n] for n in missing) + ".", tuple(missing))
    return np.array([np.asarray(landmarks[n], dtype=np.float64) for n in LANDMARK_NAMES])


def layout_errors(template: Template, points: np.ndarray) -> np.ndarray:
    """Leave-one-out residual of each landmark (8,), in interocular distances of the template."""
    reference = template.landmark_points()
    errors = np.zeros(len(points))
    for i in range(len(points)):
        others = np.arange(len(points)) != i
        transform = umeyama(points[others], reference[others])
        errors[i] = np.linalg.norm(transform.apply(points[i:i + 1])[0] - reference[i])
    return errors / template.interocular


def check_landmarks(template: Template, points: np.ndarray, surface_distance: np.ndarray | None = None) -> None:
    """Raise LandmarkError naming the landmarks placed inconsistently (``points`` (8, 3) in the template frame)."""
    unit = template.interocular
    if surface_distance is not None:
        off = [n for n, d in zip(LANDMARK_NAMES, surface_distance) if d > MAX_SURFACE_DISTANCE * unit]
        if off:
            raise LandmarkError("These landmarks are not on the head's surface: " + ", ".join(LANDMARK_LABELS[n] for n in off)
                                + ". Snap them onto the mesh (or detect them again).", tuple(off))
    index = {n: i for i, n in enumerate(LANDMARK_NAMES)}
    wrong_side = [n for n in LANDMARK_NAMES if n.endswith("_left") and points[index[n], 0] < 0
                  or n.endswith("_right") and points[index[n], 0] > 0]
    if wrong_side:
        raise LandmarkError("These landmarks are on the wrong side of the face (left and right are the character's own): "
                            + ", ".join(LANDMARK_LABELS[n] for n in wrong_side) + ".", tuple(wrong_side))
    errors = layout_errors(template, points)
    worst = int(np.argmax(errors))
    if errors[worst] > MAX_LAYOUT_ERROR:
        bad = tuple(n for n, e in zip(LANDMARK_NAMES, errors) if e > 0.8 * errors[worst] and e > MAX_LAYOUT_ERROR)
        raise LandmarkError(
            f"The {LANDMARK_LABELS[LANDMARK_NAMES[worst]]} does not fit the other landmarks (off by about "
            f"{errors[worst]:.0%} of the eye-to-eye distance). Move it to its place on the face"
            + (f"; also check: {', '.join(LANDMARK_LABELS[n] for n in bad if n != LANDMARK_NAMES[worst])}." if len(bad) > 1 else "."),
            bad)
