"""Round 11, structure (tests/data/reader_dev/dev_round11_sequence.jsonl, README_round11_sequence.md): a face that
holds still or settles ("he goes quiet", "says nothing", "Marcus freezes", "his face cleared") is a neutral step,
or a hold of the face just before it ("his mouth fell open, and for a long moment he said nothing"); a face that
stops ("she stops laughing", "the laughter stopped", "he stopped frowning and smiled"); "X one moment and Y the
next"."""

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_backend.reading.phrases import split_steps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_dev import ch, faces, plain_compositional_reader  # noqa: E402

RISE, LOW = 0.2, 0.12


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


def is_neutral(target) -> bool:
    return float(max(target)) <= LOW


@pytest.mark.parametrize("text", ["He goes quiet.", "She went completely still.", "His face cleared.",
                                  "she says nothing", "Marcus freezes.", "stony silence"])
def test_stillness_alone_is_one_neutral_step(reader, text):
    steps = faces(reader, text)
    assert len(steps) == 1 and is_neutral(steps[0])


@pytest.mark.parametrize("text, second", [
    ("She says nothing. Her eyes fill with tears.", "browInnerUp"),
    ("He freezes, then bolts upright, eyes wide.", "eyeWide"),
    ("He said nothing for a long while, and then he frowned.", "mouthFrown"),
    ("Marcus freezes. A beat. Then the grin.", "mouthSmile"),
    ("He goes quiet. Then he smiles.", "mouthSmile"),
])
def test_stillness_before_a_face_is_a_neutral_step(reader, text, second):
    first, then = faces(reader, text)
    assert is_neutral(first)
    assert ch(then, second) >= RISE


def test_saying_nothing_after_a_face_holds_it(reader):
    steps = faces(reader, "His mouth fell open, and for a long moment he said nothing; then he laughed.")
    assert len(steps) == 2
    assert ch(steps[0], "jawOpen") >= RISE and ch(steps[1], "mouthSmile") >= RISE
    held = split_steps("His mouth fell open, and for a long moment he said nothing; then he laughed.")[0]
    assert held.timing.hold_stated and held.timing.hold is not None


@pytest.mark.parametrize("text, face", [
    ("she stops laughing abruptly", "mouthSmile"),
    ("(beat) She stops laughing.", "mouthSmile"),
    ("The laughter stopped; she froze.", "mouthSmile"),
    ("He laughs with the others, then goes quiet.", "mouthSmile"),
])
def test_a_face_that_stops_is_shown_then_ends(reader, text, face):
    shown, ended = faces(reader, text)
    assert ch(shown, face) >= RISE
    assert is_neutral(ended)


def test_stopping_one_face_for_another(reader):
    frown, smile = faces(reader, "He stopped frowning and smiled.")
    assert ch(frown, "mouthSmile") <= LOW and max(ch(frown, "mouthFrown"), ch(frown, "browDown")) >= RISE
    assert ch(smile, "mouthSmile") >= RISE


@pytest.mark.parametrize("text, steps", [
    ("he smiles, then stops smiling", 2),  # the face named before is not a new step
    ("she can't stop laughing", 1),  # laughing on, not an ending
])
def test_stopping_a_face_named_before_or_that_cannot_stop(reader, text, steps):
    assert len(faces(reader, text)) == steps


@pytest.mark.parametrize("text", ["stop smiling", "Please stop smiling.", "now stop frowning"])
def test_a_request_to_stop_is_the_face_without_it(reader, text):
    """A bare "stop X-ing" opening its sentence is an imperative (no face), not a story's face that stops
    (test_reading_phrasing's "stop smiling" broke when the story rule read it as a smile that ends)."""
    (face,) = faces(reader, text)
    assert is_neutral(face)


def test_one_moment_and_the_next(reader):
    laugh, sob = faces(reader, "She was laughing one moment and sobbing the next.")
    assert ch(laugh, "mouthSmile") >= RISE
    assert ch(sob, "mouthSmile") <= LOW and max(ch(sob, "browInnerUp"), ch(sob, "mouthFrown")) >= RISE


_WORDS = ["a", "b", " ", ".", ",", ";", "stops ", "freezes ", "said nothing ", "goes quiet ", "one moment and ",
          " the next", "smiling ", "the laughter stopped ", "he stopped frowning and "]
_PLAIN = plain_compositional_reader()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=12).map("".join))
def test_stillness_and_stopping_words_never_raise(text):
    reading = _PLAIN.analyse(text)
    assert reading.refused or all(0.0 <= float(s.target.min()) and float(s.target.max()) <= 1.0 for s in reading.steps)


@pytest.mark.parametrize("text", [
    "biting the inside of her cheek to keep from laughing",
    "she presses her lips together to keep from smiling",
    "he manages not to laugh",
    "he stops himself from smiling",
    "she bites her lip to stop a smile",
    "trying very hard to keep a straight face",
])
def test_a_face_held_back_as_a_purpose_or_outcome_is_pressed_lips(reader, text):
    (face,) = faces(reader, text)  # a bitten lip (rolled in) holds a face back as pressed lips do
    assert max(ch(face, "mouthPress"), ch(face, "mouthRollLower")) >= RISE and ch(face, "jawOpen") <= LOW


def test_keeping_a_straight_face_without_effort_is_rest(reader):
    first, _ = faces(reader, "he keeps a straight face, then cracks up laughing")
    assert is_neutral(first)


@pytest.mark.parametrize("text, let_go", [
    ("he holds in a chuckle, but the chuckle escapes", "mouthSmile"),
    ("he swallows a grin, but it creeps back", "mouthSmile"),
    ("she fights back tears, but they come anyway", "browInnerUp"),
    ("he smothers a laugh, then gives in to it", "jawOpen"),
])
def test_a_held_back_face_that_gets_out_is_the_next_step(reader, text, let_go):
    held, shown = faces(reader, text)
    assert ch(held, "mouthPress") >= RISE
    assert ch(shown, let_go) >= RISE


@pytest.mark.parametrize("text, first, second", [
    ("eyes shut tight; a beat; then they fly open", "eyeBlink", "eyeBlink"),
    ("Her eyes are shut tight. Then they snap open.", "eyeBlink", "eyeBlink"),
    ("mouth drops open; a second later it snaps shut", "jawOpen", "jawOpen"),
    ("jaw drop 12f, hold 6f, snap shut", "jawOpen", "jawOpen"),
])
def test_a_pronoun_or_bare_verb_of_a_new_state_is_the_part_named_before(reader, text, first, second):
    before, after = faces(reader, text)
    assert ch(before, first) >= RISE
    assert ch(after, second) <= LOW


def test_hiding_a_face_is_holding_it_back_unless_it_fails(reader):
    (hidden,) = faces(reader, "he tried to hide a smile")
    assert ch(hidden, "mouthPress") >= RISE
    shown = faces(reader, "unable to hide his delight")[-1]
    assert ch(shown, "mouthSmile") >= RISE and ch(shown, "mouthPress") <= LOW


@pytest.mark.parametrize("text", ["It stops.", "Stopped.", "He stopped.", "cleared"])
def test_an_ending_with_nothing_to_end_is_not_a_face(reader, text):
    assert reader.analyse(text).refused
