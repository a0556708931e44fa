"""Timing words: speeds, durations in seconds or frames, holds, returns, repeats, and what they contradict."""

import pytest

from ml_backend.reading.phrases import read_timing, split_steps


@pytest.mark.parametrize("text,unit,value,kind", [
    ("smile over 2 seconds", "s", 2.0, "onset"),
    ("smile in 12 frames", "frames", 12.0, "onset"),
    ("a smile within half a second", "s", 0.5, "onset"),
    ("frown for 12 frames", "frames", 12.0, "span"),
    ("grin for 1.5 s", "s", 1.5, "span"),
    ("surprise in 250 ms", "s", 0.25, "onset"),
    ("smile, hold it for a second", "s", 1.0, "hold"),
    ("sad and hold for two seconds", "s", 2.0, "hold"),
    ("anger over 1 minute", "s", 60.0, "onset"),
])
def test_durations_are_read_with_their_unit(text, unit, value, kind):
    timing, rest = read_timing(text)
    amount = getattr(timing, kind)
    assert amount is not None and amount.unit == unit and amount.value == pytest.approx(value)
    assert rest.split()[-1] in {"smile", "frown", "grin", "surprise", "sad", "anger"}


def test_frames_become_seconds_at_the_scene_rate():
    timing, _ = read_timing("smile in 12 frames")
    assert timing.onset.seconds(23.976) == pytest.approx(12 / 23.976)
    assert timing.onset.seconds(60) == pytest.approx(0.2)


@pytest.mark.parametrize("text,repeat,momentary", [
    ("blink twice", 2, True), ("blink", 1, True), ("a wink", 1, True), ("smile three times", 3, False),
    ("nod 4 times", 4, False), ("briefly angry", 1, True), ("smile", 1, False), ("blink 50 times", 10, True),
])
def test_repeats_and_momentary_gestures(text, repeat, momentary):
    timing, _ = read_timing(text)
    assert timing.repeat == repeat and timing.momentary == momentary


def test_contradictions_keep_the_first_and_say_so():
    timing, rest = read_timing("smile in 1 second over 5 seconds")
    assert timing.onset.value == 1.0 and rest == "smile"
    assert timing.notes and "contradict" in timing.notes[0]


def test_speed_words():
    assert read_timing("slowly smile")[0].speed < 1 < read_timing("quickly smile")[0].speed < read_timing("suddenly smile")[0].speed
    assert read_timing("a smile in a flash")[0].speed > 2 and read_timing("a smile in a flash")[0].onset is None


def test_timing_only_parts_belong_to_their_step():
    phrases = split_steps("smile over 2 seconds, hold it for a second, then frown for 12 frames and back to neutral over half a second")
    assert [p.text for p in phrases] == ["smile", "frown", "neutral"]
    assert phrases[0].timing.onset.value == 2.0 and phrases[0].timing.hold.value == 1.0
    assert phrases[0].wording == "smile" and "hold it" in phrases[0].original
    assert split_steps("a faint smile over 2 seconds")[0].wording == "a faint smile"
    assert phrases[1].timing.span.value == 12 and phrases[1].timing.span.unit == "frames"
    assert phrases[2].is_neutral_return and phrases[2].timing.onset.value == 0.5
    leading = split_steps("slowly, a smile then surprise")
    assert [p.text for p in leading] == ["smile", "surprise"] and leading[0].speed < 1


def test_the_old_splits_still_hold():
    assert [p.text for p in split_steps("go from a slight frown to a huge smile")] == ["frown", "smile"]
    phrases = split_steps("a faint smile that slowly turns into surprise, then back to neutral")
    assert phrases[0].intensity < 0.5 and phrases[1].speed < 1 and phrases[2].is_neutral_return
    assert [p.text for p in split_steps("angry, turning into disgust and back")] == ["angry", "disgust", "neutral"]
    assert [p.text for p in split_steps("a smile for 1,5 seconds then a wink")] == ["smile", "wink"]
