"""Confidence calibration: fitted on calibration data only, shipped verified, applied by the default reader, shown in
the plan; the calibration error and the isotonic fit behave as their definitions say."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_backend.errors import CheckpointError
from ml_backend.plan import Anchor, Plan, Segment
from ml_backend.reading.calibration import (CALIBRATION_FILE, FORMAT_NAME, PiecewiseLinear, identity,
                                            load_calibrator)
from i2fet_tools.ifed.calibrate import (UNTUNED_SHARE, expected_calibration_error, fit_isotonic, reliability,
                                       source_weights)
from i2fet_tools.ifed.expectations import DEV_FILE, Entry, load_entries


def test_shipped_calibration_is_small_verified_and_not_fitted_on_the_heldout_set():
    data = json.loads(CALIBRATION_FILE.read_text())
    assert data["format"] == FORMAT_NAME and CALIBRATION_FILE.stat().st_size < 4096
    assert "not the held-out set" in data["fitted_on"]
    calibrate = load_calibrator()
    assert calibrate is not identity
    values = [calibrate(x) for x in np.linspace(0, 1, 21)]
    assert all(0 <= v <= 1 for v in values) and values == sorted(values)


def test_the_default_reader_reports_the_calibrated_confidence():
    from ml_backend.reading.compositional import CompositionalReader

    reader = CompositionalReader(use_meaning=False)
    reading = reader.analyse("a smile with worried eyebrows")
    step = reading.understood_steps[0]
    assert step.confidence == pytest.approx(load_calibrator()(step.raw_confidence))
    steps, _ = reader.read("a smile with worried eyebrows")
    assert steps[0].anchor.confidence == pytest.approx(step.confidence)


def test_a_tampered_or_foreign_calibration_file_is_refused(tmp_path):
    path = PiecewiseLinear((0.0, 1.0), (0.2, 0.8)).save(tmp_path / "cal.json", fitted_on="test")
    assert load_calibrator(path)(0.5) == pytest.approx(0.5)
    data = json.loads(path.read_text())
    for change, message in (({"y": [0.2, 0.9]}, "SHA-256"), ({"format_version": 1}, "version"),
                            ({"reader": "ifed"}, "ifed")):
        path.write_text(json.dumps({**data, **change}))
        with pytest.raises(CheckpointError, match=message):
            load_calibrator(path)
    path.write_text("[1, 2]")
    with pytest.raises(CheckpointError, match="cal.json"):
        load_calibrator(path)


def test_the_shipped_alignment_calibration_matches_the_shipped_alignment_model():
    from ml_backend.ifed.alignment import default_alignment
    from ml_backend.ifed.calibration import load_calibrators
    from ml_backend.reading.registry import READERS

    maps = load_calibrators(alignment_sha256=default_alignment().meta["sha256"])
    assert set(READERS) <= set(maps)
    with pytest.raises(CheckpointError, match="another alignment model"):
        load_calibrators(alignment_sha256="0" * 64)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=8, unique=True),
       st.lists(st.floats(0, 1), min_size=8, max_size=8), st.floats(allow_nan=True, allow_infinity=True))
def test_piecewise_maps_stay_in_range_and_never_fall(xs, ys, raw):
    xs = sorted(xs)
    calibrate = PiecewiseLinear(tuple(xs), tuple(np.maximum.accumulate(ys[:len(xs)])))
    value = calibrate(raw)
    assert 0.0 <= value <= 1.0
    if np.isfinite(raw):
        assert calibrate(raw + 1.0) >= value - 1e-9


def test_expected_calibration_error_by_its_definition():
    right = np.array([1, 0] * 50, float)
    assert expected_calibration_error(np.full(100, 1.0), right) == pytest.approx(0.5)
    assert expected_calibration_error(np.full(100, 0.5), right) == pytest.approx(0.0)
    confident = np.r_[np.full(50, 0.95), np.full(50, 0.05)]
    assert expected_calibration_error(confident, np.r_[np.ones(50), np.zeros(50)]) == pytest.approx(0.05)
    assert np.isnan(expected_calibration_error(np.full(3, np.nan), np.ones(3)))
    bins = reliability(confident, np.r_[np.ones(50), np.zeros(50)])
    assert [(round(c, 2), a, n) for c, a, n in bins] == [(0.05, 0.0, 50), (0.95, 1.0, 50)]


def test_isotonic_fit_is_monotone_and_follows_the_weights():
    raw = np.r_[np.linspace(0.1, 0.5, 40), np.linspace(0.6, 1.0, 40)]
    right = np.r_[np.zeros(40), np.ones(40)]
    x, y = fit_isotonic(raw, right)
    assert x == sorted(x) and y == sorted(y) and y[0] == 0.0 and y[-1] == 1.0
    flat_x, flat_y = fit_isotonic(np.full(4, 0.7), np.array([1, 0, 0, 0.0]), weight=np.array([3, 1, 1, 1.0]))
    assert flat_y == [pytest.approx(0.5)] * 2


def test_each_calibration_source_weighs_half():
    entries = [Entry(str(i), "generated" if i < 30 else "prose", "t", ({"neutral": True},)) for i in range(40)]
    weights = source_weights(entries)
    assert weights[:30].sum() == pytest.approx(weights[30:].sum()) and weights.sum() == pytest.approx(40)


def test_the_round_never_tuned_on_sets_most_of_the_level():
    entries = [Entry(f"t{i}", "prose", "t", ({"neutral": True},)) for i in range(90)]
    entries += [Entry(f"u{i}", "prose", "t", ({"neutral": True},)) for i in range(10)]
    weights = source_weights(entries, frozenset(f"u{i}" for i in range(10)))
    assert weights[90:].sum() / weights.sum() == pytest.approx(UNTUNED_SHARE)
    assert weights.sum() == pytest.approx(100) and len(set(weights[90:])) == 1


def test_calibration_data_shares_no_instruction_with_the_heldout_set():
    from i2fet_tools.ifed.calibrate import calibration_entries

    heldout = {e.text.strip().lower() for e in load_entries()}
    calibration = calibration_entries(300)
    assert len(calibration) >= 300 and DEV_FILE.is_file()
    assert not heldout & {e.text.strip().lower() for e in calibration}


def test_the_plan_print_shows_each_steps_confidence():
    smile = Anchor("smile", np.full(52, 0.5, np.float32), 0.8, confidence=0.63)
    frown = Anchor("frown", np.full(52, 0.5, np.float32), 1.0, confidence=0.41)
    plan = Plan("smile then frown", (Segment(smile, 0.0, 0.5), Segment(frown, 1.0, 1.5)), 2.0, 30.0, reader="compose")
    lines = plan.summary().splitlines()
    assert "confidence 0.41" in lines[0]
    assert "confidence 0.63" in lines[1] and "confidence 0.41" in lines[2]
    assert plan.to_dict()["segments"][0]["confidence"] == pytest.approx(0.63)
