"""The architecture picture (docs/img/architecture_flow.png): one Generate click through the house.

Drawn from a small table of boxes and arrows so that it stays in step with docs/architecture.md;
``python3 build.py docs`` runs it through docs/make_figures.py.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

MAIN, WORKER = 3.2, 0.9  # lane heights (y of the box centres)
# name -> (x centre, y centre, title, detail, colour)
BOXES = {
    "click": (1.05, MAIN, "ui/", "Generate button (invoke/modal)\nscripts, demo, tests", "#dde7f3"),
    "request": (3.75, MAIN, "generate/request", "collect_request: check target,\nprompt, drivable mesh - once", "#e3f1e0"),
    "task": (3.75, WORKER, "backend/tasks", "one Task model: worker thread,\nprogress, Cancel, one poller", "#f6ead7"),
    "bridge": (6.45, WORKER, "backend/bridge", "deferred import of ml_backend;\nits errors -> add-on errors", "#f6ead7"),
    "backend": (9.15, WORKER, "ml_backend.pipeline", "instruction -> plan ->\ntrajectory -> weights", "#ece4f4"),
    "writer": (6.45, MAIN, "generate/writer", "write_clip on the main thread:\nevery part of the character, one clip", "#e3f1e0"),
    "data": (9.15, MAIN, "head/  clips/  io/", "shape keys, clip actions, NLA;\nFBX / glTF / Live Link CSV", "#fbe3e3"),
}
ARROWS = (
    ("click", "request", "request"),
    ("request", "task", "start"),
    ("task", "bridge", "compute"),
    ("bridge", "backend", "generate()"),
    ("backend", "writer", "weights, plan\nsummary, model"),
    ("writer", "data", "one\nundo\nstep"),
)
WIDTH, HEIGHT = 2.1, 1.05


def draw(out: Path) -> Path:
    """Two lanes (Blender's main thread, the worker) and the boxes a click passes through."""
    fig, ax = plt.subplots(figsize=(10.5, 4.6), dpi=120)
    for y, label, colour in ((MAIN, "Blender main thread", "#f7f9fc"), (WORKER, "worker thread: no bpy", "#fcfaf5")):
        ax.add_patch(FancyBboxPatch((-0.2, y - 0.85), 10.7, 1.7, boxstyle="round,pad=0.02", fc=colour, ec="0.85"))
        ax.text(-0.1, y + 0.7, label, fontsize=8, color="0.45", va="center")
    for x, y, title, detail, colour in BOXES.values():
        ax.add_patch(FancyBboxPatch((x - WIDTH / 2, y - HEIGHT / 2), WIDTH, HEIGHT, boxstyle="round,pad=0.03",
                                    fc=colour, ec="0.35", lw=0.9))
        ax.text(x, y + 0.22, title, ha="center", va="center", fontsize=9, weight="bold", family="monospace")
        ax.text(x, y - 0.17, detail, ha="center", va="center", fontsize=7)
    for start, end, label in ARROWS:
        (x0, y0, *_), (x1, y1, *_) = BOXES[start], BOXES[end]
        if y0 == y1:
            a, b = (x0 + WIDTH / 2, y0), (x1 - WIDTH / 2, y1)
            text_at = ((a[0] + b[0]) / 2, y0 + 0.06)
        else:
            a = (x0, y0 - HEIGHT / 2) if y0 > y1 else (x0 - 0.3, y0 + HEIGHT / 2)
            b = (x1, y1 + HEIGHT / 2) if y0 > y1 else (x1 + 0.3, y1 - HEIGHT / 2)
            text_at = ((a[0] + b[0]) / 2 + 0.12, (a[1] + b[1]) / 2)
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=12, lw=1.1, color="0.25"))
        ax.text(*text_at, label, fontsize=7, color="0.25", ha="left" if y0 != y1 else "center",
                va="bottom" if y0 == y1 and "\n" not in label else "center")
    ax.text(5.15, -0.35, "errors.py (bottom: imported by all, imports none)  ->  ui/report.py turns any of them "
            "into one ERROR report", ha="center", fontsize=7.5, color="0.35")
    ax.set(xlim=(-0.3, 10.6), ylim=(-0.6, 4.25))
    ax.axis("off")
    ax.set_title("One Generate click: collect (main) -> compute (worker) -> write (main)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def make_figures(out_dir: Path) -> None:
    print("wrote", draw(Path(out_dir) / "architecture_flow.png"))


if __name__ == "__main__":
    make_figures(Path(__file__).resolve().parent / "img")
