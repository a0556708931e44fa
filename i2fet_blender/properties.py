"""The add-on's settings stored in the scene (``scene.i2fet``)."""

from __future__ import annotations

import bpy
from bpy.props import FloatProperty, IntProperty, StringProperty


class I2FET_SceneSettings(bpy.types.PropertyGroup):
    prompt: StringProperty(
        name="Prompt",
        description="What the face should do, e.g. 'a faint smile that slowly turns into surprise, then back to neutral'",
        default="a faint smile turning into surprise, then back to neutral",
    )
    frames: IntProperty(
        name="Frames", description="Length of the generated clip in frames", default=120, min=1, soft_max=3000,
    )
    frame_start: IntProperty(
        name="Start Frame", description="First frame of the generated clip", default=1,
    )
    intensity: FloatProperty(
        name="Intensity", description="Scales the strength of every expression in the clip", default=1.0, min=0.0,
        max=2.0, subtype="FACTOR",
    )
    last_summary: StringProperty(
        name="Last Plan", description="What the last generation understood from its prompt", default="",
    )


CLASSES = (I2FET_SceneSettings,)


def register() -> None:
    bpy.types.Scene.i2fet = bpy.props.PointerProperty(type=I2FET_SceneSettings)


def unregister() -> None:
    del bpy.types.Scene.i2fet
