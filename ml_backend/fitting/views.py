"""Shaded renders of a user's mesh from chosen directions, and the way back from a pixel to the surface.

The face detector needs pictures; the mesh has no texture we can trust, so it is drawn in one skin
tone with Lambert shading (light from the camera, a little above), both sides of every triangle
(user meshes are not always wound consistently). The numpy rasterizer of Head-from-Photo
(``ml_backend.photo.raster``) draws it: no bpy, no OpenGL context. The z-buffer it keeps is the
ray cast: the visible triangle under a pixel is the first surface the camera ray through that
pixel hits, and its barycentric weights give the 3D point (no separate ray-triangle test needed;
trimesh is not among the project's dependencies).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mesh import vertex_normals

SKIN = np.array([205.0, 170.0, 150.0])
BACKGROUND = np.array([60.0, 60.0, 60.0])
LENS = 1.6  # focal length / image size: a 58 mm (35 mm-equivalent) portrait lens
FILL = 0.8  # share of the image the framed points span


@dataclass(frozen=True)
class View:
    """A perspective camera: world -> camera (x right, y down, z forward) -> pixels."""

    rotation: np.ndarray  # 3 x 3, rows: right, down, forward (world directions)
    eye: np.ndarray  # camera position (world)
    focal: float  # pixels
    size: int  # square image side in pixels

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixels (N x 2, pixel centres at +0.5) and depths (N,) of world points."""
        camera = (points - self.eye) @ self.rotation.T
        depth = camera[:, 2]
        return self.focal * camera[:, :2] / np.maximum(depth, 1e-12)[:, None] + self.size / 2.0, depth

    @property
    def forward(self) -> np.ndarray:
        return self.rotation[2]

    @property
    def up(self) -> np.ndarray:
        return -self.rotation[1]


def look(forward: np.ndarray, up: np.ndarray, points: np.ndarray, size: int) -> View:
    """A camera looking along ``forward`` with ``up`` at the top of the image, framing ``points``."""
    forward = np.asarray(forward, np.float64) / np.linalg.norm(forward)
    up = np.asarray(up, np.float64) - forward * np.dot(up, forward)
    up /= np.linalg.norm(up)
    right = np.cross(forward, up)
    rotation = np.stack([right, -up, forward])
    local = points @ rotation.T
    low, high = local.min(0), local.max(0)
    centre = (low + high) / 2
    half = max(high[0] - low[0], high[1] - low[1]) / 2
    focal = LENS * size
    distance = focal * half / (FILL * size / 2) + (high[2] - low[2]) / 2
    eye = centre @ rotation - forward * distance
    return View(rotation, eye, focal, size)


@dataclass(frozen=True)
class Render:
    """An RGB picture of the mesh and, per pixel, the visible triangle and its barycentric weights."""

    image: np.ndarray  # S x S x 3 uint8
    triangle: np.ndarray  # S x S int (-1: background)
    barycentric: np.ndarray  # S x S x 3
    view: View

    def surface_points(self, vertices: np.ndarray, triangles: np.ndarray, pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """3D points where the camera rays through ``pixels`` (N x 2) first meet the mesh, and whether they do."""
        ix = np.clip(np.floor(pixels).astype(np.int64), 0, self.view.size - 1)
        tri = self.triangle[ix[:, 1], ix[:, 0]]
        hit = tri >= 0
        bary = self.barycentric[ix[:, 1], ix[:, 0]].astype(np.float64)
        corners = vertices[triangles[np.maximum(tri, 0)]]
        return np.einsum("nk,nkd->nd", bary, corners), hit


def render(vertices: np.ndarray, triangles: np.ndarray, view: View, normals: np.ndarray | None = None) -> Render:
    """The mesh in one skin tone, lit from the camera and a little above, both sides of every triangle drawn."""
    from ..photo.raster import rasterize

    pixels, depth = view.project(vertices)
    visible = (depth[triangles] > 0).all(1)
    shown = triangles[visible]
    frags = rasterize(pixels, depth, shown, view.size, view.size, cull_back=False)
    normals = vertex_normals(vertices, triangles) if normals is None else normals
    image = np.empty((view.size, view.size, 3), np.float32)
    image[:] = BACKGROUND
    mask = frags.mask
    corner_normals = normals[shown[frags.triangle[mask]]]
    normal = np.einsum("pk,pkd->pd", frags.barycentric[mask], corner_normals)
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
    toward = -view.forward
    normal *= np.where(normal @ toward < 0, -1.0, 1.0)[:, None]  # the side the camera sees
    light = toward + 0.5 * view.up
    light /= np.linalg.norm(light)
    shade = 0.25 + 0.75 * np.clip(normal @ light, 0.0, 1.0)
    image[mask] = SKIN * shade[:, None]
    triangle = np.where(mask, np.flatnonzero(visible)[np.maximum(frags.triangle, 0)], -1)
    return Render(np.clip(image, 0, 255).astype(np.uint8), triangle, frags.barycentric, view)
