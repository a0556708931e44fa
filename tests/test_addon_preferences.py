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
