"""From a head fit to 52 ARKit shape offsets per part, each checked for tears, with notes on what cannot move.

``transfer_expressions`` carries the template's expressions onto every part (``transfer``), fills
in vertices bound to a surface facing elsewhere, then checks each shape on the part's own
triangles (``quality``): torn shapes are repaired, limited or refused, and the notes say which.
A head whose eyes are sculpted shut or whose mouth has no opening gets its keys all the same,
with a note that those parts cannot open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from ..naming.arkit import ARKIT_NAMES
from .eye_region import EyeWarp
from .fit import HeadFit, cache_path
from .quality import ShapeCheck, check_shapes
from .rims import shut_features
from .template import Template, load_template
from .transfer import fill_unreliable, template_expression_deltas, transfer_deltas

TRANSFER_VERSION = 3  # bump when the transfer or its check changes (cached results are keyed by it)


@dataclass(frozen=True)
class Transfer:
    """The offsets per part (K x N x 3, mesh-local), the check of each shape of the head, and notes for the animator."""

    deltas: list[np.ndarray]
    checks: list[ShapeCheck]  # per ARKit channel (the head part)
    notes: tuple[str, ...]


FOOTPRINT = 2.5  # a user triangle "covers" template vertices within this many times its own radius of its centre


class TemplateFolds:
    """Where the template itself turns its surface over, per shape, seen from each user triangle.

    ICT's shapes fold the surface (lids closing, lips rolling in, the corners of the mouth), and a
    coarse user triangle spans many template triangles: a user triangle turning over where the
    template turns over within its footprint follows the template and is not a tear.
    """

    def __init__(self, template: Template, fitted: np.ndarray, carried: np.ndarray, points: np.ndarray,
                 triangles: np.ndarray):
        self.triangles = template.triangles
        self.fitted, self.carried = fitted, carried
        a, b, c = (fitted[self.triangles[:, i]] for i in range(3))
        self.rest = np.cross(b - a, c - a)
        self.corners = tuple(np.ascontiguousarray(self.triangles[:, i]) for i in range(3))
        corners = points[triangles]  # F x 3 x 3, template frame
        self.centre = corners.mean(1)
        self.radius = np.linalg.norm(corners - self.centre[:, None], axis=2).max(1) * FOOTPRINT
        self.tree = cKDTree(fitted)
        self._turned: dict[int, np.ndarray] = {}

    def turned_vertices(self, k: int) -> np.ndarray:
        """Template vertices (V bool) of the triangles that turn over in shape ``k`` (computed once per shape)."""
        if k not in self._turned:
            delta = self.carried[k]
            moving_vertex = (delta != 0).any(1)
            c0, c1, c2 = self.corners
            moving = np.flatnonzero(moving_vertex[c0] | moving_vertex[c1] | moving_vertex[c2])
            turned_vertices = np.zeros(len(self.fitted), bool)
            if len(moving):
                moved = [self.fitted[c[moving]] + delta[c[moving]] for c in self.corners]
                turned = np.einsum("nd,nd->n", np.cross(moved[1] - moved[0], moved[2] - moved[0]), self.rest[moving]) < 0
                turned_vertices[self.triangles[moving[turned]].ravel()] = True
            self._turned[k] = turned_vertices
        return self._turned[k]

    def allowed(self, k: int) -> Callable[[np.ndarray], np.ndarray]:
        """For shape ``k``: user triangle ids -> whether their footprint holds a template triangle that turns over.

        Asked only about user triangles that turn over (few), so the footprints are looked up then, not for every triangle.
        """
        def rows_allowed(rows: np.ndarray) -> np.ndarray:
            turned = self.turned_vertices(k)
            near = self.tree.query_ball_point(self.centre[rows], self.radius[rows])
            return np.array([bool(turned[n].any()) if n else False for n in near], bool)
        return rows_allowed


def missing_openings(template: Template, fit: HeadFit) -> tuple[str, ...]:
    """Notes for features the head's mesh does not open: eyes sculpted shut, a mouth without a cavity.

    A feature is open when the mesh reaches behind its front: an open boundary or a separate piece
    (an eyeball, teeth) near it, or surface lining the template's eyeball or mouth socket there (a lid
    pocket, a mouth bag). A sculpted-shut eye or a fused mouth has only the front surface.
    """
    rest = np.asarray(fit.rest[0], np.float64)
    matrix = fit.to_template[0]
    labels = {"eye_right": "right eye", "eye_left": "left eye", "mouth": "mouth"}
    shut = [labels[f] for f in shut_features(template, fit.fitted, rest @ matrix[:3, :3].T + matrix[:3, 3], fit.triangles[0])]
    notes = []
    eyes = [n for n in shut if n.endswith("eye")]
    if eyes:
        which = "both eyes are" if len(eyes) == 2 else f"the {eyes[0]} is"
        notes.append(f"On this head {which} sculpted shut (no eyelid opening in the mesh): the blink, wide, squint and "
                     "look keys are made, but the eyes cannot open or look; they only shift the surface around the eye.")
    if "mouth" in shut:
        notes.append("This head's mouth has no opening: jawOpen and the funnel and roll keys are made, but the lips "
                     "cannot part; they stretch the closed mouth's surface.")
    return tuple(notes)


def transfer_expressions(fit: HeadFit, template: Template | None = None, repair: bool = True) -> Transfer:
    """52 ARKit shape offsets per part, checked on each part's own triangles and (``repair``) repaired.

    For a cached fit (``fit.key``) the repaired result is cached beside it: a second fit of the same head is instant.
    """
    path = cache_path(fit.key, f"transfer{TRANSFER_VERSION}") if fit.key and repair else None
    if path is not None:
        cached = _load(path)
        if cached is not None:
            return cached
    result = _transfer(fit, template or load_template(), repair)
    if path is not None:
        _save(path, result)
    return result


def _save(path, transfer: Transfer) -> None:
    arrays = {f"deltas_{i}": d for i, d in enumerate(transfer.deltas)}
    arrays["checks"] = np.array([[c.flipped, c.stretch, c.flipped_after, c.stretch_after] for c in transfer.checks]).reshape(-1, 4)
    temporary = path.with_suffix(".tmp.npz")
    np.savez(temporary, parts=len(transfer.deltas), actions=np.array([c.action for c in transfer.checks], dtype=str),
             notes=np.array(transfer.notes, dtype=str), **arrays)
    temporary.replace(path)


def _load(path) -> Transfer | None:
    try:
        with np.load(path) as data:
            checks = [ShapeCheck(int(a), float(b), int(c), float(d), str(action))
                      for (a, b, c, d), action in zip(data["checks"], data["actions"])]
            return Transfer([data[f"deltas_{i}"] for i in range(int(data["parts"]))], checks,
                            tuple(str(n) for n in data["notes"]))
    except (OSError, KeyError, ValueError):
        return None


def _transfer(fit: HeadFit, template: Template, repair: bool) -> Transfer:
    identity_head = template.neutral + np.tensordot(fit.identity, template.shape_modes, axes=1)
    carried = template_expression_deltas(template, fit.fitted, identity_head, EyeWarp.from_array(fit.eye_warp))
    results, head_checks = [], []
    for i, (matrix, binding, triangles) in enumerate(zip(fit.to_template, fit.bindings, fit.triangles)):
        deltas = transfer_deltas(binding, fit.fitted, carried, np.linalg.inv(matrix[:3, :3]))
        deltas = fill_unreliable(deltas, triangles, binding.agreement)
        if i < len(fit.rest):
            rest = np.asarray(fit.rest[i], np.float64)
            folds = TemplateFolds(template, fit.fitted, carried, rest @ matrix[:3, :3].T + matrix[:3, 3], triangles)
            repaired, checks = check_shapes(rest, triangles, deltas, folds.allowed)
            deltas = repaired if repair else deltas
            if i == 0:
                head_checks = checks
        results.append(deltas)
    notes = list(_check_notes(head_checks))
    if fit.rest:
        notes += missing_openings(template, fit)
    return Transfer(results, head_checks, tuple(notes))


def _check_notes(checks: list[ShapeCheck]) -> tuple[str, ...]:
    notes = []
    for action, text in (("repaired", "tore and were repaired (the torn spots follow their surroundings)"),
                         ("limited", "tore and were limited where they tore (less or no motion there)"),
                         ("refused", "tore beyond repair and were left without motion")):
        names = [ARKIT_NAMES[k] for k, c in enumerate(checks) if c.action == action]
        if names:
            notes.append(f"{len(names)} shapes {text}: {', '.join(names)}.")
    scaled = [f"{ARKIT_NAMES[k]} ({c.action[10:]})" for k, c in enumerate(checks) if c.action.startswith("scaled")]
    if scaled:
        notes.append(f"{len(scaled)} shapes tore and were scaled down until they did not: {', '.join(scaled)}.")
    return tuple(notes)


def expression_deltas(fit: HeadFit, template: Template | None = None) -> list[np.ndarray]:
    """52 ARKit shape offsets per part (52, N, 3), in each part's mesh-local coordinates (ARKit order), tear-checked."""
    return transfer_expressions(fit, template).deltas
