"""The size of a head's eye regions against the template's: a stylised head's big eyes (lids, socket and ball).

The identity modes do not reach cartoon eyes: on a head whose lids bulge far in front of the template's, the
free-form fit matches the lid margins' outline (the rim term) but leaves the template's lid tucked behind the
head's, so the head's lid skin binds to template skin above the lid that does not move in a blink. Before the
free-form fit each eye region of the identity-fitted template (lids, socket, eyeball) is scaled about its
eyeball's centre, fading with distance (a Gaussian of the eye's width), by the factor that brings the template's
upper lid margin to the depth of the head's (``measure_eye_warp``); the expressions are carried through the same
scaling, ``warp(v + d) - warp(v)``, so the scaled lid travels as far as it must to close the head's eye.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .register import _eye_parts, _eye_width
from .rims import FEATURES, Opening, find_rim, match_rim
from .template import Template

SCALES = np.round(np.arange(1.0, 2.0001, 0.05), 2)  # the scales tried: only up (the rim term closes a smaller eye's outline)
GATE = 0.075  # a best scale this close to 1 leaves the eye as the identity fit made it
REACH = 0.6  # the scaling fades as a Gaussian of this many eye widths from the eyeball's centre
EYE_SIDES = {"eye_left": "Left", "eye_right": "Right"}  # rim features -> the template's eye sides


@dataclass(frozen=True)
class EyeWarp:
    """Per eye: the eyeball's centre (template frame), the scale of its region and the scaling's reach (one sigma)."""

    centres: np.ndarray  # E x 3
    scales: np.ndarray  # E
    reach: np.ndarray  # E

    @staticmethod
    def none() -> "EyeWarp":
        return EyeWarp(np.zeros((0, 3)), np.zeros(0), np.zeros(0))

    def as_array(self) -> np.ndarray:
        """E x 5 rows (centre, scale, reach), for the fit's cache."""
        return np.column_stack([self.centres, self.scales, self.reach]).reshape(-1, 5)

    @staticmethod
    def from_array(rows: np.ndarray) -> "EyeWarp":
        rows = np.asarray(rows, np.float64).reshape(-1, 5)
        return EyeWarp(rows[:, :3], rows[:, 3], rows[:, 4])

    def apply(self, points: np.ndarray) -> np.ndarray:
        """``points`` (..., 3) with each eye region scaled about its centre, fading with distance."""
        result = np.array(points, dtype=np.float64, copy=True)
        for centre, scale, reach in zip(self.centres, self.scales, self.reach):
            if scale != 1.0:
                offset = points - centre
                fade = np.exp(-(offset ** 2).sum(-1) / (2 * reach ** 2))
                result += (scale - 1.0) * offset * fade[..., None]
        return result


def eye_centre(template: Template, vertices: np.ndarray, side: str) -> tuple[np.ndarray, float]:
    """The centre of one eyeball of ``vertices`` (the template's ball and cornea, not its skin) and the eye's width."""
    ball, _ = _eye_parts(template, vertices, side)
    return vertices[ball].mean(0), _eye_width(template, vertices, side)


def measure_eye_warp(template: Template, vertices: np.ndarray, openings: tuple[Opening, ...]) -> EyeWarp:
    """The scaling of each open eye of the fitted template ``vertices`` (V, 3) that best brings its lid margin to the
    depth of the head's: both rims seen from the front (``openings``: the head's), matched by their angle around
    the opening as the free-form fit matches them, the scale of ``SCALES`` with the least median depth difference.

    Depth, not the front view's outline: the free-form fit pulls the outline onto the head's, but not a lid that
    stands in front of the template's (a big, bulging eye), where the head's lid skin would bind to template skin
    above the lid that does not move in a blink. Scales within ``GATE`` of 1 are 1."""
    centres, scales, reaches = [], [], []
    for opening in openings:
        side = EYE_SIDES.get(opening.feature)
        if side is None:
            continue
        first, second = (vertices[template.landmark_vertices[name]] for name in FEATURES[opening.feature])
        ours = find_rim(vertices, template.skin_triangles, (first, second))
        if ours is None:
            continue
        centre, width = eye_centre(template, vertices, side)
        reach = REACH * width
        upper = ours.points[ours.points[:, 1] > (first[1] + second[1]) / 2]  # the lid that closes the eye
        costs = []
        for scale in SCALES:
            moved = EyeWarp(centre[None], np.array([scale]), np.array([reach])).apply(upper)
            costs.append(float(np.median(np.abs(match_rim(moved, opening.rim)[:, 2] - moved[:, 2]))))
        best = float(SCALES[int(np.argmin(costs))])
        centres.append(centre)
        scales.append(best if abs(best - 1.0) > GATE else 1.0)
        reaches.append(reach)
    if not centres:
        return EyeWarp.none()
    return EyeWarp(np.array(centres), np.array(scales), np.array(reaches))
