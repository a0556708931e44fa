"""How an instruction splits into steps, round 7 (tests/data/reader_dev/dev_round7_steps.jsonl): a connective
before a comma ("then, quite suddenly, she laughed"), openers and closers ("open with ... close with"), repeats of
the whole sequence ("do it all again", ", x2"), clauses written out of order ("before smiling, she frowns", "But
first, a frown."), references to a step before ("then the frown into a scream", "switch to R side"), steps that
only end the one before ("then not"), beats between dashes, asides in brackets or dashes, labels before a colon,
slash and numbered lists, and returns to rest in other words ("resets", "her face was blank")."""

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_backend.errors import BadInstructionError
from ml_backend.reading.phrases import MAX_STEPS, split_steps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_dev import ch, plain_compositional_reader  # noqa: E402

ROUND7_FILE = Path(__file__).resolve().parent / "data" / "reader_dev" / "dev_round7_steps.jsonl"


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


def texts(instruction: str) -> list[str]:
    return [p.text for p in split_steps(instruction)]


def smiles(reader, instruction: str) -> list[bool]:
    """Per step of the reading: whether the mouth corners rise (a smile, a grin, a laugh)."""
    return [ch(s.anchor.target, "mouthSmileLeft") >= 0.2 for s in reader.read(instruction)[0]]


def rests(reader, instruction: str) -> list[bool]:
    """Per step of the reading: whether every channel stays low (a neutral face)."""
    return [float(max(s.anchor.target)) <= 0.12 for s in reader.read(instruction)[0]]


@pytest.mark.parametrize("instruction, expected", [
    ("Her lip trembled and she was close to tears. Then, quite suddenly, she laughed.", [False, True]),
    ("His jaw dropped; then, recovering himself, he grinned.", [False, True]),
    ("Lena scowls at the screen... then, despite herself, laughs.", [False, True]),
])
def test_a_connective_before_a_comma_still_separates_steps(reader, instruction, expected):
    assert smiles(reader, instruction) == expected


@pytest.mark.parametrize("instruction", ["open with a smile and close with a frown",
                                         "Have her open with a smile and close with a frown.",
                                         "open with a smile, land on a frown"])
def test_opening_and_closing_faces_are_two_steps(reader, instruction):
    assert smiles(reader, instruction) == [True, False]


@pytest.mark.parametrize("instruction, expected", [
    ("smile then frown, then do it all again", ["smile", "frown"] * 2),
    ("smile, frown, and again", ["smile", "frown"] * 2),
    ("smile -> frown; repeat the whole thing", ["smile", "frown"] * 2),
    ("smile, then frown, x2", ["smile", "frown"] * 2),
    ("smile, frown, repeat it three times", ["smile", "frown"] * 3),
    ("a quick blink, then do it again.", ["blink"] * 2),
])
def test_repeating_the_whole_sequence_repeats_its_steps(instruction, expected):
    assert texts(instruction) == expected


def test_a_count_inside_a_sequence_stays_with_its_step():
    phrases = split_steps("blink x3 then smile")
    assert [p.text for p in phrases] == ["blink", "smile"] and phrases[0].timing.repeat == 3


def test_a_repeated_sequence_stops_at_the_step_limit():
    assert len(split_steps("smile, frown, pout, grin, repeat 50 times")) <= MAX_STEPS


@pytest.mark.parametrize("instruction", [
    "before smiling, she frowns",
    "she smiles after frowning",
    "she smiles only after a long frown",
    "Have her smile. But first, a frown.",
    "a smile replaces the frown",
    "Can you make him frown first and smile second?",
])
def test_steps_are_put_in_the_order_they_happen(reader, instruction):
    assert smiles(reader, instruction) == [False, True]


@pytest.mark.parametrize("instruction", ["smile after 2 seconds", "after a beat, smile", "she looks after him with a smile"])
def test_after_a_time_or_a_look_does_not_reorder(instruction):
    assert len(split_steps(instruction)) == 1


@pytest.mark.parametrize("instruction, expected", [
    ("turn the smile into a frown, then the frown into a scream", 3),
    ("turn a smile into a frown and the frown into tears", 3),
    ("Now have him smile. Once he's smiling, make the smile grow into a laugh.", 2),
])
def test_naming_the_face_before_again_is_not_a_new_step(instruction, expected):
    assert len(split_steps(instruction)) == expected


def test_the_same_face_twice_without_a_reference_is_two_steps():
    assert len(split_steps("blink, blink, then a long slow blink")) == 3


@pytest.mark.parametrize("instruction", ["(smiling, then not)", "she smiles... then doesn't",
                                         "He forces a smile. Beat. It doesn't hold.", "He had been smiling; now he was not.",
                                         "She smiled politely, but soon the smile was gone."])
def test_a_step_that_only_ends_the_one_before_is_a_return_to_rest(reader, instruction):
    assert rests(reader, instruction) == [False, True]


@pytest.mark.parametrize("instruction", ["frown, beat, smile", "Her eyes widen -- a beat -- and she bursts out laughing."])
def test_a_bare_beat_is_a_hold_not_a_step(instruction):
    phrases = split_steps(instruction)
    assert len(phrases) == 2 and phrases[0].timing.hold is not None


@pytest.mark.parametrize("instruction, count", [
    ("a smile (which then fades)", 2),
    ("she frowns -- a deep, puzzled frown -- and then smiles", 2),
    ("a smile -- brief, polite -- then nothing", 2),
    ("He frowns (confused), then smiles (relieved).", 2),
    ("calm -- sudden fright -- relief", 3),
])
def test_an_aside_describes_its_step(reader, instruction, count):
    assert len(reader.read(instruction)[0]) == count


@pytest.mark.parametrize("instruction, count", [
    ("NPC reacts: disgust first, then a polite smile", 2),
    ("in: neutral. mid: big grin. out: neutral", 3),
    ("first: smile. second: frown.", 2),
])
def test_a_label_before_a_colon_is_not_a_step(reader, instruction, count):
    assert len(reader.read(instruction)[0]) == count


def test_a_code_or_a_face_part_before_a_colon_is_kept(reader):
    assert ch(reader.read("mouthSmileLeft: 0.6")[0][0].anchor.target, "mouthSmileLeft") >= 0.5
    assert len(split_steps("eyes: squint. mouth: smile.")) == 1


@pytest.mark.parametrize("instruction, expected", [
    ("neutral/smile/laugh", ["neutral", "smile", "laugh"]),
    ("happy ... sad ... happy", ["happy", "sad", "happy"]),
    ("1 smile 2 frown 3 neutral", ["smile", "frown", "neutral"]),
    ("first surprise, second fear, third neutral", ["surprise", "fear", "neutral"]),
])
def test_lists_without_connectives(instruction, expected):
    assert texts(instruction) == expected


@pytest.mark.parametrize("instruction", ["smile for 2 seconds", "a happy/sad face", "smile 2 times"])
def test_numbers_and_one_slash_are_not_lists(instruction):
    assert len(split_steps(instruction)) == 1


@pytest.mark.parametrize("instruction, expected", [
    ("surprise followed closely by fear", 2),
    ("I'd like a frown followed, after a long pause, by a smile.", 2),
    ("a frown, which is soon replaced by a smile", 2),
    ("he is angry at first but as she keeps talking he calms down and by the end he is smiling", 3),
    ("To show the change of heart, go from a glare to a soft smile.", 2),
    ("in beginning he is sad, in end he is smile", 2),
])
def test_more_connectives(reader, instruction, expected):
    assert len(reader.read(instruction)[0]) == expected


def test_but_before_an_ending_separates_the_steps(reader):
    assert smiles(reader, "He was grinning, but the grin vanished the moment he saw her face.") == [True, False]


def test_a_cut_to_calm_is_a_return_to_rest(reader):
    assert rests(reader, "start neutral, build to rage, cut to calm") == [True, False, True]


@pytest.mark.parametrize("instruction, expected", [
    ("take 4 - actor smiles, then a slow frown, then resets", [False, False, True]),
    ("cheek puff, release, cheek puff again", [False, True, False]),
    ("Her face was blank for a long moment before the first tears came.", [True, False]),
    ("she starts out kind of bored and then she looks surprised and then she breaks into this huge smile and then "
     "it fades back to neutral", [False, False, False, True]),
])
def test_returns_to_rest_in_other_words(reader, instruction, expected):
    assert rests(reader, instruction) == expected


def test_the_side_named_repeats_the_step_before_there(reader):
    first, second = (s.anchor.target for s in reader.read("sneer L side, hold, then switch to R side")[0])
    assert ch(first, "noseSneerLeft") > ch(first, "noseSneerRight") + 0.1
    assert ch(second, "noseSneerRight") > ch(second, "noseSneerLeft") + 0.1


@pytest.mark.parametrize("instruction, count", [("eyes close, after open, after smile", 3),
                                                ("she is crying and after she stop crying and smile", 2)])
def test_after_for_then(instruction, count):
    assert len(split_steps(instruction)) == count


@pytest.mark.parametrize("instruction", ["the tears came into her eyes", "the mask of calm slides back into place"])
def test_into_a_place_or_the_eyes_is_not_a_transition(instruction):
    assert len(split_steps(instruction)) == 1


_WORDS = ["smile", "frown", "then", "and", "again", "after", "before", "first", "--", "—", "(", ")", ":", ",", ".",
          "x2", "the", "smile", "L", "R", "side", "beat", "/", "...", "1", "2", "repeat", "once", "not", "replaces"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=30) | st.lists(st.text(max_size=12), max_size=8))
def test_any_mix_of_step_words_splits_without_error(tokens):
    try:
        phrases = split_steps(" ".join(tokens))
    except BadInstructionError:
        return
    assert len(phrases) <= MAX_STEPS + 2
    assert all(p.text.strip() for p in phrases)


def test_round7_file_is_large_enough_and_valid():
    from i2fet_tools.ifed.expectations import load_entries

    entries = load_entries([ROUND7_FILE])
    assert len(entries) >= 120
    assert all(len(e.steps) >= 2 for e in entries)
    assert len({e.style for e in entries}) >= 5


def test_a_step_with_a_verb_and_no_subject_acts_on_the_part_named_before(reader):
    steps = reader.read("her face lights up, then falls")[0]
    assert len(steps) == 2 and ch(steps[0].anchor.target, "mouthSmileLeft") >= 0.2
    assert ch(steps[1].anchor.target, "mouthSmileLeft") <= 0.12


def test_a_clause_after_once_happens_first(reader):
    assert smiles(reader, "She smiles once the shock passes.") == [False, True]
    assert len(split_steps("she smiles once")) == 1


@pytest.mark.parametrize("instruction", ["a grin, fading after a second", "a smile, then dying away"])
def test_an_ending_with_a_delay_is_a_return_to_rest(instruction):
    assert [p.is_neutral_return for p in split_steps(instruction)] == [False, True]


def test_without_warning_is_a_speed_not_a_negation(reader):
    assert smiles(reader, "she frowns—then, without warning, laughs") == [False, True]
    assert split_steps("he smiles without warning")[0].speed > 2


@pytest.mark.parametrize("instruction", ["He starts to laugh, only to stop himself.", "she almost smiles... but doesn't"])
def test_a_held_back_or_denied_face_ends_in_rest(reader, instruction):
    assert rests(reader, instruction) == [False, True]


def test_an_unspaced_ellipsis_separates_steps():
    assert texts("smile…frown…smile") == ["smile", "frown", "smile"]
    assert texts("smile...frown") == ["smile", "frown"]


@pytest.mark.parametrize("instruction", ["smile (hold 2 sec) frown", "smile (2s) frown"])
def test_timing_in_brackets_between_two_faces_ends_the_first(instruction):
    phrases = split_steps(instruction)
    assert [p.text for p in phrases] == ["smile", "frown"]
    assert phrases[0].timing.hold is not None or phrases[0].timing.span is not None


def test_beats_are_a_unit_of_time():
    phrases = split_steps("smile and hold for two beats, then frown")
    assert [p.text for p in phrases] == ["smile", "frown"] and phrases[0].timing.hold.value == pytest.approx(0.8)


@pytest.mark.parametrize("instruction", ["he grins, then the grin drops", "smile on, smile off", "a smile in, a smile out"])
def test_an_expression_named_before_going_away_is_a_return_to_rest(reader, instruction):
    assert rests(reader, instruction) == [False, True]


@pytest.mark.parametrize("instruction, count", [("she smiles, then her jaw drops", 2), ("look left, look away", 2)])
def test_a_part_dropping_or_looking_away_is_still_a_face(reader, instruction, count):
    assert not any(rests(reader, instruction)) and len(rests(reader, instruction)) == count


@pytest.mark.parametrize("instruction", ["neutral, eyes closed", "blank, eyes unfocused"])
def test_a_rest_word_first_with_a_part_after_is_one_face(instruction):
    from ml_backend.reading.compositional import _simultaneous

    assert len(split_steps(instruction, simultaneous=_simultaneous)) == 1


@pytest.mark.parametrize("instruction, expected", [("her frown dissolves into giggles", ["her frown", "giggles"]),
                                                   ("a smile like sunshine after rain", ["smile like sunshine after rain"])])
def test_an_expression_after_a_transition_and_a_figure_stay_as_written(instruction, expected):
    assert texts(instruction) == expected


def test_a_face_word_before_a_colon_is_read():
    assert split_steps("wince: eyes tight, upper lip up")[0].text.startswith("wince")
