"""Automatic alignment: turn the user's head (any facing axis, any unit, anywhere) into the template's frame.

The template frame is the ICT model's: Y up, +Z forward, +X the subject's left, about 25 units
ear to ear. Alignment tries the 24 axis-aligned orientations at a few scales and two centrings
with a short rigid ICP each, keeps the best few and refines them with a similarity ICP.
Scores are measured in the user's own units, so a candidate cannot win by shrinking.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .template import Template

SCALE_FACTORS = (1.0, 0.8, 0.64, 0.51)  # full head ... face mask (a mask's spread is about half a head's)
TRIM = 0.8


@dataclass(frozen=True)
class Similarity:
    """x -> scale * R x + translation."""

    rotation: np.ndarray  # 3 x 3
    scale: float
    translation: np.ndarray  # 3

    def apply(self, points: np.ndarray) -> np.ndarray:
        return self.scale * points @ self.rotation.T + self.translation

    def then(self, other: "Similarity") -> "Similarity":
        """This transform followed by ``other``."""
        return Similarity(other.rotation @ self.rotation, other.scale * self.scale,
                          other.scale * other.rotation @ self.translation + other.translation)


@dataclass(frozen=True)
class Alignment:
    transform: Similarity  # world -> template frame
    score: float  # trimmed mean distance to the template, as a fraction of the template's interocular distance
    normal_sign: float  # +1 when the user's normals point outward, -1 when the mesh is inside out


def axis_rotations() -> list[np.ndarray]:
    """The 24 proper rotations that map coordinate axes onto coordinate axes."""
    rotations = []
    for perm in itertools.permutations(range(3)):
        for signs in itertools.product((1, -1), repeat=3):
            matrix = np.zeros((3, 3))
            matrix[np.arange(3), perm] = signs
            if np.linalg.det(matrix) > 0:
                rotations.append(matrix)
    blender_front = np.array([[1.0, 0, 0], [0, 0, 1], [0, -1, 0]])  # Z up, face looking at -Y
    rotations.sort(key=lambda r: np.abs(r - blender_front).sum())
    return rotations


def umeyama(source: np.ndarray, target: np.ndarray, weights: np.ndarray | None = None,
            with_scale: bool = True) -> Similarity:
    """Least-squares similarity (or rigid) transform taking ``source`` onto ``target``."""
    w = np.ones(len(source)) if weights is None else weights
    w = w / w.sum()
    mu_s, mu_t = w @ source, w @ target
    s0, t0 = source - mu_s, target - mu_t
    cov = (t0 * w[:, None]).T @ s0
    u, sig, vt = np.linalg.svd(cov)
    d = np.ones(3)
    d[2] = np.sign(np.linalg.det(u @ vt)) or 1.0
    rotation = u @ np.diag(d) @ vt
    var = float(w @ (s0 ** 2).sum(1))
    scale = float((sig * d).sum() / var) if with_scale and var > 0 else 1.0
    return Similarity(rotation, scale, mu_t - scale * rotation @ mu_s)


class _TemplateTarget:
    def __init__(self, template: Template, stride: int = 1):
        self.points = template.neutral[template.skin_vertices[::stride]]
        self.normals = template.neutral_normals[template.skin_vertices[::stride]]
        self.tree = cKDTree(self.points)
        self.unit = template.interocular
        face = self.points[self.points[:, 2] > np.percentile(self.points[:, 2], 55)]
        self.centres = (self.points.mean(0), face.mean(0))


def _icp(target: _TemplateTarget, points: np.ndarray, start: Similarity, iterations: int,
         with_scale: bool) -> Similarity:
    """Trimmed ICP. With scale, pairs run both ways (template points near the user's surface pull too),
    which keeps closest-point pairs from shrinking the head."""
    transform = start
    user_tree = cKDTree(points) if with_scale else None
    for _ in range(iterations):
        moved = transform.apply(points)
        dist, index = target.tree.query(moved)
        cutoff = np.quantile(dist, TRIM)
        keep = dist <= cutoff
        source, goal = moved[keep], target.points[index[keep]]
        if with_scale:
            probes = target.points[::4]
            back, back_index = user_tree.query((probes - transform.translation) @ transform.rotation / transform.scale)
            near = back * transform.scale <= cutoff
            source = np.concatenate([source, moved[back_index[near]]])
            goal = np.concatenate([goal, probes[near]])
        transform = transform.then(umeyama(source, goal, with_scale=with_scale))
    return transform


def _score(target: _TemplateTarget, points: np.ndarray, normals: np.ndarray, transform: Similarity,
           size_ratio: float) -> tuple[float, float]:
    """Trimmed mean distance relative to the template's interocular distance shrunk as the candidate shrinks
    the user (``size_ratio`` = candidate scale / the scale that matches the spreads), and the normal sign."""
    moved = transform.apply(points)
    dist, index = target.tree.query(moved)
    cutoff = np.quantile(dist, TRIM)
    keep = dist <= cutoff
    dots = (normals @ transform.rotation.T * target.normals[index]).sum(1)
    misfit = float(np.mean(np.abs(dots[keep]) < 0.5))
    score = float(dist[keep].mean()) / (target.unit * min(transform.scale / size_ratio, 1.0))
    sign = 1.0 if np.median(dots[keep]) >= 0 else -1.0
    return score * (1.0 + 2.0 * misfit), sign


def align_to_template(template: Template, points: np.ndarray, normals: np.ndarray,
                      rng: np.random.Generator | None = None) -> Alignment:
    """Similarity transform taking world ``points`` (with unit ``normals``) onto the template head."""
    rng = rng or np.random.default_rng(0)
    target = _TemplateTarget(template)
    sparse_target = _TemplateTarget(template, stride=8)
    coarse = points[rng.choice(len(points), min(len(points), 250), replace=False)]
    fine_index = rng.choice(len(points), min(len(points), 3000), replace=False)
    fine, fine_normals = points[fine_index], normals[fine_index]
    centre = points.mean(0)
    spread = np.sqrt(((points - centre) ** 2).sum(1).mean())
    template_spread = np.sqrt(((target.points - target.centres[0]) ** 2).sum(1).mean())
    matched = template_spread / max(spread, 1e-12)
    candidates = []
    for rotation in axis_rotations():
        for factor in SCALE_FACTORS:
            scale = matched * factor
            for goal in target.centres:
                start = Similarity(rotation, scale, goal - scale * rotation @ centre)
                result = _icp(sparse_target, coarse, start, 5, with_scale=False)
                score, _ = _score(sparse_target, fine[:400], fine_normals[:400], result, matched)
                candidates.append((score, result))
    candidates.sort(key=lambda c: c[0])
    best = None
    for _, start in candidates[:4]:
        result = _icp(target, fine, start, 20, with_scale=True)
        score, sign = _score(target, fine, fine_normals, result, matched)
        if best is None or score < best.score:
            best = Alignment(result, score, sign)
    return best


def score_alignment(template: Template, points: np.ndarray, normals: np.ndarray, transform: Similarity,
                    rng: np.random.Generator | None = None) -> Alignment:
    """How well a given transform (from landmarks) lays world ``points`` onto the template: residual and normal sign."""
    rng = rng or np.random.default_rng(0)
    target = _TemplateTarget(template)
    pick = rng.choice(len(points), min(len(points), 3000), replace=False)
    score, sign = _score(target, points[pick], normals[pick], transform, transform.scale)
    return Alignment(transform, score, sign)
