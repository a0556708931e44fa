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
from .export_scope import check_export, ensure_addon, imported_objects, selected_for_export

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
    check_export(filepath, objects)
    ensure_addon(_FBX_ADDON, "FBX")
    with selected_for_export(objects, frame_range):
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
    if "FINISHED" not in result:
        raise BlenderIOError(f"The FBX exporter could not write '{filepath}'.")


def import_fbx(filepath: str) -> list[bpy.types.Object]:
    """Import an FBX file and return the objects it added, keys on their original frames."""
    if not os.path.isfile(filepath):
        raise BlenderIOError(f"There is no FBX file at '{filepath}'.")
    ensure_addon(_FBX_ADDON, "FBX")
    before = {obj.name for obj in bpy.data.objects}
    result = bpy.ops.import_scene.fbx(filepath=filepath, anim_offset=0.0)
    if "FINISHED" not in result:
        raise BlenderIOError(f"The FBX importer could not read '{filepath}'.")
    return imported_objects(before)
