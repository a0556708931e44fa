"""Transfer that never tears: every shape is checked (torn triangles, worst stretch) and repaired, scaled or refused."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import Delaunay

from ml_backend.fitting import HeadPart, fit_head, transfer_expressions
from ml_backend.fitting.foreign import mediapipe_face
from ml_backend.fitting.mesh import adjacency, face_normals, vertex_normals
from ml_backend.fitting.quality import MeshCheck, check_shapes
from ml_backend.fitting.transfer import fill_unreliable, unique_rows
from ml_backend.naming.arkit import INDEX


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("I2FET_CACHE", str(tmp_path))


def sheet(count: int = 21) -> tuple[np.ndarray, np.ndarray]:
    grid = np.linspace(0.0, 1.0, count)
    x, y = np.meshgrid(grid, grid)
    points = np.column_stack([x.ravel(), y.ravel(), np.zeros(x.size)])
    return points, Delaunay(points[:, :2]).simplices


def test_a_vertex_pushed_across_its_neighbours_is_repaired_locally():
    vertices, triangles = sheet()
    smooth = np.zeros_like(vertices)
    smooth[:, 2] = 0.05 * np.sin(np.pi * vertices[:, 0])  # a smooth bulge: nothing tears
    torn = smooth.copy()
    middle = np.argmin(np.linalg.norm(vertices[:, :2] - 0.5, axis=1))
    torn[middle, 0] += 0.12  # more than two grid cells sideways: its triangles turn over
    mesh = MeshCheck(vertices, triangles)
    assert mesh.measure(smooth)[0].sum() == 0 and mesh.measure(torn)[0].sum() > 0
    fixed, checks = check_shapes(vertices, triangles, np.stack([smooth, torn]))
    assert checks[0].action == "ok" and checks[1].action == "repaired"
    assert checks[1].flipped > 0 and checks[1].flipped_after == 0 and mesh.measure(fixed[1])[0].sum() == 0
    far = np.linalg.norm(vertices[:, :2] - vertices[middle, :2], axis=1) > 0.3
    np.testing.assert_allclose(fixed[1][far], torn[far])  # the repair stays where it tore
    np.testing.assert_array_equal(fixed[0], smooth)


def test_a_shape_that_turns_everything_over_is_scaled_or_refused_and_allowed_folds_are_kept():
    vertices, triangles = sheet(9)
    mirror = np.zeros_like(vertices)
    mirror[:, 0] = 1.0 - 2.0 * vertices[:, 0]  # x -> 1 - x: every triangle turns over
    fixed, checks = check_shapes(vertices, triangles, mirror[None])
    assert checks[0].flipped == len(triangles) and checks[0].flipped_after == 0
    assert checks[0].action in ("limited", "refused") or checks[0].action.startswith("scaled to")
    assert MeshCheck(vertices, triangles).torn(fixed[0]).sum() == 0
    everywhere = lambda k: np.ones(len(triangles), bool)  # the template folds here too: follow it
    kept, folded = check_shapes(vertices, triangles, mirror[None], everywhere)
    assert folded[0].action == "ok" and folded[0].flipped == 0
    np.testing.assert_array_equal(kept[0], mirror)


def test_slivers_are_not_judged():
    vertices = np.array([[0.0, 0, 0], [1, 0, 0], [0.5, 0.01, 0], [0.5, 1, 0]])
    triangles = np.array([[0, 1, 2], [0, 2, 3], [2, 1, 3]])
    delta = np.zeros_like(vertices)
    delta[2, 1] = -0.02  # the sliver turns over, the others do not
    mesh = MeshCheck(vertices, triangles)
    assert not mesh.judged[0] and mesh.torn(delta).sum() == 0


def test_a_real_head_gets_checked_shapes_and_a_note_for_its_shut_eyes():
    face = mediapipe_face()
    fit = fit_head(HeadPart(face.vertices, face.triangles, np.diag([0.01, 0.01, 0.01, 1.0])), use_cache=False)
    transfer = transfer_expressions(fit)
    assert len(transfer.checks) == 52 and all(c.flipped_after == 0 for c in transfer.checks)
    assert transfer.checks[INDEX["jawOpen"]].action in ("ok", "repaired")
    assert np.abs(transfer.deltas[0][INDEX["jawOpen"]]).max() > 0.005  # metres: the chin drops
    unrepaired = transfer_expressions(fit, repair=False)
    for k, check in enumerate(transfer.checks):  # untouched shapes are as transferred
        if check.action == "ok":
            np.testing.assert_array_equal(transfer.deltas[0][k], unrepaired.deltas[0][k])
    assert any("sculpted shut" in note for note in transfer.notes)


def test_the_photoscanned_bust_is_found_fitted_and_its_shut_eyes_and_mouth_are_said():
    """Demosthenes (eyes and mouth sculpted shut, beard, shoulders) upside down: found, fitted, never torn, noted."""
    from scipy.spatial.transform import Rotation

    from ml_backend.fitting.foreign import read_obj
    from ml_backend.paths import assets_root

    bust = read_obj(assets_root() / "heads" / "demosthenes.obj.xz")
    matrix = np.eye(4)
    matrix[:3, :3] = Rotation.from_euler("x", -90, degrees=True).as_matrix()  # Y up -> upside down in a Z-up scene
    fit = fit_head(HeadPart(bust.vertices, bust.triangles, matrix), use_cache=False)
    assert fit.confidence > 0.8 and "up is about -Z" in fit.notes[0]
    chin, eyes = fit.landmarks["chin"], (fit.landmarks["eye_outer_left"] + fit.landmarks["eye_outer_right"]) / 2
    assert (matrix[:3, :3] @ (eyes - chin))[2] < 0  # upside down: the eyes are below the chin in the world
    transfer = transfer_expressions(fit)
    assert all(c.flipped_after == 0 for c in transfer.checks)
    assert any("both eyes are sculpted shut" in n for n in transfer.notes)
    assert any("mouth has no opening" in n for n in transfer.notes)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.01, 0.3), st.integers(0, 3))
def test_rechecking_only_the_changed_triangles_gives_the_full_check(seed, size, rings):
    """The repair steps recheck only triangles touching the vertices they changed: the same mask as a full check."""
    rng = np.random.default_rng(seed)
    vertices, triangles = sheet(9)
    mesh = MeshCheck(vertices, triangles)
    delta = rng.normal(0.0, size, vertices.shape) * (rng.random(len(vertices)) < 0.5)[:, None]
    region = mesh._grow(rng.random(len(vertices)) < 0.1, rings)
    changed = np.where(region[:, None], rng.normal(0.0, size, vertices.shape), delta)
    allowed = rng.random(len(triangles)) < 0.3
    previous = mesh.torn(delta, allowed)
    np.testing.assert_array_equal(mesh.torn(changed, allowed, mesh.touching(region), previous), mesh.torn(changed, allowed))
    asked = lambda rows: allowed[rows]  # the lazy form the template's folds use gives the same mask
    np.testing.assert_array_equal(mesh.torn(changed, asked), mesh.torn(changed, allowed))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(3, 40))
def test_unique_rows_on_a_combined_key_is_numpys_unique_over_rows(seed, rows, count):
    triangles = np.random.default_rng(seed).integers(0, count, (rows, 3))
    unique, inverse = unique_rows(triangles, count)
    expected, expected_inverse = np.unique(triangles, axis=0, return_inverse=True)
    np.testing.assert_array_equal(unique, expected)
    np.testing.assert_array_equal(inverse, expected_inverse.reshape(-1))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_filling_unreliable_vertices_moves_only_them_toward_their_neighbours(seed):
    rng = np.random.default_rng(seed)
    vertices, triangles = sheet(9)
    deltas = rng.normal(0.0, 1.0, (4, len(vertices), 3)).astype(np.float32)
    agreement = np.where(rng.random(len(vertices)) < 0.2, -1.0, 1.0)
    filled = fill_unreliable(deltas, triangles, agreement, iterations=400)
    graph = adjacency(len(vertices), triangles)
    changed = np.flatnonzero((filled != deltas).any((0, 2)))
    assert set(changed) <= set(np.flatnonzero(agreement < 0.5))  # reliable vertices keep their motion
    degree = np.asarray(graph.sum(1)).ravel()
    for v in changed:  # each filled vertex is the mean of its neighbours (the harmonic fill has converged)
        mean = np.einsum("n,knd->kd", graph[v].toarray().ravel(), filled) / degree[v]
        np.testing.assert_allclose(filled[:, v], mean, atol=1e-4)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(4, 60), st.integers(1, 120))
def test_vertex_normals_sum_every_corner_like_add_at(seed, count, faces):
    rng = np.random.default_rng(seed)
    vertices = rng.normal(size=(count, 3))
    triangles = rng.integers(0, count, (faces, 3))
    weighted = face_normals(vertices, triangles, normalize=False)
    expected = np.zeros_like(vertices)
    for i in range(3):
        np.add.at(expected, triangles[:, i], weighted)
    expected /= np.maximum(np.linalg.norm(expected, axis=1, keepdims=True), 1e-30)
    np.testing.assert_array_equal(vertex_normals(vertices, triangles), expected)
