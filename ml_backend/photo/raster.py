"""A small z-buffer triangle rasterizer in numpy (image space and texture space).

Why our own: the backend must not import bpy, and an OpenGL context is not guaranteed on a
user's machine or a CI runner; the head has ~50k small triangles, which a vectorised numpy
scan over each triangle's bounding box handles in a fraction of a second. Triangles are grouped
by bounding-box size so each group is one array operation; the nearest fragment per pixel wins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_CHUNK = 4_000_000  # candidate pixels per array operation (bounds memory)


@dataclass(frozen=True)
class Fragments:
    """Per pixel: the visible triangle (-1 where empty), its barycentric weights and depth."""

    triangle: np.ndarray  # H x W int32
    barycentric: np.ndarray  # H x W x 3 float32
    depth: np.ndarray  # H x W float32 (inf where empty)

    @property
    def mask(self) -> np.ndarray:
        return self.triangle >= 0


def rasterize(xy: np.ndarray, depth: np.ndarray, triangles: np.ndarray, width: int, height: int,
              cull_back: bool = False) -> Fragments:
    """Rasterize triangles given 2D pixel positions (N x 2; pixel centres at +0.5) and depths (N,).

    ``cull_back`` drops triangles whose corners run counter-clockwise on screen (y down): for a mesh
    wound counter-clockwise seen from outside (OBJ, glTF), those face away from the camera.
    """
    xy = np.asarray(xy, np.float32)
    depth = np.asarray(depth, np.float32)
    triangles = np.asarray(triangles, np.int64)
    a, b, c = xy[triangles[:, 0]], xy[triangles[:, 1]], xy[triangles[:, 2]]
    area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
    corners = np.stack([a, b, c], axis=1)
    low = np.floor(corners.min(1) - 0.5).astype(np.int64)
    high = np.ceil(corners.max(1) - 0.5).astype(np.int64)
    low = np.maximum(low, 0)
    high = np.minimum(high, [width - 1, height - 1])
    finite = np.isfinite(corners).all((1, 2)) & np.isfinite(depth[triangles]).all(1)
    facing = area < -1e-12 if cull_back else np.abs(area) > 1e-12
    keep = np.flatnonzero(facing & (high >= low).all(1) & finite)
    extent = (high - low + 1).max(1)

    pixels, tris, depths, barys = [], [], [], []
    size = 1
    remaining = keep
    while len(remaining):
        group = remaining[extent[remaining] <= size]
        remaining = remaining[extent[remaining] > size]
        if len(group):
            offsets = np.stack(np.meshgrid(np.arange(size), np.arange(size), indexing="xy"), -1).reshape(-1, 2)
            step = max(1, _CHUNK // len(offsets))
            for start in range(0, len(group), step):
                ids = group[start:start + step]
                px = low[ids, None, :] + offsets[None]  # G x S x 2
                inside_box = (px <= high[ids, None, :]).all(-1)
                centre = px + 0.5
                pa, pb, pc = a[ids, None], b[ids, None], c[ids, None]
                inv = 1.0 / area[ids, None]
                w0 = ((pb[..., 0] - centre[..., 0]) * (pc[..., 1] - centre[..., 1])
                      - (pb[..., 1] - centre[..., 1]) * (pc[..., 0] - centre[..., 0])) * inv
                w1 = ((pc[..., 0] - centre[..., 0]) * (pa[..., 1] - centre[..., 1])
                      - (pc[..., 1] - centre[..., 1]) * (pa[..., 0] - centre[..., 0])) * inv
                w2 = 1.0 - w0 - w1
                inside = inside_box & (w0 >= -1e-6) & (w1 >= -1e-6) & (w2 >= -1e-6)
                g, s = np.nonzero(inside)
                if not len(g):
                    continue
                bary = np.stack([w0[g, s], w1[g, s], w2[g, s]], 1)
                tri = ids[g]
                z = (bary * depth[triangles[tri]]).sum(1)
                pixels.append(px[g, s, 1] * width + px[g, s, 0])
                tris.append(tri)
                depths.append(z)
                barys.append(bary)
        size *= 2

    triangle_map = np.full(width * height, -1, np.int32)
    bary_map = np.zeros((width * height, 3), np.float32)
    depth_map = np.full(width * height, np.inf, np.float32)
    if pixels:
        pixel = np.concatenate(pixels)
        z = np.concatenate(depths)
        order = np.lexsort((z, pixel))
        first = order[np.r_[True, pixel[order][1:] != pixel[order][:-1]]]
        triangle_map[pixel[first]] = np.concatenate(tris)[first]
        bary_map[pixel[first]] = np.concatenate(barys)[first]
        depth_map[pixel[first]] = z[first]
    return Fragments(triangle_map.reshape(height, width), bary_map.reshape(height, width, 3),
                     depth_map.reshape(height, width))


def interpolate(fragments: Fragments, attributes: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Per-pixel attribute (H x W x C) from per-vertex attributes (N x C) of the visible triangle (0 where empty)."""
    mask = fragments.mask
    out = np.zeros(mask.shape + (attributes.shape[1],), np.float32)
    tri = triangles[fragments.triangle[mask]]  # P x 3
    out[mask] = np.einsum("pk,pkc->pc", fragments.barycentric[mask], attributes[tri])
    return out


def sample_bilinear(image: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Bilinear samples of an H x W x C image at pixel positions (N x 2, pixel centres at +0.5), clamped at the border."""
    height, width = image.shape[:2]
    x = np.clip(xy[:, 0] - 0.5, 0, width - 1)
    y = np.clip(xy[:, 1] - 0.5, 0, height - 1)
    x0 = np.minimum(np.floor(x).astype(np.int64), width - 2 if width > 1 else 0)
    y0 = np.minimum(np.floor(y).astype(np.int64), height - 2 if height > 1 else 0)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    x1, y1 = np.minimum(x0 + 1, width - 1), np.minimum(y0 + 1, height - 1)

    def at(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:  # only the samples become float, not the whole photo
        return image[rows, columns].astype(np.float32)

    return ((at(y0, x0) * (1 - fx) + at(y0, x1) * fx) * (1 - fy) + (at(y1, x0) * (1 - fx) + at(y1, x1) * fx) * fy)
