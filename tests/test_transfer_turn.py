"""The transfer's turn of the template's expressions: in full as the large-scale surface turns, at most
``LOCAL_TURN_DEGREES`` beyond it (the free-form fit's finer folds: a remesh's facets, a coarse mask's crumpled lids)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from ml_backend.fitting import load_template
from ml_backend.fitting.mesh import vertex_normals
from ml_backend.naming.arkit import INDEX
from ml_backend.fitting.transfer import (LOCAL_TURN_DEGREES, SURFACE_SMOOTHING, frame_rotations, lip_weights,
                                         smoothed_normals, surface_rotations, template_expression_deltas)


def unit(rng: np.random.Generator, count: int) -> np.ndarray:
    vectors = rng.normal(size=(count, 3))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def angles(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.degrees(np.arccos(np.clip((a * b).sum(-1), -1.0, 1.0)))


def rotation_angles(rotations: np.ndarray) -> np.ndarray:
    """Degrees each rotation (N, 3, 3) turns by."""
    return np.degrees(np.arccos(np.clip((np.trace(rotations, axis1=1, axis2=2) - 1) / 2, -1.0, 1.0)))


@pytest.fixture(scope="module")
def template():
    return load_template()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.5, 90.0))
def test_a_limited_turn_goes_toward_the_target_by_at_most_the_limit(seed, limit):
    rng = np.random.default_rng(seed)
    source, target = unit(rng, 50), unit(rng, 50)
    full = frame_rotations(source, target)
    limited = frame_rotations(source, target, np.radians(limit))
    for rotations in (full, limited):  # proper rotations
        np.testing.assert_allclose(rotations @ rotations.transpose(0, 2, 1), np.broadcast_to(np.eye(3), rotations.shape), atol=1e-9)
        np.testing.assert_allclose(np.linalg.det(rotations), 1.0, atol=1e-9)
    np.testing.assert_allclose(np.einsum("vij,vj->vi", full, source), target, atol=1e-9)
    turned = np.einsum("vij,vj->vi", limited, source)
    between = angles(source, target)
    np.testing.assert_allclose(angles(source, turned), np.minimum(between, limit), atol=1e-4)
    np.testing.assert_allclose(angles(turned, target), between - np.minimum(between, limit), atol=1e-4)


def test_a_broad_turn_is_kept_in_full_and_a_fine_crumple_is_limited(template):
    """A face bent as a whole (the forehead sloping back more the higher it is) turns the deltas with it as the plain
    local turn does; a crumple finer than the smoothing (vertices pushed about) turns them at most
    LOCAL_TURN_DEGREES beyond the broad turn. Unsmoothed (the old transfer), the crumpled vertices' deltas turned
    with every fold."""
    start = template.neutral
    skin = template.skin_vertices
    centre = template.landmark_points(start).mean(0)
    height = (start[:, 1] - centre[1]) / template.interocular
    bend = np.radians(20.0) * np.clip(height, 0.0, None)  # about the x axis through the face's centre
    y, z = start[:, 1] - centre[1], start[:, 2] - centre[2]
    bent = start.copy()
    bent[:, 1] = centre[1] + y * np.cos(bend) - z * np.sin(bend)
    bent[:, 2] = centre[2] + y * np.sin(bend) + z * np.cos(bend)
    forehead = skin[(height[skin] > 0.6) & (height[skin] < 1.2) & (np.abs(start[skin, 0] - centre[0]) < 0.5 * template.interocular)
                    & (start[skin, 2] > centre[2])]
    assert len(forehead) > 50
    broad = surface_rotations(template, start, bent, SURFACE_SMOOTHING)[forehead]
    plain = surface_rotations(template, start, bent, 0)[forehead]
    assert np.median(rotation_angles(plain)) > 8.0  # the forehead does turn
    carried = np.einsum("vij,vj->vi", broad, vertex_normals(start, template.triangles)[forehead])
    assert np.percentile(angles(carried, vertex_normals(bent, template.triangles)[forehead]), 90) < 1.0
    assert np.percentile(rotation_angles(broad @ plain.transpose(0, 2, 1)), 90) < LOCAL_TURN_DEGREES

    rng = np.random.default_rng(5)
    k = INDEX["noseSneerLeft"]
    crumpled = start.copy()
    near = skin[np.linalg.norm(start[skin] - centre, axis=1) < 0.5 * template.interocular]
    near = near[rng.random(len(near)) < 0.05]  # scattered vertices, each pushed about: folds finer than the smoothing
    lip = np.flatnonzero(lip_weights(template) == 1.0)
    near = np.union1d(near, lip[rng.random(len(lip)) < 0.3])  # some on the lower lip too
    crumpled[near] += rng.normal(0.0, 0.03 * template.interocular, (len(near), 3))
    local_turn = angles(vertex_normals(start, template.triangles), vertex_normals(crumpled, template.triangles))
    lips = lip_weights(template)
    folded = near[(local_turn[near] > 3 * LOCAL_TURN_DEGREES) & (lips[near] == 0)]
    assert len(folded) > 5  # the crumple turns these vertices' own normals far
    smoothed = surface_rotations(template, start, crumpled, SURFACE_SMOOTHING)
    broad = frame_rotations(*(smoothed_normals(v, template.skin_triangles, SURFACE_SMOOTHING)[folded] for v in (start, crumpled)))
    assert np.median(rotation_angles(broad)) < 2.0  # scattered folds hardly turn the large-scale surface
    assert rotation_angles(smoothed[folded] @ broad.transpose(0, 2, 1)).max() < LOCAL_TURN_DEGREES + 1e-6
    assert rotation_angles(surface_rotations(template, start, crumpled, 0)[folded]).min() > 3 * LOCAL_TURN_DEGREES
    deltas = template_expression_deltas(template, crumpled, start)
    np.testing.assert_allclose(deltas[k][folded], np.einsum("vij,vj->vi", smoothed[folded], template.model.deltas[k][folded]),
                               atol=1e-5)
    on_lips = near[(local_turn[near] > 3 * LOCAL_TURN_DEGREES) & (lips[near] == 1)]
    assert len(on_lips) > 0  # the lips keep the full local turn (a remesh's fused lower lip needs it to roll)
    carried = np.einsum("vij,vj->vi", smoothed[on_lips], vertex_normals(start, template.triangles)[on_lips])
    assert angles(carried, vertex_normals(crumpled, template.triangles)[on_lips]).max() < 1e-3


def test_the_lips_are_where_the_lip_shapes_move(template):
    lips = lip_weights(template)
    assert lips.max() == 1.0 and lips.min() == 0.0 and 0 < np.count_nonzero(lips) < 0.2 * len(lips)
    roll = np.linalg.norm(template.model.deltas[INDEX["mouthRollLower"]], axis=1)
    assert np.all(lips[roll >= 0.6 * roll.max()] == 1.0)
    brow = np.linalg.norm(template.model.deltas[INDEX["browInnerUp"]], axis=1)
    assert np.all(lips[brow >= 0.3 * brow.max()] == 0.0)
