"""Project the photo onto the fitted head's texture atlas, and fill what the photo does not show.

Per texel: its point on the fitted head (from a UV-space rasterization, cached), projected
through the fitted camera into the photo. Its weight is the product of visibility (a z-buffer of
the head from the camera), the view angle (surfaces seen edge-on get little) and being inside
the face outline MediaPipe found (the head's silhouette would pick up hair and background).
Beyond the face outline, pixels that have the face's own skin colour and join the face (forehead up
to the hairline, ears, neck, the jaw's shading) are projected too (``skin_beyond_outline``): the head
then shows the person's skin and the face's true contour instead of a smooth fill right outside the
landmarks, which also moved where MediaPipe reads the contour, brows and jaw on the head. Hair,
background and clothes differ in colour and are left to the fill. Where the weight is low, a fill colour takes over: on the skin a smooth colour field solved on
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
SKIN_REACH = 1.0  # interocular distances beyond the face outline within which skin-coloured pixels are projected
SKIN_CHROMA = (4.0, 9.0)  # squared Mahalanobis distance to the face's skin chromaticity: full weight below, none above
SKIN_LUMA = (0.3, 0.5, 1.3, 1.6)  # luminance / the face's median: fades in between the first two, out between the last
CHROMA_FLOOR = 1.0  # variance added to the skin chromaticity's covariance (percent^2): no photo's skin is one colour
BACKGROUND_BAND = 0.04  # share of the photo's height (top) and width (sides, upper half) sampled as background
SAMPLES = 2048  # colours kept per model (skin, background) for the nearest-colour test
LUMA_WEIGHT = 0.1  # in that test, chromaticity (percent) counts this much per 8-bit luma unit: shading counts little
MIN_PHOTO_CHROMA = 0.5  # percent: a photo whose chromaticity varies less (grey) cannot tell skin from the rest
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


def _chroma(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Luma (H x W, 8-bit units) and chromaticity (H x W x 2: the red and green shares of R+G+B, in percent) of an
    RGB image. Chromaticity does not change when light dims or brightens skin (a shadowed neck keeps it)."""
    rgb = np.asarray(rgb, np.float32)
    luma = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    chroma = 100.0 * rgb[..., :2] / np.maximum(rgb.sum(-1, keepdims=True), 1.0)
    return luma, chroma


def skin_beyond_outline(rgb: np.ndarray, outline: np.ndarray, interocular: float) -> np.ndarray:
    """Weight image (outline's size) of the skin that joins the face, out to SKIN_REACH beyond its outline.

    ``rgb`` is the photo at the size of ``outline`` (outline_image's weights) and ``interocular``
    the eye-corner distance in its pixels. The face's skin colour is learnt from well inside the
    outline (median and covariance of its chromaticity, robust to eyes, brows and lips); a pixel beyond
    counts as skin by its chromaticity (Mahalanobis distance, SKIN_CHROMA) and a luminance near the face's
    (SKIN_LUMA: shadowed neck in, hair and white backgrounds out), when it is connected to the face
    and within SKIN_REACH interocular distances of it, and when its colour is nearer the face's than
    the background's (``_unlike_background``: a pale face before a white wall). Grey photos get nothing:
    without colour, skin cannot be told from a grey background.
    """
    from scipy import ndimage

    luma, chroma = _chroma(rgb)
    core = outline > 0.99
    if core.sum() < 50 or chroma.reshape(-1, 2).std(0).max() < MIN_PHOTO_CHROMA:
        return np.zeros_like(outline)
    samples = chroma[core]
    median = np.median(samples, axis=0)
    deviation = samples - median
    spread = 1.4826 * np.median(np.abs(deviation), axis=0)
    typical = (np.abs(deviation) <= 3 * np.maximum(spread, 0.5)).all(1)
    covariance = np.cov(deviation[typical].T) + CHROMA_FLOOR * np.eye(2)
    offset = chroma - median
    distance = np.einsum("...i,ij,...j->...", offset, np.linalg.inv(covariance), offset)
    face_luma = float(np.median(luma[core]))
    low_in, high_in, low_out, high_out = (face_luma * f for f in SKIN_LUMA)
    weight = ((1 - _smoothstep(*SKIN_CHROMA, distance)) * _smoothstep(low_in, high_in, luma)
              * (1 - _smoothstep(low_out, high_out, luma)))
    inside = outline > 0
    near = ndimage.distance_transform_edt(~inside) < SKIN_REACH * interocular
    weight *= _unlike_background(rgb, rgb[core], (weight > 0) & near)
    labels, _ = ndimage.label(((weight > 0.5) & near) | inside)
    joined = np.isin(labels, np.unique(labels[inside & (labels > 0)]))
    weight = weight * (joined & near)
    return ndimage.gaussian_filter(weight.astype(np.float32), max(1.0, 0.02 * interocular))


def _spread_samples(colours: np.ndarray) -> np.ndarray:
    """At most SAMPLES colours, evenly strided (deterministic)."""
    return colours[:: max(1, len(colours) // SAMPLES)].astype(np.float32)


def _colour_features(rgb: np.ndarray) -> np.ndarray:
    """(N x 3) chromaticity (percent) and LUMA_WEIGHT x luma: colours compared mostly by hue, little by shading."""
    luma, chroma = _chroma(rgb)
    return np.concatenate([chroma, LUMA_WEIGHT * luma[..., None]], -1).reshape(-1, 3)


def _unlike_background(rgb: np.ndarray, face: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Per pixel: 1 where the colour is clearly nearer a face colour than a background colour, fading to 0 at a tie.

    The background is sampled along the photo's top edge and the upper halves of its sides (where
    portraits show wall, sky or hair, seldom skin; where they do show skin the test only gives
    back less, as the outline alone did). Only ``candidates`` are tested; the rest are 0.
    """
    from scipy.spatial import cKDTree

    height, width = rgb.shape[:2]
    band_rows, band_cols = max(1, round(BACKGROUND_BAND * height)), max(1, round(BACKGROUND_BAND * width))
    border = np.concatenate([rgb[:band_rows].reshape(-1, 3), rgb[: height // 2, :band_cols].reshape(-1, 3),
                             rgb[: height // 2, -band_cols:].reshape(-1, 3)])
    pixels = rgb[candidates].astype(np.int32)
    colours, index = np.unique((pixels[:, 0] << 16) | (pixels[:, 1] << 8) | pixels[:, 2], return_inverse=True)
    unique = np.stack([colours >> 16, (colours >> 8) & 255, colours & 255], 1)  # each colour tested once
    features = _colour_features(unique)
    to_face, _ = cKDTree(_spread_samples(_colour_features(face))).query(features)
    to_background, _ = cKDTree(_spread_samples(_colour_features(border))).query(features)
    out = np.zeros(candidates.shape, np.float32)
    score = _smoothstep(0.0, 0.25, (to_background - to_face) / (to_background + to_face + 0.1))
    out[candidates] = score[index.reshape(-1)]
    return out


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
    from PIL import Image

    small_rgb = np.asarray(Image.fromarray(rgb).resize((outline.shape[1], outline.shape[0]), Image.BILINEAR))
    outline = np.maximum(outline, skin_beyond_outline(small_rgb, outline, detection.interocular * zscale_x))
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
