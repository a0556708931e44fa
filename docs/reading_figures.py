"""The reliability plot of the readers' confidence on the hand-written held-out instructions.

``make_figures(out_dir)`` writes ``reliability.png``: for each reader, the held-out instructions it did
not refuse are put in 10 equal-width bins of the confidence it reported; each point is a bin's mean
confidence against the share of its instructions whose every expectation holds (the diagonal is
perfect calibration; the point's area shows how many instructions fell in the bin). The calibration
was fitted on other data (``python -m i2fet_tools.ifed.calibrate``). ``python -m docs.reading_figures``
draws only this figure; ``python3 build.py docs`` draws it with the others.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

COLOURS = {"compose": "tab:blue", "ifed": "tab:orange", "lexicon": "tab:green"}


def reliability_points(names: tuple[str, ...] | None = None) -> dict[str, dict]:
    """Per reader: its reliability bins, ECE and share right on the held-out set."""
    from ml_backend.reading.registry import DEFAULT_READER, READERS, get_reader
    from i2fet_tools.ifed.calibrate import BINS, expected_calibration_error, read, reliability
    from i2fet_tools.ifed.expectations import check_entry, load_entries

    entries = load_entries()
    out = {}
    for name in names or (DEFAULT_READER, *(n for n in READERS if n != DEFAULT_READER)):
        reader = get_reader(name)
        readings = [read(reader, e.text) for e in entries]
        right = np.array([not check_entry(e, r.apexes) for e, r in zip(entries, readings)], float)
        confidence = np.array([r.confidence for r in readings])
        out[name] = {"bins": reliability(confidence, right, BINS), "ece": expected_calibration_error(confidence, right, BINS),
                     "right": float(right.mean()), "read": int(np.isfinite(confidence).sum()), "total": len(entries)}
    return out


def draw(points: dict[str, dict], out: Path) -> Path:
    """The plot of ``reliability_points``' result."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.6, 5.0), dpi=110)
    ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", label="perfect calibration")
    for name, p in points.items():
        if not p["bins"]:
            continue
        conf, acc, count = (np.array(v, float) for v in zip(*p["bins"]))
        colour = COLOURS.get(name)
        ax.plot(conf, acc, color=colour, lw=1, alpha=0.7)
        ax.scatter(conf, acc, s=12 + 400 * count / p["total"], color=colour, alpha=0.8, edgecolors="white",
                   label=f"{name}: ECE {p['ece']:.3f}, {p['right']:.0%} right ({p['read']}/{p['total']} read)")
    ax.set(xlim=(0, 1.02), ylim=(0, 1.02), xlabel="confidence the reader reported (bin mean)",
           ylabel="share of the bin's instructions read right")
    ax.set_title("Held-out instructions: confidence vs being right (10 bins)", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out


def make_figures(out_dir: Path) -> list[Path]:
    """Write ``reliability.png`` into ``out_dir``."""
    return [draw(reliability_points(), Path(out_dir) / "reliability.png")]


if __name__ == "__main__":
    for path in make_figures(Path(__file__).resolve().parent / "img"):
        print("wrote", path)
