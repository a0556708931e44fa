"""Round 12, structure and grading (tests/data/reader_dev/dev_round12_structure.jsonl, README_round12_structure.md):
a series of predicates of one subject tells events in order when the faces differ ("He grins, catches himself, and
goes straight-faced"); a clause that ends the face before ("lets it drop", "cut off abruptly", "leaving it empty",
"the blankness breaks"); a passive "is replaced by" keeps its order; a correction after a negated opening across a
dash, ";" or ":" is one face ("He's not angry -- he's hurt"); a denied ending is a face that stays ("never once stops
smiling"); a side said after the face ("but not with the left side"); "only when ... does he frown"; "drop the
smirk"; verbs of yielding ("gives ground to"); a state of a named part said again ("lids heavy, half closed"); degree
words (small measures "a glint of", superlatives "the widest grin imaginable", "wracked with")."""

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_backend.reading.clauses import in_order

from i2fet_tools.ifed.expectations import LOW, RISE

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_dev import ch, faces, plain_compositional_reader  # noqa: E402

reader = pytest.fixture(scope="module")(plain_compositional_reader)


def is_neutral(target) -> bool:
    """Every channel at rest (the checker's ``neutral``)."""
    return bool((target <= LOW).all())


def order(text: str) -> str:
    return in_order(text, is_timing=lambda words: False)


@pytest.mark.parametrize("text", ["He grins, catches himself, and goes straight-faced.",
                                  "She beams, and then goes blank.",
                                  "The blankness breaks, and he is suddenly furious."])
def test_a_series_of_predicates_is_told_in_order(reader, text):
    steps = faces(reader, text)
    assert len(steps) == 2
    assert is_neutral(steps[0]) != is_neutral(steps[1])


def test_a_series_of_agreeing_predicates_stays_one_face(reader):
    steps = faces(reader, "She smiles, and her eyes crinkle.")
    assert len(steps) == 1 and ch(steps[0], "mouthSmile") >= RISE


@pytest.mark.parametrize("text, face", [
    ("She forces a smile, holds it for the photo, and lets it drop the moment the flash goes off.", "mouthSmile"),
    ("A short laugh, cut off abruptly.", "mouthSmile"),
    ("The terror drained from her face, leaving it empty.", "browInnerUp"),
    ("The frown is gone, but there's no smile to replace it.", "browDown"),
    ("Anger flickers across his face and is replaced by a blank look.", "browDown"),
])
def test_a_face_that_ends_is_the_face_then_rest(reader, text, face):
    steps = faces(reader, text)
    assert len(steps) == 2
    assert ch(steps[0], face) >= RISE
    assert ch(steps[1], face) <= LOW


def test_a_passive_replacement_keeps_its_order():
    assert order("Anger flickers across his face and is replaced by a careful neutrality.").startswith("Anger")
    assert order("a smile replaces the frown").startswith("the frown")


@pytest.mark.parametrize("text, face", [
    ("He's not angry -- he's hurt.", "browInnerUp"),
    ("Nothing on the mouth; the worry is all in the forehead.", "browInnerUp"),
    ("Eyes wide, but no fear in them -- just wonder.", "eyeWide"),
    ("No grin, no wink, nothing else.", None),
])
def test_a_correction_after_a_negated_opening_is_one_face(reader, text, face):
    steps = faces(reader, text)
    assert len(steps) == 1
    if face is None:
        assert ch(steps[0], "mouthSmile") <= LOW
    else:
        assert ch(steps[0], face) >= RISE


def test_only_when_is_not_a_correction(reader):
    steps = faces(reader, "His face is blank while she talks; only when she finishes does he frown.")
    assert len(steps) == 2
    assert is_neutral(steps[0]) and ch(steps[1], "browDown") >= RISE


@pytest.mark.parametrize("text, face", [("He never once stops smiling.", "mouthSmile"),
                                        ("the scowl never leaves his face", "browDown"),
                                        ("her grin doesn't fade", "mouthSmile")])
def test_a_denied_ending_is_a_face_that_stays(reader, text, face):
    steps = faces(reader, text)
    assert len(steps) == 1 and ch(steps[0], face) >= RISE


@pytest.mark.parametrize("text, shown, hidden", [
    ("smiling, but not with the left side", "mouthSmileRight", "mouthSmileLeft"),
    ("a sneer, only on the right", "noseSneerRight", "noseSneerLeft"),
    ("a smile, but not on the right", "mouthSmileLeft", "mouthSmileRight"),
])
def test_a_side_after_the_face_says_which_side_shows(reader, text, shown, hidden):
    (step,) = faces(reader, text)
    assert ch(step, shown) >= RISE and ch(step, shown) > ch(step, hidden) + 0.1


def test_drop_the_face_takes_it_away(reader):
    first, second = faces(reader, "Smirk, then drop the smirk and glare.")
    assert max(ch(first, "mouthSmileLeft"), ch(first, "mouthSmileRight")) >= RISE
    assert max(ch(second, "mouthSmileLeft"), ch(second, "mouthSmileRight")) <= LOW
    assert ch(second, "browDown") >= RISE


@pytest.mark.parametrize("text", ["The shock on his face slowly gives ground to grief.",
                                  "The shock on his face makes way for grief."])
def test_verbs_of_yielding_are_transitions(reader, text):
    first, second = faces(reader, text)
    assert ch(first, "eyeWide") >= RISE and ch(second, "mouthFrown") >= RISE


def test_a_part_state_said_again_is_one_step_and_an_opposite_action_is_the_next(reader):
    assert len(faces(reader, "Lids heavy, half closed")) == 1
    assert len(faces(reader, "jaw open wide, close, open again")) == 3


def test_recover_and_wordless_words(reader):
    steps = faces(reader, "Wince at the noise, recover, then smile apologetically.")
    assert len(steps) == 3 and is_neutral(steps[1])
    steps = faces(reader, "his mouth opens as if to speak, then closes again without a word")
    assert len(steps) == 2 and ch(steps[0], "jawOpen") >= RISE and ch(steps[1], "jawOpen") <= LOW


@pytest.mark.parametrize("weak, strong, channel", [
    ("a glint of amusement", "amused", "mouthSmile"),
    ("a whiff of distaste", "distaste", "noseSneer"),
    ("a modest grin", "a grin", "mouthSmile"),
    ("a grin", "the widest grin imaginable", "mouthSmile"),
    ("sorrowful", "wracked with sorrow", "browInnerUp"),
    ("startled", "startled out of her wits", "eyeWide"),
])
def test_degree_words_grade(reader, weak, strong, channel):
    (low,), (high,) = faces(reader, weak), faces(reader, strong)
    assert ch(high, channel) > ch(low, channel) + 0.05


@settings(max_examples=25, deadline=None)
@given(face=st.sampled_from(["smile", "grin", "frown", "scowl", "sneer"]),
       verb=st.sampled_from(["drop", "lose", "wipe", "kill"]))
def test_dropping_a_named_face_always_ends_it(face, verb):
    assert order(f"{verb} the {face}") == f"the {face} fades"


@settings(max_examples=25, deadline=None)
@given(neg=st.sampled_from(["not", "never"]), side=st.sampled_from(["left", "right"]),
       face=st.sampled_from(["smiling", "a smirk", "a sneer"]))
def test_a_denied_side_is_the_other_side(neg, side, face):
    other = "right" if side == "left" else "left"
    assert order(f"{face}, but {neg} on the {side} side") == f"{face} on the {other} side"


@pytest.mark.parametrize("text", ["His sneer softened, by degrees, into something almost kind.",
                                  "Her sneer melted, little by little, into a smile."])
def test_a_manner_aside_keeps_the_verb_of_change_joined_to_into(reader, text):
    assert "," not in order(text).split("into")[0]
    first, second = faces(reader, text)
    assert ch(first, "noseSneer") >= RISE and ch(second, "noseSneer") <= LOW


def test_a_face_with_no_channels_is_no_rest_in_a_series(reader):
    steps = faces(reader, "She acknowledged this only by a slight nod, flushed a little, and frowned.")
    assert len(steps) == 1 and ch(steps[0], "browDown") >= RISE
