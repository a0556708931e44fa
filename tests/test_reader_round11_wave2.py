"""Round 11, wave 2 (tests/data/reader_dev/dev_round11_wave2.jsonl, README_round11_parts.md): a mark or part after a
comma that agrees with the face before is that face ("an enormous grin, dimples showing"); a bare "back" after a
participle says where a part is pulled ("lips peeled back"), not a return to rest; a shape after "into" ("narrowed
into slits", "disappear into a thin line") is a part's face, not a transition; one face said over ("bored, bored,
bored") is one step; a face that cannot be held back ("couldn't keep from laughing") shows; a stated level on a
word named like a channel ("frown 0.5") is that channel's level."""

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_backend.reading.phrases import split_steps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_dev import ch, faces, plain_compositional_reader  # noqa: E402

RISE, LOW = 0.2, 0.12
FACES = ["smile", "frown", "scowl", "sad", "bored", "angry", "grin", "smirk", "pout", "surprised"]


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


@pytest.mark.parametrize("text, channels", [
    ("an enormous grin, dimples showing", ("mouthSmile", "mouthDimple")),
    ("a wide smile, dimples deep in both cheeks", ("mouthSmile", "mouthDimple")),
    ("teeth clenched, lips peeled back", ("mouthStretch",)),
])
def test_a_mark_or_part_that_agrees_with_the_face_before_is_that_face(reader, text, channels):
    steps = faces(reader, text)
    assert len(steps) == 1
    assert all(ch(steps[0], name) >= RISE for name in channels)


def test_a_part_that_pulls_against_the_face_before_stays_a_step_of_its_own():
    assert len(split_steps("smile, frown")) == 2
    assert len(split_steps("kiss, smile, wink")) == 3


@pytest.mark.parametrize("text", ["lips peeled back", "ears pinned back, lips drawn back", "a snarl, lips pulled back"])
def test_back_after_a_pulling_participle_is_no_return_to_rest(text):
    assert not any(p.is_neutral_return for p in split_steps(text))


@pytest.mark.parametrize("text", ["smile and back", "smile, back to neutral", "a frown, then back to rest"])
def test_a_plain_back_is_still_a_return_to_rest(text):
    phrases = split_steps(text)
    assert len(phrases) == 2 and phrases[-1].is_neutral_return


@given(part=st.sampled_from(["eyes narrowed", "her eyes squeezed", "the lips disappear", "his mouth thins",
                             "lips vanish", "brows drawn"]),
       shape=st.sampled_from(["slits", "a thin line", "a hard line", "a line", "a tight knot", "deep furrows"]))
@settings(max_examples=40, deadline=None)
def test_a_shape_after_into_is_one_face(part, shape):
    assert len(split_steps(f"{part} into {shape}")) == 1


@pytest.mark.parametrize("text", ["a smile that melts into a frown", "shock into laughter", "her grin cracks into a sneer",
                                  "his mouth opens in surprise and slowly closes into a tight line"])
def test_a_face_after_into_is_still_a_transition(text):
    assert len(split_steps(text)) == 2


def test_a_part_squeezed_into_a_line_is_pressed_lips(reader):
    (step,) = faces(reader, "the lips disappear into a thin line")
    assert ch(step, "mouthPress") >= RISE and ch(step, "mouthSmile") <= LOW


@given(face=st.sampled_from(FACES), times=st.integers(2, 4), sep=st.sampled_from([", ", ". ", "; "]),
       upper=st.booleans())
@settings(max_examples=40, deadline=None)
def test_one_face_said_over_is_one_step(face, times, sep, upper):
    word = face.capitalize() if upper else face
    assert len(split_steps(sep.join([word] * times))) == 1


@pytest.mark.parametrize("text, count", [("blink, blink, then a long slow blink", 3), ("nod, nod", 2),
                                         ("wink. wink.", 2)])
def test_an_action_said_over_happens_again(text, count):
    assert len(split_steps(text)) == count


@given(faces_=st.lists(st.sampled_from(FACES), min_size=2, max_size=4))
@settings(max_examples=40, deadline=None)
def test_different_neighbours_stay_steps(faces_):
    changes = sum(a != b for a, b in zip(faces_, faces_[1:]))
    assert len(split_steps(", then ".join(faces_))) == changes + 1


@pytest.mark.parametrize("text", ["she couldn't keep from laughing", "he could not keep from grinning",
                                  "she can't help smiling", "he couldn't stop himself from laughing",
                                  "she couldn’t stop smiling", "he was unable to keep from smiling"])
def test_a_face_that_cannot_be_held_back_shows(reader, text):
    (step,) = faces(reader, text)
    assert ch(step, "mouthSmile") >= RISE and ch(step, "mouthPress") <= LOW


def test_a_face_held_back_on_purpose_is_still_pressed(reader):
    (step,) = faces(reader, "he bit his lip to keep from laughing")
    assert ch(step, "mouthSmile") < 0.5


@given(level=st.integers(20, 90))
@settings(max_examples=25, deadline=None)
def test_a_level_on_a_word_named_like_a_channel_is_that_channels_level(level):
    reader = plain_compositional_reader()
    (step,) = faces(reader, f"frown {level}%")
    assert abs(ch(step, "mouthFrown") - level / 100) <= 0.02


@pytest.mark.parametrize("text", ["stricken", "she looked stricken", "a stricken look", "her eyes filled",
                                  "his eyes filled"])
def test_a_stricken_face_and_filling_eyes_are_sad(reader, text):
    (step,) = faces(reader, text)
    assert ch(step, "browInnerUp") >= RISE and ch(step, "mouthSmile") <= LOW


@pytest.mark.parametrize("text", ["a grin flickered and was gone", "a smile, and then was gone",
                                  "she smiled and was suddenly gone"])
def test_a_face_that_was_gone_ends(reader, text):
    first, last = faces(reader, text)
    assert ch(first, "mouthSmile") >= RISE and float(max(last)) <= LOW


@given(face=st.sampled_from(["smile", "grin", "smirk"]), speed=st.sampled_from(["", "slowly ", "suddenly "]),
       verb=st.sampled_from(["sours", "soured", "darkens", "darkened"]))
@settings(max_examples=30, deadline=None)
def test_a_face_that_sours_turns_into_a_sour_look(face, speed, verb):
    reader = plain_compositional_reader()
    first, second = faces(reader, f"her {face} {speed}{verb}")
    assert ch(first, "mouthSmile") >= RISE and ch(second, "mouthSmile") <= LOW


@pytest.mark.parametrize("text", ["his face turns to stone", "her face turned to stone"])
def test_a_face_turned_to_stone_is_one_hard_still_face(reader, text):
    (step,) = faces(reader, text)
    assert ch(step, "mouthSmile") <= LOW and ch(step, "jawOpen") <= LOW and float(max(step)) >= RISE


def test_a_smile_that_turns_to_stone_is_two_steps(reader):
    first, second = faces(reader, "a bright smile that turns to stone")
    assert ch(first, "mouthSmile") >= RISE and ch(second, "mouthSmile") <= LOW
