"""The compositional reader on phrasings of development round 4 (tests/data/reader_dev/dev_round4.jsonl):
animator shorthand (FACS AU codes, ARKit channel names with values, parts with a level or a side letter, gaze
letters), numbered beats and arrow/slash/dash step marks, figurative phrasing."""

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml_backend.reading.phrases import split_steps
from ml_backend.reading.shorthand import extract

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_dev import ch, faces, plain_compositional_reader  # noqa: E402


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


# --- FACS action units and ARKit channel names ------------------------------------------------------------
def test_action_unit_codes_are_read_as_their_channels(reader):
    [face] = faces(reader, "AU12+AU6")
    assert ch(face, "mouthSmile") >= 0.5 and ch(face, "cheekSquint") >= 0.5
    assert ch(face, "mouthFrown") < 0.05 and ch(face, "browDown") < 0.05
    [face] = faces(reader, "AU1 AU4 AU15")
    assert min(ch(face, "browInnerUp"), ch(face, "browDown"), ch(face, "mouthFrown")) >= 0.5


def test_a_value_after_a_code_is_its_level(reader):
    [low] = faces(reader, "AU12 at 0.3")
    [high] = faces(reader, "AU12 at 0.9")
    assert ch(low, "mouthSmile") == pytest.approx(0.3, abs=0.02)
    assert ch(high, "mouthSmile") == pytest.approx(0.9, abs=0.02)
    [face] = faces(reader, "cheekPuff=0.9")
    assert ch(face, "cheekPuff") == pytest.approx(0.9, abs=0.02)
    [face] = faces(reader, "noseSneerLeft: 70%")
    assert ch(face, "noseSneerLeft") == pytest.approx(0.7, abs=0.02) and ch(face, "noseSneerRight") < 0.05


def test_one_sided_channel_names_stay_on_their_side_and_listed_channels_happen_together(reader):
    [face] = faces(reader, "mouthSmileLeft 0.6")
    assert ch(face, "mouthSmileLeft") == pytest.approx(0.6, abs=0.02) and ch(face, "mouthSmileRight") < 0.05
    [face] = faces(reader, "jawOpen 0.8, eyeWideLeft 0.5, eyeWideRight 0.5")
    assert ch(face, "jawOpen") == pytest.approx(0.8, abs=0.02)
    assert ch(face, "eyeWideLeft") == pytest.approx(0.5, abs=0.02) and ch(face, "eyeWideRight") == pytest.approx(0.5, abs=0.02)
    [face] = faces(reader, "mouthSmile_R 40%")
    assert ch(face, "mouthSmileRight") == pytest.approx(0.4, abs=0.02) and ch(face, "mouthSmileLeft") < 0.05


def test_plain_words_are_not_channel_codes():
    assert extract("her jaw drops and her mouth opens")[1] == {}
    assert extract("Return elements from the iterable until it is exhausted.")[1] == {}
    text, codes = extract("AU99 and AU12")
    assert len(codes) == 1 and "AU99" in text  # an AU we cannot show stays as words


# --- a part with only a level or a side -------------------------------------------------------------------
def test_a_part_with_only_a_level_moves_its_main_channels(reader):
    [face] = faces(reader, "jaw 0.3")
    assert ch(face, "jawOpen") == pytest.approx(0.3, abs=0.02)
    [face] = faces(reader, "lids 50%")
    assert ch(face, "eyeBlink") == pytest.approx(0.5, abs=0.02)
    [face] = faces(reader, "brows up 70%, jaw 0.3, smile L")
    assert ch(face, "browOuterUp") == pytest.approx(0.7, abs=0.05) and ch(face, "jawOpen") == pytest.approx(0.3, abs=0.02)
    assert ch(face, "mouthSmileLeft") > ch(face, "mouthSmileRight") + 0.2


def test_a_part_with_only_a_side_letter_shifts_that_way(reader):
    [face] = faces(reader, "mouth L, jaw R")
    assert ch(face, "mouthLeft") >= 0.5 and ch(face, "jawRight") >= 0.5
    assert ch(face, "mouthRight") < 0.05 and ch(face, "jawLeft") < 0.05


# --- gaze shorthand ---------------------------------------------------------------------------------------
def test_gaze_letters_and_two_directions(reader):
    left, right = faces(reader, "eyes L then R")
    assert ch(left, "eyeLookOutLeft") >= 0.5 and ch(left, "eyeLookInRight") >= 0.5 and ch(left, "eyeLookOutRight") < 0.05
    assert ch(right, "eyeLookOutRight") >= 0.5 and ch(right, "eyeLookInLeft") >= 0.5 and ch(right, "eyeLookOutLeft") < 0.05
    [face] = faces(reader, "look down R")
    assert min(ch(face, "eyeLookDownLeft"), ch(face, "eyeLookDownRight"), ch(face, "eyeLookOutRight")) >= 0.4
    [face] = faces(reader, "eyes up-left")
    assert min(ch(face, "eyeLookUpLeft"), ch(face, "eyeLookUpRight"), ch(face, "eyeLookOutLeft")) >= 0.4


def test_a_step_of_only_a_side_mirrors_the_step_before(reader):
    left, right = faces(reader, "look left, then right")
    assert ch(left, "eyeLookOutLeft") >= 0.4 and ch(right, "eyeLookOutRight") >= 0.4
    assert ch(right, "eyeLookOutLeft") < 0.05


# --- step marks -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "1. neutral 2. surprise 3. delight", "(1) neutral (2) surprise (3) delight", "neutral / surprise / delight",
    "neutral > surprise > delight", "neutral -- surprise -- delight", "neutral --> surprise => delight",
    "beat 1: neutral; beat 2: surprise; beat 3: delight", "step one: neutral. step two: surprise. step three: delight.",
])
def test_numbered_beats_and_marks_separate_steps(text):
    assert [p.text for p in split_steps(text)] == ["neutral", "surprise", "delight"]


def test_decimals_and_numbers_in_timing_are_not_beats():
    assert len(split_steps("a smile over 1.5 seconds")) == 1
    assert len(split_steps("a smile for 2 seconds")) == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="AUau0123456789.:=%+ LRmouthSmileLftRgjawOpn_", max_size=40))
def test_shorthand_never_breaks_the_reader(reader, text):
    try:
        read = reader.analyse(text)
    except Exception as error:  # pragma: no cover - the assertion below names it
        raise AssertionError(f"{text!r}: {error!r}")
    for step in read.steps:
        assert np.all(np.isfinite(step.target)) and float(step.target.max(initial=0.0)) <= 1.0


# --- round 4, second batch --------------------------------------------------------------------------------
def test_a_step_of_only_a_level_repeats_the_step_before_at_that_level(reader):
    low, mid, high = faces(reader, "smile 20% -> 60% -> 100%")
    assert ch(low, "mouthSmile") < ch(mid, "mouthSmile") < ch(high, "mouthSmile")
    assert ch(high, "mouthSmile") >= 0.75


def test_a_named_part_does_not_take_over_the_regions_its_action_only_touches(reader):
    [face] = faces(reader, "a big toothy grin with crinkled eyes")
    assert ch(face, "mouthSmile") >= 0.6 and ch(face, "cheekSquint") >= 0.3


def test_an_expression_on_the_lips_keeps_its_mouth_corners(reader):
    [face] = faces(reader, "both brows down but a smile on the lips")
    assert ch(face, "mouthSmile") >= 0.4 and ch(face, "browDown") >= 0.4


def test_a_named_part_then_a_face_with_one_unknown_word_happen_together(reader):
    assert len(faces(reader, "heavy lids, a lazy lopsided grin")) == 1
    assert len(faces(reader, "frown, smile")) == 2


@pytest.mark.parametrize("text, steps", [
    ("surprise, then a beat, then a huge laugh", 2), ("after a pause, he frowns; a second later he scowls", 2),
    ("smile, hold, then drop it", 2), ("pucker, hold, release", 2),
])
def test_beats_holds_and_releases(reader, text, steps):
    read = faces(reader, text)
    assert len(read) == steps
    if "release" in text or "drop it" in text:
        assert float(read[-1].max()) < 0.05


@pytest.mark.parametrize("text, channel", [
    ("like he'd been slapped", "eyeWide"), ("he looks at her as if she were a cockroach", "noseSneer"),
    ("steam practically coming out of his ears", "browDown"), ("eyes like a hawk", "eyeSquint"),
    ("tongue out, eyes crossed", "eyeLookIn"), ("jaw fwd, lips pressed", "jawForward"),
    ("cheeks blown out", "cheekPuff"),
])
def test_figurative_and_shorthand_vocabulary(reader, text, channel):
    [face] = faces(reader, text)
    assert ch(face, channel) >= 0.2


def test_a_grin_that_slides_off_shows_then_goes(reader):
    shown, gone = faces(reader, "the grin slides off his face")
    assert ch(shown, "mouthSmile") >= 0.4 and ch(gone, "mouthSmile") < 0.05


# --- round 4, third batch ---------------------------------------------------------------------------------
def test_a_simile_after_a_face_word_is_understood_with_it(reader):
    [face] = faces(reader, "a smile as thin as a razor")
    assert ch(face, "mouthSmile") >= 0.4
    with pytest.raises(Exception):
        reader.read("a contract as thin as a razor")  # a simile alone is not a face


def test_heavy_lids_are_half_closed_lids_and_keep_a_grin_beside_them(reader):
    [face] = faces(reader, "heavy-lidded")
    assert 0.2 <= ch(face, "eyeBlink") <= 0.7
    [face] = faces(reader, "heavy lids, a lazy lopsided grin")
    assert ch(face, "eyeBlink") >= 0.2 and abs(ch(face, "mouthSmileLeft") - ch(face, "mouthSmileRight")) >= 0.2


def test_an_o_mouth_opens_the_jaw_and_slammed_brows_are_strong(reader):
    [face] = faces(reader, "O mouth")
    assert ch(face, "mouthFunnel") >= 0.4 and ch(face, "jawOpen") >= 0.2
    [plain] = faces(reader, "brows down")
    [slammed] = faces(reader, "brows slammed down")
    assert ch(slammed, "browDown") > ch(plain, "browDown")


@pytest.mark.parametrize("text, repeat", [("blink x2", 2), ("blink ×3", 3), ("nod 2x", 2), ("wink x2 then smile", 2)])
def test_animator_repeat_marks_are_repeats(text, repeat):
    assert split_steps(text)[0].timing.repeat == repeat
    assert split_steps(text)[0].text in ("blink", "nod", "wink")


def test_a_lone_repeat_mark_is_not_a_repeat():
    assert [p.timing.repeat for p in split_steps("x2")] == [1]
    assert [p.text for p in split_steps("box 2x4")] == ["box 2x4"]


def test_a_step_that_only_stares_is_a_stare(reader):
    blink, stare = faces(reader, "he blinks twice and then stares")
    assert ch(blink, "eyeBlink") >= 0.5 and ch(stare, "eyeBlink") < 0.05 and ch(stare, "mouthSmile") < 0.05
    assert float(stare.max()) >= 0.2
    for text in ("star", "she stars"):
        with pytest.raises(Exception):
            reader.read(text)
