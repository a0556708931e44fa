"""Non-rigid registration of the template skin onto the user's surface (in the template frame).

Two stages, as the issue asks: the 40 ICT identity modes first (a linear least-squares fit with
a Gaussian prior, alternated with a similarity update), then a smooth free-form displacement of
every skin vertex (membrane-regularized least squares, stiff to soft). Both use correspondences
in both directions, rejected by distance and normal direction, so a face mask (no back of the
head) or a mesh with extra parts (shoulders, hair) still fits; landmarks pull their template
vertices with a high weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, diags
from scipy.sparse.linalg import splu
from scipy.spatial import cKDTree

from ..naming.arkit import INDEX
from .align import Similarity
from .mesh import TriangleSurface, front_depths, vertex_normals
from .rims import FEATURES, Opening, rim_shift
from .template import Template

NOISE = 0.5  # expected correspondence noise (template units) relative to a unit identity-coefficient prior
LANDMARK_WEIGHT = 25.0
RIM_WEIGHT = 30.0  # pull of each template rim vertex onto the head's rim (a data pair weighs 1)
RIM_GATE = 0.02  # rims whose mean front-view gap is under this share of the eye's width are left to the surface
STIFFNESS = (40.0, 12.0, 4.0, 1.5)
EYE_REACH = 1.0  # non-skin vertices this close to an eye's centre (eye widths) belong to that eye
LID_REACH = 0.5  # a closed lid this close to the eye's front (eye widths) covers it (farther: it is the socket behind)
OPEN_DEPTH = 0.3  # an eye is open where the user's surface lies this far behind its corners (eye widths) or is missing
MAX_EYE_SHIFT = 0.25  # an eye is moved back at most this share of its width to lie behind its closed lid
LID_CLEARANCE = 0.02  # ... and this much further than on the neutral template (eye widths): the head's own lid,
# whose margins the rim term now matches, closes a little behind the template's


@dataclass(frozen=True)
class UserSurface:
    """The user's fitting surface in the template frame: points, outward normals, triangles."""

    points: np.ndarray  # N x 3
    normals: np.ndarray  # N x 3
    triangles: np.ndarray  # F x 3

    @staticmethod
    def build(points: np.ndarray, triangles: np.ndarray, normal_sign: float) -> "UserSurface":
        return UserSurface(points, normal_sign * vertex_normals(points, triangles), triangles)


@dataclass
class _Pairs:
    """Template-side samples (vertex ids or barycentric points) matched to user-side targets."""

    rows: np.ndarray  # P x 3 vertex ids of the template point (repeat the id for a vertex)
    weights: np.ndarray  # P x 3 barycentric weights
    targets: np.ndarray  # P x 3 matched user positions
    normals: np.ndarray  # P x 3 direction used for point-to-plane residuals


def _correspondences(template: Template, skin: np.ndarray, user: UserSurface, tree: cKDTree,
                     template_sample: np.ndarray, user_sample: np.ndarray, max_distance: float) -> _Pairs:
    """Both directions: template skin vertex -> nearest user point; user point -> closest template point."""
    normals = vertex_normals(skin, template.skin_triangles)
    points = skin[template_sample]
    dist, index = tree.query(points)
    user_normals = user.normals[index]
    foot = points + user_normals * ((user.points[index] - points) * user_normals).sum(1, keepdims=True)
    ok = (dist < max_distance) & ((normals[template_sample] * user_normals).sum(1) > 0.5)
    rows_a = np.repeat(template_sample[ok, None], 3, axis=1)
    weights_a = np.tile([1.0, 0.0, 0.0], (int(ok.sum()), 1))
    targets_a, normals_a = foot[ok], user_normals[ok]

    surface = TriangleSurface(skin, template.skin_triangles)
    hits = surface.closest(user.points[user_sample], candidates=8, normals=user.normals[user_sample], min_normal_dot=0.3)
    tri_normals = surface.normals[hits.triangle]
    ok = (hits.distance < max_distance) & ((tri_normals * user.normals[user_sample]).sum(1) > 0.3)
    rows_b = template.skin_triangles[hits.triangle[ok]]
    return _Pairs(np.concatenate([rows_a, rows_b]), np.concatenate([weights_a, hits.barycentric[ok]]),
                  np.concatenate([targets_a, user.points[user_sample][ok]]), np.concatenate([normals_a, tri_normals[ok]]))


def fit_identity(template: Template, user: UserSurface, landmarks: np.ndarray | None, iterations: int = 8,
                 rng: np.random.Generator | None = None) -> tuple[np.ndarray, Similarity]:
    """Identity coefficients (K,) and a correcting similarity (applied to the user's points), solved jointly.

    Each iteration linearizes the similarity (small rotation, translation, log-scale about the
    user's centroid) and solves it together with the identity coefficients (Gaussian prior on
    those only) from point-to-plane rows, Gauss-Newton style. ``landmarks`` (8, 3) are user
    landmark positions in the template frame (LANDMARK_NAMES order) or None.
    """
    rng = rng or np.random.default_rng(0)
    neutral = template.neutral
    modes = template.shape_modes  # K x V x 3
    num_modes = len(modes)
    coeffs = np.zeros(num_modes)
    correction = Similarity(np.eye(3), 1.0, np.zeros(3))
    template_sample = template.skin_vertices[rng.permutation(len(template.skin_vertices))[:4000]]
    user_sample = rng.permutation(len(user.points))[:4000]
    landmark_ids = np.array(list(template.landmark_vertices.values()))
    for step in range(iterations):
        current = UserSurface(correction.apply(user.points), user.normals @ correction.rotation.T, user.triangles)
        centre = current.points.mean(0)
        skin = neutral + np.tensordot(coeffs, modes, axes=1)
        max_distance = template.interocular * (0.5 if step == 0 else 0.25)
        pairs = _correspondences(template, skin, current, cKDTree(current.points), template_sample, user_sample, max_distance)
        normals, targets = pairs.normals, pairs.targets
        basis = np.einsum("pj,kpjd->pkd", pairs.weights, modes[:, pairs.rows])  # P x K x 3
        base = (pairs.weights[..., None] * neutral[pairs.rows]).sum(1)
        if landmarks is not None:  # three axis-aligned rows per landmark
            moved = correction.apply(landmarks)
            axes = np.tile(np.eye(3), (len(landmark_ids), 1))
            normals = np.concatenate([normals, axes])
            targets = np.concatenate([targets, np.repeat(moved, 3, axis=0)])
            basis = np.concatenate([basis, np.repeat(modes[:, landmark_ids].transpose(1, 0, 2), 3, axis=0)])
            base = np.concatenate([base, np.repeat(neutral[landmark_ids], 3, axis=0)])
        weights = np.ones(len(normals))
        if landmarks is not None:
            weights[-3 * len(landmark_ids):] = LANDMARK_WEIGHT
        arm = targets - centre
        # n . (base + basis c - (target + s*arm + w x arm + t)) = 0, unknowns [c, s, w, t]
        rows = np.concatenate([np.einsum("pkd,pd->pk", basis, normals), -(normals * arm).sum(1, keepdims=True),
                               -np.cross(arm, normals), -normals], axis=1)
        rhs = ((targets - base) * normals).sum(1)
        prior = np.zeros(num_modes + 7)
        prior[:num_modes] = 1.0
        weighted = rows * (weights / NOISE ** 2)[:, None]
        solution = np.linalg.solve(weighted.T @ rows + np.diag(prior) + 1e-9 * np.eye(num_modes + 7), weighted.T @ rhs)
        coeffs = solution[:num_modes]
        scale, omega, shift = float(np.exp(solution[num_modes])), solution[num_modes + 1:num_modes + 4], solution[num_modes + 4:]
        rotation = _rotation_from_vector(omega)
        step_transform = Similarity(rotation, scale, centre + shift - scale * rotation @ centre)
        correction = correction.then(step_transform)
    return coeffs, correction


def _rotation_from_vector(omega: np.ndarray) -> np.ndarray:
    angle = float(np.linalg.norm(omega))
    if angle < 1e-12:
        return np.eye(3)
    k = omega / angle
    skew = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(angle) * skew + (1 - np.cos(angle)) * skew @ skew


def fit_free_form(template: Template, start: np.ndarray, user: UserSurface, landmarks: np.ndarray | None,
                  stiffness: tuple[float, ...] = STIFFNESS, rng: np.random.Generator | None = None,
                  openings: tuple[Opening, ...] = ()) -> np.ndarray:
    """Smoothly displace the skin of ``start`` (V, 3) onto the user surface; returns all V vertices.

    ``openings`` (eyes, mouth open on both) pull the template's rim vertices onto the head's rims, matched
    by their angle around each opening, so the lid and lip margins land on the head's.
    Non-skin vertices (mouth socket, teeth, eyes) follow the displacement of their nearest skin vertices.
    """
    rng = rng or np.random.default_rng(1)
    skin_ids = template.skin_vertices
    local = np.full(template.model.num_vertices, -1, dtype=np.int64)
    local[skin_ids] = np.arange(len(skin_ids))
    num = len(skin_ids)
    tree = cKDTree(user.points)
    user_sample = rng.permutation(len(user.points))[:6000]
    landmark_ids = np.array(list(template.landmark_vertices.values()))
    current = start.copy()
    for step, weight in enumerate(stiffness):
        max_distance = template.interocular * (0.25 if step == 0 else 0.15)
        pairs = _correspondences(template, current, user, tree, skin_ids, user_sample, max_distance)
        # move each template point along its pair normal onto the tangent plane: point-to-plane targets
        template_side = (pairs.weights[..., None] * current[pairs.rows]).sum(1)
        goal = template_side + pairs.normals * ((pairs.targets - template_side) * pairs.normals).sum(1, keepdims=True)
        count = len(goal)
        rows = np.repeat(np.arange(count), 3)
        matrix = coo_matrix((pairs.weights.reshape(-1), (rows, local[pairs.rows].reshape(-1))), shape=(count, num)).tocsr()
        system = matrix.T @ matrix + weight * template.skin_laplacian + diags(np.full(num, 1e-4))
        rhs = matrix.T @ (goal - template_side)
        if landmarks is not None:
            lm_local = local[landmark_ids]
            system = system + coo_matrix((np.full(len(lm_local), LANDMARK_WEIGHT), (lm_local, lm_local)), shape=(num, num))
            rhs[lm_local] += LANDMARK_WEIGHT * (landmarks - current[landmark_ids])
        solver = splu(system.tocsc())
        moves = _rim_moves(template, current, openings)
        if moves:  # rims pull in the front view (x, y) only: depth stays the surface's
            rim_ids = np.concatenate([ids for ids, _ in moves])
            rim_local = local[rim_ids]
            rim_system = system + coo_matrix((np.full(len(rim_local), RIM_WEIGHT), (rim_local, rim_local)), shape=(num, num))
            rim_rhs = rhs.copy()
            rim_rhs[:, :2] += coo_matrix((np.full(len(rim_local), RIM_WEIGHT), (rim_local, np.arange(len(rim_local)))),
                                         shape=(num, len(rim_local))) @ np.concatenate([move for _, move in moves])
            rim_solver = splu(rim_system.tocsc())
            displacement = np.column_stack([rim_solver.solve(rim_rhs[:, 0]), rim_solver.solve(rim_rhs[:, 1]), solver.solve(rhs[:, 2])])
        else:
            displacement = np.column_stack([solver.solve(rhs[:, d]) for d in range(3)])
        current[skin_ids] += displacement
    return _carry_inner(template, start, current, user)


def _rim_moves(template: Template, current: np.ndarray, openings: tuple[Opening, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per opening, the template rim vertex ids and their front-view moves (R, 2) onto the head's rim."""
    moves = []
    for opening in openings:
        first, second = (current[template.landmark_vertices[name]] for name in FEATURES[opening.feature])
        move = rim_shift(current, template.skin_triangles, (first, second), current[opening.template_ids], opening.rim)
        width = float(np.linalg.norm((second - first)[:2]))
        if move is not None and np.linalg.norm(move, axis=1).mean() >= RIM_GATE * width:
            moves.append((opening.template_ids, move))
    return moves


def _carry_inner(template: Template, start: np.ndarray, fitted: np.ndarray, user: UserSurface | None = None) -> np.ndarray:
    """Move the non-skin vertices by the inverse-distance average displacement of their 8 nearest skin vertices,
    then each eye the ``user`` surface opens back, as one piece, as far as it pokes out of its closed lid more than
    on the neutral template (an eye sculpted shut has no lid to close over it: it stays)."""
    skin_ids = template.skin_vertices
    inner = np.setdiff1d(np.arange(template.model.num_vertices), skin_ids)
    displacement = fitted[skin_ids] - start[skin_ids]
    dist, index = cKDTree(start[skin_ids]).query(start[inner], k=8)
    weights = 1.0 / np.maximum(dist, 1e-6)
    weights /= weights.sum(1, keepdims=True)
    result = fitted.copy()
    result[inner] = start[inner] + (weights[..., None] * displacement[index]).sum(1)
    for side in ("Left", "Right"):
        if user is None or not _eye_open(template, result, user, side):
            continue
        parts, cornea = _eye_parts(template, start, side)
        width = _eye_width(template, result, side)
        behind = (_eye_behind_lid(template, template.neutral, cornea, side) + LID_CLEARANCE * width
                  - _eye_behind_lid(template, result, cornea, side))
        if np.isfinite(behind) and behind > 0:
            result[parts, 2] -= min(behind, MAX_EYE_SHIFT * width)
    return result


def _eye_corners(template: Template, vertices: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
    marks = template.landmark_vertices
    return vertices[marks[f"eye_inner_{side.lower()}"]], vertices[marks[f"eye_outer_{side.lower()}"]]


def _eye_open(template: Template, vertices: np.ndarray, user: UserSurface, side: str) -> bool:
    """Whether the user's surface opens at this eye: rays through its middle pass it or reach far behind the corners."""
    inner, outer = _eye_corners(template, vertices, side)
    width = _eye_width(template, vertices, side)
    centre = (inner + outer) / 2
    near = np.abs(user.points[:, :2] - centre[:2]).max(1) < width
    local = user.triangles[near[user.triangles].any(1)]
    depth = front_depths(user.points, local, float(centre[0]), centre[1] + np.linspace(-0.1, 0.1, 5) * width)
    return bool((depth < max(inner[2], outer[2]) - OPEN_DEPTH * width).any())


def _eye_width(template: Template, vertices: np.ndarray, side: str) -> float:
    inner, outer = _eye_corners(template, vertices, side)
    return float(np.linalg.norm(outer - inner))


def _eye_parts(template: Template, vertices: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
    """The vertices of one eyeball (ball and cornea, separate pieces of the template) and their triangles."""
    inner, outer = _eye_corners(template, vertices, side)
    near = np.linalg.norm(vertices - (inner + outer) / 2, axis=1) < EYE_REACH * _eye_width(template, vertices, side)
    near[template.skin_vertices] = False
    triangles = template.inner_triangles[near[template.inner_triangles].all(1)]
    return np.unique(triangles), triangles


def _eye_behind_lid(template: Template, vertices: np.ndarray, cornea: np.ndarray, side: str) -> float:
    """How far the eye's front lies behind the fully closed lid (the template's blink), least over the eye's middle.

    On the neutral template the closed lid passes in front of the cornea; an identity or a free-form fit that
    moves the lids back without the eye leaves the cornea poking through a closed lid (-inf: nothing to measure).
    """
    inner, outer = _eye_corners(template, vertices, side)
    width = _eye_width(template, vertices, side)
    closed = vertices + template.model.deltas[INDEX[f"eyeBlink{side}"]]
    centre = (inner + outer) / 2
    ys = centre[1] + np.linspace(-0.3, 0.3, 13) * width
    gaps = []
    for share in (0.3, 0.4, 0.5, 0.6, 0.7):
        x = float(inner[0] + share * (outer[0] - inner[0]))
        lid = front_depths(closed, template.skin_triangles, x, ys)
        ball = front_depths(vertices, cornea, x, ys)
        covering = np.isfinite(ball) & np.isfinite(lid) & (np.abs(lid - ball) < LID_REACH * width)
        gaps.append(lid[covering] - ball[covering])
    gaps = np.concatenate(gaps)
    return float(gaps.min()) if len(gaps) else -np.inf
