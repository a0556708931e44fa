"""The compositional reader on the examples of issue 10: parts, vocabulary, intensity, structure, negation."""

import numpy as np
import pytest

from ml_backend.knowledge import nearest_category
from ml_backend.naming.arkit import INDEX
from ml_backend.reading.compositional import CompositionalReader
from ml_backend.reading.phrases import split_steps
from ml_backend.reading.registry import DEFAULT_READER


@pytest.fixture(scope="module")
def reader():
    return CompositionalReader(use_meaning=False, calibrator=lambda raw: raw)


def face(reader, text, step=0):
    steps, _ = reader.read(text)
    return steps[step].anchor.target


def ch(target, stem, side=None):
    """A channel's value; for a sided stem the larger side unless ``side`` picks one."""
    if stem in INDEX:
        return float(target[INDEX[stem]])
    if side:
        return float(target[INDEX[stem + side.capitalize()]])
    return max(float(target[INDEX[stem + "Left"]]), float(target[INDEX[stem + "Right"]]))


def test_the_compositional_reader_is_the_default():
    assert DEFAULT_READER == "compose"


# --- 1. compose: every named part is present, modifiers attach to their part ------------------------
def test_slightly_open_mouth_and_very_wide_eyes(reader):
    t = face(reader, "a slightly open mouth and very wide eyes")
    plain_mouth = face(reader, "an open mouth")
    plain_eyes = face(reader, "wide eyes")
    assert ch(t, "jawOpen") >= 0.2 and ch(t, "eyeWide") >= 0.2
    assert ch(t, "jawOpen") < ch(plain_mouth, "jawOpen")  # "slightly" belongs to the mouth
    assert ch(t, "eyeWide") > ch(plain_eyes, "eyeWide")  # "very" belongs to the eyes
    assert ch(t, "mouthSmile") < 0.05


def test_half_smile_on_the_left_right_brow_raised(reader):
    steps, _ = reader.read("a half smile on the left, right brow raised")
    assert len(steps) == 1
    t = steps[0].anchor.target
    assert ch(t, "mouthSmile", "left") >= 0.2 and ch(t, "mouthSmile", "right") < 0.05
    assert ch(t, "browOuterUp", "right") >= 0.5 and ch(t, "browOuterUp", "left") < 0.05
    assert ch(t, "mouthSmile", "left") < ch(face(reader, "a smile"), "mouthSmile")  # "half"


def test_eyes_widen_and_mouth_falls_open(reader):
    t = face(reader, "her eyes widen and her mouth falls open")
    assert ch(t, "eyeWide") >= 0.4 and ch(t, "jawOpen") >= 0.4


def test_looks_up_with_a_gentle_smile_keeps_both(reader):
    steps, _ = reader.read("looks up at the sky with a gentle smile")
    t = steps[0].anchor.target
    assert ch(t, "eyeLookUp") >= 0.4 and 0.2 <= ch(t, "mouthSmile") < ch(face(reader, "a smile"), "mouthSmile")
    assert "smile" in steps[0].anchor.label and "up" in steps[0].anchor.label


def test_smile_with_worried_eyebrows_is_smile_mouth_and_inner_brow_raise(reader):
    steps, _ = reader.read("a smile with worried eyebrows")
    t = steps[0].anchor.target
    assert ch(t, "mouthSmile") >= 0.4 and ch(t, "browInnerUp") >= 0.4
    assert steps[0].anchor.label == "smile + worried brows"


def test_a_named_part_overrides_the_same_region_of_a_whole_expression(reader):
    surprise = face(reader, "surprise")
    closed = face(reader, "surprise but with the mouth closed")
    assert ch(surprise, "jawOpen") >= 0.3 and ch(closed, "jawOpen") < 0.05
    assert ch(closed, "browInnerUp") == pytest.approx(ch(surprise, "browInnerUp"))


# --- 2. words by meaning: vocabulary, idioms, prose, screenplay, requests -------------------------------
@pytest.mark.parametrize("text,category", [
    ("crestfallen", "sadness"), ("aghast", "surprise"), ("beaming", "happiness"), ("furious", "anger"),
    ("terrified", "fear"), ("disgusted", "disgust"), ("heartbroken", "sadness"), ("livid", "anger"),
])
def test_unseen_words_of_the_old_reader_land_in_their_emotion(reader, text, category):
    steps, _ = reader.read(text)
    assert nearest_category(steps[0].anchor.target) in ({category, "fear"} if category == "surprise" else {category})
    assert steps[0].anchor.confidence > 0.9


@pytest.mark.parametrize("text,rise", [
    ("as if she'd bitten a lemon", ["mouthPucker", "eyeSquint"]),
    ("like he's seen a ghost", ["eyeWide", "browInnerUp"]),
    ("make him look exhausted", ["eyeBlink", "eyeLookDown"]),
    ("sheepish", ["mouthSmile", "eyeLookDown"]),
    ("smug", ["mouthSmile"]),
    ("wistful", ["browInnerUp"]),
    ("incredulous", ["browOuterUp", "eyeWide"]),
])
def test_vocabulary_and_figurative_phrasing(reader, text, rise):
    t = face(reader, text)
    for stem in rise:
        assert ch(t, stem) >= 0.2, stem


def test_screenplay_beat_and_a_fading_smile(reader):
    steps, notes = reader.read("(beat) Her smile fades.")
    assert len(steps) == 2
    assert ch(steps[0].anchor.target, "mouthSmile") >= 0.3 and steps[1].anchor.target.max() < 0.02
    assert any("goes away" in n for n in notes)


def test_a_fade_after_a_step_takes_only_that_part_away(reader):
    steps, _ = reader.read("a smile with raised brows. Her smile fades.")
    assert len(steps) == 2
    assert ch(steps[1].anchor.target, "mouthSmile") < 0.02 and ch(steps[1].anchor.target, "browOuterUp") >= 0.3


def test_third_person_sentences_are_steps(reader):
    steps, _ = reader.read("Her eyes widen. Her mouth falls open.")
    assert len(steps) == 2
    assert ch(steps[0].anchor.target, "eyeWide") >= 0.3 and ch(steps[1].anchor.target, "jawOpen") >= 0.3


# --- 3. intensity as the words say it -----------------------------------------------------------------
@pytest.mark.parametrize("text,stems", [
    ("beaming", ["mouthSmile"]), ("furious", ["browDown"]), ("screaming in terror", ["jawOpen", "eyeWide"]),
    ("terrified", ["eyeWide", "browInnerUp"]), ("overjoyed", ["mouthSmile"]),
])
def test_strong_words_reach_the_top_of_the_range(reader, text, stems):
    t = face(reader, text)
    for stem in stems:
        assert ch(t, stem) >= 0.8, stem


@pytest.mark.parametrize("word,noun,stem", [
    ("sad", "sadness", "mouthFrown"), ("angry", "anger", "browDown"), ("surprised", "surprise", "eyeWide"),
])
def test_graded_phrasings_are_monotonic(reader, word, noun, stem):
    ladder = [f"a hint of {noun}", f"slightly {word}", word, f"very {word}", f"extremely {word}"]
    values = [ch(face(reader, text), stem) for text in ladder]
    assert all(a < b for a, b in zip(values, values[1:])), values


def test_graded_parts_are_monotonic(reader):
    ladder = ["a hint of a smile", "a slight smile", "a smile", "a very broad smile"]
    values = [ch(face(reader, text), "mouthSmile") for text in ladder]
    assert all(a < b for a, b in zip(values, values[1:])), values
    assert values[0] < 0.3


# --- 4. structure: connectives, negation, suppression ---------------------------------------------------
@pytest.mark.parametrize("text", [
    "anger gives way to a shy grin", "a smile melts into a frown", "the smile fades into sadness",
    "calm breaks into laughter", "a grin collapses into sobs", "the glare softens into a smile",
    "she smiles until she frowns", "a smile before a frown", "a smile, after a beat a frown",
    "a smile, only to frown", "a smile and finally a frown", "a smile. A frown.", "a smile; a frown",
])
def test_transition_connectives_split_steps(reader, text):
    steps, _ = reader.read(text)
    assert len(steps) == 2, [s.anchor.label for s in steps]
    assert steps[0].anchor.label != steps[1].anchor.label


def test_anger_gives_way_to_a_shy_grin(reader):
    steps, _ = reader.read("anger gives way to a shy grin")
    assert ch(steps[0].anchor.target, "browDown") >= 0.5 and ch(steps[0].anchor.target, "mouthSmile") < 0.05
    assert ch(steps[1].anchor.target, "mouthSmile") >= 0.5 and ch(steps[1].anchor.target, "browDown") < 0.05


@pytest.mark.parametrize("text", ["not smiling", "she is no longer angry", "without a smile"])
def test_negated_expressions_are_left_out(reader, text):
    steps, notes = reader.read(text)
    assert steps[-1].anchor.target.max() < 0.02
    assert any("negated" in n for n in notes)


def test_negation_keeps_the_other_parts(reader):
    t = face(reader, "wide eyes without a smile")
    assert ch(t, "eyeWide") >= 0.3 and ch(t, "mouthSmile") < 0.02


def test_no_longer_angry_takes_anger_away_from_the_step_before(reader):
    steps, _ = reader.read("angry, then no longer angry")
    assert ch(steps[0].anchor.target, "browDown") >= 0.5 and steps[1].anchor.target.max() < 0.02


@pytest.mark.parametrize("text", ["she tries hard not to laugh", "tries not to laugh", "stifles a grin",
                                  "holding back a smile"])
def test_suppression_is_pressed_lips_and_a_small_smile_not_a_laugh(reader, text):
    t = face(reader, text)
    laugh = face(reader, "she laughs")
    assert ch(t, "mouthPress") >= 0.3
    assert 0.05 < ch(t, "mouthSmile") < 0.4 and ch(t, "jawOpen") < 0.1 < ch(laugh, "jawOpen")


def test_contradictions_are_resolved_and_said(reader):
    steps, notes = reader.read("smiling and frowning at once")
    t = steps[0].anchor.target
    assert ch(t, "mouthSmile") >= 0.3 and ch(t, "mouthFrown") < 0.02 and ch(t, "browDown") >= 0.3
    assert any("opposite ways" in n and "named first" in n for n in notes)


def test_comma_parts_happen_together_only_when_they_name_parts():
    def together(before, part):
        return part.startswith("right brow")

    assert len(split_steps("a half smile, right brow raised", simultaneous=together)) == 1
    assert len(split_steps("a faint smile, surprise", simultaneous=together)) == 2
    assert len(split_steps("a half smile, right brow raised")) == 2  # the old behaviour without the hook


# --- 5. confidence --------------------------------------------------------------------------------------
def test_raw_confidence_drops_with_words_that_are_not_face(reader):
    clear = reader.analyse("a smile").steps[0]
    partly = reader.analyse("a smile at the bakery").steps[0]
    assert clear.raw_confidence == pytest.approx(1.0) and partly.raw_confidence < 0.7
    assert partly.understood and partly.unknown


def test_a_calibrator_maps_raw_confidence():
    reader = CompositionalReader(use_meaning=False, calibrator=lambda raw: raw * 0.5)
    steps, _ = reader.read("a smile")
    assert steps[0].anchor.confidence == pytest.approx(0.5)
    reader.set_calibrator(None)
    assert reader.read("a smile")[0][0].anchor.confidence == pytest.approx(1.0)
