"""Head motion: idle sway, following the gaze, and gestures tied to the expressions of the plan.

- Idle sway: coloured noise per axis with the fitted size and spectrum (``performance_model.py``).
- Eye-head coordination: the head turns toward where the eyes have been looking, by the fitted
  share of the gaze's slow (1-s average) yaw and pitch.
- Gestures: each segment of the plan whose expression calls for one moves the head to a pose and
  holds it while the expression holds (a tilt of doubt, recoil in disgust, the head lowered in
  sadness, raised in pride or surprise), or adds a transient (a nod of agreement: two cycles near
  2 Hz; a shake of refusal). Which gesture comes from the expression's label, else from its
  channels (nose sneer: disgust; inner brows up with the jaw open: surprise; frown with inner
  brows up: sadness). The poses are literature-sized (Hadar et al. 1983; Wallbott 1998), scaled
  by the expression's intensity and the model's ``gesture_scale``: the takes carry no labels.

Angles in degrees internally, radians out; yaw positive toward the subject's right, pitch positive
chin down, roll positive toward the subject's right shoulder.
"""

from __future__ import annotations

import numpy as np

from ..naming.arkit import INDEX
from ..plan import Plan
from .gaze import gaze_path
from .noise import coloured_noise
from .performance_model import HeadModel

# label words -> (yaw, pitch, roll) degrees of the held pose
POSES: tuple[tuple[tuple[str, ...], tuple[float, float, float]], ...] = (
    (("disgust", "revuls", "gross", "repuls", "yuck"), (-6.0, -5.0, 3.0)),
    (("doubt", "skeptic", "suspic", "unsure", "confus", "puzzl", "curious", "question", "wonder"), (3.0, 1.0, 7.0)),
    (("contempt", "smug", "scorn", "disdain"), (5.0, -4.0, 2.0)),
    (("sad", "shame", "guilt", "grief", "disappoint", "embarrass", "sorrow", "ashamed"), (0.0, 8.0, 2.0)),
    (("fear", "afraid", "scared", "terrif", "horror"), (-3.0, -4.0, 0.0)),
    (("surpris", "shock", "astonish", "amaze", "startl"), (0.0, -5.0, 0.0)),
    (("anger", "angry", "rage", "furious", "annoy", "irritat", "mad"), (0.0, 4.0, 0.0)),
    (("pride", "proud", "confident", "triumph"), (0.0, -6.0, 0.0)),
    (("think", "pensive", "ponder", "concentrat"), (4.0, 3.0, 4.0)),
    (("happ", "joy", "smil", "laugh", "delight", "amus", "grin", "cheer"), (0.0, -2.0, 4.0)),
)
# label words -> (axis, amplitude degrees, cycles, hertz) of a transient
TRANSIENTS: tuple[tuple[tuple[str, ...], tuple[int, float, float, float]], ...] = (
    (("agree", "nod", "yes", "approv"), (1, 5.0, 2.0, 2.0)),
    (("refus", "disagree", "shake", "shaking", "deny", "no way"), (0, 6.0, 2.5, 2.5)),
)
HEAD_MOVE = 0.5  # seconds at least for a head pose change (the head is slower than the face)


def gesture_of(label: str, target: np.ndarray) -> tuple[np.ndarray, tuple[int, float, float, float] | None]:
    """(held pose in degrees, transient or None) for an expression's label and target weights."""
    words = label.lower()
    pose = next((np.array(p) for keys, p in POSES if any(k in words for k in keys)), None)
    transient = next((t for keys, t in TRANSIENTS if any(k in words for k in keys)), None)
    if pose is None:
        sneer = 0.5 * (target[INDEX["noseSneerLeft"]] + target[INDEX["noseSneerRight"]])
        frown = 0.5 * (target[INDEX["mouthFrownLeft"]] + target[INDEX["mouthFrownRight"]])
        if sneer > 0.35:
            pose = np.array(POSES[0][1])
        elif target[INDEX["browInnerUp"]] > 0.4 and target[INDEX["jawOpen"]] > 0.3:
            pose = np.array(POSES[5][1])
        elif frown > 0.35 and target[INDEX["browInnerUp"]] > 0.25:
            pose = np.array(POSES[3][1])
    return (np.zeros(3) if pose is None else pose), transient


def head_gestures(plan: Plan, times: np.ndarray, scale: float) -> np.ndarray:
    """Frames x 3 degrees of the plan's head gestures (poses held with their expressions, plus transients)."""
    count = len(times)
    out = np.zeros((count, 3))
    if not plan.segments:
        return out
    starts, lengths, poses = [], [], []
    words = plan.instruction.lower()  # "nod in agreement with a smile" reads as a smile: the nod is in the words
    spoken = next((t for keys, t in TRANSIENTS if any(k in words for k in keys)), None)
    for segment in plan.segments:
        target = segment.anchor.target
        pose, transient = gesture_of(segment.anchor.label, target)
        if transient is None and spoken is not None and target.max(initial=0.0) > 0.05:
            transient, spoken = spoken, None
        strength = float(np.clip(target.max(initial=0.0), 0.0, 1.0)) * scale
        starts.append(segment.start)
        lengths.append(max(segment.apex - segment.start, HEAD_MOVE))
        poses.append(pose * strength)
        if transient is not None:
            axis, amplitude, cycles, hertz = transient
            first, end = np.searchsorted(times, [segment.start, segment.start + cycles / hertz])
            phase = (times[first:end] - segment.start) * hertz
            envelope = np.sin(np.pi * phase / cycles) ** 2
            out[first:end, axis] += amplitude * strength * envelope * np.sin(2.0 * np.pi * phase)
    out += gaze_path(times, np.array(starts), np.array(lengths), np.array(poses))
    return out


def moving_average(values: np.ndarray, size: int) -> np.ndarray:
    """Moving mean over ``size`` frames along axis 0, edges held (scipy.ndimage.uniform_filter1d with
    mode="nearest"), in numpy: scipy stays off the runtime path (cold start, docs/performance.md)."""
    left = size // 2
    padded = np.concatenate([np.repeat(values[:1], left, 0), values, np.repeat(values[-1:], size - 1 - left, 0)])
    sums = np.concatenate([np.zeros((1,) + values.shape[1:]), np.cumsum(padded, axis=0, dtype=np.float64)])
    return (sums[size:] - sums[:-size]) / size


def head_rotations(plan: Plan | None, times: np.ndarray, fps: float, gaze_degrees: np.ndarray, model: HeadModel,
                   rng: np.random.Generator) -> np.ndarray:
    """Frames x 3 head (yaw, pitch, roll) in radians: idle sway + gaze following + gestures."""
    count = len(times)
    idle = coloured_noise(count, fps, model.alpha, model.knee, rng, channels=3) * np.array(model.sd)[None, :]
    follow = np.zeros((count, 3))
    if count:
        slow = moving_average(gaze_degrees, max(1, int(round(fps))))
        follow[:, :2] = slow * np.array(model.gaze_follow)[None, :]
    gestures = head_gestures(plan, times, model.gesture_scale) if plan is not None else 0.0
    return np.radians(idle + follow + gestures)
