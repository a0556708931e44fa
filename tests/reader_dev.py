"""The reader's development examples (tests/data/reader_dev/) and how an example is checked against a reader.

Development data, written by the reader's engineer: it shows the behaviours of issue 10 and compares the
readers side by side; it is not a held-out measure (that is tests/data/heldout_instructions/, issue 10b).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ml_backend.errors import BadInstructionError
from ml_backend.naming.arkit import ARKIT_NAMES

DEV_FILE = Path(__file__).resolve().parent / "data" / "reader_dev" / "instructions.json"
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
