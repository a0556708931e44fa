"""I2FET: type an instruction, get a facial performance as shape keys and keyframes.

Registration only: no torch and no backend import here, so enabling the add-on is instant.
"""

from __future__ import annotations

bl_info = {
    "name": "I2FET: Instruction-Driven Facial Expressions",
    "author": "I2FET",
    "version": (0, 1, 0),
    "blender": (4, 2, 0),
    "location": "3D View > Sidebar > I2FET",
    "description": "Text instruction to ARKit blendshape animation",
    "category": "Animation",
}

import bpy  # noqa: E402

from . import operators, panel, properties  # noqa: E402

_CLASSES = properties.CLASSES + operators.CLASSES + panel.CLASSES


def register() -> None:
    for cls in _CLASSES:
        bpy.utils.register_class(cls)
    properties.register()


def unregister() -> None:
    properties.unregister()
    for cls in reversed(_CLASSES):
        bpy.utils.unregister_class(cls)
