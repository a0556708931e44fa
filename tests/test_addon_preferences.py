"""Preferences: the download needs consent and online access; the backend check; a separate venv path."""

from __future__ import annotations

import sys
import zipfile

import pytest


def test_download_refused_without_consent_or_online_access(blender, tmp_path):
    from i2fet_blender.backend.download import check_download_allowed, start_download
    from i2fet_blender.backend.environment import addon_preferences
    from i2fet_blender.errors import AddonError

    assert "online access is off" in check_download_allowed(True, False)
    assert "Tick 'Allow Downloading" in check_download_allowed(False, True)
    assert check_download_allowed(True, True) == ""
    prefs = addon_preferences()
    prefs.allow_download = True
    assert blender.app.online_access is False
    with pytest.raises(AddonError, match="online access is off"):
        start_download(prefs, tmp_path, threaded=False)
    with pytest.raises(RuntimeError, match="online access is off"):
        blender.ops.i2fet.download_face_model()


def test_download_unpacks_an_upstream_archive(blender, tmp_path):
    from i2fet_blender.backend import tasks
    from i2fet_blender.backend.download import download_face_model

    archive = tmp_path / "upstream.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("ICT-FaceKit-abc/LICENSE", "MIT")
        zipped.writestr("ICT-FaceKit-abc/FaceXModel/generic_neutral_mesh.obj", "v 0 0 0\n")
        zipped.writestr("ICT-FaceKit-abc/FaceXModel/vertex_indices.json", "{}")
        zipped.writestr("ICT-FaceKit-abc/Blender/LICENSE", "other")
    task = tasks.start(tasks.Task("download", "Download face model", lambda report, cancelled: download_face_model(
        tmp_path / "assets", report, cancelled, url=archive.as_uri())), threaded=False)
    assert task.state == task.DONE, task.error
    folder = tmp_path / "assets" / "ict-facekit"
    assert (folder / "FaceXModel" / "generic_neutral_mesh.obj").is_file() and (folder / "LICENSE").read_text() == "MIT"
    assert task.progress == 1.0


def test_backend_check_and_python_environment(blender, tmp_path):
    from i2fet_blender.backend import environment as backend_env
    from i2fet_blender.ui import preferences

    assert backend_env.missing_packages() == []
    assert "Backend ready" in preferences.check_backend()
    assert [i[0] for i in preferences._device_items(None, None)][0] == "CPU"
    site = tmp_path / "env" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    site.mkdir(parents=True)
    (site / "i2fet_probe_pkg.py").write_text("VALUE = 42\n")
    prefs = backend_env.addon_preferences()
    prefs.python_env = str(tmp_path / "env")
    assert str(site) in sys.path and backend_env.venv_problem(prefs.python_env) == ""
    import i2fet_probe_pkg

    assert i2fet_probe_pkg.VALUE == 42
    prefs.python_env = ""
    assert str(site) not in sys.path
    (tmp_path / "old" / "lib" / "python3.9").mkdir(parents=True)
    assert "python3.9" in backend_env.venv_problem(str(tmp_path / "old"))


def test_one_poller_follows_up_a_finished_task_once_on_the_main_thread(blender, tmp_path):
    from i2fet_blender.backend import tasks
    from i2fet_blender.backend.download import download_face_model

    archive = tmp_path / "upstream.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("ICT-FaceKit-abc/FaceXModel/generic_neutral_mesh.obj", "v 0 0 0\n")
    followed = []
    task = tasks.Task("download", "Download face model", lambda report, cancelled: download_face_model(
        tmp_path / "assets", report, cancelled, url=archive.as_uri()), on_done=followed.append)
    assert tasks.start(task, threaded=True) is task and blender.app.timers.is_registered(tasks.poll)
    with pytest.raises(Exception, match="still running"):
        tasks.start(tasks.Task("download", "Another download", lambda report, cancelled: None))
    assert task.wait(60) and task.state == task.DONE, task.error
    assert followed == [], "follow-ups run on the main thread, from the poller"
    assert tasks.poll() is None, "the poller stops once no task runs"
    assert followed == [task] and tasks.current("download") is task
    tasks.poll()
    assert followed == [task], "a task is followed up once"
    blender.app.timers.unregister(tasks.poll)
    tasks.release(task)
    assert tasks.current("download") is None


def test_a_failing_task_keeps_its_message_and_a_cancelled_one_ends_cancelled(blender):
    from i2fet_blender.backend import tasks
    from i2fet_blender.errors import AddonError

    def fails(report, cancelled):
        report("Halfway", 0.5)
        raise AddonError("The archive is not the ICT FaceKit.")

    failed = tasks.start(tasks.Task("download", "Download face model", fails), threaded=False)
    assert (failed.state, failed.error, failed.message, failed.progress) == (
        "FAILED", "The archive is not the ICT FaceKit.", "Halfway", 0.5)

    def bug(report, cancelled):
        raise KeyError("oops")

    broken = tasks.start(tasks.Task("install", "Install backend packages", bug), threaded=False)
    assert broken.state == "FAILED" and "unexpected error (KeyError" in broken.error

    def stops(report, cancelled):
        task.cancel()
        return "never used"

    task = tasks.Task("install", "Install backend packages", stops)
    tasks.start(task, threaded=False)
    assert task.state == "CANCELLED"
    for kind in ("download", "install"):
        tasks.release(tasks.current(kind))
