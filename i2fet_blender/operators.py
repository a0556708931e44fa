"""Thin operators: read properties, call one plain function, report, return."""

from __future__ import annotations

from pathlib import Path

import bpy
from bpy.props import StringProperty
from bpy_extras.io_utils import ExportHelper

from . import bridge
from .blender_io.errors import BlenderIOError
from .generation import GenerationError, generate_on_object


class I2FET_OT_generate(bpy.types.Operator):
    """Turn the prompt into keyframed expressions on the active head mesh"""

    bl_idname = "i2fet.generate"
    bl_label = "Generate"
    bl_options = {"REGISTER", "UNDO"}

    def execute(self, context):
        settings = context.scene.i2fet
        scene = context.scene
        fps = scene.render.fps / scene.render.fps_base
        try:
            result = generate_on_object(context.active_object, settings.prompt, settings.frames,
                                        settings.frame_start, fps, settings.intensity)
        except GenerationError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        settings.last_summary = result.summary
        message = f"Generated '{result.action.name}', frames {result.frame_start}-{result.frame_end}"
        if result.created_keys:
            message += f"; created {len(result.created_keys)} shape keys"
        if result.missing_channels:
            message += f"; the mesh has no shape keys for: {', '.join(result.missing_channels)}"
        self.report({"INFO"}, message)
        return {"FINISHED"}


class I2FET_OT_add_default_head(bpy.types.Operator):
    """Add the ICT FaceKit head, ready for generation"""

    bl_idname = "i2fet.add_default_head"
    bl_label = "Add Default Head"
    bl_options = {"REGISTER", "UNDO"}

    def execute(self, context):
        from .default_head import add_default_head

        try:
            obj = add_default_head(scene=context.scene)
        except bridge.errors().I2FETError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        for other in context.selected_objects:
            other.select_set(False)
        obj.select_set(True)
        context.view_layer.objects.active = obj
        return {"FINISHED"}


class I2FET_OT_export_fbx(bpy.types.Operator, ExportHelper):
    """Export the active head with its shape keys and their animation as FBX (for Unreal, Unity)"""

    bl_idname = "i2fet.export_fbx"
    bl_label = "Export FBX"
    filename_ext = ".fbx"
    filter_glob: StringProperty(default="*.fbx", options={"HIDDEN"})

    def execute(self, context):
        from .blender_io.fbx_io import export_fbx

        obj = context.active_object
        if obj is None or obj.type != "MESH":
            self.report({"ERROR"}, "Select the head mesh to export.")
            return {"CANCELLED"}
        try:
            export_fbx(self.filepath, [obj])
        except (BlenderIOError, RuntimeError) as error:
            self.report({"ERROR"}, f"FBX export failed: {error}")
            return {"CANCELLED"}
        self.report({"INFO"}, f"Exported {Path(self.filepath).name}")
        return {"FINISHED"}


CLASSES = (I2FET_OT_generate, I2FET_OT_add_default_head, I2FET_OT_export_fbx)
