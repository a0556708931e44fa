"""The add-on's settings stored in the scene (``scene.i2fet``): the Generate form and the clip list state."""

from __future__ import annotations

import bpy
from bpy.props import (
    BoolProperty,
    CollectionProperty,
    EnumProperty,
    FloatProperty,
    IntProperty,
    PointerProperty,
    StringProperty,
)

MAX_RECENT_PROMPTS = 8
PRESET_PROMPTS = (
    "a faint smile turning into surprise, then back to neutral",
    "slowly becoming sad, then a brave little smile",
    "raise the left eyebrow in doubt, then a wide grin",
    "from disgust to anger",
    "a big laugh that fades out",
    "blink, then look worried",
)


class I2FET_PromptItem(bpy.types.PropertyGroup):
    text: StringProperty(name="Prompt", description="A prompt used before in this file")


def _fixed_start_chosen(self, context) -> None:
    """Giving a start frame means the clip should start there, not at the playhead."""
    if self.use_current_frame:
        self.use_current_frame = False


class I2FET_SceneSettings(bpy.types.PropertyGroup):
    prompt: StringProperty(
        name="Prompt",
        description="What the face should do, e.g. 'a faint smile that slowly turns into surprise, then back to neutral'",
        default=PRESET_PROMPTS[0],
    )
    recent_prompts: CollectionProperty(type=I2FET_PromptItem, description="Prompts generated in this file, newest first")
    duration_unit: EnumProperty(
        name="Duration In",
        description="Give the clip length in seconds or in frames",
        items=(("SECONDS", "Seconds", "Length in seconds at the scene's frame rate"),
               ("FRAMES", "Frames", "Length in frames")),
        default="FRAMES",
    )
    seconds: FloatProperty(
        name="Seconds", description="Length of the generated clip in seconds", default=4.0, min=0.05, soft_max=120.0,
        unit="TIME_ABSOLUTE",
    )
    frames: IntProperty(
        name="Frames", description="Length of the generated clip in frames", default=120, min=1, soft_max=3000,
    )
    use_current_frame: BoolProperty(
        name="Start at Current Frame", description="Start the clip at the scene's current frame", default=True,
    )
    frame_start: IntProperty(
        name="Start Frame", description="First frame of the generated clip (typing one turns off 'Start at Current Frame')",
        default=1, update=_fixed_start_chosen,
    )
    intensity: FloatProperty(
        name="Intensity", description="Scales the strength of every expression in the clip", default=1.0, min=0.0,
        max=2.0, subtype="FACTOR",
    )
    seed: IntProperty(
        name="Variation Seed", description="Another seed gives another variant of the same prompt (when the "
        "instruction reader supports variants)", default=0, min=0,
    )
    key_mode: EnumProperty(
        name="Keys", description="How the clip is keyed",
        items=[("SPARSE", "Editable Keys", "A handful of Bézier keys per second, within 0.01 of the motion: "
                "curves an animator edits in the Graph Editor"),
               ("DENSE", "Bake Every Frame", "One LINEAR key on every frame of every channel (what game engines play)")],
        default="SPARSE",
    )
    head_target: PointerProperty(
        name="Head Rotation", type=bpy.types.Object,
        description="Object (or armature, with a bone below) that receives the clip's head yaw, pitch and roll; "
        "empty: no head rotation is written",
    )
    head_bone: StringProperty(name="Head Bone", description="Bone of the armature above that receives the head rotation")
    eye_left: PointerProperty(name="Left Eye", type=bpy.types.Object,
                              description="Eye mesh (or armature, with a bone below) that receives the left eye's rotation")
    eye_left_bone: StringProperty(name="Left Eye Bone", description="Bone of the armature above for the left eye")
    eye_right: PointerProperty(name="Right Eye", type=bpy.types.Object,
                               description="Eye mesh (or armature, with a bone below) that receives the right eye's rotation")
    eye_right_bone: StringProperty(name="Right Eye Bone", description="Bone of the armature above for the right eye")
    whole_character: BoolProperty(
        name="Whole Character",
        description="Drive every mesh of the head's character that has ARKit keys (teeth, tongue, eyes, lashes, "
        "brows: found through its armature, parents or collection), and turn keyless lower teeth and eyeballs with "
        "the jaw and the gaze, all as one clip; off: the active mesh alone", default=True,
    )
    continue_from_current: BoolProperty(
        name="Continue From Current Expression",
        description="Start the clip from the face's expression at the start frame instead of from neutral",
        default=False,
    )
    start_from_photo: BoolProperty(
        name="Start From Photo's Expression",
        description="Start the clip from the expression of the face in the photo below (any head: it moves weights, "
        "not geometry)", default=False,
    )
    start_photo: StringProperty(
        name="Expression Photo", description="Photo whose facial expression starts the clip", subtype="FILE_PATH",
        default="",
    )
    clip_index: IntProperty(name="Active Clip", description="The clip selected in the clip list", default=-1)
    scale_factor: FloatProperty(
        name="Scale", description="Factor applied to the selected clip's weights by 'Scale Intensity'", default=0.8,
        min=0.0, soft_max=2.0,
    )
    last_summary: StringProperty(
        name="Last Plan", description="What the last generation understood from its prompt", default="",
    )

    def duration_frames(self, fps: float) -> int:
        """The requested clip length in whole frames."""
        if self.duration_unit == "FRAMES":
            return int(self.frames)
        return max(1, int(round(self.seconds * fps)))

    def start_frame(self, scene: bpy.types.Scene) -> int:
        return int(scene.frame_current) if self.use_current_frame else int(self.frame_start)

    def remember_prompt(self, prompt: str) -> None:
        """Put ``prompt`` first in the recent list (no duplicates, at most MAX_RECENT_PROMPTS)."""
        text = " ".join(prompt.split())
        for index, item in enumerate(self.recent_prompts):
            if item.text == text:
                self.recent_prompts.remove(index)
                break
        item = self.recent_prompts.add()
        item.text = text
        self.recent_prompts.move(len(self.recent_prompts) - 1, 0)
        while len(self.recent_prompts) > MAX_RECENT_PROMPTS:
            self.recent_prompts.remove(len(self.recent_prompts) - 1)


CLASSES = (I2FET_PromptItem, I2FET_SceneSettings)


def register() -> None:
    bpy.types.Scene.i2fet = PointerProperty(type=I2FET_SceneSettings)


def unregister() -> None:
    del bpy.types.Scene.i2fet
