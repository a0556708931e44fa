"""I2FET: type an instruction, get a facial performance as shape keys and keyframes.

Registration only: no torch and no backend import here, so enabling the add-on is instant.
Each UI module exports ``CLASSES`` (and optionally ``register``/``unregister`` hooks for
properties and paths); adding a module is one line in ``_MODULES``.
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

from . import clip_operators, head_fit_ui, io_operators, key_mapping, operators, panel, preferences, properties  # noqa: E402

_MODULES = (properties, preferences, operators, clip_operators, io_operators, panel, head_fit_ui, key_mapping)


def register() -> None:
    for module in _MODULES:
        for cls in module.CLASSES:
            bpy.utils.register_class(cls)
        if hasattr(module, "register"):
            module.register()


def unregister() -> None:
    for module in reversed(_MODULES):
        if hasattr(module, "unregister"):
            module.unregister()
        for cls in reversed(module.CLASSES):
            bpy.utils.unregister_class(cls)
