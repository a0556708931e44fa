"""A check of every transferred shape: torn (turned-over) triangles and the worst edge stretch, repaired or refused.

A shape tears when a triangle turns over against the neutral (a dark sliver beside a nostril, a
crumpled lip). The ICT shapes themselves turn their surface over where the face folds (lids
closing, lips rolling in, mouth corners), so a user triangle turning over near such a fold of the
template follows the template and is not counted (``folds``). Measured on the user's own
triangles, vectorised over the triangles and edges that move. A torn shape is repaired where it
tears: the offending vertices and a few rings around them get the harmonic (membrane) continuation
of the motion around them, one sparse solve per shape; where a tear survives, the motion there is
halved, quartered, then stilled over a growing patch; failing that the whole shape is scaled down to the largest share that does not tear, and
below a quarter it is refused (left without motion). Each outcome is said. The
worst edge stretch is measured and reported: on a mesh without a mouth opening the lips' edges
must stretch when the jaw opens, which no repair can undo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.linalg import splu

from .mesh import adjacency

MIN_AREA = 1e-12  # relative squared area below which a rest triangle is degenerate and not judged
MIN_SHAPE = 0.1  # slivers (area / squared edges, 1 = equilateral) turn over under any motion, without showing: not judged
REPAIR_RINGS = (0, 1, 2)
LIMITS = ((2, 0.5), (3, 0.25), (4, 0.0))  # (rings around the tear, share of the motion kept there), step by step
SCALE_STEPS = 6  # bisection steps for the share of a shape that does not tear
MIN_SCALE = 0.25  # below this share a shape is refused


Allowed = np.ndarray | Callable[[np.ndarray], np.ndarray]  # F bools, or triangle ids -> their bools


def _allowed_rows(allowed: Allowed, rows: np.ndarray) -> np.ndarray:
    return np.asarray(allowed(rows) if callable(allowed) else allowed[rows], bool)


@dataclass(frozen=True)
class ShapeCheck:
    """One transferred shape before and after the check."""

    flipped: int  # triangles turned over against the surface they follow (torn), as transferred
    stretch: float  # worst edge length ratio (>= 1: longer or shorter), as transferred
    flipped_after: int
    stretch_after: float
    action: str  # "ok", "repaired", "limited" (less or no motion where it tore), "scaled to N%" (the whole shape), "refused"


class MeshCheck:
    """Precomputed triangles, edges and the Laplacian of one mesh (reused for all its shapes)."""

    def __init__(self, vertices: np.ndarray, triangles: np.ndarray):
        self.vertices = np.asarray(vertices, np.float64)
        self.triangles = np.asarray(triangles, np.int64)
        self.rest_normals = _normals(self.vertices, self.triangles)
        area = np.einsum("fd,fd->f", self.rest_normals, self.rest_normals)
        scale = max(float(np.median(area)), 1e-30)
        corners = self.vertices[self.triangles]
        squares = sum(np.einsum("fd,fd->f", corners[:, i] - corners[:, j], corners[:, i] - corners[:, j])
                      for i, j in ((0, 1), (1, 2), (2, 0)))
        shape = 2.0 * np.sqrt(3.0) * np.sqrt(area) / np.maximum(squares, 1e-30)  # 1: equilateral, 0: a sliver
        self.judged = (area > MIN_AREA * scale) & (shape >= MIN_SHAPE)
        self.edges = unique_edges(self.triangles, len(self.vertices))
        rest = np.linalg.norm(self.vertices[self.edges[:, 1]] - self.vertices[self.edges[:, 0]], axis=1)
        self.edge_ok = rest > 1e-6 * max(float(np.median(rest)), 1e-30)
        self.rest_squared = np.maximum(rest, 1e-30).astype(np.float32) ** 2
        self.graph = adjacency(len(self.vertices), self.triangles)
        self.corners = tuple(np.ascontiguousarray(self.triangles[:, i]) for i in range(3))
        self.edge_ends = tuple(np.ascontiguousarray(self.edges[:, i]) for i in range(2))
        self.rest_axes = tuple(np.ascontiguousarray(self.rest_normals[:, i], dtype=np.float32) for i in range(3))

    def _moving(self, delta: np.ndarray) -> np.ndarray:
        return (delta != 0).any(1)

    def _moving_triangles(self, moving: np.ndarray) -> np.ndarray:
        c0, c1, c2 = self.corners
        return (moving[c0] | moving[c1] | moving[c2]) & self.judged

    def touching(self, region: np.ndarray) -> np.ndarray:
        """Ids of the triangles with a corner in the vertex mask ``region`` (those a change there can turn over)."""
        c0, c1, c2 = self.corners
        return np.flatnonzero(region[c0] | region[c1] | region[c2])

    def torn(self, delta: np.ndarray, allowed: Allowed | None = None, rows: np.ndarray | None = None,
             previous: np.ndarray | None = None) -> np.ndarray:
        """Torn-triangle mask (F,): turned over (or collapsed) against the neutral, not allowed, judged.

        ``allowed`` (F bool, or a function of triangle ids giving their bools) marks triangles that may turn
        over (near a fold of the template). Only judged triangles with a moving vertex count (in float32).
        With ``rows`` and ``previous`` (the mask of an earlier offset that differs from ``delta`` only on
        vertices of those triangles) only ``rows`` are recomputed.
        """
        moving = self._moving(delta)
        x, y, z = (self.vertices + delta).astype(np.float32).T.copy()  # one array per axis: fast gathers
        if rows is None:
            corners, normals = self.corners, self.rest_axes
            counted = self._moving_triangles(moving)
            torn = counted & _turned(x, y, z, corners, normals)
        else:
            corners = tuple(c[rows] for c in self.corners)
            normals = tuple(n[rows] for n in self.rest_axes)
            counted = (moving[corners[0]] | moving[corners[1]] | moving[corners[2]]) & self.judged[rows]
            torn = previous.copy()
            torn[rows] = counted & _turned(x, y, z, corners, normals)
        if allowed is not None:
            hits = np.flatnonzero(torn)
            if len(hits):
                torn[hits] = ~_allowed_rows(allowed, hits)
        return torn

    def stretch(self, delta: np.ndarray) -> float:
        """The worst edge length ratio (>= 1, longer or shorter) of one shape's offsets."""
        moving = self._moving(delta)
        e0, e1 = self.edge_ends
        counted = (moving[e0] | moving[e1]) & self.edge_ok
        if not counted.any():
            return 1.0
        x, y, z = (self.vertices + delta).astype(np.float32).T.copy()
        dx, dy, dz = x[e1] - x[e0], y[e1] - y[e0], z[e1] - z[e0]
        squared = ((dx * dx + dy * dy + dz * dz) / self.rest_squared)[counted]
        return float(np.sqrt(max(squared.max(), 1.0 / max(squared.min(), 1e-60))))

    def measure(self, delta: np.ndarray, allowed: Allowed | None = None) -> tuple[np.ndarray, float]:
        """Torn-triangle mask (F,) and worst edge stretch of one shape's offsets (N x 3)."""
        return self.torn(delta, allowed), self.stretch(delta)

    def _offenders(self, torn: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(self.vertices), bool)
        mask[self.triangles[torn].ravel()] = True
        return mask

    def _grow(self, mask: np.ndarray, rings: int) -> np.ndarray:
        for _ in range(rings):
            mask = mask | ((self.graph @ mask.astype(np.float64)) > 0)
        return mask

    def _harmonic(self, delta: np.ndarray, region: np.ndarray) -> np.ndarray:
        """Replace the offsets inside ``region`` by the membrane continuation of those around it."""
        inside = np.flatnonzero(region)
        if len(inside) == 0 or len(inside) == len(region):
            return delta
        degree = np.asarray(self.graph.sum(1)).ravel()
        sub = self.graph[inside][:, inside]
        system = csr_matrix((degree[inside], (np.arange(len(inside)), np.arange(len(inside)))), shape=sub.shape) - sub
        rhs = self.graph[inside] @ np.where(region[:, None], 0.0, delta)
        result = delta.copy()
        isolated = degree[inside] == 0
        system = system + csr_matrix((isolated.astype(np.float64), (np.arange(len(inside)), np.arange(len(inside)))), shape=sub.shape)
        result[inside] = splu(system.tocsc()).solve(rhs)
        return result

    def check(self, delta: np.ndarray, allowed: Allowed | None = None) -> tuple[np.ndarray, ShapeCheck]:
        """The shape's offsets, repaired where they tear (or zero when they cannot be), and what was done."""
        torn = self.torn(delta, allowed)
        if not torn.any():
            stretch = self.stretch(delta)
            return delta, ShapeCheck(0, stretch, 0, stretch, "ok")
        before = (int(torn.sum()), self.stretch(delta))
        offenders = self._offenders(torn)
        fixed, action = delta, "refused"
        for rings in REPAIR_RINGS:  # each step changes offsets only inside its region: recheck the triangles there
            region = self._grow(offenders, rings)
            fixed = self._harmonic(fixed, region)
            torn = self.torn(fixed, allowed, self.touching(region), torn)
            if not torn.any():
                action = "repaired"
                break
            offenders = offenders | self._offenders(torn)
        else:
            for rings, share in LIMITS:
                region = self._grow(offenders, rings)
                limited = np.where(region[:, None], share * fixed, fixed)
                torn_limited = self.torn(limited, allowed, self.touching(region), torn)
                if not torn_limited.any():
                    fixed, action = limited, "limited"
                    break
                offenders = offenders | self._offenders(torn_limited)
            else:
                fixed, action = self._scaled(fixed, allowed)
        return fixed, ShapeCheck(*before, 0, self.stretch(fixed) if action != "refused" else 1.0, action)

    def _scaled(self, delta: np.ndarray, allowed: Allowed | None) -> tuple[np.ndarray, str]:
        """The largest share of the whole shape (bisection) that does not tear; refused below MIN_SCALE."""
        low, high = 0.0, 1.0
        for _ in range(SCALE_STEPS):
            middle = (low + high) / 2
            if self.torn(middle * delta, allowed).any():
                high = middle
            else:
                low = middle
        if low < MIN_SCALE:
            return np.zeros_like(delta), "refused"
        return low * delta, f"scaled to {low:.0%}"


def _turned(x: np.ndarray, y: np.ndarray, z: np.ndarray, corners: tuple[np.ndarray, ...],
            normals: tuple[np.ndarray, ...]) -> np.ndarray:
    """Whether triangles (corner ids per column) turn over (or collapse) against their rest ``normals``.

    Coordinates and normals come one array per axis: gathers of single columns are several times faster
    than of N x 3 rows, and the triple product needs no cross-product array.
    """
    c0, c1, c2 = corners
    ax, ay, az = x[c0], y[c0], z[c0]
    ux, uy, uz = x[c1] - ax, y[c1] - ay, z[c1] - az
    vx, vy, vz = x[c2] - ax, y[c2] - ay, z[c2] - az
    nx, ny, nz = normals
    return nx * (uy * vz - uz * vy) + ny * (uz * vx - ux * vz) + nz * (ux * vy - uy * vx) <= 0  # collapsed counts too


def unique_edges(triangles: np.ndarray, count: int) -> np.ndarray:
    """The mesh's edges (E x 2, low id first), each once (1-D unique on a combined key: fast)."""
    edges = np.sort(np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]]), 1)
    keys = np.unique(edges[:, 0] * np.int64(count) + edges[:, 1])
    return np.stack([keys // count, keys % count], 1)


def _normals(vertices: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    a, b, c = (vertices[triangles[:, i]] for i in range(3))
    return np.cross(b - a, c - a)


def check_shapes(vertices: np.ndarray, triangles: np.ndarray, deltas: np.ndarray,
                 folds: Callable[[int], Allowed] | None = None) -> tuple[np.ndarray, list[ShapeCheck]]:
    """Check and repair each of ``deltas`` (K x N x 3) on the mesh ``vertices`` (N x 3) / ``triangles``.

    ``folds(k)``: triangles that may turn over in shape k (the template itself turns over there), as F bools
    or as a function of triangle ids (asked only about triangles that turn over).
    """
    if len(triangles) == 0:
        return deltas, [ShapeCheck(0, 1.0, 0, 1.0, "ok") for _ in deltas]
    mesh = MeshCheck(vertices, triangles)
    out = np.array(deltas, copy=True)
    checks = []
    for k in range(len(deltas)):
        if not np.any(deltas[k]):
            checks.append(ShapeCheck(0, 1.0, 0, 1.0, "ok"))
            continue
        allowed = folds(k) if folds is not None else None
        fixed, check = mesh.check(deltas[k].astype(np.float64), allowed)
        out[k] = fixed.astype(out.dtype)
        checks.append(check)
    return out, checks
