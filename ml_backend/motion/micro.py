"""Micro-motion: the small, slow, correlated motion of a face that holds an expression, and its asymmetry.

Micro-motion follows the fitted model (``performance_model.MicroModel``): per region (upper face,
lower face) a few shared factors (the channels that move together: both brows, both squints) plus
each channel's own part, each coloured noise with its region's fitted spectrum (``noise.py``); on the
upper face mostly quick excursions from a still pose instead (``excursions.py``,
``MicroModel.excursions``), as the takes move. The takes' motion grows with how far a channel is from rest (a residual sd of 0.006 below 0.02, 0.10
around 0.3-0.5): the model is that heteroscedastic. A channel's change is its unit-level noise times
``room(weight)`` (``bounded_add``), and the fit divides the takes' residuals by ``room`` of their
level before it measures sizes and co-activation, so the generator meets the takes level by level.
At rest a channel only rises, by the fitted ``rest_share`` of its noise (a resting tone). The takes
talk and our faces do not, so the lower face's motion is scaled by the model's ``quiet_lower_share``:
how much the takes' lower face (the channels speech does not drive directly) moves in their quiet-mouth
stretches, as a share of all their frames (``i2fet_tools/motion/reference_groups.py``).

Weights stay in [0, 1] without clipping and C1 (``bounded_add``).

What is reproduced is the human part of the takes' motion, below about 8 Hz. Above it the takes' upper face holds
0.1% of its power in a 2-s window, white: the tracker's frame-to-frame noise, not a face. No term adds it (the
generated share is already the same; docs/motion.md, "The upper face's spectrum, band by band").
"""

from __future__ import annotations

import numpy as np

from .excursions import excursion_samples
from .noise import coloured_noise, coloured_samples, noise_rate, samples_for, to_frames
from .performance_model import MicroModel
from .regions import left_right_pairs

HOLD_HIGHPASS = 0.25  # Hz: change slower than this is the plan's (an expression held for seconds), not micro-motion
FREE_ABOVE = 0.3  # weights this far from 0 and 1 move freely
REST_SOFTNESS = 0.02  # width of the smooth positive part at rest
CAP = 0.5 * FREE_ABOVE  # the largest change toward an end from next to it, softly (tanh); more from further away
ASYMMETRY_AMPLITUDE = 0.025  # largest left/right difference (at w = 0.5)


def micro_motion(count: int, fps: float, model: MicroModel, rng: np.random.Generator) -> np.ndarray:
    """count x 52 micro-motion changes at unit level (``bounded_add`` scales them by the weights' room)."""
    out = np.zeros((count, 52))
    if count == 0:
        return out
    samples, rate = samples_for(count, fps), noise_rate(fps)
    values = np.zeros((samples, len(model.channels)))
    for region in (0, 1):
        alpha, knee, floor = model.alpha[region], model.knee[region], model.floor[region]
        factors = np.flatnonzero(model.factor_region == region)
        members = np.flatnonzero(model.region == region)
        shared = coloured_samples(samples, rate, alpha, knee, rng, len(factors), HOLD_HIGHPASS, floor)
        own = coloured_samples(samples, rate, alpha, knee, rng, len(members), HOLD_HIGHPASS, floor)
        if region == 0 and model.excursions is not None:  # still, with quick moves, and a little slow wander
            rate_per_min, hold, move, wander, smooth = model.excursions
            quick = np.sqrt(max(1.0 - wander ** 2, 0.0))
            shared = wander * shared + quick * excursion_samples(samples, rate, len(factors), rng, rate_per_min, hold,
                                                                 move, smooth)
            own = wander * own + quick * excursion_samples(samples, rate, len(members), rng, rate_per_min, hold, move,
                                                           smooth)
        values += shared @ model.loadings[:, factors].T
        values[:, members] += own * model.own_sd[members][None, :]
    values[:, model.region == 1] *= model.quiet_lower_share
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


def add_within(weights: np.ndarray, change: np.ndarray) -> np.ndarray:
    """weights + change kept in [0, 1] smoothly (C1): a change up to half the room toward the end it moves to
    (``weights`` down, ``1 - weights`` up) is added as it is, a larger one approaches that end without reaching it
    (``room x (1 - room / (4 |change|))``, value and slope continuous at half the room). Unlike a clip, a curve that
    would cross 0 or 1 bends smoothly instead of kinking (the eyes' roll during blinks: ``life.perform``)."""
    weights = np.asarray(weights, np.float64)
    change = np.asarray(change, np.float64)
    space = np.maximum(np.where(change < 0.0, weights, 1.0 - weights), 0.0)
    size = np.abs(change)
    large = size > 0.5 * space
    bent = space - space * space / np.maximum(4.0 * size, 1e-300)
    return weights + np.sign(change) * np.where(large, bent, size)


def room(weights: np.ndarray) -> np.ndarray:
    """How freely a channel at ``weights`` moves, 0 at rest and full, 1 from ``FREE_ABOVE`` to 1 - ``FREE_ABOVE``
    (C1). The takes' residual size follows it level by level; the fit divides by it."""
    return _ramp(weights) * _ramp(1.0 - weights)


def soft_cap(weights: np.ndarray, change: np.ndarray, level: np.ndarray | None = None) -> np.ndarray:
    """``change`` softly capped (tanh) at ``CAP + w^2`` downward and ``CAP + (1 - level)^2`` upward: at most ``CAP``
    toward an end from next to it (times ``room``, a channel near 0 or 1 cannot cross it: ``room(w) (CAP + w^2) < w``),
    more the further the end is. ``level`` (default the weights) is where ``room`` was read: a resting tone reads a
    channel higher than it is, and the upward cap must shrink with that room, or a channel at 0 with a tone of 0.5
    rose by 1.08. A cap of ``CAP`` everywhere cut the upper face's quick excursions (levels of 0.3-0.6 at full room,
    ``excursions.py``) to 0.15 and took 40-65% of its fitted 1-s residual sd; the fit has no cap."""
    weights = np.asarray(weights, np.float64)
    change = np.asarray(change, np.float64)
    level = weights if level is None else np.asarray(level, np.float64)
    limit = CAP + np.where(change < 0.0, weights, 1.0 - level) ** 2
    return limit * np.tanh(change / limit)


def bounded_add(weights: np.ndarray, change: np.ndarray, fade: np.ndarray, rest_share: float = 1.0,
                tone: np.ndarray | float = 0.0) -> np.ndarray:
    """weights + fade x room(weights + tone) x change, kept in [0, 1] smoothly (C1), exactly the weights where
    fade is 0.

    ``tone``: per channel, the level a tracker reads on a face at rest (fitted): a channel moves as freely
    as a tracked one at that level, and the result is kept above 0 by a smooth floor. Away from the ends
    (``FREE_ABOVE`` from 0 and 1) the change is added as it is (softly capped, ``soft_cap``); toward an end it is
    scaled down to 0, so it can never cross it. At rest a channel also moves with the positive part of
    ``rest_share`` x its change capped at ``CAP`` (a resting tone), never below 0.
    """
    level = np.minimum(weights + tone, 1.0)
    free = room(level)
    capped = soft_cap(weights, change, level)
    resting = CAP * np.tanh(change / CAP)  # the resting tone's change: small, the same cap at any level
    result = weights + free * capped
    toned = np.broadcast_to(np.asarray(tone) > 0, result.shape)
    low = toned & (result < FREE_ABOVE)  # a smooth floor at 0 where a tone lets the change reach below it
    result[low] = REST_SOFTNESS * np.logaddexp(0.0, result[low] / REST_SOFTNESS)
    plain = ~toned  # without a tone, room alone keeps it above 0; a resting tone of the positive part, in the room
    at_rest = 1.0 - _ramp(weights)  # missing at the low end only: near full it pushed a channel above 1
    result[plain] += (at_rest[plain] * (1.0 - weights[plain]) * REST_SOFTNESS
                      * np.logaddexp(0.0, rest_share * resting[plain] / REST_SOFTNESS))
    return weights + fade * (result - weights)
