"""Render the photo head through a camera with the numpy rasterizer: textured (for sheets and the evaluation) or
flat-coloured per material with simple Lambert shading (for learning the expression mapping and calibrating the
landmark correspondence). Output: H x W x 3 uint8, the head over a plain background.
"""

from __future__ import annotations

import numpy as np

from .fit import Camera
from .raster import Fragments, rasterize, sample_bilinear
from .topology import HeadTopology, material_color_srgb

BACKGROUND = np.array([118.0, 118.0, 118.0])


IRIS_BIAS = 0.15  # cm: the iris is drawn through the clear cornea of ICT's sclera mesh in front of it


def fragments(topology: HeadTopology, vertices: np.ndarray, camera: Camera) -> Fragments:
    """Visible triangle and barycentrics per pixel of the kept head vertices (N x 3, model space)."""
    pixels, depth = camera.project(vertices)
    return rasterize(pixels, depth - IRIS_BIAS * topology.iris_vertex_mask(), topology.triangles, camera.width,
                     camera.height, cull_back=True)


def _shading(topology: HeadTopology, vertices: np.ndarray, camera: Camera, frags: Fragments, light: np.ndarray,
             ambient: float) -> np.ndarray:
    normals = topology.normals(vertices) @ camera.rotation.T  # camera axes
    mask = frags.mask
    tri = topology.triangles[frags.triangle[mask]]
    normal = np.einsum("pk,pkd->pd", frags.barycentric[mask], normals[tri])
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-9)
    light = np.asarray(light, np.float64) / np.linalg.norm(light)
    return ambient + (1 - ambient) * np.clip(-(normal @ light), 0.0, 1.0)


def render_textured(topology: HeadTopology, vertices: np.ndarray, texture: np.ndarray, camera: Camera,
                    background: np.ndarray | None = None, shade: float = 0.0) -> np.ndarray:
    """The head with its atlas texture (unlit, or mixed with ``shade`` of Lambert shading), over ``background``."""
    frags = fragments(topology, vertices, camera)
    image = np.empty((camera.height, camera.width, 3), np.float32)
    image[:] = BACKGROUND if background is None else background
    mask = frags.mask
    tri = frags.triangle[mask]
    uv = np.einsum("pk,pkd->pd", frags.barycentric[mask], topology.triangle_uvs[tri])
    size = texture.shape[0]
    texel = np.stack([uv[:, 0] * size, (1.0 - uv[:, 1]) * size], 1)
    colour = sample_bilinear(texture, texel)
    if shade > 0:
        light = _shading(topology, vertices, camera, frags, np.array([0.3, 0.4, 1.0]), 0.35)
        colour *= (1 - shade) + shade * light[:, None]
    image[mask] = colour
    return np.clip(image, 0, 255).astype(np.uint8)


def render_shaded(topology: HeadTopology, vertices: np.ndarray, camera: Camera, light: np.ndarray = (0.3, 0.4, 1.0),
                  ambient: float = 0.35, tint: np.ndarray | None = None, background: np.ndarray | None = None) -> np.ndarray:
    """The head in its default material colours (skin, lips darker, eyes, teeth) with Lambert shading."""
    frags = fragments(topology, vertices, camera)
    image = np.empty((camera.height, camera.width, 3), np.float32)
    image[:] = BACKGROUND if background is None else background
    mask = frags.mask
    palette = np.array([material_color_srgb(n) for n in topology.material_names])
    if tint is not None:
        palette = palette * np.asarray(tint)[None]
    colour = palette[topology.triangle_material[frags.triangle[mask]]]
    image[mask] = colour * _shading(topology, vertices, camera, frags, np.asarray(light), ambient)[:, None]
    return np.clip(image, 0, 255).astype(np.uint8)


def front_camera(vertices: np.ndarray, size: int = 512, yaw: float = 0.0, pitch: float = 0.0, focal_35mm: float = 70.0,
                 fill: float = 0.55) -> Camera:
    """A camera looking at the face (ICT looks along +z) from the front, turned by ``yaw``/``pitch`` degrees."""
    from scipy.spatial.transform import Rotation

    face = vertices[vertices[:, 2] > np.percentile(vertices[:, 2], 40)]
    centre = (face.max(0) + face.min(0)) / 2
    height = np.ptp(face[:, 1])
    focal = focal_35mm / 36.0 * size
    distance = focal * height / (fill * size)
    flip = np.diag([1.0, -1.0, -1.0])
    turn = Rotation.from_euler("xy", [pitch, yaw], degrees=True).as_matrix()
    rotation = flip @ turn.T
    translation = np.array([0.0, 0.0, distance]) - rotation @ centre
    return Camera(rotation, translation, focal, size, size)
