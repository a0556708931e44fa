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
from .fbx_io import _animated_frame_range

_GLTF_ADDON = "io_scene_gltf2"


def export_gltf(filepath: str, objects: Sequence[bpy.types.Object], frame_range: tuple[int, int] | None = None) -> None:
    """Write ``objects`` with their shape-key animation as .glb (or .gltf by extension)."""
    if not objects:
        raise BlenderIOError("Nothing to export: pick at least one object.")
    directory = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(directory):
        raise BlenderIOError(f"The folder '{directory}' does not exist.")
    _ensure_addon()
    context = bpy.context
    view_layer, scene = context.view_layer, context.scene
    for obj in objects:
        if view_layer.objects.get(obj.name) != obj:
            raise BlenderIOError(f"'{obj.name}' is not in the current view layer, so it cannot be exported.")
    start, end = frame_range or _animated_frame_range(objects) or (scene.frame_start, scene.frame_end)
    selected = [obj for obj in view_layer.objects if obj.select_get()]
    active = view_layer.objects.active
    saved_range = (scene.frame_start, scene.frame_end)
    try:
        for obj in selected:
            obj.select_set(False)
        for obj in objects:
            obj.select_set(True)
        view_layer.objects.active = objects[0]
        scene.frame_start, scene.frame_end = start, end
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
    finally:
        scene.frame_start, scene.frame_end = saved_range
        for obj in view_layer.objects:
            obj.select_set(False)
        for obj in selected:
            obj.select_set(True)
        view_layer.objects.active = active
    if "FINISHED" not in result:
        raise BlenderIOError(f"The glTF exporter could not write '{filepath}'.")


def import_gltf(filepath: str) -> list[bpy.types.Object]:
    """Import a glTF file and return the objects it added."""
    if not os.path.isfile(filepath):
        raise BlenderIOError(f"There is no glTF file at '{filepath}'.")
    _ensure_addon()
    before = {obj.name for obj in bpy.data.objects}
    result = bpy.ops.import_scene.gltf(filepath=filepath)
    if "FINISHED" not in result:
        raise BlenderIOError(f"The glTF importer could not read '{filepath}'.")
    return [obj for obj in bpy.data.objects if obj.name not in before]


def _ensure_addon() -> None:
    if _GLTF_ADDON in bpy.context.preferences.addons:
        return
    import addon_utils

    addon_utils.enable(_GLTF_ADDON, default_set=True)
    if _GLTF_ADDON not in bpy.context.preferences.addons:
        raise BlenderIOError("Blender's glTF add-on could not be enabled; enable it in Preferences > Add-ons.")
