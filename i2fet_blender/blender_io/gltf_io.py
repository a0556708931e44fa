"""glTF export and import of a head with its morph targets and their animation.

Export: only the given objects, modifiers not applied (shape keys need that), morph targets
with their animation, the shape keys' active action sampled at every frame. Import: the file's
morph targets come back as shape keys, their animation as an action on them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import bpy

from .errors import BlenderIOError
from .export_scope import check_export, ensure_addon, imported_objects, selected_for_export

_GLTF_ADDON = "io_scene_gltf2"


def export_gltf(filepath: str, objects: Sequence[bpy.types.Object], frame_range: tuple[int, int] | None = None) -> None:
    """Write ``objects`` with their shape-key animation as .glb (or .gltf by extension)."""
    check_export(filepath, objects)
    ensure_addon(_GLTF_ADDON, "glTF")
    with selected_for_export(objects, frame_range):
        result = bpy.ops.export_scene.gltf(
            filepath=filepath,
            check_existing=False,
            export_format="GLTF_SEPARATE" if filepath.lower().endswith(".gltf") else "GLB",
            use_selection=True,
            export_apply=False,
            export_morph=True,
            export_morph_normal=False,
            export_animations=True,
            export_force_sampling=True,
            export_frame_range=True,
            export_animation_mode="ACTIVE_ACTIONS",
        )
    if "FINISHED" not in result:
        raise BlenderIOError(f"The glTF exporter could not write '{filepath}'.")


def import_gltf(filepath: str) -> list[bpy.types.Object]:
    """Import a glTF file and return the objects it added."""
    if not os.path.isfile(filepath):
        raise BlenderIOError(f"There is no glTF file at '{filepath}'.")
    ensure_addon(_GLTF_ADDON, "glTF")
    before = {obj.name for obj in bpy.data.objects}
    result = bpy.ops.import_scene.gltf(filepath=filepath)
    if "FINISHED" not in result:
        raise BlenderIOError(f"The glTF importer could not read '{filepath}'.")
    return imported_objects(before)
