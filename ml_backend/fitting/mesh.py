"""Triangle surfaces as plain arrays, and the geometric queries the fit needs.

Everything works on (N, 3) float64 vertices and (F, 3) int triangles; polygon meshes are
fanned into triangles first. The closest-point query finds, for each query point, the nearest
point on a set of triangles (with its barycentric coordinates), optionally only among
triangles whose normal agrees with the query's normal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree


def triangulate(face_sizes: np.ndarray, face_vertices: np.ndarray) -> np.ndarray:
    """Fan polygons (Blender's flat corner layout) into triangles: (F,) sizes + corners -> (T, 3)."""
    sizes = np.asarray(face_sizes, dtype=np.int64)
    corners = np.asarray(face_vertices, dtype=np.int64)
    starts = np.zeros(len(sizes), dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    fans = np.maximum(sizes - 2, 0)
    face_of_tri = np.repeat(np.arange(len(sizes)), fans)
    offset = np.arange(fans.sum()) - np.repeat(np.cumsum(fans) - fans, fans)
    first = starts[face_of_tri]
    return np.stack([corners[first], corners[first + offset + 1], corners[first + offset + 2]], axis=1)


def face_normals(vertices: np.ndarray, triangles: np.ndarray, normalize: bool = True) -> np.ndarray:
    """Per-triangle normals (T, 3); area-weighted (unnormalized) when ``normalize`` is False."""
    a, b, c = (vertices[triangles[:, i]] for i in range(3))
    normals = np.cross(b - a, c - a)
    if normalize:
        normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-30)
    return normals


def vertex_normals(vertices: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Area-weighted vertex normals (N, 3); isolated vertices get a zero normal."""
    weighted = face_normals(vertices, triangles, normalize=False)
    corners = np.asarray(triangles).T.reshape(-1)  # every triangle's first corners, then second, then third
    repeated = np.tile(weighted, (3, 1))  # the same order as add.at over the three corner columns: same sums
    normals = np.stack([np.bincount(corners, weights=repeated[:, i], minlength=len(vertices)) for i in range(3)], 1)
    return normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-30)


def adjacency(num_vertices: int, triangles: np.ndarray) -> csr_matrix:
    """Symmetric vertex adjacency (edges of the triangles) as a 0/1 sparse matrix."""
    rows = np.concatenate([triangles[:, 0], triangles[:, 1], triangles[:, 2]])
    cols = np.concatenate([triangles[:, 1], triangles[:, 2], triangles[:, 0]])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(num_vertices, num_vertices)).tocsr()
    graph = graph + graph.T
    graph.data[:] = 1.0
    return graph


def graph_laplacian(num_vertices: int, triangles: np.ndarray) -> csr_matrix:
    """Uniform graph Laplacian D - A (positive semi-definite)."""
    graph = adjacency(num_vertices, triangles)
    degree = np.asarray(graph.sum(axis=1)).ravel()
    return (csr_matrix((degree, (np.arange(num_vertices), np.arange(num_vertices))), shape=graph.shape) - graph).tocsr()


def component_labels(num_vertices: int, triangles: np.ndarray) -> np.ndarray:
    """Connected-component label per vertex (vertices in no triangle get their own label)."""
    return connected_components(adjacency(num_vertices, triangles), directed=False)[1]


@dataclass(frozen=True)
class SurfaceHits:
    """Closest points on a triangle set: triangle index, barycentrics, point, distance."""

    triangle: np.ndarray  # Q int
    barycentric: np.ndarray  # Q x 3
    point: np.ndarray  # Q x 3
    distance: np.ndarray  # Q


class TriangleSurface:
    """A triangle set with a centroid tree for nearest-triangle queries."""

    def __init__(self, vertices: np.ndarray, triangles: np.ndarray):
        self.vertices = np.asarray(vertices, dtype=np.float64)
        self.triangles = np.asarray(triangles, dtype=np.int64)
        corners = self.vertices[self.triangles]
        self.centroids = corners.mean(axis=1)
        self.normals = face_normals(self.vertices, self.triangles)
        self.radius = float(np.linalg.norm(corners - self.centroids[:, None], axis=2).max()) if len(corners) else 0.0
        self.tree = cKDTree(self.centroids)

    def closest(self, points: np.ndarray, candidates: int = 12, normals: np.ndarray | None = None,
                min_normal_dot: float = 0.0, chunk: int = 20_000) -> SurfaceHits:
        """Closest point on the surface for each of ``points`` (Q, 3).

        Searches the ``candidates`` triangles with the nearest centroids; with ``normals``, triangles
        whose normal points against the query normal (dot < ``min_normal_dot``) are avoided when
        a compatible one is among the candidates. Works in chunks to bound memory.
        """
        points = np.asarray(points, dtype=np.float64)
        k = int(min(candidates, len(self.centroids)))
        parts = []
        for start in range(0, len(points), chunk):
            block = points[start:start + chunk]
            _, index = self.tree.query(block, k=k)
            index = index.reshape(len(block), k)
            corners = self.vertices[self.triangles[index]]  # Q x k x 3 x 3
            closest, bary = _closest_on_triangles(block[:, None, :], corners)
            dist = np.linalg.norm(closest - block[:, None, :], axis=2)
            if normals is not None:
                agree = np.einsum("qkd,qd->qk", self.normals[index], normals[start:start + chunk]) >= min_normal_dot
                dist_pick = np.where(agree, dist, dist + 1e6)
            else:
                dist_pick = dist
            best = np.argmin(dist_pick, axis=1)
            rows = np.arange(len(block))
            parts.append((index[rows, best], bary[rows, best], closest[rows, best], dist[rows, best]))
        return SurfaceHits(*(np.concatenate(p) for p in zip(*parts)))


def _closest_on_triangles(p: np.ndarray, tri: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Closest points of p (Q,1,3) on triangles tri (Q,k,3,3): points and barycentrics (Q,k,...)."""
    a, b, c = tri[..., 0, :], tri[..., 1, :], tri[..., 2, :]
    ab, ac, ap = b - a, c - a, p - a
    d00 = np.einsum("...d,...d->...", ab, ab)
    d01 = np.einsum("...d,...d->...", ab, ac)
    d11 = np.einsum("...d,...d->...", ac, ac)
    d20 = np.einsum("...d,...d->...", ap, ab)
    d21 = np.einsum("...d,...d->...", ap, ac)
    denom = np.maximum(d00 * d11 - d01 * d01, 1e-30)
    v = (d11 * d20 - d01 * d21) / denom
    w = (d00 * d21 - d01 * d20) / denom
    u = 1.0 - v - w
    inside = (u >= 0) & (v >= 0) & (w >= 0)
    bary = np.stack([u, v, w], axis=-1)
    best_bary = np.where(inside[..., None], bary, 0.0)
    best_dist = np.where(inside, 0.0, np.inf)
    for i, j in ((0, 1), (1, 2), (2, 0)):
        start, end = tri[..., i, :], tri[..., j, :]
        edge = end - start
        t = np.clip(np.einsum("...d,...d->...", p - start, edge) / np.maximum(np.einsum("...d,...d->...", edge, edge), 1e-30), 0.0, 1.0)
        point = start + t[..., None] * edge
        dist = np.einsum("...d,...d->...", p - point, p - point)
        better = ~inside & (dist < best_dist)
        edge_bary = np.zeros_like(bary)
        edge_bary[..., i] = 1.0 - t
        edge_bary[..., j] = t
        best_bary = np.where(better[..., None], edge_bary, best_bary)
        best_dist = np.where(better, dist, best_dist)
    points = (best_bary[..., 0:1] * a + best_bary[..., 1:2] * b + best_bary[..., 2:3] * c)
    return points, best_bary


def front_depths(points: np.ndarray, triangles: np.ndarray, x: float, ys: np.ndarray) -> np.ndarray:
    """Front-most Z of the surface along rays at (``x``, each of ``ys``) looking down -Z (-inf where a ray misses).

    A z-buffer for one column of rays, for measuring what lies in front of what around the eyes.
    """
    a, b, c = (points[triangles[:, i]] for i in range(3))
    span = np.stack([a[:, 0], b[:, 0], c[:, 0]], 1)
    keep = (span.min(1) <= x) & (span.max(1) >= x)
    a, b, c = a[keep], b[keep], c[keep]
    e0, e1 = b[:, :2] - a[:, :2], c[:, :2] - a[:, :2]
    den = e0[:, 0] * e1[:, 1] - e1[:, 0] * e0[:, 1]
    valid = np.abs(den) > 1e-12
    den = np.where(valid, den, 1.0)
    rel_x = x - a[:, 0]
    rel_y = ys[:, None] - a[None, :, 1]  # R x T
    u = (rel_x * e1[None, :, 1] - e1[None, :, 0] * rel_y) / den
    v = (e0[None, :, 0] * rel_y - rel_x * e0[None, :, 1]) / den
    inside = valid & (u >= 0) & (v >= 0) & (u + v <= 1)
    z = a[None, :, 2] + u * (b[None, :, 2] - a[None, :, 2]) + v * (c[None, :, 2] - a[None, :, 2])
    return np.where(inside, z, -np.inf).max(1, initial=-np.inf)
