"""The backend's thread policy: one intra-op and one inter-op thread unless $I2FET_THREADS says otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ml_backend import runtime

ROOT = Path(__file__).resolve().parent.parent


def _in_fresh_process(code: str, threads: str | None = None) -> dict:
    """Run ``code`` (which prints one JSON line) in a new interpreter: torch's pools are per process."""
    env = {k: v for k, v in os.environ.items() if k != runtime.ENV_THREADS}
    env["PYTHONPATH"] = str(ROOT)
    if threads is not None:
        env[runtime.ENV_THREADS] = threads
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


CONFIGURE = ("import json, torch; from ml_backend.runtime import configure_threads; n = configure_threads(); "
             "again = configure_threads(); print(json.dumps({'n': n, 'again': again, "
             "'intra': torch.get_num_threads(), 'inter': torch.get_num_interop_threads()}))")


def test_default_policy_is_one_thread_each():
    got = _in_fresh_process(CONFIGURE)
    assert got == {"n": 1, "again": 1, "intra": 1, "inter": 1}


def test_environment_overrides_the_intra_op_count():
    wanted = min(2, os.cpu_count() or 1)
    got = _in_fresh_process(CONFIGURE, threads="2")
    assert got["intra"] == got["n"] == wanted and got["inter"] == 1


@pytest.mark.parametrize("value", ["0", "-3", "lots", "1.5", " "])
def test_bad_override_falls_back_to_the_default(value):
    assert _in_fresh_process(CONFIGURE, threads=value)["intra"] == runtime.DEFAULT_THREADS


def test_policy_applies_after_torch_already_ran_parallel_work():
    """When something used torch first, the inter-op pool is fixed but the intra-op count still applies."""
    code = ("import json, torch; torch.ones(256, 256) @ torch.ones(256, 256); "
            "torch.jit.wait(torch.jit.fork(torch.add, torch.ones(2), 1)); " + CONFIGURE.split("; ", 1)[1])
    assert _in_fresh_process(code)["intra"] == 1


@example("¹")  # isdigit() but not int(): CI found it
@example("٣")  # another script's digit: int() reads it, a thread count is not written that way
@given(st.one_of(st.none(), st.text(max_size=6), st.integers(-5, 500).map(str)))
def test_thread_count_is_always_a_usable_number(value):
    before = os.environ.pop(runtime.ENV_THREADS, None)
    try:
        if value is not None:
            os.environ[runtime.ENV_THREADS] = value
        count = runtime.thread_count()
    except ValueError:  # os.environ refuses NUL characters: not a value a user can set
        assert value is not None and "\x00" in value
        return
    finally:
        os.environ.pop(runtime.ENV_THREADS, None)
        if before is not None:
            os.environ[runtime.ENV_THREADS] = before
    assert 1 <= count <= max(os.cpu_count() or 1, 1)
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and int(text) >= 1:
        assert count == min(int(text), os.cpu_count() or int(text))
    else:
        assert count == runtime.DEFAULT_THREADS
