"""The takes' reference groups (quiet mouth vs moving mouth, i2fet_tools/motion/reference_groups.py) and
eval-motion's per-group statistics and discriminators on a small input (seconds)."""

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from i2fet_tools.motion.eval_motion import group_discriminators, group_table
from i2fet_tools.motion.reference_groups import (
    MIN_GROUP_SECONDS, MIN_RUN_SECONDS, SPEECH_CHANNELS, UNCUT_LOWER_CHANNELS, group_mask, group_statistics,
    lower_face_quiet_ratio, mouth_band_energy, quiet_lower_share, quiet_threshold, split_groups)
from i2fet_tools.motion.stats import Motion, statistics
from ml_backend.errors import I2FETError
from ml_backend.export.livelink_csv import Take
from ml_backend.knowledge import concept
from ml_backend.motion.life import LifeOptions, perform
from ml_backend.motion.micro import micro_motion
from ml_backend.motion.performance_model import CHOSEN_QUIET_LOWER_SHARE, MODEL_PATH, model_from_dict
from ml_backend.motion.regions import REGION_CHANNELS
from ml_backend.motion.schedule import schedule
from ml_backend.motion.timing_params import TimingParams
from ml_backend.motion.trajectory import transition_weights
from ml_backend.naming.arkit import INDEX
from ml_backend.plan import Anchor, Step

FPS = 30.0


def _talking(seconds: float, talk: tuple[float, float], seed: int = 0, valid: np.ndarray | None = None) -> Motion:
    """A still face with a little noise whose jaw and lips move at 4 Hz (syllable rate) between ``talk`` seconds."""
    rng = np.random.default_rng(seed)
    count = int(seconds * FPS)
    weights = np.clip(0.05 + 0.002 * rng.standard_normal((count, 52)), 0, 1)
    t = np.arange(count) / FPS
    speaking = (t >= talk[0]) & (t < talk[1])
    syllables = 0.15 * (1 + np.sin(2 * np.pi * 4.0 * t)) * speaking
    weights[:, INDEX["jawOpen"]] += syllables
    weights[:, INDEX["mouthClose"]] += 0.5 * syllables
    return Motion(weights, np.zeros((count, 9)), FPS, valid, False, f"talk{seed}")


def test_syllable_rate_mouth_motion_is_moving_and_a_still_mouth_is_quiet():
    motion = _talking(20.0, (8.0, 14.0))
    threshold = quiet_threshold([motion])
    quiet, moving = group_mask(motion, threshold, "quiet"), group_mask(motion, threshold, "moving")
    t = np.arange(len(quiet)) / FPS
    assert quiet[t < 6.5].all() and quiet[t > 15.5].all()  # a second of the 1-s energy window at each edge
    assert moving[(t > 9) & (t < 13)].all() and not quiet[(t > 9) & (t < 13)].any()
    energy = mouth_band_energy(motion)
    assert np.median(energy[(t > 9) & (t < 13)]) > 10 * np.median(energy[t < 6])


def test_untracked_frames_and_short_runs_are_in_no_group():
    valid = np.ones(int(20 * FPS), bool)
    valid[int(3 * FPS): int(3 * FPS) + 10] = False  # tracking lost for a third of a second
    valid[int(4.5 * FPS): int(4.5 * FPS) + 3] = False  # leaves a 1.2-s tracked run between: too short for a group
    motion = _talking(20.0, (8.0, 14.0), valid=valid)
    threshold = quiet_threshold([motion])
    for group in ("quiet", "moving"):
        mask = group_mask(motion, threshold, group)
        assert not mask[~valid].any()
        assert not mask[int(3 * FPS) + 10: int(4.5 * FPS)].any()


@settings(max_examples=25, deadline=None)
@given(start=st.floats(0.0, 14.0), length=st.floats(0.0, 6.0), lost=st.lists(st.integers(0, 599), max_size=20),
       seed=st.integers(0, 10))
def test_groups_are_disjoint_tracked_and_made_of_long_runs(start, length, lost, seed):
    valid = np.ones(600, bool)
    valid[lost] = False
    motion = _talking(20.0, (start, start + length), seed, valid)
    quiet, moving = group_mask(motion, 0.006, "quiet"), group_mask(motion, 0.006, "moving")
    assert not (quiet & moving).any() and not ((quiet | moving) & ~valid).any()
    for mask in (quiet, moving):
        edges = np.flatnonzero(np.diff(np.r_[False, mask, False].astype(int)))
        assert all(end - first >= MIN_RUN_SECONDS * FPS for first, end in zip(edges[::2], edges[1::2]))


@pytest.mark.parametrize("group, threshold", [("silent", 0.01), ("Quiet", 0.01), ("quiet", math.nan), ("quiet", 0.0),
                                              ("moving", -1.0), ("moving", math.inf)])
def test_a_wrong_group_or_threshold_is_refused(group, threshold):
    with pytest.raises(ValueError):
        group_mask(_talking(5.0, (1.0, 2.0)), threshold, group)


def test_a_take_of_a_few_frames_has_no_group_and_a_still_pool_no_threshold():
    short = _talking(0.2, (0.0, 0.1))
    assert not mouth_band_energy(short).any()
    assert not group_mask(short, 0.006, "quiet").any() and not group_mask(short, 0.006, "moving").any()
    still = Motion(np.zeros((300, 52)), np.zeros((300, 9)), FPS)
    with pytest.raises(ValueError):
        quiet_threshold([still])
    assert all(c in SPEECH_CHANNELS for c in (INDEX["jawOpen"], INDEX["mouthClose"]))


def test_a_motion_joins_a_group_only_with_enough_of_it():
    mostly_quiet = _talking(20.0, (17.0, 20.0))  # 3 s of talking: below MIN_GROUP_SECONDS
    groups = split_groups([mostly_quiet], 0.006)
    assert [m.name for m, _ in groups["quiet"]] == ["talk0"] and groups["moving"] == []
    assert MIN_GROUP_SECONDS > 3.0


def test_group_statistics_of_one_whole_run_are_the_plain_statistics():
    motion = _talking(20.0, (30.0, 31.0))  # never talks
    whole = np.ones(len(motion.weights), bool)
    grouped, plain = group_statistics(motion, whole), statistics(motion)
    for name, value in plain.items():
        assert (math.isnan(value) and math.isnan(grouped[name])) or grouped[name] == pytest.approx(value, rel=1e-9)


def test_the_quiet_ratio_is_low_on_the_channels_that_talk_near_one_on_the_others_and_nan_without_quiet():
    talking = _talking(20.0, (8.0, 14.0))  # only the jaw and the lips move with the syllables
    threshold = quiet_threshold([talking])
    assert 0.0 < lower_face_quiet_ratio(talking, threshold, SPEECH_CHANNELS) < 0.5
    assert 0.8 < lower_face_quiet_ratio(talking, threshold) < 1.2
    assert math.isnan(lower_face_quiet_ratio(_talking(20.0, (0.0, 20.0)), threshold))


def _lively_take(seed: int, talk: tuple[float, float]) -> Take:
    plan = schedule([Step(Anchor("smile", concept("smile").weights, 0.6))], duration=24.0, fps=FPS,
                    params=TimingParams())
    weights, rotations = perform(transition_weights(plan, TimingParams()), FPS, LifeOptions(seed=seed), plan)
    mouth = _talking(24.0, talk, seed).weights - 0.05  # the syllables alone, added to the held smile
    weights = np.clip(weights + np.clip(mouth, 0, None) * (mouth > 0.01), 0, 1)
    return Take(weights, rotations, FPS, np.ones(len(weights), bool), True, True, (), f"take{seed}")


def test_eval_motion_reports_each_group_and_tells_frozen_faces_from_either():
    takes = [_lively_take(seed, (12.0, 24.0)) for seed in range(3)]
    threshold = quiet_threshold([Motion(t.weights, t.rotations, t.fps, t.valid) for t in takes])
    frozen = Motion(np.zeros((int(24 * FPS), 52)), np.zeros((int(24 * FPS), 9)), FPS, None, True, "frozen")
    tables = group_table(takes, [frozen] * 3, {}, threshold)
    assert [label.split(" ")[0] for label in tables] == ["quiet", "moving"]
    assert all("3 takes" in label for label in tables)
    results = group_discriminators(takes, [frozen] * 3, [[frozen] * 3 for _ in takes], threshold)
    assert len(results) == 3
    for label, auc, loto, _, real, generated in results:
        assert auc > 0.9 and loto is not None and loto > 0.9, label
        assert 0 < real < 3 * 12  # 2-s windows wholly inside the group: fewer than the takes' 36 windows
        assert generated > 0


def _talking_with_smile(seed: int, lively: float) -> Motion:
    """``_talking`` whose other lower-face channels (smile, cheeks...) jitter ``lively`` times as much while the mouth
    speaks (co-activation with speech)."""
    motion = _talking(30.0, (10.0, 22.0), seed)
    rng = np.random.default_rng(100 + seed)
    t = np.arange(len(motion.weights)) / FPS
    size = np.where((t >= 10.0) & (t < 22.0), lively, 1.0) * 0.01
    weights = motion.weights.copy()
    for channel in UNCUT_LOWER_CHANNELS:
        weights[:, channel] = 0.4 + size * rng.standard_normal(len(t))
    return Motion(weights, motion.rotations, FPS, None, False, motion.name)


def test_the_fitted_quiet_lower_share_measures_the_channels_speech_does_not_drive():
    share = quiet_lower_share([_talking_with_smile(seed, 4.0) for seed in range(3)])
    assert share is not None and 0.3 < share < 0.5  # 1 against sqrt((18 + 12 x 16) / 30) = 2.6 over all frames
    same = quiet_lower_share([_talking_with_smile(seed, 1.0) for seed in range(3)])
    assert same is not None and 0.85 < same <= 1.0
    still = Motion(np.zeros((300, 52)), np.zeros((300, 9)), FPS)
    assert quiet_lower_share([still]) is None  # nothing to tell apart: the model keeps its chosen share
    assert not set(UNCUT_LOWER_CHANNELS.tolist()) & set(SPEECH_CHANNELS.tolist())


def _shipped_dict() -> dict:
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("value", [-0.1, 1.5, math.nan, "half"])
def test_a_model_with_a_wrong_quiet_lower_share_is_refused(value):
    data = _shipped_dict()
    data["micro"]["quiet_lower_share"] = value
    with pytest.raises(I2FETError):
        model_from_dict(data)


def test_a_model_without_the_share_keeps_the_chosen_one_and_the_lower_face_scales_with_it():
    data = _shipped_dict()
    data["micro"].pop("quiet_lower_share", None)
    model = model_from_dict(data)
    assert model.micro.quiet_lower_share == CHOSEN_QUIET_LOWER_SHARE
    lower = np.isin(np.arange(52), REGION_CHANNELS["lower"])
    motions = {share: micro_motion(600, 60.0, replace(model.micro, quiet_lower_share=share), np.random.default_rng(3))
               for share in (0.0, 0.3, 0.6)}
    assert not motions[0.0][:, lower].any() and motions[0.6][:, lower].any()
    np.testing.assert_allclose(motions[0.3][:, lower], 0.5 * motions[0.6][:, lower], atol=1e-12)
    np.testing.assert_allclose(motions[0.0][:, ~lower], motions[0.6][:, ~lower], atol=1e-12)
