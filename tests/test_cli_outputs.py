"""Strict outputs of the command line and the writers: atomic files, valid JSON, the exact Live Link layout,
sanitised printing, and an existing output replaced only as documented (a file yes; a folder or a
read-only file never)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from ml_backend import cli
from ml_backend.errors import OutputPathError
from ml_backend.export.atomic import atomic_write, write_text
from ml_backend.export.clip_json import write_clip_json
from ml_backend.export.livelink_csv import BLENDSHAPE_COUNT, HEADER, write_livelink_csv
from ml_backend.naming.arkit import ARKIT_NAMES
from ml_backend.printable import printable
from ml_backend import validation


def _main(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(argv))
    return status, out.getvalue(), err.getvalue()


def _strict(text: str):
    def refuse(constant):
        raise ValueError(constant)

    return json.loads(text, parse_constant=refuse)


def test_json_is_strict_and_complete(tmp_path):
    status, printed, _ = _main("generate", "a faint smile then surprise", "--frames", "30", "--reader", "lexicon",
                               "--out", str(tmp_path / "clip.json"))
    assert status == 0 and "wrote 30 frames" in printed
    payload = _strict((tmp_path / "clip.json").read_text())
    assert payload["format"] == "i2fet-clip" and payload["channels"] == list(ARKIT_NAMES)
    frames = np.array(payload["frames"])
    assert frames.shape == (30, 52) and np.isfinite(frames).all() and 0 <= frames.min() and frames.max() <= 1
    assert "NaN" not in (tmp_path / "clip.json").read_text()


def test_live_link_csv_has_the_exact_layout(tmp_path):
    status, _, _ = _main("generate", "smile", "--frames", "35", "--fps", "30", "--out", str(tmp_path / "take.csv"))
    assert status == 0
    rows = list(csv.reader((tmp_path / "take.csv").open(newline="")))
    assert tuple(rows[0]) == HEADER and len(HEADER) == 2 + 52 + 9
    assert rows[0][2] == "EyeBlinkLeft" and rows[0][-1] == "RightEyeRoll"
    assert len(rows) == 36 and all(len(row) == len(HEADER) for row in rows)
    assert rows[1][0] == "00:00:00:00.000" and rows[31][0] == "00:00:01:00.000" and rows[35][0] == "00:00:01:04.000"
    assert all(row[1] == str(BLENDSHAPE_COUNT) for row in rows[1:])
    values = np.array([[float(v) for v in row[2:]] for row in rows[1:]])
    assert np.isfinite(values).all() and 0 <= values[:, :52].min() and values[:, :52].max() <= 1


def test_an_existing_output_file_is_replaced_whole_and_nothing_else_is_left(tmp_path):
    target = tmp_path / "clip.csv"
    target.write_text("old take\n")
    status, _, _ = _main("generate", "smile", "--frames", "10", "--out", str(target))
    assert status == 0 and target.read_text().startswith("Timecode,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.csv"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()


def test_missing_folders_are_created_only_when_the_file_is_written(tmp_path):
    status, _, _ = _main("generate", "smile", "--frames", "10", "--out", str(tmp_path / "a" / "b" / "clip.json"))
    assert status == 0 and (tmp_path / "a" / "b" / "clip.json").is_file()
    status, _, _ = _main("generate", "a red car", "--frames", "10", "--out", str(tmp_path / "c" / "d" / "clip.json"))
    assert status == 2 and not (tmp_path / "c").exists()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "clip.json"
    target.write_text('{"kept": true}')
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write('{"half":')
        raise RuntimeError("disk pulled out")
    assert target.read_text() == '{"kept": true}' and sorted(p.name for p in tmp_path.iterdir()) == ["clip.json"]
    with pytest.raises(OutputPathError), atomic_write(tmp_path / "new" / "deeper" / "x.json") as handle:
        raise OSError(28, "No space left on device")
    assert not (tmp_path / "new").exists()


def test_writers_refuse_non_finite_values_and_write_nothing(tmp_path):
    bad = np.zeros((4, 52))
    bad[2, 5] = np.inf
    with pytest.raises(Exception, match="not numbers"):
        write_clip_json(tmp_path / "c.json", {}, bad, 30.0)
    with pytest.raises(Exception, match="finite"):
        write_livelink_csv(tmp_path / "c.csv", bad, 30.0)
    assert list(tmp_path.iterdir()) == []


def test_read_only_outputs_are_refused_not_replaced(tmp_path, monkeypatch):
    target = tmp_path / "locked.json"
    write_text(target, "{}")
    monkeypatch.setattr(validation.os, "access", lambda path, mode: False)  # root may write anywhere: pretend not
    with pytest.raises(OutputPathError, match="read-only"):
        validation.output_path(str(target), (".json",))


def test_terminal_escapes_never_reach_the_terminal_raw(tmp_path):
    status, printed, errors = _main("generate", "a big smile \x1b[31mRED\x1b[0m then surprise\x07", "--frames", "20",
                                    "--out", str(tmp_path / "c.json"))
    assert status == 0
    assert not any(ord(c) < 32 and c != "\n" for c in printed + errors), repr(printed + errors)
    instruction = _strict((tmp_path / "c.json").read_text())["plan"]["instruction"]
    assert "\x1b" not in instruction and "RED" in instruction
    status, printed, errors = _main("generate", "smile", "--out", "\x1b]0;owned\x07x.txt")
    assert status == 2 and "\x1b" not in errors and "\\x1b" in errors


@pytest.mark.parametrize("text, shown", [("a\x1b[2Jb", "a\\x1b[2Jb"), ("tab\there", "tab\\x09here"),
                                          ("rtl\u202eoverride", "rtl\\u202eoverride"), ("ok ünïcode 😊", "ok ünïcode 😊"),
                                          ("lone \udcff", "lone \\udcff"), ("line\nbreak", "line\\x0abreak")])
def test_printable_escapes_controls_and_keeps_letters(text, shown):
    assert printable(text) == shown


def test_several_problems_are_each_reported_once():
    status, _, errors = _main("generate", "", "--fps", "0", "--seed", "-3", "--intensity", "nan")
    lines = [line for line in errors.splitlines() if line.startswith("error:")]
    assert status == 2 and len(lines) == 4 and len(set(lines)) == 4
