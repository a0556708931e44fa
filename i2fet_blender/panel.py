"""The sidebar panel: 3D View > N panel > I2FET."""

from __future__ import annotations

import bpy


class I2FET_PT_main(bpy.types.Panel):
    bl_idname = "I2FET_PT_main"
    bl_label = "I2FET"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "I2FET"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.i2fet
        obj = context.active_object
        layout.label(text=f"Head: {obj.name}" if obj and obj.type == "MESH" else "Head: select a mesh", icon="MESH_DATA")
        layout.prop(settings, "prompt", text="")
        row = layout.row(align=True)
        row.prop(settings, "frame_start")
        row.prop(settings, "frames")
        layout.prop(settings, "intensity")
        layout.operator("i2fet.generate", icon="SHAPEKEY_DATA")
        if settings.last_summary:
            box = layout.box()
            for line in settings.last_summary.splitlines()[:8]:
                box.label(text=line.strip())
        layout.separator()
        layout.operator("i2fet.add_default_head", icon="USER")
        layout.operator("i2fet.export_fbx", icon="EXPORT")


CLASSES = (I2FET_PT_main,)
