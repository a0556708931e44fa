"""The combined confidence (the reader's own calibrated confidence + the alignment similarity, issue 10 item 6):
its map, its file (format, SHA-256, alignment model), its fitting, and the development-file split it is checked on."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i2fet_tools.ifed.calibrate import ALIGN_FILES, CALIBRATION_FILES, CHECK_FILES, auroc, fit_combination
from ml_backend.errors import CheckpointError
from ml_backend.ifed.calibration import Combination, document, load_calibrators, load_combination

@settings(max_examples=200, deadline=None)
@given(own=st.floats(allow_nan=True, allow_infinity=True), similarity=st.floats(allow_nan=True, allow_infinity=True),
       slope=st.floats(0.0, 20.0), centre=st.floats(-1.0, 1.0), shift=st.floats(-3.0, 3.0))
def test_combination_is_a_probability_for_any_input(own, similarity, slope, centre, shift):
    p = Combination(slope, centre, shift)(own, similarity)
    assert 0.0 <= p <= 1.0 and math.isfinite(p)


@settings(max_examples=100, deadline=None)
@given(own=st.floats(0.01, 0.99), a=st.floats(-1.0, 1.0), b=st.floats(-1.0, 1.0), slope=st.floats(0.0, 20.0))
def test_a_closer_face_never_lowers_the_confidence(own, a, b, slope):
    combination = Combination(slope, 0.3, 0.0)
    low, high = sorted((a, b))
    assert combination(own, low) <= combination(own, high) + 1e-12


def test_zero_slope_and_shift_give_the_own_confidence_back():
    assert Combination(0.0, 0.3, 0.0)(0.8, -0.9) == pytest.approx(0.8)
    assert Combination(2.0, 0.3, 0.0)(0.8, 0.3) == pytest.approx(0.8)
    assert Combination(2.0, 0.3, 0.0)(0.8, float("nan")) == pytest.approx(0.8)  # no similarity: the own confidence


def test_bad_combination_is_refused():
    with pytest.raises(ValueError):
        Combination(-1.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        Combination(float("nan"), 0.0, 0.0)


def test_fit_finds_the_slope_when_similarity_separates_right_from_wrong():
    rng = np.random.default_rng(0)
    right = rng.random(600) < 0.8
    similarity = np.where(right, 0.5, 0.1) + 0.1 * rng.standard_normal(600)
    own = np.full(600, 0.8)
    fitted = fit_combination(own, similarity, right.astype(float))
    assert fitted.slope > 2.0
    p = np.array([fitted(o, s) for o, s in zip(own, similarity)])
    assert auroc(p, right) > 0.9 and abs(p.mean() - right.mean()) < 0.03
    useless = fit_combination(own, rng.standard_normal(600) * 0.1, right.astype(float))
    assert useless.slope < 1.0  # a similarity that knows nothing gets (almost) no weight


def test_auroc_edge_cases():
    assert math.isnan(auroc(np.array([0.1, 0.2]), np.array([True, True])))
    assert auroc(np.array([0.1, 0.9, np.nan]), np.array([False, True, True])) == 1.0


def test_file_round_trip_and_damage(tmp_path):
    maps = {"compose": {"x": [0.0, 1.0], "y": [0.2, 0.9], "fitted_on": "test"}}
    doc = document(maps, "a" * 64, {"compose": Combination(2.5, 0.3, 0.1)})
    path = tmp_path / "cal.json"
    path.write_text(json.dumps(doc))
    assert load_combination("compose", path, "a" * 64) == Combination(2.5, 0.3, 0.1)
    assert load_calibrators(path, "a" * 64)["compose"](0.5) == pytest.approx(0.55)
    with pytest.raises(CheckpointError, match="another alignment model"):
        load_combination("compose", path, "b" * 64)
    with pytest.raises(CheckpointError, match="No combined confidence"):
        load_combination("ifed", path)
    doc["combined"]["compose"]["slope"] = 9.0  # edited by hand: the SHA-256 no longer matches
    path.write_text(json.dumps(doc))
    with pytest.raises(CheckpointError, match="damaged"):
        load_combination("compose", path)
    old = {**document(maps, "a" * 64), "format_version": 1}
    path.write_text(json.dumps(old))
    with pytest.raises(CheckpointError, match="format"):
        load_calibrators(path)


def test_the_shipped_combination_matches_the_shipped_alignment_model():
    from ml_backend.ifed.alignment import default_alignment

    combination = load_combination("compose", alignment_sha256=default_alignment().meta["sha256"])
    assert combination.slope >= 0.0 and -1.0 <= combination.centre <= 1.0


def test_the_check_part_is_never_fitted_on():
    check = {p.name for p in CHECK_FILES}
    assert all(p.is_file() for p in (*CHECK_FILES, *ALIGN_FILES))
    assert not check & {p.name for p in ALIGN_FILES}
    assert not check & {p.name for p in CALIBRATION_FILES}
    assert not any("heldout" in str(p) for p in (*CHECK_FILES, *ALIGN_FILES))


def test_failure_negatives_are_the_readers_typical_mistakes():
    from i2fet_tools.ifed.align_train import failure_negatives
    from ml_backend.naming.arkit import INDEX

    faces = np.zeros((40, 52), np.float32)
    faces[:20, INDEX["mouthSmileLeft"]] = 0.8  # a one-sided smile
    faces[20:, INDEX["browDownLeft"]] = faces[20:, INDEX["browDownRight"]] = 0.7  # a frown
    out = failure_negatives(faces, np.random.default_rng(0))
    assert out.shape == faces.shape and np.isfinite(out).all() and out.min() >= 0.0 and out.max() <= 1.0
    changed = np.abs(out - faces).max(1) >= 0.05
    assert changed.mean() > 0.9  # nearly every near miss differs from its face
    mirrored = (out[:20, INDEX["mouthSmileRight"]] > 0.5) & (out[:20, INDEX["mouthSmileLeft"]] == 0.0)
    assert mirrored.any()  # the wrong side
    neighbour = (out[:20, INDEX["browDownLeft"]] > 0.5)
    assert neighbour.any()  # a neighbouring face of the batch
