"""The IFED held-out sheet: a dozen unseen instructions, rendered as asked, as IFED reads them, and as the lexicon does.

``make_figures(out_dir)`` writes ``ifed_heldout_sheet.png`` (rows: instructions; columns: the
asked apex, IFED's apex, the lexicon baseline's apex), rendered on the default head with
Cycles through ``i2fet_tools.judge_render``.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import numpy as np

COUNT = 12


def make_figures(out_dir: Path, count: int = COUNT, size: int = 256, samples: int = 16) -> list[Path]:
    """Render the sheet into ``out_dir``; returns the written files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ml_backend.reading.lexicon import LexiconReader
    from i2fet_tools.ifed.judge import apex_of, judge_examples, render
    from ml_backend.ifed.reader import IFEDReader

    examples = judge_examples(count)
    ifed, lexicon = IFEDReader(), LexiconReader()
    columns = {
        "asked": np.stack([e.targets[0].apex for e in examples]),
        "IFED (learned)": np.stack([apex_of(ifed, e.text) for e in examples]),
        "lexicon (baseline)": np.stack([apex_of(lexicon, e.text) for e in examples]),
    }
    work = Path(tempfile.mkdtemp(prefix="i2fet-ifed-sheet-"))
    images = {name: render(weights, work / str(i), size=size, samples=samples)
              for i, (name, weights) in enumerate(columns.items())}
    figure, axes = plt.subplots(len(examples), 3, figsize=(8.0, 2.5 * len(examples)))
    for row, example in enumerate(examples):
        for col, name in enumerate(columns):
            axis = axes[row, col]
            axis.imshow(plt.imread(images[name][row]))
            axis.set_xticks([])
            axis.set_yticks([])
            if row == 0:
                axis.set_title(name, fontsize=10)
        words = textwrap.fill(f"\"{example.text}\"", 28)
        axes[row, 0].set_ylabel(f"{words}\n({example.targets[0].label})", fontsize=7)
    figure.suptitle("Held-out instructions (unseen words and sentence shapes)", fontsize=11)
    figure.tight_layout(rect=(0.0, 0.0, 1.0, 0.985))
    out = Path(out_dir) / "ifed_heldout_sheet.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=80)
    plt.close(figure)
    return [out]


if __name__ == "__main__":
    print(make_figures(Path(__file__).resolve().parent / "img"))
