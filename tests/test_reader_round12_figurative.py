"""Reader round 12 (issue 10): figurative, prose and request wording about faces.

The round-12 development data (tests/data/reader_dev/dev_round12_figurative.jsonl, written by hand, provenance in
README_round12_figurative.md) showed these general causes of misreading, one test group each: a red face read as an
embarrassed smile even when the sentence says anger or tears (a colour has no ARKit channel: it now yields the mouth
to any other feeling); the things faces are compared with were missing from the association table (a broader table,
phrases of up to five words, words matched as written where a stem would meet another word: "drain" is no
"drained"); a face word compared with a thing that evokes no clear feeling was refused ("he sulked like a teenager
told to tidy his room"), and "the smirk of a poker player" was no comparison at all; a face changed in the
pluperfect ("her face had fallen") was unknown; adjectives made from nouns met those nouns ("a cornered dog" named
the mouth corners); "melancholy" smiled.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from reader_dev import LOW, RISE, ch, faces, one_face, plain_compositional_reader


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


def test_a_red_face_with_drawn_brows_is_anger_not_a_smile(reader):
    face = one_face(reader, "The colonel's face reddened and his brows drew together.")
    assert ch(face, "browDown") >= RISE
    assert ch(face, "mouthSmile") <= LOW


def test_a_red_face_that_cries_is_crying_not_a_smile(reader):
    face = one_face(reader, "The baby's face went red and scrunched, and it began to bawl.")
    assert max(ch(face, "browInnerUp"), ch(face, "mouthFrown")) >= RISE
    assert ch(face, "mouthSmile") <= LOW


@pytest.mark.parametrize("text", ["Her face reddened.", "His cheeks flushed scarlet.", "The old man turned crimson.",
                                  "She went red in the face."])
def test_a_colour_alone_is_read_but_smiles_at_no_one(reader, text):
    steps, _ = reader.read(text)
    assert len(steps) == 1, text
    assert ch(steps[0].anchor.target, "mouthSmile") <= LOW


def test_a_blush_with_a_shy_smile_keeps_the_smile(reader):
    face = one_face(reader, "cheeks flushed, eyes down, a shy smile")
    assert ch(face, "mouthSmile") >= RISE and ch(face, "eyeLookDown") >= RISE


@pytest.mark.parametrize("text, channels", [
    ("She looked as if she could chew glass.", ("browDown",)),
    ("He went off like a rocket, face purple.", ("browDown",)),
    ("His face went the colour of putty.", ("eyeWide", "browInnerUp", "jawOpen")),
    ("He had the look of a man carrying the world on his shoulders.", ("browInnerUp", "mouthFrown")),
    ("Give her the expression of someone who just heard she got the job.", ("mouthSmile",)),
    ("He looked as if someone had just walked over his grave.", ("eyeWide", "browInnerUp")),
    ("He looked at the meal as if it had crawled out of a drain.", ("noseSneer", "mouthUpperUp")),
    ("He looked as pleased as a dog with two tails.", ("mouthSmile",)),
    ("Her mouth puckered as though she had sucked a sloe.", ("mouthPucker", "noseSneer", "eyeSquint")),
])
def test_the_things_faces_are_compared_with_evoke_their_feeling(reader, text, channels):
    face = one_face(reader, text)
    assert max(ch(face, c) for c in channels) >= RISE, text


def test_a_word_written_to_match_as_written_is_not_its_stem():
    from ml_backend.knowledge.associations import evoked

    assert evoked(["drain"]) == ("disgust", 1)
    assert evoked(["drained"])[0] == "tired"


def test_a_compared_thing_of_four_words_counts_as_four_votes():
    from ml_backend.knowledge.associations import evoked
    from ml_backend.reading.tokens import words

    assert evoked(words("a dog with two tails")) == ("joy", 4)
    assert evoked(words("the weight of the world")) == ("sad", 4)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["he sulked", "she smirked", "he frowned", "she grinned", "he scowled"]),
       st.sampled_from(["a teenager told to tidy his room", "a man reading the small print",
                        "someone at a bus stop in the morning", "a clerk checking a ledger"]))
def test_a_named_face_compared_with_a_thing_that_evokes_nothing_is_that_face(reader, face_words, thing):
    from ml_backend.reading.compositional import CompositionalReader

    plain, compared = faces(reader, face_words), faces(reader, f"{face_words} like {thing}")
    assert isinstance(reader, CompositionalReader) and len(compared) == 1
    assert abs(compared[0] - plain[0]).max() <= 1e-6


def test_the_smirk_of_someone_is_a_comparison_not_a_refusal(reader):
    face = one_face(reader, "She wore the smirk of a poker player holding four aces.")
    assert max(ch(face, "mouthSmile"), ch(face, "mouthDimple")) >= RISE


@pytest.mark.parametrize("text", ["Parse the file as if it were a list of numbers.", "The build is fast like a rocket.",
                                  "Store the look of a page in the cache.", "the face of a clock is round"])
def test_comparisons_about_things_stay_refused(reader, text):
    assert reader.analyse(text).refused is not None, text


@pytest.mark.parametrize("text, channels, absent", [
    ("Her face had fallen.", ("browInnerUp", "mouthFrown"), "mouthSmile"),
    ("His expression had softened.", ("mouthSmile",), "browDown"),
    ("Her face had frozen over like a winter pond.", ("browDown", "mouthPress"), "mouthSmile"),
    ("The old man's features had hardened.", ("browDown", "mouthPress"), "mouthSmile"),
])
def test_a_face_changed_in_the_pluperfect_is_read(reader, text, channels, absent):
    face = one_face(reader, text)
    assert max(ch(face, c) for c in channels) >= RISE, text
    assert ch(face, absent) <= LOW, text


def test_a_cornered_dog_names_no_mouth_corner(reader):
    reading = reader.analyse("He snarled like a cornered dog.")
    assert not any("corner" in item for s in reading.steps for item in s.items if "cornered" not in item)
    face = one_face(reader, "He snarled like a cornered dog.")
    assert ch(face, "noseSneer") >= RISE


def test_dogged_is_no_dog():
    from ml_backend.reading.tokens import stem

    assert stem("dogged") != stem("dog") and stem("doggedly") != stem("dog")
    assert stem("cornered") != stem("corner") and stem("corners") == stem("corner")


@pytest.mark.parametrize("text", ["The ends of her mouth sank.", "The corners of his mouth sank."])
def test_sinking_mouth_corners_are_a_frown(reader, text):
    face = one_face(reader, text)
    assert ch(face, "mouthFrown") >= RISE and ch(face, "mouthSmile") <= LOW


def test_melancholy_is_sad_without_a_smile(reader):
    face = one_face(reader, "A cloud of melancholy settled on her features.")
    assert max(ch(face, "browInnerUp"), ch(face, "mouthFrown")) >= RISE
    assert ch(face, "mouthSmile") <= LOW


@pytest.fixture(scope="module")
def encoder():
    from ml_backend.text.encoders import create_encoder

    return create_encoder("minilm")


@pytest.mark.parametrize("text", ["At the mention of his brother, the farmer's face",
                                  "The old man's face"])
def test_people_and_their_ages_evoke_no_feeling_by_meaning(encoder, text):
    from ml_backend.knowledge.associations import evoked_by_meaning
    from ml_backend.reading.tokens import words

    assert evoked_by_meaning(encoder, words(text)) == (None, 0)
