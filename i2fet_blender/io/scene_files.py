"""FBX and glTF in and out: one exporter and one importer driven by a small table of formats.

Both formats have the same shape: check the inputs, make sure Blender's own add-on for the
format is enabled, select only the given objects over the animated frame range (the user's
selection, active object and frame range are restored afterwards), call Blender's operator,
report a failure. Only the operator and its settings differ, so they are the table's rows.

FBX export: modifiers not applied (the FBX exporter drops shape keys when it applies them), every
frame baked without curve simplification, the current action only (no takes for NLA strips or other
actions), no leaf bones, -Z forward / Y up. FBX import: ``anim_offset=0.0`` so keys stay on their
frames (the importer shifts by one otherwise). glTF export: morph targets with their animation, the
shape keys' active action sampled at every frame; .glb, or separate files for a .gltf path.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import bpy

from ..backend import bridge
from ..errors import BlenderIOError
from .file_paths import resolved


@dataclass(frozen=True)
class SceneFormat:
    """One file format: Blender's add-on for it, its operators, and the settings we need."""

    label: str
    addon: str
    export_op: Callable[[], Callable]
    import_op: Callable[[], Callable]
    export_settings: Callable[[str], dict]
    import_settings: dict
    suffixes: tuple[str, ...] = ()  # file name endings the exporter writes


FBX = SceneFormat(
    label="FBX", addon="io_scene_fbx",
    export_op=lambda: bpy.ops.export_scene.fbx, import_op=lambda: bpy.ops.import_scene.fbx,
    export_settings=lambda path: dict(
        use_mesh_modifiers=False, mesh_smooth_type="FACE", add_leaf_bones=False, bake_anim=True,
        bake_anim_use_all_actions=False, bake_anim_use_nla_strips=False, bake_anim_force_startend_keying=True,
        bake_anim_simplify_factor=0.0, axis_forward="-Z", axis_up="Y"),
    import_settings={"anim_offset": 0.0},
    suffixes=(".fbx",),
)
GLTF = SceneFormat(
    label="glTF", addon="io_scene_gltf2",
    export_op=lambda: bpy.ops.export_scene.gltf, import_op=lambda: bpy.ops.import_scene.gltf,
    export_settings=lambda path: dict(
        export_format="GLTF_SEPARATE" if path.lower().endswith(".gltf") else "GLB", export_apply=False,
        export_morph=True, export_morph_normal=False, export_animations=True, export_force_sampling=True,
        export_frame_range=True, export_animation_mode="ACTIVE_ACTIONS"),
    import_settings={},
    suffixes=(".glb", ".gltf"),
)


def export_scene_file(fmt: SceneFormat, filepath: str, objects: Sequence[bpy.types.Object],
                      frame_range: tuple[int, int] | None = None) -> None:
    """Write ``objects`` with their shape-key animation to ``filepath`` in ``fmt``.

    The exported frames are ``frame_range`` when given, else the span of the objects' shape-key
    actions (the scene's range when none is animated).
    """
    filepath = resolved(filepath)
    check_export(filepath, objects, fmt.suffixes)
    ensure_addon(fmt.addon, fmt.label)
    with written_whole(filepath) as target, selected_for_export(objects, frame_range):
        try:
            result = fmt.export_op()(filepath=target, check_existing=False, use_selection=True,
                                     **fmt.export_settings(filepath))
        except RuntimeError as error:  # Blender's exporter reported an error
            raise BlenderIOError(f"{fmt.label} export failed: {error}") from error
        if "FINISHED" not in result:
            raise BlenderIOError(f"The {fmt.label} exporter could not write '{filepath}'.")


@contextmanager
def written_whole(filepath: str) -> Iterator[str]:
    """The path the exporter should write: for one-file formats (.fbx, .glb) a temporary file beside
    ``filepath`` that replaces it in one rename once the export finished, so an existing file is either
    replaced whole or left as it was. A .gltf names its .bin and textures after itself, so it is written
    in place."""
    if filepath.lower().endswith(".gltf"):
        yield filepath
        return
    folder, name = os.path.split(filepath)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=os.path.splitext(name)[1])
    os.close(handle)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, filepath)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    """The process umask (read by setting it and putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def import_scene_file(fmt: SceneFormat, filepath: str) -> list[bpy.types.Object]:
    """Import a file in ``fmt`` and return the objects it added."""
    filepath = resolved(filepath)
    if not os.path.isfile(filepath):
        raise BlenderIOError(f"There is no {fmt.label} file at '{filepath}'.")
    ensure_addon(fmt.addon, fmt.label)
    before = {obj.name for obj in bpy.data.objects}
    try:
        result = fmt.import_op()(filepath=filepath, **fmt.import_settings)
    except RuntimeError as error:  # Blender's importer reported an error
        raise BlenderIOError(f"{fmt.label} import failed: {error}") from error
    if "FINISHED" not in result:
        raise BlenderIOError(f"The {fmt.label} importer could not read '{filepath}'.")
    return [obj for obj in bpy.data.objects if obj.name not in before]


def export_fbx(filepath: str, objects: Sequence[bpy.types.Object], frame_range: tuple[int, int] | None = None) -> None:
    """FBX for Unreal and Unity (see the module's notes for the settings)."""
    export_scene_file(FBX, filepath, objects, frame_range)


def import_fbx(filepath: str) -> list[bpy.types.Object]:
    """Import an FBX file, keys on their original frames."""
    return import_scene_file(FBX, filepath)


def export_gltf(filepath: str, objects: Sequence[bpy.types.Object], frame_range: tuple[int, int] | None = None) -> None:
    """glTF binary (.glb), or .gltf with separate files, with morph targets and their animation."""
    export_scene_file(GLTF, filepath, objects, frame_range)


def import_gltf(filepath: str) -> list[bpy.types.Object]:
    """Import a glTF file: morph targets come back as shape keys, their animation as an action."""
    return import_scene_file(GLTF, filepath)


def check_export(filepath: str, objects: Sequence[bpy.types.Object], suffixes: tuple[str, ...] = ()) -> None:
    """Refuse an empty export, objects outside the view layer, a folder that does not exist, or a path that
    cannot be written (the backend's ``output_path`` check: a folder, a path through a file, a read-only place)."""
    if not objects:
        raise BlenderIOError("Nothing to export: pick at least one object.")
    view_layer = bpy.context.view_layer
    for obj in objects:
        if view_layer.objects.get(obj.name) != obj:
            raise BlenderIOError(f"'{obj.name}' is not in the current view layer, so it cannot be exported.")
        _check_selectable(obj, view_layer, len(objects) > 1)
    directory = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(directory):
        raise BlenderIOError(f"The folder '{directory}' does not exist.")
    if suffixes:
        with bridge.translated(BlenderIOError):
            bridge.validation().output_path(filepath, suffixes, "export file")
    _check_gltf_buffer(filepath)


def _check_gltf_buffer(filepath: str) -> None:
    """A .gltf export also writes ``<name>.bin`` beside it: refuse when that file is there without the .gltf
    (then it is not an earlier export of ours, and the exporter would overwrite it)."""
    if not filepath.lower().endswith(".gltf"):
        return
    buffer = os.path.splitext(filepath)[0] + ".bin"
    if os.path.lexists(buffer) and not os.path.exists(filepath):
        raise BlenderIOError(f"'{os.path.basename(buffer)}' is already in that folder, and a .gltf export writes its "
                             "data to a .bin of the same name: choose another name, or export .glb (one file).")


def _check_selectable(obj: bpy.types.Object, view_layer: bpy.types.ViewLayer, character: bool) -> None:
    """Blender's exporters write only selected objects, and a hidden or unselectable one cannot be selected:
    it would be left out of the file without a word (an empty file for a lone head), so it is refused first."""
    whole = " (or turn Whole Character off to export the head alone)" if character else ""
    if not obj.visible_get(view_layer=view_layer):
        raise BlenderIOError(f"'{obj.name}' is hidden, so the exporter would leave it out of the file: unhide it "
                             f"(Alt+H, or its eye and monitor icons and its collection's in the Outliner){whole}.")
    if obj.hide_select:
        raise BlenderIOError(f"'{obj.name}' cannot be selected (its arrow icon in the Outliner is off), so the "
                             f"exporter would leave it out of the file: make it selectable{whole}.")


def ensure_addon(module: str, label: str) -> None:
    """read_factory_settings and some user setups leave Blender's exporters disabled."""
    if module in bpy.context.preferences.addons:
        return
    import addon_utils

    addon_utils.enable(module, default_set=True)
    if module not in bpy.context.preferences.addons:
        raise BlenderIOError(f"Blender's {label} add-on could not be enabled; enable it in Preferences > Add-ons.")


def animated_frame_range(objects: Sequence[bpy.types.Object]) -> tuple[int, int] | None:
    """Integer frame span covering the actions on the objects' shape keys and on the objects themselves
    (the turned teeth and eyes of a character), or None."""
    ranges = []
    for obj in objects:
        key = obj.data.shape_keys if obj.type == "MESH" else None
        for owner in (key, obj):
            action = owner.animation_data.action if owner is not None and owner.animation_data else None
            if action is not None:
                ranges.append(tuple(action.frame_range))
    if not ranges:
        return None
    return int(min(r[0] for r in ranges)), int(round(max(r[1] for r in ranges)))


@contextmanager
def selected_for_export(objects: Sequence[bpy.types.Object], frame_range: tuple[int, int] | None) -> Iterator[None]:
    """Select only ``objects`` (the first active) over the frame range (default: their animation's span)."""
    context = bpy.context
    view_layer, scene = context.view_layer, context.scene
    start, end = frame_range or animated_frame_range(objects) or (scene.frame_start, scene.frame_end)
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
        yield
    finally:
        scene.frame_start, scene.frame_end = saved_range
        for obj in view_layer.objects:
            obj.select_set(False)
        for obj in selected:
            obj.select_set(True)
        view_layer.objects.active = active
