"""The scheduler: stated timing is kept exactly, the rest is natural, bad timing is adjusted and said."""

import json

import numpy as np
import pytest

from ml_backend.errors import BadTimingError
from ml_backend.knowledge import concept
from ml_backend.motion.life import LifeOptions
from ml_backend.motion.schedule import schedule
from ml_backend.motion.timing_params import TimingParams, load_timing_params, save_timing_params
from ml_backend.motion.trajectory import trajectory, transition_weights
from ml_backend.plan import Anchor, Step, neutral_anchor
from ml_backend.reading.phrases import read_timing

PARAMS = TimingParams()


def _step(name: str, text: str = "", intensity: float = 0.85) -> Step:
    return Step(anchor=Anchor(name, concept(name).weights, intensity), text=text, timing=read_timing(text)[0])


def _onsets(plan):
    return [s.apex - s.start for s in plan.segments]


def test_stated_durations_are_kept_exactly():
    plan = schedule([_step("smile", "smile over 2 seconds"), _step("frown", "frown in 12 frames")], 5.0, 24, params=PARAMS)
    assert _onsets(plan) == pytest.approx([2.0, 0.5])
    assert not plan.notes


def test_a_step_for_some_frames_reaches_and_holds_within_them():
    plan = schedule([_step("frown", "frown for 12 frames"), _step("smile")], 3.0, 24, params=PARAMS)
    assert plan.segments[1].start == pytest.approx(0.5)


def test_a_stated_hold_is_kept_and_the_rest_is_shared():
    plan = schedule([_step("grin", "a grin, hold it for a second"), Step(neutral_anchor(), "back to neutral")],
                    4.0, 30, params=PARAMS)
    first, second = plan.segments
    assert second.start - first.apex == pytest.approx(1.0)


def test_speed_words_scale_the_natural_onset_and_small_moves_are_quicker():
    natural, slow, sudden = (schedule([_step("surprise", t)], 4.0, 30, params=PARAMS) for t in ("", "slowly", "suddenly"))
    assert _onsets(slow)[0] > _onsets(natural)[0] > _onsets(sudden)[0]
    assert 0.3 < _onsets(natural)[0] < 0.6  # a natural posed onset
    faint = schedule([_step("surprise", "", 0.2)], 4.0, 30, params=PARAMS)
    assert _onsets(faint)[0] < _onsets(natural)[0]
    back = schedule([_step("surprise"), Step(neutral_anchor())], 4.0, 30, params=PARAMS)
    assert _onsets(back)[1] > _onsets(back)[0]  # relaxing is slower


def test_blink_twice_closes_and_opens_twice_quickly():
    plan = schedule([_step("close_both_eyes", "blink twice", 1.0)], 2.0, 30, params=PARAMS)
    assert [s.anchor.label for s in plan.segments] == ["close_both_eyes", "neutral"] * 2
    assert max(_onsets(plan)) < 0.2 and plan.segments[2].start < 0.8


def test_a_repeat_returns_to_the_pose_it_came_from():
    start = Anchor("smile", concept("smile").weights, 0.6).target
    plan = schedule([_step("surprise", "surprise twice")], 4.0, 30, start_weights=start, params=PARAMS)
    np.testing.assert_allclose(plan.segments[1].anchor.target, start, atol=1e-6)
    w = trajectory(plan, life=LifeOptions.off(), params=PARAMS)
    np.testing.assert_array_equal(w[0], start)


@pytest.mark.parametrize("fps", [23.976, 29.97, 24, 25, 59.94])
def test_frame_counts_land_on_their_frame_at_any_rate(fps):
    plan = schedule([_step("smile", "smile in 12 frames")], 2.0, fps, params=PARAMS)
    w = transition_weights(plan, PARAMS)
    target = plan.segments[0].anchor.target
    assert plan.segments[0].apex * fps == pytest.approx(12)
    assert np.abs(w[12] - target).max() < 1e-9 and np.abs(w[11] - target).max() > 1e-6


@pytest.mark.parametrize("text,word", [
    ("smile in 1 second over 5 seconds", "contradict"),
    ("smile in 0 seconds", "pop"),
    ("smile over -2 seconds", "not a length"),
    ("smile over 5000 seconds", "longer than an hour"),
    ("smile over 10 seconds", "compressed"),
    ("smile quickly over 3 seconds", "disagree"),
])
def test_bad_or_contradictory_timing_is_adjusted_and_said(text, word):
    plan = schedule([_step("smile", text)], 2.0, 30, params=PARAMS)
    assert any(word in note for note in plan.notes), plan.notes
    w = trajectory(plan, params=PARAMS)
    assert np.isfinite(w).all() and w.min() >= 0 and w.max() <= 1
    assert all(s.apex <= plan.duration + 1e-9 for s in plan.segments)


def test_too_many_steps_for_the_clip_are_compressed_with_a_note():
    steps = [_step(n) for n in ("smile", "frown", "surprise", "anger", "fear")]
    plan = schedule(steps, duration=4 / 30, fps=30, params=PARAMS)
    assert any("compressed" in n for n in plan.notes)
    assert np.isfinite(trajectory(plan, params=PARAMS)).all()


def test_bad_clip_timing_is_refused():
    with pytest.raises(BadTimingError):
        schedule([_step("smile")], duration=0, fps=30)
    with pytest.raises(BadTimingError):
        schedule([], duration=1, fps=30)
    with pytest.raises(BadTimingError):
        schedule([_step("smile")], duration=float("nan"), fps=30)


def test_saved_parameters_are_used_and_broken_ones_fall_back_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setenv("I2FET_CACHE", str(tmp_path))
    default = schedule([_step("smile")], 2.0, 30)
    save_timing_params(TimingParams(onset=0.9, source="my takes"))
    fitted = schedule([_step("smile")], 2.0, 30)
    assert _onsets(fitted)[0] == pytest.approx(2 * _onsets(default)[0])
    assert any("my takes" in n for n in fitted.notes)
    path = tmp_path / "timing_params.json"
    payload = json.loads(path.read_text())
    payload["params"]["onset"] = -1
    path.write_text(json.dumps(payload))
    params, note = load_timing_params()
    assert params == TimingParams() and "could not be used" in note
    path.write_text("{not json")
    assert any("defaults" in n for n in schedule([_step("smile")], 2.0, 30).notes)


@pytest.mark.parametrize("fps", [24.0, 30.0, 60.0])
def test_a_stated_transition_from_neutral_starts_at_once(fps):
    """'from neutral to a big smile over 2 seconds, then hold it' reached the smile at 2.7 s: the neutral step held."""
    from ml_backend.pipeline import generate

    clip = generate("from neutral to a big smile over 2 seconds, then hold it", frames=int(4 * fps), fps=fps,
                    reader="lexicon")
    smile = [s for s in clip.plan.segments if s.anchor.label != "neutral"][0]
    assert smile.start == 0.0 and abs(smile.apex - 2.0) <= 1.0 / fps
    bare = transition_weights(clip.plan, load_timing_params()[0])
    target = smile.anchor.target
    arrived = np.flatnonzero(np.abs(bare - target[None, :]).max(axis=1) < 1e-6)[0]
    assert abs(arrived - 2.0 * fps) <= 1.0


def test_from_the_start_pose_takes_no_time_but_a_stated_hold_does():
    start = concept("smile").weights * 0.85
    plan = schedule([Step(Anchor("smile", concept("smile").weights, 0.85)), _step("surprise", "surprise over 1 second")],
                    3.0, 30, start_weights=start, params=PARAMS)
    assert plan.segments[1].start == 0.0 and plan.segments[1].apex == pytest.approx(1.0)
    held = schedule([_step("smile", "hold it for a second"), _step("surprise", "surprise over 1 second")], 3.0, 30,
                    start_weights=start, params=PARAMS)
    assert held.segments[1].start >= 1.0
