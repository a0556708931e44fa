"""Reader round 10 (issue 10): compositional instructions and animator shorthand read per part.

Each test is a behaviour the round-10 development data (tests/data/reader_dev/dev_round10_compositional.jsonl,
README_round10_compositional.md) showed missing: part words the tables did not know ("enormous eyes", "brows
knotted", "nostrils wide", "lids lowered", "lower lip pushed out", "chin wrinkled", "lip caught in her teeth"),
an action with a direction taken for another action ("lip corners stretched sideways"), FACS codes written with a
side or as a list ("AU12L", "AUR12", "AU1+2+5"), and two sides of the face in one note ("L smile, R sneer").
Rules only (no text encoder), so each reads in milliseconds.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from ml_backend.reading.shorthand import extract
from reader_dev import LOW, RISE, ch, faces, plain_compositional_reader
from reader_dev import one_face as one


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


@pytest.mark.parametrize("text, rises, stays_low", [
    ("a barely parted mouth and enormous eyes", ["eyeWideLeft", "eyeWideRight"], ["mouthSmileLeft"]),
    ("brows knotted, mouth slightly ajar", ["browDownLeft", "browDownRight", "jawOpen"], ["mouthSmileLeft"]),
    ("lids lowered, corners of the mouth sagging", ["eyeBlinkLeft", "eyeBlinkRight", "mouthFrownLeft"],
     ["eyeWideLeft", "mouthSmileLeft"]),
    ("eyes wide, nostrils wide", ["noseSneerLeft", "noseSneerRight", "eyeWideLeft"], []),
    ("lower lip pushed out, brows pinched together in the middle", ["mouthShrugLower", "browDownLeft"],
     ["mouthSmileLeft"]),
    ("inner brows up, corners of the mouth down, chin wrinkled", ["browInnerUp", "mouthFrownLeft", "mouthShrugLower"],
     ["mouthSmileLeft"]),
    ("bottom lip caught in her teeth, brows raised in the middle", ["mouthRollLower", "browInnerUp"],
     ["browDownLeft"]),
    ("lip corners stretched sideways, eyes wide", ["mouthStretchLeft", "mouthStretchRight", "eyeWideLeft"],
     ["mouthSmileLeft", "mouthLeft", "mouthRight"]),
    ("a huge grin with sad, tilted brows", ["mouthSmileLeft", "browInnerUp"], ["mouthFrownLeft"]),
])
def test_part_words_the_tables_did_not_know(reader, text, rises, stays_low):
    face = one(reader, text)
    assert all(ch(face, n) >= RISE for n in rises), (text, {n: round(float(ch(face, n)), 2) for n in rises})
    assert all(ch(face, n) <= LOW for n in stays_low), (text, {n: round(float(ch(face, n)), 2) for n in stays_low})


def test_lowered_eyes_still_look_down_while_lowered_lids_droop(reader):
    lids = one(reader, "lids lowered")
    assert ch(lids, "eyeBlinkLeft") >= RISE and ch(lids, "eyeLookDownLeft") <= LOW


@pytest.mark.parametrize("text, left, right", [
    ("AU12L", "mouthSmileLeft", "mouthSmileRight"),
    ("AU12R", "mouthSmileRight", "mouthSmileLeft"),
    ("AUR12", "mouthSmileRight", "mouthSmileLeft"),
    ("AU2L + AU4R", "browOuterUpLeft", "browOuterUpRight"),
    ("AU46R", "eyeBlinkRight", "eyeBlinkLeft"),
])
def test_au_codes_with_a_side(reader, text, left, right):
    face = one(reader, text)
    assert ch(face, left) >= RISE and ch(face, left) >= ch(face, right) + 0.1, text


def test_au_list_with_bare_numbers_is_each_unit(reader):
    face = one(reader, "AU1+2+5, AU27")
    for name in ("browInnerUp", "browOuterUpLeft", "eyeWideLeft", "jawOpen"):
        assert ch(face, name) >= RISE, name
    _, codes = extract("AU1+2+5B")
    assert [c.words for c in codes.values()] == ["AU1", "AU2", "AU5B"]


def test_a_percentage_after_a_plus_is_not_a_unit():
    _, codes = extract("AU12+6%")
    assert [c.words for c in codes.values()] == ["AU12"]


def test_two_sides_in_one_note_are_one_step(reader):
    face = one(reader, "L brow up, R brow down")
    assert ch(face, "browOuterUpLeft") >= RISE and ch(face, "browDownRight") >= RISE
    assert len(faces(reader, "L smile, R sneer")) == 1


def test_a_gaze_left_then_right_stays_two_steps(reader):
    steps = faces(reader, "look left, look right")
    assert len(steps) == 2
    assert ch(steps[0], "eyeLookOutLeft") >= RISE and ch(steps[1], "eyeLookOutRight") >= RISE


# --- any two parts of different regions, each with its own modifier, keep both parts --------------------------
PARTS = {
    "brows": [("brows {m}raised", "browOuterUpLeft"), ("brows {m}knotted", "browDownLeft"),
              ("inner brows {m}up", "browInnerUp")],
    "lids": [("eyes {m}wide", "eyeWideLeft"), ("lids {m}drooping", "eyeBlinkLeft"), ("eyes {m}narrowed", "eyeSquintLeft")],
    "nose": [("nostrils {m}wide", "noseSneerLeft"), ("nose {m}wrinkled", "noseSneerLeft")],
    "cheeks": [("cheeks {m}puffed", "cheekPuff")],
    "chin": [("chin {m}raised", "mouthShrugLower"), ("chin {m}wrinkled", "mouthShrugLower")],
    "mouth": [("lips {m}pursed", "mouthPucker"), ("jaw {m}dropped", "jawOpen"), ("lips {m}pressed", "mouthPressLeft"),
              ("mouth corners {m}down", "mouthFrownLeft"), ("lower lip {m}pushed out", "mouthShrugLower")],
    "gaze": [("looking up", "eyeLookUpLeft"), ("looking down at the floor", "eyeLookDownLeft")],
}
MODIFIERS = ["", "very ", "really ", "fully "]


@st.composite
def two_parts(draw):
    first, second = draw(st.lists(st.sampled_from(sorted(PARTS)), min_size=2, max_size=2, unique=True))
    picked = [draw(st.sampled_from(PARTS[region])) for region in (first, second)]
    words = [pattern.format(m=draw(st.sampled_from(MODIFIERS))) for pattern, _ in picked]
    joint = draw(st.sampled_from([" and ", " with ", " while ", " and also "]))  # ", ": test_reader_round10_parts_parse.py
    return joint.join(words), [channel for _, channel in picked]


@settings(max_examples=60, deadline=None)
@given(two_parts())
def test_any_two_parts_with_modifiers_keep_both(text_channels):
    text, channels = text_channels
    face = one(plain_compositional_reader(), text)
    assert all(ch(face, c) >= RISE for c in channels), (text, {c: round(float(ch(face, c)), 2) for c in channels})


# --- the chin is its own region; the mouth pulled sideways; a flat mouth; exposure-sheet abbreviations -----------
def test_the_chin_keeps_its_own_action_beside_pressed_lips(reader):
    face = one(reader, "left brow cocked, lips pressed, chin raised")
    assert ch(face, "mouthShrugLower") >= RISE and ch(face, "mouthPressLeft") >= RISE
    assert ch(face, "browOuterUpLeft") >= ch(face, "browOuterUpRight") + 0.1


def test_chin_and_mouth_named_in_one_note_are_one_step(reader):
    face = one(reader, "chin trembling, inner brows raised, mouth turned down")
    assert ch(face, "mouthShrugLower") >= RISE and ch(face, "mouthFrownLeft") >= RISE and ch(face, "browInnerUp") >= RISE


@pytest.mark.parametrize("text, toward, away", [
    ("mouth pulled to the right", "mouthRight", "mouthLeft"),
    ("lips pushed over to the left, brows knotted", "mouthLeft", "mouthRight"),
    ("left eye narrowed, mouth pulled to the right", "mouthRight", "mouthLeft"),
])
def test_the_mouth_pulled_sideways_moves_the_lips_not_the_jaw(reader, text, toward, away):
    face = one(reader, text)
    assert ch(face, toward) >= RISE and ch(face, away) <= LOW and ch(face, "jawLeft") <= LOW and ch(face, "jawRight") <= LOW


def test_the_jaw_named_still_shifts_the_jaw(reader):
    face = one(reader, "jaw to the left")
    assert ch(face, "jawLeft") >= RISE and ch(face, "mouthLeft") <= LOW


def test_a_flat_mouth_is_a_mouth_at_rest(reader):
    face = one(reader, "eyes glancing to the left while the mouth stays flat")
    assert ch(face, "eyeLookOutLeft") >= RISE
    assert all(ch(face, n) <= LOW for n in ("mouthFrownLeft", "mouthSmileLeft", "jawOpen"))


@pytest.mark.parametrize("text, rises", [
    ("lip corners dn, inner brows up", ["mouthFrownLeft", "mouthFrownRight", "browInnerUp"]),
    ("lower lip dn, jaw 10%", ["mouthLowerDownLeft", "mouthLowerDownRight"]),
    ("btm lip out", ["mouthShrugLower"]),
])
def test_exposure_sheet_abbreviations(reader, text, rises):
    face = one(reader, text)
    assert all(ch(face, n) >= RISE for n in rises), (text, {n: round(ch(face, n), 2) for n in rises})


def test_channel_codes_in_au_vector():
    from ml_backend.knowledge.action_units import au_vector
    from ml_backend.naming.arkit import INDEX

    vector = au_vector(["mouthLeft:D", "12"])
    assert vector[INDEX["mouthLeft"]] == pytest.approx(0.8) and vector[INDEX["mouthSmileLeft"]] == pytest.approx(1.0)
    assert au_vector(["mouthLeft:D"], side="right")[INDEX["mouthRight"]] == pytest.approx(0.8)


# --- found by the Hypothesis test above (fixed in parse.py: a phrase never reaches across a comma) ---------------
@pytest.mark.parametrize("text, rises", [
    ("lids lowered, lips pursed", ["eyeBlinkLeft", "mouthPucker"]),
    ("brows raised, eyes wide", ["browOuterUpLeft", "eyeWideLeft"]),
])
def test_a_phrase_does_not_reach_across_a_comma(reader, text, rises):
    face = one(reader, text)
    assert all(ch(face, n) >= RISE for n in rises)
