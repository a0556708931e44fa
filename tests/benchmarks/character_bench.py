"""Whole-character generation: the cost of writing one clip on every part against the head alone.

    python -m tests.benchmarks.character_bench

Builds the test character of ``tests.character_scene`` (ICT head, teeth and eyes under an armature) keyed (every
part has the 51 ARKit keys) and keyless (teeth and eyes turned with the face), and times the pipeline's write
step (``pipeline.write_result``: the backend's numbers are computed once, outside the timing) with the whole
character and with the head alone, dense and sparse keys. Prints median seconds over repeats and the ratio, and
what the Character Parts panel's list costs computed (``generate.parts.character_plan``) against the head alone's write,
and per redraw with nothing changed (``shown_plan``: remembered) against computed.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("BLENDER_USER_RESOURCES", tempfile.mkdtemp(prefix="i2fet-bench-"))
sys.path.insert(0, str(ROOT))

PROMPT = "she opens her mouth wide in surprise and looks down"
FRAMES, REPEATS = 120, 5


def _write_seconds(keyed: bool, whole: bool, keys: str) -> float:
    import bpy  # noqa: I001  (bpy first: it makes addon_utils importable)
    import addon_utils

    from i2fet_blender.clips.edit import delete_clip
    from i2fet_blender.generate import pipeline
    from i2fet_blender.generate.request import request_for_object
    from ml_backend.face_model import load_face_model
    from tests.character_scene import build_character

    bpy.ops.wm.read_factory_settings(use_empty=True)
    addon_utils.enable("i2fet_blender", default_set=True)
    head = build_character(load_face_model(), keyed)["Head"]
    request = request_for_object(head, PROMPT, FRAMES, 1, 30.0, options={"reader": "lexicon"}, whole_character=whole)
    request = replace(request, motion={"keys": keys})
    computed = pipeline.compute(request)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = pipeline.write_result(request, computed)
        times.append(time.perf_counter() - start)
        delete_clip(result.action)
    return statistics.median(times)


def _plan_seconds(keyed: bool, remembered: bool = False) -> float:
    """Median time of the Character Parts panel's list (one redraw), eyes named without a side (read from the face):
    computed afresh (``character_plan``), or as the panel gets it with nothing changed (``shown_plan``)."""
    import bpy  # noqa: I001  (bpy first: it makes addon_utils importable)
    import addon_utils

    from i2fet_blender.generate.parts import character_plan, shown_plan
    from ml_backend.face_model import load_face_model
    from tests.character_scene import build_character

    bpy.ops.wm.read_factory_settings(use_empty=True)
    addon_utils.enable("i2fet_blender", default_set=True)
    parts = build_character(load_face_model(), keyed)
    parts["EyeLeft"].name, parts["EyeRight"].name = "Eyeball", "Eyeball.001"
    plan = shown_plan if remembered else character_plan
    plan(parts["Head"])
    times = []
    for _ in range(10 * REPEATS):
        start = time.perf_counter()
        plan(parts["Head"])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print(f"write step of a {FRAMES}-frame clip, median of {REPEATS} (seconds)")
    for keyed, label in ((True, "keyed parts (head, teeth, 2 eyes)"), (False, "keyless teeth and eyes turned")):
        for keys in ("dense", "sparse"):
            alone = _write_seconds(keyed, False, keys)
            whole = _write_seconds(keyed, True, keys)
            print(f"{label:36s} {keys:6s}: head alone {alone:.3f} s, whole character {whole:.3f} s "
                  f"(x{whole / alone:.2f})")
        plan, remembered = _plan_seconds(keyed), _plan_seconds(keyed, remembered=True)
        print(f"{label:36s} panel part list: {plan * 1000:.1f} ms computed "
              f"(x{plan / _write_seconds(keyed, False, 'sparse'):.2f} the head alone's sparse write), "
              f"{remembered * 1000:.2f} ms per redraw with nothing changed (x{remembered / plan:.3f})")


if __name__ == "__main__":
    main()
