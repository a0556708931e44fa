"""Property tests (Hypothesis) of the command line, in process (``ml_backend.cli.main(argv)``).

Random values for every option of ``generate``: the exit status is 0 (a clip, and with ``--out`` a strict
JSON or Live Link CSV file whose weights are finite and in [0, 1]) or 2 (one ``error:`` line per problem,
nothing written); never a traceback, never a raw control character on the terminal, never a hang.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml_backend import cli
from ml_backend.export.livelink_csv import HEADER

EXAMPLES = 150
TRIED = {"cli": 0, "exit 0": 0, "exit 2": 0, "valid options": 0}
NUMBERS = ["0", "1", "-1", "2.5", "nan", "inf", "-inf", "1e9", "0.000001", "23.976", "120", "abc", "", " 7 ", "1_000"]

numeric_text = st.one_of(st.sampled_from(NUMBERS), st.integers(-10, 400).map(str), st.floats(allow_nan=True).map(repr),
                         st.text(max_size=6))
def mostly(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    """An option left out, or given a valid value, about four times in five; otherwise any text."""
    return st.one_of(st.none(), valid, valid, valid, numeric_text)


instructions = st.one_of(st.sampled_from(["smile", "a faint smile then surprise", "frown twice over 2 seconds",
                                          "a red car", "\x1b[31msmile\x1b[0m", "~~~", ""]),
                         st.sampled_from(["smile", "a faint smile then surprise", "a big grin", "wink"]),
                         st.text(max_size=30))


def _strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module", autouse=True)
def _warm_and_report():
    with contextlib.redirect_stdout(io.StringIO()):
        cli.main(["generate", "smile", "--frames", "5"])
    yield
    print("\nproperty examples tried (CLI):", ", ".join(f"{k} {v}" for k, v in TRIED.items()))


@settings(max_examples=EXAMPLES, deadline=timedelta(seconds=20), suppress_health_check=[HealthCheck.too_slow])
@given(instruction=instructions, frames=mostly(st.integers(1, 200).map(str)),
       seconds=st.one_of(st.none(), st.none(), st.none(), mostly(st.floats(0.05, 5).map(repr))),
       fps=mostly(st.sampled_from(["24", "23.976", "30", "60", "12.5"])), intensity=mostly(st.floats(0, 2).map(repr)),
       seed=mostly(st.integers(0, 2**32 - 1).map(str)), out=st.sampled_from([None, "clip.json", "clip.csv", "sub/dir/c.json"]),
       reader=st.sampled_from(["compose", "ifed", "lexicon"]), flags=st.sets(st.sampled_from(["--no-blinks", "--no-asymmetry"])))
def test_cli_exits_0_with_clean_files_or_2_with_messages(instruction, frames, seconds, fps, intensity, seed, out,
                                                        reader, flags):
    TRIED["cli"] += 1
    with tempfile.TemporaryDirectory() as folder:
        argv = ["generate", instruction, "--reader", reader, *sorted(flags)]
        for option, value in (("--frames", frames), ("--seconds", seconds), ("--fps", fps),
                              ("--intensity", intensity), ("--seed", seed)):
            if value is not None:
                argv += [f"{option}={value}"]
        status, printed, stderr = _run(argv, folder, out)
        TRIED[f"exit {status}"] += 1
        _check_outcome(status, printed, stderr, folder, out)


def _run(argv: list[str], folder: str, out: str | None) -> tuple[int, str, str]:
    if out is not None:
        argv = argv + ["--out", str(Path(folder) / out)]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = cli.main(argv)
    return status, stdout.getvalue() + stderr.getvalue(), stderr.getvalue()


def _check_outcome(status: int, printed: str, stderr: str, folder: str, out: str | None) -> None:
    """Exit 2 with messages and no file, or exit 0 with the one file asked for, strict and in range."""
    assert "Traceback" not in printed
    assert not any(ord(c) < 32 and c not in "\n\r" for c in printed), repr(printed)
    assert status in (0, 2), (status, printed)
    written = sorted(p for p in Path(folder).rglob("*") if p.is_file())
    if status == 2:
        assert stderr.startswith(("error:", "usage:")), printed
        assert written == [], written
        return
    if out is None:
        assert written == []
        return
    assert written == [Path(folder) / out]
    if out.endswith(".json"):
        frames_written = np.array(_strict_json(written[0].read_text())["frames"])
    else:
        rows = list(csv.reader(written[0].open()))
        assert tuple(rows[0]) == HEADER and all(len(r) == len(HEADER) for r in rows)
        frames_written = np.array([[float(v) for v in r[2:54]] for r in rows[1:]])
    assert frames_written.shape[1] == 52 and len(frames_written) >= 1
    assert np.all(np.isfinite(frames_written)) and frames_written.min() >= 0 and frames_written.max() <= 1


@settings(max_examples=EXAMPLES // 3, deadline=timedelta(seconds=20), suppress_health_check=[HealthCheck.too_slow])
@given(instruction=st.sampled_from(["smile", "a faint smile then surprise", "a big grin", "wink", "frown",
                                    "surprise over 2 seconds then back to neutral", "anger then disgust"]),
       length=st.one_of(st.integers(1, 300).map(lambda n: ["--frames", str(n)]),
                        st.floats(0.05, 8).map(lambda s: ["--seconds", repr(s)])),
       fps=st.one_of(st.floats(1, 1000), st.sampled_from([23.976, 29.97, 1, 1000])).map(repr),
       intensity=st.floats(0, 2).map(repr), seed=st.integers(0, 2**32 - 1).map(str),
       out=st.sampled_from(["clip.json", "clip.csv", "a/b/clip.json"]), reader=st.sampled_from(["compose", "ifed", "lexicon"]))
def test_valid_options_always_give_a_clip_and_a_clean_file(instruction, length, fps, intensity, seed, out, reader):
    TRIED["valid options"] += 1
    with tempfile.TemporaryDirectory() as folder:
        argv = ["generate", instruction, *length, "--fps", fps, "--intensity", intensity, "--seed", seed,
                "--reader", reader]
        status, printed, stderr = _run(argv, folder, out)
        assert status == 0, printed
        _check_outcome(status, printed, stderr, folder, out)
