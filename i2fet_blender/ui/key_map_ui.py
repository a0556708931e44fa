"""The shape-key mapping table in the UI: its row type, list, sub-panel and operators (logic: ``head.key_map``)."""

from __future__ import annotations

import bpy
from bpy.props import CollectionProperty, EnumProperty, IntProperty, StringProperty
from bpy_extras.io_utils import ExportHelper, ImportHelper

from ..backend import bridge
from ..head.key_map import (
    AUTO_SCHEME,
    assign_active_key,
    clear_table,
    fill_table,
    key_resolver,
    key_map_for,
    load_table,
    parse_names,
    save_table,
    scheme_choices,
)
from ..io.file_paths import resolved
from .panels import SidebarPanel
from .report import Reporting


class I2FET_KeyMapRow(bpy.types.PropertyGroup):
    """One ARKit channel (the row's name) and the shape key(s) that show it"""

    keys: StringProperty(
        name="Shape Keys",
        description="Shape key(s) that show this ARKit channel, separated by commas; all get the same curve. "
                    "Empty: the mesh has no such shape (reported missing, never invented)",
    )


_SCHEME_ITEMS: list[tuple[str, str, str]] = []  # kept alive: Blender does not copy dynamic enum items


def _scheme_items(self, context) -> list[tuple[str, str, str]]:
    if not _SCHEME_ITEMS:
        _SCHEME_ITEMS.extend(scheme_choices())
    return _SCHEME_ITEMS


def _active_mesh_object(context) -> bpy.types.Object | None:
    obj = context.active_object
    return obj if obj is not None and obj.type == "MESH" and obj.data.library is None else None


class _OnActiveMesh:
    """Mixin: available when the active object is a local mesh."""

    @classmethod
    def poll(cls, context):
        return _active_mesh_object(context) is not None


class I2FET_OT_key_map_fill(_OnActiveMesh, Reporting, bpy.types.Operator):
    """Fill the head's mapping table from a naming preset (shape keys themselves are not changed)"""

    bl_idname = "i2fet.key_map_fill"
    bl_label = "Apply Naming Preset"
    bl_options = {"REGISTER", "UNDO"}
    bl_property = "scheme"

    scheme: EnumProperty(name="Preset", items=_scheme_items, description="Naming scheme to fill the table from")

    def run(self, context):
        match = fill_table(context.active_object, self.scheme)
        return f"{match.label}: {match.coverage()}; edit any row, empty rows are reported missing"


class I2FET_OT_key_map_assign(Reporting, bpy.types.Operator):
    """Put the active shape key into the selected row of the mapping table"""

    bl_idname = "i2fet.key_map_assign"
    bl_label = "Assign Active Shape Key"
    bl_options = {"REGISTER", "UNDO"}

    mode: EnumProperty(name="Mode", items=(
        ("SET", "Set", "The row plays only the active shape key"),
        ("ADD", "Add", "The active shape key is driven too, with the same curve as the row's other keys"),
    ), description="Replace the row's keys or add to them")

    @classmethod
    def poll(cls, context):
        obj = _active_mesh_object(context)
        return obj is not None and len(obj.data.i2fet_key_map) > 0 and obj.active_shape_key is not None

    def run(self, context):
        row = assign_active_key(context.active_object, add=self.mode == "ADD")
        return f"{row.name} plays {row.keys}"


class I2FET_OT_key_map_save(_OnActiveMesh, Reporting, bpy.types.Operator, ExportHelper):
    """Save the head's shape-key mapping as a JSON table, to reuse it on other characters"""

    bl_idname = "i2fet.key_map_save"
    bl_label = "Save Mapping"
    filename_ext = ".json"
    filter_glob: StringProperty(default="*.json", options={"HIDDEN"})

    def run(self, context):
        path = resolved(self.filepath)
        with bridge.translated():
            bridge.validation().output_path(path, (".json",), "mapping table")
        return f"Saved the shape-key mapping to {save_table(context.active_object, path)}"


class I2FET_OT_key_map_load(_OnActiveMesh, Reporting, bpy.types.Operator, ImportHelper):
    """Load a JSON shape-key mapping table onto the active head (its shape keys are not changed)"""

    bl_idname = "i2fet.key_map_load"
    bl_label = "Load Mapping"
    bl_options = {"REGISTER", "UNDO"}
    filename_ext = ".json"
    filter_glob: StringProperty(default="*.json", options={"HIDDEN"})

    def run(self, context):
        path = resolved(self.filepath)
        with bridge.translated():
            bridge.validation().input_file(path, (".json",), "mapping table")
        channels, unknown = load_table(context.active_object, path)
        if unknown:
            return "WARNING", f"Loaded {channels} channels; this mesh has no keys named {', '.join(unknown)}"
        return f"Loaded {channels} channels"


class I2FET_OT_key_map_clear(Reporting, bpy.types.Operator):
    """Remove the mapping table: the head goes back to automatic detection (shape keys are not changed)"""

    bl_idname = "i2fet.key_map_clear"
    bl_label = "Clear Mapping Table"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        obj = _active_mesh_object(context)
        return obj is not None and len(obj.data.i2fet_key_map) > 0

    def run(self, context):
        clear_table(context.active_object.data)
        return "Mapping table removed: keys are detected automatically again"


class I2FET_UL_key_map(bpy.types.UIList):
    """ARKit channel and the head's key name(s) for it; a warning icon marks names the mesh does not have"""

    def draw_item(self, context, layout, data, item, icon, active_data, active_propname, index=0, flt_flag=0):
        existing = data.shape_keys.key_blocks.keys() if data.shape_keys is not None else []
        names = parse_names(item.keys, existing)
        resolve = key_resolver(existing)
        if not names:
            status = "RADIOBUT_OFF"
        elif all(resolve(n) is not None for n in names):
            status = "CHECKMARK"
        else:
            status = "ERROR"
        split = layout.split(factor=0.45)
        split.label(text=item.name, icon=status)
        split.prop(item, "keys", text="", emboss=True)


class I2FET_PT_key_map(_OnActiveMesh, SidebarPanel, bpy.types.Panel):
    bl_idname = "I2FET_PT_key_map"
    bl_label = "Shape-Key Mapping"
    bl_parent_id = "I2FET_PT_main"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        layout = self.layout
        obj = context.active_object
        mesh = obj.data
        key_map = key_map_for(obj)
        box = layout.box()
        box.label(text=key_map.summary(), icon="SHAPEKEY_DATA")
        if key_map.unknown:
            box.label(text="Not keys of this mesh: " + ", ".join(key_map.unknown[:4]), icon="ERROR")
        if key_map.problem():
            box.label(text=f"'{next(iter(key_map.shared))}' is used by two channels", icon="ERROR")
        if len(mesh.i2fet_key_map):
            layout.template_list("I2FET_UL_key_map", "", mesh, "i2fet_key_map", mesh, "i2fet_key_map_index", rows=6)
            row = layout.row(align=True)
            row.operator(I2FET_OT_key_map_assign.bl_idname, text="Set Active Key", icon="EYEDROPPER").mode = "SET"
            row.operator(I2FET_OT_key_map_assign.bl_idname, text="Add Active Key", icon="ADD").mode = "ADD"
        else:
            layout.operator(I2FET_OT_key_map_fill.bl_idname, text="Edit as Table", icon="PRESET").scheme = AUTO_SCHEME
        row = layout.row(align=True)
        row.operator_menu_enum(I2FET_OT_key_map_fill.bl_idname, "scheme", text="Preset", icon="PRESET")
        row.operator(I2FET_OT_key_map_save.bl_idname, text="", icon="EXPORT")
        row.operator(I2FET_OT_key_map_load.bl_idname, text="", icon="IMPORT")
        if len(mesh.i2fet_key_map):
            row.operator(I2FET_OT_key_map_clear.bl_idname, text="", icon="X")


CLASSES = (I2FET_KeyMapRow, I2FET_OT_key_map_fill, I2FET_OT_key_map_assign, I2FET_OT_key_map_save,
           I2FET_OT_key_map_load, I2FET_OT_key_map_clear, I2FET_UL_key_map, I2FET_PT_key_map)


def register() -> None:
    bpy.types.Mesh.i2fet_key_map = CollectionProperty(
        type=I2FET_KeyMapRow, name="I2FET Shape-Key Mapping",
        description="Which shape keys play each ARKit channel (saved with the file; empty: detected automatically)")
    bpy.types.Mesh.i2fet_key_map_index = IntProperty(name="Active Row", description="Selected row of the mapping table",
                                                     min=0)
    bpy.types.Mesh.i2fet_key_map_source = StringProperty(
        name="Mapping Source", description="Preset or file the mapping table was filled from")


def unregister() -> None:
    del bpy.types.Mesh.i2fet_key_map_source
    del bpy.types.Mesh.i2fet_key_map_index
    del bpy.types.Mesh.i2fet_key_map
