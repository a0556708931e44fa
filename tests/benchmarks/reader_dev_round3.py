"""Share of the round-3 development instructions (tests/data/reader_dev/dev_round3.jsonl) whose every expectation
holds, by style, for the compositional reader. Development data, not a held-out measure.
Run: PYTHONPATH=. .venv/bin/python tests/benchmarks/reader_dev_round3.py [-v] [--file PATH.jsonl] [reader ...]
(--file scores another development file of the same format, e.g. tests/data/reader_dev/dev_round4.jsonl).
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

    from i2fet_tools.ifed.expectations import load_entries
    from ml_backend.reading.registry import get_reader

    args = sys.argv[1:]
    verbose = "-v" in args
    path = None
    if "--file" in args:
        at = args.index("--file")
        if at + 1 >= len(args):
            sys.exit("--file needs a path to a .jsonl development file")
        path = Path(args.pop(at + 1))
        args.pop(at)
        if not path.is_file():
            sys.exit(f"{path} is not a file")
    names = [a for a in args if not a.startswith("-")] or ["compose"]
    entries = load_entries([path]) if path else round3_entries()
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
