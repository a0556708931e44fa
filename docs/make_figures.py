"""``python3 build.py docs``: regenerate every picture in docs/img from the project's own code."""

from __future__ import annotations

import importlib
import shutil
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

IMG = Path(__file__).resolve().parent / "img"
DEMO_PROMPT = "a faint smile that slowly turns into open-mouthed surprise, then back to neutral"
# Figure makers owned by each stage; each has make_figures(out_dir).
STAGE_FIGURES = ("docs.fet_figures", "docs.ifed_figures", "docs.anyhead_figures", "docs.architecture_figures",
                 "docs.bad_input_table", "docs.reading_figures")


def transition_curves(out: Path) -> Path:
    """The weight curves of the demo's transition: the channels that move most."""
    from ml_backend.naming.arkit import ARKIT_NAMES
    from ml_backend.pipeline import generate

    clip = generate(DEMO_PROMPT, frames=120, fps=30)
    strongest = clip.weights.max(axis=0).argsort()[::-1][:8]
    fig, ax = plt.subplots(figsize=(9, 4), dpi=110)
    for channel in strongest:
        ax.plot(clip.weights[:, channel], label=ARKIT_NAMES[channel])
    for segment in clip.plan.segments:
        ax.axvline(segment.apex * clip.fps, color="0.7", lw=0.8, ls="--")
        ax.text(segment.apex * clip.fps, 1.02, segment.anchor.label, ha="center", fontsize=8, color="0.3")
    ax.set(xlabel="frame (30 fps)", ylabel="ARKit weight", ylim=(0, 1.08), title=f'"{DEMO_PROMPT}"')
    ax.title.set_fontsize(9)
    ax.legend(fontsize=7, ncol=2, loc="upper right")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def demo_sheet(out: Path) -> Path:
    """The demo's Cycles preview sheet of the default head."""
    from i2fet_blender.demo import run_demo

    with tempfile.TemporaryDirectory() as folder:
        files = run_demo(DEMO_PROMPT, 120, Path(folder), render=True)
        shutil.copyfile(files["preview"], out)
    return out


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    print("wrote", transition_curves(IMG / "transition_curves.png"))
    print("wrote", demo_sheet(IMG / "demo_preview_sheet.png"))
    for name in STAGE_FIGURES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            print(f"({name} not present: skipped)", file=sys.stderr)
            continue
        module.make_figures(IMG)
        print("made figures of", name)


if __name__ == "__main__":
    main()
