"""Synthetic captured takes from known timing parameters: the ground truth that the timing fit must recover.

A take alternates expressions from the knowledge base with returns to neutral, at natural speed, with
random intensities and holds, spontaneous blinks and sensor noise, as a face-capture take would.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ml_backend.knowledge import concept
from ml_backend.plan import Anchor, Plan, Segment
from ml_backend.motion.life import LifeOptions, perform
from ml_backend.motion.performance_model import load_performance_model
from ml_backend.motion.timing_params import TimingParams, move_kind
from ml_backend.motion.trajectory import transition_weights

TAKE_EXPRESSIONS = ("happiness", "surprise", "anger", "sadness", "fear", "disgust", "smile", "worry", "frown",
                    "grin", "skeptical", "wince", "pout", "open_eyes_wide", "raise_both_eyebrows", "scowl")


def synthetic_plan(params: TimingParams, seconds: float, fps: float, rng: np.random.Generator) -> Plan:
    """Expression, neutral, expression, ... at natural speed, with holds of 0.8-1.6 s."""
    neutral = Anchor(label="neutral", weights=np.zeros(52, np.float32))
    previous, t, segments, expressive = neutral, 0.5, [], True
    while True:
        if expressive:
            name = TAKE_EXPRESSIONS[rng.integers(len(TAKE_EXPRESSIONS))]
            anchor = Anchor(label=name, weights=concept(name).weights, intensity=float(rng.uniform(0.35, 0.9)))
        else:
            anchor = neutral
        kind = move_kind(previous.target, anchor.target)
        onset = params.natural_onset(kind.amplitude, kind.release, kind.eyelid)
        if t + onset + 0.8 > seconds:
            break
        segments.append(Segment(anchor=anchor, start=t, apex=t + onset))
        t += onset + float(rng.uniform(0.8, 1.6))
        previous, expressive = anchor, not expressive
    return Plan(instruction="synthetic take", segments=tuple(segments), duration=seconds, fps=fps)


def synthetic_take(params: TimingParams, seconds: float = 40.0, fps: float = 30.0, seed: int = 0,
                   noise: float = 0.003) -> np.ndarray:
    """Frames x 52 weights of a take performed with ``params`` (blinks included, sensor noise added)."""
    rng = np.random.default_rng(seed)
    plan = synthetic_plan(params, seconds, fps, rng)
    weights = transition_weights(plan, params)
    options = LifeOptions(blinks=True, micro_motion=False, asymmetry=False, gaze=False, head=False, seed=seed,
                          blink_rate=params.blink_rate, blink_duration=params.blink_duration)
    shipped = load_performance_model()  # full blinks of the lids alone: the ground truth the timing fit is made for
    model = replace(shipped, blinks=replace(shipped.blinks, depth_quantiles=(), upper_face=(), upper_face_people=()))
    weights = perform(weights, fps, options, plan, model)[0]
    weights += rng.normal(0.0, noise, size=weights.shape)
    return np.clip(weights, 0.0, 1.0)
