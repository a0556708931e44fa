"""Render expression apexes on the default head, front view, for the MediaPipe judge and the docs.

    python -m i2fet_tools.judge_render WEIGHTS.npy OUT_FOLDER [--size 512] [--samples 16]

``WEIGHTS.npy`` holds N x 52 ARKit weights; image ``apex_0000.png`` ... shows row 0 ... on the
ICT default head (Cycles CPU, plain light). The head's vertices are set to the face model's
posed vertices (the same arithmetic as its shape keys), so no keys or animation are needed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import bpy
import numpy as np

from i2fet_blender.backend import bridge
from i2fet_blender.head.default_head import add_default_head
from i2fet_blender.io.preview import setup_portrait


def render_apexes(weights: np.ndarray, folder: Path, size: int = 512, samples: int = 16,
                  zoom: float = 1.3) -> list[Path]:
    """One PNG per weight row, in row order; ``zoom`` > 1 frames the face tighter than the preview."""
    weights = np.asarray(weights, np.float32).reshape(-1, bridge.arkit().NUM_CHANNELS)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    head = add_default_head(scene=scene)
    camera = setup_portrait(head, scene, size=size, samples=samples)
    camera.data.lens *= zoom
    model = bridge.face_model()
    mesh = head.data
    paths = []
    for row, vector in enumerate(weights):
        mesh.vertices.foreach_set("co", model.vertices(vector).astype(np.float32).ravel())
        mesh.update()
        path = folder / f"apex_{row:04d}.png"
        scene.render.filepath = str(path)
        bpy.ops.render.render(write_still=True, scene=scene.name)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("weights", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--zoom", type=float, default=1.3)
    args = parser.parse_args(argv)
    paths = render_apexes(np.load(args.weights, allow_pickle=False), args.out, args.size, args.samples, args.zoom)
    print(f"[judge_render] wrote {len(paths)} images to {args.out}", flush=True)


if __name__ == "__main__":
    main()
