"""Transfer that never tears: every shape is checked (torn triangles, worst stretch) and repaired, scaled or refused."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import Delaunay

from ml_backend.fitting import HeadPart, fit_head, transfer_expressions
from ml_backend.fitting.foreign import mediapipe_face
from ml_backend.fitting.quality import MeshCheck, check_shapes
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
