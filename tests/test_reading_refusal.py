"""Honest refusal and bad input for the compositional reader: non-face text, other languages, hostile text."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml_backend.errors import BadInstructionError, CheckpointError
from ml_backend.reading.calibration import PiecewiseLinear, load_calibrator
from ml_backend.reading.compositional import CompositionalReader, meaning_score, same_family, MEANING_THRESHOLD
from ml_backend.reading.language import guess_language
from ml_backend.reading.registry import get_reader
from ml_backend.reading.tokens import words


@pytest.fixture(scope="module")
def reader():
    return CompositionalReader(use_meaning=False, calibrator=lambda raw: raw)


@pytest.mark.parametrize("text,reason", [
    ("~~~", "no words"), ("][", "no words"), ("😀😀😀", "no words"), ("12345 67.8", "no words"), ("!!! ??? ...", "no words"),
    ("def foo(x): return x + 1", "code"), ("self.append(float(self.readline()[:-1]))", "code"),
    ("Permission is hereby granted, free of charge, to any person obtaining a copy", "facial expression"),
    ("Return the number of items in the container.", "facial expression"),
    ("Look up the key in the table and raise an error if it is missing.", "facial expression"),
    ("Class with methods to open, read, write, close, list zip files.", "facial expression"),
    ("a red car", "facial expression"),
])
def test_non_face_text_is_refused_with_a_reason(reader, text, reason):
    with pytest.raises(BadInstructionError, match=reason):
        reader.read(text)


@pytest.mark.parametrize("text,language", [
    ("un léger sourire puis la surprise", "French"),
    ("ein leichtes Lächeln, dann Überraschung und dann wütend", "German"),
    ("una sonrisa leve y luego sorpresa", "Spanish"),
    ("彼女は微笑んでから驚く", "Japanese"),
    ("ابتسامة خفيفة ثم دهشة", "Arabic"),
    ("лёгкая улыбка, потом удивление", "Russian"),
    ("她微笑然后惊讶", "Chinese"),
])
def test_other_languages_are_named(reader, text, language):
    with pytest.raises(BadInstructionError, match=f"seems to be {language}.*reads English"):
        reader.read(text)


def test_english_words_inside_another_script_are_still_read(reader):
    steps, notes = reader.read("彼女はゆっくりと smile してから驚きました")
    assert len(steps) == 1 and steps[0].anchor.label == "smile" and steps[0].anchor.target.max() > 0.3
    assert any("Japanese" in n and "only the English words" in n for n in notes)


def test_english_is_not_mistaken_for_another_language():
    for text in ("a faint smile then surprise", "she looks up with a gentle smile", "la la la, a smile"):
        assert guess_language(text, words(text)) is None


def test_words_that_only_share_letters_do_not_win_by_meaning():
    assert meaning_score("list", "listless", 0.67) < MEANING_THRESHOLD
    assert meaning_score("chuffed", "churlish", 0.73) < MEANING_THRESHOLD
    assert meaning_score("joyless", "joy", 0.74) < MEANING_THRESHOLD
    assert same_family("weepy", "weep") and same_family("wrathy", "wrathful")
    assert meaning_score("weepy", "weep", 0.89) == pytest.approx(0.89)


def test_an_unknown_word_is_read_by_meaning_with_less_confidence():
    reader = CompositionalReader(calibrator=lambda raw: raw)
    by_meaning = reader.analyse("she looks blubbery").steps[0]  # not in the vocabulary: read by meaning
    by_word = reader.analyse("she looks tearful").steps[0]
    assert by_meaning.understood and by_meaning.by_meaning
    assert by_meaning.target[:].max() > 0.2
    assert by_meaning.raw_confidence < by_word.raw_confidence
    with pytest.raises(BadInstructionError):
        reader.read("a bakery table")


@pytest.mark.parametrize("text", [
    "smile then frown " * 1000,
    "((((((smile (with (wide (eyes)))))))))",
    "\u202eelims a\u202c then surprise",
    "שמחה smile",
    "s\u200bm\u200bi\u200bl\u200be then fr\u200cown",
    "smi\u0301le\u0308 then sur\u0327prise",
    "smile \ud800 then \udfff frown",
    "\u200b\u200b\u200b",
    "a" * 5000,
])
def test_hostile_text_never_crashes_or_gives_nan(reader, text):
    try:
        steps, notes = reader.read(text)
    except BadInstructionError:
        return
    for step in steps:
        assert np.isfinite(step.anchor.target).all() and np.isfinite(step.anchor.confidence)
        assert 0 <= step.anchor.target.min() and step.anchor.target.max() <= 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_through_the_registry_reader_gives_a_plan_or_a_clear_refusal(text):
    reader = get_reader("compose")
    reader.use_meaning = False  # the encoder is exercised elsewhere; here only the words
    try:
        steps, notes = reader.read(text)
    except BadInstructionError as error:
        assert str(error)
        return
    finally:
        reader.use_meaning = True  # the registry's reader is the process's: later tests read by meaning again
    assert steps
    for step in steps:
        target = step.anchor.target
        assert target.shape == (52,) and np.isfinite(target).all() and 0 <= target.min() and target.max() <= 1
        assert 0 <= step.anchor.confidence <= 1


def test_the_registry_reader_reads_by_meaning_after_the_words_only_test():
    """Bug: the test above switched the process's registry reader to words only and left it so; every later test in
    the process that read an unknown word through ``pipeline.generate`` saw it refused."""
    steps, _ = get_reader("compose").read("she looks blubbery")
    assert get_reader("compose").use_meaning and steps and steps[0].anchor.target.max() > 0.2


def test_calibration_files_are_loaded_and_bad_ones_refused(tmp_path):
    path = tmp_path / "cal.json"
    PiecewiseLinear((0.0, 0.5, 1.0), (0.1, 0.3, 0.9)).save(path)
    calibrate = load_calibrator(path)
    assert calibrate(0.25) == pytest.approx(0.2) and calibrate(2.0) == pytest.approx(0.9)
    assert calibrate(float("nan")) == 0.0
    assert load_calibrator(tmp_path / "missing.json")(0.7) == pytest.approx(0.7)
    path.write_text(json.dumps({"format": 99, "reader": "compose", "x": [0, 1], "y": [0, 1]}))
    with pytest.raises(CheckpointError, match="cal.json"):
        load_calibrator(path)


def test_a_comparison_the_tables_do_not_know_is_read_by_meaning_as_an_idiom():
    reader = CompositionalReader(calibrator=lambda raw: raw)
    wasp = reader.analyse("like he swallowed a wasp")
    assert wasp.refused is None and wasp.steps[0].by_meaning
    assert wasp.steps[0].raw_confidence < reader.analyse("like he swallowed a fly").steps[0].raw_confidence
    assert wasp.steps[0].target.max() > 0.2
    for text in ("looks like the numpy function returns a list", "like she lost her keys again"):
        assert reader.analyse(text).refused, text
