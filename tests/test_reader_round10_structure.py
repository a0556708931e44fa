"""Round 10, structure and graded intensity (tests/data/reader_dev/dev_round10_sequence.jsonl and
dev_round10_graded.jsonl, README_round10_structure.md): a held-back face let go ("bites back a grin, then lets it
show"), a held-back face breaking through, endings in other words ("then drops away", "the grin is suddenly gone"),
"last" as the final step, "yields to", "until it hurts" as a degree, prose that describes one face part by part
across ";", and intensity words ("utter", "positively", "sick with", "as high as they go", "quite", "almost shut")
graded in order, strong words at the top of their channels."""

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_backend.reading.parse import QUITE, VERY, read_step_words
from ml_backend.reading.tokens import stem

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_dev import LOW, RISE, ch, faces, plain_compositional_reader  # noqa: E402

RISE, LOW = 0.2, 0.12


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


def targets(reader, text: str) -> list:
    return [s.anchor.target for s in reader.read(text)[0]]


def level(reader, text: str, channels: tuple[str, ...]) -> float:
    """The mean of the channels at the last step's apex."""
    target = targets(reader, text)[-1]
    return sum(ch(target, c) for c in channels) / len(channels)


@pytest.mark.parametrize("text, held, let_go", [
    ("He bites back a grin, then lets it show", "mouthSmile", "mouthSmile"),
    ("She holds back a laugh, and then lets it out.", "mouthSmile", "mouthSmile"),
    ("she fights back tears, then finally lets them fall", "browInnerUp", "browInnerUp"),
    ("he tries not to smile, but the grin breaks through", "mouthSmile", "mouthSmile"),
])
def test_held_back_face_then_let_go_is_two_steps(reader, text, held, let_go):
    first, second = targets(reader, text)
    assert ch(first, "mouthPress") >= RISE and ch(first, "jawOpen") <= LOW  # held back: pressed lips
    assert ch(second, let_go) >= RISE and ch(second, let_go) > ch(first, held)


@pytest.mark.parametrize("text", [
    "the smile holds for 3 seconds and then drops away",
    "the smile freezes, then slides off her face",
    "grinning, he turns, and the grin is suddenly gone",
])
def test_endings_in_other_words_return_to_rest(reader, text):
    first, second = targets(reader, text)
    assert ch(first, "mouthSmile") >= RISE
    assert float(second.max()) <= LOW


def test_last_after_a_comma_is_the_final_step_in_order(reader):
    brows, eyes, lips = targets(reader, "first raise the eyebrows, next narrow the eyes, last press the lips")
    assert ch(brows, "browOuterUp") >= RISE and ch(eyes, "eyeSquint") >= RISE and ch(lips, "mouthPress") >= RISE
    assert ch(brows, "mouthPress") <= LOW and ch(lips, "browOuterUp") <= LOW


def test_the_last_smile_is_not_an_order_word(reader):
    assert len(targets(reader, "the last smile of the day")) == 1


def test_yields_to_is_a_transition(reader):
    scowl, grin = targets(reader, "the scowl yields to a lopsided grin")
    assert ch(scowl, "browDown") >= RISE and ch(scowl, "mouthSmile") <= LOW
    assert ch(grin, "mouthSmile") >= RISE


def test_until_a_limit_of_the_body_is_a_degree_not_a_step(reader):
    smile, rest = targets(reader, "smile until it hurts, then relax")
    assert ch(smile, "mouthSmile") > ch(targets(reader, "smile")[0], "mouthSmile")
    assert float(rest.max()) <= LOW
    assert len(targets(reader, "she smiles until the door closes, then she frowns")) == 2  # a real "until" stays


@pytest.mark.parametrize("text, channels", [
    ("His brows were knitted; his lips were pressed into a thin line.", ("browDown", "mouthPress")),
    ("Her eyes were wide; her mouth hung open.", ("eyeWide", "jawOpen")),
])
def test_prose_describing_parts_across_a_semicolon_is_one_face(reader, text, channels):
    (face,) = targets(reader, text)
    assert all(ch(face, c) >= RISE for c in channels)


def test_semicolon_with_an_order_word_or_one_part_still_separates(reader):
    assert len(targets(reader, "her brows were raised; then her mouth fell open")) == 2
    assert len(targets(reader, "anger; then sadness; then nothing")) == 3


def test_a_mouth_closing_into_a_line_is_still_a_change(reader):
    opened, closed = targets(reader, "his mouth opens in surprise and slowly closes into a tight line")
    assert ch(opened, "jawOpen") >= RISE and ch(closed, "jawOpen") <= LOW and ch(closed, "mouthPress") >= RISE


# Graded intensity -------------------------------------------------------------------------------------------------
WORDS = {"happy": ("mouthSmile",), "angry": ("browDown",), "sad": ("browInnerUp",), "surprised": ("browOuterUp",),
         "scared": ("eyeWide",), "disgusted": ("noseSneer",), "worried": ("browInnerUp",), "amused": ("mouthSmile",),
         "annoyed": ("browDown",), "frightened": ("eyeWide",), "cheerful": ("mouthSmile",), "astonished": ("browOuterUp",)}
# hint < slight < plain < very < extremely, each ladder in other intensity words
LADDERS = (("barely", "slightly", "", "very", "extremely"), ("faintly", "a little", "", "truly", "utterly"),
           ("hardly", "somewhat", "", "deeply", "wildly"), ("a touch", "mildly", "", "quite", "overwhelmingly"),
           ("ever so faintly", "a bit", "", "truly", "positively"), ("scarcely", "a little bit", "", "terribly", "thoroughly"))


@settings(max_examples=25, deadline=None)
@given(word=st.sampled_from(sorted(WORDS)), ladder=st.sampled_from(LADDERS))
def test_graded_ladders_rise_monotonically(reader, word, ladder):
    levels = [level(reader, f"{m} {word}".strip(), WORDS[word]) for m in ladder]
    assert all(b >= a - 0.02 for a, b in zip(levels, levels[1:])), (word, ladder, levels)
    assert levels[-1] - levels[0] >= 0.25


@pytest.mark.parametrize("text, channels", [
    ("beaming", ("mouthSmile",)), ("ecstatic", ("mouthSmile",)), ("elated", ("mouthSmile",)),
    ("furious", ("browDown",)), ("livid", ("browDown",)), ("screaming in terror", ("eyeWide",)),
    ("petrified", ("eyeWide",)), ("revolted", ("noseSneer",)), ("repulsed", ("noseSneer",)),
    ("nauseated", ("noseSneer",)), ("jaw dropped all the way", ("jawOpen",)),  # the idiom's jaw was 0.4
])
def test_strong_words_reach_the_top_of_their_channels(reader, text, channels):
    assert level(reader, text, channels) >= 0.8


@pytest.mark.parametrize("weaker, stronger, channels", [
    ("strong distaste", "utter revulsion", ("noseSneer",)),
    ("surprised", "really surprised", ("browOuterUp",)),  # was a phrasing of disbelief at 0.8, below plain surprise
    ("disgusted", "revolted", ("noseSneer",)),
    ("very worried", "sick with worry", ("browInnerUp",)),
    ("brows lifted very high", "brows lifted as high as they go", ("browOuterUp",)),
    ("a smug smirk", "a huge smug smirk", ("mouthSmile",)),
    ("eyes half shut", "eyes almost shut", ("eyeBlink",)),
    ("a big pout", "an exaggerated pout", ("mouthPucker",)),
    ("jaw dropped wide", "jaw dropped to the floor", ("jawOpen",)),
    ("jaw dropped", "jaw dropped all the way", ("jawOpen",)),
    ("pleased", "quite pleased", ("mouthSmile",)),
    ("grinning madly", "grinning like a maniac", ("mouthSmile",)),  # a simile of degree, not a compared thing
    ("frowning", "frowning like crazy", ("browDown",)),
])
def test_intensity_phrases_grade_above_the_rung_below(reader, weaker, stronger, channels):
    assert level(reader, stronger, channels) > level(reader, weaker, channels)


def test_quite_never_weakens_a_strong_word():
    (item,) = read_step_words("quite furious").items
    assert item.intensity >= read_step_words("furious").items[0].intensity and VERY > QUITE


def test_barely_is_a_degree_word_not_bared_lips(reader):
    assert stem("barely") != stem("bare")
    face = targets(reader, "lips barely parted")[0]
    assert ch(face, "mouthUpperUp") <= LOW


def test_after_a_face_trails_off_and_starts_the_next_step(reader):
    laughing, rest = targets(reader, "the laughter trails off and her face goes still")
    assert ch(laughing, "mouthSmile") >= RISE and float(rest.max()) <= LOW


def test_a_restated_face_before_its_transition_is_not_a_step(reader):
    smile, unease = targets(reader, "She smiled at first, but the smile soon faded into a look of unease.")
    assert ch(smile, "mouthSmile") >= RISE and ch(unease, "mouthSmile") <= LOW and ch(unease, "browInnerUp") >= RISE
    assert len(targets(reader, "she frowns, but the worry melts into relief")) == 3  # a new face named: a step


def test_letting_the_face_drop_into_another_is_one_transition(reader):
    brows, scowl = targets(reader, "raise the brows for a moment, then let them drop into a scowl")
    assert ch(brows, "browOuterUp") >= RISE and ch(scowl, "browDown") >= RISE


def test_intensity_words_after_a_determiner_are_still_found():
    """The first-word index of intensity words finds "her faint smile" (a determiner before the word) as before."""
    (item,) = read_step_words("her faint smile").items
    assert item.level_word == "faint"
    (item,) = read_step_words("a hint of a smile").items
    assert item.level_word in ("a hint of", "hint of")


def test_a_restated_face_after_a_beat_becomes_the_next(reader):
    snarl, grin = targets(reader, "he snarls, and after a beat the snarl becomes a grin")
    assert ch(snarl, "noseSneer") >= RISE and ch(snarl, "mouthSmile") <= LOW and ch(grin, "mouthSmile") >= RISE


def test_a_face_ending_after_a_lone_beat_is_shown_then_ends(reader):
    """"(beat) His grin vanishes.": with no face before the beat, the grin is shown and goes (it was read as neutral
    only: the ending was taken to refer to the beat)."""
    steps = faces(reader, "(beat) His grin vanishes.")
    assert len(steps) == 2
    assert ch(steps[0], "mouthSmile") >= RISE and ch(steps[1], "mouthSmile") <= LOW
