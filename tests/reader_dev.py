"""The reader's development examples (tests/data/reader_dev/) and how an example is checked against a reader.

Development data, written by the reader's engineer: it shows the behaviours of issue 10 and compares the
readers side by side; it is not a held-out measure (that is tests/data/heldout_instructions/, issue 10b).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ml_backend.errors import BadInstructionError
from ml_backend.naming.arkit import ARKIT_NAMES, INDEX

DEV_FILE = Path(__file__).resolve().parent / "data" / "reader_dev" / "instructions.json"
# Round 3: 200+ hand-written instructions in the held-out set's JSON Lines format (checked by
# i2fet_tools/ifed/expectations.py), written before measuring the reader on them.
ROUND3_FILE = DEV_FILE.parent / "dev_round3.jsonl"
RISE, LOW = 0.2, 0.12


def examples() -> list[dict]:
    return json.loads(DEV_FILE.read_text(encoding="utf-8"))["examples"]


def channels(stem: str) -> list[int]:
    """Indices of the ARKit channels named by a stem ("eyeWide" -> both sides, "mouthSmileLeft" -> one)."""
    found = [i for i, n in enumerate(ARKIT_NAMES) if n == stem or n in (stem + "Left", stem + "Right")]
    if not found:
        raise ValueError(f"{stem} is not an ARKit channel or stem")
    return found


def failures(reader, example: dict) -> list[str]:
    """What the reader got wrong on one example (empty when every expectation holds)."""
    try:
        steps, _ = reader.read(example["text"])
    except BadInstructionError:
        return [] if example.get("refuse") else ["refused a face instruction"]
    if example.get("refuse"):
        return ["read a non-face text as a face"]
    wanted = example["steps"]
    faces = [s for s in steps]
    if len(faces) != len(wanted):
        return [f"{len(faces)} steps, expected {len(wanted)}"]
    problems = []
    for k, (step, want) in enumerate(zip(faces, wanted)):
        target = step.anchor.target
        if not np.all(np.isfinite(target)):
            problems.append(f"step {k}: not finite")
        for stem in want.get("rise", []):
            if max(target[i] for i in channels(stem)) < RISE:
                problems.append(f"step {k}: {stem} stays low")
        for stem in want.get("low", []):
            if max(target[i] for i in channels(stem)) > LOW:
                problems.append(f"step {k}: {stem} rises")
    return problems


def round3_entries() -> list:
    """The round-3 development entries (``expectations.Entry``), validated."""
    from i2fet_tools.ifed.expectations import load_entries

    return load_entries([ROUND3_FILE])


def apexes(reader, text: str) -> list[np.ndarray] | None:
    """Each plan step's apex (weights x intensity), or None when the reader refuses the text."""
    try:
        steps, _ = reader.read(text)
    except BadInstructionError:
        return None
    return [np.asarray(step.anchor.target, np.float32) for step in steps]


def round3_failures(reader, entry) -> list[str]:
    """What the reader gets wrong on one round-3 entry (empty when every expectation holds)."""
    from i2fet_tools.ifed.expectations import check_entry

    return check_entry(entry, apexes(reader, entry.text))


def ch(target, name: str) -> float:
    """A channel's value; a stem without a side gives the larger side."""
    if name in INDEX:
        return float(target[INDEX[name]])
    return max(float(target[INDEX[name + "Left"]]), float(target[INDEX[name + "Right"]]))


def plain_compositional_reader():
    """The compositional reader without matches by meaning and with its raw confidence: rules only, fast."""
    from ml_backend.reading.compositional import CompositionalReader

    return CompositionalReader(use_meaning=False, calibrator=lambda raw: raw)


def one_face(reader, text: str) -> np.ndarray:
    """The single step's target of ``text`` (fails when the reader makes more or fewer steps)."""
    found = faces(reader, text)
    assert len(found) == 1, f"{text!r}: {len(found)} steps"
    return found[0]


def faces(reader, text: str) -> list:
    """The target weights of each step the reader makes of ``text``, in order."""
    steps, _ = reader.read(text)
    return [s.anchor.target for s in steps]


def sourced_records(path: Path) -> list[dict]:
    """A harvested development file's records, checked as every harvest must be: unique ids, each line's source a
    Project Gutenberg ebook, and every expectation parseable (face-only lines carry none)."""
    from i2fet_tools.ifed.expectations import parse_entry

    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len({r["id"] for r in records}) == len(records)
    for number, record in enumerate(records, 1):
        assert record["source"].startswith("https://www.gutenberg.org/ebooks/")
        if not record.get("face_only"):
            parse_entry(record, f"{path.name}:{number}")
    return records
