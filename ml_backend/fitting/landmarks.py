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


def check_landmarks(template: Template, points: np.ndarray, surface_distance: np.ndarray | None = None,
                    layout: bool = True) -> None:
    """Raise LandmarkError naming the landmarks placed inconsistently.

    ``points`` (8, 3) may be in any frame (the user's world): every check is made within the landmarks
    themselves, never against an automatic alignment, so landmarks the user placed decide the alignment.
    ``surface_distance`` (8,) is each landmark's distance to the mesh, in the same units as ``points``.
    ``layout`` False skips the comparison with a human face's proportions (for a stylised face found by the detector).
    """
    index = {n: i for i, n in enumerate(LANDMARK_NAMES)}
    unit = float(np.linalg.norm(points[index["eye_outer_left"]] - points[index["eye_outer_right"]]))
    if not np.isfinite(points).all() or unit <= 1e-12:
        raise LandmarkError("The outer eye corners are at the same place (or a landmark has no valid position): "
                            "place each landmark on its own feature.", ("eye_outer_left", "eye_outer_right"))
    if surface_distance is not None:
        off = [n for n, d in zip(LANDMARK_NAMES, surface_distance) if d > MAX_SURFACE_DISTANCE * unit]
        if off:
            raise LandmarkError("These landmarks are not on the head's surface: " + ", ".join(LANDMARK_LABELS[n] for n in off)
                                + ". Snap them onto the mesh (or detect them again).", tuple(off))
    _check_chin(points, index)
    _check_sides(points, index, unit)
    if not layout:
        return
    errors = layout_errors(template, points)
    worst = int(np.argmax(errors))
    if errors[worst] > MAX_LAYOUT_ERROR:
        bad = tuple(n for n, e in zip(LANDMARK_NAMES, errors) if e > 0.8 * errors[worst] and e > MAX_LAYOUT_ERROR)
        raise LandmarkError(
            f"The {LANDMARK_LABELS[LANDMARK_NAMES[worst]]} does not fit the other landmarks (off by about "
            f"{errors[worst]:.0%} of the eye-to-eye distance). Move it to its place on the face"
            + (f"; also check: {', '.join(LANDMARK_LABELS[n] for n in bad if n != LANDMARK_NAMES[worst])}." if len(bad) > 1 else "."),
            bad)


def _check_sides(points: np.ndarray, index: dict[str, int], unit: float) -> None:
    """Left and right are the character's own: (left - right) x up points where the nose points (right-handed).

    Each left/right pair is tested on its own against the nose's direction, so the swapped pair is the one named.
    When the nose does not stand out of the face (under 5% of the eye distance) the sides cannot be told.
    """
    p = {n: points[i] for n, i in index.items()}
    eyes = (p["eye_outer_left"] + p["eye_inner_left"] + p["eye_outer_right"] + p["eye_inner_right"]) / 4
    mouth = (p["mouth_corner_left"] + p["mouth_corner_right"]) / 2
    up = eyes - mouth
    centre = (eyes + mouth) / 2
    forward = p["nose_tip"] - centre
    forward = forward - up * np.dot(forward, up) / max(np.dot(up, up), 1e-30)
    if np.linalg.norm(forward) < 0.05 * unit:
        return
    pairs = (("eye_outer_left", "eye_outer_right"), ("eye_inner_left", "eye_inner_right"),
             ("mouth_corner_left", "mouth_corner_right"))
    swapped = [name for left, right in pairs if np.dot(np.cross(p[left] - p[right], up), forward) < 0 for name in (left, right)]
    if swapped:
        raise LandmarkError("These landmarks are on the wrong side of the face (left and right are the character's own, "
                            "seen from the character): " + ", ".join(LANDMARK_LABELS[n] for n in swapped)
                            + ". Swap them.", tuple(swapped))


def _check_chin(points: np.ndarray, index: dict[str, int]) -> None:
    """From the eyes down: mouth, then chin. A chin at or above the mouth is named."""
    eyes = (points[index["eye_outer_left"]] + points[index["eye_outer_right"]]) / 2
    mouth = (points[index["mouth_corner_left"]] + points[index["mouth_corner_right"]]) / 2
    down = (mouth - eyes) / max(np.linalg.norm(mouth - eyes), 1e-30)
    depth = np.dot(points[index["chin"]] - eyes, down)
    if depth <= np.dot(mouth - eyes, down):
        where = "above the eyes" if depth < 0 else "above the mouth"
        raise LandmarkError(f"The chin is {where} (from the eyes down a face has the mouth, then the chin): move the chin "
                            "landmark to the bottom of the chin, or check that the eyes and mouth corners are not swapped.",
                            ("chin",))
