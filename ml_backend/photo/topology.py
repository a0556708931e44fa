"""The photo head's mesh layout: which ICT parts it keeps, one texture atlas for them, and MediaPipe's landmarks on it.

ICT spreads its UVs over UDIM-like tiles (face 0-1, back of the head 1-2, gums 2-3, teeth 3-4)
and gives each eye part its own 0-1 square; a glTF material has one base-colour texture, so the
parts are packed into one square atlas. Eyelashes, tear film and the eye-occlusion shells need
alpha textures and are left out (as in the default head's preview).

MediaPipe's 468 face-mesh landmarks are tied to the ICT surface once, by fitting the ICT
template to MediaPipe's canonical face with the any-head fitting code (``ml_backend.fitting``):
each landmark becomes a point on an ICT triangle (vertex ids + barycentric weights). The result
is cached in ``cache_dir()/photo``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..face_model import FaceModel, load_face_model
from ..face_model.model import HIDDEN_MATERIALS, MATERIAL_COLORS
from ..fitting.mesh import triangulate, vertex_normals
from ..naming.arkit import INDEX
from ..paths import assets_root, cache_dir

CORRESPONDENCE_VERSION = 3
NUM_MESH_LANDMARKS = 468  # MediaPipe's face mesh (the 10 iris points 468-477 are not on the canonical mesh)
# Atlas tiles (u0, v0, size) in atlas units, v up (OBJ convention); the glTF writer flips v.
ATLAS = {
    "M_Face": (0.0, 0.25, 0.75), "M_BackHead": (0.75, 0.75, 0.25), "M_GumsTongue": (0.75, 0.5, 0.25),
    "M_Teeth": (0.75, 0.25, 0.25), "M_ScleraLeft": (0.0, 0.0, 0.25), "M_IrisLeft": (0.25, 0.0, 0.25),
    "M_ScleraRight": (0.5, 0.0, 0.25), "M_IrisRight": (0.75, 0.0, 0.25),
}
TILE_MARGIN = 0.01  # fraction of a tile kept free at its border (no bleeding between parts)
SKIN = ("M_Face", "M_BackHead")


@dataclass(frozen=True)
class HeadTopology:
    """The kept part of the ICT mesh, re-indexed: vertices map back to ICT ids; corners carry atlas UVs."""

    model: FaceModel
    vertex_ids: np.ndarray  # N ICT vertex ids of the kept vertices
    triangles: np.ndarray  # T x 3 indices into vertex_ids
    triangle_uvs: np.ndarray  # T x 3 x 2 atlas UVs per corner (v up)
    triangle_material: np.ndarray  # T material index into material_names
    material_names: tuple[str, ...]

    def material_mask(self, names: tuple[str, ...]) -> np.ndarray:
        wanted = [self.material_names.index(n) for n in names if n in self.material_names]
        return np.isin(self.triangle_material, wanted)

    def skin_vertices(self) -> np.ndarray:
        """Kept-vertex indices of the skin (face and back of the head)."""
        return np.unique(self.triangles[self.material_mask(SKIN)])

    def iris_vertex_mask(self) -> np.ndarray:
        """1.0 on the iris vertices, 0.0 elsewhere (float, for depth biasing)."""
        mask = np.zeros(len(self.vertex_ids))
        mask[np.unique(self.triangles[self.material_mask(("M_IrisLeft", "M_IrisRight"))])] = 1.0
        return mask

    def normals(self, vertices: np.ndarray) -> np.ndarray:
        return vertex_normals(np.asarray(vertices, np.float64), self.triangles)


def _atlas_uv(uv: np.ndarray, name: str) -> np.ndarray:
    u0, v0, size = ATLAS[name]
    local = uv - np.floor(uv.reshape(-1, 2).min(0) + 1e-6)  # UDIM tile -> 0..1
    local = TILE_MARGIN + (1 - 2 * TILE_MARGIN) * np.clip(local, 0.0, 1.0)
    return np.stack([u0 + size * local[..., 0], v0 + size * local[..., 1]], -1)


@lru_cache(maxsize=1)
def head_topology() -> HeadTopology:
    """The photo head's layout, built from the cached ICT face model."""
    return build_topology(load_face_model())


def build_topology(model: FaceModel) -> HeadTopology:
    sizes = model.face_sizes.astype(np.int64)
    tris = triangulate(sizes, model.face_vertices)
    tri_uv_ids = triangulate(sizes, model.face_uvs) if len(model.face_uvs) else np.zeros_like(tris)
    tri_material = np.repeat(model.face_materials, np.maximum(sizes - 2, 0))
    names = model.material_names
    keep = np.array([names[m] not in HIDDEN_MATERIALS and names[m] in ATLAS for m in tri_material])
    tris, tri_uv_ids, tri_material = tris[keep], tri_uv_ids[keep], tri_material[keep]
    uvs = np.zeros(tri_uv_ids.shape + (2,), np.float64)
    for index in np.unique(tri_material):
        sel = tri_material == index
        uvs[sel] = _atlas_uv(model.uvs[tri_uv_ids[sel]].astype(np.float64), names[index])
    vertex_ids, compact = np.unique(tris, return_inverse=True)
    return HeadTopology(model, vertex_ids, compact.reshape(tris.shape), uvs, tri_material, names)


def material_color_srgb(name: str) -> np.ndarray:
    """The default head's colour of a material, as 8-bit sRGB (the fill colour where a photo shows nothing)."""
    linear = np.asarray(MATERIAL_COLORS.get(name, (0.6, 0.45, 0.38)), np.float64)
    srgb = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.clip(srgb * 255.0, 0, 255)


@dataclass(frozen=True)
class Correspondence:
    """MediaPipe face-mesh landmark i lies at sum_k barycentric[i, k] * ICT vertex triangle[i, k]."""

    triangle: np.ndarray  # 468 x 3 ICT vertex ids
    barycentric: np.ndarray  # 468 x 3

    def points(self, vertices: np.ndarray) -> np.ndarray:
        """Landmark positions on an ICT-topology vertex array (V x 3 -> 468 x 3; also K x V x 3 -> K x 468 x 3)."""
        return np.einsum("lk,...lkd->...ld", self.barycentric, vertices[..., self.triangle, :])


def _canonical_digest() -> str:
    path = assets_root() / "mediapipe" / "canonical_face_model.obj"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else "missing"


@lru_cache(maxsize=1)
def mediapipe_correspondence() -> Correspondence:
    """The ICT <-> MediaPipe canonical face correspondence (fitted once, about 8 s, then read from the cache)."""
    digest = _canonical_digest()
    path = cache_dir() / "photo" / f"mediapipe_correspondence_v{CORRESPONDENCE_VERSION}_{digest}.npz"
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as data:
                return Correspondence(data["triangle"], data["barycentric"])
        except (OSError, KeyError, ValueError):
            pass
    from ..fitting import HeadPart, fit_head
    from ..fitting.foreign import mediapipe_face

    face = mediapipe_face()
    fit = fit_head(HeadPart(face.vertices, face.triangles, name="MediaPipe canonical face"), use_cache=False)
    binding = fit.bindings[0]
    result = calibrate(Correspondence(binding.triangle.astype(np.int64), binding.barycentric.astype(np.float64)))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.npz")
    np.savez(temporary, triangle=result.triangle, barycentric=result.barycentric)
    temporary.replace(path)
    return result


CALIBRATION_VIEWS = [(yaw, pitch) for yaw in (-15.0, 0.0, 15.0) for pitch in (-8.0, 0.0, 8.0)]
# MediaPipe's face-mesh ids on the inner margins of the lips and on the eyelids (its own MESH_ANNOTATIONS). Where
# the mouth or the eye is open they sit at the edge of the opening, so on a render the nearest skin may be the
# other lip or lid, or skin seen through the opening: each is traced to the part it belongs to instead.
MARGINS = {
    "upper lip": (191, 80, 81, 82, 13, 312, 311, 310, 415),
    "lower lip": (95, 88, 178, 87, 14, 317, 402, 318, 324),
    "upper lids": (246, 161, 160, 159, 158, 157, 173, 466, 388, 387, 386, 385, 384, 398),
    "lower lids": (7, 163, 144, 145, 153, 154, 155, 249, 390, 373, 374, 380, 381, 382),
}
# What tells the parts apart is how the face model moves them: the lower lip goes with the jaw, the upper lip
# does not; the upper lid closes in a blink, the lower one hardly moves. A skin triangle belongs to the moving
# part when its vertices move more than this share of the shape's largest displacement.
MOVING_SHARE = 0.4


def margin_parts(topology: HeadTopology) -> dict[str, np.ndarray]:
    """Per lip/lid part in MARGINS: a mask over the head's triangles, True on the skin of that part's side."""
    model = topology.model
    skin = topology.material_mask(SKIN)

    def moving(*shapes: str) -> np.ndarray:
        displacement = np.max([np.linalg.norm(model.deltas[INDEX[name]], axis=1) for name in shapes], axis=0)
        displacement = displacement[topology.vertex_ids][topology.triangles].mean(1)
        return displacement > MOVING_SHARE * displacement.max()

    jaw, blink = moving("jawOpen"), moving("eyeBlinkLeft", "eyeBlinkRight")
    return {"upper lip": skin & ~jaw, "lower lip": skin & jaw, "upper lids": skin & blink, "lower lids": skin & ~blink}


def trace_to_skin(marks: np.ndarray, visible: np.ndarray, parts: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For each landmark pixel (L x 2, x y), the pixel (rows, cols) of the visible skin it belongs to.

    ``visible`` is H x W: per pixel the front-most triangle's index into the part masks, -1 where
    empty. Landmarks in MARGINS go to the nearest pixel of their own part, the rest to the nearest
    skin pixel (the part "skin"); a part not seen in the view falls back to the nearest skin.
    """
    from scipy.ndimage import distance_transform_edt

    height, width = visible.shape
    ix = np.clip(np.floor(marks).astype(np.int64), 0, [width - 1, height - 1])
    rows, cols = np.zeros(len(marks), np.int64), np.zeros(len(marks), np.int64)
    groups = {"skin": np.setdiff1d(np.arange(len(marks)), np.concatenate([list(v) for v in MARGINS.values()]))}
    groups.update({name: np.array(ids) for name, ids in MARGINS.items()})
    for name, ids in groups.items():
        mask = (visible >= 0) & parts[name][np.maximum(visible, 0)]
        if not mask.any():
            mask = (visible >= 0) & parts["skin"][np.maximum(visible, 0)]
        _, (near_rows, near_cols) = distance_transform_edt(~mask, return_indices=True)
        rows[ids], cols[ids] = near_rows[ix[ids, 1], ix[ids, 0]], near_cols[ix[ids, 1], ix[ids, 0]]
    return rows, cols


def calibrate(initial: Correspondence, size: int = 512) -> Correspondence:
    """Move each landmark to where MediaPipe itself puts it on renders of the ICT head.

    The geometric fit to the canonical face ties landmarks to the right features, but MediaPipe
    places some (eyelid and lip margins, the jaw line) a little differently on a real face than on
    its canonical mesh; a photo fit would then pay for that offset with wrong expression weights
    (wider eyes, a pout). The neutral ICT head is rendered from nine views, MediaPipe reads the
    landmarks, and each landmark's pixel is traced back onto the skin that is visible there (the
    whole head is depth-tested, eyes and teeth included, so no landmark lands on skin hidden behind
    an eyeball or seen through the lips); lip and eyelid margins are traced to their own side of the
    opening (``margin_parts``, ``trace_to_skin``), so that an upper lip's landmark opens with the upper lip and an
    eyelid's closes with a blink. Of each landmark's traced points over the views, the one nearest
    their median (a point on the surface) is kept. Landmarks never found keep the fit.
    """
    from .detect import read_faces
    from .render import fragments, front_camera, render_shaded

    topology = head_topology()
    neutral = topology.model.neutral.astype(np.float64)
    vertices = neutral[topology.vertex_ids]
    parts = {"skin": topology.material_mask(SKIN), **margin_parts(topology)}
    samples: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [[] for _ in range(NUM_MESH_LANDMARKS)]
    for yaw, pitch in CALIBRATION_VIEWS:
        camera = front_camera(vertices, size, yaw=yaw, pitch=pitch)
        result = read_faces(render_shaded(topology, vertices, camera))
        if not result.face_landmarks:
            continue
        marks = np.array([[p.x * size, p.y * size] for p in result.face_landmarks[0][:NUM_MESH_LANDMARKS]])
        frags = fragments(topology, vertices, camera)
        rows, cols = trace_to_skin(marks, frags.triangle, parts)
        corners = topology.triangles[frags.triangle[rows, cols]]
        barycentric = frags.barycentric[rows, cols].astype(np.float64)
        points = np.einsum("lk,lkd->ld", barycentric, vertices[corners])
        for index in range(NUM_MESH_LANDMARKS):
            samples[index].append((corners[index], barycentric[index], points[index]))
    triangle, barycentric = initial.triangle.copy(), initial.barycentric.copy()
    for index, views in enumerate(samples):
        if not views:
            continue
        points = np.array([point for _, _, point in views])
        best = int(np.argmin(np.linalg.norm(points - np.median(points, axis=0), axis=1)))
        triangle[index] = topology.vertex_ids[views[best][0]]
        barycentric[index] = views[best][1]
    return Correspondence(triangle, barycentric)
