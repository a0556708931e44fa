"""Test heads with known truth: ICT identities given another topology, and where each new vertex sits.

``remeshed_identity`` decimates the identity's skin by vertex clustering (each cluster becomes one
vertex placed at a random point of a triangle next to the cluster's central vertex), so no vertex
coincides with a template vertex and the triangles differ; ``subdivided_identity`` splits every
triangle in four (a dense head for the speed benchmark). Both return, per new vertex, the ICT
triangle and barycentric coordinates of its surface point: the truth for the transfer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml_backend.fitting.template import Template


@dataclass(frozen=True)
class KnownHead:
    vertices: np.ndarray  # N x 3 in ICT units (template frame, before any object transform)
    triangles: np.ndarray  # F x 3
    source_triangle: np.ndarray  # N x 3 ICT vertex ids of the surface point
    source_barycentric: np.ndarray  # N x 3

    def true_deltas(self, identity_deltas: np.ndarray) -> np.ndarray:
        """True expression offsets (K, N, 3) at the new vertices from (K, V, 3) template-frame deltas."""
        return np.einsum("nj,knjd->knd", self.source_barycentric, identity_deltas[:, self.source_triangle])


def identity_vertices(template: Template, coeffs: np.ndarray, shape_only: bool = True) -> np.ndarray:
    """Neutral + identity modes; ``shape_only`` uses the modes without their scale/pose part (Template.shape_modes)."""
    modes = template.shape_modes if shape_only else template.model.identity.astype(np.float64)
    return template.neutral + np.tensordot(coeffs, modes[: len(coeffs)], axes=1)


def remeshed_identity(template: Template, coeffs: np.ndarray, cell: float, rng: np.random.Generator,
                      shape_only: bool = True) -> KnownHead:
    """The identity's skin, decimated by clustering on a randomly shifted grid of ``cell`` units."""
    vertices = identity_vertices(template, coeffs, shape_only)
    triangles = template.skin_triangles
    ids = np.unique(triangles)
    keys = np.floor((vertices[ids] + rng.uniform(0, cell, 3)) / cell).astype(np.int64)
    _, cluster = np.unique(keys, axis=0, return_inverse=True)
    cluster = cluster.reshape(-1)
    count = cluster.max() + 1
    centres = np.zeros((count, 3))
    np.add.at(centres, cluster, vertices[ids])
    centres /= np.bincount(cluster)[:, None]
    gap = np.linalg.norm(vertices[ids] - centres[cluster], axis=1)
    order = np.lexsort((gap, cluster))
    first = np.ones(len(order), dtype=bool)
    first[1:] = cluster[order][1:] != cluster[order][:-1]
    central = ids[order[first]]  # one vertex per cluster, cluster order
    incident = {}
    for t, tri in enumerate(triangles):
        for v in tri:
            incident.setdefault(int(v), t)
    source_triangle = np.array([triangles[incident[int(v)]] for v in central])
    corner = np.argmax(source_triangle == central[:, None], axis=1)
    bary = rng.uniform(0.0, 0.35, (len(central), 3))
    bary[np.arange(len(central)), corner] = 1.0
    bary /= bary.sum(1, keepdims=True)
    points = np.einsum("nj,njd->nd", bary, vertices[source_triangle])
    remap = np.full(template.model.num_vertices, -1)
    remap[ids] = cluster
    new = remap[triangles]
    distinct = (new[:, 0] != new[:, 1]) & (new[:, 1] != new[:, 2]) & (new[:, 0] != new[:, 2])
    new = new[distinct]
    _, unique_rows = np.unique(np.sort(new, axis=1), axis=0, return_index=True)
    return KnownHead(points, new[np.sort(unique_rows)], source_triangle, bary)


def subdivided_identity(template: Template, coeffs: np.ndarray) -> KnownHead:
    """The identity's skin with every triangle split in four (edge midpoints added)."""
    vertices = identity_vertices(template, coeffs)
    triangles = template.skin_triangles
    ids = np.unique(triangles)
    edges = np.sort(np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]]), axis=1)
    unique_edges, edge_index = np.unique(edges, axis=0, return_inverse=True)
    edge_index = edge_index.reshape(3, -1).T  # T x 3 (edges 01, 12, 20)
    remap = np.full(template.model.num_vertices, -1)
    remap[ids] = np.arange(len(ids))
    mid = len(ids) + edge_index
    a, b, c = (remap[triangles[:, i]] for i in range(3))
    ab, bc, ca = mid[:, 0], mid[:, 1], mid[:, 2]
    new_triangles = np.concatenate([np.stack(t, 1) for t in ((a, ab, ca), (ab, b, bc), (ca, bc, c), (ab, bc, ca))])
    owner = {}
    for t, tri in enumerate(triangles):
        for v in tri:
            owner.setdefault(int(v), tri)
    vertex_tris = np.array([owner[int(v)] for v in ids])
    vertex_bary = (vertex_tris == ids[:, None]).astype(np.float64)
    edge_tris = np.column_stack([unique_edges, unique_edges[:, 0]])
    edge_bary = np.tile([0.5, 0.5, 0.0], (len(unique_edges), 1))
    source_triangle = np.concatenate([vertex_tris, edge_tris])
    bary = np.concatenate([vertex_bary, edge_bary])
    points = np.einsum("nj,njd->nd", bary, vertices[source_triangle])
    return KnownHead(points, new_triangles, source_triangle, bary)
