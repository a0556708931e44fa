"""Head from Photo's MediaPipe model: a file the user chooses (preferences, --landmarker, I2FET_LANDMARKER) or a
download with consent (refused by default, checked by SHA-256, nothing left behind on failure); MediaPipe and the
model listed by the add-on's environment check, with the reason in the panel and on the greyed-out button. No network:
downloads read ``file://`` copies of the model."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml_backend.errors import AssetsMissingError
from ml_backend.paths import assets_root
from ml_backend.photo import landmarker_model as model

SHARED_MODEL = assets_root() / "mediapipe" / model.MODEL_FILE
needs_model = pytest.mark.skipif(not SHARED_MODEL.is_file(), reason="the shared MediaPipe model is not here")


@pytest.fixture()
def no_configured_model(monkeypatch):
    monkeypatch.delenv(model.ENV_LANDMARKER, raising=False)


def _copy_model(folder: Path, name: str = "my landmarker.task") -> Path:
    copy = folder / name
    shutil.copyfile(SHARED_MODEL, copy)
    return copy


@needs_model
def test_the_pinned_hash_is_the_shared_models():
    assert model.file_sha256(SHARED_MODEL) == model.MODEL_SHA256
    assert SHARED_MODEL.stat().st_size == model.MODEL_BYTES


@needs_model
def test_a_chosen_model_file_is_the_one_detection_uses(tmp_path, monkeypatch):
    from skimage.data import astronaut

    from ml_backend.photo import detect

    copy = _copy_model(tmp_path)
    monkeypatch.setenv(model.ENV_LANDMARKER, str(copy))
    detect._landmarker_for.cache_clear()
    try:
        assert model.landmarker_path() == copy
        assert len(detect.read_faces(astronaut()).face_landmarks) == 1
        monkeypatch.setenv(model.ENV_LANDMARKER, str(tmp_path / "gone.task"))
        with pytest.raises(AssetsMissingError, match="gone.task"):  # the configured path, not the assets' copy
            detect.read_faces(astronaut())
    finally:
        detect._landmarker_for.cache_clear()


def test_without_any_model_the_message_says_where_to_get_it(tmp_path, monkeypatch, no_configured_model):
    monkeypatch.setenv("I2FET_ASSETS", str(tmp_path))
    with pytest.raises(AssetsMissingError) as caught:
        model.landmarker_path()
    text = str(caught.value)
    assert str(tmp_path / "mediapipe" / model.MODEL_FILE) in text
    assert "--landmarker" in text and "Download Landmarker Model" in text and "storage.googleapis.com" in text


@pytest.mark.parametrize("kind", ["missing", "folder", "not a zip", "zip without blendshapes"])
def test_a_file_that_is_not_the_model_is_refused_with_the_reason(tmp_path, kind):
    path = tmp_path / "model.task"
    if kind == "folder":
        path.mkdir()
    elif kind == "not a zip":
        path.write_bytes(b"\x89PNG\r\n\x1a\n not a model")
    elif kind == "zip without blendshapes":
        with zipfile.ZipFile(path, "w") as bundle:
            bundle.writestr("face_detector.tflite", b"x")
            bundle.writestr("face_landmarks_detector.tflite", b"x")
    expected = {"missing": "does not exist", "folder": "is a folder", "not a zip": "not a MediaPipe model bundle",
                "zip without blendshapes": "without face_blendshapes.tflite"}[kind]
    with pytest.raises(AssetsMissingError, match=expected):
        model.check_landmarker_file(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2048))
def test_any_bytes_are_either_the_model_or_a_clear_refusal(tmp_path, content):
    path = tmp_path / "random.task"
    path.write_bytes(content)
    with pytest.raises(AssetsMissingError, match="random.task"):
        model.check_landmarker_file(path)


def test_cli_refuses_a_bad_landmarker_before_any_work(tmp_path, capsys):
    from ml_backend.cli import main

    out = tmp_path / "head.glb"
    photo = assets_root() / "photos" / "01_london001_adult-man_neutral.jpg"
    code = main(["head-from-photo", str(photo), "--out", str(out), "--landmarker", str(tmp_path / "none.task")])
    assert code == 2 and not out.exists()
    assert "none.task" in capsys.readouterr().err


# --- the add-on: environment check, panel, preferences, download -------------------------------------------------


def _report(messages: list):
    return lambda message, fraction: messages.append((message, fraction))


def test_missing_mediapipe_is_listed_and_greys_out_head_from_photo(blender, monkeypatch):
    import importlib.util

    from i2fet_blender.backend import environment
    from i2fet_blender.ui.photo_ops import I2FET_OT_head_from_photo, I2FET_PT_photo
    from tests.addon_helpers import RecordingLayout

    assert "mediapipe" in environment.PHOTO
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "mediapipe" else real(name, *a))
    problem = environment.photo_problem()
    assert "MediaPipe" in problem and "Install Photo Packages" in problem
    assert environment.backend_problem() == ""  # the generator itself does not need it
    assert not I2FET_OT_head_from_photo.poll(blender.context)
    with pytest.raises(RuntimeError, match="MediaPipe"):
        blender.ops.i2fet.head_from_photo(filepath=str(assets_root() / "photos" / "01_london001_adult-man_neutral.jpg"))
    log: list = []
    I2FET_PT_photo.draw(SimpleNamespace(layout=RecordingLayout(log)), blender.context)
    shown = " ".join(kwargs.get("text", "") for name, args, kwargs in log if name == "label")
    assert "Head from Photo is not available yet" in shown and "MediaPipe" in shown


@needs_model
def test_the_chosen_model_in_the_preferences_reaches_the_backend(blender, tmp_path, no_configured_model):
    from i2fet_blender.backend import environment
    from i2fet_blender.ui.photo_ops import I2FET_OT_head_from_photo

    prefs = environment.addon_preferences()
    prefs.assets_path = str(tmp_path / "no assets")  # no mediapipe/ there
    assert "not installed" in environment.photo_problem()
    assert not I2FET_OT_head_from_photo.poll(blender.context)
    prefs.landmarker_path = str(tmp_path / "nowhere.task")
    assert "nowhere.task" in environment.photo_problem() and "does not exist" in environment.photo_problem()
    copy = _copy_model(tmp_path)
    prefs.landmarker_path = str(copy)
    assert os.environ[model.ENV_LANDMARKER] == str(copy)
    assert environment.photo_problem() == "" and I2FET_OT_head_from_photo.poll(blender.context)
    prefs.landmarker_path = ""
    assert model.ENV_LANDMARKER not in os.environ and "not installed" in environment.photo_problem()
    prefs.assets_path = ""


def test_download_is_refused_by_default_and_fetches_nothing(blender, tmp_path):
    from i2fet_blender.backend import download, environment, tasks
    from i2fet_blender.errors import AddonError

    assert "online access is off" in download.check_landmarker_download_allowed(True, False)
    assert "Tick 'Allow Downloading the Landmarker Model'" in download.check_landmarker_download_allowed(False, True)
    assert download.check_landmarker_download_allowed(True, True) == ""
    prefs = environment.addon_preferences()
    assert prefs.allow_landmarker_download is False and blender.app.online_access is False  # the defaults
    with pytest.raises(AddonError, match="online access is off"):
        download.start_landmarker_download(prefs, tmp_path, threaded=False)
    prefs.allow_landmarker_download = True
    with pytest.raises(AddonError, match="online access is off"):
        download.start_landmarker_download(prefs, tmp_path, threaded=False)
    with pytest.raises(RuntimeError, match="online access is off"):
        blender.ops.i2fet.download_landmarker()
    assert list(tmp_path.iterdir()) == [] and tasks.current("download") is None and prefs.landmarker_path == ""


@needs_model
def test_download_installs_the_verified_model(blender, tmp_path):
    from i2fet_blender.backend.download import download_landmarker

    messages: list = []
    path = Path(download_landmarker(tmp_path / "mediapipe", _report(messages), lambda: False, url=SHARED_MODEL.as_uri()))
    assert path == tmp_path / "mediapipe" / model.MODEL_FILE
    assert model.file_sha256(path) == model.MODEL_SHA256 and model.check_landmarker_file(path) == path
    assert sorted(p.name for p in path.parent.iterdir()) == [model.MODEL_FILE]
    assert messages[-1] == ("Face landmarker model downloaded", 1.0)
    assert all(a[1] <= b[1] for a, b in zip(messages, messages[1:])), "progress only goes forward"
    again: list = []
    download_landmarker(tmp_path / "mediapipe", _report(again), lambda: False, url=(tmp_path / "gone").as_uri())
    assert again == [("The face landmarker model is already downloaded", 1.0)]  # verified copy kept, nothing fetched


@pytest.mark.parametrize("failure", ["altered", "unreachable", "cancelled"])
def test_a_failed_download_leaves_nothing(blender, tmp_path, failure):
    from i2fet_blender.backend.download import download_landmarker
    from i2fet_blender.errors import AddonError, TaskCancelled

    source = tmp_path / "served.task"
    source.write_bytes(np.random.default_rng(0).bytes(600_000))
    url = (tmp_path / "offline").as_uri() if failure == "unreachable" else source.as_uri()
    destination = tmp_path / "mediapipe"
    expected = {"altered": (AddonError, "is not MediaPipe's face landmarker model"),
                "unreachable": (AddonError, "Could not download"), "cancelled": (TaskCancelled, None)}[failure]
    with pytest.raises(expected[0], match=expected[1]):
        download_landmarker(destination, _report([]), lambda: failure == "cancelled", url=url)
    assert not destination.exists() or list(destination.iterdir()) == []


@needs_model
def test_with_consent_and_online_access_the_download_runs_and_points_the_preferences_at_the_file(blender, tmp_path):
    from i2fet_blender.backend import download, environment, tasks

    prefs = environment.addon_preferences()
    prefs.allow_landmarker_download = True
    blender.context.preferences.system.use_online_access = True
    try:
        assert blender.app.online_access
        task = download.start_landmarker_download(prefs, tmp_path, threaded=False, url=SHARED_MODEL.as_uri())
        assert task.state == task.DONE, task.error
        assert prefs.landmarker_path == str(tmp_path / model.MODEL_FILE)
        assert os.environ[model.ENV_LANDMARKER] == prefs.landmarker_path and environment.photo_problem() == ""
        tasks.release(task)
    finally:
        blender.context.preferences.system.use_online_access = False


def test_the_add_on_and_the_backend_name_the_same_variable(blender):
    from i2fet_blender.backend import environment

    assert environment.LANDMARKER_ENV == model.ENV_LANDMARKER


@needs_model
def test_the_preferences_show_what_head_from_photo_lacks_and_the_fix(blender, monkeypatch):
    import importlib.util

    from i2fet_blender.backend import environment
    from i2fet_blender.ui.preferences import I2FET_Preferences
    from tests.addon_helpers import RecordingLayout

    def drawn() -> tuple[str, list[str]]:
        log: list = []
        I2FET_Preferences._draw_photo(environment.addon_preferences(), RecordingLayout(log))
        labels = " ".join(kwargs.get("text", "") for name, args, kwargs in log if name == "label")
        return labels, [args[0] for name, args, kwargs in log if name == "operator"]

    labels, operators = drawn()
    assert "ready" in labels and "i2fet.install_photo_packages" not in operators
    assert "i2fet.download_landmarker" in operators and "online access is off" in labels  # offered, refused by default
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "mediapipe" else real(name, *a))
    labels, operators = drawn()
    assert "MediaPipe" in labels and "i2fet.install_photo_packages" in operators
