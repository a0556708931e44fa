"""Shared test set-up: Blender's user folder in a temp dir, offline hub, the face model."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("BLENDER_USER_RESOURCES", tempfile.mkdtemp(prefix="i2fet-blender-user-"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def face_model():
    """The ICT face model (the pack is built from ../shared/assets on first use)."""
    from ml_backend.face_model import load_face_model

    return load_face_model()


@pytest.fixture()
def blender():
    """A factory-fresh Blender with the add-on enabled; yields the bpy module."""
    import bpy  # noqa: I001  (bpy first: it makes addon_utils importable)
    import addon_utils

    bpy.ops.wm.read_factory_settings(use_empty=True)
    addon_utils.enable("i2fet_blender", default_set=True)
    yield bpy
    addon_utils.disable("i2fet_blender")


@pytest.fixture()
def checksum(blender):
    """``checksum(user_only=False)``: digest of the file's meshes, shape keys, actions and NLA tracks.

    Compare it before and after an operation that must leave the user's data (``user_only=True``)
    or the whole file unchanged.
    """
    from tests.addon_helpers import data_checksum

    return data_checksum


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long runs (minutes); CI runs them on one Blender version, "
                            "'-m \"not slow\"' leaves them out")


_EXIT_STATUS = 0


def pytest_sessionfinish(session, exitstatus):
    global _EXIT_STATUS
    _EXIT_STATUS = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """bpy 4.2 as a Python module segfaults while the interpreter shuts down once an add-on with property
    update callbacks was registered, and bpy 4.5 hangs there (5.0 does neither). The run is over and reported
    by now, so leave without Python's teardown, keeping pytest's exit status."""
    bpy = sys.modules.get("bpy")
    if bpy is not None and bpy.app.version < (5, 0, 0):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS)
