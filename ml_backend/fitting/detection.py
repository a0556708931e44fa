"""Find the face on a user's mesh with a real face detector: orientation, scale and the head region from the head itself.

The mesh is rendered from candidate views (the six axis directions, each with four image-up
directions; for a body-like mesh, first its ends), MediaPipe's face landmarker reads each render,
and its 468 face-mesh landmarks are lifted onto the surface through the z-buffer. A view is
trusted by how well the lifted points have the shape of a face: a similarity fit to MediaPipe's
canonical face (in interocular distances) and the share of landmarks that landed on the mesh.
The best view is then refined with a frontal, zoomed render of the face found. The result gives
the eight fitting landmarks, where the face looks and which way is up, the mesh's unit (from the
eye-corner distance), and says how sure it is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import AssetsMissingError
from ..paths import assets_root
from .align import Similarity, umeyama
from .mesh import vertex_normals
from .views import Render, look, render

# MediaPipe face-mesh ids of the eight fitting landmarks ("right" is the subject's right).
MEDIAPIPE_IDS = {
    "eye_outer_right": 33, "eye_inner_right": 133, "eye_inner_left": 362, "eye_outer_left": 263,
    "nose_tip": 4, "mouth_corner_right": 61, "mouth_corner_left": 291, "chin": 152,
}
FACE_POINTS = 468
SIZE = 320  # search renders (pixels)
REFINE_SIZE = 448  # the frontal, zoomed render of the face found
SURE_RESIDUAL = 0.07  # RMS shape misfit (interocular distances) of a clear face (heads seen: 0.03-0.07)
UNSURE_RESIDUAL = 0.16  # ... beyond which the find is not trusted
MIN_ON_SURFACE = 0.85  # share of the landmarks that must land on the mesh
CONFIDENT = 0.5
BODY_ELONGATION = 2.6
END_SHARE = (0.16, 0.3)  # slabs at a long mesh's ends (share of its length) searched for the head
HUMAN_INTEROCULAR_M = 0.09  # outer eye corner distance of an adult, metres
AXES = {"+X": (1, 0, 0), "-X": (-1, 0, 0), "+Y": (0, 1, 0), "-Y": (0, -1, 0), "+Z": (0, 0, 1), "-Z": (0, 0, -1)}
UNITS = ((1.0, "metres"), (0.1, "decimetres"), (0.01, "centimetres"), (0.001, "millimetres"))


@dataclass(frozen=True)
class FaceFinding:
    """What the detector found on the mesh (all positions in world coordinates)."""

    landmarks: dict[str, np.ndarray] | None  # the eight fitting landmarks; None when no face was found
    confidence: float  # 0 (nothing) .. 1 (a clear face)
    residual: float  # RMS misfit of the lifted landmarks to a face's shape, interocular distances
    on_surface: float  # share of landmarks that landed on the mesh
    looks: np.ndarray | None  # unit direction the face looks toward
    up: np.ndarray | None  # unit direction from chin to forehead
    interocular: float  # outer eye-corner distance in world units (0 when none)
    views_tried: int
    seconds: float

    @property
    def found(self) -> bool:
        return self.landmarks is not None and self.confidence >= CONFIDENT

    def message(self) -> str:
        """One sentence for the animator: what was found and how sure it is."""
        if self.landmarks is None:
            return (f"No face was found on the mesh ({self.views_tried} views searched in {self.seconds:.1f} s). "
                    "Place the eight landmarks by hand (eye corners, nose tip, mouth corners, chin) and fit again.")
        sure = "sure" if self.found else "unsure"
        text = (f"Face found ({sure}, confidence {self.confidence:.2f}): it looks toward {_axis_name(self.looks)}, "
                f"up is {_axis_name(self.up)}, eye corners {self.interocular:.3g} units apart ({_unit_guess(self.interocular)}); "
                f"{self.views_tried} views in {self.seconds:.1f} s.")
        if not self.found:
            text += " Check the landmarks and move them where they belong, or place them by hand, then fit again."
        return text


def _axis_name(direction: np.ndarray) -> str:
    name, axis = max(AXES.items(), key=lambda item: float(np.dot(item[1], direction)))
    angle = np.degrees(np.arccos(np.clip(np.dot(axis, direction), -1, 1)))
    return name if angle < 10 else f"about {name} ({angle:.0f} degrees off)"


def _unit_guess(interocular: float) -> str:
    """The mesh unit that makes the eye-corner distance human (about 9 cm)."""
    per_unit = HUMAN_INTEROCULAR_M / max(interocular, 1e-12)  # metres per mesh unit if the head is life-size
    gap, name = min((abs(np.log10(per_unit / value)), name) for value, name in UNITS)
    return f"a life-size head in {name}" if gap < 0.5 else f"life-size at {per_unit:.3g} m per unit"


@lru_cache(maxsize=1)
def canonical_face() -> np.ndarray:
    """MediaPipe's canonical face (468 x 3, centimetres, +X the subject's left, Y up, looking along +Z)."""
    from .foreign import mediapipe_face

    return mediapipe_face().vertices


def candidate_views() -> list[tuple[np.ndarray, np.ndarray]]:
    """(camera forward, image up) pairs, one per axis direction: Blender's front (looking along +Y, Z up) and
    the Y-up front (looking along -Z) first. Each render is read at four image rotations (see ``_read``),
    which covers every roll, upside down included.
    """
    order = ((0, 1, 0), (0, 0, -1), (0, -1, 0), (0, 0, 1), (1, 0, 0), (-1, 0, 0))
    return [(np.array(f, np.float64), np.array((0, 1, 0) if f[2] else (0, 0, 1), np.float64)) for f in order]


def unrotate(pixels: np.ndarray, quarter_turns: int, size: int) -> np.ndarray:
    """Pixel positions read on ``np.rot90(image, quarter_turns)`` back in the unrotated image (square, ``size``)."""
    x, y = pixels[:, 0], pixels[:, 1]
    k = quarter_turns % 4
    if k == 0:
        return pixels.copy()
    if k == 1:
        return np.stack([size - y, x], 1)
    if k == 2:
        return np.stack([size - x, size - y], 1)
    return np.stack([y, size - x], 1)


def search_regions(world: np.ndarray, usable: np.ndarray) -> list[np.ndarray]:
    """Vertex masks to search: for a body-like (elongated) mesh its two ends first, then the whole mesh."""
    points = world[usable]
    centre = points.mean(0)
    _, _, axes = np.linalg.svd(points[:: max(1, len(points) // 20000)] - centre, full_matrices=False)
    extents = np.ptp((points - centre) @ axes.T, axis=0)
    regions = []
    if extents[0] >= BODY_ELONGATION * max(extents[2], 1e-12):
        height = world @ axes[0]
        low, high = height[usable].min(), height[usable].max()
        for share in END_SHARE:
            for end in (1, -1):
                cut = high - share * extents[0] if end > 0 else low + share * extents[0]
                regions.append(usable & (height * end >= cut * end))
    regions.append(usable)
    return regions


@dataclass(frozen=True)
class _Read:
    points: np.ndarray  # 468 x 3 world
    hit: np.ndarray  # 468 bool
    residual: float
    transform: Similarity  # canonical face (cm) -> world
    render: Render

    @property
    def on_surface(self) -> float:
        return float(self.hit.mean())

    @property
    def confidence(self) -> float:
        shape = np.clip((UNSURE_RESIDUAL - self.residual) / (UNSURE_RESIDUAL - SURE_RESIDUAL), 0.0, 1.0)
        cover = np.clip((self.on_surface - 0.6) / (MIN_ON_SURFACE - 0.6), 0.0, 1.0)
        return float(0.5 * shape + 0.5 * min(shape, cover)) if self.on_surface < MIN_ON_SURFACE else float(shape)


def _read(vertices: np.ndarray, triangles: np.ndarray, normals: np.ndarray, view) -> _Read | None:
    """Render once, let MediaPipe read the picture at four rotations, keep the read with the most face-like shape.

    An upside-down face is sometimes "found" with its mouth taken for eyes; its lifted points fit a face
    worse than the read of the picture turned the right way up.
    """
    from ..photo.detect import read_faces

    picture = render(vertices, triangles, view, normals)
    size = view.size
    best = None
    for turns in range(4):
        result = read_faces(np.ascontiguousarray(np.rot90(picture.image, turns)))
        if not result.face_landmarks:
            continue
        face = max(result.face_landmarks, key=lambda f: np.ptp([p.x for p in f]) * np.ptp([p.y for p in f]))
        pixels = unrotate(np.array([[p.x * size, p.y * size] for p in face[:FACE_POINTS]]), turns, size)
        points, hit = picture.surface_points(vertices, triangles, pixels)
        if hit.sum() < 0.5 * FACE_POINTS:
            continue
        read = _shape_fit(points, hit, picture)
        if best is None or read.confidence > best.confidence or (read.confidence == best.confidence and read.residual < best.residual):
            best = read
    return best


def _shape_fit(points: np.ndarray, hit: np.ndarray, picture: Render) -> _Read:
    """Similarity from the canonical face to the lifted points (trimmed twice); RMS misfit in interocular distances."""
    canonical = canonical_face()
    keep = hit.copy()
    for _ in range(2):
        transform = umeyama(canonical[keep], points[keep])
        error = np.linalg.norm(transform.apply(canonical) - points, axis=1)
        keep = hit & (error <= np.quantile(error[hit], 0.9))
    interocular = np.linalg.norm(canonical[MEDIAPIPE_IDS["eye_outer_left"]] - canonical[MEDIAPIPE_IDS["eye_outer_right"]])
    residual = float(np.sqrt(np.mean(error[keep] ** 2)) / (transform.scale * interocular))
    return _Read(points, hit, residual, transform, picture)


def find_face(vertices: np.ndarray, triangles: np.ndarray, usable: np.ndarray | None = None,
              budget_views: int = 48) -> FaceFinding:
    """Search the mesh (world coordinates) for a face; ``usable`` limits the search to those vertices."""
    started = time.perf_counter()
    vertices = np.asarray(vertices, np.float64)
    triangles = np.asarray(triangles, np.int64)
    usable = np.ones(len(vertices), bool) if usable is None else np.asarray(usable, bool)
    normals = vertex_normals(vertices, triangles)
    best: _Read | None = None
    tried = 0
    for region in search_regions(vertices, usable):
        shown = triangles[region[triangles].all(1)]
        if len(shown) == 0:
            continue
        framed = vertices[np.unique(shown)]
        for forward, up in candidate_views():
            if tried >= budget_views:
                break
            tried += 1
            read = _read(vertices, shown, normals, look(forward, up, framed, SIZE))
            if read is not None and (best is None or read.confidence > best.confidence
                                     or read.confidence == best.confidence and read.residual < best.residual):
                best = read
            if best is not None and best.confidence >= 0.99:
                break
        if best is not None and best.confidence >= CONFIDENT:
            break
    if best is None:
        return FaceFinding(None, 0.0, np.inf, 0.0, None, None, 0.0, tried, time.perf_counter() - started)
    refined = _refine(vertices, triangles[usable[triangles].all(1)], normals, best)
    tried += 1
    if refined is not None and refined.confidence >= best.confidence - 0.05:
        best = refined
    rotation = best.transform.rotation
    looks, up = rotation @ np.array([0.0, 0.0, 1.0]), rotation @ np.array([0.0, 1.0, 0.0])
    landmarks = {name: best.points[i] for name, i in MEDIAPIPE_IDS.items()}
    if not all(best.hit[i] for i in MEDIAPIPE_IDS.values()):
        landmarks = {name: best.transform.apply(canonical_face()[i:i + 1])[0] if not best.hit[i] else best.points[i]
                     for name, i in MEDIAPIPE_IDS.items()}
    interocular = float(np.linalg.norm(landmarks["eye_outer_left"] - landmarks["eye_outer_right"]))
    return FaceFinding(landmarks, best.confidence, best.residual, best.on_surface, looks, up, interocular, tried,
                       time.perf_counter() - started)


def _refine(vertices: np.ndarray, triangles: np.ndarray, normals: np.ndarray, found: _Read) -> _Read | None:
    """Read the face again from straight in front of it, framed on the face and its surroundings."""
    rotation = found.transform.rotation
    looks, up = rotation @ np.array([0.0, 0.0, 1.0]), rotation @ np.array([0.0, 1.0, 0.0])
    face = found.points[found.hit]
    centre = face.mean(0)
    extent = np.linalg.norm(face - centre, axis=1).max()
    near = np.linalg.norm(vertices - centre, axis=1) <= 1.6 * extent
    shown = triangles[near[triangles].all(1)]
    if len(shown) == 0:
        return None
    return _read(vertices, shown, normals, look(-looks, up, vertices[np.unique(shown)], REFINE_SIZE))


def ensure_detector() -> None:
    """Raise AssetsMissingError when MediaPipe or its model file is missing (the fit then goes by shape alone)."""
    from ..photo.detect import landmarker_path

    landmarker_path()
    try:
        import mediapipe  # noqa: F401
    except ImportError as error:
        raise AssetsMissingError("MediaPipe is not installed: the face detector is not available.") from error


def detector_available() -> bool:
    try:
        ensure_detector()
    except AssetsMissingError:
        return False
    return assets_root().is_dir()
