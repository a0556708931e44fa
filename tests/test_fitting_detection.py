"""Face detection on the mesh itself (renders read by MediaPipe): any axis, upside down, lying, any unit; user landmarks win."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.spatial import ConvexHull
from scipy.spatial.transform import Rotation

from ml_backend.fitting import HeadFitError, HeadPart, LandmarkError, detect_landmarks, find_landmarks, fit_head
from ml_backend.fitting.detection import MEDIAPIPE_IDS, find_face, unrotate
from ml_backend.fitting.foreign import mediapipe_face


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("I2FET_CACHE", str(tmp_path))


@pytest.fixture(scope="module")
def face():
    return mediapipe_face()


def placed(rotation_deg: tuple[float, float, float], scale: float) -> np.ndarray:
    matrix = np.eye(4)
    matrix[:3, :3] = Rotation.from_euler("xyz", rotation_deg, degrees=True).as_matrix() * scale
    return matrix


@pytest.mark.parametrize("rotation, scale, looks, up", [
    ((0, 0, 0), 1.0, (0, 0, 1), (0, 1, 0)),  # Y up, centimetres
    ((180, 0, 0), 10.0, (0, 0, -1), (0, -1, 0)),  # upside down, millimetres
    ((-90, 0, 0), 0.01, (0, 1, 0), (0, 0, -1)),  # lying on its back in a Z-up scene (looking up), metres
    ((90, 0, 30), 0.01, (0.5, -0.866, 0), (0, 0, 1)),  # Blender front, turned 30 degrees
])
def test_the_face_is_found_at_any_orientation_and_unit(face, rotation, scale, looks, up):
    matrix = placed(rotation, scale)
    world = face.vertices @ matrix[:3, :3].T
    finding = find_face(world, face.triangles)
    assert finding.found and finding.confidence > 0.8, finding.message()
    assert np.dot(finding.looks, looks) > 0.95 and np.dot(finding.up, up) > 0.9
    truth = world[MEDIAPIPE_IDS["eye_outer_left"]] - world[MEDIAPIPE_IDS["eye_outer_right"]]
    assert finding.interocular == pytest.approx(np.linalg.norm(truth), rel=0.1)
    unit = {1.0: "centimetres", 10.0: "millimetres", 0.01: "metres"}[scale]
    assert unit in finding.message()
    for name, i in MEDIAPIPE_IDS.items():
        assert np.linalg.norm(finding.landmarks[name] - world[i]) < 0.08 * finding.interocular, name


def test_image_rotations_map_back():
    size = 100
    image = np.zeros((size, size))
    image[10, 70] = 1.0  # row 10, column 70: the pixel centred at (70.5, 10.5)
    for turns in range(4):
        row, col = np.argwhere(np.rot90(image, turns))[0]
        back = unrotate(np.array([[col + 0.5, row + 0.5]]), turns, size)[0]
        np.testing.assert_allclose(back, [70.5, 10.5])


def test_no_face_says_so_and_asks_for_landmarks():
    grid = np.linspace(-1, 1, 7)
    cube = np.array([p for p in itertools.product(grid, grid, grid) if np.abs(p).max() == 1.0])
    finding = find_face(cube, ConvexHull(cube).simplices)
    assert not finding.found and finding.landmarks is None
    assert "No face was found" in finding.message() and "by hand" in finding.message()
    with pytest.raises(HeadFitError, match="No face was found"):  # the Detect Landmarks path says so too
        detect_landmarks(HeadPart(cube, ConvexHull(cube).simplices))


def test_user_landmarks_set_the_alignment_on_an_upside_down_head(face):
    """Correct landmarks on an upside-down head in millimetres are used as given, with no detector at all."""
    matrix = placed((180, 0, 0), 10.0)
    part = HeadPart(face.vertices, face.triangles, matrix)
    landmarks = {name: face.vertices[i] for name, i in MEDIAPIPE_IDS.items()}  # mesh-local, as the user placed them
    fit = fit_head(part, landmarks=landmarks, detect=False, use_cache=False)
    assert fit.notes[0] == "Aligned by your landmarks." and fit.confidence == 1.0  # then notes on the eyes it has shut
    for name, i in MEDIAPIPE_IDS.items():
        assert np.linalg.norm(fit.landmarks[name] - face.vertices[i]) < 1.0, name  # centimetres (mesh-local)


def test_automatic_fit_reports_the_detector(face):
    fit = fit_head(HeadPart(face.vertices, face.triangles, placed((90, 0, 0), 0.01)), use_cache=False)
    assert fit.confidence > 0.8 and "Face found (sure" in fit.notes[0]
    assert find_landmarks(HeadPart(face.vertices, face.triangles)).sure


@pytest.mark.parametrize("change, named, words", [
    ({"eye_outer_left": "eye_outer_right", "eye_outer_right": "eye_outer_left",
      "eye_inner_left": "eye_inner_right", "eye_inner_right": "eye_inner_left"},
     {"eye_outer_left", "eye_outer_right", "eye_inner_left", "eye_inner_right"}, "wrong side"),
    ({"chin": "forehead"}, {"chin"}, "chin is above the eyes"),
    ({"mouth_corner_left": "mouth_corner_right", "mouth_corner_right": "mouth_corner_left"},
     {"mouth_corner_left", "mouth_corner_right"}, "wrong side"),
])
def test_contradictory_landmarks_are_named_before_any_work(face, change, named, words):
    landmarks = {name: face.vertices[i] for name, i in MEDIAPIPE_IDS.items()}
    for target, source in change.items():
        landmarks[target] = face.vertices[10] if source == "forehead" else face.vertices[MEDIAPIPE_IDS[source]]
    part = HeadPart(face.vertices, face.triangles, placed((180, 0, 0), 10.0))
    with pytest.raises(LandmarkError, match=words) as caught:
        fit_head(part, landmarks=landmarks, use_cache=False)
    assert set(caught.value.landmarks) == named


def test_mirrored_object_is_refused(face):
    with pytest.raises(HeadFitError, match="negative"):
        fit_head(HeadPart(face.vertices, face.triangles, np.diag([-1.0, 1.0, 1.0, 1.0])), use_cache=False)
    with pytest.raises(HeadFitError, match="negative"):
        detect_landmarks(HeadPart(face.vertices, face.triangles, np.diag([-1.0, 1.0, 1.0, 1.0])))
