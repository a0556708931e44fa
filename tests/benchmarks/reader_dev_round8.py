"""Refusal and full-expectation rates of a reader on real face prose harvested from public-domain novels
(tests/data/reader_dev/dev_round8_real.jsonl; provenance in README_round8.md). Development data, not a held-out
measure. Entries marked ``face_only`` only say that the sentence describes a face: they count for refusal alone;
entries marked ``nonface`` are prose about something else that must be refused (counted apart).
Run: PYTHONPATH=. .venv/bin/python tests/benchmarks/reader_dev_round8.py [-v] [--file PATH.jsonl] [reader ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT / "tests" / "data" / "reader_dev" / "dev_round8_real.jsonl"


def main() -> None:
    from i2fet_tools.ifed.calibrate import read
    from i2fet_tools.ifed.expectations import check_entry, parse_entry
    from ml_backend.reading.registry import get_reader

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("readers", nargs="*", default=["compose"], help="readers to score (default: compose)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each refusal and failed expectation")
    parser.add_argument("--file", type=Path, default=DEFAULT, help="a .jsonl development file of the same format")
    args = parser.parse_args()
    if not args.file.is_file():
        parser.error(f"--file needs a path to a .jsonl development file, got {args.file}")
    path, verbose = args.file, args.verbose
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for name in args.readers:
        reader = get_reader(name)
        refused = full = graded = nonface_refused = 0
        faces = [r for r in records if not r.get("nonface")]
        for record in records:
            if record.get("nonface"):
                kept = read(reader, record["text"]).apexes is not None
                nonface_refused += not kept
                if verbose and kept:
                    print(f"  [{name}] read as a face {record['id']} {record['text']!r}")
        for number, record in enumerate(records, 1):
            if record.get("nonface"):
                continue
            reading = read(reader, record["text"])
            if reading.apexes is None:
                refused += 1
                if verbose:
                    print(f"  [{name}] refused {record['id']} {record['text']!r}")
                continue
            if record.get("face_only"):
                continue
            graded += 1
            problems = check_entry(parse_entry(record, f"{path.name}:{number}"), reading.apexes)
            full += not problems
            if verbose and problems:
                print(f"  [{name}] {record['id']} {record['text']!r}: {'; '.join(problems)}")
        expected = sum(not r.get("face_only") for r in faces)
        print(f"reader {name}: {len(faces)} face sentences, refused {refused} = {refused / max(len(faces), 1):.3f}; "
              f"every expectation held {full}/{expected} = {full / max(expected, 1):.3f}")
        if len(faces) < len(records):
            others = len(records) - len(faces)
            print(f"reader {name}: {others} non-face sentences, refused {nonface_refused} = {nonface_refused / others:.3f}")


if __name__ == "__main__":
    main()
