"""Project the photo onto the fitted head's texture atlas, and fill what the photo does not show.

Per texel: its point on the fitted head (from a UV-space rasterization, cached), projected
through the fitted camera into the photo. Its weight is the product of visibility (a z-buffer of
the head from the camera), the view angle (surfaces seen edge-on get little) and being inside
the face outline MediaPipe found (the head's silhouette would pick up hair and background).
Where the weight is low, a fill colour takes over: on the skin a smooth colour field solved on
the mesh itself (screened Poisson: close to the photo where it is seen, smooth everywhere, pulled
to the face's median skin tone far from it). Solving on the mesh, not in the atlas, makes the fill
continuous across UV seams, so the face and the back of the head meet without a seam. Teeth,
gums and eyes fall back to their default colours (the iris to its colour seen in the photo).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.sparse import diags
from scipy.sparse.linalg import splu

from ..fitting.mesh import graph_laplacian
from ..paths import cache_dir
from .detect import Detection
from .fit import Camera
from .raster import rasterize, sample_bilinear
from .render import IRIS_BIAS, fragments
from .topology import HeadTopology, material_color_srgb

TEXTURE_SIZE = 1024
DEPTH_TOLERANCE = 0.35  # cm between a texel and the z-buffer for it to count as seen
VISIBILITY_SIDE = 384  # z-buffer resolution (longer side)
ANGLE_RANGE = (0.2, 0.65)  # cosine of the view angle: no weight below, full weight above
OUTLINE_SHRINK = 0.03  # the face outline is pulled in by this fraction of the interocular distance...
OUTLINE_FEATHER = 0.08  # ...and faded in over this fraction
SMOOTHNESS = 30.0  # membrane weight of the skin fill
SKIN_PULL = 0.02  # how strongly the fill tends to the median skin tone far from the seen face
UV_CACHE_VERSION = 2


def _smoothstep(low: float, high: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - low) / (high - low), 0.0, 1.0)
    return t * t * (3 - 2 * t)


@lru_cache(maxsize=2)
def uv_texels(size: int = TEXTURE_SIZE) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The atlas rasterized: covered texel ids (flat, row-major, row 0 = top), their triangle and barycentrics,
    and for every texel the nearest covered one (so borders are dilated: no dark rims under filtering)."""
    from scipy.ndimage import distance_transform_edt

    from .topology import head_topology

    topology = head_topology()
    path = cache_dir() / "photo" / f"uv_texels_v{UV_CACHE_VERSION}_{size}_{len(topology.triangles)}.npz"
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as data:
                return data["texel"], data["triangle"], data["barycentric"].astype(np.float32), data["nearest"]
        except (OSError, KeyError, ValueError):
            pass
    uv = topology.triangle_uvs.reshape(-1, 2)
    xy = np.stack([uv[:, 0] * size, (1.0 - uv[:, 1]) * size], 1)
    corners = np.arange(len(xy)).reshape(-1, 3)
    frags = rasterize(xy, np.zeros(len(xy)), corners, size, size)
    texel = np.flatnonzero(frags.triangle.ravel() >= 0)
    triangle = frags.triangle.ravel()[texel]
    barycentric = frags.barycentric.reshape(-1, 3)[texel]
    _, (rows, cols) = distance_transform_edt(~frags.mask, return_indices=True)
    nearest = (rows * size + cols).ravel().astype(np.int32)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.npz")
    np.savez(temporary, texel=texel.astype(np.int32), triangle=triangle, barycentric=barycentric.astype(np.float16),
             nearest=nearest)
    temporary.replace(path)
    return texel.astype(np.int32), triangle, barycentric.astype(np.float32), nearest


def outline_image(detection: Detection, scale: float) -> np.ndarray:
    """Weight image (at ``scale`` x the photo size): 1 well inside the face outline (convex hull of the 468
    landmarks), fading to 0 at its shrunk border."""
    from PIL import Image, ImageDraw
    from scipy.ndimage import distance_transform_edt
    from scipy.spatial import ConvexHull

    width, height = detection.image_size
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    points = detection.landmarks[:468, :2] * scale
    hull = points[ConvexHull(points).vertices]
    canvas = Image.new("L", size, 0)
    ImageDraw.Draw(canvas).polygon([tuple(p) for p in hull], fill=1)
    inside = distance_transform_edt(np.asarray(canvas, bool)) / scale  # photo pixels from the border
    iod = detection.interocular
    return _smoothstep(OUTLINE_SHRINK * iod, (OUTLINE_SHRINK + OUTLINE_FEATHER) * iod, inside).astype(np.float32)


def _photo_weights(points: np.ndarray, normals: np.ndarray, bias: np.ndarray, camera: Camera, zbuffer: np.ndarray,
                   zscale: float, outline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixels and weights of model-space points (with their normals) in the photo."""
    cam = camera.to_camera(points)
    depth = cam[:, 2]
    pixels = camera.focal * cam[:, :2] / depth[:, None] + camera.centre
    cosine = -((normals @ camera.rotation.T) * cam).sum(1) / np.linalg.norm(cam, axis=1)
    small = np.clip((pixels * zscale).astype(np.int64), 0, [zbuffer.shape[1] - 1, zbuffer.shape[0] - 1])
    seen = (depth - bias) <= zbuffer[small[:, 1], small[:, 0]] + DEPTH_TOLERANCE
    inside = (pixels >= 0).all(1) & (pixels[:, 0] < camera.width) & (pixels[:, 1] < camera.height)
    weight = seen * inside * _smoothstep(*ANGLE_RANGE, cosine) * outline[small[:, 1], small[:, 0]]
    return pixels, weight


def _skin_fill(topology: HeadTopology, vertices: np.ndarray, pixels: np.ndarray, weights: np.ndarray,
               rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-vertex fill colours (N x 3) on the skin (screened Poisson on the mesh) and the median skin tone."""
    skin = topology.skin_vertices()
    weight = weights[skin]
    colour = sample_bilinear(rgb, pixels[skin])
    confident = weight > 0.8
    tone = np.median(colour[confident], axis=0) if confident.sum() > 50 else material_color_srgb("M_Face")
    remap = np.full(len(vertices), -1)
    remap[skin] = np.arange(len(skin))
    skin_triangles = remap[topology.triangles[topology.material_mask(("M_Face", "M_BackHead"))]]
    laplacian = graph_laplacian(len(skin), skin_triangles)
    system = (diags(weight + SKIN_PULL) + SMOOTHNESS * laplacian).tocsc()
    solved = splu(system).solve(weight[:, None] * colour + SKIN_PULL * tone[None])
    fill = np.tile(tone, (len(vertices), 1)).astype(np.float64)
    fill[skin] = solved
    return fill, tone


def project_texture(topology: HeadTopology, vertices: np.ndarray, camera: Camera, rgb: np.ndarray, detection: Detection,
                    size: int = TEXTURE_SIZE) -> tuple[np.ndarray, float]:
    """The head's atlas texture (size x size x 3 uint8) and the share of the face's texels taken from the photo."""
    vertices = np.asarray(vertices, np.float64)
    normals = topology.normals(vertices)
    bias = IRIS_BIAS * topology.iris_vertex_mask()
    zscale = min(1.0, VISIBILITY_SIDE / max(camera.width, camera.height))
    small_camera = camera.scaled(zscale)
    zbuffer = fragments(topology, vertices, small_camera).depth
    zscale_x = small_camera.width / camera.width

    outline = outline_image(detection, zscale_x)
    vertex_pixels, vertex_weight = _photo_weights(vertices, normals, bias, camera, zbuffer, zscale_x, outline)
    fill_vertex, tone = _skin_fill(topology, vertices, vertex_pixels, vertex_weight, rgb)
    texel, triangle, barycentric, nearest = uv_texels(size)
    corners = topology.triangles[triangle]
    candidate = (vertex_weight[topology.triangles].max(1) > 0)[triangle]  # only these texels can see the photo

    def gather(values: np.ndarray) -> np.ndarray:  # per-texel interpolation of per-vertex values
        values = values.astype(np.float32)
        return (barycentric[:, 0:1] * values[corners[:, 0]] + barycentric[:, 1:2] * values[corners[:, 1]]
                + barycentric[:, 2:3] * values[corners[:, 2]])

    fill = gather(fill_vertex)
    barycentric_all, corners_all = barycentric, corners
    barycentric, corners = barycentric[candidate], corners[candidate]
    texel_normals = gather(normals)
    texel_normals /= np.maximum(np.linalg.norm(texel_normals, axis=1, keepdims=True), 1e-9)
    pixels, seen_weight = _photo_weights(gather(vertices), texel_normals, gather(bias[:, None])[:, 0], camera, zbuffer,
                                         zscale_x, outline)
    barycentric, corners = barycentric_all, corners_all
    weight = np.zeros(len(texel), np.float32)
    weight[candidate] = seen_weight
    photo = np.zeros((len(texel), 3), np.float32)
    photo[candidate] = sample_bilinear(rgb, pixels)

    material = topology.triangle_material[triangle]
    for index, name in enumerate(topology.material_names):
        sel = material == index
        if not sel.any() or name in ("M_Face", "M_BackHead"):
            continue
        colour = material_color_srgb(name)
        if name.startswith("M_Iris") and weight[sel].sum() > 30:
            colour = (photo[sel] * weight[sel, None]).sum(0) / weight[sel].sum()
        if name.startswith("M_Sclera") and weight[sel].sum() > 30:  # the eye white as lit in the photo, not paper white
            seen = photo[sel][weight[sel] > 0.5]
            colour = np.percentile(seen, 75, axis=0) if len(seen) > 10 else colour
        fill[sel] = colour
    colours = weight[:, None] * photo + (1 - weight[:, None]) * fill

    image = np.zeros((size * size, 3), np.float32)
    image[texel] = colours
    image = image[nearest].reshape(size, size, 3)  # uncovered texels copy their nearest covered texel
    face = material == topology.material_names.index("M_Face")
    return np.clip(image, 0, 255).astype(np.uint8), float(weight[face].mean())
