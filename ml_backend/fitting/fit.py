"""Fit the ICT template to a user's head and bind the head's vertices for expression transfer.

``fit_head`` runs: checks -> head region -> automatic alignment -> landmark check -> identity
modes -> eye regions brought forward to bulging lids (``eye_region``) -> smooth free-form fit (lid margins
matched rim to rim) -> binding of every vertex (and of optional eye/teeth parts).
``expressions.expression_deltas`` then turns a fit into 52 ARKit shape-key offsets per part, in each
part's own mesh coordinates, checked for tears. Fits are cached per input (hash of vertex positions, triangles, transform,
region and landmarks) in ``cache_dir()/head_fits``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..paths import cache_dir
from .align import Alignment, Similarity, align_to_template, score_alignment, umeyama
from .detection import FaceFinding, detector_available, find_face
from .errors import HeadFitError, LandmarkError, NotAHeadError
from .eye_region import measure_eye_warp
from .landmarks import as_array, check_landmarks
from .mesh import TriangleSurface, component_labels, vertex_normals
from .register import UserSurface, fit_free_form, fit_identity
from .rims import Opening, find_openings, reopened
from .template import LANDMARK_NAMES, Template, load_template
from .transfer import Binding, bind

MIN_VERTICES = 60
MAX_VERTICES = 250_000  # 52 keys of 250k vertices already take about 150 MB in Blender
MAX_ALIGNMENT_SCORE = 0.09  # trimmed distance to the template after alignment, in interocular distances
MAX_IDENTITY_RESIDUAL = 0.015  # trimmed distance to the identity-fitted template, same unit (heads: 0.001-0.01)
MAX_IDENTITY_NORM = 20.0  # norm of the 40 identity coefficients (heads seen: 9-15; a sphere: 25)
BODY_ELONGATION = 2.6  # longest extent / shortest extent above which the mesh is treated as a body
HEAD_SHARE = 0.14  # share of a body's height taken as the head region
INNER_DISTANCE = 0.12  # median distance of a piece to the template's eyes/teeth/mouth to bind it there (interocular distances)
CACHE_VERSION = "8"
REGION_BOX = ((-15.0, 15.0), (-14.0, 19.5), (-11.5, 16.0))  # template-frame box (x, y, z) of the head region: ICT skin widened, crown added
BINDING_FIELDS = ("triangle", "barycentric", "offset", "weight", "agreement")


@dataclass(frozen=True)
class HeadPart:
    """One mesh object: local vertices, triangles, its world matrix, and optionally its head region."""

    vertices: np.ndarray  # N x 3 mesh-local
    triangles: np.ndarray  # F x 3
    matrix_world: np.ndarray = field(default_factory=lambda: np.eye(4))  # 4 x 4
    region: np.ndarray | None = None  # N bool: the head region (None: the whole mesh, or found automatically)
    name: str = "head"


@dataclass(frozen=True)
class HeadFit:
    """A fitted template and the binding of each part's vertices to it."""

    to_template: tuple[np.ndarray, ...]  # per part 4 x 4: mesh-local -> template frame
    fitted: np.ndarray  # V x 3 fitted template (template frame)
    identity: np.ndarray  # 40 identity coefficients
    bindings: tuple[Binding, ...]  # per part (the head first)
    triangles: tuple[np.ndarray, ...]  # per part F x 3 (for filling in unreliable vertices)
    landmarks: dict[str, np.ndarray]  # landmark name -> position in the head's mesh-local coordinates
    score: float  # alignment residual (interocular distances)
    seconds: float
    from_cache: bool = False
    notes: tuple[str, ...] = ()  # how the head was aligned (your landmarks, the face detector, shape alone) and how sure
    confidence: float = 1.0  # 1: your landmarks; the detector's confidence; 0: aligned by shape alone
    rest: tuple[np.ndarray, ...] = ()  # per part N x 3 mesh-local rest positions (for checking the transferred shapes)
    key: str = ""  # the cache key of a cached fit (its transferred shapes are cached under it too)
    eye_warp: np.ndarray = field(default_factory=lambda: np.zeros((0, 5)))  # EyeWarp rows: the eye regions' move forward


def _world(part: HeadPart) -> np.ndarray:
    matrix = np.asarray(part.matrix_world, dtype=np.float64)
    return np.asarray(part.vertices, dtype=np.float64) @ matrix[:3, :3].T + matrix[:3, 3]


def _check_part(part: HeadPart, what: str) -> None:
    count = len(part.vertices)
    if count > MAX_VERTICES:
        raise HeadFitError(
            f"The {what} has {count:,} vertices; head fitting takes up to {MAX_VERTICES:,} (52 shape keys of this mesh would "
            f"need about {count * 52 * 12 / 1e9:.1f} GB). Fit a decimated copy and bind the dense mesh to it with a "
            "Surface Deform modifier, or decimate the head.")
    if count < MIN_VERTICES or len(part.triangles) == 0:
        raise NotAHeadError(f"The {what} has only {count} vertices and {len(part.triangles)} faces: a head needs a surface "
                            f"with at least {MIN_VERTICES} vertices (eyes, nose and mouth modelled).")
    if not np.isfinite(part.vertices).all() or not np.isfinite(part.matrix_world).all():
        raise HeadFitError(f"The {what} has invalid (NaN or infinite) coordinates.")
    if np.linalg.det(np.asarray(part.matrix_world, dtype=np.float64)[:3, :3]) <= 0:
        raise HeadFitError(f"The {what} has a negative (mirrored) or zero scale: apply the scale (Object > Apply > Scale) "
                           "or make it positive, then fit again.")
    if part.region is not None and len(part.region) != count:
        raise HeadFitError("The head region does not match the mesh's vertices.")


def _check_extra(part: HeadPart) -> None:
    if len(part.vertices) > MAX_VERTICES:
        raise HeadFitError(f"The part '{part.name}' has {len(part.vertices):,} vertices; parts take up to {MAX_VERTICES:,}.")
    if len(part.vertices) == 0 or not np.isfinite(part.vertices).all():
        raise HeadFitError(f"The part '{part.name}' has no vertices or invalid coordinates.")


def _main_mask(part: HeadPart) -> np.ndarray:
    """Vertices of the surfaces that make the head: pieces at least 40% the size of the largest piece.

    Smaller pieces (eyeballs, teeth, lashes modelled in the same mesh) are left out of the fit and
    bound to the template's inner parts.
    """
    labels = component_labels(len(part.vertices), part.triangles)
    vertices = np.asarray(part.vertices, dtype=np.float64)
    count = labels.max() + 1
    low = np.full((count, 3), np.inf)
    high = np.full((count, 3), -np.inf)
    np.minimum.at(low, labels, vertices)
    np.maximum.at(high, labels, vertices)
    size = np.linalg.norm(high - low, axis=1)
    largest = np.argmax(np.bincount(labels))
    return size[labels] >= 0.4 * size[largest]


def _region_candidates(world: np.ndarray, usable: np.ndarray) -> list[np.ndarray]:
    """The whole mesh, or for an elongated (body-like) mesh the slabs at the ends of its long axes, up first."""
    points = world[usable]
    centre = points.mean(0)
    _, spread, axes = np.linalg.svd(points - centre, full_matrices=False)
    extents = np.ptp((points - centre) @ axes.T, axis=0)
    if extents[2] <= 0.08 * extents[0]:
        raise NotAHeadError("The mesh is flat (a plane or a sheet): a head needs a closed or face-shaped surface with eyes, "
                            "nose and mouth. Select the head mesh, or pick the head region with a vertex group.")
    if extents[0] < BODY_ELONGATION * extents[2]:
        return [usable]
    directions = [axes[0], -axes[0]]
    if extents[1] > 0.6 * extents[0]:
        directions += [axes[1], -axes[1]]
    directions.sort(key=lambda d: -d[2])  # world +Z (Blender's up) first
    regions = []
    for direction in directions:
        height = world @ direction
        top = height[usable].max()
        regions.append(usable & (height > top - HEAD_SHARE * extents[0]))
    return regions


def _fit_key(head: HeadPart, extras: Sequence[HeadPart], landmarks: np.ndarray | None) -> str:
    digest = hashlib.sha1(CACHE_VERSION.encode())
    for part in (head, *extras):
        for array in (part.vertices, part.triangles, part.matrix_world, part.region):
            if array is not None:
                digest.update(np.ascontiguousarray(array, dtype=np.float64 if array.dtype.kind == "f" else np.int64).tobytes())
            digest.update(b"|")
    if landmarks is not None:
        digest.update(np.round(landmarks, 6).tobytes())
    return digest.hexdigest()


def cache_path(key: str, kind: str = "fit") -> Path:
    """Where a fit (or, ``kind`` "transfer", its transferred shapes) is cached."""
    folder = cache_dir() / "head_fits"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / (f"{key}.npz" if kind == "fit" else f"{key}_{kind}.npz")


def _cache_path(key: str) -> Path:
    folder = cache_dir() / "head_fits"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}.npz"


def _save(path: Path, fit: HeadFit) -> None:
    arrays = {"fitted": fit.fitted, "identity": fit.identity, "score": fit.score, "seconds": fit.seconds,
              "landmarks": np.array([fit.landmarks[n] for n in LANDMARK_NAMES]), "notes": np.array(fit.notes, dtype=str),
              "confidence": fit.confidence, "eye_warp": fit.eye_warp}
    for i, (matrix, binding) in enumerate(zip(fit.to_template, fit.bindings)):
        arrays[f"to_template_{i}"] = matrix
        for name in BINDING_FIELDS:
            arrays[f"{name}_{i}"] = getattr(binding, name)
        arrays[f"triangles_{i}"] = fit.triangles[i]
        arrays[f"rest_{i}"] = fit.rest[i]
    temporary = path.with_suffix(".tmp.npz")
    np.savez(temporary, parts=len(fit.bindings), **arrays)
    temporary.replace(path)


def _load(path: Path) -> HeadFit | None:
    try:
        with np.load(path) as data:
            parts = int(data["parts"])
            return HeadFit(
                to_template=tuple(data[f"to_template_{i}"] for i in range(parts)), fitted=data["fitted"],
                identity=data["identity"],
                bindings=tuple(Binding(*(data[f"{n}_{i}"] for n in BINDING_FIELDS)) for i in range(parts)),
                triangles=tuple(data[f"triangles_{i}"] for i in range(parts)),
                landmarks=dict(zip(LANDMARK_NAMES, data["landmarks"])), score=float(data["score"]),
                seconds=float(data["seconds"]), from_cache=True, notes=tuple(str(n) for n in data["notes"]),
                confidence=float(data["confidence"]), rest=tuple(data[f"rest_{i}"] for i in range(parts)),
                eye_warp=data["eye_warp"])
    except (OSError, KeyError, ValueError):
        return None


def _affine(part: HeadPart, transform: Similarity) -> np.ndarray:
    """4 x 4 matrix: mesh-local -> world -> template frame."""
    similarity = np.eye(4)
    similarity[:3, :3] = transform.scale * transform.rotation
    similarity[:3, 3] = transform.translation
    return similarity @ np.asarray(part.matrix_world, dtype=np.float64)


def _apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    return points @ matrix[:3, :3].T + matrix[:3, 3]


@dataclass(frozen=True)
class _Aligned:
    region: np.ndarray
    alignment: Alignment


def _align(template: Template, head: HeadPart, world: np.ndarray, main: np.ndarray) -> _Aligned:
    candidates = [head.region & main] if head.region is not None else _region_candidates(world, main)
    normals = vertex_normals(world, head.triangles)
    best = None
    for region in candidates:
        if region.sum() < MIN_VERTICES:
            continue
        result = _Aligned(region, align_to_template(template, world[region], normals[region]))
        if best is None or result.alignment.score < best.alignment.score:
            best = result
        if best.alignment.score < 0.5 * MAX_ALIGNMENT_SCORE:
            break
    if best is None or best.alignment.score > MAX_ALIGNMENT_SCORE:
        raise NotAHeadError(
            "This mesh does not look like a head: no orientation matches a face (eyes, nose, mouth, chin). "
            "Select a head mesh; for a body or a scene mesh, put the head's vertices in a vertex group and pick it as the head region.")
    return best


@dataclass(frozen=True)
class LandmarkFinding:
    """Landmarks found on a head (mesh-local), whether they can be trusted, and a sentence saying so."""

    landmarks: dict[str, np.ndarray]
    sure: bool
    message: str


def find_landmarks(head: HeadPart) -> LandmarkFinding:
    """The eight landmarks from the face detector (renders of the mesh read by MediaPipe), or by shape alone.

    Unsure finds are returned with ``sure`` False and a message asking the user to check or place them.
    """
    _check_part(head, "head mesh")
    world = _world(head)
    to_local = np.linalg.inv(np.asarray(head.matrix_world, dtype=np.float64))
    finding = find_face(world, head.triangles, head.region) if detector_available() else None
    if finding is not None and finding.found:
        points = np.array([finding.landmarks[n] for n in LANDMARK_NAMES])
        problem = _contradiction(load_template(), points)
        if problem is None:
            return LandmarkFinding(dict(zip(LANDMARK_NAMES, _apply(to_local, points))), True, finding.message())
    template = load_template()
    try:
        aligned = _align(template, head, world, _main_mask(head))
    except NotAHeadError as error:
        raise NotAHeadError(f"{error} {finding.message() if finding is not None else ''}".strip()) from error
    user, _ = _user_surface(head, world, aligned)
    coeffs, correction = fit_identity(template, user, None)
    matrix = _affine(head, aligned.alignment.transform.then(correction))
    identity_head = template.neutral + np.tensordot(coeffs, template.shape_modes, axes=1)
    found = finding.message() + " " if finding is not None else "The face detector (MediaPipe) is not available. "
    return LandmarkFinding(_landmarks_on_surface(template, identity_head, matrix, head), False,
                           found + "These landmarks come from the head's shape alone: check them and move any that are off.")


def detect_landmarks(head: HeadPart) -> dict[str, np.ndarray]:
    """Landmark positions on the head's surface (mesh-local) when the detector is sure; else LandmarkError saying so."""
    finding = find_landmarks(head)
    if not finding.sure:
        raise LandmarkError(finding.message + " Place the landmarks by hand if they are wrong, then fit.")
    return finding.landmarks


def _contradiction(template: Template, points: np.ndarray) -> LandmarkError | None:
    """The detector's landmarks must be on the right sides and in order; a stylised face may have other proportions."""
    try:
        check_landmarks(template, points, layout=False)
    except LandmarkError as error:
        return error
    return None


def _landmark_alignment(template: Template, head: HeadPart, world: np.ndarray, main: np.ndarray,
                        world_landmarks: np.ndarray) -> _Aligned:
    """The alignment the landmarks set (similarity onto the template's landmarks) and the head region around them."""
    transform = umeyama(world_landmarks, template.landmark_points())
    if head.region is not None:
        region = head.region & main
    else:
        box = np.array(REGION_BOX)
        moved = transform.apply(world)
        region = main & ((moved >= box[:, 0]) & (moved <= box[:, 1])).all(1)
    if region.sum() < MIN_VERTICES:
        raise NotAHeadError(f"Only {int(region.sum())} vertices lie around the landmarks: a head needs at least "
                            f"{MIN_VERTICES}. Check that the landmarks are on this mesh's face.")
    normals = vertex_normals(world, head.triangles)
    return _Aligned(region, score_alignment(template, world[region], normals[region], transform))


def _automatic(template: Template, head: HeadPart, world: np.ndarray, main: np.ndarray,
               detect: bool) -> tuple[_Aligned, tuple[str, ...], float]:
    """Alignment without the user's landmarks: the face detector's when it is sure, else by shape alone (with a note)."""
    finding: FaceFinding | None = find_face(world, head.triangles, head.region) if detect and detector_available() else None
    if finding is not None and finding.found:
        points = np.array([finding.landmarks[n] for n in LANDMARK_NAMES])
        problem = _contradiction(template, points)
        if problem is None:
            return _landmark_alignment(template, head, world, main, points), (finding.message(),), finding.confidence
    try:
        aligned = _align(template, head, world, main)
    except NotAHeadError as error:
        raise NotAHeadError(f"{error} {finding.message() if finding is not None else ''}".strip()) from error
    why = (finding.message() if finding is not None else
           "The face detector was not used (MediaPipe is not available)." if detect else "The face detector was not used.")
    return aligned, (why + " Aligned by the head's shape alone: check the result, and place the landmarks if it is off.",), 0.0


def _landmarks_on_surface(template: Template, fitted: np.ndarray, matrix: np.ndarray, head: HeadPart) -> dict[str, np.ndarray]:
    """The fitted template's landmark vertices, snapped onto the user's mesh, in mesh-local coordinates."""
    surface = TriangleSurface(_apply(matrix, np.asarray(head.vertices, dtype=np.float64)), head.triangles)
    snapped = surface.closest(template.landmark_points(fitted)).point
    local = _apply(np.linalg.inv(matrix), snapped)
    return dict(zip(LANDMARK_NAMES, local))


def _user_surface(head: HeadPart, world: np.ndarray, aligned: _Aligned) -> tuple[UserSurface, Similarity]:
    transform = aligned.alignment.transform
    region = aligned.region
    keep = region[head.triangles].all(1)
    index = np.full(len(world), -1)
    index[region] = np.arange(region.sum())
    triangles = index[head.triangles[keep]]
    return UserSurface.build(transform.apply(world[region]), triangles, aligned.alignment.normal_sign), transform


def fit_head(head: HeadPart, extras: Sequence[HeadPart] = (), landmarks: dict[str, np.ndarray] | None = None,
             use_cache: bool = True, detect: bool = True) -> HeadFit:
    """Fit the template to ``head`` and bind all parts.

    ``landmarks`` (mesh-local positions by name), when given, set the alignment: they are checked only
    against each other (sides, order, layout), never against an automatic guess. Without them the face
    detector finds the face (``detect``), else the head's shape alone is used; ``HeadFit.notes`` says which.
    """
    started = time.perf_counter()
    _check_part(head, "head mesh")
    for part in extras:
        _check_extra(part)
    landmark_array = as_array(landmarks) if landmarks is not None else None
    key = _fit_key(head, extras, landmark_array)
    if use_cache:
        cached = _load(_cache_path(key))
        if cached is not None:
            return replace(cached, key=key)
    template = load_template()
    world = _world(head)
    main = _main_mask(head)
    if landmark_array is not None:
        world_landmarks = _apply(np.asarray(head.matrix_world, dtype=np.float64), landmark_array)
        surface = TriangleSurface(world, head.triangles)
        check_landmarks(template, world_landmarks, surface.closest(world_landmarks).distance)
        aligned = _landmark_alignment(template, head, world, main, world_landmarks)
        notes, confidence = ("Aligned by your landmarks.",), 1.0
    else:
        aligned, notes, confidence = _automatic(template, head, world, main, detect)
        world_landmarks = None  # the detector's landmarks set the alignment only: the surface places the features better
    user, transform = _user_surface(head, world, aligned)
    user_landmarks = transform.apply(world_landmarks) if world_landmarks is not None else None
    coeffs, correction = fit_identity(template, user, user_landmarks)
    transform = transform.then(correction)
    user = UserSurface(correction.apply(user.points), user.normals @ correction.rotation.T, user.triangles)
    if user_landmarks is not None:
        user_landmarks = correction.apply(user_landmarks)
    identity_head = template.neutral + np.tensordot(coeffs, template.shape_modes, axes=1)
    if user_landmarks is None and confidence == 0.0:  # your landmarks or the detector vouch for a stylized head
        _check_features(template, identity_head, coeffs, user)
    openings, rim_notes = _openings(template, identity_head, user, user_landmarks)
    eye_warp = measure_eye_warp(template, identity_head, openings)
    start = eye_warp.apply(identity_head)
    if eye_warp.moves:  # the template's rim vertices move with the lids
        openings = reopened(template, start, openings)
        rim_notes += (f"The eyes' lids stand in front of the template's: each eye region (lids, socket, eyeball) was "
                      f"brought {' and '.join(f'{w:.2f}' for w in eye_warp.in_eye_widths())} eye widths forward "
                      "before the fit.",)
    fitted = fit_free_form(template, start, user, user_landmarks, openings=openings)
    notes = notes + rim_notes

    matrices, bindings = [], []
    head_matrix = _affine(head, transform)
    for i, part in enumerate((head, *extras)):
        matrix = head_matrix if i == 0 else _affine(part, transform)
        points = _apply(matrix, np.asarray(part.vertices, dtype=np.float64))
        if i == 0:
            bindings.append(_bind_head(template, fitted, part, points, main, aligned))
        else:
            bindings.append(_bind_part(template, fitted, points))
        matrices.append(matrix)
    fit = HeadFit(tuple(matrices), fitted, coeffs, tuple(bindings), tuple(np.asarray(p.triangles) for p in (head, *extras)),
                  _landmarks_on_surface(template, fitted, head_matrix, head), aligned.alignment.score,
                  time.perf_counter() - started, notes=notes, confidence=confidence,
                  rest=tuple(np.asarray(p.vertices, dtype=np.float32) for p in (head, *extras)), eye_warp=eye_warp.as_array())
    if use_cache:
        _save(_cache_path(key), fit)
        fit = replace(fit, key=key)
    return fit


FEATURE_LABELS = {"eye_right": "right eye", "eye_left": "left eye", "mouth": "mouth"}


def _openings(template: Template, identity_head: np.ndarray, user: UserSurface,
              user_landmarks: np.ndarray | None) -> tuple[tuple[Opening, ...], tuple[str, ...]]:
    """The eye and mouth openings the fit matches rim to rim, and notes naming the features it cannot match.

    Corners come from your landmarks where given, else from the identity fit (which lies on the head's surface).
    """
    marks = user_landmarks if user_landmarks is not None else template.landmark_points(identity_head)
    openings, shut, unseen = find_openings(template, identity_head, user.points, user.triangles,
                                           dict(zip(LANDMARK_NAMES, marks)))
    notes = []
    if shut:
        notes.append(f"No opening at the {' and '.join(FEATURE_LABELS[f] for f in shut)} (closed in the mesh): "
                     "fitted by the surface alone there, without matching its lid or lip margins.")
    if unseen:
        notes.append(f"The rim of the {' and '.join(FEATURE_LABELS[f] for f in unseen)} was not found from the front: "
                     "fitted by the surface alone there.")
    return tuple(openings), tuple(notes)


def _check_features(template: Template, identity_head: np.ndarray, coeffs: np.ndarray, user: UserSurface) -> None:
    """After the identity fit a head lies close to the template with plausible coefficients; a ball or a blob does not."""
    sample = user.points[np.random.default_rng(0).permutation(len(user.points))[:4000]]
    distance = TriangleSurface(identity_head, template.skin_triangles).closest(sample).distance / template.interocular
    residual = float(np.sort(distance)[: max(int(0.8 * len(distance)), 1)].mean())
    if residual > MAX_IDENTITY_RESIDUAL or float(np.linalg.norm(coeffs)) > MAX_IDENTITY_NORM:
        raise NotAHeadError(
            "The mesh is roughly head-shaped but no face fits it (eyes, nose, mouth and chin were not found). "
            "Check that the face is modelled and faces one of the main axes, or place the landmarks by hand and fit again.")


def _bind_head(template: Template, fitted: np.ndarray, head: HeadPart, points: np.ndarray, main: np.ndarray,
               aligned: _Aligned) -> Binding:
    """Skin and mouth interior for the head's main surface; small separate pieces (eyes, teeth) bind to the inner parts too."""
    normals = aligned.alignment.normal_sign * vertex_normals(points, head.triangles)
    outer = bind(template, fitted, points[main], normals[main], np.concatenate([template.skin_triangles, template.mouth_triangles]))
    triangle = np.zeros((len(points), 3), dtype=np.int64)
    barycentric, offset, weight, agreement = np.zeros((len(points), 3)), np.zeros(len(points)), np.zeros(len(points)), np.ones(len(points))
    triangle[main], barycentric[main], offset[main], weight[main] = outer.triangle, outer.barycentric, outer.offset, outer.weight
    agreement[main] = outer.agreement
    labels = component_labels(len(points), head.triangles)
    for label in np.unique(labels[~main]):
        members = np.flatnonzero(labels == label)
        part = _bind_part(template, fitted, points[members])
        triangle[members], barycentric[members], offset[members], weight[members] = part.triangle, part.barycentric, part.offset, part.weight
    if head.region is not None:
        weight[~head.region] = 0.0
    return Binding(triangle, barycentric, offset, weight, agreement)


def _bind_part(template: Template, fitted: np.ndarray, points: np.ndarray) -> Binding:
    """A separate piece (eyeball, teeth, lashes) binds as a whole to the template's inner parts when it sits
    on them (within INNER_DISTANCE), else to the skin: an eyeball must not blink with the eyelid in front of it."""
    inner = bind(template, fitted, points, None, template.inner_triangles)
    gap = np.median(TriangleSurface(fitted, template.inner_triangles).closest(points).distance) / template.interocular
    return inner if gap < INNER_DISTANCE else bind(template, fitted, points, None, template.skin_triangles)
