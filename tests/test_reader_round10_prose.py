"""Reader round 10 (issue 10, item 2): novel prose about faces, figurative idioms and direct requests.

The round-10 development data (tests/data/reader_dev/dev_round10_prose.jsonl, written by hand, provenance in
README_round10_prose.md) showed these general causes of misreading, one test group each: a face made or pulled
("she made a face at the porridge") was unknown; a weak word said of a face noun ("the countess's features relaxed")
was dropped because the plain word was listed weak; a colour change said of anything ("the leaves turned red") read
as a blush; a face part changing "into" a shape ("her mouth hardened into a thin line") and "were becoming red" were
cut into steps; a face described part by part across ";" became two steps; "her eyes lit up" moved only the lids.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from reader_dev import LOW, RISE, ch, faces, plain_compositional_reader

DATA = Path(__file__).parent / "data" / "reader_dev"


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


@pytest.mark.parametrize("text", ["She made a face at the cold porridge.", "The boy was making a face at his sister.",
                                  "He pulled a face when he tasted the medicine.", "Jane pulled a wry face."])
def test_a_face_made_or_pulled_is_distaste(reader, text):
    face = faces(reader, text)[0]
    assert max(ch(face, "noseSneer"), ch(face, "mouthPucker"), ch(face, "mouthUpperUp")) >= RISE
    assert ch(face, "mouthSmile") <= LOW


def test_making_her_face_do_something_is_a_request_not_a_face_made(reader):
    face = faces(reader, "can you make her face light up?")[0]
    assert ch(face, "mouthSmile") >= RISE
    assert ch(face, "noseSneer") <= LOW and ch(face, "mouthFrown") <= LOW


@pytest.mark.parametrize("text, channel", [("The countess's features relaxed.", "mouthSmile"),
                                           ("The girl's eyes lit up when she saw the cake.", "mouthSmile"),
                                           ("Her eyes sparkled.", "mouthSmile")])
def test_a_weak_word_said_of_a_face_is_clear(reader, text, channel):
    reading = reader.analyse(text)
    assert reading.refused is None, reading.notes
    assert ch(faces(reader, text)[0], channel) >= RISE


@pytest.mark.parametrize("text", ["The leaves turned red in October.", "The sheets went white in the sun.",
                                  "The traffic light turned red and the cars stopped.", "The light turned red.",
                                  "The water went white with foam."])
def test_a_colour_change_of_a_thing_is_not_a_blush(reader, text):
    assert reader.analyse(text).refused is not None


@pytest.mark.parametrize("text", ["She turned red.", "Her cheeks turned scarlet.", "His face went white.",
                                  "Her cheeks were becoming red.", "Anna turned red.", "turns red",
                                  "Suddenly the boy turned scarlet.", "He went white."])
def test_a_colour_change_of_a_person_is_still_read(reader, text):
    reading = reader.analyse(text)
    assert reading.refused is None, reading.notes
    assert len(faces(reader, text)) == 1


@pytest.mark.parametrize("text, channel", [("Her mouth hardened into a thin line.", "mouthPress"),
                                           ("his eyes narrowed to slits", "eyeSquint")])
def test_a_face_part_changing_into_a_shape_is_one_face(reader, text, channel):
    steps = faces(reader, text)
    assert len(steps) == 1
    assert ch(steps[0], channel) >= RISE


def test_an_expression_changing_into_another_is_still_two_steps(reader):
    steps = faces(reader, "her smile hardened into a grimace")
    assert len(steps) == 2
    assert ch(steps[0], "mouthSmile") >= RISE and ch(steps[1], "mouthSmile") <= LOW


def test_becoming_after_a_copula_is_a_state_and_otherwise_a_transition(reader):
    assert len(faces(reader, "she was becoming angry")) == 1
    assert len(faces(reader, "calm, becoming angry")) == 2


PARTS = [("her brows came together", "browDown"), ("her mouth set hard", "mouthPress"),
         ("her eyes narrowed", "eyeSquint"), ("her lips thinned", "mouthPress"), ("her nose wrinkled", "noseSneer")]


@given(st.lists(st.sampled_from(PARTS), min_size=2, max_size=2, unique=True))
@settings(max_examples=12, deadline=None)
def test_owned_face_parts_either_side_of_a_semicolon_are_one_face(pair):
    reader = plain_compositional_reader()
    (one, channel_one), (two, channel_two) = pair
    steps = faces(reader, f"{one.capitalize()}; {two}.")
    assert len(steps) == 1
    assert ch(steps[0], channel_one) >= RISE and ch(steps[0], channel_two) >= RISE


def test_a_semicolon_between_expressions_still_makes_steps(reader):
    steps = faces(reader, "her smile faded; her face fell")
    assert len(steps) >= 2
    assert ch(steps[-1], "mouthFrown") >= RISE


@pytest.mark.parametrize("name", ["dev_round10_prose.jsonl", "dev_round10_prose_b.jsonl"])
def test_the_round10_dev_files_are_labelled(name):
    records = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(records) >= (150 if name == "dev_round10_prose.jsonl" else 40)
    assert all(r.get("source") for r in records)
    assert {"prose", "figurative", "request"} <= {r["style"] for r in records}
    assert any(r.get("nonface") for r in records)
    assert len({r["id"] for r in records}) == len(records)


@pytest.mark.parametrize("text, channels", [("His smile vanished and his face grew hard.", ("browDown", "mouthPress")),
                                            ("Her face grew dark.", ("browDown",)),
                                            ("The judge's features became grave.", ("browDown", "mouthPress"))])
def test_a_face_that_grew_or_became_a_state_is_that_state(reader, text, channels):
    last = faces(reader, text)[-1]
    assert max(ch(last, c) for c in channels) >= RISE
    assert ch(last, "mouthSmile") <= LOW


def test_a_smile_that_became_a_grimace_is_still_two_steps(reader):
    assert len(faces(reader, "her smile became a grimace")) == 2



@pytest.mark.parametrize("text", ["lips pressed, nostrils flared", "His nostrils flared."])
def test_flared_nostrils_stay_a_nose_action(reader, text):
    assert ch(faces(reader, text)[0], "noseSneer") >= RISE
