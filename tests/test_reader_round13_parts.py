"""Round 13, parts and modifiers (tests/data/reader_dev/dev_round13_parts.jsonl, README_round13_parts.md): a degree
word raises a part within its own range ("a completely slack jaw" opens fully); what a named part's recipe moves
outside its part yields to another item pulling that region the other way ("lips sealed, eyes bulging" keeps the jaw
shut); a side said after its face ("on the right half of the mouth only", ", right side only", "on one side", "wink
with the right eye", "one side of his mouth"); one side said to do more than the other ("the left higher than the
right"); the rest of the face said to stay still adds no step; a state said again with an intensifier; "a tiny bit"
and "eyes barely open"."""

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i2fet_tools.ifed.expectations import LOW, RISE, SIDE_MARGIN
from ml_backend.reading.compose import _raised, compose, item_target
from ml_backend.reading.parse import Item, read_step_words
from ml_backend.reading.phrases import part_phrases

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_dev import ch, faces, one_face, plain_compositional_reader  # noqa: E402

reader = pytest.fixture(scope="module")(plain_compositional_reader)


def test_a_degree_raises_a_part_within_its_own_range(reader):
    face = one_face(reader, "a mildly raised brow and a completely slack jaw")
    assert ch(face, "jawOpen") >= 0.8
    assert 0.2 <= ch(face, "browOuterUp") <= 0.6


def test_levels_of_a_part_stay_in_order(reader):
    levels = [ch(one_face(reader, f"a {degree} slack jaw and level brows"), "jawOpen")
              for degree in ("slightly", "somewhat", "quite", "very", "extremely")]
    assert levels == sorted(levels) and levels[0] < levels[-1]


@settings(max_examples=60, deadline=None)
@given(st.floats(0.3, 1.0), st.floats(0.3, 0.95), st.floats(0.0, 1.0))
def test_raising_is_monotonic_and_unchanged_for_a_full_recipe(top, strength, share):
    weights = np.zeros(52, np.float32)
    weights[0], weights[1] = top, top / 2
    low_level = strength + (1 - strength) * share * 0.5
    high_level = strength + (1 - strength) * share
    low, high = _raised(weights, strength, low_level), _raised(weights, strength, high_level)
    assert float(low.max()) <= float(high.max()) + 1e-6 <= 1.0 + 1e-5
    assert float(_raised(weights, strength, strength).max()) == pytest.approx(top * strength, abs=1e-5)
    full = weights / top
    assert np.allclose(_raised(full, strength, high_level), full * high_level, atol=1e-5)


def test_an_exact_level_is_not_raised():
    weights = np.zeros(52, np.float32)
    weights[0] = 0.3
    item = Item("jaw slack", weights, 0.75, "part", 0, 2, level=0.9, level_word="90%", exact=True)
    assert float(item_target(item).max()) == pytest.approx(0.9, abs=1e-5)


def test_a_side_effect_of_a_named_part_yields(reader):
    face = one_face(reader, "cheeks puffed out, lips sealed, eyes bulging")
    assert ch(face, "jawOpen") <= LOW and ch(face, "mouthPress") >= RISE and ch(face, "eyeWide") >= RISE
    face = one_face(reader, "brows pinched up and together, a trembling smile on the lips")
    assert ch(face, "mouthSmile") >= RISE and ch(face, "mouthFrown") <= LOW


def test_a_part_named_in_a_whole_keeps_its_region(reader):
    face = one_face(reader, "lips pressed, jaw dropped")
    assert ch(face, "mouthPress") >= RISE and ch(face, "jawOpen") >= RISE


def test_the_yield_is_said_in_a_note(reader):
    _, notes = reader.read("shocked, lips pressed together")
    assert any("follow the named part 'lips pressed'" in note for note in notes)


def test_the_two_sides_do_not_contend(reader):
    face = one_face(reader, "left eyelid drooping, right eye alert")
    assert ch(face, "eyeBlinkLeft") >= ch(face, "eyeBlinkRight") + SIDE_MARGIN


@pytest.mark.parametrize("text, strong, weak, weak_shows", [
    ("a frown on the right half of the mouth only", "mouthFrownRight", "mouthFrownLeft", False),
    ("a frown, right side only", "mouthFrownRight", "mouthFrownLeft", False),
    ("a sneer, only on the left", "noseSneerLeft", "noseSneerRight", False),
    ("wink with the right eye and a little smile", "eyeBlinkRight", "eyeBlinkLeft", False),
    ("squinting with the right eye", "eyeSquintRight", "eyeSquintLeft", False),
    ("The corner of his mouth on the left side twitched up, nothing else moved.", "mouthSmileLeft", "mouthSmileRight",
     False),
    # one side said to do more than the other: both show, the named one more
    ("both brows up, but the left higher than the right", "browOuterUpLeft", "browOuterUpRight", True),
    ("a smile, wider on the right", "mouthSmileRight", "mouthSmileLeft", True),
    ("the right eye narrower than the left, a frown", "eyeSquintRight", "eyeSquintLeft", True),
])
def test_a_side_said_after_its_face(reader, text, strong, weak, weak_shows):
    face = one_face(reader, text)
    assert ch(face, strong) >= RISE and ch(face, strong) >= ch(face, weak) + SIDE_MARGIN
    assert ch(face, weak) >= RISE or not weak_shows


@pytest.mark.parametrize("text", ["a faint smile on one side", "One side of his mouth curled up; the other didn't."])
def test_one_side_is_one_sided(reader, text):
    face = one_face(reader, text)
    assert abs(ch(face, "mouthSmileLeft") - ch(face, "mouthSmileRight")) >= SIDE_MARGIN


def test_a_comma_list_of_sides_is_left_alone():
    assert part_phrases("eyes dart left, right, left") == "eyes dart left, right, left"
    assert part_phrases("glance left, then right") == "glance left, then right"


def test_a_compared_part_leaves_the_rest_even(reader):
    face = one_face(reader, "the right eye narrower than the left, a frown")
    assert ch(face, "mouthFrownLeft") == pytest.approx(ch(face, "mouthFrownRight"))


@pytest.mark.parametrize("text", ["a smile; nothing else moves", "brows up, the rest of the face stays neutral",
                                  "a frown, and nothing else on her face changed"])
def test_the_rest_kept_still_adds_no_step(reader, text):
    assert len(faces(reader, text)) == 1


def test_a_sentence_that_is_only_the_rest_is_not_emptied():
    assert part_phrases("Nothing else moved.") == "Nothing else moved."


def test_a_state_said_again_with_an_intensifier(reader):
    face = one_face(reader, "eyes wide, really wide, and the mouth only a crack open")
    assert ch(face, "eyeWide") >= 0.6 and 0.02 <= ch(face, "jawOpen") <= 0.4


def test_a_tiny_bit_is_a_small_degree_not_a_bite(reader):
    face = one_face(reader, "mouth a tiny bit open, eyes a tiny bit wide")
    assert 0.02 <= ch(face, "jawOpen") <= 0.45 and ch(face, "mouthRollLower") <= LOW


def test_eyes_barely_open_are_nearly_shut(reader):
    face = one_face(reader, "very wide-open mouth, eyes barely open")
    assert ch(face, "eyeBlink") >= 0.5 and ch(face, "eyeWide") <= LOW


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["a frown", "a smile", "a sneer", "a smirk", "brows raised", "a grimace"]),
       st.sampled_from(["left", "right"]),
       st.sampled_from(["on the {s} side only", "on the {s} half of the face", ", {s} side only",
                        "on her {s} side"]))
def test_any_side_said_after_a_face_sides_it(face_words, side, form):
    text = f"{face_words} {form.format(s=side)}".replace(" ,", ",")
    items = [it for it in read_step_words(part_phrases(text)).items if not it.negated]
    assert items and all(it.side == side for it in items), (text, [(it.label, it.side) for it in items])
    target = compose(items).target
    assert float(target.max()) >= RISE


def test_a_degree_alone_after_a_comma_grades_what_comes_before(reader):
    face = one_face(reader, "eyes: wide, max. brows: up. jaw: 60%.")
    assert ch(face, "eyeWide") >= 0.9 and ch(face, "browOuterUp") < 0.9
    assert part_phrases("smile, then slowly, a frown") == "smile, then slowly, a frown"
