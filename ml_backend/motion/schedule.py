"""Turn read steps into timed segments over a clip's duration.

Each step becomes one move (or several: "blink twice" is close, open, close, open). A move takes its
stated time ("over 2 seconds", "in 12 frames"), else its natural onset (``TimingParams``: longer for
bigger changes and for relaxing, faster for eyelids) divided by its speed word. Stated holds are kept;
the time left is shared by the holds nobody stated. Leading steps that leave the face where it
starts ("from neutral to a big smile over 2 seconds" from neutral, "from the current face") take no
time, so a stated transition starts at once. What does not fit is compressed, and every
adjustment is said in the plan's notes. Moves never overlap: each starts when the previous one has
arrived, so the trajectory stays between poses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import BadTimingError
from ..plan import Anchor, Plan, Segment, Step
from .timing_params import TimingParams, load_timing_params, move_kind

MIN_ONSET_FRAMES = 2  # the shortest move that still eases in and out
MAX_STATED_SECONDS = 3600.0  # longer stated times are a typo, not a plan
MOMENTARY_HOLD = 0.05  # seconds a blink or wink stays closed
REPEAT_GAP = 0.15  # seconds between repeats of a momentary gesture ("blink twice")
UNCHANGED = 1e-3  # a leading step whose target is this close to the start pose takes no time


@dataclass
class Move:
    """One move of the schedule before it is placed in time."""

    anchor: Anchor
    label: str  # for notes
    onset: float  # seconds
    hold: float | None  # seconds; None: shares the time left
    stated_onset: bool = False
    instant: bool = False  # a leading step that does not change the face ("from neutral ..."): takes no time


def _stated_seconds(amount, fps: float, what: str, label: str, notes: list[str]) -> float | None:
    """A stated time in seconds, or None (with a note) when it cannot be used as it is."""
    if amount is None:
        return None
    seconds = amount.seconds(fps)
    if not math.isfinite(seconds) or seconds < 0:
        notes.append(f"'{amount.words}' for {label} is not a length of time; it was ignored.")
        return None
    if seconds > MAX_STATED_SECONDS:
        notes.append(f"'{amount.words}' for {label} is longer than an hour; it was ignored.")
        return None
    if seconds == 0 and what == "onset":
        notes.append(f"'{amount.words}' for {label}: a change takes at least {MIN_ONSET_FRAMES} frames so the face "
                     "does not pop; it was made that short.")
    return seconds


def _moves_of_step(step: Step, previous: Anchor, fps: float, params: TimingParams, notes: list[str]) -> list[Move]:
    """The moves of one step: its anchor, repeats and releases, with onsets and holds in seconds."""
    timing = step.timing
    notes.extend(timing.notes)
    label = step.anchor.label
    speed = timing.speed or 1.0
    if not math.isfinite(speed) or speed <= 0:
        notes.append(f"The speed of {label} was not usable; natural speed was used.")
        speed = 1.0
    onset = _stated_seconds(timing.onset, fps, "onset", label, notes)
    hold = _stated_seconds(timing.hold, fps, "hold", label, notes)
    span = _stated_seconds(timing.span, fps, "span", label, notes)
    kind = move_kind(previous.target, step.anchor.target)
    natural = params.natural_onset(kind.amplitude, kind.release, kind.eyelid)
    stated = onset is not None
    if onset is not None and (timing.speed or 1.0) != 1.0 and (
            (speed > 1.2 and onset > 1.5 * natural) or (speed < 0.8 and onset < natural / 1.5)):
        notes.append(f"The speed word and '{timing.onset.words}' disagree for {label}; the stated time was used.")
    if onset is None:
        onset = natural / speed
    if span is not None:
        if hold is not None:
            notes.append(f"Both '{timing.span.words}' and a hold were stated for {label}; the hold was used.")
        else:
            if onset > span:
                if stated:
                    notes.append(f"'{timing.onset.words}' is longer than '{timing.span.words}' for {label}; "
                                 f"the move was shortened to {span:.2f} s.")
                onset, stated = span, True
            hold = span - onset
    moves = []
    release_anchor = Anchor(label=previous.label, weights=previous.target, intensity=1.0,
                            confidence=step.anchor.confidence)
    release_onset = params.natural_onset(kind.amplitude, not kind.release, kind.eyelid) / speed
    repeats = timing.repeat
    for i in range(repeats):
        last = i == repeats - 1
        if timing.momentary:
            moves.append(Move(step.anchor, label, onset, hold if hold is not None else MOMENTARY_HOLD, stated))
            moves.append(Move(release_anchor, f"{label} (release)", release_onset, None if last else REPEAT_GAP))
        else:
            moves.append(Move(step.anchor, label, onset, hold, stated))
            if not last:
                moves.append(Move(release_anchor, f"{label} (release)", release_onset, None))
    return moves


def _fit_to_clip(moves: list[Move], duration: float, fps: float, notes: list[str]) -> list[tuple[float, float]]:
    """(onset, hold) seconds of each move so that they fill ``duration``, compressing what does not fit."""
    min_onset = MIN_ONSET_FRAMES / fps
    instant = np.array([m.instant for m in moves])
    onsets = np.where(instant, 0.0, [max(m.onset, min_onset) for m in moves])
    fixed = np.array([m.hold if m.hold is not None else 0.0 for m in moves])
    flexible = np.array([m.hold is None and not m.instant for m in moves])
    needed = onsets.sum() + fixed.sum()
    if needed <= duration + 1e-9:
        spare = duration - needed
        holds = fixed.copy()
        if flexible.any():
            holds[flexible] += spare / flexible.sum()
        else:
            holds[np.flatnonzero(~instant)[-1] if (~instant).any() else -1] += spare
        return list(zip(onsets, holds))
    floor = np.where(instant, 0.0, min_onset)
    if floor.sum() >= duration:
        share = duration / len(moves)
        notes.append(f"{len(moves)} moves do not fit in {duration:.2f} s ({round(duration * fps)} frames); each was "
                     f"compressed to {share:.3f} s with no hold. Give the clip more frames for smooth moves.")
        return [(share, 0.0)] * len(moves)
    factor = (duration - floor.sum()) / (needed - floor.sum())
    new_onsets = np.where(instant, 0.0, floor + factor * (onsets - floor))
    new_holds = factor * fixed
    stated = [f"{m.label} {o:.2f} -> {n:.2f} s" for m, o, n in zip(moves, onsets, new_onsets) if m.stated_onset]
    notes.append(f"The steps need {needed:.2f} s but the clip lasts {duration:.2f} s: moves and holds were compressed "
                 f"to {factor:.0%} of their length" + (f" ({'; '.join(stated)})." if stated else "."))
    return list(zip(new_onsets, new_holds))


def _is_instant(step: Step, previous: Anchor) -> bool:
    """A step that leaves the face where it is, with no hold or repeat stated: "from neutral" at the start."""
    timing = step.timing
    unchanged = float(np.abs(step.anchor.target - previous.target).max(initial=0.0)) < UNCHANGED
    return unchanged and timing.hold is None and timing.span is None and not timing.hold_stated \
        and timing.repeat == 1 and not timing.momentary


def schedule(steps: list[Step], duration: float, fps: float, instruction: str = "", notes: tuple[str, ...] = (),
             start_weights: np.ndarray | None = None, reader: str = "ifed",
             params: TimingParams | None = None) -> Plan:
    """Place the steps in time (see the module docstring). ``params``: saved fitted timing when None."""
    if not steps:
        raise BadTimingError("There is nothing to animate: the plan has no steps.")
    if not (math.isfinite(duration) and math.isfinite(fps)) or duration <= 0 or fps <= 0:
        raise BadTimingError(f"A clip needs a positive duration and frame rate (got {duration} s at {fps} fps).")
    notes = list(notes)
    if params is None:
        params, params_note = load_timing_params()
        if params_note:
            notes.append(params_note)
        elif params.source != TimingParams().source:
            notes.append(f"Timing fitted from {params.source}.")
    start = np.zeros(52, np.float32) if start_weights is None else np.clip(np.asarray(start_weights, np.float32), 0, 1)
    previous = Anchor(label="start pose" if start.any() else "neutral", weights=start)
    moves: list[Move] = []
    for step in steps:
        step_moves = _moves_of_step(step, previous, fps, params, notes)
        if all(m.instant for m in moves) and _is_instant(step, previous):
            step_moves = [Move(step.anchor, step.anchor.label, 0.0, 0.0, instant=True)]
        moves.extend(step_moves)
        previous = moves[-1].anchor  # the pose the step ends in (its release for a blink or a wink)
    segments = []
    t = 0.0
    for move, (onset, hold) in zip(moves, _fit_to_clip(moves, duration, fps, notes)):
        segments.append(Segment(anchor=move.anchor, start=t, apex=t + onset))
        t += onset + hold
    return Plan(instruction=instruction, segments=tuple(segments), duration=duration, fps=fps,
                start_weights=start, notes=tuple(notes), reader=reader)
