"""Reader round 8 (issue 10): real stage directions of public-domain plays.

The stage-direction development data (tests/data/reader_dev/dev_round8_stage.jsonl: 241 directions from plays by
Wilde, Shaw, Ibsen and Pinero, provenance in README_round8.md) showed the reader refusing 13% of them: plays name
their people in capitals with titles ("MRS. CHEVELEY pulls the letter out. She is horribly pale."), say the face in
the present or with a participle ("Falls sobbing on the sofa", "calls smilingly"), and use older wording ("Elevating
her eyebrows"). Each test is one of those mechanisms; the non-face side is checked against the harvested non-face
strings the eval uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from ml_backend.reading.compositional import _face_predicate
from ml_backend.reading.phrases import split_steps
from ml_backend.reading.tokens import person_names
from reader_dev import ch, faces, plain_compositional_reader, sourced_records

RISE = 0.2
DATA = Path(__file__).parent / "data" / "reader_dev" / "dev_round8_stage.jsonl"


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


def test_the_point_of_a_title_is_not_a_sentence_end():
    assert [p.original for p in split_steps("MRS. CHEVELEY pulls the letter out. She is horribly pale.")] == [
        "MRS. CHEVELEY pulls the letter out", "She is horribly pale"]
    assert [p.original for p in split_steps("Mr. Smith frowns. Then smiles.")] == ["Mr. Smith frowns", "smiles"]
    assert len(split_steps("Smile. Frown.")) == 2


@pytest.mark.parametrize("text, names", [
    ("SIR ROBERT CHILTERN walks up and down the room", {"sir", "robert", "chiltern"}),
    ("MRS. ERLYNNE smiles, and continues conversation.", {"mrs", "erlynne"}),
    ("Returning GLADYS'S stare.", {"gladys"}),
    ("Raising her head and speaking through her tears-- to JEYES.", {"jeyes"}),
    ("Sarah stares", {"sarah"}),
])
def test_capitalised_names_of_stage_directions_are_names(text, names):
    assert names <= person_names(text)


@pytest.mark.parametrize("text", ["SMILE", "CONVERT TO JSON NOW", "Convert to JSON format", "Big SMILE"])
def test_capitals_that_are_not_a_name_before_a_verb_are_not_names(text):
    assert not person_names(text) & {"smile", "json", "convert", "big"}


@pytest.mark.parametrize("text, channel", [
    ("MRS. ERLYNNE smiles, and continues conversation.", "mouthSmile"),
    ("CECIL GRAHAM comes towards him laughing.", "mouthSmile"),
    ("Closes the album with a bang and calls smilingly:", "mouthSmile"),
    ("Algernon, who has been carefully listening, smiles to himself, and writes the address on his shirt-cuff. "
     "Then picks up the Railway Guide.", "mouthSmile"),
    ("Throws letter down, and passes up the steps of the terrace with MRS. ALLONBY. They smile at each other.",
     "mouthSmile"),
    ("Elevating her eyebrows.", "browOuterUp"),
    ("Viewing LILY with an elevation of the brows.", "browOuterUp"),
    ("staring at her", "eyeWide"),
])
def test_stage_directions_of_the_plays_read_as_their_face(reader, text, channel):
    reading = reader.analyse(text)
    assert reading.refused is None, reading.notes
    assert max(ch(face, channel) for face in faces(reader, text)) >= RISE


@pytest.mark.parametrize("text", [
    "Gets up and flings himself sobbing on a sofa.",
    "MRS. CHEVELEY pulls the letter out, and hands it to him. She is horribly pale.",
    "winking at her and jerking his head in FARNCOMBE'S direction",
    "Turning round with feigned surprise.",
    "With a polite grin, as he disposes of the coins in different pockets.",
    "Hiding her feelings with a trivial laugh.",
])
def test_stage_directions_with_a_face_among_other_business_are_not_refused(reader, text):
    assert reader.analyse(text).refused is None


@pytest.mark.parametrize("text", [
    "The elevation of the site is 300 metres.",
    "Returns the face normals of the mesh.",
    "HTTP requests are retried; the SERVER logs each attempt.",
    "Convert to JSON.",
    "Match the input with a regular expression and report the surprise count.",
    "Open the file with a context manager.",
])
def test_text_that_only_shares_words_with_stage_directions_stays_refused(reader, text):
    assert reader.analyse(text).refused


def test_a_manner_of_breath_among_story_is_no_step_of_its_own(reader):
    text = "I smiled and nodded, and laid my finger on my lips; with a sigh, she sank back amid her pillows."
    assert len(reader.analyse(text).understood_steps) == 1


@pytest.mark.parametrize("seed", [0, 1])
def test_the_prose_and_stage_gate_never_opens_on_the_harvested_non_face_strings(seed):
    from i2fet_tools.ifed.nonface import harvest

    strings = harvest(seed)
    assert len(strings) >= 1000
    assert [t for _, t in strings if _face_predicate(t)] == []


def test_the_stage_direction_set_is_sourced_and_valid():
    records = sourced_records(DATA)
    assert len(records) >= 150
    assert len({r["text"] for r in records}) == len(records)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["MRS.", "CHEVELEY", "smiles", "SIR", "ROBERT", "--", "to", "JEYES", "'S", "They",
                                 "smile", "sobbing", "Elevating", "her", "eyebrows", "staring", "at", ".", ",", "Mr.",
                                 "def", "()", "\u200d", "é", "", "laughingly", "with", "a",
                                 "feigned", "surprise"]), max_size=16))
def test_stage_paths_never_break_the_reader(reader, tokens):
    reading = reader.analyse(" ".join(tokens) or "x")
    for step in reading.steps:
        assert step.target.shape == (52,) and 0.0 <= float(step.target.min()) and float(step.target.max()) <= 1.0
        assert 0.0 <= step.confidence <= 1.0
        assert step.target.sum() == step.target.sum()  # no NaN
