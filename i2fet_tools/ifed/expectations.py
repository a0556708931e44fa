"""Per-channel expectations of hand-written instructions, and the checker that scores a reading against them.

An entry (one line of a ``*.jsonl`` file under ``tests/data/heldout_instructions/``) names an
instruction, its style, and one expectation block per step, in order. A block may say:

- ``rise``: channel patterns whose every channel must reach at least ``RISE`` (0.2) at the apex;
- ``low``: patterns whose every channel must stay at or below ``LOW`` (0.12);
- ``any``: groups of patterns; in each group at least one channel must reach ``RISE``;
- ``sided``: pairs ``[a, b]``: ``a`` must exceed ``b`` by ``SIDE_MARGIN`` (0.1);
- ``asym``: pairs ``[a, b]``: the two must differ by ``SIDE_MARGIN`` either way (a one-sided
  action whose side the words leave open);
- ``range``: ``{pattern: [lo, hi]}``: every channel of the pattern within ``[lo, hi]``;
- ``neutral``: true: every channel at or below ``LOW``.

A pattern is an ARKit name, a name with ``*`` standing for both sides (``mouthSmile*`` =
``mouthSmileLeft`` and ``mouthSmileRight``), or, inside ``sided``/``asym`` only, alternatives
joined by ``|`` whose largest value counts. The reading must have exactly as many steps as
the entry has blocks; a refusal fails every expectation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml_backend.naming.arkit import ARKIT_NAMES, INDEX

RISE = 0.2
LOW = 0.12
SIDE_MARGIN = 0.1
STYLES = ("animator", "screenplay", "prose", "request", "figurative", "compositional", "graded", "negation",
          "transition", "sequence")
BLOCK_KEYS = {"rise", "low", "any", "sided", "asym", "range", "neutral"}
HELDOUT_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "heldout_instructions"
DEV_FILE = Path(__file__).resolve().parent / "data" / "dev_instructions.jsonl"


class ExpectationError(ValueError):
    """A malformed expectation in a data file (names the entry and what is wrong)."""


def expand(pattern: str) -> list[str]:
    """The ARKit channels a pattern stands for; ExpectationError for a name that is not a channel."""
    if pattern.endswith("*"):
        names = [pattern[:-1] + "Left", pattern[:-1] + "Right"]
    else:
        names = [pattern]
    unknown = [n for n in names if n not in INDEX]
    if unknown:
        raise ExpectationError(f"'{pattern}' is not an ARKit channel pattern (unknown: {', '.join(unknown)})")
    return names


def _alternatives(spec: str) -> list[str]:
    return [name for part in spec.split("|") for name in expand(part.strip())]


@dataclass(frozen=True)
class Entry:
    """One instruction and the expectation block of each of its steps."""

    id: str
    style: str
    text: str
    steps: tuple[dict, ...]


def validate_block(block: dict, where: str) -> None:
    """Raise ExpectationError when a step block has unknown keys, channels or bad ranges."""
    if not isinstance(block, dict) or not block:
        raise ExpectationError(f"{where}: a step must be a non-empty object")
    extra = set(block) - BLOCK_KEYS
    if extra:
        raise ExpectationError(f"{where}: unknown keys {sorted(extra)}")
    for pattern in block.get("rise", []) + block.get("low", []):
        expand(pattern)
    for group in block.get("any", []):
        if not isinstance(group, list) or not group:
            raise ExpectationError(f"{where}: 'any' needs non-empty lists")
        for pattern in group:
            expand(pattern)
    for key in ("sided", "asym"):
        for pair in block.get(key, []):
            if not isinstance(pair, list) or len(pair) != 2:
                raise ExpectationError(f"{where}: '{key}' needs pairs")
            if set(_alternatives(pair[0])) & set(_alternatives(pair[1])):
                raise ExpectationError(f"{where}: '{key}' compares a channel with itself")
            for spec in pair:
                _alternatives(spec)
    for pattern, bounds in block.get("range", {}).items():
        expand(pattern)
        if not (isinstance(bounds, list) and len(bounds) == 2 and 0.0 <= bounds[0] < bounds[1] <= 1.0):
            raise ExpectationError(f"{where}: range of {pattern} must be [lo, hi] with 0 <= lo < hi <= 1")
    rises = {c for p in block.get("rise", []) for c in expand(p)}
    lows = {c for p in block.get("low", []) for c in expand(p)}
    if rises & lows:
        raise ExpectationError(f"{where}: {sorted(rises & lows)} must both rise and stay low")
    if block.get("neutral") and (rises or block.get("any")):
        raise ExpectationError(f"{where}: a neutral step cannot also ask channels to rise")


def parse_entry(record: dict, where: str) -> Entry:
    """An Entry from one JSON record, validated."""
    for key in ("id", "style", "text", "steps"):
        if key not in record:
            raise ExpectationError(f"{where}: missing '{key}'")
    if record["style"] not in STYLES:
        raise ExpectationError(f"{where}: style '{record['style']}' is not one of {STYLES}")
    if not isinstance(record["steps"], list) or not record["steps"]:
        raise ExpectationError(f"{where}: 'steps' must be a non-empty list")
    for i, block in enumerate(record["steps"]):
        validate_block(block, f"{where} step {i + 1}")
    return Entry(str(record["id"]), record["style"], str(record["text"]), tuple(record["steps"]))


def load_entries(paths: list[Path] | None = None) -> list[Entry]:
    """Every entry of the given JSON Lines files (default: the held-out set), validated; ids unique."""
    files = paths if paths is not None else sorted(p for p in HELDOUT_DIR.glob("*.jsonl") if p.name != "graded_series.jsonl")
    entries: list[Entry] = []
    for path in files:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                entries.append(parse_entry(json.loads(line), f"{Path(path).name}:{number}"))
    ids = [e.id for e in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ExpectationError(f"duplicate ids: {duplicates}")
    return entries


def check_block(block: dict, apex: np.ndarray) -> list[str]:
    """What a step's apex weights (52) get wrong against its block, in words; empty when all hold."""
    value = (lambda name: float(apex[INDEX[name]]))
    failures: list[str] = []
    for pattern in block.get("rise", []):
        failures += [f"{c} {value(c):.2f} < {RISE}" for c in expand(pattern) if value(c) < RISE]
    low_channels = ARKIT_NAMES if block.get("neutral") else [c for p in block.get("low", []) for c in expand(p)]
    failures += [f"{c} {value(c):.2f} > {LOW}" for c in low_channels if value(c) > LOW]
    for group in block.get("any", []):
        names = [c for p in group for c in expand(p)]
        if max(value(c) for c in names) < RISE:
            failures.append(f"none of {'/'.join(group)} reaches {RISE}")
    for a, b in block.get("sided", []):
        va, vb = max(value(c) for c in _alternatives(a)), max(value(c) for c in _alternatives(b))
        if va < vb + SIDE_MARGIN:
            failures.append(f"{a} {va:.2f} not above {b} {vb:.2f} by {SIDE_MARGIN}")
    for a, b in block.get("asym", []):
        va, vb = max(value(c) for c in _alternatives(a)), max(value(c) for c in _alternatives(b))
        if abs(va - vb) < SIDE_MARGIN:
            failures.append(f"{a} {va:.2f} and {b} {vb:.2f} are not one-sided")
    for pattern, (lo, hi) in block.get("range", {}).items():
        failures += [f"{c} {value(c):.2f} outside [{lo}, {hi}]" for c in expand(pattern) if not lo <= value(c) <= hi]
    return failures


def check_entry(entry: Entry, apexes: list[np.ndarray] | None) -> list[str]:
    """Every failed expectation of a reading (the apex of each step, in order; None = refused)."""
    if apexes is None:
        return ["refused"]
    if len(apexes) != len(entry.steps):
        return [f"{len(apexes)} steps where {len(entry.steps)} were asked"]
    failures: list[str] = []
    for i, (block, apex) in enumerate(zip(entry.steps, apexes)):
        failures += [f"step {i + 1}: {f}" for f in check_block(block, np.asarray(apex, np.float32))]
    return failures


@dataclass(frozen=True)
class Series:
    """Phrasings of one expression from weakest to strongest, and the channels that grade it."""

    id: str
    channels: tuple[str, ...]
    texts: tuple[str, ...]


MIN_SPAN = 0.25  # the strongest phrasing must exceed the weakest by this much
ORDER_TOLERANCE = 0.02  # a stronger phrasing may fall below the one before by at most this much


def load_series(path: Path | None = None) -> list[Series]:
    """The graded phrasings file (``graded_series.jsonl``), validated."""
    path = Path(path or HELDOUT_DIR / "graded_series.jsonl")
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        channels = tuple(c for p in record["channels"] for c in expand(p))
        if len(record["texts"]) < 3:
            raise ExpectationError(f"{path.name}:{number}: a series needs at least three phrasings")
        out.append(Series(str(record["id"]), channels, tuple(record["texts"])))
    return out


def series_levels(series: Series, apexes: list[np.ndarray | None]) -> list[float]:
    """The mean of the grading channels at each phrasing's apex (0 for a refused phrasing)."""
    return [0.0 if a is None else float(np.mean([a[INDEX[c]] for c in series.channels])) for a in apexes]


def is_monotonic(levels: list[float]) -> bool:
    """Non-decreasing within ORDER_TOLERANCE, and spanning at least MIN_SPAN from weakest to strongest."""
    steady = all(b >= a - ORDER_TOLERANCE for a, b in zip(levels, levels[1:]))
    return steady and levels[-1] - levels[0] >= MIN_SPAN
