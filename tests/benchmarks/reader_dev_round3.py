"""Share of the round-3 development instructions (tests/data/reader_dev/dev_round3.jsonl) whose every expectation
holds, by style, for the compositional reader. Development data, not a held-out measure.
Run: PYTHONPATH=. .venv/bin/python tests/benchmarks/reader_dev_round3.py [-v] [--file PATH.jsonl] [reader ...]
(--file scores another development file of the same format, e.g. tests/data/reader_dev/dev_round5.jsonl;
--series PATH.jsonl prints the share of graded ladders that rise monotonically, e.g. dev_round5_graded.jsonl).
"""

from __future__ import annotations

import argparse
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

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("readers", nargs="*", default=["compose"], help="readers to score (default: compose)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each failed expectation")
    parser.add_argument("--file", type=Path, help="another .jsonl development file of the same format")
    parser.add_argument("--series", type=Path, help="a graded ladders .jsonl file: print the share that rises")
    args = parser.parse_args()
    for given in (args.file, args.series):
        if given is not None and not given.is_file():
            parser.error(f"{given} is not a file")
    path, series, names, verbose = args.file, args.series, args.readers, args.verbose
    if series is not None:
        for name in names:
            print_series(get_reader(name), name, series, verbose)
        return
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


def print_series(reader, name: str, path: Path, verbose: bool) -> None:
    """The share of ladders (weakest to strongest phrasing) whose grading channels rise monotonically."""
    from i2fet_tools.ifed.calibrate import read
    from i2fet_tools.ifed.expectations import is_monotonic, load_series, series_levels

    ladders = load_series(path)
    rising = 0
    for ladder in ladders:
        levels = series_levels(ladder, [None if r.apexes is None else r.apexes[-1]
                                        for r in (read(reader, t) for t in ladder.texts)])
        rising += is_monotonic(levels)
        if verbose and not is_monotonic(levels):
            print(f"  [{name}] {ladder.id}: {[round(v, 2) for v in levels]}")
    print(f"reader {name}: graded ladders monotonic {rising}/{len(ladders)} = {rising / len(ladders):.3f}")


if __name__ == "__main__":
    main()
