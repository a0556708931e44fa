"""Reader round 9 (issue 10, item 2): figurative face prose that nobody on the project wrote.

The round-9 development data (tests/data/reader_dev/dev_round9_figurative.jsonl: similes and "as if" clauses about
faces from public-domain novels, provenance in README_round9_figurative.md) showed three general causes of misreading:
a state compared with a thing ("as white as the wall behind him", "as black as night") was not read as the state, a
comparison after a comma ("an astonished gaze, as if not understanding") became a step of its own, and "wide-open
eyes" read as eyes merely open. Each test is one of those mechanisms.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from reader_dev import LOW, RISE, ch, faces, plain_compositional_reader, sourced_records

DATA = Path(__file__).parent / "data" / "reader_dev" / "dev_round9_figurative.jsonl"


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


PALE_SIMILES = ("Heathcliff stood there in his shirt, his face as white as the wall behind him.",
                "His face was as white as note-paper.", "She turned as pale as death.", "He went white as a sheet.")


@pytest.mark.parametrize("text", PALE_SIMILES)
def test_a_pale_state_compared_with_anything_is_the_pale_face(reader, text):
    reading = reader.analyse(text)
    assert reading.refused is None, reading.notes
    face = faces(reader, text)[0]
    assert max(ch(face, "eyeWide"), ch(face, "browInnerUp")) >= RISE
    assert ch(face, "mouthSmile") <= LOW


@given(st.sampled_from(["night", "thunder", "a coal", "the grave", "his boots", "pitch"]))
@settings(max_examples=6, deadline=None)
def test_a_black_look_is_a_scowl_whatever_it_is_compared_with(thing):
    reader = plain_compositional_reader()
    face = faces(reader, f"He looked as black as {thing}.")[0]
    assert ch(face, "browDown") >= RISE
    assert ch(face, "mouthSmile") <= LOW


@pytest.mark.parametrize("text", [
    "Kutuzov fixed an astonished gaze on him, as if not understanding what was said to him.",
    "He looked round towards his mother, as though seeking shelter.",
    "She frowned, like a man in mental perplexity.",
])
def test_a_comparison_after_a_comma_is_not_a_step(reader, text):
    assert len(faces(reader, text)) == 1


@pytest.mark.parametrize("text", ["with wide-open eyes", "listening with wide open eyes", "her eyes wide open"])
def test_wide_open_eyes_are_wide(reader, text):
    assert ch(faces(reader, text)[0], "eyeWide") >= RISE


@pytest.mark.parametrize("text", [
    "The page loaded as white as the wall behind it.",
    "Returns True as soon as the cache is white as snow.",
    "The sky was as black as night over the harbour.",
])
def test_colour_similes_about_things_stay_refused(reader, text):
    assert reader.analyse(text).refused is not None


def test_the_figurative_dev_file_is_sourced_and_large_enough():
    records = sourced_records(DATA)
    assert len(records) >= 120
    assert sum(not r.get("face_only") for r in records) >= 80


@pytest.fixture(scope="module")
def encoder():
    from ml_backend.text.encoders import create_encoder

    return create_encoder("minilm")


@pytest.fixture(scope="module")
def meaning_reader(encoder):
    from ml_backend.reading.compositional import CompositionalReader

    return CompositionalReader(encoder=encoder, calibrator=lambda raw: raw)


@pytest.mark.parametrize("clause, feeling", [
    ("as if he had buried his best friend", "sad"),
    ("like a snared beast", "fear"),
    ("as though she were a piece of dirt off the road", "disgust"),
])
def test_a_compared_thing_nobody_listed_evokes_its_feeling_by_meaning(encoder, clause, feeling):
    from ml_backend.knowledge.associations import evoked, evoked_by_meaning
    from ml_backend.reading.tokens import words

    assert evoked(words(clause))[0] is None  # not in the table: read by meaning alone
    label, votes = evoked_by_meaning(encoder, words(clause))
    assert (label, votes >= 1) == (feeling, True)


@pytest.mark.parametrize("clause", ["like a list of numbers", "works like a charm", "like the function above"])
def test_office_words_evoke_nothing_by_meaning(encoder, clause):
    from ml_backend.knowledge.associations import evoked_by_meaning
    from ml_backend.reading.tokens import words

    assert evoked_by_meaning(encoder, words(clause)) == (None, 0)


@pytest.mark.parametrize("text, channels", [
    ("he looks like a dog that has been beaten", ("browInnerUp", "mouthFrown")),
    ("The condemned man sat with a countenance more like that of a snared beast than the face of a man.",
     ("eyeWide", "browInnerUp")),
    ("Everyone looked at her as though she were a piece of dirt off the road.", ("noseSneer", "mouthUpperUp")),
])
def test_an_unlisted_comparison_lands_on_its_face(meaning_reader, text, channels):
    reading = meaning_reader.analyse(text)
    assert reading.refused is None, reading.notes
    face = faces(meaning_reader, text)[0]
    assert max(ch(face, c) for c in channels) >= RISE
    assert ch(face, "mouthSmile") <= LOW


@pytest.mark.parametrize("text", ["Functions for constructing matrix-like objects from graph attributes.",
                                  "Return a file-like object that behaves like a list of numbers."])
def test_a_hyphenated_like_is_no_comparison(meaning_reader, text):
    assert meaning_reader.analyse(text).refused is not None


@pytest.mark.parametrize("text", ["as if he'd bitten into a crab apple", "she bites into a lemon"])
def test_biting_into_a_thing_is_no_transition(reader, text):
    face_steps = faces(reader, text)
    assert len(face_steps) == 1
    assert max(ch(face_steps[0], "mouthPucker"), ch(face_steps[0], "noseSneer")) >= RISE


@pytest.mark.parametrize("text", ["a polite smile that fades as soon as he turns away",
                                  "her grin vanishes the moment he walks in"])
def test_a_face_that_ends_at_a_moment_comes_first_and_ends_there(reader, text):
    steps = faces(reader, text)
    assert ch(steps[0], "mouthSmile") >= RISE  # not the moment ("he turns away") first
    assert len(steps) == 2 and max(steps[1]) <= LOW


def test_a_face_that_does_not_end_still_waits_for_its_moment(reader):
    assert [ch(f, "mouthSmile") >= RISE for f in faces(reader, "She smiles once the shock passes.")] == [False, True]


@pytest.mark.parametrize("text", ["Her smile faded; in its place came a look of fear.",
                                  "Her smile faded. In its place came a look of fear."])
def test_a_face_in_the_place_of_one_that_faded_follows_it_directly(reader, text):
    steps = faces(reader, text)
    assert len(steps) == 2
    assert ch(steps[0], "mouthSmile") >= RISE and ch(steps[1], "eyeWide") >= RISE
