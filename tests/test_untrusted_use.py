"""Regressions found by using the product as a new user would (issue 15): each test failed on the old code.

A closed output pipe (``generate ... | head -1``) lost the clip and printed a traceback; a Live Link take
whose timecodes go back was an IndexError; ``~`` and Blender's ``//`` paths were checked in one place and
written in another (a folder named ``~`` in the working directory, ``/take.csv`` at the disk's root); an
empty ``$I2FET_CACHE`` put the cache in the working directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ml_backend.errors import I2FETError
from ml_backend.export.livelink_csv import HEADER, read_livelink_take

ROOT = Path(__file__).resolve().parent.parent


def test_a_closed_output_pipe_still_writes_the_clip_without_a_traceback(tmp_path):
    out = tmp_path / "clip.csv"
    command = [sys.executable, "-m", "ml_backend", "generate", "a big smile then a frown", "--frames", "12",
               "--out", str(out)]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()  # the reader has gone before the first line, like `| head -0`
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0, err.decode()
    assert b"Traceback" not in err and b"BrokenPipe" not in err
    assert len(out.read_text().splitlines()) == 13


def _take(path: Path, codes: list[str]) -> Path:
    rows = [",".join(HEADER)]
    for index, code in enumerate(codes):
        rows.append(",".join([code, "61", f"{index / 10:.2f}"] + ["0"] * (len(HEADER) - 3)))
    path.write_text("\n".join(rows) + "\n")
    return path


def test_rows_out_of_timecode_order_are_put_in_order(tmp_path):
    codes = [f"00:00:05:{f:02d}.000" for f in range(5)] + ["00:00:00:00.000"]
    take = read_livelink_take(_take(tmp_path / "back.csv", codes))
    blink = take.weights[:, 0]  # EyeBlinkLeft: 0.0-0.4 on the rows at 5 s, 0.5 on the row at 0 s
    assert blink[0] == np.float32(0.5) and blink[-1] == np.float32(0.4)
    assert take.valid[0] and take.valid[-5:].all() and not take.valid[1:-5].any()
    assert any("timecode order" in note for note in take.notes)


def test_an_empty_cache_variable_means_the_default_folder(tmp_path, monkeypatch):
    from ml_backend.paths import cache_dir

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("I2FET_CACHE", " ")
    monkeypatch.chdir(tmp_path)
    assert cache_dir() == tmp_path / ".cache" / "i2fet"


def _head_with_clip(bpy):
    from tests.addon_helpers import keyed_head

    keyed_head()
    settings = bpy.context.scene.i2fet
    settings.duration_unit, settings.frames, settings.use_current_frame = "FRAMES", 12, False
    settings.prompt = "a big smile"
    assert bpy.ops.i2fet.generate() == {"FINISHED"}


def test_a_home_relative_export_goes_to_the_home_folder(blender, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(tmp_path)
    _head_with_clip(blender)
    assert blender.ops.i2fet.export_livelink_csv(filepath="~/take.csv") == {"FINISHED"}
    assert (tmp_path / "home" / "take.csv").is_file()
    assert not (tmp_path / "~").exists()


def test_blend_relative_paths_are_beside_the_saved_file(blender, tmp_path):
    _head_with_clip(blender)
    blender.ops.wm.save_as_mainfile(filepath=str(tmp_path / "scene.blend"))
    assert blender.ops.i2fet.export_livelink_csv(filepath="//takes/take.csv") == {"FINISHED"}
    assert (tmp_path / "takes" / "take.csv").is_file()
    assert blender.ops.i2fet.export_fbx(filepath="//head.fbx") == {"FINISHED"}
    assert (tmp_path / "head.fbx").is_file()
    before = len(blender.data.actions)
    assert blender.ops.i2fet.import_livelink_csv(filepath="//takes/take.csv") == {"FINISHED"}
    assert len(blender.data.actions) == before + 1
    assert not Path("/take.csv").exists() and not Path("/head.fbx").exists()


_CELL = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.sampled_from(["", " ", "x", "1e999", "-0"]),
                  st.integers(-5, 5).map(str))
_VALID_CODE = st.builds(lambda s, f: f"00:00:{s:02d}:{f:02d}.000", st.integers(0, 59), st.integers(0, 59))
_NUMBER = st.floats(0, 1).map(lambda v: f"{v:.4f}")
_CODE = st.one_of(
    _VALID_CODE, _VALID_CODE,
    st.builds(lambda h, m, s, f, ms: f"{h:02d}:{m:02d}:{s:02d}:{f:02d}.{ms:03d}", st.integers(-2, 30), st.integers(-1, 61),
              st.integers(-1, 62), st.integers(-1, 1200), st.integers(0, 999)),
    st.text(max_size=12))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_CODE, st.one_of(st.lists(_CELL, max_size=4), st.lists(_CELL, min_size=58, max_size=63),
                                                     *[st.lists(_NUMBER, min_size=62, max_size=62)] * 3)),
                     max_size=8),
       drop=st.lists(st.integers(0, len(HEADER) - 1), max_size=10), fps=st.one_of(st.none(), st.floats(-5, 2000)))
def test_any_take_reads_or_is_refused_with_a_message(tmp_path, rows, drop, fps):
    """Random timecodes, cells, row lengths, missing columns and override rates: a Take of finite arrays of
    a bounded size, or an I2FETError; never another exception."""
    def kept(cells: list[str]) -> list[str]:  # a dropped column leaves the header and every row
        return [cell for i, cell in enumerate(cells) if i not in set(drop)]

    path = tmp_path / "random.csv"
    path.write_text("\n".join([",".join(kept(list(HEADER)))] + [",".join(kept([code, *cells])) for code, cells in rows]) + "\n")
    try:
        take = read_livelink_take(path, fps)
    except I2FETError:
        event("refused")
        return
    event("read")
    assert take.weights.shape[1] == 52 and len(take.weights) == len(take.rotations) == len(take.valid)
    assert len(take.weights) <= max(2 * len(rows), 60 * take.fps + len(rows))
    assert np.isfinite(take.weights).all() and np.isfinite(take.rotations).all()
    assert 0 < take.fps <= 1000 and np.isfinite(take.fps)


def test_trailing_commas_are_not_taken_for_decimal_commas(tmp_path):
    codes = [f"00:00:01:{f:02d}.000" for f in range(0, 40, 2)]
    path = _take(tmp_path / "take.csv", codes)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0]] + [line + ",," for line in lines[1:]]) + "\n")
    assert read_livelink_take(path).weights.shape == (20, 52)
    path.write_text("\n".join([lines[0]] + [line + ",0" for line in lines[1:]]) + "\n")
    with pytest.raises(I2FETError, match="64 cells under a header of 63"):
        read_livelink_take(path)


def test_head_from_photo_prints_a_path_with_escape_codes_escaped(tmp_path):
    import contextlib
    import io
    import shutil

    from ml_backend import cli
    from ml_backend.paths import assets_root

    photo = tmp_path / "\x1b[31mred\x1b[0m.jpg"
    shutil.copy(assets_root() / "photos" / "01_london024_adult-man_neutral.jpg", photo)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli.main(["head-from-photo", str(photo), "--out", str(photo.with_suffix(".glb"))])
    assert status == 0 and photo.with_suffix(".glb").is_file()
    assert "\x1b" not in out.getvalue() and "\\x1b[31mred\\x1b[0m.glb" in out.getvalue()


def test_fbx_and_glb_exports_replace_a_file_whole_or_leave_it(blender, tmp_path):
    from i2fet_blender.errors import BlenderIOError
    from i2fet_blender.io.scene_files import export_fbx, export_gltf

    _head_with_clip(blender)
    head = blender.context.view_layer.objects.active
    for name, export in (("head.fbx", export_fbx), ("head.glb", export_gltf)):
        target = tmp_path / name
        target.write_bytes(b"an earlier export")
        with pytest.raises(BlenderIOError, match="ends before it starts"):
            export(str(target), [head], frame_range=(10, 1))
        assert target.read_bytes() == b"an earlier export"
        export(str(target), [head])
        assert target.stat().st_size > 1000 and target.read_bytes()[:4] in (b"Kayd", b"glTF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["head.fbx", "head.glb"]
