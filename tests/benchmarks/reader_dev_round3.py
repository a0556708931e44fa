"""Share of the round-3 development instructions (tests/data/reader_dev/dev_round3.jsonl) whose every expectation
holds, by style, for the compositional reader. Development data, not a held-out measure.
Run: PYTHONPATH=. .venv/bin/python tests/benchmarks/reader_dev_round3.py [-v] [reader ...]
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
    from reader_dev import round3_entries, round3_failures

    from ml_backend.reading.registry import get_reader

    verbose = "-v" in sys.argv
    names = [a for a in sys.argv[1:] if not a.startswith("-")] or ["compose"]
    entries = round3_entries()
    for name in names:
        reader = get_reader(name)
        by_style: dict[str, list[bool]] = defaultdict(list)
        for entry in entries:
            problems = round3_failures(reader, entry)
            by_style[entry.style].append(not problems)
            if verbose and problems:
                print(f"  [{name}] {entry.id} {entry.text!r}: {'; '.join(problems)}")
        print(f"reader {name}:")
        for style in sorted(by_style) + ["ALL"]:
            passed = [p for s, ps in by_style.items() if style in (s, "ALL") for p in ps]
            print(f"  {style:14s} {len(passed):3d} {sum(passed) / len(passed):6.2f}")


if __name__ == "__main__":
    main()
