"""Reader round 9 (issue 10, item 5): fewer face sentences wrongly refused, non-face text still refused.

The round-9 refusal development data (tests/data/reader_dev/dev_round9_refusal_prose.jsonl: 287 face sentences from
14 public-domain books the earlier rounds did not use, provenance in README_round9_refusal.md) showed the reader
refusing 9.4% of them. Grouped by cause, each test here is one mechanism: a face named with an article or in a phrase
of manner whose own words read as a face ("with a gloomy face", not "with a regular expression"), a look given a manner by an adverb ("looked
angrily"), vocabulary prose uses for a face's colour and tears ("grew pale", "wiped his eyes"), and names written
with accents ("Dantès"), which count like pronouns as the plain ones do. The non-face side: text that only shares
those frames with face prose stays refused, and the frame alone never makes a face of neutral words (Hypothesis).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from reader_dev import ch, faces, plain_compositional_reader, sourced_records

RISE = 0.2
DATA = Path(__file__).parent / "data" / "reader_dev" / "dev_round9_refusal_prose.jsonl"


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


@pytest.mark.parametrize("text", [
    "The blood-stained smith stood beside him with a gloomy face.",
    "The count was in his study and was reading with an angry look something which Bertuccio had brought in haste.",
    "Before her words were out, Pierre had sprung up and with a frightened expression seized Princess Mary’s hand.",
    "The count, with outstretched neck and glaring eyes, stood in an attitude ready to pounce upon Morrel upon the "
    "first occasion.",
    "The soldier with the swollen cheek looked angrily at the cavalry singers.",
])
def test_a_face_named_with_an_article_or_a_manner_is_story_prose_about_a_face(reader, text):
    reading = reader.analyse(text)
    assert reading.refused is None, reading.notes
    assert min(s.raw_confidence for s in reading.understood_steps) < 0.6  # few face words: honestly unsure


@pytest.mark.parametrize("text, channel", [
    ("When I saw how deadly white her face was, I ceased abruptly.", "eyeWide"),
    ("Dorian Gray grew pale as he watched her.", "eyeWide"),
    ("Denísov, who had come into the room unnoticed by anyone, stood there and wiped his eyes at the sight.",
     "mouthFrown"),
    ("After a pause, drying her eyes.", "mouthFrown"),
    ("Jekyll had returned to his own shape and was sitting down, with a darkened brow, to make a feint of "
     "breakfasting.", "browDown"),
    ("Her eyes starting out of her head.", "eyeWide"),
])
def test_prose_words_for_colour_tears_and_brows_are_read(reader, text, channel):
    reading = reader.analyse(text)
    assert reading.refused is None, reading.notes
    assert max(ch(face, channel) for face in faces(reader, text)) >= RISE


def test_a_person_going_pale_is_story_prose_about_a_face(reader):
    text = ("SIR ROBERT CHILTERN enters from behind. He hears his wife’s last words, and sees to whom they are "
            "addressed. He grows deadly pale.")
    assert reader.analyse(text).refused is None, reader.analyse(text).notes
    assert max(ch(face, "eyeWide") for face in faces(reader, text)) >= RISE
    assert reader.analyse("The build grows slow and the page turns pale grey in the editor.").refused


def test_a_name_written_with_accents_counts_like_a_pronoun():
    from ml_backend.reading.tokens import person_names

    assert {"dantès", "natásha"} <= person_names("The countenance of old Dantès brightened. Natásha smiled.")


@pytest.mark.parametrize("text", [
    "Match the input with a compiled regular expression.",
    "Render the faces of the mesh with a smooth shading model.",
    "Take a look at the documentation with a quick glance at the index.",
    "The lookup table was checked quickly against the cache.",
    "Flush the buffer and turn the page red in the editor.",
])
def test_text_that_only_shares_the_frames_with_face_prose_stays_refused(reader, text):
    assert reader.analyse(text).refused, reader.analyse(text).notes


NEUTRAL = ["file", "module", "value", "error", "index", "buffer", "number", "version", "server", "window", "record",
           "list", "field", "query", "page", "printer", "road", "kitchen"]  # not "table" (eyes to the table look down)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(NEUTRAL), min_size=1, max_size=8), st.sampled_from(NEUTRAL),
       st.sampled_from(["with a {} face", "on the faces of the {}", "with {} eyes", "the expression of the {}",
                        "with an {} expression", "the countenance of the {}"]))
def test_a_face_frame_alone_never_makes_neutral_words_a_face(reader, words, word, frame):
    text = " ".join(words) + " " + frame.format(word) + " " + words[0]
    assert reader.analyse(text).refused, text


def test_the_round9_refusal_set_is_sourced_and_valid():
    records = sourced_records(DATA)
    assert len(records) >= 250
    assert all(r["face_only"] and r["source"].startswith("https://www.gutenberg.org/ebooks/") for r in records)


def test_the_face_worded_harvest_is_the_other_side_of_the_non_face_harvest():
    from i2fet_tools.ifed.nonface import FACE_WORDS, harvest

    counts = {"docstring": 300, "license": 0, "code": 600, "version": 0, "punctuation": 0, "emoji": 0, "zero_width": 0}
    plain = {t for s, t in harvest(0, counts) if s != "foreign"}
    worded = {t for s, t in harvest(0, counts, face_worded=True)}
    assert worded and all(FACE_WORDS.search(t) for t in worded)
    assert not plain & worded and not any(FACE_WORDS.search(t) for t in plain)
