"""The readers side by side on the reader's development examples (tests/data/reader_dev/): share of examples
whose every expectation holds, by style. Development data, not a held-out measure (see issue 10b's eval).
Run: PYTHONPATH=. .venv/bin/python tests/benchmarks/reader_compare.py [-v]
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from reader_dev import examples, failures

    from ml_backend.reading.registry import get_reader

    verbose = "-v" in sys.argv
    rows = examples()
    results: dict[str, dict[str, list[bool]]] = {}
    for name in ("compose", "ifed", "lexicon"):
        reader = get_reader(name)
        by_style: dict[str, list[bool]] = defaultdict(list)
        for example in rows:
            problems = failures(reader, example)
            by_style[example["style"]].append(not problems)
            if verbose and problems and name == "compose":
                print(f"  [{name}] {example['text']!r}: {'; '.join(problems)}")
        results[name] = by_style
    styles = sorted({e["style"] for e in rows})
    print(f"{'style':14s} {'n':>3s} " + " ".join(f"{n:>8s}" for n in results))
    for style in styles + ["ALL"]:
        cells = []
        for name in results:
            passed = [p for s, ps in results[name].items() if style in (s, "ALL") for p in ps]
            cells.append(f"{sum(passed) / len(passed):8.2f}")
        n = sum(1 for e in rows if style in (e["style"], "ALL"))
        print(f"{style:14s} {n:3d} " + " ".join(cells))


if __name__ == "__main__":
    main()
