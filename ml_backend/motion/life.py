"""The life layer: what a real face does on top of the planned expressions, from the fitted performance model.

Layers, each switchable and each drawing from its own random stream (switching one off leaves the
others unchanged): gaze (fixations, saccades, drift; ``gaze.py``), head (idle sway, eye-head
coordination, gestures tied to expressions; ``head.py``), micro-motion with co-activation and
left/right asymmetry (``micro.py``) and the resting upper face's short bumps (``rest_bumps.py``), and blinks (``blinks.py``: spontaneous, with gaze shifts, with
expression changes; the upper face and the eyes move with the lids, as much as one of the takes' people does,
the upper face a fitted lag late, and no blink covers an apex frame).
Every layer fades in over ``LIFE_FADE_IN`` seconds so that frame 0 is exactly the plan's start pose
(clips chain), and keeps weights in [0, 1] by construction.

Randomness comes from the seed AND the variation key (the object, or a per-character offset):
two characters given the same instruction and seed do not blink in sync, and the same seed and
key always give the same clip. Cost: linear in frames (FFT noise is n log n; event planning is
bounded by count, never by a loop over time).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import numpy as np

from ..errors import BadTimingError
from ..plan import Plan
from .blinks import add_blinks, free_starts, nominal_duration, plan_blinks
from .easing import minimum_jerk
from .gaze import gaze_rotations, lagged, look_weights, plan_saccades
from .head import head_rotations
from .micro import FREE_ABOVE, add_within, asymmetry, bounded_add, micro_motion
from .performance_model import PerformanceModel, SaccadeModel, load_performance_model
from .regions import LOOK_CHANNELS
from .rest_bumps import rest_bumps

LIFE_FADE_IN = 0.4  # seconds
ROTATIONS = 9  # head yaw, pitch, roll; left eye yaw, pitch, roll; right eye yaw, pitch, roll (Live Link order)
MOVE_MIN_CHANGE = 0.15  # a plan segment changing a channel by more counts as an expression change (for blinks)
_LAYERS = {"micro": 1, "asymmetry": 2, "blinks": 3, "gaze": 4, "head": 5, "drift": 6, "person": 7, "rest": 8}


@dataclass(frozen=True)
class LifeOptions:
    """Which life layers to add, and the seed and variation key that make them reproducible."""

    blinks: bool = True
    micro_motion: bool = True
    asymmetry: bool = True
    gaze: bool = True
    head: bool = True
    seed: int = 0
    variation_key: str = ""  # e.g. the object's name: another key, another performance of the same plan
    blink_rate: float | None = None  # blinks a minute; None: the fitted rate
    blink_duration: float | None = None  # seconds; None: the fitted shape

    @classmethod
    def off(cls) -> "LifeOptions":
        return cls(blinks=False, micro_motion=False, asymmetry=False, gaze=False, head=False)

    @property
    def any(self) -> bool:
        return self.blinks or self.micro_motion or self.asymmetry or self.gaze or self.head


def check_seed(seed: object) -> int:
    """The seed as an int; BadTimingError for None, bools, floats and other non-integers (any size is fine)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise BadTimingError(f"The variation seed must be a whole number, got {seed!r}.")
    return int(seed)


def life_rng(seed: int, key: str, layer: str) -> np.random.Generator:
    """The random stream of one layer for a seed and a variation key (any size of seed, any key)."""
    digest = hashlib.blake2b(f"{check_seed(seed)}\x1f{key}".encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return np.random.default_rng([int.from_bytes(digest, "little"), _LAYERS[layer]])


def _expression_changes(plan: Plan | None) -> np.ndarray:
    """Seconds at which the plan's segments start a visible change (blinks come with some of them)."""
    if plan is None:
        return np.zeros(0)
    previous = plan.start_weights.astype(np.float64)
    times = []
    for segment in plan.segments:
        target = segment.anchor.target.astype(np.float64)
        if np.abs(target - previous).max(initial=0.0) > MOVE_MIN_CHANGE:
            times.append(segment.start)
        previous = target
    return np.array(times)


def blink_face(model: PerformanceModel, rng: np.random.Generator) -> tuple[tuple[int, float, float], ...]:
    """What a blink does to this character's upper face: one of the takes' own couplings (people differ), drawn
    from the seed and the variation key; the takes' median where the model holds none."""
    people = model.blinks.upper_face_people
    return people[int(rng.integers(len(people)))] if people else model.blinks.upper_face


def blink_roll(model: PerformanceModel, rng: np.random.Generator) -> float:
    """Degrees this character's eyes roll down per unit of lid closure: the roll of the person whose blink face
    ``blink_face`` draws from the same stream (the same take), or the takes' median where the model holds none."""
    people, rolls = model.blinks.upper_face_people, model.blinks.roll_people
    return rolls[int(rng.integers(len(people)))] if people and len(rolls) == len(people) else model.blinks.gaze_pitch


def person_saccades(model: PerformanceModel, rng: np.random.Generator) -> SaccadeModel:
    """This character's saccades: the fixation durations of the person whose blink face ``blink_face`` draws from the
    same stream (people differ: the takes make 9-95 saccades a minute), the rest the takes' pooled fit."""
    people, rhythms = model.blinks.upper_face_people, model.saccades.fixation_people
    if not people or len(rhythms) != len(people):
        return model.saccades
    log_mean, log_sd = rhythms[int(rng.integers(len(people)))]
    return replace(model.saccades, fixation_log_mean=log_mean, fixation_log_sd=log_sd)


def _looks(rotations: np.ndarray, model: PerformanceModel, fps: float) -> np.ndarray:
    """Frames x 52 weights that follow the eyes: eyeLook with the eye, the lid channels (eyeBlink, eyeWide)
    ``model.lid_lag`` seconds late."""
    count = len(rotations)
    looks = look_weights(rotations, model.eye_look, count)
    lids = {c: g for c, g in model.eye_look.items() if c not in set(LOOK_CHANNELS.tolist())}
    if lids and model.lid_lag > 0:
        late = look_weights(lagged(rotations, fps, model.lid_lag), lids, count)
        looks[:, sorted(lids)] = late[:, sorted(lids)]
    return looks


def perform(weights: np.ndarray, fps: float, options: LifeOptions, plan: Plan | None = None,
            model: PerformanceModel | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(frames x 52 weights with the life layers, frames x 9 head/eye rotations in radians)."""
    weights = np.array(weights, dtype=np.float64)
    planned = weights.copy()  # the plan's own face: where its eyes are closed or squeezed, no blink starts
    count = len(weights)
    rotations = np.zeros((count, ROTATIONS))
    if not options.any or count == 0:
        return weights, rotations
    model = model if model is not None else load_performance_model()
    seconds = count / fps
    times = np.arange(count) / fps
    fade = minimum_jerk(times / LIFE_FADE_IN)[:, None]
    seed, key = options.seed, options.variation_key
    bound = count + 16  # events are drawn by count: an absurd frame rate cannot make planning loop
    saccades = plan_saccades(seconds, person_saccades(model, life_rng(seed, key, "person")), life_rng(seed, key, "gaze"),
                             start=LIFE_FADE_IN, max_events=bound)
    if options.gaze:
        eyes = gaze_rotations(times, fps, saccades, model.drift, model.saccades.conjugacy, life_rng(seed, key, "drift"))
        rotations[:, 3:9] = eyes * fade
        looks = _looks(rotations, model, fps)
        eyes_channels = np.union1d(LOOK_CHANNELS, np.array(sorted(model.eye_look), int))  # gaze, and lids following it
        weights[:, eyes_channels] = np.minimum(weights[:, eyes_channels] + fade * looks[:, eyes_channels], 1.0)
    if options.head:
        gaze = np.degrees(0.5 * (rotations[:, [3, 4]] + rotations[:, [6, 7]]))
        rotations[:, 0:3] = head_rotations(plan, times, fps, gaze, model.head, life_rng(seed, key, "head")) * fade
    change = np.zeros_like(weights)
    if options.micro_motion:
        change += micro_motion(count, fps, model.micro, life_rng(seed, key, "micro"))
    if options.asymmetry:
        change += asymmetry(count, fps, life_rng(seed, key, "asymmetry")) * 4.0 * weights * (1.0 - weights)
    moving = np.flatnonzero(np.abs(change).max(axis=0) > 0.0)
    if moving.size:
        tone = np.zeros(weights.shape[1])
        if model.micro.tone is not None:
            tone[model.micro.channels] = model.micro.tone
        weights[:, moving] = bounded_add(weights[:, moving], change[:, moving], fade, model.micro.rest_share,
                                         tone[moving][None, :])
    if options.micro_motion and model.micro.rest_bumps:  # the resting upper face's short bumps above 0
        bumps = rest_bumps(count, fps, model.micro.rest_bumps, life_rng(seed, key, "rest"))
        used = np.flatnonzero(bumps.max(axis=0, initial=0.0) > 0.0)
        at_rest = np.square(np.clip(1.0 - weights[:, used] / FREE_ABOVE, 0.0, 1.0))  # C1, 1 at 0, 0 from FREE_ABOVE
        weights[:, used] += fade * at_rest * (1.0 - weights[:, used]) * np.tanh(bumps[:, used])  # below 1
    if options.blinks:
        apexes = np.array([s.apex for s in plan.segments]) if plan is not None else None
        length = nominal_duration(model.blinks, options.blink_duration)
        free = free_starts(planned, fps, length, apexes, 1.0 / fps, LIFE_FADE_IN)
        blinks = plan_blinks(seconds, model.blinks, life_rng(seed, key, "blinks"), rate=options.blink_rate,
                             duration=options.blink_duration, saccades=saccades[0], changes=_expression_changes(plan),
                             start=LIFE_FADE_IN, max_events=bound, clear=apexes, margin=1.0 / fps, free=free, fps=fps)
        closure = add_blinks(weights, fps, blinks, blink_face(model, life_rng(seed, key, "person")), keep_off=apexes,
                             margin=1.0 / fps, face_lag=model.blinks.face_lag)
        pitch = blink_roll(model, life_rng(seed, key, "person"))
        if options.gaze and pitch:  # the eyes roll down while the lids close (Bell's phenomenon)
            before = _looks(rotations, model, fps)[:, LOOK_CHANNELS]
            rotations[:, [4, 7]] += np.radians(pitch) * closure[:, None]
            after = _looks(rotations, model, fps)[:, LOOK_CHANNELS]
            weights[:, LOOK_CHANNELS] = add_within(weights[:, LOOK_CHANNELS], after - before)  # bends, never kinks
    return weights, rotations


def add_life(weights: np.ndarray, fps: float, options: LifeOptions, plan: Plan | None = None) -> np.ndarray:
    """The weights with the chosen life layers added (a new float64 array); rotations are left out."""
    return perform(weights, fps, options, plan)[0]
