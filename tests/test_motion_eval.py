"""eval-motion's leave-one-take-out discriminator on a tiny input (seconds): it tells frozen faces from lively ones,
and counts every window of the held-out takes and clips once."""

import numpy as np

from i2fet_tools.motion.eval_motion import discriminator_loto
from i2fet_tools.motion.stats import FEATURE_NAMES, Motion, window_features
from ml_backend.export.livelink_csv import Take
from ml_backend.knowledge import concept
from ml_backend.motion.life import LifeOptions, perform
from ml_backend.motion.schedule import schedule
from ml_backend.motion.timing_params import TimingParams
from ml_backend.motion.trajectory import transition_weights
from ml_backend.plan import Anchor, Step

FPS, SECONDS = 30.0, 20.0


def _lively(seed: int) -> Take:
    plan = schedule([Step(Anchor("smile", concept("smile").weights, 0.6))], duration=SECONDS, fps=FPS,
                    params=TimingParams())
    weights, rotations = perform(transition_weights(plan, TimingParams()), FPS, LifeOptions(seed=seed), plan)
    return Take(weights, rotations, FPS, np.ones(len(weights), bool), True, True, (), f"take{seed}")


def test_frozen_faces_are_told_apart_and_every_held_out_window_is_scored_once():
    takes = [_lively(seed) for seed in range(3)]
    frozen = Motion(np.zeros((int(SECONDS * FPS), 52)), np.zeros((int(SECONDS * FPS), 9)), FPS, None, True, "frozen")
    fold_clips = [[frozen] * 3 for _ in takes]
    auc, features, real, generated = discriminator_loto(takes, fold_clips)
    windows = len(window_features(frozen))
    assert real == 3 * windows and generated == 3 * windows  # fold k scores take k and clip k of its own clips
    assert auc > 0.95 and all(name in FEATURE_NAMES and not name.startswith("head") for name, _ in features)
