"""The add-on's side of the lean runtime: background preload, Generate greyed out with the reason, clear messages
for an unsupported torch, missing wheels, an unwritable package folder and damaged encoder weights."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@pytest.fixture()
def head(blender):
    blender.ops.i2fet.add_default_head()
    blender.context.scene.i2fet.prompt = "a faint smile turning into surprise"
    return blender.context.active_object


@pytest.fixture()
def fresh_preload():
    from i2fet_blender.backend import tasks, warmup

    def forget():
        task = tasks.current(warmup.KIND)
        if task is not None:
            task.wait(300)
            tasks.release(task)
        warmup._cache = None

    forget()
    yield warmup
    forget()


def test_preload_warms_the_backend_and_generate_uses_it(blender, head, fresh_preload):
    from i2fet_blender.backend import environment
    from i2fet_blender.generate import pipeline
    from i2fet_blender.generate.request import collect_request
    from ml_backend.reading.registry import _get_reader as get_reader

    warmup = fresh_preload
    assert warmup.state() == "idle"
    task = warmup.ensure_started(environment.backend_options(blender.context), threaded=True)
    assert warmup.ensure_started() is task  # drawn again: not started twice
    result = pipeline.run(collect_request(blender.context))  # clicked at once: waits for the preload, no double load
    assert task.wait(300) and task.state == task.DONE and warmup.state() == "ready"
    assert result.action.get("i2fet_prompt") == "a faint smile turning into surprise"
    misses = get_reader.cache_info().misses
    pipeline.run(collect_request(blender.context))
    assert get_reader.cache_info().misses == misses  # warm: the reader (and its encoder) were reused
    assert blender.ops.i2fet.generate.poll()


AFTER_PRELOAD_SCRIPT = """
import json, sys, time
import bpy, addon_utils
bpy.ops.wm.read_factory_settings(use_empty=True)
addon_utils.enable("i2fet_blender", default_set=True)
from i2fet_blender.backend import environment, warmup
from i2fet_blender.generate.pipeline import generate_on_object
from i2fet_blender.head.default_head import add_default_head
head = add_default_head()
task = warmup.ensure_started(environment.backend_options(bpy.context), threaded=True)
task.wait(600)
before = set(sys.modules)
generate_on_object(head, "a faint smile that slowly turns into open-mouthed surprise, then back to neutral", 60, 1, 30.0)
print("I2FET " + json.dumps({"state": task.state, "new": sorted(set(sys.modules) - before)}), flush=True)
"""


def test_after_the_preload_the_first_generate_imports_nothing(tmp_path):
    """The preload does what a first click would do lazily: afterwards, Generate imports no module at all.

    In a fresh process: in this one, earlier tests have imported everything already.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT), BLENDER_USER_RESOURCES=str(tmp_path), HF_HUB_OFFLINE="1")
    out = subprocess.run([sys.executable, "-c", AFTER_PRELOAD_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    lines = [line for line in out.stdout.splitlines() if line.startswith("I2FET ")]
    assert lines, out.stderr[-2000:]
    report = json.loads(lines[-1][6:])
    assert report["state"] == "DONE"
    assert report["new"] == []


def test_preload_sets_the_thread_policy(blender, fresh_preload):
    import torch

    fresh_preload.ensure_started({}, threaded=False)
    assert torch.get_num_threads() == 1  # the add-on owns this Blender's torch: one thread, the UI keeps a core


def test_damaged_encoder_weights_grey_out_generate_with_the_reason(blender, head, fresh_preload, tmp_path):
    from ml_backend.text.minilm_file import weights_path

    bad = tmp_path / "minilm.safetensors"
    shutil.copyfile(weights_path(), bad)
    with open(bad, "r+b") as handle:
        handle.seek(30_000_000)
        handle.write(b"\x00\x01\x02\x03")
    task = fresh_preload.ensure_started({"encoder": "minilm", "encoder_weights": str(bad)}, threaded=False)
    assert task.state == task.FAILED and "Traceback" not in task.error
    reason = fresh_preload.blocked_reason()
    assert "damaged" in reason and "reinstall the extension" in reason
    assert fresh_preload.state() == "blocked"
    assert not blender.ops.i2fet.generate.poll()
    with pytest.raises(RuntimeError, match="damaged"):
        blender.ops.i2fet.generate()
    assert not [a for a in blender.data.actions if a.get("i2fet_generated")]  # nothing written
    assert fresh_preload.restart({}, threaded=False).state == "DONE"  # fixed (default weights): Generate is back
    assert blender.ops.i2fet.generate.poll()


@pytest.mark.parametrize("version, ok", [("2.13.0+cpu", True), ("2.1.2", True), ("1.13.1", False), ("3.0.0", False),
                                         ("2.0.1+cu118", False)])
@pytest.mark.parametrize("loaded", [False, True], ids=["installed", "imported"])
def test_torch_outside_the_supported_range_is_named_with_the_fix(blender, monkeypatch, version, ok, loaded):
    """Checked from the installed metadata before torch is imported, from the loaded module after."""
    from importlib import metadata
    from types import SimpleNamespace

    from i2fet_blender.backend import environment

    real = metadata.version
    if loaded:
        monkeypatch.setattr(metadata, "version", lambda name: "2.13.0" if name == "torch" else real(name))
        monkeypatch.setitem(sys.modules, "torch", SimpleNamespace(__version__=version))
    else:
        monkeypatch.setattr(metadata, "version", lambda name: version if name == "torch" else real(name))
        monkeypatch.delitem(sys.modules, "torch", raising=False)
    problem = environment.torch_version_problem()
    assert (problem == "") is ok
    if not ok:
        assert f"torch {version}" in problem and "Install Backend Packages" in problem


def test_missing_wheels_name_the_fix(blender, monkeypatch):
    from i2fet_blender.backend import environment

    monkeypatch.setitem(environment.WHEELS, "i2fet_no_such_wheel", ("i2fet-no-such-wheel==1.0", "a test"))
    assert "pip install i2fet-no-such-wheel==1.0" in environment.wheels_problem()
    monkeypatch.setattr(environment, "is_extension", lambda: True)
    problem = environment.backend_problem()
    assert "i2fet_no_such_wheel missing" in problem and "Install from Disk" in problem


@pytest.mark.skipif(not Path("/proc/sys").is_dir(), reason="needs a read-only folder (/proc/sys on Linux)")
def test_unwritable_package_folder_is_refused_before_pip(blender):
    from i2fet_blender.backend import installer
    from i2fet_blender.errors import GenerationError

    target = Path("/proc/sys/i2fet-site-packages")
    assert "cannot write to /proc/sys" in installer.writable_problem(target)
    with pytest.raises(GenerationError, match="Python Environment"):
        installer.install_packages(target, ["torch==2.13.0"], lambda *a: None, lambda: False)
    assert not target.exists()


def test_one_click_install_brings_cpu_torch_only_when_the_wheels_are_there(blender):
    from i2fet_blender.backend import installer

    assert installer.default_requirements() == ["torch==2.13.0"]
    command = installer.pip_command(Path("/tmp/x"), installer.default_requirements(), Path("/tmp/c.txt"))
    assert installer.TORCH_CPU_INDEX in command and "--target" in command
