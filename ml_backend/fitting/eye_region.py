"""Eyes that bulge: a head whose lids stand in front of the template's (a stylised head's big eyes).

The identity modes do not reach cartoon eyes: on a head whose lids stand far in front of the template's, the
free-form fit matches the lid margins' outline (the rim term) but leaves the template's lid tucked behind the
head's, so the head's lid skin binds to template skin above the lid that does not move in a blink and the blink
barely closes the eye. Before the free-form fit each eye region of the identity-fitted template (lids, socket,
eyeball) is brought forward, fading with distance from the eyeball's centre (a Gaussian of the eye's width), as far
as brings the template's upper lid margin to the depth of the head's (``measure_eye_warp``); the expressions are
carried through the same move, ``warp(v + d) - warp(v)``.

A move in depth rather than a scaling of the region: scaling the region as much (about the eyeball's centre) also
closes the eye, but widens the template's opening, which the rim term then drags back, and folds the lid
(measured in docs/anyhead.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .register import _eye_parts, _eye_width
from .rims import FEATURES, Opening, find_rim, match_rim
from .template import Template

PUSHES = np.round(np.arange(0.0, 0.40001, 0.025), 3)  # the moves tried, eye widths forward (a head's lids further
# back than the template's are the surface term's to follow)
GATE = 0.04  # a best move this small (eye widths) leaves the eye as the identity fit made it
REACH = 0.6  # the move fades as a Gaussian of this many eye widths from the eyeball's centre
EYE_SIDES = {"eye_left": "Left", "eye_right": "Right"}  # rim features -> the template's eye sides


@dataclass(frozen=True)
class EyeWarp:
    """Per eye: the eyeball's centre (template frame), how far its region moves forward (+Z) and the move's reach."""

    centres: np.ndarray  # E x 3
    pushes: np.ndarray  # E, template units
    reach: np.ndarray  # E, one sigma of the fade, template units

    @staticmethod
    def none() -> "EyeWarp":
        return EyeWarp(np.zeros((0, 3)), np.zeros(0), np.zeros(0))

    @property
    def moves(self) -> bool:
        return bool(np.any(self.pushes != 0.0))

    def in_eye_widths(self) -> np.ndarray:
        """Each eye's move forward in its eye's widths."""
        return self.pushes * REACH / self.reach

    def as_array(self) -> np.ndarray:
        """E x 5 rows (centre, push, reach), for the fit's cache."""
        return np.column_stack([self.centres, self.pushes, self.reach]).reshape(-1, 5)

    @staticmethod
    def from_array(rows: np.ndarray) -> "EyeWarp":
        rows = np.asarray(rows, np.float64).reshape(-1, 5)
        return EyeWarp(rows[:, :3], rows[:, 3], rows[:, 4])

    def apply(self, points: np.ndarray) -> np.ndarray:
        """``points`` (..., 3) with each eye region moved forward, fading with distance from its centre."""
        result = np.array(points, dtype=np.float64, copy=True)
        for centre, push, reach in zip(self.centres, self.pushes, self.reach):
            if push != 0.0:
                result[..., 2] += push * np.exp(-((points - centre) ** 2).sum(-1) / (2 * reach ** 2))
        return result


def eye_centre(template: Template, vertices: np.ndarray, side: str) -> tuple[np.ndarray, float]:
    """The centre of one eyeball of ``vertices`` (the template's ball and cornea, not its skin) and the eye's width."""
    ball, _ = _eye_parts(template, vertices, side)
    return vertices[ball].mean(0), _eye_width(template, vertices, side)


def measure_eye_warp(template: Template, vertices: np.ndarray, openings: tuple[Opening, ...]) -> EyeWarp:
    """How far forward each open eye region of the fitted template ``vertices`` (V, 3) must move for its upper lid
    margin to lie at the depth of the head's: both rims seen from the front (``openings``: the head's), matched by
    their angle around the opening as the free-form fit matches them; the move of ``PUSHES`` with the least median
    depth difference; both eyes move the lesser of their two moves, none under ``GATE``."""
    centres, pushes, reaches = [], [], []
    for opening in openings:
        side = EYE_SIDES.get(opening.feature)
        if side is None:
            continue
        first, second = (vertices[template.landmark_vertices[name]] for name in FEATURES[opening.feature])
        ours = find_rim(vertices, template.skin_triangles, (first, second))
        if ours is None:
            continue
        upper = ours.points[ours.points[:, 1] > (first[1] + second[1]) / 2]  # the lid that closes the eye
        if len(upper) == 0:
            continue
        centre, width = eye_centre(template, vertices, side)
        reach = REACH * width
        costs = []
        for push in PUSHES * width:
            moved = EyeWarp(centre[None], np.array([push]), np.array([reach])).apply(upper)
            costs.append(float(np.median(np.abs(match_rim(moved, opening.rim)[:, 2] - moved[:, 2]))))
        centres.append(centre)
        pushes.append(float(PUSHES[int(np.argmin(costs))]))
        reaches.append(reach)
    if not centres:
        return EyeWarp.none()
    both = min(pushes)  # the eyes of a face bulge alike: one eye's alone is its rim's sampling (a coarse remesh)
    return EyeWarp(np.array(centres), np.array(reaches) / REACH * (both if both >= GATE else 0.0), np.array(reaches))
