"""What every exporter here shares: input checks, enabling Blender's exporter add-on, and a scope that
selects the objects to export and restores the user's selection, active object and frame range."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import bpy

from .errors import BlenderIOError


def check_export(filepath: str, objects: Sequence[bpy.types.Object]) -> None:
    """Refuse an empty export, objects outside the view layer, or a folder that does not exist."""
    if not objects:
        raise BlenderIOError("Nothing to export: pick at least one object.")
    view_layer = bpy.context.view_layer
    for obj in objects:
        if view_layer.objects.get(obj.name) != obj:
            raise BlenderIOError(f"'{obj.name}' is not in the current view layer, so it cannot be exported.")
    directory = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(directory):
        raise BlenderIOError(f"The folder '{directory}' does not exist.")


def ensure_addon(module: str, label: str) -> None:
    """read_factory_settings and some user setups leave Blender's exporters disabled."""
    if module in bpy.context.preferences.addons:
        return
    import addon_utils

    addon_utils.enable(module, default_set=True)
    if module not in bpy.context.preferences.addons:
        raise BlenderIOError(f"Blender's {label} add-on could not be enabled; enable it in Preferences > Add-ons.")


def animated_frame_range(objects: Sequence[bpy.types.Object]) -> tuple[int, int] | None:
    """Integer frame span covering the actions on the objects' shape keys, or None."""
    ranges = []
    for obj in objects:
        key = obj.data.shape_keys if obj.type == "MESH" else None
        action = key.animation_data.action if key is not None and key.animation_data else None
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


def imported_objects(before: set[str]) -> list[bpy.types.Object]:
    """Objects whose names were not in ``before``: what an importer added."""
    return [obj for obj in bpy.data.objects if obj.name not in before]
