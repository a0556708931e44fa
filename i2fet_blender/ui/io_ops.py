"""Export and import operators: FBX, glTF, Live Link Face CSV (the work is in ``io/``)."""

from __future__ import annotations

from pathlib import Path

import bpy
from bpy.props import FloatProperty, StringProperty
from bpy_extras.io_utils import ExportHelper, ImportHelper

from ..clips.store import require_selected_clip
from ..errors import BlenderIOError
from ..generate.request import scene_fps
from ..head.character import export_objects
from ..io import livelink, scene_files
from .report import Reporting


def _active_mesh(context) -> bpy.types.Object:
    obj = context.active_object
    if obj is None or obj.type != "MESH":
        raise BlenderIOError("Select the head mesh to export.")
    return obj


class _SceneExport(Reporting, ExportHelper):
    """Export the active head in one of ``io.scene_files``' formats."""

    file_format: scene_files.SceneFormat

    def run(self, context):
        head = _active_mesh(context)
        objects = export_objects(head) if context.scene.i2fet.whole_character else [head]
        scene_files.export_scene_file(self.file_format, self.filepath, objects)
        return f"Exported {Path(self.filepath).name}" + (f" ({len(objects)} objects)" if len(objects) > 1 else "")


class I2FET_OT_export_fbx(_SceneExport, bpy.types.Operator):
    """Export the active head (and the rest of its character) with shape keys and animation as FBX (Unreal, Unity)"""

    bl_idname = "i2fet.export_fbx"
    bl_label = "Export FBX"
    filename_ext = ".fbx"
    filter_glob: StringProperty(default="*.fbx", options={"HIDDEN"})
    file_format = scene_files.FBX


class I2FET_OT_export_gltf(_SceneExport, bpy.types.Operator):
    """Export the active head (and the rest of its character) with morph targets and animation as glTF (.glb)"""

    bl_idname = "i2fet.export_gltf"
    bl_label = "Export glTF"
    filename_ext = ".glb"
    filter_glob: StringProperty(default="*.glb;*.gltf", options={"HIDDEN"})
    file_format = scene_files.GLTF


class I2FET_OT_export_livelink_csv(Reporting, bpy.types.Operator, ExportHelper):
    """Export the selected clip as a Live Link Face take (CSV) for Unreal"""

    bl_idname = "i2fet.export_livelink_csv"
    bl_label = "Export Live Link CSV"
    filename_ext = ".csv"
    filter_glob: StringProperty(default="*.csv", options={"HIDDEN"})
    clip: StringProperty(name="Clip", description="Clip to export (empty: the selected clip)", default="")

    def run(self, context):
        action = require_selected_clip(context, self.clip)
        try:
            livelink.export_clip_csv(action, self.filepath, scene_fps(context.scene))
        except OSError as error:
            raise BlenderIOError(f"Live Link export failed: {error}") from error
        return f"Exported {Path(self.filepath).name}"


class I2FET_OT_import_livelink_csv(Reporting, bpy.types.Operator, ImportHelper):
    """Import a Live Link Face take (CSV) onto the active head as a clip, starting at the current frame"""

    bl_idname = "i2fet.import_livelink_csv"
    bl_label = "Import Live Link CSV"
    bl_options = {"REGISTER", "UNDO"}
    filename_ext = ".csv"
    filter_glob: StringProperty(default="*.csv", options={"HIDDEN"})
    take_fps: FloatProperty(name="Take Frame Rate", description="Frame rate the take was recorded at "
                            "(0: read it from the timecodes)", default=0.0, min=0.0, max=1000.0)

    def run(self, context):
        scene = context.scene
        result = livelink.import_take(context.active_object, self.filepath, scene.frame_current, scene_fps(scene),
                                      self.take_fps or None)
        index = bpy.data.actions.find(result.action.name)
        if index >= 0:
            scene.i2fet.clip_index = index
        return result.message("Imported")


CLASSES = (I2FET_OT_export_fbx, I2FET_OT_export_gltf, I2FET_OT_export_livelink_csv, I2FET_OT_import_livelink_csv)
