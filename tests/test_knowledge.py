"""The expression knowledge base: FACS action units in ARKit weights and the named concepts."""

from __future__ import annotations

import re

import numpy as np
import pytest

from ml_backend.naming.arkit import ARKIT_NAMES, INDEX
from ml_backend.errors import BadInstructionError, I2FETError
from ml_backend.knowledge import (
    AU_TABLE,
    CATEGORIES,
    KINDS,
    all_concepts,
    au_vector,
    basic_emotions,
    concept,
    mirror_weights,
    nearest_category,
    parse_au,
)
from ml_backend.knowledge.action_units import ICT_TABLE


def _mirror(weights: np.ndarray) -> np.ndarray:
    """Swap the subject's left and right channels."""
    out = np.zeros_like(weights)
    for name, value in zip(ARKIT_NAMES, weights):
        if name.endswith("Left"):
            out[INDEX[name[:-4] + "Right"]] = value
        elif name.endswith("Right"):
            out[INDEX[name[:-5] + "Left"]] = value
        else:
            out[INDEX[name]] = value
    return out


def _w(weights: np.ndarray, channel: str) -> float:
    return float(weights[INDEX[channel]])


def _words(text: str) -> str:
    return " " + re.sub(r"[\s_]+", " ", text.strip().lower()) + " "


# ---------------------------------------------------------------- action units


def test_au_table_rows_use_arkit_channels_and_say_where_they_come_from():
    for number, entry in AU_TABLE.items():
        assert entry.number == number
        assert entry.weights and all(name in INDEX for name in entry.weights)
        assert all(0.0 < w <= 1.0 for w in entry.weights.values())
        assert ICT_TABLE in entry.source or "approximation" in entry.source.lower(), number


def test_au_table_follows_the_ict_facekit_rows():
    ict_rows = {
        1: {"browInnerUp"}, 2: {"browOuterUpLeft", "browOuterUpRight"},
        9: {"noseSneerLeft", "noseSneerRight"}, 10: {"mouthShrugUpper"},
        11: {"mouthUpperUpLeft", "mouthUpperUpRight"}, 17: {"mouthShrugLower"},
        27: {"jawOpen"}, 28: {"mouthRollLower", "mouthRollUpper"}, 33: {"cheekPuff"},
        61: {"eyeLookOutLeft", "eyeLookInRight"}, 62: {"eyeLookOutRight", "eyeLookInLeft"},
    }
    for number, channels in ict_rows.items():
        assert set(AU_TABLE[number].weights) == channels, number
    for number in (13, 19, 23, 25, 26, 38, 39, 43, 46):
        assert "approximation" in AU_TABLE[number].source.lower(), number


def test_au_codes_accept_numbers_prefixes_sides_and_intensity_letters():
    assert np.array_equal(au_vector(12), au_vector("AU12"))
    assert np.array_equal(au_vector(["12"]), au_vector("au 12"))
    left = au_vector("L12")
    assert _w(left, "mouthSmileLeft") == 1.0 and _w(left, "mouthSmileRight") == 0.0
    assert _w(au_vector("R12"), "mouthSmileRight") == 1.0
    c = au_vector("12C")
    assert _w(c, "mouthSmileLeft") == pytest.approx(0.6)
    assert _w(c, "mouthSmileRight") == pytest.approx(0.6)
    assert _w(au_vector("R12D"), "mouthSmileRight") == pytest.approx(0.8)
    assert parse_au("L12A").side == "left" and parse_au("L12A").intensity == pytest.approx(0.2)
    assert _w(au_vector("12", side="right"), "mouthSmileLeft") == 0.0
    assert _w(au_vector("L1"), "browInnerUp") == pytest.approx(0.5)  # one-sided midline
    assert _w(au_vector(["12", "12"]), "mouthSmileLeft") == 1.0  # clipped
    assert _w(au_vector("12", intensity=0.25), "mouthSmileLeft") == pytest.approx(0.25)
    assert au_vector([]).shape == (52,) and au_vector([]).dtype == np.float32


def test_one_sided_aus_need_a_side_and_mirror():
    wink = au_vector("R46")
    assert _w(wink, "eyeBlinkRight") == 1.0 and _w(wink, "eyeBlinkLeft") == 0.0
    np.testing.assert_array_equal(au_vector("L46"), _mirror(wink))
    assert _w(au_vector("L30"), "jawLeft") == 1.0 and _w(au_vector("R30"), "jawRight") == 1.0
    with pytest.raises(BadInstructionError, match="one-sided"):
        au_vector("46")


@pytest.mark.parametrize("bad", ["3", "AU99", "12F", "X12", "", "twelve", 12.5, True, None, -1])
def test_bad_au_codes_raise_the_projects_error(bad):
    with pytest.raises(BadInstructionError) as raised:
        au_vector([bad])
    assert isinstance(raised.value, I2FETError)


def test_bad_side_or_intensity_raise():
    with pytest.raises(BadInstructionError):
        au_vector("12", side="up")
    with pytest.raises(BadInstructionError):
        au_vector("12", intensity=-0.5)
    with pytest.raises(BadInstructionError):
        au_vector("12", intensity=float("nan"))


# ---------------------------------------------------------------- concepts


def test_there_are_enough_concepts_with_unique_names_of_every_kind():
    concepts = all_concepts()
    assert len(concepts) >= 150
    names = [c.name for c in concepts]
    assert len(set(names)) == len(names)
    assert {c.kind for c in concepts} == set(KINDS)
    assert all_concepts() is concepts


def test_every_concept_is_well_formed():
    for c in all_concepts():
        assert c.category in CATEGORIES and c.kind in KINDS, c.name
        assert c.weights.shape == (52,) and c.weights.dtype == np.float32, c.name
        assert np.all(np.isfinite(c.weights)), c.name
        assert c.weights.min() >= 0.0 and c.weights.max() <= 1.0, c.name
        assert 3 <= len(c.synonyms) <= 8, c.name
        assert 1 <= len(c.heldout_synonyms) <= 3, c.name
        assert c.source, c.name
        if c.name != "neutral":
            assert c.weights.max() >= 0.1, c.name  # visible, even when faint (calm)


def test_concept_weights_are_read_only():
    with pytest.raises(ValueError):
        concept("happiness").weights[0] = 1.0


def test_basic_prototypes_show_their_defining_channels():
    required = {
        "happiness": ["cheekSquintLeft", "cheekSquintRight", "mouthSmileLeft", "mouthSmileRight",
                      "eyeSquintLeft", "mouthUpperUpLeft"],
        "sadness": ["browInnerUp", "browDownLeft", "mouthFrownLeft", "mouthFrownRight"],
        "surprise": ["browInnerUp", "browOuterUpLeft", "browOuterUpRight", "eyeWideLeft",
                     "eyeWideRight", "jawOpen"],
        "fear": ["browInnerUp", "browOuterUpLeft", "browDownLeft", "eyeWideLeft", "eyeSquintLeft",
                 "mouthStretchLeft", "mouthStretchRight", "jawOpen"],
        "anger": ["browDownLeft", "browDownRight", "eyeSquintLeft", "eyeWideLeft", "mouthPressLeft"],
        "disgust": ["noseSneerLeft", "noseSneerRight", "mouthFrownLeft", "mouthLowerDownLeft"],
        "contempt": ["mouthSmileRight", "mouthDimpleRight"],
    }
    for name, channels in required.items():
        weights = concept(name).weights
        for channel in channels:
            assert _w(weights, channel) >= 0.1, (name, channel)
        assert concept(name).source == "FACS/EMFACS prototype (Ekman & Friesen)"
    assert not concept("neutral").weights.any()


def test_contempt_is_one_sided():
    weights = concept("contempt").weights
    assert _w(weights, "mouthDimpleRight") - _w(weights, "mouthDimpleLeft") >= 0.5
    assert np.abs(weights - _mirror(weights)).max() >= 0.5


@pytest.mark.parametrize("left,right", [
    ("left_smirk", "right_smirk"), ("wink_left", "wink_right"),
    ("raise_left_eyebrow", "raise_right_eyebrow"), ("close_left_eye", "close_right_eye"),
    ("lower_left_brow", "lower_right_brow"), ("jaw_left", "jaw_right"),
    ("mouth_left", "mouth_right"), ("left_sneer", "right_sneer"),
    ("raise_left_lip_corner", "raise_right_lip_corner"),
])
def test_sided_variants_mirror_each_other(left, right):
    left_weights, right_weights = concept(left).weights, concept(right).weights
    np.testing.assert_allclose(_mirror(left_weights), right_weights, atol=1e-6)
    assert np.abs(left_weights - right_weights).max() >= 0.5


def test_compounds_carry_the_action_units_of_du_et_al():
    expected = {
        "happily_surprised": {1, 2, 12, 25}, "happily_disgusted": {10, 12, 25},
        "sadly_fearful": {1, 4, 20, 25}, "sadly_angry": {4, 15}, "sadly_surprised": {1, 4, 25, 26},
        "sadly_disgusted": {4, 10}, "fearfully_angry": {4, 20, 25},
        "fearfully_surprised": {1, 2, 5, 20, 25}, "fearfully_disgusted": {1, 4, 10, 20, 25},
        "angrily_surprised": {4, 25, 26}, "angrily_disgusted": {4, 10, 17},
        "disgustedly_surprised": {1, 2, 5, 10}, "appalled": {4, 9, 10}, "hatred": {4, 7, 10},
        "awed": {1, 2, 5, 25},
    }
    compounds = {c.name: c for c in all_concepts() if c.kind == "compound"}
    assert set(expected) <= set(compounds)
    for name, aus in expected.items():
        assert aus <= {parse_au(code).number for code in compounds[name].action_units}, name
        assert "Du, Tao & Martinez" in compounds[name].source


def test_heldout_phrasings_are_never_trained_on():
    training = [_words(s) for c in all_concepts() for s in c.synonyms]
    training += [_words(c.name) for c in all_concepts()]
    heldout = [h for c in all_concepts() for h in c.heldout_synonyms]
    assert len({_words(h) for h in heldout}) == len(heldout)
    for phrase in heldout:
        leaks = [t for t in training if _words(phrase) in t]
        assert not leaks, (phrase, leaks)


def test_training_phrasings_belong_to_one_concept():
    owner: dict[str, str] = {}
    for c in all_concepts():
        for phrase in c.synonyms:
            key = _words(phrase)
            assert owner.setdefault(key, c.name) == c.name, (phrase, owner[key], c.name)


def test_lookup_by_name_is_forgiving_and_unknown_names_raise():
    assert concept("Big grin") is concept("big_grin") is concept("big-grin")
    with pytest.raises(BadInstructionError, match="big grin"):
        concept("big grinn")
    assert [c.name for c in basic_emotions()] == list(CATEGORIES)


# ---------------------------------------------------------------- categories


def test_each_prototype_is_its_own_nearest_category():
    for prototype in basic_emotions():
        assert nearest_category(prototype.weights) == prototype.category == prototype.name


def test_every_concept_category_is_its_nearest_category():
    wrong = [(c.name, c.category, nearest_category(c.weights)) for c in all_concepts()
             if nearest_category(c.weights) != c.category]
    assert not wrong


def test_nearest_category_handles_faint_mirrored_and_unrelated_faces():
    happiness = concept("happiness").weights
    assert nearest_category(0.5 * happiness) == "happiness"
    assert nearest_category(0.05 * happiness) == "neutral"
    assert nearest_category(np.zeros(52)) == "neutral"
    assert nearest_category(_mirror(concept("contempt").weights)) == "contempt"
    assert nearest_category(au_vector("61")) == "neutral"  # gaze alone is no emotion
    noisy = np.clip(concept("surprise").weights + np.random.default_rng(0).uniform(0, 0.1, 52), 0, 1)
    assert nearest_category(noisy) == "surprise"
    with pytest.raises(BadInstructionError):
        nearest_category(np.zeros(51))
    with pytest.raises(BadInstructionError):
        nearest_category(np.full(52, np.nan))


def test_mirror_weights_swaps_sides_for_single_and_stacked_vectors():
    wink = concept("wink_left").weights
    np.testing.assert_array_equal(mirror_weights(wink), _mirror(wink))
    stacked = np.stack([wink, concept("contempt").weights])  # 2 x 52
    np.testing.assert_array_equal(mirror_weights(stacked)[1], _mirror(concept("contempt").weights))
