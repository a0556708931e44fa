"""Live Link Face CSV: the columns Unreal reads, and a lossless round trip."""

import csv

import numpy as np
import pytest

from ml_backend.naming.arkit import ARKIT_NAMES
from ml_backend.errors import I2FETError
from ml_backend.export.livelink_csv import HEADER, read_livelink_csv, timecode, write_livelink_csv


def test_header_is_the_live_link_face_layout():
    assert HEADER[:2] == ("Timecode", "BlendShapeCount")
    assert HEADER[2] == "EyeBlinkLeft" and HEADER[53] == "TongueOut"
    assert HEADER[54:57] == ("HeadYaw", "HeadPitch", "HeadRoll")
    assert len(HEADER) == 2 + 52 + 9


def test_round_trip(tmp_path):
    weights = np.random.default_rng(1).random((45, 52)).astype(np.float32)
    path = write_livelink_csv(tmp_path / "take.csv", weights, fps=30)
    rows = list(csv.reader(path.open()))
    assert rows[1][0] == "00:00:00:00.000" and rows[1][1] == "61"
    assert rows[31][0] == "00:00:01:00.000"
    back, fps = read_livelink_csv(path)
    assert fps == 30
    np.testing.assert_allclose(back, weights, atol=1e-6)


def test_timecode_rolls_over_minutes():
    assert timecode(60 * 30 + 5, 30) == "00:01:00:05.000"


def test_not_a_take_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(I2FETError, match="not a Live Link Face take"):
        read_livelink_csv(path)
    assert len(ARKIT_NAMES) == 52


def _real_take(tmp_path, name):
    import lzma

    from ml_backend.paths import assets_root

    source = assets_root() / "livelink-takes" / f"{name}.csv.xz"
    if not source.is_file():
        pytest.skip("the shared Live Link takes are not here")
    path = tmp_path / f"{name}.csv"
    path.write_bytes(lzma.decompress(source.read_bytes()))
    return path


def test_real_takes_with_lost_tracking_and_the_other_spelling_are_read_with_notes(tmp_path):
    from ml_backend.export.livelink_csv import read_livelink_take

    s88 = read_livelink_take(_real_take(tmp_path, "S88-001"))
    assert s88.fps == 30.0  # rows every second frame of a 60-fps timecode
    assert any("tracking was lost" in n for n in s88.notes) and not s88.valid.all()
    assert np.isfinite(s88.weights).all() and np.isfinite(s88.rotations).all()
    assert s88.has_eyes and not s88.has_head and any("not recorded" in n for n in s88.notes)
    sentien = read_livelink_take(_real_take(tmp_path, "sentien_recording"))
    assert sentien.fps == 60.0 and sentien.has_head
    assert any("BlendshapeCount" in n for n in sentien.notes)


def test_rotations_round_trip_and_missing_columns_short_takes_and_bad_cells_say_so(tmp_path):
    from ml_backend.export.livelink_csv import read_livelink_take

    rng = np.random.default_rng(2)
    weights, rotations = rng.random((90, 52)), rng.uniform(-0.5, 0.5, (90, 9))
    take = read_livelink_take(write_livelink_csv(tmp_path / "t.csv", weights, 60.0, rotations=rotations))
    assert take.fps == 60.0 and take.valid.all() and not take.notes
    np.testing.assert_allclose(take.rotations, rotations, atol=1e-6)
    rows = list(csv.reader((tmp_path / "t.csv").open()))
    no_rot = tmp_path / "norot.csv"
    with no_rot.open("w", newline="") as handle:
        csv.writer(handle).writerows([r[:54] for r in rows])
    plain = read_livelink_take(no_rot)
    assert not plain.has_eyes and any("No head or eye rotation" in n for n in plain.notes)
    short = tmp_path / "short.csv"
    with short.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows[:4])
    assert any("too short" in n for n in read_livelink_take(short).notes)
    one = tmp_path / "one.csv"
    with one.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows[:2])
    with pytest.raises(I2FETError, match="at least 2"):
        read_livelink_take(one)
    rows[5][10] = "abc"
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(I2FETError, match="line 6.*not a number"):
        read_livelink_take(bad)
    with pytest.raises(I2FETError, match="frame rate"):
        read_livelink_take(tmp_path / "t.csv", fps=float("nan"))
    with pytest.raises(I2FETError):
        write_livelink_csv(tmp_path / "x.csv", weights, 60.0, rotations=rotations[:5])
