"""The sidebar panels: 3D View > N panel > I2FET (Generate, Clips, Export)."""

from __future__ import annotations

import bpy

from ..backend import environment, tasks, warmup
from ..generate import pipeline
from ..generate.parts import IGNORED, TARGET, note_geometry_edits, shown_plan
from ..generate.request import motion_targets
from ..head.character import EYE_LEFT, EYE_RIGHT, JAW, KEYS
from .properties import PRESET_PROMPTS

PLAN_ICONS = {KEYS: "SHAPEKEY_DATA", JAW: "CON_ROTLIKE", EYE_LEFT: "HIDE_OFF", EYE_RIGHT: "HIDE_OFF",
              TARGET: "BONE_DATA", IGNORED: "REMOVE"}


class SidebarPanel:
    """Mixin for every I2FET panel: the 3D View's sidebar, tab I2FET."""

    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "I2FET"


def draw_task(layout, task: tasks.Task | None) -> None:
    """The one progress bar: a running task with its Cancel button, or how the last one ended."""
    if task is None:
        return
    if task.state == task.RUNNING:
        row = layout.row(align=True)
        text = f"{task.message} ({task.elapsed:.0f} s)"
        if hasattr(row, "progress"):
            row.progress(factor=task.progress, type="BAR", text=text)
        else:
            row.label(text=f"{text} {task.progress * 100:.0f}%")
        row.operator("i2fet.cancel_task", text="", icon="CANCEL").kind = task.kind
    elif task.state == task.FAILED:
        layout.label(text=f"{task.title} failed: {task.error}", icon="ERROR")
    elif task.state == task.DONE:
        layout.label(text=f"{task.title}: done", icon="CHECKMARK")


def _wrapped(text: str, width: int = 48) -> list[str]:
    """A long message as panel lines (labels do not wrap)."""
    import textwrap

    return textwrap.wrap(text, width) or [text]


class I2FET_MT_prompts(bpy.types.Menu):
    """Recent prompts of this file and a few presets"""

    bl_idname = "I2FET_MT_prompts"
    bl_label = "Prompts"

    def draw(self, context):
        layout = self.layout
        recent = context.scene.i2fet.recent_prompts
        if len(recent):
            layout.label(text="Recent", icon="TIME")
            for item in recent:
                layout.operator("i2fet.use_prompt", text=item.text).text = item.text
            layout.separator()
        layout.label(text="Presets", icon="PRESET")
        for text in PRESET_PROMPTS:
            layout.operator("i2fet.use_prompt", text=text).text = text


class I2FET_PT_main(SidebarPanel, bpy.types.Panel):
    bl_idname = "I2FET_PT_main"
    bl_label = "Generate"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.i2fet
        obj = context.active_object
        layout.label(text=f"Head: {obj.name}" if obj and obj.type == "MESH" else "Head: select a mesh", icon="MESH_DATA")
        warmup.ensure_started(environment.backend_options(context))  # first draw: load the backend in the background
        reason = warmup.blocked_reason()
        if reason:
            box = layout.box()
            box.label(text="Generate is not available yet:", icon="ERROR")
            for line in _wrapped(reason):
                box.label(text=line)
        row = layout.row(align=True)
        row.prop(settings, "prompt", text="")
        row.menu("I2FET_MT_prompts", text="", icon="DOWNARROW_HLT")
        row = layout.row(align=True)
        row.prop(settings, "duration_unit", expand=True)
        layout.prop(settings, "seconds" if settings.duration_unit == "SECONDS" else "frames")
        row = layout.row(align=True)
        row.prop(settings, "use_current_frame", text="At Current Frame")
        sub = row.row(align=True)
        sub.enabled = not settings.use_current_frame
        sub.prop(settings, "frame_start", text="Start")
        layout.prop(settings, "intensity")
        layout.prop(settings, "seed")
        layout.prop(settings, "key_mode")
        box = layout.box()
        box.label(text="Head and Eyes")
        for target, bone in (("head_target", "head_bone"), ("eye_left", "eye_left_bone"), ("eye_right", "eye_right_bone")):
            row = box.row(align=True)
            row.prop(settings, target)
            chosen = getattr(settings, target)
            if chosen is not None and chosen.type == "ARMATURE":
                row.prop_search(settings, bone, chosen.pose, "bones", text="")
        box.prop(settings, "whole_character")
        layout.prop(settings, "continue_from_current")
        task = pipeline.active()
        if task is not None:
            draw_task(layout, task)
        else:
            if warmup.state() == "loading":
                draw_task(layout, tasks.current(warmup.KIND))
            layout.operator("i2fet.generate", icon="SHAPEKEY_DATA")
        if settings.last_summary:
            box = layout.box()
            for line in settings.last_summary.splitlines()[:8]:
                box.label(text=line.strip())
        layout.operator("i2fet.add_default_head", icon="USER")


class I2FET_PT_character(SidebarPanel, bpy.types.Panel):
    """What the next Generate does with each mesh of the active head's character (``generate.parts.character_plan``,
    remembered between redraws by ``shown_plan``)."""

    bl_idname = "I2FET_PT_character"
    bl_parent_id = "I2FET_PT_main"
    bl_label = "Character Parts"

    @classmethod
    def poll(cls, context):
        obj = context.active_object
        return obj is not None and obj.type == "MESH"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.i2fet
        lines, axes = shown_plan(context.active_object, settings.whole_character, motion_targets(settings))
        for line in lines:
            column = layout.column(align=True)
            column.label(text=line.object_name, icon=PLAN_ICONS[line.kind])
            for text in _wrapped(line.text, 44):
                column.label(text=f"    {text}")
        if not settings.whole_character:
            layout.label(text="Whole Character is off: only this mesh plays the clip", icon="INFO")
        if axes:
            for number, text in enumerate(_wrapped(f"Face axes: {axes}", 44)):
                layout.label(text=text, icon="ORIENTATION_GIMBAL" if number == 0 else "BLANK1")


class I2FET_PT_clips(SidebarPanel, bpy.types.Panel):
    bl_idname = "I2FET_PT_clips"
    bl_label = "Clips"

    def draw(self, context):
        layout = self.layout
        settings = context.scene.i2fet
        layout.template_list("I2FET_UL_clips", "", bpy.data, "actions", settings, "clip_index", rows=4)
        row = layout.row(align=True)
        row.operator("i2fet.play_clip", icon="PLAY")
        row.operator("i2fet.push_clip_to_nla", icon="NLA_PUSHDOWN")
        row.operator("i2fet.mute_clip", icon="HIDE_ON", text="Mute").mute = True
        row.operator("i2fet.mute_clip", icon="HIDE_OFF", text="Unmute").mute = False
        row = layout.row(align=True)
        row.operator("i2fet.regenerate_clip", icon="FILE_REFRESH")
        row.operator("i2fet.retime_clip", icon="TIME")
        row = layout.row(align=True)
        row.prop(settings, "scale_factor", text="")
        row.operator("i2fet.scale_clip", icon="FULLSCREEN_ENTER").factor = settings.scale_factor
        row = layout.row(align=True)
        row.operator("i2fet.rename_clip", icon="GREASEPENCIL")
        row.operator("i2fet.delete_clip", icon="TRASH")


class I2FET_PT_export(SidebarPanel, bpy.types.Panel):
    bl_idname = "I2FET_PT_export"
    bl_label = "Export / Import"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        layout = self.layout
        layout.operator("i2fet.export_fbx", icon="EXPORT")
        layout.operator("i2fet.export_gltf", icon="EXPORT")
        layout.operator("i2fet.export_livelink_csv", icon="EXPORT")
        layout.operator("i2fet.import_livelink_csv", icon="IMPORT")


CLASSES = (I2FET_MT_prompts, I2FET_PT_main, I2FET_PT_character, I2FET_PT_clips, I2FET_PT_export)


def register() -> None:
    """Geometry edits reach the Character Parts panel's remembered plan through the depsgraph."""
    if note_geometry_edits not in bpy.app.handlers.depsgraph_update_post:
        bpy.app.handlers.depsgraph_update_post.append(note_geometry_edits)


def unregister() -> None:
    if note_geometry_edits in bpy.app.handlers.depsgraph_update_post:
        bpy.app.handlers.depsgraph_update_post.remove(note_geometry_edits)
