"""Turn read steps into timed segments over a clip's duration.

The ground-floor scheduler: each step gets an equal share of the clip; the face moves toward the
step's anchor during the first part of its share (a natural ~0.45 s onset, scaled by speed words
or a stated duration) and holds it for the rest. Later timing models replace this function.
"""

from __future__ import annotations

import numpy as np

from ..errors import BadTimingError
from ..plan import Plan, Segment, Step

NATURAL_ONSET = 0.45  # seconds: typical onset of a posed expression
MIN_ONSET_FRAMES = 2


def schedule(steps: list[Step], duration: float, fps: float, instruction: str = "", notes: tuple[str, ...] = (),
             start_weights: np.ndarray | None = None, reader: str = "lexicon") -> Plan:
    """Place the steps in time: equal shares, onset then hold."""
    if not steps:
        raise BadTimingError("There is nothing to animate: the plan has no steps.")
    if duration <= 0 or fps <= 0:
        raise BadTimingError(f"A clip needs a positive duration and frame rate (got {duration} s at {fps} fps).")
    notes = list(notes)
    share = duration / len(steps)
    min_onset = MIN_ONSET_FRAMES / fps
    if share < min_onset:
        notes.append(f"{len(steps)} steps do not fit in {duration:.2f} s; each was compressed to {share:.3f} s.")
    segments = []
    for i, step in enumerate(steps):
        start = i * share
        onset = step.duration if step.duration is not None else NATURAL_ONSET / (step.speed or 1.0)
        if step.speed is not None and step.speed < 1.0 and step.duration is None:
            onset = max(onset, share * 0.8)
        onset = float(np.clip(onset, min(min_onset, share), share))
        segments.append(Segment(anchor=step.anchor, start=start, apex=start + onset))
    kwargs = {} if start_weights is None else {"start_weights": np.asarray(start_weights, np.float32)}
    return Plan(instruction=instruction, segments=tuple(segments), duration=duration, fps=fps,
                notes=tuple(notes), reader=reader, **kwargs)
