"""The hand-written held-out set is well formed, and the expectation checker fails readings that are wrong."""

from __future__ import annotations

import numpy as np
import pytest

from ml_backend.naming.arkit import INDEX, NUM_CHANNELS
from i2fet_tools.ifed.expectations import (STYLES, ExpectationError, check_block, check_entry, expand, is_monotonic,
                                           load_entries, load_series, parse_entry)


def face(**channels: float) -> np.ndarray:
    w = np.zeros(NUM_CHANNELS, np.float32)
    for name, value in channels.items():
        w[INDEX[name]] = value
    return w


def test_heldout_set_is_large_labelled_and_valid():
    entries = load_entries()
    assert len(entries) >= 300
    assert {e.style for e in entries} == set(STYLES)
    assert len({e.text.lower() for e in entries}) == len(entries)
    assert len(load_series()) >= 15


def test_unknown_channel_and_bad_range_are_refused():
    with pytest.raises(ExpectationError):
        expand("mouthGrin*")
    with pytest.raises(ExpectationError):
        parse_entry({"id": "x", "style": "prose", "text": "t", "steps": [{"range": {"jawOpen": [0.8, 0.2]}}]}, "x")
    with pytest.raises(ExpectationError):
        parse_entry({"id": "x", "style": "prose", "text": "t", "steps": [{"rise": ["jawOpen"], "low": ["jawOpen"]}]}, "x")


def test_checker_passes_the_right_face_and_fails_a_wrong_channel():
    block = {"rise": ["mouthSmile*"], "low": ["mouthFrown*"], "sided": [["mouthSmileLeft", "mouthSmileRight"]]}
    assert check_block(block, face(mouthSmileLeft=0.8, mouthSmileRight=0.5)) == []
    assert check_block(block, face(mouthSmileLeft=0.8, mouthSmileRight=0.75))  # not one-sided enough
    assert check_block(block, face(mouthSmileLeft=0.8, mouthSmileRight=0.5, mouthFrownLeft=0.3))  # frown leaks
    assert check_block({"range": {"jawOpen": [0.35, 0.65]}}, face(jawOpen=0.9))
    assert check_block({"neutral": True}, face(browInnerUp=0.2))
    assert check_block({"any": [["mouthPucker", "mouthFunnel"]]}, face(mouthFunnel=0.3)) == []


def test_step_count_and_refusal_fail_the_entry():
    entry = parse_entry({"id": "t", "style": "transition", "text": "smile then frown",
                         "steps": [{"rise": ["mouthSmile*"]}, {"rise": ["mouthFrown*"]}]}, "t")
    smile, frown = face(mouthSmileLeft=0.7, mouthSmileRight=0.7), face(mouthFrownLeft=0.6, mouthFrownRight=0.6)
    assert check_entry(entry, [smile, frown]) == []
    assert check_entry(entry, [frown, smile])
    assert check_entry(entry, [smile])
    assert check_entry(entry, None) == ["refused"]


def test_monotonicity():
    assert is_monotonic([0.1, 0.2, 0.5, 0.8])
    assert not is_monotonic([0.1, 0.6, 0.4, 0.8])
    assert not is_monotonic([0.3, 0.35, 0.4])
