"""Figures for the any-head fit: six expressions on two heads of foreign topology.

The MediaPipe canonical face (468 vertices) and the MakeHuman base body (CC0; its head region is
found automatically) are fitted with ``i2fet_blender.head.fit.fit_object``, posed with their new
ARKit keys and rendered with Cycles on the CPU into ``<out_dir>/anyhead_<name>.png``.

Run: ``python -m docs.anyhead_figures [out_dir]`` (default ``docs/img``). The evaluation's sheets (nine heads
and the default head, six expressions each, ``docs/img/anyhead_<head>.png``) come from
``python build.py eval-heads --sheets`` (``i2fet_tools.fitting.eval_heads``), with the table in docs/anyhead.md.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

EXPRESSIONS = (  # label, ARKit weights
    ("smile", {"mouthSmileLeft": 0.9, "mouthSmileRight": 0.9, "cheekSquintLeft": 0.5, "cheekSquintRight": 0.5}),
    ("surprise", {"jawOpen": 0.6, "browInnerUp": 0.9, "browOuterUpLeft": 0.8, "browOuterUpRight": 0.8, "eyeWideLeft": 0.7,
                  "eyeWideRight": 0.7}),
    ("anger", {"browDownLeft": 1.0, "browDownRight": 1.0, "noseSneerLeft": 0.6, "noseSneerRight": 0.6, "mouthPressLeft": 0.6,
               "mouthPressRight": 0.6}),
    ("sadness", {"mouthFrownLeft": 0.9, "mouthFrownRight": 0.9, "browInnerUp": 0.8, "mouthShrugLower": 0.5}),
    ("wink", {"eyeBlinkLeft": 1.0, "mouthSmileLeft": 0.5, "mouthLeft": 0.3, "cheekSquintLeft": 0.6}),
    ("pucker", {"mouthPucker": 1.0, "mouthFunnel": 0.3, "browInnerUp": 0.3}),
)
SKIN = (0.62, 0.45, 0.36, 1.0)


def _object_from(bpy, name: str, vertices: np.ndarray, triangles: np.ndarray):
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(vertices.tolist(), [], triangles.tolist())
    mesh.update()
    mesh.shade_smooth()
    material = bpy.data.materials.new(f"{name} skin")
    material.diffuse_color = SKIN
    material.use_nodes = True
    material.node_tree.nodes["Principled BSDF"].inputs["Base Color"].default_value = SKIN
    mesh.materials.append(material)
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    obj.rotation_euler = (np.pi / 2, 0.0, 0.0)  # the assets are Y up; Blender is Z up
    return obj


def _framing_box(bpy, obj, landmarks: dict[str, np.ndarray]):
    """An invisible box around the face (from the landmarks) for the portrait camera to frame."""
    points = np.array(list(landmarks.values()))
    eye = np.linalg.norm(landmarks["eye_outer_left"] - landmarks["eye_outer_right"])
    centre = points.mean(0)
    # setup_portrait aims at 62% of the box height (mesh Y is up here): put that at the face's centre
    low = centre - np.array([1.4, 0.62 * 3.4, 1.0]) * eye
    high = centre + np.array([1.4, 0.38 * 3.4, 1.0]) * eye
    corners = [np.where(np.array(s, dtype=bool), high, low) for s in np.ndindex(2, 2, 2)]
    box = bpy.data.objects.new("I2FET framing", bpy.data.meshes.new("I2FET framing"))
    box.data.from_pydata([tuple(c) for c in corners], [], [])
    bpy.context.scene.collection.objects.link(box)
    box.matrix_world = obj.matrix_world
    box.hide_render = True
    return box


def render_sheet(bpy, obj, out: Path, size: int = 256, samples: int = 16) -> Path:
    """Fit ``obj``, key the six expressions on frames 1-6, render and tile them into ``out``."""
    from i2fet_blender.head import fit as head_fit
    from i2fet_blender.io import preview

    head_fit.fit_object(obj, use_landmarks=False)
    landmarks = head_fit.read_landmarks(obj)
    bpy.context.view_layer.update()
    box = _framing_box(bpy, obj, landmarks)
    bpy.context.view_layer.update()
    preview.setup_portrait(box, bpy.context.scene, size=size, samples=samples)
    keys = obj.data.shape_keys.key_blocks
    for frame, (_, weights) in enumerate(EXPRESSIONS, start=1):
        for block in keys[1:]:
            block.value = weights.get(block.name, 0.0)
            block.keyframe_insert("value", frame=frame)
    with tempfile.TemporaryDirectory() as folder:
        frames = preview.render_frames(range(1, len(EXPRESSIONS) + 1), Path(folder), bpy.context.scene)
        return preview.tile_sheet(frames, out, columns=3)


def make_figures(out_dir: Path) -> list[Path]:
    """Render ``anyhead_mediapipe.png`` and ``anyhead_makehuman.png`` into ``out_dir``."""
    import bpy

    from ml_backend.fitting.foreign import makehuman_body, mediapipe_face

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for name, mesh, scale in (("mediapipe", mediapipe_face(), 0.01), ("makehuman", makehuman_body(), 0.1)):
        bpy.ops.wm.read_factory_settings(use_empty=True)
        obj = _object_from(bpy, name, mesh.vertices, mesh.triangles)
        obj.scale = (scale, scale, scale)
        bpy.context.view_layer.update()
        results.append(render_sheet(bpy, obj, out_dir / f"anyhead_{name}.png"))
    return results


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    for path in make_figures(Path(sys.argv[1]) if len(sys.argv) > 1 else root / "docs" / "img"):
        print(path)
