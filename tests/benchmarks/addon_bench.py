"""Add-on timings: enable, Generate cold and warm (default head, 50,000-vertex head), FBX export; and
how many add-on and backend modules one warm Generate click runs code in.

    python -m tests.benchmarks.addon_bench

"Enable" runs in a fresh subprocess (so nothing is imported yet) and also reports whether torch
was imported by it. "Cold" is the first Generate of the process (text encoder and face model load).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENABLE_SCRIPT = (
    "import sys, time, json; import bpy, addon_utils; t = time.perf_counter(); "
    "addon_utils.enable('i2fet_blender', default_set=True); "
    "print('I2FET ' + json.dumps({'enable_s': time.perf_counter() - t, 'torch': 'torch' in sys.modules}))"
)


def enable_time() -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), BLENDER_USER_RESOURCES=tempfile.mkdtemp(prefix="i2fet-bench-"))
    out = subprocess.run([sys.executable, "-c", ENABLE_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("I2FET "))[6:])


def _dense_head(vertices: int):
    """A sphere of about ``vertices`` vertices with the 51 ARKit keys the ICT model has (random offsets)."""
    import bmesh
    import bpy
    import numpy as np

    from ml_backend.naming.arkit import ARKIT_NAMES

    side = int((vertices / 2) ** 0.5)
    mesh = bpy.data.meshes.new("Dense")
    bm = bmesh.new()
    bmesh.ops.create_uvsphere(bm, u_segments=2 * side, v_segments=side, radius=1.0)
    bm.to_mesh(mesh)
    bm.free()
    obj = bpy.data.objects.new("Dense", mesh)
    bpy.context.scene.collection.objects.link(obj)
    obj.shape_key_add(name="Basis", from_mix=False)
    rng = np.random.default_rng(0)
    basis = np.empty(len(mesh.vertices) * 3, np.float32)
    mesh.vertices.foreach_get("co", basis)
    for name in ARKIT_NAMES[:51]:
        block = obj.shape_key_add(name=name, from_mix=False)
        block.data.foreach_set("co", basis + rng.normal(scale=0.01, size=basis.size).astype(np.float32))
        block.value = 0.0
    return obj


def _generate(obj) -> float:
    import bpy

    bpy.context.view_layer.objects.active = obj
    started = time.perf_counter()
    result = bpy.ops.i2fet.generate()
    if result != {"FINISHED"}:
        raise RuntimeError(f"Generate returned {result}")
    return time.perf_counter() - started


def click_modules(obj) -> dict[str, list[str]]:
    """Modules of the add-on and of the backend whose functions run during one (warm) Generate click."""
    seen: set[str] = set()

    def trace(frame, event, arg):
        if event == "call":
            name = frame.f_globals.get("__name__", "")
            if name.startswith(("i2fet_blender", "ml_backend")):
                seen.add(name)

    sys.setprofile(trace)
    try:
        _generate(obj)
    finally:
        sys.setprofile(None)
    return {"add-on": sorted(n for n in seen if n.startswith("i2fet_blender")),
            "backend": sorted(n for n in seen if n.startswith("ml_backend"))}


def main(argv: list[str] | None = None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("BLENDER_USER_RESOURCES", tempfile.mkdtemp(prefix="i2fet-bench-"))
    enabled = enable_time()
    print(f"[addon] enable the add-on: {enabled['enable_s'] * 1000:.0f} ms (torch imported: {enabled['torch']})")
    import bpy  # noqa: I001  (addon_utils becomes importable once bpy is)
    import addon_utils

    bpy.ops.wm.read_factory_settings(use_empty=True)
    addon_utils.enable("i2fet_blender", default_set=True)
    settings = bpy.context.scene.i2fet
    settings.prompt = "a faint smile turning into surprise, then back to neutral"
    settings.duration_unit, settings.frames = "FRAMES", 120
    bpy.ops.i2fet.add_default_head()
    head = bpy.context.active_object
    cold = _generate(head)
    warm = _generate(head)
    print(f"[addon] Generate 120 frames, default head ({len(head.data.vertices):,} vertices): cold {cold:.2f} s, warm {warm:.2f} s")
    crossed = click_modules(head)
    print(f"[addon] one Generate click runs code in {len(crossed['add-on'])} add-on and {len(crossed['backend'])} "
          f"backend modules: {', '.join(m.removeprefix('i2fet_blender.') for m in crossed['add-on'])}")
    dense = _dense_head(50_000)
    first = _generate(dense)
    second = _generate(dense)
    print(f"[addon] Generate 120 frames, {len(dense.data.vertices):,}-vertex head with 51 ARKit keys: "
          f"first {first:.2f} s, again {second:.2f} s")
    from i2fet_blender.io.scene_files import export_fbx

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        export_fbx(str(Path(folder) / "head.fbx"), [head])
        print(f"[addon] export FBX, default head with 120 frames: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
