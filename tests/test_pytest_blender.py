"""The suite also runs inside a Blender executable through pytest-blender (here: a stand-in launcher)."""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_suite_runs_through_pytest_blender(tmp_path):
    launcher = tmp_path / "blender"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "tests" / "blender_launcher.py"}" "$@"\n')
    launcher.chmod(launcher.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--blender-executable", str(launcher), "tests/test_face_model.py",
         "-k", "spellings", "-q", "-p", "no:cacheprovider", "--", "--python-use-system-env"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "6 passed" in output
