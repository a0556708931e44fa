"""Ground-floor figures: backend time for a 120-frame clip, Blender write time, end to end cold and warm, peak memory."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROMPT = "a faint smile that slowly turns into open-mouthed surprise, then back to neutral"
FRAMES = 120


def _median_ms(function, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _in_process() -> dict:
    """Run inside a fresh process: cold first generation, then warm figures."""
    import bpy

    from i2fet_blender.io.keyframes import write_weight_animation
    from i2fet_blender.head.default_head import add_default_head
    from i2fet_blender.generate.pipeline import generate_on_object
    from ml_backend.naming.arkit import ARKIT_NAMES
    from ml_backend.face_model import load_face_model
    from ml_backend.pipeline import generate

    bpy.ops.wm.read_factory_settings(use_empty=True)
    started = time.perf_counter()
    head = add_default_head()
    generate_on_object(head, PROMPT, FRAMES, 1, 30.0)
    cold = time.perf_counter() - started
    model = load_face_model()
    clip = generate(PROMPT, frames=FRAMES, fps=30)
    key_map = {n: n for n in ARKIT_NAMES if n in head.data.shape_keys.key_blocks}
    return {
        "cold_end_to_end_s": cold,
        "backend_plan_and_weights_ms": _median_ms(lambda: generate(PROMPT, frames=FRAMES, fps=30)),
        "backend_vertex_offsets_ms": _median_ms(lambda: model.offsets(clip.weights)),
        "blender_write_keyframes_ms": _median_ms(
            lambda: write_weight_animation(head, key_map, ARKIT_NAMES, clip.weights, 1, "bench")),
        "warm_end_to_end_ms": _median_ms(lambda: generate_on_object(head, PROMPT, FRAMES, 1, 30.0)),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "tests.benchmarks.ground_floor", "--child"], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    clip_seconds = FRAMES / 30
    print(f"Ground floor ({FRAMES}-frame clip at 30 fps on the default head, {os.cpu_count()} cores)")
    print(f"  backend, instruction -> weights (warm):   {figures['backend_plan_and_weights_ms']:8.1f} ms")
    print(f"  backend, per-frame vertex offsets:         {figures['backend_vertex_offsets_ms']:8.1f} ms")
    print(f"  Blender keyframe write (51 curves):        {figures['blender_write_keyframes_ms']:8.1f} ms")
    print(f"  end to end, warm (Generate):               {figures['warm_end_to_end_ms']:8.1f} ms"
          f"  ({figures['warm_end_to_end_ms'] / 1000 / clip_seconds:.4f} x clip length)")
    print(f"  end to end, cold (new process, incl. head): {figures['cold_end_to_end_s']:7.2f} s")
    print(f"  peak memory (RSS):                          {figures['peak_rss_mb']:7.0f} MB")
    return figures


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(_in_process()))
    else:
        main()
