"""Micro-motion: the small, slow, correlated motion of a face that holds an expression, and its asymmetry.

Micro-motion follows the fitted model (``performance_model.MicroModel``): a few shared factors
(the channels that move together) plus each channel's own part, each coloured noise with its
region's fitted spectrum (``noise.py``), sized so that the residual after 1-s smoothing matches
the takes'. The takes talk and our faces do not, so the lower face's motion is scaled by
``SILENT_LOWER_FACE`` (a choice, not a fit: speech is most of the lower face's motion in the takes).

Weights stay in [0, 1] without clipping and C1 (``bounded_add``): the change is scaled down near 0
and 1; a channel at rest can only rise a little, as a real face's resting tone does.
"""

from __future__ import annotations

import numpy as np

from .noise import coloured_noise, coloured_samples, noise_rate, samples_for, to_frames
from .performance_model import MicroModel
from .regions import left_right_pairs

SILENT_LOWER_FACE = 0.6
FREE_ABOVE = 0.3  # weights this far from 0 and 1 move freely
REST_SOFTNESS = 0.02  # width of the smooth positive part at rest
ASYMMETRY_AMPLITUDE = 0.025  # largest left/right difference (at w = 0.5)


def micro_motion(count: int, fps: float, model: MicroModel, rng: np.random.Generator) -> np.ndarray:
    """count x 52 micro-motion changes (before they are bounded by the weights)."""
    out = np.zeros((count, 52))
    if count == 0:
        return out
    samples, rate = samples_for(count, fps), noise_rate(fps)
    factors = model.loadings.shape[1]
    shared = coloured_samples(samples, rate, float(np.mean(model.alpha)), float(np.mean(model.knee)), rng, factors)
    values = shared @ model.loadings.T
    for region in (0, 1):
        members = np.flatnonzero(model.region == region)
        own = coloured_samples(samples, rate, model.alpha[region], model.knee[region], rng, len(members))
        values[:, members] += own * model.own_sd[members][None, :]
    values[:, model.region == 1] *= SILENT_LOWER_FACE
    out[:, model.channels] = to_frames(values, count, fps)
    return out


def asymmetry(count: int, fps: float, rng: np.random.Generator) -> np.ndarray:
    """count x 52 left/right differences: a per-clip lean plus slow drift, opposite on the two sides."""
    out = np.zeros((count, 52))
    pairs = left_right_pairs()
    lean = 0.5 * rng.uniform(-1.0, 1.0, size=len(pairs))[None, :]
    slow = 0.5 * np.tanh(coloured_noise(count, fps, 2.0, 0.08, rng, len(pairs)) / 2.0)
    side = ASYMMETRY_AMPLITUDE * (lean + slow)
    out[:, pairs[:, 0]] += side
    out[:, pairs[:, 1]] -= side
    return out


def _ramp(x: np.ndarray) -> np.ndarray:
    x = np.clip(x / FREE_ABOVE, 0.0, 1.0)
    return 1.0 - (1.0 - x) * (1.0 - x)


def bounded_add(weights: np.ndarray, change: np.ndarray, fade: np.ndarray) -> np.ndarray:
    """weights + fade x change, kept in [0, 1] smoothly (C1) and exactly the weights where fade is 0.

    Away from the ends (``FREE_ABOVE`` from 0 and 1) the change is added as it is (softly capped at
    half that margin); toward an end it is scaled down to 0, so it can never cross it. At rest a
    channel still moves with the positive part of its change (a resting tone), never below 0.
    """
    room = _ramp(weights) * _ramp(1.0 - weights)
    capped = 0.5 * FREE_ABOVE * np.tanh(change / (0.5 * FREE_ABOVE))
    rest = (1.0 - room) * (1.0 - weights) * REST_SOFTNESS * np.logaddexp(0.0, capped / REST_SOFTNESS)
    return weights + fade * (room * capped + rest)
