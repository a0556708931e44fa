"""Head from Photo prepared ahead: after ``prepare()`` (the add-on runs it in the background when the From a Photo
panel opens) a first photo imports no module; the add-on starts the preparation once, and not while MediaPipe
or its model is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ml_backend.paths import assets_root

ROOT = Path(__file__).resolve().parent.parent
PHOTO = assets_root() / "photos" / "03_london038_adult-woman_neutral.jpg"

FIRST_PHOTO_SCRIPT = """
import json, sys
from ml_backend.photo.head import head_from_photo, prepare
prepare()
before = set(sys.modules)
head = head_from_photo(sys.argv[1], use_cache=False)
print("I2FET " + json.dumps({"new": sorted(set(sys.modules) - before), "weights": len(head.weights)}), flush=True)
"""


@pytest.mark.skipif(not PHOTO.is_file(), reason="the shared photos are not here")
def test_after_prepare_a_first_photo_imports_nothing(tmp_path):
    """In a fresh process (in this one, earlier tests imported everything already)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", FIRST_PHOTO_SCRIPT, str(PHOTO)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    lines = [line for line in out.stdout.splitlines() if line.startswith("I2FET ")]
    assert lines, out.stderr[-2000:]
    report = json.loads(lines[-1][6:])
    assert report["weights"] == 52
    assert report["new"] == []


def test_the_add_on_prepares_once_in_the_background(blender):
    from i2fet_blender.backend import tasks, warmup

    task = warmup.ensure_photo_started(threaded=False)
    try:
        assert task is not None and task.state == task.DONE, task.error
        assert warmup.ensure_photo_started() is task  # drawn again: not started twice
    finally:
        tasks.release(task)


def test_nothing_is_prepared_while_mediapipe_is_missing(blender, monkeypatch):
    import importlib.util

    from i2fet_blender.backend import tasks, warmup

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "mediapipe" else real(name, *a))
    assert warmup.ensure_photo_started(threaded=False) is None
    assert tasks.current(warmup.PHOTO_KIND) is None
