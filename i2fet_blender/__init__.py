"""I2FET: type an instruction, get a facial performance as shape keys and keyframes.

Registration only: no torch and no backend import here, so enabling the add-on is instant. Every
registered class is listed in ``ui.addon.CLASSES``; the house is described in docs/architecture.md.
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

from .ui import addon  # noqa: E402


def register() -> None:
    addon.register()


def unregister() -> None:
    addon.unregister()
