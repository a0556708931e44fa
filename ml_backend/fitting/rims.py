"""The rims of a face's openings (lid margins of both eyes, lip margins of the mouth), seen from the front.

In the template frame (the face looks along +Z, up is +Y) a feature's box around its corners is
sampled by a column z-buffer (``front_depths``). An opening is the connected set of samples, around
the feature's middle, where the front-most surface lies far behind the corners (an eye socket, the
dark of an open mouth) or is missing (a hole in the mesh). Its rim is the set of surface samples just
outside that set: the lid or lip margin as the eye sees it. A feature sculpted shut has no opening.

The free-form fit matches the template's rim vertices to the head's rim points by their angle around
each rim's middle (each rim scaled to a unit box first), so the template's eye and mouth openings
land on the head's openings and the transferred blink and mouth shapes move the head's margins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from .mesh import component_labels, front_depths
from .template import Template

FEATURES: dict[str, tuple[str, str]] = {  # feature -> its two corner landmarks (subject's right first)
    "eye_right": ("eye_outer_right", "eye_inner_right"),
    "eye_left": ("eye_inner_left", "eye_outer_left"),
    "mouth": ("mouth_corner_right", "mouth_corner_left"),
}
SAMPLES = 48  # grid columns across a feature's corners
MARGIN = 0.25  # box margin beyond the corners (share of the corner distance)
HEIGHT = 0.45  # box half-height (share of the corner distance)
OPEN_DEPTH = 0.15  # a sample is open where the surface lies this far behind the corners (share of the corner distance)
MIDDLE = 0.2  # an opening must reach this close to the corners' middle (share of the corner distance)
MIN_AREA = 0.01  # ... and cover at least this area (square corner distances)
MIN_RIM = 8  # rim samples needed to match a rim
EYE_DEPTH = 0.2  # an eye is open when the mesh lines the eyeball this far behind the eye corners (a lid pocket);
MOUTH_DEPTH = 0.05  # a mouth when it reaches the teeth and gums behind the lips (interocular distances)
OPENING_RADIUS = 0.3  # an eye or mouth opening is sought this close to the feature's centre (interocular distances)


@dataclass(frozen=True)
class Rim:
    """One opening's rim: points on the surface just outside it (template frame) and its size."""

    points: np.ndarray  # R x 3
    width: float  # the corner distance (the unit of the opening's measures)


def find_rim(points: np.ndarray, triangles: np.ndarray, corners: tuple[np.ndarray, np.ndarray]) -> Rim | None:
    """The rim of the opening between ``corners`` (two 3-vectors) on the surface, or None where it is shut."""
    first, second = (np.asarray(c, dtype=np.float64) for c in corners)
    width = float(np.linalg.norm(second[:2] - first[:2]))
    if width <= 1e-9:
        return None
    low, high = min(first[0], second[0]), max(first[0], second[0])
    step = (high - low) / SAMPLES
    xs = np.arange(low - MARGIN * width, high + MARGIN * width + step / 2, step)
    middle = (first + second) / 2
    ys = middle[1] + np.arange(-HEIGHT * width, HEIGHT * width + step / 2, step)
    near = (np.abs(points[:, 0] - middle[0]) < (high - low) / 2 + (MARGIN + 0.1) * width) & \
           (np.abs(points[:, 1] - middle[1]) < (HEIGHT + 0.1) * width)
    local = triangles[near[triangles].any(1)]
    depth = np.stack([front_depths(points, local, float(x), ys) for x in xs], axis=1)  # rows: y, columns: x
    share = np.clip((xs - first[0]) / (second[0] - first[0]), 0.0, 1.0) if second[0] != first[0] else np.full(len(xs), 0.5)
    front = first[2] + share * (second[2] - first[2])  # the corners' depth, column by column
    opened = depth < front[None, :] - OPEN_DEPTH * width
    labels, count = ndimage.label(opened)
    if count == 0:
        return None
    grid_y, grid_x = np.meshgrid(ys, xs, indexing="ij")
    reach = np.hypot(grid_x - middle[0], grid_y - middle[1]) < MIDDLE * width
    candidates = [label for label in np.unique(labels[reach & opened]) if label > 0]
    best = max(candidates, key=lambda label: int((labels == label).sum()), default=0)
    if best == 0 or (labels == best).sum() * step * step < MIN_AREA * width * width:
        return None
    opening = labels == best
    rim = ndimage.binary_dilation(opening) & ~opening & np.isfinite(depth)
    if rim.sum() < MIN_RIM:
        return None
    return Rim(np.column_stack([grid_x[rim], grid_y[rim], depth[rim]]), width)


def rim_vertices(points: np.ndarray, candidates: np.ndarray, rim: Rim) -> np.ndarray:
    """The ids among ``candidates`` (vertex ids into ``points``) nearest each rim point, once each."""
    _, nearest = cKDTree(points[candidates]).query(rim.points)
    return np.unique(candidates[nearest])


def _angles(points: np.ndarray) -> np.ndarray:
    """Angle of each point around the points' middle, the points' front-view box scaled to a unit square."""
    low, high = points[:, :2].min(0), points[:, :2].max(0)
    scaled = (points[:, :2] - (low + high) / 2) / np.maximum(high - low, 1e-12)
    return np.arctan2(scaled[:, 1], scaled[:, 0])


def match_rim(template_points: np.ndarray, rim: Rim) -> np.ndarray:
    """For each template rim point (T, 3), the head's rim point at the same angle around its opening (T, 3)."""
    ours, theirs = _angles(template_points), _angles(rim.points)
    gap = np.abs(np.angle(np.exp(1j * (ours[:, None] - theirs[None, :]))))
    return rim.points[np.argmin(gap, axis=1)]


def rim_shift(template_points: np.ndarray, skin_triangles: np.ndarray, corners: tuple[np.ndarray, np.ndarray],
              vertex_points: np.ndarray, rim: Rim) -> np.ndarray | None:
    """Front-view moves (R, 2) that take the template's rim vertices ``vertex_points`` (R, 3) onto the head's rim.

    Both rims are sampled alike (the template's on its surface ``template_points`` between its ``corners``), matched
    by angle, and each vertex moves as its nearest template sample: equal openings give no move, whatever the sampling.
    None where the template's opening has closed.
    """
    ours = find_rim(template_points, skin_triangles, corners)
    if ours is None:
        return None
    shift = match_rim(ours.points, rim)[:, :2] - ours.points[:, :2]
    _, nearest = cKDTree(ours.points[:, :2]).query(vertex_points[:, :2])
    return shift[nearest]


@dataclass(frozen=True)
class Opening:
    """A feature open on both the template and the head: the template's rim vertex ids and the head's rim."""

    feature: str
    template_ids: np.ndarray  # ids into the full template mesh (skin vertices)
    rim: Rim


def find_openings(template: Template, identity_head: np.ndarray, points: np.ndarray, triangles: np.ndarray,
                  corners: dict[str, np.ndarray]) -> tuple[list[Opening], list[str], list[str]]:
    """The features to match rim to rim; those the head has shut; those open but without a rim seen from the front.

    ``points``/``triangles`` are the head's surface in the template frame, ``identity_head`` the template fitted to
    it so far, ``corners`` the head's landmark positions by name. A feature the template itself shows shut (ICT's
    neutral lips touch) is in none of the lists: there is no rim to match.
    """
    shut = shut_features(template, identity_head, points, triangles)
    openings, unseen = [], []
    for feature, (first, second) in FEATURES.items():
        ids = template_rim_ids(template, identity_head, feature)
        if ids is None or feature in shut:
            continue
        theirs = find_rim(points, triangles, (corners[first], corners[second]))
        if theirs is None:
            unseen.append(feature)
            continue
        openings.append(Opening(feature, ids, theirs))
    return openings, [f for f in shut if f in FEATURES], unseen


def template_rim_ids(template: Template, vertices: np.ndarray, feature: str) -> np.ndarray | None:
    """The template's rim vertex ids of ``feature`` on the template posed as ``vertices``; None where it is shut."""
    first, second = (vertices[template.landmark_vertices[name]] for name in FEATURES[feature])
    rim = find_rim(vertices, template.skin_triangles, (first, second))
    return None if rim is None else rim_vertices(vertices, template.skin_vertices, rim)


def reopened(template: Template, vertices: np.ndarray, openings: tuple[Opening, ...]) -> tuple[Opening, ...]:
    """``openings`` with the template's rim vertices found again on ``vertices`` (the template reshaped since);
    the head's rims stay."""
    found = ((opening, template_rim_ids(template, vertices, opening.feature)) for opening in openings)
    return tuple(Opening(opening.feature, ids, opening.rim) for opening, ids in found if ids is not None)


def shut_features(template: Template, fitted: np.ndarray, points: np.ndarray, triangles: np.ndarray) -> tuple[str, ...]:
    """The features (FEATURES keys) a head's mesh does not open: eyes sculpted shut, a mouth without a cavity.

    ``points`` are the head's vertices in the template frame, ``fitted`` the template fitted to it. A feature is
    open when the mesh reaches behind its front: an open boundary or a separate piece (an eyeball, teeth) near
    it, or surface lining the template's eyeball or mouth socket there (a lid pocket, a mouth bag). A
    sculpted-shut eye or a fused mouth has only the front surface (a carved eye's bowl is not an opening).
    """
    count = len(points)
    edges = np.sort(np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]]), 1)
    keys, uses = np.unique(edges[:, 0] * np.int64(count) + edges[:, 1], return_counts=True)
    rim = np.zeros(count, bool)
    rim[keys[uses == 1] // count] = True
    rim[keys[uses == 1] % count] = True
    labels = component_labels(count, triangles)
    rim |= labels != np.argmax(np.bincount(labels))
    marks = dict(zip(template.landmark_vertices, template.landmark_points(fitted)))
    unit = template.interocular
    inner = fitted[np.unique(template.inner_triangles)]
    tree = cKDTree(points)
    shut = []
    for feature, (first, second) in FEATURES.items():
        centre = (marks[first] + marks[second]) / 2
        near = np.linalg.norm(points[rim] - centre, axis=1).min(initial=np.inf) < OPENING_RADIUS * unit
        depth = (MOUTH_DEPTH if feature == "mouth" else EYE_DEPTH) * unit
        probes = inner[(np.linalg.norm(inner - centre, axis=1) < 0.4 * unit) & (inner[:, 2] < centre[2] - depth)]
        lined = len(probes) and sum(len(h) > 0 for h in tree.query_ball_point(probes, 0.06 * unit)) >= 5
        if not (near or lined):
            shut.append(feature)
    return tuple(shut)
