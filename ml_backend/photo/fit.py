"""Fit the ICT head to one photo's landmarks: pose, perspective camera, identity and expression together, then a
smooth free-form correction.

Unknowns: a rotation and translation (model -> camera), the focal length (log, with a broad prior
around a portrait lens), the 40 identity coefficients (shape-only modes, unit Gaussian prior) and
the 51 expression weights (bounded to 0..1, pulled toward what the learned mapping reads from
MediaPipe's scores). They are solved jointly (scipy's bounded least squares) from MediaPipe's 468
landmark positions through the ICT <-> MediaPipe correspondence, with MediaPipe's relative depths
as a weak extra term: solving expression and identity together keeps a smile out of the face's
shape. What the modes cannot reach is taken up by a free-form correction: the remaining landmark
offsets, shrunk and spread smoothly over the head with Gaussian radial basis functions (a
regularised interpolation), applied to the neutral head so that expressions still animate on it.

Camera frame: OpenCV axes (x right, y down, z forward); pixel = f * (x, y) / z + image centre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from ..naming.arkit import NUM_CHANNELS
from .detect import EYE_OUTER, Detection
from .topology import NUM_MESH_LANDMARKS, Correspondence

FLIP = np.diag([1.0, -1.0, -1.0])  # model/OpenGL (y up, looking along -z) <-> OpenCV camera axes
FOCAL_PRIOR = 1.6  # focal length / longer image side: a 50-60 mm (35 mm-equivalent) portrait lens
FOCAL_PRIOR_LOG_SIGMA = 0.5
LANDMARK_SIGMA = 0.012  # expected landmark noise, in interocular distances
DEPTH_SIGMA = 0.08  # MediaPipe's relative depths are rough: a weak term
EXPRESSION_SIGMA = 0.3  # how far the geometry may move a weight from what the mapping reads
IDENTITY_SIGMA = 1.0
GAP_SIGMA = 0.004  # expected error of the lips' opening (inner upper - lower margin), in interocular distances
# Facing inner-lip landmarks (upper, lower), MediaPipe's ids: their difference is the mouth's opening, which
# decides whether the teeth show. Measured between two neighbours it is much surer than either landmark
# alone (shared errors cancel), so it gets its own term: a closed mouth in the photo is closed on the head.
LIP_PAIRS = ((13, 14), (82, 87), (81, 178), (80, 88), (191, 95), (312, 317), (311, 402), (310, 318), (415, 324))
OVAL_WEIGHT = 0.5  # the face oval follows the silhouette, not fixed skin points
RBF_SIGMA = 1.5  # cm: reach of the free-form correction
RBF_SMOOTHING = 0.3
RBF_ROWS = 2048  # points per block when the correction is evaluated (a 2048 x 468 float32 buffer: 3.8 MB)
RBF_SHRINK = 0.85
RBF_MAX = 0.6  # cm: no landmark moves further than this in the correction
MAX_ITERATIONS = 40


@dataclass(frozen=True)
class Camera:
    """A pinhole camera: model (ICT cm) -> camera (OpenCV axes) -> pixels."""

    rotation: np.ndarray  # 3 x 3
    translation: np.ndarray  # 3
    focal: float  # pixels
    width: int
    height: int

    @property
    def centre(self) -> np.ndarray:
        return np.array([self.width / 2.0, self.height / 2.0])

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        return np.asarray(points, np.float64) @ self.rotation.T + self.translation

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixels (N x 2) and depths (N,) of model-space points."""
        cam = self.to_camera(points)
        z = cam[:, 2]
        return self.focal * cam[:, :2] / z[:, None] + self.centre, z

    @property
    def focal_35mm(self) -> float:
        """The focal length as a 35 mm-equivalent lens (36 mm across the longer side)."""
        return 36.0 * self.focal / max(self.width, self.height)

    def scaled(self, factor: float) -> "Camera":
        """The same view rendered at ``factor`` times the resolution."""
        return Camera(self.rotation, self.translation, self.focal * factor, round(self.width * factor), round(self.height * factor))

    def orbit(self, yaw_degrees: float, centre: np.ndarray) -> "Camera":
        """The camera turned about the vertical axis through ``centre`` (model space), keeping its distance."""
        turn = Rotation.from_euler("y", yaw_degrees, degrees=True).as_matrix()
        rotation = self.rotation @ turn
        translation = self.to_camera(centre[None])[0] - rotation @ centre
        return Camera(rotation, translation, self.focal, self.width, self.height)


@dataclass(frozen=True)
class PhotoFit:
    """The fitted head: camera, identity, expression, free-form offsets (on all ICT vertices) and residuals."""

    camera: Camera
    identity: np.ndarray  # K
    weights: np.ndarray  # 52 ARKit weights (the photo's expression)
    mapped_weights: np.ndarray  # 52: what the learned mapping read from MediaPipe's scores alone
    free_form: np.ndarray  # V x 3 (cm), added to the neutral + identity head
    landmark_error: float  # mean 2D landmark error after the full fit, in interocular distances
    landmark_error_modes: float  # ... after identity + expression only (before the free-form correction)


def _oval_ids() -> np.ndarray:
    try:
        from mediapipe.tasks.python.vision import FaceLandmarksConnections as connections
        return np.unique([[c.start, c.end] for c in connections.FACE_LANDMARKS_FACE_OVAL])
    except (ImportError, AttributeError):
        return np.zeros(0, np.int64)


def _initial_pose(detection: Detection, points: np.ndarray, focal: float, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    rotation_gl = detection.matrix[:3, :3] / np.cbrt(max(np.linalg.det(detection.matrix[:3, :3]), 1e-12))
    u, _, vt = np.linalg.svd(FLIP @ rotation_gl)
    rotation = u @ vt
    model_iod = np.linalg.norm(points[EYE_OUTER[0]] - points[EYE_OUTER[1]])
    depth = focal * model_iod / max(detection.interocular, 1e-6)
    centre_px = detection.landmarks[:NUM_MESH_LANDMARKS, :2].mean(0)
    target = np.array([(centre_px[0] - width / 2) / focal * depth, (centre_px[1] - height / 2) / focal * depth, depth])
    return rotation, target - rotation @ points.mean(0)


def fit_photo(detection: Detection, correspondence: Correspondence, neutral: np.ndarray, shape_modes: np.ndarray,
              deltas: np.ndarray, has_shape: np.ndarray, mapped_weights: np.ndarray) -> PhotoFit:
    """Solve pose, focal length, identity and expression from the landmarks, then the free-form correction."""
    width, height = detection.image_size
    target = detection.landmarks[:NUM_MESH_LANDMARKS]
    iod = max(detection.interocular, 1e-6)
    base = correspondence.points(neutral)  # L x 3
    modes = correspondence.points(shape_modes)  # K x L x 3
    active = np.flatnonzero(has_shape)
    expr = correspondence.points(deltas[active])  # E x L x 3
    num_modes, num_expr = len(modes), len(active)
    prior_weights = np.clip(np.asarray(mapped_weights, np.float64)[active], 0.0, 1.0)
    focal0 = FOCAL_PRIOR * max(width, height)
    rotation0, translation0 = _initial_pose(detection, base, focal0, width, height)
    point_weight = np.ones(NUM_MESH_LANDMARKS)
    point_weight[_oval_ids()[_oval_ids() < NUM_MESH_LANDMARKS]] = OVAL_WEIGHT
    target_depth = target[:, 2] - target[:, 2].mean()
    upper, lower = np.array(LIP_PAIRS).T
    target_gap = target[lower, :2] - target[upper, :2]
    flat_modes = modes.reshape(num_modes, -1).T  # 3L x K
    flat_expr = expr.reshape(num_expr, -1).T  # 3L x E
    flat_base = base.reshape(-1)
    centre = np.array([width / 2.0, height / 2.0])

    def points_of(coeffs: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return (flat_base + flat_modes @ coeffs + flat_expr @ weights).reshape(-1, 3)

    def system(rotation, translation, focal, coeffs, weights):
        """Residuals and their Jacobian w.r.t. [local rotation (3), translation (3), log focal, coeffs, weights]."""
        points = points_of(coeffs, weights)
        rotated = points @ rotation.T
        cam = rotated + translation
        z = np.maximum(cam[:, 2], 1e-3)
        pixels = focal * cam[:, :2] / z[:, None] + centre
        scale = (point_weight / (LANDMARK_SIGMA * iod))[:, None]
        r_2d = (pixels - target[:, :2]) * scale  # L x 2
        # d pixel / d cam: L x 2 x 3
        d_proj = np.zeros((len(cam), 2, 3))
        d_proj[:, 0, 0] = d_proj[:, 1, 1] = focal / z
        d_proj[:, :, 2] = -focal * cam[:, :2] / z[:, None] ** 2
        d_proj *= scale[:, :, None]
        skew = np.zeros((len(cam), 3, 3))  # d(exp(d) R P)/d d = -[R P]x
        skew[:, 0, 1], skew[:, 0, 2], skew[:, 1, 2] = rotated[:, 2], -rotated[:, 1], rotated[:, 0]
        skew[:, 1, 0], skew[:, 2, 0], skew[:, 2, 1] = -rotated[:, 2], rotated[:, 1], -rotated[:, 0]
        d_cam = np.concatenate([skew, np.broadcast_to(np.eye(3), skew.shape), np.zeros((len(cam), 3, 1)),
                                np.einsum("ij,ljk->lik", rotation, modes_l), np.einsum("ij,ljk->lik", rotation, expr_l)], 2)
        j_2d = np.einsum("lab,lbp->lap", d_proj, d_cam)  # L x 2 x P
        j_2d[:, :, 6] = (pixels - centre) * scale
        depth_unit = z.mean() / focal  # cm per pixel at the face
        depth_scale = np.sqrt(point_weight) * 0.3 / (DEPTH_SIGMA * iod * depth_unit)
        centred = z - z.mean()
        r_depth = (centred - target_depth * depth_unit) * depth_scale
        j_depth = (d_cam[:, 2, :] - d_cam[:, 2, :].mean(0)) * depth_scale[:, None]
        j_depth[:, 6] = 0.0
        gap_scale = 1.0 / (GAP_SIGMA * iod)
        r_gap = ((pixels[lower] - pixels[upper]) - target_gap) * gap_scale
        j_gap = (j_2d[lower] / scale[lower, :, None] - j_2d[upper] / scale[upper, :, None]) * gap_scale
        num = 7 + num_modes + num_expr
        r_prior = np.concatenate([coeffs / IDENTITY_SIGMA, (weights - prior_weights) / EXPRESSION_SIGMA,
                                  [np.log(focal / focal0) / FOCAL_PRIOR_LOG_SIGMA]])
        j_prior = np.zeros((len(r_prior), num))
        j_prior[:num_modes, 7:7 + num_modes] = np.eye(num_modes) / IDENTITY_SIGMA
        j_prior[num_modes:num_modes + num_expr, 7 + num_modes:] = np.eye(num_expr) / EXPRESSION_SIGMA
        j_prior[-1, 6] = 1.0 / FOCAL_PRIOR_LOG_SIGMA
        residual = np.concatenate([r_2d.reshape(-1), r_depth, r_gap.reshape(-1), r_prior])
        jacobian = np.concatenate([j_2d.reshape(-1, num), j_depth, j_gap.reshape(-1, num), j_prior])
        return residual, jacobian

    modes_l = modes.transpose(1, 2, 0)  # L x 3 x K
    expr_l = expr.transpose(1, 2, 0)  # L x 3 x E
    state = [rotation0, translation0.copy(), focal0, np.zeros(num_modes), prior_weights.copy()]
    residual, jacobian = system(*state)
    cost = residual @ residual
    damping = 1e-3
    for _ in range(MAX_ITERATIONS):  # Levenberg-Marquardt; weights projected onto 0..1
        normal = jacobian.T @ jacobian
        gradient = jacobian.T @ residual
        step = -np.linalg.solve(normal + damping * np.diag(np.diag(normal) + 1e-9), gradient)
        rotation, translation, focal, coeffs, weights = state
        trial = [Rotation.from_rotvec(step[:3]).as_matrix() @ rotation, translation + step[3:6], focal * np.exp(step[6]),
                 coeffs + step[7:7 + num_modes], np.clip(weights + step[7 + num_modes:], 0.0, 1.0)]
        trial_residual, trial_jacobian = system(*trial)
        trial_cost = trial_residual @ trial_residual
        if trial_cost < cost:
            improvement = (cost - trial_cost) / max(cost, 1e-12)
            state, residual, jacobian, cost = trial, trial_residual, trial_jacobian, trial_cost
            damping = max(damping / 3, 1e-7)
            if improvement < 1e-6:
                break
        else:
            damping *= 4
            if damping > 1e6:
                break
    rotation, translation, focal, coeffs, active_weights = state
    camera = Camera(rotation, translation, float(focal), width, height)
    weights = np.zeros(NUM_CHANNELS, np.float32)
    weights[active] = active_weights
    fitted = points_of(coeffs, active_weights)
    before = _landmark_error(camera, fitted, target, iod)

    head = neutral + np.tensordot(coeffs, shape_modes, axes=1)
    free_form = _free_form(camera, fitted, target, head, correspondence)
    corrected = fitted + correspondence.points(free_form)
    after = _landmark_error(camera, corrected, target, iod)
    return PhotoFit(camera, coeffs.astype(np.float32), weights, np.asarray(mapped_weights, np.float32),
                    free_form.astype(np.float32), after, before)


def _landmark_error(camera: Camera, points: np.ndarray, target: np.ndarray, iod: float) -> float:
    pixels, _ = camera.project(points)
    return float(np.linalg.norm(pixels - target[:, :2], axis=1).mean() / iod)


def _free_form(camera: Camera, fitted: np.ndarray, target: np.ndarray, head: np.ndarray,
               correspondence: Correspondence) -> np.ndarray:
    """Per-vertex offsets (V x 3, model space) that move the landmarks toward their image positions.

    Each landmark's target is its image position back-projected at the fitted depth; the offsets are
    shrunk (RBF_SHRINK), capped (RBF_MAX) and interpolated with smoothing by Gaussian RBFs centred
    on the landmarks of the neutral-expression head, so the correction is smooth and fades away from
    the face.
    """
    cam = camera.to_camera(fitted)
    z = cam[:, 2:3]
    wanted = np.concatenate([(target[:, :2] - camera.centre) / camera.focal * z, z], axis=1)
    offsets = (wanted - cam) @ camera.rotation  # back to model axes
    offsets *= RBF_SHRINK
    length = np.linalg.norm(offsets, axis=1, keepdims=True)
    offsets *= np.minimum(1.0, RBF_MAX / np.maximum(length, 1e-9))
    centres = correspondence.points(head)
    squared = ((centres[:, None] - centres[None]) ** 2).sum(-1)
    kernel = np.exp(-squared / (2 * RBF_SIGMA ** 2))
    coefficients = np.linalg.solve(kernel + RBF_SMOOTHING * np.eye(len(centres)), offsets)
    out = np.zeros_like(head)
    near = np.flatnonzero(np.linalg.norm(head - centres.mean(0), axis=1) < np.ptp(centres, axis=0).max() + 4 * RBF_SIGMA)
    out[near] = _gaussian_rbf(head[near], centres, coefficients, RBF_SIGMA)
    return out


def _gaussian_rbf(points: np.ndarray, centres: np.ndarray, coefficients: np.ndarray, sigma: float,
                  rows: int = RBF_ROWS) -> np.ndarray:
    """sum_j exp(-|p - c_j|^2 / 2 sigma^2) coefficients_j for each point (float32), ``rows`` points at a time.

    One reused rows x centres buffer, worked in place: the whole points x centres matrix (26,000 x 468,
    50 MB per temporary) made the allocator fault in fresh pages for each of its five temporaries,
    which cost more than the arithmetic (about 0.4 s of CPU per photo against 0.1 s this way).
    """
    points, centres = np.asarray(points, np.float32), np.asarray(centres, np.float32)
    coefficients = np.asarray(coefficients, np.float32)
    centre_norms = (centres ** 2).sum(1)[None]
    scale = np.float32(-1.0 / (2 * sigma ** 2))
    out = np.empty((len(points), coefficients.shape[1]), np.float32)
    buffer = np.empty((min(rows, len(points)), len(centres)), np.float32)
    for start in range(0, len(points), rows):
        block = points[start:start + rows]
        d2 = buffer[:len(block)]  # rows x centres: squared distances, then the kernel
        np.matmul(block, centres.T, out=d2)
        d2 *= -2.0
        d2 += (block ** 2).sum(1)[:, None]
        d2 += centre_norms
        np.maximum(d2, 0.0, out=d2)
        d2 *= scale
        np.exp(d2, out=d2)
        np.matmul(d2, coefficients, out=out[start:start + len(block)])
    return out
