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
