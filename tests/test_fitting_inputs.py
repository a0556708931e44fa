"""Any-head fit on foreign and bad input: MediaPipe face, MakeHuman body, landmarks, separate parts, refusals."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial import ConvexHull, Delaunay

from ml_backend.naming.arkit import INDEX
from ml_backend.errors import I2FETError
from ml_backend.fitting import (HeadFitError, HeadPart, LandmarkError, NotAHeadError, detect_landmarks, expression_deltas,
                                fit_head)
from ml_backend.fitting.foreign import makehuman_body, mediapipe_face
from ml_backend.fitting.template import LANDMARK_NAMES, load_template
from ml_backend.naming.key_presets import KeyMappingError, load_mapping, map_keys, save_mapping

Z_UP = np.array([[1.0, 0, 0, 0], [0, 0, -1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])  # Y-up data shown Z-up, as Blender imports it


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("I2FET_CACHE", str(tmp_path))


@pytest.fixture(scope="module")
def mediapipe():
    mesh = mediapipe_face()
    return HeadPart(mesh.vertices, mesh.triangles, Z_UP * np.array([0.01, 0.01, 0.01, 1.0])[:, None], name="mediapipe")


@pytest.fixture(scope="module")
def mediapipe_fit(mediapipe):
    return fit_head(mediapipe, use_cache=False)


def test_mediapipe_face_gets_expressions_that_move_the_right_parts(mediapipe, mediapipe_fit):
    deltas = expression_deltas(mediapipe_fit)[0]  # 52 x 468 x 3, mesh-local (Y up, cm)
    assert deltas.shape == (52, 468, 3) and not np.any(deltas[INDEX["tongueOut"]])
    lm = mediapipe_fit.landmarks
    vertices = mediapipe.vertices
    chin = np.argmin(np.linalg.norm(vertices - lm["chin"], axis=1))
    forehead = np.argmax(vertices[:, 1])
    jaw = deltas[INDEX["jawOpen"]]
    assert jaw[chin, 1] < -1.0  # the chin drops by more than a centimetre
    assert np.linalg.norm(jaw[forehead]) < 0.05 * np.linalg.norm(jaw[chin])
    # the mouth has no interior here: it still opens, the lower lip drops and the upper lip stays
    mouth = (lm["mouth_corner_left"] + lm["mouth_corner_right"]) / 2
    width = np.linalg.norm(lm["mouth_corner_left"] - lm["mouth_corner_right"])
    near = np.flatnonzero((np.abs(vertices[:, 0] - mouth[0]) < 0.1 * width) & (np.abs(vertices[:, 1] - mouth[1]) < 0.3 * width)
                          & (vertices[:, 2] > mouth[2]))
    upper, lower = near[vertices[near, 1] > mouth[1]], near[vertices[near, 1] < mouth[1]]
    assert len(upper) and len(lower)
    assert jaw[lower, 1].mean() < -0.5 and np.abs(jaw[upper, 1]).mean() < 0.4 * np.abs(jaw[lower, 1].mean())
    corner = np.argmin(np.linalg.norm(vertices - lm["mouth_corner_left"], axis=1))
    other = np.argmin(np.linalg.norm(vertices - lm["mouth_corner_right"], axis=1))
    smile = deltas[INDEX["mouthSmileLeft"]]
    assert smile[corner, 1] > 0.2 and np.linalg.norm(smile[other]) < 0.3 * np.linalg.norm(smile[corner])
    assert lm["eye_outer_left"][0] > 2.5 and lm["eye_outer_right"][0] < -2.5  # subject's left is +X here


def test_landmarks_moved_inconsistently_are_named(mediapipe, mediapipe_fit):
    landmarks = dict(mediapipe_fit.landmarks)
    fit_head(mediapipe, landmarks=landmarks, use_cache=False)  # the found ones are consistent
    nudged = dict(landmarks, nose_tip=landmarks["nose_tip"] + np.array([0.0, 3.5, 0.0]))
    with pytest.raises(LandmarkError) as caught:
        fit_head(mediapipe, landmarks=nudged, use_cache=False)
    assert "nose tip" in str(caught.value) and caught.value.landmarks[0] == "nose_tip"
    swapped = dict(landmarks, mouth_corner_left=landmarks["mouth_corner_right"], mouth_corner_right=landmarks["mouth_corner_left"])
    with pytest.raises(LandmarkError) as caught:
        fit_head(mediapipe, landmarks=swapped, use_cache=False)
    assert set(caught.value.landmarks) == {"mouth_corner_left", "mouth_corner_right"}
    with pytest.raises(LandmarkError, match="chin"):
        fit_head(mediapipe, landmarks={k: v for k, v in landmarks.items() if k != "chin"}, use_cache=False)


def test_full_body_fits_its_head_and_leaves_the_body_still():
    body = makehuman_body()
    part = HeadPart(body.vertices, body.triangles, Z_UP * np.array([0.1, 0.1, 0.1, 1.0])[:, None], name="makehuman")
    fit = fit_head(part, use_cache=False)
    deltas = expression_deltas(fit)[0]
    height = body.vertices[:, 1]
    moving = np.linalg.norm(deltas[INDEX["jawOpen"]], axis=1) > 1e-5
    assert moving.sum() > 200
    assert height[moving].min() > height.max() - 0.2 * np.ptp(height)  # only the head (and a bit of neck) moves
    assert fit.landmarks["nose_tip"][1] > height.max() - 0.1 * np.ptp(height)


def test_separate_small_parts_are_bound_to_the_inside_of_the_head(mediapipe):
    """An eyeball inside the same mesh does not blink with the eyelid; a separate object is bound too.

    The eyeball is put where the fitted template's left eye (ICT vertices 21451-23020: sclera, iris) is.
    """
    template = load_template()
    fit = fit_head(mediapipe, use_cache=False)
    left_eye = np.unique(template.inner_triangles[(template.inner_triangles >= 21451).all(1) & (template.inner_triangles < 23021).all(1)])
    to_local = np.linalg.inv(fit.to_template[0])
    eye = fit.fitted[left_eye] @ to_local[:3, :3].T + to_local[:3, 3]
    centre = eye.mean(0)
    radius = 0.95 * np.linalg.norm(eye - centre, axis=1).mean()
    ball = _sphere(centre, radius, 200)
    vertices = np.concatenate([mediapipe.vertices, ball[0]])
    triangles = np.concatenate([mediapipe.triangles, ball[1] + len(mediapipe.vertices)])
    combined = HeadPart(vertices, triangles, mediapipe.matrix_world)
    deltas = expression_deltas(fit_head(combined, [HeadPart(*_sphere(centre, radius, 100), mediapipe.matrix_world, name="eye")],
                                        use_cache=False))
    blink = deltas[0][INDEX["eyeBlinkLeft"]]
    lid = np.linalg.norm(blink[: len(mediapipe.vertices)], axis=1).max()
    assert lid > 0.3
    assert np.linalg.norm(blink[len(mediapipe.vertices):], axis=1).max() < 0.2 * lid
    assert np.linalg.norm(deltas[1][INDEX["eyeBlinkLeft"]], axis=1).max() < 0.2 * lid


def _sphere(centre, radius, count):
    points = np.random.default_rng(count).normal(size=(count, 3))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    return centre + radius * points, ConvexHull(points).simplices


def test_not_a_head_is_refused_with_what_is_needed():
    grid = np.linspace(-1, 1, 9)
    cube = np.array([p for p in itertools.product(grid, grid, grid) if np.abs(p).max() == 1.0])
    with pytest.raises(NotAHeadError, match="does not look like a head"):
        fit_head(HeadPart(cube, ConvexHull(cube).simplices), use_cache=False)
    x, y = np.meshgrid(grid, grid)
    plane = np.column_stack([x.ravel(), y.ravel(), np.zeros(x.size)])
    with pytest.raises(NotAHeadError, match="flat"):
        fit_head(HeadPart(plane, Delaunay(plane[:, :2]).simplices), use_cache=False)
    with pytest.raises(NotAHeadError, match="at least"):
        fit_head(HeadPart(cube[:8], np.array([[0, 1, 2]])), use_cache=False)


def test_a_million_vertices_is_refused_before_any_work():
    vertices = np.zeros((1_000_000, 3), dtype=np.float32)
    with pytest.raises(HeadFitError, match="1,000,000 vertices") as caught:
        fit_head(HeadPart(vertices, np.array([[0, 1, 2]])), use_cache=False)
    assert "Surface Deform" in str(caught.value) and isinstance(caught.value, I2FETError)


def test_detect_landmarks_finds_mediapipes_own_landmark_vertices(mediapipe):
    """The detector's landmarks on MediaPipe's canonical face are that mesh's own landmark vertices (MediaPipe's ids)."""
    from ml_backend.fitting.detection import MEDIAPIPE_IDS

    found = detect_landmarks(mediapipe)
    for name, position in found.items():
        assert np.linalg.norm(position - mediapipe.vertices[MEDIAPIPE_IDS[name]]) < 0.6, name  # centimetres (eyes 9 cm apart)


def test_naming_presets_and_saved_tables(tmp_path):
    mapping, missing = map_keys(["Mouth_Smile_L", "mouth_pucker_up_l", "Mouth_Pucker_Down_R", "Jaw_Forward", "Basis"], "cc4_extended")
    assert mapping["mouthSmileLeft"] == ("Mouth_Smile_L",)
    assert mapping["mouthPucker"] == ("mouth_pucker_up_l", "Mouth_Pucker_Down_R")
    assert "jawOpen" in missing and "mouthSmileRight" in missing
    path = save_mapping(tmp_path / "map.json", mapping)
    assert load_mapping(path) == mapping
    with pytest.raises(KeyMappingError, match="Unknown naming preset"):
        map_keys([], "nope")


@pytest.fixture()
def no_work(monkeypatch):
    """Fail the test if the fit starts working (searching for the face or aligning) before refusing."""
    import ml_backend.fitting.fit as fit_module

    def started(*args, **kwargs):
        raise AssertionError("the fit started working before refusing the input")

    for name in ("find_face", "_align", "_landmark_alignment", "load_template"):
        monkeypatch.setattr(fit_module, name, started)


def test_bad_input_is_refused_before_any_work(no_work, mediapipe):
    with pytest.raises(HeadFitError, match="1,000,000 vertices"):
        fit_head(HeadPart(np.zeros((1_000_000, 3)), np.array([[0, 1, 2]])), use_cache=False)
    with pytest.raises(HeadFitError, match="negative"):
        fit_head(HeadPart(mediapipe.vertices, mediapipe.triangles, np.diag([1.0, -1.0, 1.0, 1.0])), use_cache=False)
    broken = mediapipe.vertices.copy()
    broken[5, 1] = np.nan
    with pytest.raises(HeadFitError, match="NaN"):
        fit_head(HeadPart(broken, mediapipe.triangles), use_cache=False)
    with pytest.raises(HeadFitError, match="region"):
        fit_head(HeadPart(mediapipe.vertices, mediapipe.triangles, region=np.ones(3, bool)), use_cache=False)
    with pytest.raises(LandmarkError, match="missing"):
        fit_head(mediapipe, landmarks={"chin": np.zeros(3)}, use_cache=False)


def test_not_a_head_says_no_face_was_found_and_asks_for_landmarks():
    grid = np.linspace(-1, 1, 9)
    cube = np.array([p for p in itertools.product(grid, grid, grid) if np.abs(p).max() == 1.0])
    with pytest.raises(NotAHeadError) as caught:
        fit_head(HeadPart(cube, ConvexHull(cube).simplices), use_cache=False)
    assert "No face was found" in str(caught.value) and "by hand" in str(caught.value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(missing=st.sets(st.sampled_from(LANDMARK_NAMES), min_size=1, max_size=8),
       matrix=st.lists(st.floats(-3, 3, allow_nan=False), min_size=9, max_size=9))
def test_incomplete_landmarks_and_any_mirrored_matrix_are_named(mediapipe, missing, matrix):
    landmarks = {n: np.zeros(3) for n in LANDMARK_NAMES if n not in missing}
    with pytest.raises(LandmarkError) as caught:
        fit_head(mediapipe, landmarks=landmarks, use_cache=False)
    assert set(caught.value.landmarks) == missing
    linear = np.array(matrix).reshape(3, 3)
    if np.linalg.det(linear) <= 0:
        world = np.eye(4)
        world[:3, :3] = linear
        with pytest.raises(HeadFitError, match="negative"):
            fit_head(HeadPart(mediapipe.vertices, mediapipe.triangles, world), use_cache=False)
