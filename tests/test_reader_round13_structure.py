"""Round 13, structure (tests/data/reader_dev/dev_round13_structure.jsonl, README_round13_structure.md): mechanisms
read from the shape of a clause rather than from lists of connectives: any finite verb with a face as its subject
and a face after "to" is a change ("his grin sags to a grimace"); "from X to Y" after any verb; pieces that each say
their place in the order ("surprise first, anger second"); a denied verb whose part is elided after "but"/"though"
("he doesn't laugh, but his eyes do"); a denied ending of a face let go ("never let the smile drop"); a holding back
that fails ("tries not to grin and fails"); "it" after a verb of losing or regaining is the face before ("lose it,
find it again"); a face part's subject carried to a bare verb after "only to"/"then"; a denied movement of the whole
face ("not a single muscle moves", "nothing moves except ..."); a feeling kept off the face; a sentence that opens
with "gone"; an "until"/"before" clause of another person says when; adverbials of later time ("at length", "a
moment on"); making one's way to a face; a series after a colon; a face that burns out "leaving" another."""

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i2fet_tools.ifed.expectations import LOW, RISE

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_dev import ch, faces, plain_compositional_reader  # noqa: E402
from test_reader_round12_structure import is_neutral, order  # noqa: E402

reader = pytest.fixture(scope="module")(plain_compositional_reader)


@pytest.mark.parametrize("text, first, second", [
    ("Her smile droops to a frown.", "mouthSmile", "mouthFrown"),
    ("His scowl relents to a grin.", "browDown", "mouthSmile"),
    ("She goes from grinning to sobbing.", "mouthSmile", "browInnerUp"),
    ("Joy first, disgust second.", "mouthSmile", "noseSneer"),
    ("Smiling at the start, scowling by the end.", "mouthSmile", "browDown"),
])
def test_a_change_said_by_the_shape_of_the_clause_is_two_steps(reader, text, first, second):
    steps = faces(reader, text)
    assert len(steps) == 2
    assert ch(steps[0], first) >= RISE
    assert ch(steps[1], second) >= RISE
    assert ch(steps[1], "mouthSmile" if first == "mouthSmile" else first) <= LOW


@pytest.mark.parametrize("text", ["She turns to him with a smile.", "He listens to her, smiling.",
                                  "She looks to the door, worried."])
def test_to_a_person_or_a_place_is_no_change(text):
    assert "into" not in order(text)


def test_a_part_that_does_what_was_denied_shows_it(reader):
    steps = faces(reader, "She doesn't smile, but her eyes do.")
    assert len(steps) == 1
    assert ch(steps[0], "eyeSquint") >= RISE or ch(steps[0], "cheekSquint") >= RISE
    assert ch(steps[0], "jawOpen") <= LOW


def test_an_ellipsis_keeps_the_mouth_that_does_it(reader):
    steps = faces(reader, "His eyes aren't laughing, though his mouth is.")
    assert len(steps) == 1 and ch(steps[0], "mouthSmile") >= RISE


@pytest.mark.parametrize("text", ["Don't let the grin fade.", "She never lets her smile slip."])
def test_a_denied_ending_of_a_face_let_go_keeps_it(reader, text):
    steps = faces(reader, text)
    assert len(steps) == 1 and ch(steps[0], "mouthSmile") >= RISE


def test_a_holding_back_that_fails_is_the_held_face_then_the_face(reader):
    steps = faces(reader, "He tries not to laugh and fails.")
    assert len(steps) == 2
    assert ch(steps[0], "jawOpen") <= LOW and ch(steps[0], "mouthSmile") < 0.5
    assert ch(steps[1], "mouthSmile") >= RISE


def test_it_after_losing_or_regaining_is_the_face_before(reader):
    steps = faces(reader, "Grin, drop it, then bring it back.")
    assert len(steps) == 3
    assert ch(steps[0], "mouthSmile") >= RISE and is_neutral(steps[1]) and ch(steps[2], "mouthSmile") >= RISE


def test_it_with_no_face_before_stays(reader):
    assert order("Find it again.") == "Find it again."


def test_a_face_subject_is_carried_to_a_bare_verb(reader):
    assert order("His face lights up, only to fall a second later.").count("his face") == 1
    steps = faces(reader, "Her mouth curls up, then settles.")
    assert len(steps) == 2 and ch(steps[0], "mouthSmile") >= RISE and is_neutral(steps[1])


@pytest.mark.parametrize("text", ["Not one muscle on her face moves.", "No muscle in his face twitched."])
def test_a_denied_movement_of_the_face_is_a_still_face(reader, text):
    steps = faces(reader, text)
    assert len(steps) == 1 and is_neutral(steps[0])


def test_an_exception_to_a_still_face_is_the_only_part_that_moves(reader):
    steps = faces(reader, "Nothing moves but the brows, which lower.")
    assert len(steps) == 1
    assert ch(steps[0], "browDown") >= RISE and ch(steps[0], "mouthSmile") <= LOW


def test_a_feeling_kept_off_the_face_is_denied(reader):
    steps = faces(reader, "She keeps the fear out of her face.")
    assert len(steps) == 1 and ch(steps[0], "browInnerUp") <= LOW


def test_a_sentence_that_opens_with_gone_ends_the_face(reader):
    steps = faces(reader, "A quick grin. Gone in an instant.")
    assert len(steps) == 2 and ch(steps[0], "mouthSmile") >= RISE and is_neutral(steps[1])


def test_a_clause_of_another_person_says_when():
    assert order("Hold the frown until she leaves, then smile.") == "Hold the frown, then smile."
    assert "until" in order("She frowns until she smiles.")


@pytest.mark.parametrize("text", ["He frowns and, at length, smiles.", "She scowls; presently she grins.",
                                  "A scowl, and a moment afterwards a grin."])
def test_an_adverbial_of_later_time_orders_the_clause(reader, text):
    steps = faces(reader, text)
    assert len(steps) == 2 and ch(steps[1], "mouthSmile") >= RISE and ch(steps[0], "mouthSmile") <= LOW


def test_making_ones_way_to_a_face_is_a_change(reader):
    steps = faces(reader, "Begin with a pout and inch your way to a grin.")
    assert len(steps) == 2 and ch(steps[1], "mouthSmile") >= RISE


def test_a_series_after_a_colon_is_the_steps(reader):
    steps = faces(reader, "His face runs through: anger, fear, anger.")
    assert len(steps) == 3
    assert ch(steps[0], "browDown") >= RISE and ch(steps[2], "browDown") >= RISE


def test_a_feeling_that_burns_out_leaves_the_next_face(reader):
    steps = faces(reader, "Her rage fizzles out, leaving only sadness.")
    assert len(steps) == 2  # no rest between: the sadness is what the rage left
    assert ch(steps[0], "browDown") >= RISE and ch(steps[0], "browInnerUp") <= LOW
    assert ch(steps[1], "browInnerUp") >= RISE and ch(steps[1], "mouthSmile") <= LOW


def test_a_hedge_after_a_negated_opening_is_no_step(reader):
    steps = faces(reader, "Not sad, really -- more tired.")
    assert len(steps) == 1


def test_barely_keeping_a_straight_face_is_held_back(reader):
    steps = faces(reader, "She could hardly keep a straight face.")
    assert len(steps) == 1 and ch(steps[0], "jawOpen") <= LOW
    assert max(ch(steps[0], "mouthPress"), ch(steps[0], "mouthRollLower")) >= RISE


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ,.;:-'")), max_size=80))
def test_in_order_never_raises_on_any_text(text):
    assert isinstance(order(text), str)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["smile", "grin", "scowl", "frown", "sneer"]), st.sampled_from(["lose", "drop", "kill"]))
def test_losing_it_always_ends_the_face_before(face, verb):
    assert order(f"{face.title()}, {verb} it.") == f"{face.title()}, then the {face} fades."


def test_losing_it_after_holding_back_is_the_face_shown(reader):
    steps = faces(reader, "He chews his lip to keep from laughing, but loses it.")
    assert len(steps) == 2
    assert ch(steps[0], "jawOpen") <= LOW
    assert ch(steps[1], "mouthSmile") >= RISE


def test_text_with_no_rewrite_keeps_its_spacing():
    text = "She smiles.\n\nThen   he frowns."
    assert order(text) == text


@pytest.mark.parametrize("text", ["She is doing her best not to giggle.", "He makes an effort not to smile.",
                                  "She keeps her amusement to herself."])
def test_an_effort_not_to_or_a_feeling_kept_to_oneself_is_held_back(reader, text):
    steps = faces(reader, text)
    assert len(steps) == 1
    assert ch(steps[0], "jawOpen") <= LOW and ch(steps[0], "mouthSmile") < 0.5
    assert max(ch(steps[0], "mouthPress"), ch(steps[0], "mouthRollLower"), ch(steps[0], "mouthRollUpper")) >= RISE


def test_deciding_not_to_is_a_denial_not_a_holding_back(reader):
    steps = faces(reader, "He decides not to smile.")
    assert len(steps) == 1 and ch(steps[0], "mouthSmile") <= LOW and ch(steps[0], "mouthPress") <= LOW


@pytest.mark.parametrize("text", ["her smile fades into a frown, then into nothing at all",
                                  "the frown deepens into a scowl and then relaxes",
                                  "Her face stayed blank for a long moment before she smiled."])
def test_a_subject_is_carried_only_to_a_bare_verb_and_own_clauses_stay(text):
    assert order(text) == text
