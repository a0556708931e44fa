"""Instruction -> plan, warm, on one core, for the compositional reader (and the others side by side).

Prints per-instruction median milliseconds; the goal is <= 20 ms warm for the default reader. Words the
tables know need no text encoder; an unknown word costs one MiniLM call the first time it is seen
(cached after), shown separately. Run: PYTHONPATH=. .venv/bin/python tests/benchmarks/reader_speed.py [--all]
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

INSTRUCTIONS = (
    "a faint smile that slowly turns into open-mouthed surprise, then back to neutral",
    "her eyes widen and her mouth falls open",
    "a half smile on the left, right brow raised",
    "anger gives way to a shy grin, hold it for a second, then she tries not to laugh",
    "(beat) Her smile fades. She looks up at the sky with a gentle smile.",
    "make him look exhausted",
)


def _time(fn, repeats: int = 15) -> float:
    fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    import torch

    torch.set_num_threads(1)
    from ml_backend.ifed.confidence import with_alignment
    from ml_backend.motion.schedule import schedule
    from ml_backend.reading.registry import DEFAULT_READER, get_reader

    names = [DEFAULT_READER] + (["ifed", "lexicon"] if "--all" in sys.argv else [])
    for name in names:
        reader = get_reader(name)
        print(f"reader {name} (one core, warm, median of 15):")
        total = []
        for text in INSTRUCTIONS:
            def plan(text=text):
                steps, notes = reader.read(text)
                steps = with_alignment(steps, name, text)  # the plan's confidence, as pipeline.generate reports it
                return schedule(steps, duration=4.0, fps=30.0, instruction=text, notes=tuple(notes), reader=name)
            ms = _time(plan)
            total.append(ms)
            print(f"  {ms:7.2f} ms  {text}")
        print(f"  worst {max(total):.2f} ms, median {statistics.median(total):.2f} ms (goal <= 20 ms)")
    if DEFAULT_READER == "compose":
        reader = get_reader("compose")
        start = time.perf_counter()
        reader.read("she looks weepy")  # an unknown word: one encoder call, then cached
        first = (time.perf_counter() - start) * 1000
        print(f"compose, an unknown word matched by meaning: first time {first:.1f} ms (encoder), "
              f"then {_time(lambda: reader.read('she looks weepy')):.2f} ms (cached)")


if __name__ == "__main__":
    main()
