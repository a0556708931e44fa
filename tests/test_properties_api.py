"""Property tests (Hypothesis) of the Python API: random instructions, frame counts, frame rates, intensities,
seeds and start weights through ``ml_backend.pipeline.generate``.

Whatever comes in, ``generate`` either returns a clip (frames x 52, every weight finite and in [0, 1]) or
raises an ``I2FETError`` with a message: never another exception (a traceback for the user), never a
hang (Hypothesis' per-example deadline; the reader is warmed up first so the deadline times one call).
Cases Hypothesis shrank to when they failed are kept below as plain tests.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml_backend.errors import I2FETError
from ml_backend.motion.life import LifeOptions
from ml_backend.pipeline import generate

DEADLINE = timedelta(seconds=20)  # one warm call takes well under a second; a hang is what this catches
EXAMPLES = {"api": 100, "timing": 60, "valid": 60}
TRIED: dict[str, int] = {}

FACE_WORDS = ["smile", "a faint smile", "big grin", "surprise", "open-mouthed surprise", "frown", "anger", "disgust",
              "wink", "raise the left eyebrow", "sad", "fear", "neutral", "blink", "pout", "sneer", "laugh"]
CONNECTIVES = [" then ", ", then ", " turning into ", " slowly turns into ", " and back to neutral", " twice",
               " over 2 seconds", " for 10 frames", " hold it", " quickly", ", ", " and ", " suddenly "]
instructions = st.one_of(
    st.lists(st.sampled_from(FACE_WORDS + CONNECTIVES), min_size=1, max_size=8).map("".join),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Po", "So", "Zs", "Lo", "Mn"]), max_size=30),
    st.builds(lambda w, junk: w + junk, st.sampled_from(FACE_WORDS), st.text(max_size=20)),
)
finite_or_not = st.floats(allow_nan=True, allow_infinity=True)
frame_counts = st.one_of(st.integers(-5, 400), st.floats(-5, 400), finite_or_not, st.none(), st.text(max_size=5),
                         st.booleans(), st.integers(10**5 - 2, 10**9))
frame_rates = st.one_of(st.floats(0.5, 240), st.sampled_from([23.976, 24, 25, 29.97, 30, 60, 1000, 1e-6, 0, -30]),
                        finite_or_not, st.integers(-5, 2000), st.none(), st.text(max_size=5))
intensities = st.one_of(st.floats(-0.5, 2.5), finite_or_not, st.integers(-3, 3), st.none(), st.text(max_size=4))
seeds = st.one_of(st.integers(0, 2**32 - 1), st.integers(-2**70, 2**70), st.floats(-10, 10), st.none(), st.text(max_size=4))
start_weight_sets = st.one_of(
    st.none(),
    st.lists(st.floats(-2, 3), min_size=52, max_size=52),
    st.lists(finite_or_not, min_size=52, max_size=52),
    st.lists(st.floats(0, 1), min_size=0, max_size=60),
)


@pytest.fixture(scope="module", autouse=True)
def _warm_and_report():
    """Load the reader and its encoder once, so the deadline measures calls, not the first load; print the counts."""
    generate("smile", frames=5)
    yield
    print("\nproperty examples tried (API):", ", ".join(f"{k} {v}" for k, v in TRIED.items()))


def _count(name: str) -> None:
    TRIED[name] = TRIED.get(name, 0) + 1


def check_clip_or_message(call) -> None:
    """The property: a clip with finite weights in [0, 1], or an I2FETError with words in it."""
    try:
        clip = call()
    except I2FETError as error:
        assert str(error).strip() and "Traceback" not in str(error)
        _count("refused with a message")
        return
    _count("clip")
    weights = np.asarray(clip.weights)
    assert weights.ndim == 2 and weights.shape[1] == 52 and weights.shape[0] >= 1
    assert np.all(np.isfinite(weights)), "NaN or infinite weights"
    assert weights.min() >= 0.0 and weights.max() <= 1.0, (weights.min(), weights.max())
    assert math.isfinite(clip.plan.confidence) and all(math.isfinite(s.apex) for s in clip.plan.segments)


@settings(max_examples=EXAMPLES["api"], deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
@given(instruction=instructions, frames=st.integers(1, 300), fps=st.sampled_from([12, 23.976, 30, 60]),
       intensity=intensities, seed=seeds, start=start_weight_sets, reader=st.sampled_from(["compose", "ifed", "lexicon"]))
def test_generate_returns_clean_weights_or_a_message(instruction, frames, fps, intensity, seed, start, reader):
    _count("api")
    check_clip_or_message(lambda: generate(instruction, frames=frames, fps=fps, intensity=intensity, seed=seed,
                                           start_weights=start, reader=reader))


@settings(max_examples=EXAMPLES["timing"], deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
@given(frames=frame_counts, fps=frame_rates, life_seed=seeds, blinks=st.booleans())
def test_any_timing_gives_a_clip_or_a_message_and_never_hangs(frames, fps, life_seed, blinks):
    _count("timing")
    life = LifeOptions(blinks=blinks, seed=life_seed)  # an unchecked seed inside the options, too
    check_clip_or_message(lambda: generate("a smile then surprise, then back to neutral", frames=frames, fps=fps,
                                           life=life))


@settings(max_examples=EXAMPLES["valid"], deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
@given(instruction=st.sampled_from(FACE_WORDS[:-6]).flatmap(lambda a: st.sampled_from(
           [a, f"{a} then surprise", f"from {a} to a big grin", f"{a} slowly turning into anger, then back to neutral"])),
       frames=st.integers(1, 600), fps=st.one_of(st.floats(1, 1000), st.sampled_from([1, 23.976, 29.97, 1000])),
       intensity=st.floats(0, 2), seed=st.integers(0, 2**32 - 1),
       start=st.one_of(st.none(), st.lists(st.floats(-1, 2), min_size=52, max_size=52)),
       reader=st.sampled_from(["compose", "ifed", "lexicon"]))
def test_valid_arguments_always_give_a_clean_clip(instruction, frames, fps, intensity, seed, start, reader):
    _count("valid")
    clip = generate(instruction, frames=frames, fps=fps, intensity=intensity, seed=seed, start_weights=start,
                    reader=reader)
    assert clip.weights.shape == (frames, 52)
    assert np.all(np.isfinite(clip.weights)) and clip.weights.min() >= 0 and clip.weights.max() <= 1


# Cases found by the properties above (shrunk by Hypothesis), kept as plain tests.

@pytest.mark.parametrize("fps", [1e-6, 0.5, float("nan"), float("inf")])
def test_tiny_and_non_finite_frame_rates_are_refused_at_once(fps):
    with pytest.raises(I2FETError, match="frame rate"):
        generate("smile", frames=10, fps=fps)


def test_a_seed_beyond_64_bits_is_refused_not_wrapped():
    with pytest.raises(I2FETError, match="seed"):
        generate("smile", frames=10, seed=2**64 + 1)


def test_out_of_range_start_weights_are_clipped_like_shape_keys():
    clip = generate("smile", frames=10, start_weights=np.full(52, 3.0), reader="lexicon")
    assert clip.weights.max() <= 1.0 and np.allclose(clip.weights[0], np.clip(clip.plan.start_weights, 0, 1))


def test_punctuation_and_escape_only_prompts_are_refused_not_read_as_faces():
    for text in ("~~~", "][", "\x1b[2J\x1b[31m", "..."):
        with pytest.raises(I2FETError, match="no words|control characters"):
            generate(text, frames=10)
