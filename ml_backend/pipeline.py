"""The backend's one entry point: instruction -> plan -> per-frame ARKit weights (-> vertex offsets)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import validation
from .errors import BadInputError
from .face_model import FaceModel
from .ifed.confidence import with_alignment
from .motion.life import LifeOptions
from .motion.schedule import schedule
from .motion.trajectory import performance
from .plan import Plan
from .reading.registry import DEFAULT_READER, READERS, get_reader

MAX_FRAMES = validation.MAX_FRAMES
MAX_FPS = validation.MAX_FPS


@dataclass(frozen=True)
class Clip:
    """A generated performance: its plan, frames x 52 ARKit weights and frames x 9 head/eye rotations."""

    plan: Plan
    weights: np.ndarray  # T x 52
    rotations: np.ndarray | None = None  # T x 9 radians, Live Link order (HeadYaw, HeadPitch, HeadRoll, LeftEye..., RightEye...)

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
    checks = validation.Checks()
    frames, fps = checks(validation.frames, frames), checks(validation.fps, fps)
    checks.done()
    validation.duration(frames, fps)
    return frames, fps


def check_life(life: LifeOptions | None) -> LifeOptions | None:
    """The life-layer options: None or LifeOptions with a valid seed and blink rate."""
    if life is None:
        return None
    if not isinstance(life, LifeOptions):
        raise BadInputError(f"The life options must be LifeOptions, got {type(life).__name__}.")
    rate = life.blink_rate
    if rate is not None and not (isinstance(rate, (int, float)) and 0.0 <= rate <= 120.0):
        raise BadInputError(f"The blink rate must be from 0 to 120 blinks a minute, got {rate!r}.")
    return replace(life, seed=validation.seed(life.seed))


def check_variation_key(key: object) -> str:
    """The per-character variation key: text of at most 1,000 characters."""
    if not isinstance(key, str) or len(key) > 1000:
        raise BadInputError(f"The variation key must be text of at most 1,000 characters (e.g. the object's name), "
                            f"got {type(key).__name__}.")
    return key


def generate(instruction: str, frames: int = 120, fps: float = 30.0, reader: str = DEFAULT_READER,
             start_weights: np.ndarray | None = None, intensity: float = 1.0, life: LifeOptions | None = None,
             seed: int = 0, encoder: str = "minilm", encoder_weights: str | None = None, device: str = "cpu",
             checkpoint: str | None = None, variation_key: str = "") -> Clip:
    """Read the instruction, schedule its steps over ``frames`` and ease between them.

    ``seed`` picks the variant: the learned reader's latent sample and the life layer's randomness.
    ``life`` switches the blinks, micro-motion and asymmetry (all on, with ``seed``, by default).
    ``encoder``/``encoder_weights``/``device`` choose the text encoder ("minilm", or "clip" with a weights file).
    ``variation_key`` (e.g. the object's name) varies the life layer per character: two characters with the same
    instruction and seed do not blink in sync; the same seed and key give the same clip.
    ``checkpoint`` chooses the IFED checkpoint (else ``$I2FET_CHECKPOINT``, else the shipped one; verified).
    Every argument is checked first (``ml_backend.validation``): a bad one raises an I2FETError before any work.
    """
    checks = validation.Checks()  # every argument checked before any work; all problems reported at once
    instruction = checks(validation.instruction, instruction)
    frames, fps = checks(validation.frames, frames), checks(validation.fps, fps)
    reader = checks(validation.choice, reader, READERS, "instruction reader")
    start_weights = checks(validation.start_weights, start_weights)
    intensity, seed = checks(validation.intensity, intensity), checks(validation.seed, seed)
    life = checks(check_life, life)
    variation_key = checks(check_variation_key, variation_key)
    checks.done()
    validation.duration(frames, fps)
    steps, notes = get_reader(reader, encoder, encoder_weights, device, checkpoint).read(instruction, seed=seed)
    steps = with_alignment(steps, reader, instruction)  # the confidence with the alignment similarity (no new faces)
    if intensity != 1.0:
        steps = [replace(s, anchor=replace(s.anchor, intensity=s.anchor.intensity * float(intensity))) for s in steps]
    plan = schedule(steps, duration=frames / fps, fps=fps, instruction=instruction, notes=tuple(notes),
                    start_weights=start_weights, reader=reader)
    life = life if life is not None else LifeOptions(seed=seed)
    if variation_key:
        life = replace(life, variation_key=variation_key)
    weights, rotations = performance(plan, life=life)
    return Clip(plan=plan, weights=weights, rotations=rotations)
