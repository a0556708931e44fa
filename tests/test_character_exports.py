"""Exports carry a whole character (issue 12): every keyed part's shape-key animation and the keyless teeth and
eyes the clip turns, checked by exporting with the panel's buttons, importing into an empty file with Blender's
importers, and comparing every part's world-space vertices with the original's at several frames."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from tests.character_scene import _faces_of, build_character, build_part, world_vertices

FRAMES = 30
CHECK_FRAMES = (1, 10, 18, 26)
PARTS = ("Head", "Lashes", "LowerTeeth", "UpperTeeth", "EyeLeft", "EyeRight")


def _character_with_clip(blender, face_model) -> dict[str, dict[int, np.ndarray]]:
    """Keyless teeth and eyes, keyed head and lashes; one clip; world vertices of each part at CHECK_FRAMES."""
    parts = build_character(face_model, keyed=False)
    build_part("Lashes", face_model, _faces_of(face_model, ("M_EyeLashes",)), True, parts["Rig"])
    blender.context.view_layer.objects.active = parts["Head"]
    settings = blender.context.scene.i2fet
    settings.prompt, settings.duration_unit, settings.frames = "she opens her mouth, blinks and looks down", "FRAMES", FRAMES
    settings.use_current_frame, settings.frame_start = False, 1
    assert blender.ops.i2fet.generate() == {"FINISHED"}
    scene = blender.context.scene
    shapes = {}
    for frame in CHECK_FRAMES:
        scene.frame_set(frame)
        for name in PARTS:
            shapes.setdefault(name, {})[frame] = world_vertices(blender.data.objects[name])
    return shapes


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    """Largest distance from a point of either set to the other set (vertex order and splits do not matter)."""
    return max(float(cKDTree(b).query(a)[0].max()), float(cKDTree(a).query(b)[0].max()))


def _moves(shapes: dict[int, np.ndarray]) -> float:
    return max(_distance(shapes[CHECK_FRAMES[0]], v) for v in shapes.values())


@pytest.mark.parametrize("fmt", ["fbx", "glb"])
def test_export_and_reimport_carry_every_part(blender, face_model, tmp_path, fmt):
    from i2fet_blender.io.scene_files import import_fbx, import_gltf

    shapes = _character_with_clip(blender, face_model)
    for name in ("Head", "LowerTeeth", "EyeLeft", "EyeRight", "Lashes"):
        assert _moves(shapes[name]) > 1e-3, name  # each of these moves in the clip
    path = tmp_path / f"character.{fmt}"
    operator = blender.ops.i2fet.export_fbx if fmt == "fbx" else blender.ops.i2fet.export_gltf
    assert operator(filepath=str(path)) == {"FINISHED"}
    blender.ops.wm.read_factory_settings(use_empty=True)
    imported = import_fbx(str(path)) if fmt == "fbx" else import_gltf(str(path))
    by_name = {obj.name.split(".")[0]: obj for obj in imported if obj.type == "MESH"}
    assert set(PARTS) <= set(by_name), sorted(by_name)
    scene = blender.context.scene
    for frame in CHECK_FRAMES:
        scene.frame_set(frame)
        for name in PARTS:
            error = _distance(world_vertices(by_name[name]), shapes[name][frame])
            assert error < 2e-4, (fmt, name, frame, error)  # a fifth of a millimetre on a 25 cm head
