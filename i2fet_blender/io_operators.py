"""Export and import operators: FBX, glTF, Live Link Face CSV."""

from __future__ import annotations

from pathlib import Path

import bpy
from bpy.props import FloatProperty, StringProperty
from bpy_extras.io_utils import ExportHelper, ImportHelper

from .blender_io.errors import BlenderIOError
from .generation import GenerationError
from .operators import selected_clip
from .requests import scene_fps


def _active_mesh(operator, context) -> bpy.types.Object | None:
    obj = context.active_object
    if obj is None or obj.type != "MESH":
        operator.report({"ERROR"}, "Select the head mesh to export.")
        return None
    return obj


class I2FET_OT_export_fbx(bpy.types.Operator, ExportHelper):
    """Export the active head with its shape keys and their animation as FBX (for Unreal, Unity)"""

    bl_idname = "i2fet.export_fbx"
    bl_label = "Export FBX"
    filename_ext = ".fbx"
    filter_glob: StringProperty(default="*.fbx", options={"HIDDEN"})

    def execute(self, context):
        from .blender_io.fbx_io import export_fbx

        obj = _active_mesh(self, context)
        if obj is None:
            return {"CANCELLED"}
        try:
            export_fbx(self.filepath, [obj])
        except (BlenderIOError, RuntimeError) as error:
            self.report({"ERROR"}, f"FBX export failed: {error}")
            return {"CANCELLED"}
        self.report({"INFO"}, f"Exported {Path(self.filepath).name}")
        return {"FINISHED"}


class I2FET_OT_export_gltf(bpy.types.Operator, ExportHelper):
    """Export the active head with its morph targets and their animation as glTF binary (.glb)"""

    bl_idname = "i2fet.export_gltf"
    bl_label = "Export glTF"
    filename_ext = ".glb"
    filter_glob: StringProperty(default="*.glb;*.gltf", options={"HIDDEN"})

    def execute(self, context):
        from .blender_io.gltf_io import export_gltf

        obj = _active_mesh(self, context)
        if obj is None:
            return {"CANCELLED"}
        try:
            export_gltf(self.filepath, [obj])
        except (BlenderIOError, RuntimeError) as error:
            self.report({"ERROR"}, f"glTF export failed: {error}")
            return {"CANCELLED"}
        self.report({"INFO"}, f"Exported {Path(self.filepath).name}")
        return {"FINISHED"}


class I2FET_OT_export_livelink_csv(bpy.types.Operator, ExportHelper):
    """Export the selected clip as a Live Link Face take (CSV) for Unreal"""

    bl_idname = "i2fet.export_livelink_csv"
    bl_label = "Export Live Link CSV"
    filename_ext = ".csv"
    filter_glob: StringProperty(default="*.csv", options={"HIDDEN"})
    clip: StringProperty(name="Clip", description="Clip to export (empty: the selected clip)", default="")

    def execute(self, context):
        from .livelink import export_clip_csv

        action = selected_clip(context, self.clip)
        if action is None:
            self.report({"ERROR"}, "Select a clip in the I2FET clip list first.")
            return {"CANCELLED"}
        try:
            export_clip_csv(action, self.filepath, scene_fps(context.scene))
        except (GenerationError, OSError) as error:
            self.report({"ERROR"}, f"Live Link export failed: {error}")
            return {"CANCELLED"}
        self.report({"INFO"}, f"Exported {Path(self.filepath).name}")
        return {"FINISHED"}


class I2FET_OT_import_livelink_csv(bpy.types.Operator, ImportHelper):
    """Import a Live Link Face take (CSV) onto the active head as a clip, starting at the current frame"""

    bl_idname = "i2fet.import_livelink_csv"
    bl_label = "Import Live Link CSV"
    bl_options = {"REGISTER", "UNDO"}
    filename_ext = ".csv"
    filter_glob: StringProperty(default="*.csv", options={"HIDDEN"})
    take_fps: FloatProperty(name="Take Frame Rate", description="Frame rate the take was recorded at "
                            "(0: read it from the timecodes)", default=0.0, min=0.0, max=1000.0)

    def execute(self, context):
        from .livelink import import_take

        scene = context.scene
        try:
            written = import_take(context.active_object, self.filepath, scene.frame_current, scene_fps(scene),
                                  self.take_fps or None)
        except GenerationError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        index = bpy.data.actions.find(written.action.name)
        if index >= 0:
            scene.i2fet.clip_index = index
        self.report({"INFO"}, f"Imported '{written.action.name}', frames {written.frame_start}-{written.frame_end}")
        return {"FINISHED"}


CLASSES = (I2FET_OT_export_fbx, I2FET_OT_export_gltf, I2FET_OT_export_livelink_csv, I2FET_OT_import_livelink_csv)
