"""Reader round 8 (issue 10): the structure failures left from round 7's development data, by general mechanisms.

- A motion verb with "away", "off" or "out of" takes the expression before it away ("the sneer falls away", "the
  laughter died away", "the anger drained out of his face"), and a face that takes its place in the same sentence
  follows it directly (no neutral face between).
- Hedges inside a known phrasing are skipped ("a smile that never *quite* reaches the eyes").
- A clause that only says when ("as the joke lands", "when the news arrives") is not a face.
- A level for each side ("smile L 60% R 20%") gives each side its own level.
- An action word alone after a named part, unlike the action before, is the next step on that part
  ("jaw open wide, close, open again").
Rules only (no text encoder), so each reads in milliseconds.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from ml_backend.reading.parse import read_step_words
from reader_dev import ch, faces, plain_compositional_reader

RISE, LOW = 0.2, 0.12


@pytest.fixture(scope="module")
def reader():
    return plain_compositional_reader()


@pytest.mark.parametrize("text, channel", [
    ("his grin died away", "mouthSmile"),
    ("the smile falls away", "mouthSmile"),
    ("the anger drained out of his face", "browDown"),
    ("the grin dropped off his face", "mouthSmile"),
])
def test_an_expression_that_goes_away_is_shown_then_removed(reader, text, channel):
    steps = faces(reader, text)
    assert len(steps) == 2
    assert ch(steps[0], channel) >= RISE and ch(steps[1], channel) <= LOW


def test_away_is_not_a_removal_without_an_expression_before_it(reader):
    assert [it.removed for it in read_step_words("her jaw falls open").items] == [False]
    drained = read_step_words("she looks drained")
    assert drained.items and not any(it.removed for it in drained.items)


@pytest.mark.parametrize("text, gone, then", [
    ("the sneer falls away and a real smile takes its place", "noseSneer", "mouthSmile"),
    ("When the laughter died away, his face was grave.", "mouthSmile", "browDown"),
])
def test_a_face_that_takes_the_place_of_one_that_goes_follows_it_directly(reader, text, gone, then):
    steps = faces(reader, text)
    assert len(steps) == 2
    assert ch(steps[0], gone) >= RISE and ch(steps[1], gone) <= LOW and ch(steps[1], then) >= RISE


def test_after_a_sentence_end_the_face_goes_neutral_first(reader):
    steps = faces(reader, "Her smile fades. She frowns.")
    assert len(steps) == 3 and float(steps[1].max()) <= LOW


@pytest.mark.parametrize("text", ["a smile that never quite reaches the eyes", "a smile that never reaches the eyes"])
def test_a_hedge_inside_a_phrasing_is_skipped(reader, text):
    face = faces(reader, text)[0]
    assert ch(face, "mouthSmile") >= RISE and ch(face, "cheekSquint") <= LOW


@pytest.mark.parametrize("text", ["a frown, and then, as the joke lands, a laugh",
                                  "a frown, and then, when the news arrives, a laugh"])
def test_a_clause_that_says_when_is_not_a_face(reader, text):
    steps = faces(reader, text)
    assert len(steps) == 2
    assert ch(steps[0], "browDown") >= RISE and ch(steps[0], "mouthSmile") <= LOW
    assert ch(steps[1], "mouthSmile") >= RISE


def test_a_clause_of_an_expression_moving_is_still_a_face(reader):
    steps = faces(reader, "as the anger returns")
    assert len(steps) == 1 and ch(steps[0], "browDown") >= RISE


@pytest.mark.parametrize("text, strong, weak, levels", [
    ("smile L 60% R 20%", "mouthSmileLeft", "mouthSmileRight", (0.6, 0.2)),
    ("brow raise R 80% L 10%", "browOuterUpRight", "browOuterUpLeft", (0.8, 0.1)),
])
def test_a_level_for_each_side(reader, text, strong, weak, levels):
    face = faces(reader, text)[0]
    assert ch(face, strong) - ch(face, weak) >= 0.1
    assert ch(face, weak) > 0.0
    ratio = ch(face, strong) / ch(face, weak)
    assert ratio == pytest.approx(levels[0] / levels[1], rel=0.1)


def test_one_side_with_a_level_is_unchanged(reader):
    face = faces(reader, "sneer L 60%")[0]
    assert ch(face, "noseSneerLeft") > ch(face, "noseSneerRight") + 0.1


def test_an_action_alone_after_a_named_part_is_the_next_step(reader):
    steps = faces(reader, "jaw open wide, close, open again")
    assert len(steps) == 3
    assert ch(steps[0], "jawOpen") >= RISE and ch(steps[1], "jawOpen") <= LOW and ch(steps[2], "jawOpen") >= RISE


@pytest.mark.parametrize("text", ["mouth open, wide", "eyes closed, head tilted", "jaw slack, eyes unfocused"])
def test_a_modifier_or_another_part_after_a_comma_stays_together(reader, text):
    assert len(faces(reader, text)) == 1


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["smile", "falls", "away", "out", "of", "off", "died", "as", "the", "joke",
                                 "lands", "L", "R", "60%", "20%", "jaw", "open", "close", ",", "quite", "never",
                                 "reaches", "eyes", "and", "takes", "its", "place", ".", ";", "then"]), max_size=18))
def test_structure_paths_never_break_the_reader(reader, tokens):
    reading = reader.analyse(" ".join(tokens) or "x")
    for step in reading.steps:
        assert step.target.shape == (52,) and 0.0 <= float(step.target.min()) and float(step.target.max()) <= 1.0
        assert 0.0 <= step.confidence <= 1.0
