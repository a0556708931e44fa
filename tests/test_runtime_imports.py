"""The runtime path stays lean: ``python -m ml_backend generate`` imports torch, numpy, safetensors and
tokenizers, never sentence-transformers, transformers, torchvision, open_clip, scipy, matplotlib or sympy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.benchmarks.import_audit import HEAVY, runtime_modules  # noqa: E402


def test_cli_generate_imports_no_heavy_module(tmp_path):
    out = tmp_path / "clip.csv"
    modules = runtime_modules(["generate", "a faint smile turning into surprise, then back to neutral",
                               "--frames", "30", "--out", str(out)])
    assert out.is_file()
    assert {"torch", "numpy", "safetensors", "tokenizers", "ml_backend"} <= modules
    assert not modules & HEAVY, sorted(modules & HEAVY)


def test_audit_sees_a_heavy_import():
    """The audit is not blind: a generate that imports scipy on the way is reported."""
    modules = runtime_modules(["generate", "surprise", "--frames", "10"], preload=("scipy.ndimage",))
    assert "scipy" in modules & HEAVY


def test_torchvision_shim_is_not_on_the_runtime_path():
    code = ("import sys, runpy; sys.argv=['ml_backend','generate','a smile','--frames','5'];\n"
            "try: runpy.run_module('ml_backend', run_name='__main__')\nexcept SystemExit: pass\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('ml_backend.text'))))")
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    result = subprocess.run([sys.executable, "-c", "import json\n" + code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert "ml_backend.text.minilm" in loaded
    assert "ml_backend.text.torchvision_shim" not in loaded and "ml_backend.text.minilm_convert" not in loaded


@pytest.mark.parametrize("module", ["ml_backend.cli", "ml_backend.pipeline", "ml_backend.text.encoders"])
def test_backend_modules_import_without_torch(module):
    """Importing the entry modules is instant: torch waits until the first generation."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = f"import sys, {module}; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr
