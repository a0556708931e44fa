"""The plan: what the face should do, and when. The contract between reading and moving.

An instruction reader (the lexicon baseline or the learned IFED model) produces ``Step``s: an
expression anchor with optional timing hints. The scheduler turns steps into timed
``Segment``s of a ``Plan``; the transition stage turns the plan into per-frame weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .naming.arkit import ARKIT_NAMES, NUM_CHANNELS


@dataclass(frozen=True)
class Anchor:
    """One expression to reach: ARKit weights at full strength, scaled by an intensity."""

    label: str  # what was understood, in words
    weights: np.ndarray  # 52, in [0, 1]
    intensity: float = 1.0
    confidence: float = 1.0

    @property
    def target(self) -> np.ndarray:
        """The weights the face reaches at the apex."""
        return np.clip(self.weights * self.intensity, 0.0, 1.0).astype(np.float32)

    def top_channels(self, count: int = 3) -> list[tuple[str, float]]:
        """The strongest ARKit channels of the target, for summaries."""
        target = self.target
        order = np.argsort(-target)[:count]
        return [(ARKIT_NAMES[i], float(target[i])) for i in order if target[i] > 0.05]


def neutral_anchor(label: str = "neutral") -> Anchor:
    return Anchor(label=label, weights=np.zeros(NUM_CHANNELS, np.float32))


@dataclass(frozen=True)
class TimeAmount:
    """A stated length of time, in the unit it was written in (seconds or frames)."""

    value: float
    unit: str  # "s" or "frames"
    words: str  # as written, for notes

    def seconds(self, fps: float) -> float:
        return self.value / fps if self.unit == "frames" else self.value


@dataclass(frozen=True)
class Timing:
    """The timing words of one step. Durations are as written; the scheduler converts and checks them."""

    speed: float | None = None  # >1 faster, <1 slower than natural
    onset: TimeAmount | None = None  # "over 2 seconds", "in 12 frames": time to reach the expression
    span: TimeAmount | None = None  # "for 2 seconds": reach and hold, together
    hold: TimeAmount | None = None  # "hold it for a second"
    hold_stated: bool = False  # "and hold", with or without an amount
    repeat: int = 1  # "twice", "3 times"
    momentary: bool = False  # a blink, a wink, "briefly": the face goes back afterwards
    notes: tuple[str, ...] = ()  # contradictions and ignored words, in words


@dataclass(frozen=True)
class Step:
    """An anchor as read from the instruction, with the timing the reader parsed from its words."""

    anchor: Anchor
    text: str = ""  # the phrase it was read from (for notes and summaries; the motion stage reads ``timing``)
    timing: Timing = field(default_factory=Timing)  # the step's timing words, parsed by the reader


@dataclass(frozen=True)
class Segment:
    """A timed move: leave the previous pose at ``start``, reach ``anchor.target`` at ``apex`` (seconds)."""

    anchor: Anchor
    start: float
    apex: float


@dataclass(frozen=True)
class Plan:
    """Timed anchors of a clip, plus what the reader understood and adjusted, in words."""

    instruction: str
    segments: tuple[Segment, ...]
    duration: float  # seconds
    fps: float
    start_weights: np.ndarray = field(default_factory=lambda: np.zeros(NUM_CHANNELS, np.float32))
    notes: tuple[str, ...] = ()
    reader: str = "ifed"

    @property
    def num_frames(self) -> int:
        return max(1, int(round(self.duration * self.fps)))

    @property
    def confidence(self) -> float:
        scores = [s.anchor.confidence for s in self.segments if s.anchor.label != "neutral"]
        return float(min(scores)) if scores else 0.0

    def summary(self) -> str:
        """A few lines an animator can read: which expressions, when, how strong, how sure the reader is
        (the calibrated probability that the step was read right; the plan's is its least sure face step)."""
        lines = [f"Plan ({self.reader}, confidence {self.confidence:.2f}): {self.num_frames} frames at {self.fps:g} fps"]
        for seg in self.segments:
            channels = ", ".join(f"{n} {v:.2f}" for n, v in seg.anchor.top_channels())
            lines.append(
                f"  {seg.start:5.2f}s -> {seg.apex:5.2f}s  {seg.anchor.label} (intensity {seg.anchor.intensity:.2f}"
                + (f", confidence {seg.anchor.confidence:.2f})" if seg.anchor.label != "neutral" else ")")
                + (f"  [{channels}]" if channels else "")
            )
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready description (weights as lists)."""
        return {
            "instruction": self.instruction,
            "reader": self.reader,
            "fps": self.fps,
            "duration": self.duration,
            "confidence": self.confidence,
            "notes": list(self.notes),
            "segments": [
                {"label": s.anchor.label, "intensity": s.anchor.intensity, "confidence": s.anchor.confidence,
                 "start": s.start, "apex": s.apex,
                 "target": {n: round(float(v), 4) for n, v in zip(ARKIT_NAMES, s.anchor.target) if v > 0}}
                for s in self.segments
            ],
        }
