"""Reader round 11 (issue 10, the PARTS side): causes that the round-11 parts development file
(tests/data/reader_dev/dev_round11_parts.jsonl, README_round11_parts.md) showed.

- Animator notes that set one face's levels were cut into steps: "smile L 70 / smile R 20", "AU12 60 / AU6 40"
  (the slash), "ease in smile 0->60%" (the arrow), and a bare number after a part ("jaw open 40") was no level.
- A stated level was a share of the recipe's own peak: "frown 50%" gave mouthFrown 0.3, "sneer R 60%" 0.36.
- A named part without a degree weakened the strong word it agrees with: "seething, brows crushed down" had
  browDown 0.6 (seething alone: 1.0), "petrified, eyes huge" eyeWide 0.6.
- Vocabulary: dimples were refused, "tongue between the teeth" showed no tongue, "calm" (and "composed") read a
  trace smile.
Each test reads with the real (rules-only) compositional reader and checks channel values.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ml_backend.reading.level_notes import join_level_notes
from reader_dev import ch, faces, plain_compositional_reader

RISE, LOW = 0.2, 0.12

READER = plain_compositional_reader()


def one(text: str) -> np.ndarray:
    """The single step's target of ``text`` (fails when the reader makes more or fewer steps)."""
    found = faces(READER, text)
    assert len(found) == 1, f"{text!r}: {len(found)} steps"
    return found[0]


# --- 1. one face's notes: slashes, arrows and bare numbers ----------------------------------------------------

def test_slash_between_the_two_sides_of_one_part_is_one_face() -> None:
    face = one("smile L 70 / smile R 20")
    assert ch(face, "mouthSmileLeft") == pytest.approx(0.7, abs=0.05)
    assert ch(face, "mouthSmileRight") == pytest.approx(0.2, abs=0.05)
    face = one("blink L 100 / R 0")
    assert ch(face, "eyeBlinkLeft") > 0.9 and ch(face, "eyeBlinkRight") < LOW


def test_slash_between_levels_of_two_channels_is_one_face() -> None:
    face = one("AU12 60 / AU6 40")
    assert ch(face, "mouthSmileLeft") > 0.45 and ch(face, "cheekSquintLeft") > RISE


def test_slash_between_expressions_stays_a_sequence() -> None:
    assert len(faces(READER, "shock / anger / tears")) == 3
    assert join_level_notes("key 1: neutral / key 2: big grin") == "key 1: neutral / key 2: big grin"


def test_ramp_from_rest_is_one_face_at_its_last_level() -> None:
    assert ch(one("ease in smile 0->60%"), "mouthSmileLeft") == pytest.approx(0.6, abs=0.05)
    assert ch(one("ramp brows 0 -> 80%"), "browOuterUpLeft") == pytest.approx(0.8, abs=0.05)


def test_ramp_between_two_levels_is_two_keys() -> None:
    first, second = faces(READER, "jaw open 20->50")
    assert ch(first, "jawOpen") == pytest.approx(0.2, abs=0.05)
    assert ch(second, "jawOpen") == pytest.approx(0.5, abs=0.05)


def test_bare_number_after_a_part_is_a_level() -> None:
    face = one("jaw open 40, lids 20")
    assert ch(face, "jawOpen") == pytest.approx(0.4, abs=0.05)
    assert ch(one("pucker 100"), "mouthPucker") > 0.9


@pytest.mark.parametrize("text", ["hit surprise at 2s", "chapter 12", "count to 10", "for 12 frames smile",
                                  "mouthSmileLeft 0.8 -> jawOpen 0.5 -> neutral", "smile 20% -> 60%"])
def test_numbers_that_are_not_bare_levels_are_left_alone(text: str) -> None:
    assert join_level_notes(text) == text


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("smile jaw L R 0123456789/->%.,")), max_size=40))
def test_level_notes_never_raise_and_keep_text_without_digits(text: str) -> None:
    out = join_level_notes(text)
    assert isinstance(out, str)
    if not any(c.isdigit() for c in text):
        assert out == text


# --- 2. a stated level is the level of the item's strongest channel -------------------------------------------

@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=10, max_value=100), st.sampled_from(["frown", "sneer R", "pucker", "smile"]))
def test_stated_percentage_is_the_strongest_channel(percent: int, note: str) -> None:
    face = one(f"{note} {percent}%")
    assert float(face.max()) == pytest.approx(percent / 100.0, abs=0.03)


# --- 3. a part without a degree keeps the strong word's strength ----------------------------------------------

@pytest.mark.parametrize("text,channel", [("seething, brows crushed down", "browDownLeft"),
                                          ("petrified, eyes huge", "eyeWideLeft"),
                                          ("livid: jaw locked, brows slammed down", "browDownLeft")])
def test_plain_part_does_not_weaken_the_strong_word(text: str, channel: str) -> None:
    assert ch(one(text), channel) >= 0.8


def test_part_with_a_degree_still_sets_its_region() -> None:
    assert ch(one("furious, brows slightly lowered"), "browDownLeft") < 0.5


# --- 4. vocabulary: dimples, the tongue between the teeth, calm ----------------------------------------------

def test_dimples_are_read_with_their_side_and_beside_a_smile() -> None:
    face = one("a dimple shows on the left")
    assert ch(face, "mouthDimpleLeft") > RISE and ch(face, "mouthDimpleRight") < LOW
    face = one("dimples in both cheeks and a soft smile")
    assert ch(face, "mouthDimpleLeft") > RISE and ch(face, "mouthSmileLeft") > RISE


def test_tongue_between_the_teeth_shows_the_tongue() -> None:
    face = one("tongue between her teeth, eyes narrowed in focus")
    assert ch(face, "tongueOut") > RISE and ch(face, "eyeSquintLeft") > RISE


@pytest.mark.parametrize("text", ["calm", "calm and composed", "a calm face, mouth relaxed"])
def test_calm_has_no_smile(text: str) -> None:
    found = faces(READER, text)
    assert all(ch(f, "mouthSmileLeft") <= LOW and ch(f, "mouthSmileRight") <= LOW for f in found)


# --- 5. graded words: new degree words, strong words at the top ----------------------------------------------

def _level(text: str, stem: str) -> float:
    face = one(text)
    return float(np.mean([ch(face, f"{stem}Left"), ch(face, f"{stem}Right")]))


@pytest.mark.parametrize("weak,plain,stem", [("a smidgen miserable", "miserable", "mouthFrown"),
                                             ("a shred of excitement", "excited", "mouthSmile")])
def test_smidgen_and_shred_are_hints(weak: str, plain: str, stem: str) -> None:
    assert _level(weak, stem) < _level(plain, stem) - 0.2


@pytest.mark.parametrize("strong,plain,stem", [("crushed", "sad", "mouthFrown"), ("anguished", "sad", "mouthFrown"),
                                               ("sickened to the core", "disgusted", "noseSneer"),
                                               ("thrilled to bits", "excited", "mouthSmile")])
def test_strong_words_reach_above_plain(strong: str, plain: str, stem: str) -> None:
    assert _level(strong, stem) > _level(plain, stem)


# --- 6. a feeling and a mouth gesture that clash: the gesture is the mouth ------------------------------------

@pytest.mark.parametrize("text", ["a sad look that keeps a smile", "she looks sad, yet she is still smiling",
                                  "sad eyes, but the mouth keeps smiling"])
def test_sad_look_keeps_its_smile(text: str) -> None:
    face = one(text)
    assert ch(face, "mouthSmileLeft") > RISE and ch(face, "browInnerUp") > RISE
    assert ch(face, "mouthFrownLeft") <= LOW


def test_two_mouth_gestures_still_follow_the_first_named() -> None:
    face = one("smiling and frowning at once")
    assert ch(face, "mouthSmileLeft") > RISE and ch(face, "mouthFrownLeft") <= LOW


# --- 7. "with utter contempt": a strong degree of the feeling grades the face made with it ---------------------

def test_strong_degree_after_with_grades_the_gesture() -> None:
    assert ch(one("sneering with utter contempt"), "noseSneerRight") >= 0.8
    assert ch(one("sneering"), "noseSneerRight") < ch(one("sneering with utter contempt"), "noseSneerRight")
    assert ch(one("smiling with a hint of sadness"), "mouthSmileLeft") == pytest.approx(
        ch(one("smiling"), "mouthSmileLeft"), abs=0.02)


def test_sneer_ladder_spans_the_range() -> None:
    weak, strong = _level("the ghost of a sneer", "noseSneer"), _level("an extreme sneer", "noseSneer")
    assert strong - weak >= 0.25


# --- 8. eyes shut tight are squeezed, not narrowed ------------------------------------------------------------

@pytest.mark.parametrize("text", ["eyes tightly closed", "eyes shut tight"])
def test_tightly_closed_eyes_are_closed(text: str) -> None:
    assert ch(one(text), "eyeBlinkLeft") >= ch(one("eyes closed"), "eyeBlinkLeft")


# --- 9. a FACS intensity letter is the stated level -----------------------------------------------------------

@pytest.mark.parametrize("letter,value", [("A", 0.2), ("B", 0.4), ("C", 0.6), ("D", 0.8), ("E", 1.0)])
def test_facs_letter_is_the_level(letter: str, value: float) -> None:
    assert ch(one(f"AU4{letter}"), "browDownLeft") == pytest.approx(value, abs=0.02)


def test_ear_splitting_is_the_top_of_a_grin() -> None:
    assert _level("an ear-splitting grin", "mouthSmile") > _level("a grin", "mouthSmile")


def test_side_letter_after_a_squint_is_its_side() -> None:
    face = one("squint L")
    assert ch(face, "eyeSquintLeft") > RISE and ch(face, "eyeSquintRight") < LOW
    assert ch(one("look L"), "eyeLookOutLeft") > RISE
