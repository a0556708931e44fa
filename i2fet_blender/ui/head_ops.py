"""Operators and a sub-panel for fitting the user's own head (registered by the add-on from ``CLASSES``)."""

from __future__ import annotations

import bpy
from bpy.props import BoolProperty, StringProperty

from ..errors import HeadFitFailed
from ..head.fit import clear_landmarks, detect_landmarks_on_object, fit_object, landmark_empties
from .panels import SidebarPanel
from .report import Reporting


def _extras(context: bpy.types.Context, include: bool) -> list[bpy.types.Object]:
    if not include:
        return []
    return [o for o in context.selected_objects if o.type == "MESH" and o is not context.active_object]


class I2FET_OT_detect_landmarks(Reporting, bpy.types.Operator):
    """Find eye corners, nose tip, mouth corners and chin on the active head; move the spheres to correct them"""

    bl_idname = "i2fet.detect_landmarks"
    bl_label = "Detect Landmarks"
    bl_options = {"REGISTER", "UNDO"}

    head_region: StringProperty(name="Head Region", description="Vertex group holding the head (empty: found automatically)")

    def run(self, context):
        found = detect_landmarks_on_object(context.active_object, self.head_region)
        if not found.sure:
            return "WARNING", found.message
        return f"{found.message} Landmarks placed: move any sphere that is off, then Fit Head"


class I2FET_OT_clear_landmarks(Reporting, bpy.types.Operator):
    """Remove the landmark spheres and stored landmarks of the active head"""

    bl_idname = "i2fet.clear_landmarks"
    bl_label = "Clear Landmarks"
    bl_options = {"REGISTER", "UNDO"}

    def run(self, context):
        obj = context.active_object
        if obj is None:
            raise HeadFitFailed("Select the head mesh first.")
        return f"Removed {clear_landmarks(obj)} landmark spheres"


class I2FET_OT_fit_head(Reporting, bpy.types.Operator):
    """Fit the face model to the active head and create its ARKit shape keys (replaces keys of an earlier fit)"""

    bl_idname = "i2fet.fit_head"
    bl_label = "Fit Head"
    bl_options = {"REGISTER", "UNDO"}

    head_region: StringProperty(name="Head Region", description="Vertex group holding the head (empty: found automatically)")
    include_selected: BoolProperty(name="Include Selected Parts", default=True,
                                   description="Also give shape keys to the other selected meshes (separate eyes, teeth)")
    use_landmarks: BoolProperty(name="Use Landmarks", default=True,
                                description="Use the landmark spheres (or stored landmarks) to guide the fit")

    def run(self, context):
        return fit_object(context.active_object, _extras(context, self.include_selected), self.head_region,
                          self.use_landmarks).message()


class I2FET_PT_head_fit(SidebarPanel, bpy.types.Panel):
    bl_idname = "I2FET_PT_head_fit"
    bl_label = "Your Own Head"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        layout = self.layout
        obj = context.active_object
        if obj is None or obj.type != "MESH":
            layout.label(text="Select the head mesh", icon="INFO")
            return
        layout.label(text="1. Check the landmarks", icon="EMPTY_SINGLE_ARROW")
        row = layout.row(align=True)
        row.operator(I2FET_OT_detect_landmarks.bl_idname, icon="VIEWZOOM")
        if landmark_empties(obj):
            row.operator(I2FET_OT_clear_landmarks.bl_idname, text="", icon="X")
        layout.label(text="2. Fit (selected eyes/teeth included)", icon="MOD_SHRINKWRAP")
        layout.operator(I2FET_OT_fit_head.bl_idname, icon="SHAPEKEY_DATA")
        fit = obj.data.get("i2fet_head_fit")
        if fit:
            layout.label(text=str(fit), icon="CHECKMARK")


CLASSES = (I2FET_OT_detect_landmarks, I2FET_OT_clear_landmarks, I2FET_OT_fit_head, I2FET_PT_head_fit)
