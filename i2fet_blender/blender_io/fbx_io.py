"""FBX export and import with the settings game engines need for blendshape animation.

Export: only the given objects, modifiers not applied (the FBX exporter drops shape keys
when it applies modifiers), every frame baked without curve simplification, the current
action only (no extra takes for NLA strips or other actions), no leaf bones, -Z forward / Y up.
Import: ``anim_offset=0.0`` so keys stay on their frames (the importer shifts by one otherwise).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import bpy

from .errors import BlenderIOError

_FBX_ADDON = "io_scene_fbx"


def export_fbx(
    filepath: str,
    objects: Sequence[bpy.types.Object],
    frame_range: tuple[int, int] | None = None,
) -> None:
    """Write ``objects`` with their shape-key animation to ``filepath``.

    The baked frames are ``frame_range`` when given, else the span of the objects'
    shape-key actions (the scene's range when none is animated). The user's selection,
    active object and scene frame range are restored afterwards.
    """
    if not objects:
        raise BlenderIOError("Nothing to export: pick at least one object.")
    context = bpy.context
    view_layer = context.view_layer
    scene = context.scene
    for obj in objects:
        if view_layer.objects.get(obj.name) != obj:
            raise BlenderIOError(f"'{obj.name}' is not in the current view layer, so it cannot be exported.")
    directory = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(directory):
        raise BlenderIOError(f"The folder '{directory}' does not exist.")
    _ensure_fbx_addon()

    start, end = frame_range or _animated_frame_range(objects) or (scene.frame_start, scene.frame_end)
    if end < start:
        raise BlenderIOError(f"The frame range {start}-{end} ends before it starts.")
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
        result = bpy.ops.export_scene.fbx(
            filepath=filepath,
            check_existing=False,
            use_selection=True,
            use_mesh_modifiers=False,
            mesh_smooth_type="FACE",
            add_leaf_bones=False,
            bake_anim=True,
            bake_anim_use_all_actions=False,
            bake_anim_use_nla_strips=False,
            bake_anim_force_startend_keying=True,
            bake_anim_simplify_factor=0.0,
            axis_forward="-Z",
            axis_up="Y",
        )
    finally:
        scene.frame_start, scene.frame_end = saved_range
        for obj in view_layer.objects:
            obj.select_set(False)
        for obj in selected:
            obj.select_set(True)
        view_layer.objects.active = active
    if "FINISHED" not in result:
        raise BlenderIOError(f"The FBX exporter could not write '{filepath}'.")


def import_fbx(filepath: str) -> list[bpy.types.Object]:
    """Import an FBX file and return the objects it added, keys on their original frames."""
    if not os.path.isfile(filepath):
        raise BlenderIOError(f"There is no FBX file at '{filepath}'.")
    _ensure_fbx_addon()
    before = {obj.name for obj in bpy.data.objects}
    result = bpy.ops.import_scene.fbx(filepath=filepath, anim_offset=0.0)
    if "FINISHED" not in result:
        raise BlenderIOError(f"The FBX importer could not read '{filepath}'.")
    return [obj for obj in bpy.data.objects if obj.name not in before]


def _animated_frame_range(objects: Sequence[bpy.types.Object]) -> tuple[int, int] | None:
    """Integer frame span covering the actions on the objects' shape keys, or None."""
    ranges = []
    for obj in objects:
        key = obj.data.shape_keys if obj.type == "MESH" else None
        action = key.animation_data.action if key is not None and key.animation_data else None
        if action is not None:
            ranges.append(tuple(action.frame_range))
    if not ranges:
        return None
    return int(min(r[0] for r in ranges)), int(round(max(r[1] for r in ranges)))


def _ensure_fbx_addon() -> None:
    """read_factory_settings and some user setups leave Blender's FBX add-on disabled."""
    if _FBX_ADDON in bpy.context.preferences.addons:
        return
    import addon_utils

    addon_utils.enable(_FBX_ADDON, default_set=True)
    if _FBX_ADDON not in bpy.context.preferences.addons:
        raise BlenderIOError("Blender's FBX add-on could not be enabled; enable it in Preferences > Add-ons.")
