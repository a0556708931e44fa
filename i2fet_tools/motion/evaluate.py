"""Measure the transition stage: endpoint and timing accuracy, continuity, lead-lag, and cost.

The instructions are explicit steps built from knowledge-base concepts, each with the timing words
a reader would pass on (so no text encoder is needed and the timing reader is exercised). Run with
``python -m i2fet_tools.motion.evaluate``; ``main(argv)`` prints the table and the summary.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ml_backend.knowledge import concept
from ml_backend.plan import Anchor, Plan, Step
from ml_backend.reading.phrases import read_timing
from ml_backend.motion.life import LifeOptions
from ml_backend.motion.regions import REGION_OF_CHANNEL, REGIONS
from ml_backend.motion.schedule import schedule
from ml_backend.motion.timing_params import TimingParams, load_timing_params
from ml_backend.motion.trajectory import MOVING, linear_weights, segment_timings, trajectory, transition_weights

ENDPOINT_TOLERANCE = 0.02
ARRIVED = 1e-6  # distance to the target below which a channel has arrived (the ease reaches it exactly)
UPPER = (REGIONS.index("eyes"), REGIONS.index("brows"))
MOUTH = REGIONS.index("mouth")


@dataclass(frozen=True)
class Case:
    """An instruction as steps: (concept or "neutral", intensity, the step's words), a clip length and rate."""

    name: str
    steps: tuple[tuple[str, float, str], ...]
    seconds: float = 4.0
    fps: float = 30.0
    start: str | None = None  # concept the face starts from (continuing a previous clip)


CASES: tuple[Case, ...] = (
    Case("smile turning into surprise", (("smile", 0.85, "a smile"), ("surprise", 0.9, "surprise"))),
    Case("faint smile, slowly surprise, back", (("smile", 0.3, "a faint smile"), ("surprise", 0.9, "slowly surprise"),
                                                ("neutral", 1, "back to neutral"))),
    Case("from happy to sad", (("happiness", 0.85, "happy"), ("sadness", 0.85, "sad"))),
    Case("anger then disgust and back", (("anger", 0.85, "angry"), ("disgust", 0.85, "disgust"), ("neutral", 1, "and back"))),
    Case("sudden fear", (("fear", 0.95, "suddenly fearful"),)),
    Case("surprise in a flash, back over 2 s", (("surprise", 0.95, "surprise in a flash"),
                                                ("neutral", 1, "back to neutral over 2 seconds")), 5.0),
    Case("smile over 2 seconds", (("smile", 0.9, "smile over 2 seconds"),)),
    Case("frown for 12 frames then smile", (("frown", 0.8, "frown for 12 frames"), ("smile", 0.8, "smile")), 3.0),
    Case("grin, hold it for a second, back", (("grin", 0.9, "a grin, hold it for a second"),
                                              ("neutral", 1, "back to neutral in 10 frames")), 3.0),
    Case("blink twice", (("close_both_eyes", 1.0, "blink twice"),), 2.0),
    Case("wink then smile", (("wink_left", 1.0, "a wink"), ("smile", 0.8, "smile")), 3.0),
    Case("four steps", (("smile", 0.8, "smile"), ("frown", 0.8, "frown"), ("surprise", 0.8, "surprise"),
                        ("anger", 0.8, "anger")), 6.0),
    Case("very slowly sad", (("sadness", 0.9, "very slowly sad"),), 5.0),
    Case("quick smirk and back", (("smirk", 0.9, "a quick smirk"), ("neutral", 1, "and back")), 2.0),
    Case("smile three times", (("smile", 0.8, "smile three times"),), 6.0),
    Case("raise brows, open jaw", (("raise_both_eyebrows", 1.0, "raise both eyebrows"),
                                   ("open_jaw_halfway", 1.0, "open the jaw halfway")), 3.0),
    Case("pain into relief", (("pain", 0.85, "pain"), ("relief", 0.85, "gradually relief")), 4.0),
    Case("at 24 fps", (("happiness", 0.9, "happy"), ("surprise", 0.9, "surprise over 18 frames")), 4.0, 24.0),
    Case("at 23.976 fps", (("smile", 0.9, "smile"), ("sadness", 0.9, "sad for 1 second"),
                           ("neutral", 1, "back to neutral")), 4.0, 23.976),
    Case("at 60 fps", (("fear", 0.9, "fear"), ("anger", 0.9, "suddenly anger")), 3.0, 60.0),
    Case("continue from a smile", (("surprise", 0.9, "surprise"), ("neutral", 1, "back to neutral")), 3.0,
         start="smile"),
    Case("contradiction", (("smile", 0.9, "smile in 1 second over 5 seconds"),), 3.0),
    Case("too long for the clip", (("smile", 0.9, "smile over 5 seconds"), ("frown", 0.9, "frown over 5 seconds")), 2.0),
    Case("zero duration", (("surprise", 0.9, "surprise in 0 seconds"),), 2.0),
)


def _anchor(name: str, intensity: float) -> Anchor:
    weights = np.zeros(52, np.float32) if name == "neutral" else concept(name).weights
    return Anchor(label=name, weights=weights, intensity=intensity)


def plan_case(case: Case, params: TimingParams) -> Plan:
    steps = [Step(anchor=_anchor(n, i), text=text, timing=read_timing(text)[0]) for n, i, text in case.steps]
    start = None if case.start is None else _anchor(case.start, 0.85).target
    return schedule(steps, duration=case.seconds, fps=case.fps, instruction=case.name, start_weights=start, params=params)


@dataclass(frozen=True)
class CaseResult:
    name: str
    segments: int
    endpoint_error: float  # largest |weight - target| at the apex frames, life off
    endpoint_error_life: float  # the same with blinks, micro-motion and asymmetry on (eyelids left out)
    timing_error_frames: float  # largest |arrival frame - apex time x fps|
    accel_ours: float  # largest frame-to-frame velocity change
    accel_linear: float
    join_ours: float  # largest frame-to-frame velocity change at the frames where moves begin and end
    join_linear: float
    lead_lags_ms: tuple[float, ...]  # mouth half-way time minus upper-face half-way time, per mixed segment
    notes: int


def _half_time(curve: np.ndarray, fps: float) -> float:
    """Seconds at which a 0 -> 1 progress curve first passes 0.5 (linear between frames)."""
    above = np.flatnonzero(curve >= 0.5)
    if above.size == 0 or above[0] == 0:
        return float("nan")
    i = above[0]
    return (i - 1 + (0.5 - curve[i - 1]) / (curve[i] - curve[i - 1])) / fps


def evaluate_case(case: Case, params: TimingParams) -> CaseResult:
    plan = plan_case(case, params)
    core = transition_weights(plan, params)
    lively = trajectory(plan, life=LifeOptions(seed=1), params=params).astype(np.float64)
    count, fps = plan.num_frames, plan.fps
    endpoint = endpoint_life = timing = 0.0
    lags: list[float] = []
    previous = plan.start_weights.astype(np.float64)
    non_lid = REGION_OF_CHANNEL >= 0
    non_lid[[0, 7]] = False
    for k, segment in enumerate(plan.segments):
        target = segment.anchor.target.astype(np.float64)
        apex_frame = int(np.ceil(segment.apex * fps - 1e-9))
        next_start = plan.segments[k + 1].start if k + 1 < len(plan.segments) else plan.duration
        if apex_frame < count and apex_frame <= int(np.floor(next_start * fps + 1e-9)):
            endpoint = max(endpoint, float(np.abs(core[apex_frame] - target).max()))
            endpoint_life = max(endpoint_life, float(np.abs(lively[apex_frame, non_lid] - target[non_lid]).max()))
            first = int(np.ceil(segment.start * fps - 1e-9))
            distance = np.abs(core[first:apex_frame + 1] - target[None, :]).max(axis=1)
            arrival = first + int(np.flatnonzero(distance <= ARRIVED)[0])
            timing = max(timing, abs(arrival - segment.apex * fps))
        delta = target - previous
        moving = np.abs(delta) > 0.05
        upper = moving & np.isin(REGION_OF_CHANNEL, UPPER)
        mouth = moving & (REGION_OF_CHANNEL == MOUTH)
        if upper.any() and mouth.any():
            progress = (core - previous[None, :]) / np.where(moving, delta, 1.0)[None, :]
            window = slice(int(segment.start * fps), min(count, int(np.ceil(segment.apex * fps)) + 1))
            t_upper = _half_time(progress[window][:, upper].mean(axis=1), fps)
            t_mouth = _half_time(progress[window][:, mouth].mean(axis=1), fps)
            if np.isfinite(t_upper) and np.isfinite(t_mouth):
                lags.append(1000.0 * (t_mouth - t_upper))
        previous = target
    accel = np.abs(np.diff(core, 2, axis=0)).max(axis=1)  # frame i + 1's velocity change
    accel_linear = np.abs(np.diff(linear_weights(plan), 2, axis=0)).max(axis=1)
    join_ours, join_linear = _join_changes(plan, params, core)
    return CaseResult(case.name, len(plan.segments), endpoint, endpoint_life, timing, float(accel.max(initial=0.0)),
                      float(accel_linear.max(initial=0.0)), join_ours, join_linear, tuple(lags), len(plan.notes))


def _join_changes(plan: Plan, params: TimingParams, core: np.ndarray) -> tuple[float, float]:
    """Largest velocity change at the frames where a channel's move begins or ends: ours, then linear's."""
    def largest(weights: np.ndarray, joins: list[tuple[float, np.ndarray]]) -> float:
        change = np.abs(weights[2:] - 2 * weights[1:-1] + weights[:-2])  # row i: centred on frame i + 1
        values = [change[f - 1, columns].max() for t, columns in joins
                  for f in [int(round(t * plan.fps))] if 1 <= f < len(weights) - 1 and columns.size]
        return float(max(values, default=0.0))

    ours, linear = [], []
    for segment, timing in zip(plan.segments, segment_timings(plan, params)):
        moving = np.abs(timing.delta) > MOVING
        for t in np.unique(np.concatenate([timing.starts[moving], timing.starts[moving] + timing.length])):
            ours.append((float(t), np.flatnonzero(moving & (np.isclose(timing.starts, t) |
                                                            np.isclose(timing.starts + timing.length, t)))))
        linear += [(segment.start, np.flatnonzero(moving)), (segment.apex, np.flatnonzero(moving))]
    return largest(core, ours), largest(linear_weights(plan), linear)


def cost(frame_counts: Sequence[int] = (1800, 18000, 36000), fps: float = 30.0, repeats: int = 3) -> list[tuple[int, float]]:
    """Best-of seconds to schedule and generate (life on) a clip with a new expression every 2 seconds."""
    names = ("smile", "surprise", "anger", "sadness", "fear", "disgust", "neutral")
    params = TimingParams()
    results = []
    for frames in frame_counts:
        seconds = frames / fps
        steps = [Step(anchor=_anchor(names[i % len(names)], 0.85), text="") for i in range(max(1, int(seconds / 2)))]
        best = float("inf")
        for _ in range(repeats):
            began = time.perf_counter()
            plan = schedule(steps, duration=seconds, fps=fps, params=params)
            trajectory(plan, params=params)
            best = min(best, time.perf_counter() - began)
        results.append((frames, best))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Print per-instruction results, the summary and the cost figures."""
    parser = argparse.ArgumentParser(prog="python -m i2fet_tools.motion.evaluate", description=__doc__)
    parser.add_argument("--fitted", action="store_true", help="use the saved fitted timing instead of the defaults")
    args = parser.parse_args(argv)
    params = load_timing_params()[0] if args.fitted else TimingParams()
    results = [evaluate_case(case, params) for case in CASES]
    print(f"{'instruction':38s} {'segs':>4s} {'end err':>8s} {'+life':>7s} {'apex fr':>7s} "
          f"{'accel':>7s} {'linear':>7s} {'join':>7s} {'linear':>7s} {'lag ms':>7s}")
    for r in results:
        lag = f"{np.mean(r.lead_lags_ms):7.0f}" if r.lead_lags_ms else "      -"
        print(f"{r.name:38s} {r.segments:4d} {r.endpoint_error:8.5f} {r.endpoint_error_life:7.4f} "
              f"{r.timing_error_frames:7.2f} {r.accel_ours:7.4f} {r.accel_linear:7.4f} {r.join_ours:7.4f} "
              f"{r.join_linear:7.4f} {lag}")
    segments = sum(r.segments for r in results)
    lags = [lag for r in results for lag in r.lead_lags_ms]
    ratios = np.array([r.accel_ours / r.accel_linear for r in results if r.accel_linear > 0])
    print(f"\n{len(results)} instructions, {segments} segments")
    print(f"endpoint accuracy: {sum(r.endpoint_error <= ENDPOINT_TOLERANCE for r in results)}/{len(results)} "
          f"instructions with every apex within {ENDPOINT_TOLERANCE} (largest error {max(r.endpoint_error for r in results):.2e}; "
          f"with life on, eyelids aside: {max(r.endpoint_error_life for r in results):.4f})")
    print(f"timing accuracy: {sum(r.timing_error_frames <= 1.0 for r in results)}/{len(results)} instructions with every "
          f"apex within one frame of its time (largest {max(r.timing_error_frames for r in results):.2f} frames)")
    print(f"continuity: largest frame-to-frame velocity change, ours / linear: median {np.median(ratios):.2f}, "
          f"best {ratios.min():.2f}, worst {ratios.max():.2f}; at the joins (the frames where a channel's move begins "
          f"or ends): ours at most {max(r.join_ours for r in results):.4f}, linear {max(r.join_linear for r in results):.4f}")
    print(f"lead-lag: {sum(lag > 0 for lag in lags)}/{len(lags)} mixed segments with the mouth after the eyes and brows, "
          f"mean {np.mean(lags):.0f} ms")
    timings = cost()
    print("cost (schedule + trajectory, life on, a new expression every 2 s): "
          + ", ".join(f"{frames} frames {seconds * 1000:.0f} ms" for frames, seconds in timings)
          + f"; {timings[-1][0] // timings[0][0]}x the frames took {timings[-1][1] / timings[0][1]:.1f}x the time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
