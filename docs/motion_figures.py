"""Figures of docs/motion.md: a real take beside a generated clip (blink, gaze, brow, head), and the statistics panel.

Drawn by ``python3 build.py eval-motion --figures`` (``i2fet_tools.motion.eval_motion``), which has the
takes, the clips and the statistics at hand.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ml_backend.motion.regions import EYELID_CHANNELS
from ml_backend.naming.arkit import INDEX

IMG = Path(__file__).resolve().parent / "img"
WINDOW = 20.0  # seconds shown


def _curves(motion) -> dict[str, np.ndarray]:
    rot = np.degrees(motion.rotations)
    return {"eyelids (blinks)": motion.weights[:, EYELID_CHANNELS].mean(axis=1),
            "gaze yaw, deg": 0.5 * (rot[:, 3] + rot[:, 6]), "gaze pitch, deg": 0.5 * (rot[:, 4] + rot[:, 7]),
            "browInnerUp": motion.weights[:, INDEX["browInnerUp"]],
            "head yaw / pitch, deg": rot[:, :2]}


def side_by_side(real, generated, path: Path) -> Path:
    """Five rows of curves: the real take (left) and a generated clip (right), the same 20 s window."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sides = [("real take: " + real.name, real), ("generated: " + generated.name, generated)]
    fig, axes = plt.subplots(5, 2, figsize=(12, 9), sharex=True)
    for column, (title, motion) in enumerate(sides):
        count = min(len(motion.weights), int(WINDOW * motion.fps))
        times = np.arange(count) / motion.fps
        for row, (label, values) in enumerate(_curves(motion).items()):
            ax = axes[row, column]
            ax.plot(times, values[:count], lw=0.9)
            ax.set_ylabel(label, fontsize=8)
            if row == 0:
                ax.set_title(title[:70], fontsize=9)
        axes[-1, column].set_xlabel("seconds")
    for row in range(5):  # the same scale on both sides
        low = min(axes[row, 0].get_ylim()[0], axes[row, 1].get_ylim()[0])
        high = max(axes[row, 0].get_ylim()[1], axes[row, 1].get_ylim()[1])
        axes[row, 0].set_ylim(low, high)
        axes[row, 1].set_ylim(low, high)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def stats_panel(rows, path: Path) -> Path:
    """Each statistic: the real takes' IQR (bar), median (tick) and the generated value (dot), scaled to the IQR."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 0.34 * len(rows) + 1.2))
    for i, (name, median, q1, q3, generated, loto) in enumerate(rows):
        if not all(math.isfinite(v) for v in (median, q1, q3)):
            continue
        scale = max(q3 - q1, 0.05 * abs(median), 1e-6)
        ax.barh(i, (q3 - q1) / scale, left=(q1 - median) / scale, color="#cfd8e3", height=0.6)
        ax.plot([0, 0], [i - 0.3, i + 0.3], color="#2b4c7e", lw=2)
        if math.isfinite(generated):
            x = float(np.clip((generated - median) / scale, -4, 4))
            inside = q1 <= generated <= q3
            ax.plot(x, i, "o", color="#2e8b57" if inside else "#c0392b")
        if math.isfinite(loto):
            ax.plot(float(np.clip((loto - median) / scale, -4, 4)), i, "x", color="#555555")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r[0] for r in rows], fontsize=8)
    ax.axvline(0, color="#2b4c7e", lw=0.5)
    ax.set_xlim(-4.2, 4.2)
    ax.invert_yaxis()
    ax.set_xlabel("(value - real median) / real IQR; bar: real IQR, dot: generated (green inside), x: leave-one-take-out")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def draw(takes, clips, rows) -> list[Path]:
    """Both figures; the real side is the one take that recorded the head."""
    from i2fet_tools.motion.fit_performance import as_motion

    IMG.mkdir(parents=True, exist_ok=True)
    real = next((t for t in takes if t.has_head), takes[0])
    generated = next((c for c in clips if "skeptical" in c.name), clips[0])
    return [side_by_side(as_motion(real), generated, IMG / "motion_side_by_side.png"),
            stats_panel(rows, IMG / "motion_stats.png")]
