"""Reader round 10 (issue 10, "Compose"): causes in the step parser (ml_backend/reading/parse.py) that the
compositional development file (tests/data/reader_dev/dev_round10_compositional.jsonl) showed.

- A phrase of several words reached across a comma: "brows raised, eyes wide" was the idiom "raised eyes",
  "lids lowered, lips pursed" the noun "lower lip", and both parts were lost.
- "nose 50%" was refused: the level table was looked up with the stem "nos".
- A side said after its part ("a single raised eyebrow on the right") lost to the guessed left; "right" right
  before a part noun was read as a gaze direction ("squinting with the right eye"); a side letter before a whole
  expression ("L smile") was ignored and the next letter took its place.
- "a quarter smile": "quarter" was not an intensity word.
- "lips puckered toward the left" did not move the lips there; "gaze drifting up to the right" lost the right.
Each test reads with the real (rules-only) compositional reader and checks channel values.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from reader_dev import ch, faces, plain_compositional_reader

RISE, LOW, APART = 0.2, 0.12, 0.1


READER = plain_compositional_reader()


def one(text: str) -> np.ndarray:
    """The single step's target of ``text`` (fails when the reader makes more or fewer steps)."""
    found = faces(READER, text)
    assert len(found) == 1, f"{text!r}: {len(found)} steps"
    return found[0]


def values(face: np.ndarray, names: list[str]) -> dict[str, float]:
    return {n: round(ch(face, n), 2) for n in names}


# --- 1. no phrase across a comma ("A; B" is two steps: the step splitter's) ----------------------------------
@pytest.mark.parametrize("text, rises", [
    ("lids lowered, lips pursed", ["eyeBlinkLeft", "eyeBlinkRight", "mouthPucker"]),
    ("brows raised , eyes wide", ["browOuterUpLeft", "browOuterUpRight", "eyeWideLeft", "eyeWideRight"]),
    ("brows raised, eyes wide, mouth a small o", ["browOuterUpLeft", "eyeWideLeft", "mouthFunnel"]),
])
def test_a_phrase_does_not_reach_across_a_comma(text, rises):
    face = one(text)
    assert all(ch(face, n) >= RISE for n in rises), (text, values(face, rises))


def test_the_phrase_still_matches_inside_one_part():
    face = one("her lower lip pushed out, brows knotted")
    assert ch(face, "mouthShrugLower") >= RISE and ch(face, "browDownLeft") >= RISE


PARTS = [("brows raised", "browOuterUpLeft"), ("brows lowered", "browDownLeft"), ("eyes wide", "eyeWideLeft"),
         ("lids lowered", "eyeBlinkLeft"), ("lips pursed", "mouthPucker"), ("lips pressed", "mouthPressLeft"),
         ("jaw dropped", "jawOpen"), ("nose wrinkled", "noseSneerLeft"), ("cheeks puffed", "cheekPuff"),
         ("eyes narrowed", "eyeSquintLeft")]
REGION = {"browOuterUpLeft": "brows", "browDownLeft": "brows", "eyeWideLeft": "lids", "eyeBlinkLeft": "lids",
          "eyeSquintLeft": "lids", "mouthPucker": "lips", "mouthPressLeft": "lips", "jawOpen": "jaw",
          "noseSneerLeft": "nose", "cheekPuff": "cheeks"}


@st.composite
def parts_after_a_comma(draw):
    first, second = draw(st.lists(st.sampled_from(PARTS), min_size=2, max_size=2, unique_by=lambda p: REGION[p[1]]))
    joint = draw(st.sampled_from([", ", " , ", ",  "]))
    return first[0] + joint + second[0], [first[1], second[1]]


@settings(max_examples=40, deadline=None)
@given(parts_after_a_comma())
def test_any_two_parts_across_a_comma_keep_both(text_channels):
    text, names = text_channels
    face = one(text)
    assert all(ch(face, n) >= RISE for n in names), (text, values(face, names))


# --- 2. a part named with a level only -------------------------------------------------------------------------
@pytest.mark.parametrize("text, channel, level", [("nose 50%", "noseSneer", 0.5), ("nose 0.8", "noseSneer", 0.8),
                                                  ("brows 30%", "browInnerUp", 0.3)])
def test_a_part_with_only_a_level_takes_it(text, channel, level):
    face = one(text)
    assert ch(face, channel + "Left" if channel == "noseSneer" else channel) == pytest.approx(level, abs=0.05)
    assert ch(face, "noseSneerRight") == pytest.approx(ch(face, "noseSneerLeft"), abs=0.02)


# --- 3. sides ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, side, other", [
    ("a single raised eyebrow on the right", "browOuterUpRight", "browOuterUpLeft"),
    ("tight lips and a single raised eyebrow on the right", "browOuterUpRight", "browOuterUpLeft"),
    ("one raised eyebrow on the right", "browOuterUpRight", "browOuterUpLeft"),
    ("one raised eyebrow", "browOuterUpLeft", "browOuterUpRight"),
])
def test_a_side_named_after_its_part_wins_over_the_guessed_one(text, side, other):
    face = one(text)
    assert ch(face, side) >= ch(face, other) + APART and ch(face, side) >= RISE, (text, values(face, [side, other]))


def test_a_side_word_before_a_part_noun_is_a_side_not_a_gaze():
    face = one("squinting with the right eye only while the mouth hangs loose")
    right = max(ch(face, "eyeSquintRight"), ch(face, "eyeBlinkRight"))
    left = max(ch(face, "eyeSquintLeft"), ch(face, "eyeBlinkLeft"))
    assert right >= left + APART and right >= RISE
    assert ch(face, "eyeLookOutRight") <= LOW and ch(face, "eyeLookInLeft") <= LOW


def test_a_side_word_after_a_gaze_verb_is_still_a_direction():
    face = one("glances to the right, lips pressed")
    assert ch(face, "eyeLookOutRight") >= RISE and ch(face, "mouthPressLeft") >= RISE


def test_side_letters_before_whole_expressions():
    face = one("L smile, R sneer")
    assert ch(face, "mouthSmileLeft") >= ch(face, "mouthSmileRight") + APART
    assert ch(face, "noseSneerRight") >= ch(face, "noseSneerLeft") + APART


# --- 4. level words ---------------------------------------------------------------------------------------------
def test_a_quarter_smile_is_smaller_than_a_half_smile_and_a_smile():
    quarter, half, plain = (ch(one(text), "mouthSmileLeft")
                            for text in ("a quarter smile", "a half smile", "a smile"))
    assert 0.05 <= quarter <= 0.5 and quarter < half < plain
    face = one("a quarter smile and the eyebrows a little raised")
    assert 0.05 <= ch(face, "mouthSmileLeft") <= 0.5 and ch(face, "browOuterUpLeft") >= RISE


# --- 5. where the lips and the eyes go -------------------------------------------------------------------------
@pytest.mark.parametrize("text, toward, away", [("lips puckered toward the left", "mouthLeft", "mouthRight"),
                                                ("lips pursed towards the right, brows raised", "mouthRight", "mouthLeft")])
def test_lips_moved_toward_a_side_go_there(text, toward, away):
    face = one(text)
    assert ch(face, toward) >= ch(face, away) + APART and ch(face, "mouthPucker") >= RISE, (text, values(face, [toward]))


@pytest.mark.parametrize("text, vertical, side, other", [
    ("gaze drifting up to the right, mouth relaxed", "eyeLookUpLeft", "eyeLookOutRight", "eyeLookOutLeft"),
    ("looks down and to the left", "eyeLookDownLeft", "eyeLookOutLeft", "eyeLookOutRight"),
    ("looks up right", "eyeLookUpRight", "eyeLookOutRight", "eyeLookOutLeft"),
])
def test_a_side_after_an_up_or_down_gaze_is_its_second_direction(text, vertical, side, other):
    face = one(text)
    assert ch(face, vertical) >= RISE and ch(face, side) >= ch(face, other) + APART, (text, values(face, [side]))
