"""Step splitting and ordering on multi-step instructions of development round 6
(tests/data/reader_dev/dev_round6_sequence.jsonl): "to"-chains after "from" and bare ones, timing words that
must not glue steps together, returns to rest led by a settling verb, "part: action" sentences read as one face,
a verb-pronoun before "into", and "open them wide" acting on the part named before."""

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_backend.reading.phrases import split_steps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_dev import ch, plain_compositional_reader  # noqa: E402

ROUND6_FILE = Path(__file__).resolve().parent / "data" / "reader_dev" / "dev_round6_sequence.jsonl"


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


def texts(instruction: str) -> list[str]:
    return [p.text for p in split_steps(instruction)]


def neutral(instruction: str) -> list[bool]:
    return [p.is_neutral_return for p in split_steps(instruction)]


@pytest.mark.parametrize("instruction, expected", [
    ("from a smile to a frown to neutral", ["smile", "frown", "neutral"]),
    ("from angry to sad to happy", ["angry", "sad", "happy"]),
    ("neutral to smile to laugh", ["neutral", "smile", "laugh"]),
    ("go from a pout to a grin", ["pout", "grin"]),
])
def test_to_chains_are_steps_in_order(instruction, expected):
    assert texts(instruction) == expected


@pytest.mark.parametrize("instruction", [
    "she listens to him talk to her sister",
    "raise the brows up to the hairline",
    "look to the left",
])
def test_to_inside_a_step_does_not_split_it(instruction):
    assert len(split_steps(instruction)) == 1


def test_timing_words_do_not_make_a_list_one_step(reader):
    steps, _ = reader.read("smile for a second, frown for a second, smile again")
    assert len(steps) == 3
    first, second, third = (s.anchor.target for s in steps)
    assert ch(first, "mouthSmileLeft") > 0.2 and ch(third, "mouthSmileLeft") > 0.2
    assert ch(second, "mouthSmileLeft") < 0.12


@pytest.mark.parametrize("instruction, flags", [
    ("frown, then relax back to neutral, then smile", [False, True, False]),
    ("angry, then calm again", [False, True]),
    ("look left, then right, then straight ahead", [False, False, True]),
    ("a calm smile, then a frown", [False, False]),
])
def test_returns_to_rest(instruction, flags):
    assert neutral(instruction) == flags


@pytest.mark.parametrize("instruction, rise", [
    ("eyes: squint. mouth: smile.", ["eyeSquintLeft", "mouthSmileLeft"]),
    ("mouth: wide open. eyes: shut.", ["jawOpen", "eyeBlinkLeft"]),
])
def test_labelled_parts_are_one_face(reader, instruction, rise):
    steps, _ = reader.read(instruction)
    assert len(steps) == 1
    assert all(ch(steps[0].anchor.target, name) > 0.2 for name in rise)


def test_labelled_sentences_that_are_not_parts_stay_steps():
    assert len(split_steps("first: smile. second: frown.")) == 2


def test_a_verb_and_pronoun_before_into_is_not_a_step():
    assert texts("raise the brows, hold, then drop them into a scowl") == ["raise the brows", "scowl"]


def test_open_them_wide_widens_the_eyes_named_before(reader):
    steps, _ = reader.read("close the eyes for two seconds, then open them wide")
    assert len(steps) == 2
    assert ch(steps[0].anchor.target, "eyeBlinkLeft") > 0.2
    assert ch(steps[1].anchor.target, "eyeWideLeft") > 0.2 and ch(steps[1].anchor.target, "eyeBlinkLeft") < 0.12


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["smile", "frown", "neutral", "pout", "angry", "sad", "happy", "grin"]),
                min_size=3, max_size=5))
def test_any_to_chain_keeps_every_state_in_order(states):
    assert texts(" to ".join(states)) == states
    assert texts("from " + " to ".join(states)) == states


def test_round6_file_is_large_enough_and_valid():
    from i2fet_tools.ifed.expectations import load_entries

    entries = load_entries([ROUND6_FILE])
    assert len(entries) >= 80
    assert sum(e.style == "sequence" for e in entries) >= 60


@pytest.mark.parametrize("instruction, expected", [
    ("smile - frown - neutral", ["smile", "frown", "neutral"]),
    ("it begins as a frown and ends as a smile", ["it begins as a frown", "smile"]),
    ("goes from a smile, through a frown, to neutral", ["smile", "frown", "neutral"]),
    ("after a long frown, she finally smiles", ["long frown", "she", "smiles"]),
])
def test_more_step_marks(instruction, expected):
    assert texts(instruction) == expected


def test_a_well_known_dash_word_is_not_split():
    assert len(split_steps("a half-smile")) == 1


@pytest.mark.parametrize("instruction, count", [("after two seconds, smile", 1),
                                                ("smile, and after two seconds, frown", 2)])
def test_after_a_time_is_timing_not_a_step(reader, instruction, count):
    assert "two seconds" not in texts(instruction)
    assert len(reader.read(instruction)[0]) == count


@pytest.mark.parametrize("instruction, flags", [
    ("from happy to sad and back again", [False, False, True]),
    ("shut the eyes, then relax everything", [False, True]),
    ("look up and to the left, then back at the camera", [False, True]),
])
def test_more_returns_to_rest(instruction, flags):
    assert neutral(instruction) == flags


def test_an_action_word_acts_on_the_part_a_whole_expression_named(reader):
    steps, _ = reader.read("the brows shoot up, then knit together, then relax")
    assert len(steps) == 3
    assert ch(steps[1].anchor.target, "browDownLeft") > 0.2
    assert max(steps[2].anchor.target) <= 0.12


@pytest.mark.parametrize("instruction, flags", [
    ("she smiles; then her face goes blank", [False, True]),
    ("He reads the verdict. His face goes slack.", [False, False]),
    ("the eyes squint, then everything relaxes", [False, True]),
    ("Angry at first; calm in the end.", [False, True]),
    ("a smile in the end", [False]),
])
def test_order_words_and_a_slack_face(instruction, flags):
    assert neutral(instruction) == flags


def test_the_other_side_repeats_the_step_before_mirrored(reader):
    steps, _ = reader.read("wink the left eye, then the other")
    assert len(steps) == 2
    first, second = (s.anchor.target for s in steps)
    assert ch(first, "eyeBlinkLeft") > ch(first, "eyeBlinkRight") + 0.1
    assert ch(second, "eyeBlinkRight") > ch(second, "eyeBlinkLeft") + 0.1


def test_the_other_after_a_two_sided_step_is_not_invented(reader):
    assert len(reader.read("smile, then the other")[0]) == 1


@pytest.mark.parametrize("instruction, expected", [
    ("a) smile b) frown c) neutral", ["smile", "frown", "neutral"]),
    ("(a) pout (b) grin", ["pout", "grin"]),
])
def test_lettered_beats_are_steps(instruction, expected):
    assert texts(instruction) == expected


def test_a_single_letter_mark_is_not_a_list():
    assert len(split_steps("give me a) big smile")) == 1
