"""Reader round 8 (issue 10): real face prose that nobody on the project wrote.

The round-8 development data (tests/data/reader_dev/dev_round8_real.jsonl: 352 sentences from public-domain novels,
provenance in README_round8.md) showed the reader refusing 12% of real face sentences: novels tell a story around
the face ("Kitty smiled here too, at the ball, when she glanced at it in the glass"), start with a name rather than
"he" or "she", and state a changed face with a copula ("Her face was white and set"). Each test is one of those
mechanisms; the non-face side (the prose gate never opening on the harvested non-face strings the eval uses) is
checked in tests/test_reader_round8_stage.py, for both harvest draws.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from reader_dev import ch, faces, plain_compositional_reader, sourced_records

RISE, LOW = 0.2, 0.12
DATA = Path(__file__).parent / "data" / "reader_dev" / "dev_round8_real.jsonl"


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


@pytest.mark.parametrize("text, channel", [
    ("Kitty smiled here too, at the ball, when she glanced at it in the glass.", "mouthSmile"),
    ("Elizabeth smiled at the recollection of all that she had heard of its inhabitants.", "mouthSmile"),
    ("He frowned, and getting up, went over to the book-case and took out a volume at hazard.", "browDown"),
    ("Cord, too, scowled, and followed Vronsky almost at a trot.", "browDown"),
])
def test_story_prose_around_a_face_verb_is_a_face(reader, text, channel):
    reading = reader.analyse(text)
    assert reading.refused is None, reading.notes
    assert max(ch(face, channel) for face in faces(reader, text)) >= RISE
    assert min(s.raw_confidence for s in reading.understood_steps) < 0.5 or len(reading.steps) > 1  # few face words: honestly unsure


@pytest.mark.parametrize("text, channel", [
    ("Her face was white and set.", "browInnerUp"),
    ("Mary's face was clouded directly.", "browDown"),
    ("Rogojin's face was white, as usual.", "browInnerUp"),
    ("His face was flushed.", None),
])
def test_a_face_stated_with_a_copula_reads_as_its_change(reader, text, channel):
    reading = reader.analyse(text)
    assert reading.refused is None, reading.notes
    if channel:
        assert ch(faces(reader, text)[0], channel) >= RISE


@pytest.mark.parametrize("text", [
    "the face of the cube is white",
    "Returns the face normals of the mesh.",
    "He put the file on the table and looked at the printer queue",
    "Her account was closed and the balance transferred.",
])
def test_text_that_only_shares_words_with_face_prose_stays_refused(reader, text):
    assert reader.analyse(text).refused


def test_the_real_prose_set_is_sourced_and_valid():
    assert len(sourced_records(DATA)) >= 300


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Kitty", "smiled", "her", "face", "was", "white", "and", "set", "his", "lips",
                                 "the", "book-case", "frowned", ",", ";", "def", "()", "’s", "clouded", "not",
                                 "\u200d", "é"]), max_size=16))
def test_prose_paths_never_break_the_reader(reader, tokens):
    reading = reader.analyse(" ".join(tokens) or "x")
    for step in reading.steps:
        assert step.target.shape == (52,) and 0.0 <= float(step.target.min()) and float(step.target.max()) <= 1.0
        assert 0.0 <= step.confidence <= 1.0


def test_a_stage_direction_opening_with_a_name_is_about_that_person(reader):
    reading = reader.analyse("Jack looks perfectly furious, but restrains himself.")
    assert reading.refused is None
    assert ch(faces(reader, "Jack looks perfectly furious, but restrains himself.")[0], "browDown") >= RISE
    assert reader.analyse("Python looks up the key in the table and raises an error").refused


@pytest.mark.parametrize("text, channel, other", [
    ("Pulls the inner portion of the eyebrows upwards.", "browInnerUp", "browOuterUp"),
    ("Pulls the outer portion of the eyebrows upwards.", "browOuterUp", None),
    ("raise the inner corners of the eyebrows", "browInnerUp", "mouthSmile"),
    ("the corners of her mouth curve downwards", "mouthFrown", None),
])
def test_anatomy_phrasing_of_a_subpart_and_a_direction(reader, text, channel, other):
    face = faces(reader, text)[0]
    assert ch(face, channel) >= RISE
    if other:
        assert ch(face, other) <= LOW


@pytest.mark.parametrize("text, channel", [
    ("He stared at them all with wild eyes.", "eyeWide"),
    ("She lifted her eyes to him in silence.", "eyeLookUp"),
    ("It was very disconnected; the prince frowned, and wished he could get away; but suddenly a few words struck "
     "him.", "browDown"),
])
def test_more_real_prose_reads_as_its_face(reader, text, channel):
    reading = reader.analyse(text)
    assert reading.refused is None, reading.notes
    assert max(ch(face, channel) for face in faces(reader, text)) >= RISE
