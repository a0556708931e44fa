"""Figures of the transition stage: weight curves of three transitions, ours beside linear interpolation.

``make_figures(out_dir)`` writes ``fet_curves_<name>.png`` (used in the README) and returns the paths.
The curves are the bare transitions (life layer off) so that the easing, the regional lead-lag and the
overshoot can be seen; blinks are shown in the lower strip of each figure.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402

from ml_backend.naming.arkit import ARKIT_NAMES, INDEX  # noqa: E402
from i2fet_tools.motion.evaluate import CASES, plan_case  # noqa: E402
from ml_backend.motion.life import LifeOptions  # noqa: E402
from ml_backend.motion.timing_params import TimingParams  # noqa: E402
from ml_backend.motion.trajectory import linear_weights, trajectory, transition_weights  # noqa: E402

FIGURES = {
    "smile_to_surprise": "smile turning into surprise",
    "sudden_surprise_and_back": "surprise in a flash, back over 2 s",
    "anger_disgust_back": "anger then disgust and back",
}
CHANNELS_SHOWN = 5


def _strongest_channels(*curves: np.ndarray) -> list[int]:
    peak = np.max([np.abs(c).max(axis=0) for c in curves], axis=0)
    peak[[INDEX["eyeBlinkLeft"], INDEX["eyeBlinkRight"]]] = 0.0
    return [int(i) for i in np.argsort(-peak)[:CHANNELS_SHOWN] if peak[i] > 0.02]


def make_figures(out_dir: Path | str = Path(__file__).resolve().parent / "img") -> list[Path]:
    """Write the three figures into ``out_dir``; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    params = TimingParams()
    cases = {case.name: case for case in CASES}
    paths = []
    for slug, name in FIGURES.items():
        plan = plan_case(cases[name], params)
        ours, linear = transition_weights(plan, params), linear_weights(plan)
        lively = trajectory(plan, life=LifeOptions(seed=0), params=params)
        times = np.arange(plan.num_frames) / plan.fps
        channels = _strongest_channels(ours, linear)
        figure, axes = plt.subplots(2, 2, figsize=(11, 5.2), sharex=True, height_ratios=[3, 1])
        for column, (title, curves) in enumerate((("ours (eased, staggered regions)", ours),
                                                  ("linear interpolation", linear))):
            axis = axes[0, column]
            for channel in channels:
                axis.plot(times, curves[:, channel], label=ARKIT_NAMES[channel], linewidth=1.6)
            for segment in plan.segments:
                axis.axvspan(segment.start, segment.apex, color="0.92", zorder=0)
            axis.set_title(title)
            axis.set_ylim(-0.02, 1.02)
            axis.grid(alpha=0.3)
        axes[0, 0].set_ylabel("weight")
        axes[0, 1].legend(loc="upper right", fontsize=8)
        axes[1, 0].plot(times, lively[:, INDEX["eyeBlinkLeft"]], color="tab:gray", linewidth=1.2)
        axes[1, 0].set_ylabel("eyeBlinkLeft\n(life on)")
        axes[1, 1].plot(times, linear[:, INDEX["eyeBlinkLeft"]], color="tab:gray", linewidth=1.2)
        for axis in axes[1]:
            axis.set_xlabel("seconds")
            axis.set_ylim(-0.02, 1.02)
            axis.grid(alpha=0.3)
        figure.suptitle(f"\u201c{name}\u201d  ({plan.num_frames} frames at {plan.fps:g} fps; shaded: moves)")
        figure.tight_layout()
        path = out_dir / f"fet_curves_{slug}.png"
        figure.savefig(path, dpi=110)
        plt.close(figure)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in make_figures():
        print(written)
