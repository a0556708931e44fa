"""Head from Photo: the operator (file browser or a dragged file), its drop handler and its sub-panel."""

from __future__ import annotations

import bpy
from bpy.props import CollectionProperty, StringProperty

from ..backend import environment, warmup
from ..head.photo_head import PHOTO_EXTENSIONS, add_photo_head
from .panels import _wrapped, draw_task
from .report import Reporting

_GLOB = ";".join(f"*{e}" for e in PHOTO_EXTENSIONS)


class I2FET_OT_head_from_photo(Reporting, bpy.types.Operator):
    """Create a new head of the person in a photo: fitted shape, the photo as texture, 51 ARKit shape keys set to the photo's expression"""

    bl_idname = "i2fet.head_from_photo"
    bl_label = "Head from Photo"
    bl_options = {"REGISTER", "UNDO"}

    filepath: StringProperty(name="Photo", description="A JPEG or PNG photo of one face looking roughly toward the camera",
                             subtype="FILE_PATH")
    directory: StringProperty(subtype="DIR_PATH", options={"SKIP_SAVE", "HIDDEN"})
    files: CollectionProperty(type=bpy.types.OperatorFileListElement, options={"SKIP_SAVE", "HIDDEN"})
    filter_glob: StringProperty(default=_GLOB, options={"HIDDEN"})

    @classmethod
    def poll(cls, context):
        problem = environment.photo_problem()
        if problem:
            cls.poll_message_set(problem)
        return not problem

    def invoke(self, context, event):
        if self.filepath or (self.directory and self.files):  # dropped on the viewport, or called with a path
            return self.execute(context)
        context.window_manager.fileselect_add(self)
        return {"RUNNING_MODAL"}

    def _path(self) -> str:
        if self.directory and len(self.files) and self.files[0].name:
            return bpy.path.abspath(self.directory) + self.files[0].name
        return self.filepath

    def run(self, context):
        obj, notes = add_photo_head(self._path(), context.scene)
        for other in context.selected_objects:
            other.select_set(False)
        obj.select_set(True)
        context.view_layer.objects.active = obj
        context.scene.i2fet.start_photo = self._path()
        text = f"Created '{obj.name}' from the photo"
        return ("WARNING", f"{text}. {' '.join(notes)}") if notes else text


class I2FET_FH_photo(bpy.types.FileHandler):
    """Dropping a photo on the 3D viewport runs Head from Photo."""

    bl_idname = "I2FET_FH_photo"
    bl_label = "I2FET Head from Photo"
    bl_import_operator = "i2fet.head_from_photo"
    bl_file_extensions = ";".join(PHOTO_EXTENSIONS)

    @classmethod
    def poll_drop(cls, context):
        return context.area is not None and context.area.type == "VIEW_3D"


class I2FET_PT_photo(bpy.types.Panel):
    bl_idname = "I2FET_PT_photo"
    bl_label = "From a Photo"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "I2FET"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        layout = self.layout
        settings = context.scene.i2fet
        problem = environment.photo_problem()
        if problem:
            box = layout.box()
            box.label(text="Head from Photo is not available yet:", icon="ERROR")
            for line in _wrapped(problem):
                box.label(text=line)
        preparing = warmup.ensure_photo_started()  # first draw of the opened panel: MediaPipe loads in the background
        if preparing is not None and not preparing.finished:
            draw_task(layout, preparing)
        layout.operator(I2FET_OT_head_from_photo.bl_idname, icon="IMAGE_DATA")
        layout.label(text="or drop a photo on the viewport", icon="INFO")
        layout.separator()
        layout.prop(settings, "start_from_photo")
        row = layout.row()
        row.enabled = settings.start_from_photo
        row.prop(settings, "start_photo", text="")


CLASSES = (I2FET_OT_head_from_photo, I2FET_FH_photo, I2FET_PT_photo)
