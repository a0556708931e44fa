"""The backend's one entry point: instruction -> plan -> per-frame ARKit weights (-> vertex offsets)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .naming.arkit import NUM_CHANNELS
from .errors import BadTimingError
from .face_model import FaceModel
from .motion.life import LifeOptions
from .motion.schedule import schedule
from .motion.trajectory import trajectory
from .plan import Plan
from .reading.registry import DEFAULT_READER, get_reader

MAX_FRAMES = 100_000  # about 55 minutes at 30 fps
MAX_FPS = 1000.0


@dataclass(frozen=True)
class Clip:
    """A generated performance: its plan and frames x 52 ARKit weights."""

    plan: Plan
    weights: np.ndarray  # T x 52

    @property
    def fps(self) -> float:
        return self.plan.fps

    @property
    def num_frames(self) -> int:
        return int(self.weights.shape[0])

    def offsets(self, model: FaceModel) -> np.ndarray:
        """Per-frame vertex offsets on the ICT face, T x V x 3."""
        return model.offsets(self.weights)


def check_timing(frames: int, fps: float) -> tuple[int, float]:
    """Validate a frame count and frame rate, with messages an animator understands."""
    if isinstance(frames, bool) or not isinstance(frames, (int, np.integer, float)) or not math.isfinite(frames):
        raise BadTimingError(f"The number of frames must be a whole number, got {frames!r}.")
    if frames != int(frames):
        raise BadTimingError(f"The number of frames must be a whole number, got {frames}.")
    if frames <= 0:
        raise BadTimingError(f"A clip needs at least one frame (got {int(frames)}).")
    if frames > MAX_FRAMES:
        raise BadTimingError(f"{int(frames):,} frames is more than the {MAX_FRAMES:,} a clip may have; generate it in parts.")
    if not isinstance(fps, (int, float, np.floating)) or not math.isfinite(fps) or fps <= 0 or fps > MAX_FPS:
        raise BadTimingError(f"The frame rate must be between 0 and {MAX_FPS:g} fps (got {fps!r}).")
    return int(frames), float(fps)


def generate(instruction: str, frames: int = 120, fps: float = 30.0, reader: str = DEFAULT_READER,
             start_weights: np.ndarray | None = None, intensity: float = 1.0, life: LifeOptions | None = None,
             seed: int = 0, encoder: str = "minilm", encoder_weights: str | None = None, device: str = "cpu") -> Clip:
    """Read the instruction, schedule its steps over ``frames`` and ease between them.

    ``seed`` picks the variant: the learned reader's latent sample and the life layer's randomness.
    ``life`` switches the blinks, micro-motion and asymmetry (all on, with ``seed``, by default).
    ``encoder``/``encoder_weights``/``device`` choose the text encoder ("minilm", or "clip" with a weights file).
    """
    frames, fps = check_timing(frames, fps)
    if start_weights is not None:
        start_weights = np.clip(np.asarray(start_weights, np.float32).reshape(NUM_CHANNELS), 0.0, 1.0)
    steps, notes = get_reader(reader, encoder, encoder_weights, device).read(instruction, seed=seed)
    if intensity != 1.0:
        steps = [replace(s, anchor=replace(s.anchor, intensity=s.anchor.intensity * float(intensity))) for s in steps]
    plan = schedule(steps, duration=frames / fps, fps=fps, instruction=instruction, notes=tuple(notes),
                    start_weights=start_weights, reader=reader)
    weights = trajectory(plan, life=life if life is not None else LifeOptions(seed=seed))
    return Clip(plan=plan, weights=weights)
