"""The product's main job end to end, for the README's first command (``python3 build.py demo``).

Builds the default head, generates the instruction on it, and writes a .blend, an .fbx, a Live
Link Face CSV and a preview sheet (Cycles CPU) into the output folder.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import bpy  # noqa: I001  (bpy first: it makes addon_utils importable)
import addon_utils

from .backend import bridge
from .errors import AddonError
from .generate.pipeline import generate_on_object
from .head.default_head import add_default_head
from .io.preview import render_frames, setup_portrait, tile_sheet
from .io.scene_files import export_fbx

FPS = 30


def run_demo(instruction: str, frames: int, out: Path, render: bool = True, size: int = 256,
             samples: int = 24) -> dict[str, Path]:
    """Animate the default head from ``instruction``; returns the written files by kind."""
    out.mkdir(parents=True, exist_ok=True)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    addon_utils.enable(bridge.ADDON_PACKAGE, default_set=True)  # the factory reset disabled it: run as an animator would
    scene = bpy.context.scene
    scene.render.fps, scene.render.fps_base = FPS, 1.0
    print("[demo] building the default head", flush=True)
    head = add_default_head(scene=scene)
    started = time.perf_counter()
    result = generate_on_object(head, instruction, frames=frames, frame_start=1, fps=FPS)
    print(result.summary)
    print(f"[demo] generated and keyed {frames} frames in {time.perf_counter() - started:.2f} s", flush=True)
    scene.frame_start, scene.frame_end = result.frame_start, result.frame_end
    files = {"blend": out / "demo.blend", "fbx": out / "demo.fbx", "csv": out / "demo_livelink.csv"}
    bridge.write_livelink_csv(files["csv"], result.weights, FPS)
    export_fbx(str(files["fbx"]), [head])
    if render:
        setup_portrait(head, scene, size=size, samples=samples)
        picks = [int(round(x)) for x in _evenly(result.frame_start, result.frame_end, 6)]
        print(f"[demo] rendering {len(picks)} preview frames with Cycles (CPU)", flush=True)
        stills = []
        for i, frame in enumerate(picks, 1):
            stills += render_frames([frame], out / "frames", scene)
            print(f"[demo] rendered {i}/{len(picks)} (frame {frame})", flush=True)
        files["preview"] = tile_sheet(stills, out / "preview_sheet.png")
    bpy.ops.wm.save_as_mainfile(filepath=str(files["blend"]))
    return files


def _evenly(first: int, last: int, count: int) -> list[float]:
    if count == 1 or last == first:
        return [first]
    return [first + (last - first) * i / (count - 1) for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m i2fet_blender.demo", description="Animate the default head from an instruction.")
    parser.add_argument("instruction")
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--out", default="out/demo")
    parser.add_argument("--no-render", action="store_true")
    args = parser.parse_args(argv)
    try:
        files = run_demo(args.instruction, args.frames, Path(args.out).resolve(), render=not args.no_render)
    except AddonError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for kind, path in files.items():
        print(f"[demo] {kind}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
