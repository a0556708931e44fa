"""The backend pipeline and its command line, without Blender."""

import json
import subprocess
import sys

import numpy as np
import pytest

from ml_backend.motion.regions import LOOK_CHANNELS

from ml_backend.naming.arkit import INDEX
from ml_backend.errors import BadInstructionError, BadTimingError
from ml_backend.reading.phrases import split_steps
from ml_backend.pipeline import MAX_FRAMES, generate

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("reader", ["lexicon", "ifed"])
def test_smile_turning_into_surprise_reaches_both_and_returns(reader):
    clip = generate("a faint smile that slowly turns into open-mouthed surprise, then back to neutral", frames=120, fps=30,
                    reader=reader)
    labels = [s.anchor.label for s in clip.plan.segments]
    assert len(labels) == 3 and labels[-1] == "neutral"
    if reader == "lexicon":
        assert labels[0] == "smile" and "surpris" in labels[1]
    w = clip.weights
    assert w.shape == (120, 52) and np.isfinite(w).all() and w.min() >= 0 and w.max() <= 1
    smile_apex = int(np.ceil(clip.plan.segments[0].apex * 30))
    assert w[smile_apex, INDEX["mouthSmileLeft"]] > 0.15
    assert w[smile_apex, INDEX["mouthSmileLeft"]] < 0.5  # "faint"
    surprise_apex = int(np.ceil(clip.plan.segments[1].apex * 30))
    assert w[surprise_apex, INDEX["browInnerUp"]] > 0.5 and w[surprise_apex, INDEX["jawOpen"]] > 0.1
    rest = np.setdiff1d(np.arange(52), LOOK_CHANNELS)  # the eyes keep looking around
    assert np.abs(w[-1, rest]).max() < 0.15  # back to neutral, with the life layer's resting tone


@pytest.mark.parametrize("instruction,expected", [
    ("from happy to sad", ["happiness", "sadness"]),
    ("smile then frown then surprise then anger", 4),
    ("angry, turning into disgust and back", ["anger", "disgust", "neutral"]),
])
def test_transitions_are_decomposed(instruction, expected):
    clip = generate(instruction, frames=90, fps=30, reader="lexicon")
    labels = [s.anchor.label for s in clip.plan.segments]
    if isinstance(expected, int):
        assert len(labels) == expected
    else:
        assert labels == expected


def test_connectives_split_without_the_encoder():
    texts = [p.text for p in split_steps("go from a slight frown to a huge smile")]
    assert texts == ["frown", "smile"]
    phrases = split_steps("a faint smile that slowly turns into surprise, then back to neutral")
    assert phrases[0].intensity < 0.5 and phrases[1].speed < 1 and phrases[2].is_neutral_return


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t"])
def test_empty_prompts_are_refused(prompt):
    with pytest.raises(BadInstructionError, match="empty"):
        generate(prompt, frames=10)


@pytest.mark.parametrize("reader", ["lexicon", "ifed"])
def test_unknown_prompt_says_so_and_falls_back_to_nothing(reader):
    with pytest.raises(BadInstructionError, match="does not|Nothing"):
        generate("a red car", frames=10, reader=reader)


@pytest.mark.parametrize("reader", ["lexicon", "ifed"])
def test_partly_known_prompt_is_visible_in_the_notes(reader):
    clip = generate("a smile then a red car", frames=30, reader=reader)
    assert any("skipped" in note for note in clip.plan.notes)
    assert len(clip.plan.segments) == 1 and clip.plan.segments[0].anchor.target[INDEX["mouthSmileLeft"]] > 0.3


@pytest.mark.parametrize("frames", [0, -5, 1e9, MAX_FRAMES + 1, 2.5, float("nan")])
def test_bad_frame_counts_are_refused(frames):
    with pytest.raises(BadTimingError):
        generate("smile", frames=frames)


def test_bad_frame_rate_is_refused():
    with pytest.raises(BadTimingError):
        generate("smile", frames=10, fps=0)


def test_odd_frame_rate_works():
    clip = generate("smile", frames=48, fps=23.976)
    assert clip.weights.shape == (48, 52)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "ml_backend", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_writes_csv_and_json_and_prints_the_plan(tmp_path):
    result = _cli("generate", "a big grin then surprise", "--frames", "40", "--reader", "lexicon", "--out",
                  str(tmp_path / "c.json"))
    assert result.returncode == 0, result.stderr
    assert "grin" in result.stdout and "surprise" in result.stdout and "Plan (lexicon" in result.stdout
    payload = json.loads((tmp_path / "c.json").read_text())
    assert len(payload["frames"]) == 40 and len(payload["channels"]) == 52
    result = _cli("generate", "smile", "--frames", "12", "--out", str(tmp_path / "c.csv"))
    assert result.returncode == 0 and len((tmp_path / "c.csv").read_text().splitlines()) == 13


def test_cli_help_explains_every_option_and_errors_are_clean(tmp_path):
    helptext = _cli("generate", "--help").stdout
    for option in ("--frames", "--seconds", "--fps", "--out", "--reader", "--intensity", "--seed", "--no-blinks"):
        assert option in helptext
    bad = _cli("generate", "   ", "--frames", "10")
    assert bad.returncode == 2 and "empty" in bad.stderr and "Traceback" not in bad.stderr
    bad = _cli("generate", "smile", "--out", str(tmp_path / "x.txt"))
    assert bad.returncode == 2 and ".csv" in bad.stderr
