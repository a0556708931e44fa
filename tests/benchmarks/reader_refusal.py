"""How often each reader refuses real non-face text (that nobody wrote for this purpose) on this machine.

Sources, all already installed: first sentences of the docstrings of Python's standard library, lines of
its source code, and license texts of the installed packages; plus numbers, punctuation and emoji.
Development check for the reader's thresholds (issue 10b measures refusal on its own held-out strings).
Run: PYTHONPATH=. .venv/bin/python tests/benchmarks/reader_refusal.py [N] [-v] [--all: the old readers too, slow]
"""

from __future__ import annotations

import inspect
import os
import random
import re
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
STDLIB = ("json", "os", "re", "collections", "string", "textwrap", "shutil", "pathlib", "argparse", "logging",
          "csv", "difflib", "email", "http.client", "urllib.parse", "zipfile", "tarfile", "subprocess", "datetime",
          "calendar", "decimal", "fractions", "statistics", "random", "heapq", "bisect", "functools", "itertools",
          "typing", "dataclasses", "enum", "inspect", "pickle", "sqlite3", "socket", "threading", "asyncio",
          "unittest", "doctest", "tempfile", "glob", "fnmatch", "configparser", "hashlib", "base64", "uuid")


def non_face_strings(count: int, seed: int = 0) -> list[str]:
    """Real non-face strings from installed sources, shuffled with ``seed``."""
    import importlib

    rng = random.Random(seed)
    docs, code = [], []
    for name in STDLIB:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for _, obj in inspect.getmembers(module):
            doc = inspect.getdoc(obj) if (inspect.isfunction(obj) or inspect.isclass(obj)) else None
            if doc:
                first = re.split(r"(?<=\.)\s", doc.strip().split("\n\n")[0].replace("\n", " "))[0]
                if 10 <= len(first) <= 300:
                    docs.append(first)
        try:
            source = inspect.getsource(module)
        except (OSError, TypeError):
            continue
        code.extend(line.strip() for line in source.splitlines() if len(line.strip()) > 15)
    licenses = []
    site = Path(sys.prefix) / "lib"
    for path in list(site.glob("python3*/site-packages/*.dist-info/LICEN[SC]E*"))[:80]:
        text = path.read_text(errors="ignore") if path.is_file() else ""
        licenses.extend(p.strip().replace("\n", " ") for p in text.split("\n\n") if 20 <= len(p.strip()) <= 300)
    symbols = ["~~~", "][", "...", "!!!", "???", "----", "***", "{}", "()", "<>", ";;", "#!", "@@", "%%", "^_^",
               "😀😀", "👍", "🎉🎉🎉", "❤️", "🙂🙃", "12345", "3.14159", "2026-12-02", "0x1F", "1e-9", "42", "-7"]
    docs, code, licenses = (rng.sample(x, len(x)) for x in (sorted(set(docs)), sorted(set(code)), sorted(set(licenses))))
    share = count // 3
    pool = docs[:share] + code[:share // 2] + licenses[:share // 2] + symbols
    pool += docs[share:share + count - len(pool)]
    return pool[:count]


def main() -> None:
    from ml_backend.errors import BadInstructionError
    from ml_backend.reading.registry import get_reader

    count = next((int(a) for a in sys.argv[1:] if a.isdigit()), 1200)
    strings = non_face_strings(count)
    print(f"{len(strings)} real non-face strings (stdlib docstrings and code, package licenses, symbols)")
    names = ("compose", "ifed", "lexicon") if "--all" in sys.argv else ("compose",)
    for name in names:
        reader = get_reader(name)
        refused, missed = 0, []
        for text in strings:
            try:
                reader.read(text)
                missed.append(text)
            except BadInstructionError:
                refused += 1
        print(f"  {name:8s} refused {refused / len(strings):.3f}", flush=True)
        if "-v" in sys.argv and name == "compose":
            for text in missed[:40]:
                print(f"      read as a face: {text[:110]!r}")


if __name__ == "__main__":
    main()
