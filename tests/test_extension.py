"""Packaging: the manifest validates with Blender's own tool, the zip installs into a fresh Blender and generates.

The install runs in a subprocess with a new Blender user folder and without the checkout on
``sys.path``, so the add-on must use the backend and face pack bundled in the zip.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import build  # noqa: E402


def run_session(zip_path: Path, tmp_path: Path, *flags: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("I2FET_") and k != "PYTHONPATH"}
    env.update(BLENDER_USER_RESOURCES=str(tmp_path / "blender-user"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               I2FET_ASSETS=str(tmp_path / "no-assets"), I2FET_CACHE=str(tmp_path / "empty-cache"))
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "extension_session.py"), str(zip_path), *flags],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith("I2FET_REPORT ")]
    assert result.returncode == 0 and lines, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(lines[-1].split(" ", 1)[1])


@pytest.fixture(scope="module")
def extension_zip(tmp_path_factory) -> Path:
    return build.build_extension(Path(sys.executable), tmp_path_factory.mktemp("dist"))


def test_manifest_validates_with_blenders_tool(tmp_path):
    tool = build.blender_ext_tool(Path(sys.executable))
    good, broken = tmp_path / "good", tmp_path / "broken"
    for folder in (good, broken):
        folder.mkdir()
        (folder / "__init__.py").write_text("")
    manifest = (ROOT / "blender_manifest.toml").read_text()
    (good / "blender_manifest.toml").write_text(manifest)
    (broken / "blender_manifest.toml").write_text(manifest.replace('id = "i2fet"', 'id = "i2 fet"'))
    result = subprocess.run([sys.executable, str(tool), "validate", str(good)], capture_output=True, text=True)
    assert result.returncode == 0 and "Success" in result.stdout, result.stdout + result.stderr
    result = subprocess.run([sys.executable, str(tool), "validate", str(broken)], capture_output=True, text=True)
    assert result.returncode != 0 or "Success" not in result.stdout


def test_zip_bundles_backend_pack_and_license(extension_zip):
    import zipfile

    names = set(zipfile.ZipFile(extension_zip).namelist())
    assert {"blender_manifest.toml", "__init__.py", "ml_backend/pipeline.py", "ml_backend/data/ict_facekit_pack_v1.npz",
            "ml_backend/data/ICT-FaceKit-LICENSE.txt"} <= names
    assert not any("__pycache__" in name for name in names)


def test_zip_installs_enables_and_generates_in_a_fresh_blender(extension_zip, tmp_path):
    report = run_session(extension_zip, tmp_path, "--generate")
    assert report["enabled"] == ["bl_ext.user_default.i2fet"]
    assert report["torch_imported_by_enable"] is False
    assert report["generate"] == ["FINISHED"]
    assert report["clips"] == ["a faint smile turning into surprise"]
    assert report["backend_modules"] == ["bl_ext.user_default.i2fet.ml_backend"], "the bundled backend must be used"
    assert report["face_pack"].endswith("ml_backend/data/ict_facekit_pack_v1.npz")
    assert report["encoder_weights"].endswith("ml_backend/data/minilm_l6_v2.safetensors"), "the bundled encoder"
    assert report["heavy_modules"] == [], "the runtime path stays lean (docs/performance.md)"
    embeddings = report["embedding_files"]
    assert len(embeddings) == 4 and all("/ml_backend/data/embeddings/" in path for path in embeddings), embeddings
    assert not list((tmp_path / "empty-cache").glob("*.npy")), "the bundled phrase embeddings are read, not re-encoded"
    extracted = Path(report["wheel_root"])
    assert {"safetensors", "tokenizers"} <= {p.name for p in extracted.iterdir()}, "the manifest's wheels were installed"
