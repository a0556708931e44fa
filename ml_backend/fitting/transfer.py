"""Deformation transfer: each user vertex moves as its closest point on the fitted template moves.

A user vertex is bound to a point of a fitted-template triangle (barycentric coordinates) plus an
offset along that triangle's normal. Under an expression the bound point moves with the
template's expression delta, re-expressed in the fitted surface's local frame (the rotation that
takes the ICT neutral's normal to the fitted normal: in full as the large-scale surface turns, at most
``LOCAL_TURN_DEGREES`` beyond it), and the offset follows the rotation of the triangle's normal.
Vertices far from the template (hair, shoulders) fade to no motion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from ..naming.arkit import INDEX
from .eye_region import EyeWarp
from .mesh import TriangleSurface, adjacency, vertex_normals
from .template import Template

FADE_START = 0.12  # distance to the template (fraction of the interocular distance) where motion starts fading
FADE_END = 0.45  # ... and where it has faded out
SURFACE_SMOOTHING = 80  # normal-smoothing steps over the template skin: the deltas turn in full as this surface turns
LOCAL_TURN_DEGREES = 5.0  # ... and at most this much beyond it (the free-form fit's finer folds), except on the lips:
LIP_SHAPES = ("mouthRollLower",)  # where these move, the local turn is kept in full (the lower lip's fold on a remesh)
LIP_MOTION = (0.3, 0.6)  # share of each lip shape's largest motion where keeping the local turn starts and is full


@dataclass(frozen=True)
class Binding:
    """Where each user vertex sits on the fitted template (arrays of length N)."""

    triangle: np.ndarray  # N x 3 template vertex ids of the bound triangle
    barycentric: np.ndarray  # N x 3
    offset: np.ndarray  # N, signed distance along the triangle normal
    weight: np.ndarray  # N, 1 = moves fully, 0 = does not move
    agreement: np.ndarray  # N, cosine between the vertex normal and the bound triangle's normal (1 without normals)


def bind(template: Template, fitted: np.ndarray, points: np.ndarray, normals: np.ndarray | None,
         triangles: np.ndarray) -> Binding:
    """Bind template-frame ``points`` to the closest of ``triangles`` of the fitted template."""
    surface = TriangleSurface(fitted, triangles)
    hits = surface.closest(points, candidates=8, normals=normals, min_normal_dot=0.0)
    tri_normals = surface.normals[hits.triangle]
    offset = ((points - hits.point) * tri_normals).sum(1)
    unit = template.interocular
    fade = np.clip((hits.distance / unit - FADE_START) / (FADE_END - FADE_START), 0.0, 1.0)
    weight = 1.0 - fade * fade * (3 - 2 * fade)
    agreement = (tri_normals * normals).sum(1) if normals is not None else np.ones(len(points))
    return Binding(triangles[hits.triangle], hits.barycentric, offset, weight, agreement)


def fill_unreliable(deltas: np.ndarray, triangles: np.ndarray, agreement: np.ndarray, threshold: float = 0.5,
                    iterations: int = 20) -> np.ndarray:
    """Replace the deltas of vertices bound to a surface facing elsewhere (a nostril's inside, the far side of
    a lip) by the average of their mesh neighbours, keeping the reliable ones fixed (harmonic fill).

    Without this, a vertex bound to the wrong sheet moves unlike its neighbours and shows as a crease.
    Vertices near openings (eyelid and lip margins) are left alone: there the sheets fold legitimately.
    """
    if len(triangles) == 0:
        return deltas
    full = adjacency(deltas.shape[1], triangles)
    near_rim = _near_boundary(full, triangles, deltas.shape[1], rings=2)
    unreliable = np.flatnonzero((agreement < threshold) & ~near_rim)
    if len(unreliable) == 0:
        return deltas
    graph = full[unreliable]
    degree = np.maximum(np.asarray(graph.sum(1)).ravel(), 1.0)[:, None, None]
    touched = np.unique(np.concatenate([graph.indices, unreliable]))  # only these vertices take part
    graph = graph[:, touched]
    inner = np.searchsorted(touched, unreliable)
    local = deltas[:, touched].transpose(1, 0, 2).copy()  # T x 52 x 3
    for _ in range(iterations):
        local[inner] = (graph @ local.reshape(len(touched), -1)).reshape(len(unreliable), *deltas.shape[::2]) / degree
    result = np.array(deltas, copy=True)
    result[:, unreliable] = local[inner].transpose(1, 0, 2)
    return result


def _near_boundary(graph, triangles: np.ndarray, count: int, rings: int) -> np.ndarray:
    """Vertices within ``rings`` edges of an open boundary (eye and mouth openings), where the sheets fold."""
    edges = np.sort(np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]]), axis=1).astype(np.int64)
    keys, uses = np.unique(edges[:, 0] * count + edges[:, 1], return_counts=True)
    mask = np.zeros(count, dtype=bool)
    mask[keys[uses == 1] // count] = True
    mask[keys[uses == 1] % count] = True
    for _ in range(rings):
        mask |= (graph @ mask.astype(np.float64)) > 0
    return mask


def frame_rotations(source_normals: np.ndarray, target_normals: np.ndarray,
                    limit: float | np.ndarray | None = None) -> np.ndarray:
    """Per-vertex minimal rotations (N, 3, 3) turning ``source_normals`` onto ``target_normals``, by at most
    ``limit`` radians (one, or one per vertex; towards the target) when given."""
    axis = np.cross(source_normals, target_normals)
    sin = np.linalg.norm(axis, axis=1)
    cos = np.clip((source_normals * target_normals).sum(1), -1.0, 1.0)
    if limit is not None:
        angle = np.minimum(np.arctan2(sin, cos), limit)
        sin, cos = np.sin(angle), np.cos(angle)
    k = axis / np.maximum(np.linalg.norm(axis, axis=1), 1e-12)[:, None]
    skew = np.zeros((len(k), 3, 3))
    skew[:, 0, 1], skew[:, 0, 2], skew[:, 1, 2] = -k[:, 2], k[:, 1], -k[:, 0]
    skew -= skew.transpose(0, 2, 1)
    eye = np.broadcast_to(np.eye(3), skew.shape)
    return eye + sin[:, None, None] * skew + (1 - cos)[:, None, None] * skew @ skew


def smoothed_normals(vertices: np.ndarray, triangles: np.ndarray, steps: int) -> np.ndarray:
    """Vertex normals of ``triangles`` averaged ``steps`` times with their mesh neighbours (unit; zero off the mesh)."""
    normals = vertex_normals(vertices, triangles)
    if steps:
        graph = adjacency(len(vertices), triangles)
        share = 1.0 / (np.asarray(graph.sum(1)).ravel() + 1.0)
        for _ in range(steps):
            normals = (graph @ normals + normals) * share[:, None]
        normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
    return normals


def surface_rotations(template: Template, start: np.ndarray, fitted: np.ndarray, steps: int) -> np.ndarray:
    """Per template vertex, the turn (V, 3, 3) from ``start`` to ``fitted``: in full as the skin's normals smoothed
    over ``steps`` turn, then at most ``LOCAL_TURN_DEGREES`` further towards each vertex's own normal.

    With no smoothing this is the full local turn; off the skin (mouth interior, eyes) it stays the full local turn.
    """
    local_start, local_fitted = vertex_normals(start, template.triangles), vertex_normals(fitted, template.triangles)
    if steps == 0:
        return frame_rotations(local_start, local_fitted)
    broad_start = smoothed_normals(start, template.skin_triangles, steps)
    broad_fitted = smoothed_normals(fitted, template.skin_triangles, steps)
    off_skin = ~np.isin(np.arange(len(start)), template.skin_vertices)
    broad_start[off_skin], broad_fitted[off_skin] = local_start[off_skin], local_fitted[off_skin]
    broad = frame_rotations(broad_start, broad_fitted)
    turned = np.einsum("vij,vj->vi", broad, local_start)
    limit = np.radians(LOCAL_TURN_DEGREES + (180.0 - LOCAL_TURN_DEGREES) * lip_weights(template))
    return frame_rotations(turned, local_fitted, limit) @ broad


def lip_weights(template: Template) -> np.ndarray:
    """Per template vertex, 1 on the lips (where ICT's lip shapes move them), fading to 0 around them.

    A remesh fuses the lips and the free-form fit folds the template's lips onto that seam: the lower lip's roll then
    needs the fold's full local turn, or it pushes into the upper lip and tears (ICT identity 1 of the evaluation:
    mouthRollLower's error 0.27 -> 0.38 with the cap there). Only there: capping the turn on the rest of the mouth is
    what lets the mask and the bust read their open jaw (mask surprise 0.60 with the whole mouth exempt, 0.70 without).
    """

    motion = np.zeros(template.model.num_vertices)
    for name in LIP_SHAPES:
        size = np.linalg.norm(template.model.deltas[INDEX[name]], axis=1)
        motion = np.maximum(motion, size / max(float(size.max()), 1e-12))
    low, high = LIP_MOTION
    return np.clip((motion - low) / (high - low), 0.0, 1.0)


def template_expression_deltas(template: Template, fitted: np.ndarray, identity_head: np.ndarray,
                               eye_warp: EyeWarp | None = None, smoothing: int = SURFACE_SMOOTHING) -> np.ndarray:
    """The 52 expression deltas (52, V, 3) carried into the fitted surface's local frames.

    Within the ICT identity space the deltas stay as they are (that is the model: an identity's
    expression is identity + delta); the eye regions' move before the free-form fit (``eye_warp``)
    carries them as it carried the mesh, ``warp(v + d) - warp(v)``; the free-form part of the fit, which
    goes beyond the model, turns them with the surface: the rotation from the (moved) ``identity_head``'s
    normals to ``fitted``'s, in full as the skin's normals smoothed over ``smoothing`` steps turn (a forehead's
    slope, a cheek's), at most ``LOCAL_TURN_DEGREES`` beyond it (``surface_rotations``): finer turns are the
    free-form fit's folds (a remesh's facets, a coarse mask's crumpled lids), which bent the deltas into the
    surface (on ICT identities remeshed, the error against their true expressions 0.054-0.060 -> 0.040-0.047).
    """
    deltas = template.model.deltas.astype(np.float64)
    start = identity_head
    if eye_warp is not None and eye_warp.moves:
        start = eye_warp.apply(identity_head)
        moving = np.flatnonzero(np.abs(deltas).sum((0, 2)) > 0)
        deltas[:, moving] = eye_warp.apply(identity_head[moving] + deltas[:, moving]) - start[moving]
    return np.einsum("vij,kvj->kvi", surface_rotations(template, start, fitted, smoothing), deltas)


def transfer_deltas(binding: Binding, fitted: np.ndarray, deltas: np.ndarray, to_local: np.ndarray | None = None,
                    chunk: int = 20_000) -> np.ndarray:
    """Per-user-vertex deltas (52, N, 3) float32 from the carried template deltas (52, V, 3).

    ``to_local`` (3 x 3) maps template-frame offsets into the part's mesh coordinates. Works in
    vertex chunks so memory stays near the size of the result.
    """
    count = len(binding.offset)
    num_shapes, num_vertices = deltas.shape[:2]
    linear = np.eye(3) if to_local is None else to_local
    flat = deltas.transpose(1, 0, 2).reshape(num_vertices, -1).astype(np.float32)  # V x 52*3
    moving = [k for k in range(num_shapes) if np.any(deltas[k])]
    axes = tuple(np.ascontiguousarray(fitted[:, i]) for i in range(3))
    shape_axes = {k: tuple(np.ascontiguousarray(deltas[k][:, i]) for i in range(3)) for k in moving}
    result = np.zeros((num_shapes, count, 3), dtype=np.float32)
    for start in range(0, count, chunk):
        rows = slice(start, min(start + chunk, count))
        triangle, offset = binding.triangle[rows], binding.offset[rows]
        size = len(offset)
        index = np.repeat(np.arange(size), 3)
        interp = csr_matrix((binding.barycentric[rows].reshape(-1), (index, triangle.reshape(-1))), shape=(size, num_vertices))
        moved = np.ascontiguousarray((interp @ flat).reshape(size, num_shapes, 3).transpose(1, 0, 2), dtype=np.float64)
        used, inverse = unique_rows(triangle, num_vertices)
        corners = tuple(np.ascontiguousarray(used[:, i]) for i in range(3))
        rest_normals = _unit_normals(axes, corners)
        for k in moving:  # the offset from the surface turns with the surface
            shifted = tuple(a + d for a, d in zip(axes, shape_axes[k]))
            turn = _unit_normals(shifted, corners) - rest_normals
            moved[k] += offset[:, None] * turn[inverse]
        moved *= binding.weight[None, rows, None]
        result[:, rows] = moved @ linear.T
    return result


def unique_rows(rows: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(rows, axis=0, return_inverse=True)`` for rows of 3 ids below ``count``, on one combined key (fast)."""
    rows = np.asarray(rows, np.int64)
    keys = (rows[:, 0] * count + rows[:, 1]) * count + rows[:, 2]
    unique, inverse = np.unique(keys, return_inverse=True)
    return np.stack([unique // (count * count), (unique // count) % count, unique % count], 1), inverse.reshape(-1)


def _unit_normals(axes: tuple[np.ndarray, ...], corners: tuple[np.ndarray, ...]) -> np.ndarray:
    """Unit normals (T x 3) of triangles ``corners`` (one id array per corner) over coordinates given per axis."""
    x, y, z = axes
    c0, c1, c2 = corners
    ux, uy, uz = x[c1] - x[c0], y[c1] - y[c0], z[c1] - z[c0]
    vx, vy, vz = x[c2] - x[c0], y[c2] - y[c0], z[c2] - z[c0]
    normals = np.stack([uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx], 1)
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-30)
    return normals
