"""Operators of the clip list: rename, delete, scale intensity, retime, push onto the NLA."""

from __future__ import annotations

import bpy
from bpy.props import BoolProperty, FloatProperty, IntProperty, StringProperty

from ..clips import edit as clip_edit
from ..clips.store import clip_info, is_clip, require_selected_clip, selected_clip
from .report import Reporting


class _ClipOperator(Reporting):
    """A clip-list operator: finds the clip, calls one function of ``clips.edit``, reports."""

    bl_options = {"REGISTER", "UNDO"}

    clip: StringProperty(name="Clip", description="Clip action to change (empty: the clip selected in the list)",
                         default="")

    def run(self, context):
        return self.apply(context, require_selected_clip(context, self.clip))

    def apply(self, context, action) -> str:
        raise NotImplementedError


class I2FET_OT_rename_clip(_ClipOperator, bpy.types.Operator):
    """Rename the selected clip"""

    bl_idname = "i2fet.rename_clip"
    bl_label = "Rename Clip"
    name: StringProperty(name="Name", description="New name of the clip")

    def invoke(self, context, event):
        action = selected_clip(context, self.clip)
        if action is not None:
            self.name = action.name
        return context.window_manager.invoke_props_dialog(self)

    def apply(self, context, action):
        return f"Renamed to '{clip_edit.rename_clip(action, self.name)}'"


class I2FET_OT_delete_clip(_ClipOperator, bpy.types.Operator):
    """Delete the selected clip; the head plays what it played before"""

    bl_idname = "i2fet.delete_clip"
    bl_label = "Delete Clip"

    def apply(self, context, action):
        name = action.name
        clip_edit.delete_clip(action)
        return f"Deleted '{name}'"


class I2FET_OT_scale_clip(_ClipOperator, bpy.types.Operator):
    """Make every expression in the selected clip stronger or weaker"""

    bl_idname = "i2fet.scale_clip"
    bl_label = "Scale Intensity"
    factor: FloatProperty(name="Factor", description="Multiplies the clip's weights", default=0.8, min=0.0,
                          soft_max=2.0)

    def apply(self, context, action):
        clip_edit.scale_intensity(action, self.factor)
        return f"Scaled '{action.name}' by {self.factor:.2f}"


class I2FET_OT_retime_clip(_ClipOperator, bpy.types.Operator):
    """Move and stretch the selected clip to a new start frame and length"""

    bl_idname = "i2fet.retime_clip"
    bl_label = "Retime Clip"
    frame_start: IntProperty(name="Start Frame", description="New first frame of the clip", default=1)
    frames: IntProperty(name="Frames", description="New length of the clip in frames", default=120, min=2)

    def invoke(self, context, event):
        action = selected_clip(context, self.clip)
        if action is not None:
            info = clip_info(action)
            self.frame_start, self.frames = info.frame_start, info.frames
        return context.window_manager.invoke_props_dialog(self)

    def apply(self, context, action):
        clip_edit.retime_clip(action, self.frame_start, self.frames)
        return f"'{action.name}' now runs frames {self.frame_start}-{self.frame_start + self.frames - 1}"


class I2FET_OT_push_clip_to_nla(_ClipOperator, bpy.types.Operator):
    """Put the selected clip on the head's NLA so clips sequence and blend"""

    bl_idname = "i2fet.push_clip_to_nla"
    bl_label = "Push to NLA"

    def apply(self, context, action):
        strip = clip_edit.push_clip_to_nla(action)
        return f"'{action.name}' is on the NLA from frame {int(strip.frame_start)}"


class I2FET_OT_mute_clip(_ClipOperator, bpy.types.Operator):
    """Mute (or unmute) the selected clip's NLA strips on every part of the character"""

    bl_idname = "i2fet.mute_clip"
    bl_label = "Mute Clip"
    mute: BoolProperty(name="Mute", description="Mute the strips (off: unmute them)", default=True)

    def apply(self, context, action):
        count = clip_edit.mute_clip(action, self.mute)
        return f"{'Muted' if self.mute else 'Unmuted'} '{action.name}' ({count} strips)"


class I2FET_OT_play_clip(_ClipOperator, bpy.types.Operator):
    """Make the head play the selected clip as its action"""

    bl_idname = "i2fet.play_clip"
    bl_label = "Play Clip"

    def apply(self, context, action):
        obj = clip_edit.play_clip(action)
        return f"'{obj.name}' plays '{action.name}'"


class I2FET_UL_clips(bpy.types.UIList):
    """The clips of this file: I2FET actions only, with their prompts."""

    def draw_item(self, context, layout, data, item, icon, active_data, active_property, index=0, flt_flag=0):
        info = clip_info(item)
        row = layout.row(align=True)
        row.prop(item, "name", text="", emboss=False, icon="ACTION")
        row.label(text=info.prompt if info.source == "generated" else "Live Link take")

    def filter_items(self, context, data, propname):
        actions = getattr(data, propname)
        flags = [self.bitflag_filter_item if is_clip(action) else 0 for action in actions]
        if self.filter_name:
            wanted = self.filter_name.lower()
            flags = [flag if flag and (wanted in action.name.lower() or wanted in str(action.get("i2fet_prompt", "")).lower())
                     else 0 for flag, action in zip(flags, actions)]
        return flags, []


CLASSES = (I2FET_OT_rename_clip, I2FET_OT_delete_clip, I2FET_OT_scale_clip, I2FET_OT_retime_clip,
           I2FET_OT_push_clip_to_nla, I2FET_OT_mute_clip, I2FET_OT_play_clip, I2FET_UL_clips)
