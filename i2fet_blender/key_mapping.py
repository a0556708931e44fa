"""Which of a head's own shape keys play each ARKit channel: the mapping table, its panel and operators.

Every writer resolves a head's keys through :func:`key_map_for`, in this order:

1. the table saved on the mesh data (``Mesh.i2fet_key_map``, edited in the panel), when there is one;
2. the naming preset (Character Creator, Unified Expressions, Daz Genesis...) that explains most of
   the mesh's keys, completed with ARKit-spelled keys it does not use;
3. ARKit names in their common spellings.

The table is stored on the Mesh datablock, so it is saved with the .blend file and shared by every
object using that mesh. A row holds one ARKit channel and the key name(s) that show it, separated by
commas; an empty row means the mesh has no such shape: the channel is reported missing, never
invented. Nothing here changes a shape key.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import bpy
from bpy.props import CollectionProperty, EnumProperty, IntProperty, StringProperty
from bpy_extras.io_utils import ExportHelper, ImportHelper

from . import bridge
from .blender_io.shape_keys import shape_key_names

AUTO_SCHEME = "AUTO"
TABLE_SOURCE = "table"
NAME_SEPARATOR = ","


@dataclass(frozen=True)
class KeyMap:
    """The keys a head plays each ARKit channel with, and where that mapping came from."""

    keys: dict[str, tuple[str, ...]]  # ARKit name -> existing key names (channels without keys left out)
    source: str  # TABLE_SOURCE, a preset id, or the ARKit-spelling scheme id
    label: str  # what the panel shows, e.g. "Character Creator 4 (Extended), detected"
    missing: tuple[str, ...]  # ARKit channels with no key
    unknown: tuple[str, ...] = ()  # names in the saved table that are not keys of this mesh
    shared: dict[str, list[str]] = field(default_factory=dict)  # key name -> channels, when a key is used twice

    def problem(self) -> str | None:
        """Why this mapping cannot be written, worded for the animator (None when it can)."""
        if not self.shared:
            return None
        name, channels = next(iter(self.shared.items()))
        return (f"Two channels are mapped to the same shape key: '{name}' plays {' and '.join(channels)} in the "
                "shape-key mapping. Give each channel its own key, or leave one empty.")

    def summary(self) -> str:
        return f"{self.label}: {len(self.keys)} of {len(self.keys) + len(self.missing)} channels"


class I2FET_KeyMapRow(bpy.types.PropertyGroup):
    """One ARKit channel (the row's name) and the shape key(s) that show it"""

    keys: StringProperty(
        name="Shape Keys",
        description="Shape key(s) that show this ARKit channel, separated by commas; all get the same curve. "
                    "Empty: the mesh has no such shape (reported missing, never invented)",
    )


def key_map_for(obj: bpy.types.Object) -> KeyMap:
    """The one mapping every writer uses: saved table > detected preset > ARKit spellings."""
    presets = bridge.backend_module("key_presets")
    names = shape_key_names(obj)
    table = saved_table(obj.data)
    if table is None:
        match = presets.detect_scheme(names)
        label = match.label if match.scheme == presets.ARKIT_SCHEME else f"{match.label}, detected"
        return KeyMap(keys=dict(match.mapping), source=match.scheme, label=label, missing=match.missing)
    resolve = _resolver(names, presets.normalize)
    keys: dict[str, tuple[str, ...]] = {}
    unknown: list[str] = []
    for channel in bridge.arkit().ARKIT_NAMES:
        wanted = parse_names(table.get(channel, ""), names)
        found = tuple(dict.fromkeys(r for n in wanted if (r := resolve(n)) is not None))
        unknown += [n for n in wanted if resolve(n) is None]
        if found:
            keys[channel] = found
    missing = tuple(n for n in bridge.arkit().ARKIT_NAMES if n not in keys)
    return KeyMap(keys=keys, source=TABLE_SOURCE, label="Saved mapping table", missing=missing,
                  unknown=tuple(dict.fromkeys(unknown)), shared=presets.shared_keys(keys))


def saved_table(mesh: bpy.types.Mesh) -> dict[str, str] | None:
    """The table stored on ``mesh`` as {ARKit channel: typed key names}, or None when there is none.

    Scripts may call the add-on's functions without registering it: then no mesh has a table.
    """
    rows = getattr(mesh, "i2fet_key_map", None)
    return {row.name: row.keys for row in rows} if rows is not None and len(rows) else None


def parse_names(text: str, existing: Collection[str] = ()) -> tuple[str, ...]:
    """Key names typed in a row: comma-separated, spaces trimmed; a whole text that is an existing key stays whole."""
    text = text.strip()
    if not text:
        return ()
    if text in existing:
        return (text,)
    return tuple(dict.fromkeys(part.strip() for part in text.split(NAME_SEPARATOR) if part.strip()))


def set_table(mesh: bpy.types.Mesh, mapping: dict[str, tuple[str, ...]], source: str) -> None:
    """Replace the table on ``mesh`` with one row per ARKit channel (empty rows where ``mapping`` has none)."""
    rows = mesh.i2fet_key_map
    rows.clear()
    for channel in bridge.arkit().ARKIT_NAMES:
        row = rows.add()
        row.name = channel
        row.keys = (NAME_SEPARATOR + " ").join(mapping.get(channel, ()))
    mesh.i2fet_key_map_index = 0
    mesh.i2fet_key_map_source = source


def clear_table(mesh: bpy.types.Mesh) -> None:
    """Remove the table: the mesh goes back to preset detection and ARKit spellings."""
    mesh.i2fet_key_map.clear()
    mesh.i2fet_key_map_index = 0
    mesh.i2fet_key_map_source = ""


def fill_table(obj: bpy.types.Object, scheme: str = AUTO_SCHEME):
    """Write the table from a preset (or from detection with AUTO_SCHEME); return the backend's SchemeMatch."""
    presets = bridge.backend_module("key_presets")
    names = shape_key_names(obj)
    match = presets.detect_scheme(names) if scheme == AUTO_SCHEME else presets.match_scheme(names, scheme)
    set_table(obj.data, match.mapping, match.scheme)
    return match


def table_mapping(obj: bpy.types.Object) -> dict[str, tuple[str, ...]]:
    """The table as typed (names not on the mesh kept), or the resolved mapping when there is no table."""
    table = saved_table(obj.data)
    if table is None:
        return dict(key_map_for(obj).keys)
    names = shape_key_names(obj)
    return {channel: parsed for channel, text in table.items() if (parsed := parse_names(text, names))}


def save_table(obj: bpy.types.Object, path: str | Path) -> Path:
    """Write the head's mapping (its table, or what was detected) as JSON."""
    return bridge.backend_module("key_presets").save_mapping(Path(path), table_mapping(obj))


def load_table(obj: bpy.types.Object, path: str | Path) -> tuple[int, list[str]]:
    """Make a JSON table the head's table; return (channels with keys, names this mesh does not have)."""
    presets = bridge.backend_module("key_presets")
    mapping = presets.load_mapping(Path(path))
    set_table(obj.data, mapping, Path(path).name)
    return len(mapping), list(key_map_for(obj).unknown)


def _resolver(names: list[str], normalize) -> Callable[[str], str | None]:
    """Typed name -> the mesh's key: the exact name, else the key spelled alike ignoring case and separators."""
    present = set(names)
    lookup: dict[str, str] = {}
    for name in names:
        lookup.setdefault(normalize(name), name)
    return lambda typed: typed if typed in present else lookup.get(normalize(typed))


_SCHEME_ITEMS: list[tuple[str, str, str]] = []  # kept alive: Blender does not copy dynamic enum items


def _scheme_items(self, context) -> list[tuple[str, str, str]]:
    if not _SCHEME_ITEMS:
        presets = bridge.backend_module("key_presets")
        _SCHEME_ITEMS.append((AUTO_SCHEME, "Detect", "Use the naming scheme that explains most of this mesh's keys"))
        _SCHEME_ITEMS.append((presets.ARKIT_SCHEME, presets.ARKIT_LABEL, "ARKit names in their common spellings"))
        _SCHEME_ITEMS.extend((key, label, f"Shape-key names of {label}") for key, label in presets.PRESET_LABELS.items())
    return _SCHEME_ITEMS


def _active_mesh_object(context) -> bpy.types.Object | None:
    obj = context.active_object
    return obj if obj is not None and obj.type == "MESH" and obj.data.library is None else None


class I2FET_OT_key_map_fill(bpy.types.Operator):
    """Fill the head's mapping table from a naming preset (shape keys themselves are not changed)"""

    bl_idname = "i2fet.key_map_fill"
    bl_label = "Apply Naming Preset"
    bl_options = {"REGISTER", "UNDO"}
    bl_property = "scheme"

    scheme: EnumProperty(name="Preset", items=_scheme_items, description="Naming scheme to fill the table from")

    @classmethod
    def poll(cls, context):
        return _active_mesh_object(context) is not None

    def execute(self, context):
        match = fill_table(context.active_object, self.scheme)
        self.report({"INFO"}, f"{match.label}: {match.coverage()}; edit any row, empty rows are reported missing")
        return {"FINISHED"}


class I2FET_OT_key_map_assign(bpy.types.Operator):
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

    def execute(self, context):
        obj = context.active_object
        mesh = obj.data
        block = obj.active_shape_key
        if block == mesh.shape_keys.reference_key:
            self.report({"ERROR"}, f"'{block.name}' is the rest shape (Basis): pick an expression key in Shape Keys.")
            return {"CANCELLED"}
        if not 0 <= mesh.i2fet_key_map_index < len(mesh.i2fet_key_map):
            self.report({"ERROR"}, "Select a row of the mapping table first.")
            return {"CANCELLED"}
        row = mesh.i2fet_key_map[mesh.i2fet_key_map_index]
        names = parse_names(row.keys, mesh.shape_keys.key_blocks.keys()) if self.mode == "ADD" else ()
        row.keys = (NAME_SEPARATOR + " ").join(dict.fromkeys(names + (block.name,)))
        mesh.i2fet_key_map_source = "edited"
        self.report({"INFO"}, f"{row.name} plays {row.keys}")
        return {"FINISHED"}


class I2FET_OT_key_map_save(bpy.types.Operator, ExportHelper):
    """Save the head's shape-key mapping as a JSON table, to reuse it on other characters"""

    bl_idname = "i2fet.key_map_save"
    bl_label = "Save Mapping"
    filename_ext = ".json"
    filter_glob: StringProperty(default="*.json", options={"HIDDEN"})

    @classmethod
    def poll(cls, context):
        return _active_mesh_object(context) is not None

    def execute(self, context):
        try:
            path = save_table(context.active_object, self.filepath)
        except bridge.errors().I2FETError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        self.report({"INFO"}, f"Saved the shape-key mapping to {path}")
        return {"FINISHED"}


class I2FET_OT_key_map_load(bpy.types.Operator, ImportHelper):
    """Load a JSON shape-key mapping table onto the active head (its shape keys are not changed)"""

    bl_idname = "i2fet.key_map_load"
    bl_label = "Load Mapping"
    bl_options = {"REGISTER", "UNDO"}
    filename_ext = ".json"
    filter_glob: StringProperty(default="*.json", options={"HIDDEN"})

    @classmethod
    def poll(cls, context):
        return _active_mesh_object(context) is not None

    def execute(self, context):
        try:
            channels, unknown = load_table(context.active_object, self.filepath)
        except bridge.errors().I2FETError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        if unknown:
            self.report({"WARNING"}, f"Loaded {channels} channels; this mesh has no keys named {', '.join(unknown)}")
        else:
            self.report({"INFO"}, f"Loaded {channels} channels")
        return {"FINISHED"}


class I2FET_OT_key_map_clear(bpy.types.Operator):
    """Remove the mapping table: the head goes back to automatic detection (shape keys are not changed)"""

    bl_idname = "i2fet.key_map_clear"
    bl_label = "Clear Mapping Table"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context):
        obj = _active_mesh_object(context)
        return obj is not None and len(obj.data.i2fet_key_map) > 0

    def execute(self, context):
        clear_table(context.active_object.data)
        self.report({"INFO"}, "Mapping table removed: keys are detected automatically again")
        return {"FINISHED"}


class I2FET_UL_key_map(bpy.types.UIList):
    """ARKit channel and the head's key name(s) for it; a warning icon marks names the mesh does not have"""

    def draw_item(self, context, layout, data, item, icon, active_data, active_propname, index=0, flt_flag=0):
        existing = data.shape_keys.key_blocks.keys() if data.shape_keys is not None else []
        names = parse_names(item.keys, existing)
        resolve = _resolver(existing, bridge.backend_module("key_presets").normalize)
        if not names:
            status = "RADIOBUT_OFF"
        elif all(resolve(n) is not None for n in names):
            status = "CHECKMARK"
        else:
            status = "ERROR"
        split = layout.split(factor=0.45)
        split.label(text=item.name, icon=status)
        split.prop(item, "keys", text="", emboss=True)


class I2FET_PT_key_map(bpy.types.Panel):
    bl_idname = "I2FET_PT_key_map"
    bl_label = "Shape-Key Mapping"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "I2FET"
    bl_parent_id = "I2FET_PT_main"
    bl_options = {"DEFAULT_CLOSED"}

    @classmethod
    def poll(cls, context):
        return _active_mesh_object(context) is not None

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
