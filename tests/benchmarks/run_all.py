"""``python3 build.py bench``: every benchmark that prints figures (no pass/fail: these machines are noisy).

Each module listed has ``main(argv)``.
"""

from __future__ import annotations

import importlib

BENCHMARKS = (
    "tests.benchmarks.ground_floor",
    "tests.benchmarks.runtime_bench",
    "i2fet_tools.motion.evaluate",
    "i2fet_tools.fitting.evaluate",
    "tests.benchmarks.addon_bench",
)


def main() -> None:
    for name in BENCHMARKS:
        print(f"\n== {name} ==", flush=True)
        importlib.import_module(name).main([])


if __name__ == "__main__":
    main()
