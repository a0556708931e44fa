"""Registration: every class of the add-on in one list, as Molecular Nodes' ``ui/addon.py`` does.

Modules with properties or paths to set up also export ``register``/``unregister`` hooks; they run
after their classes are registered (and before they are unregistered). Failures are loud.
"""

from __future__ import annotations

import bpy

from . import clip_ops, generate_ops, head_ops, io_ops, key_map_ui, panels, photo_ops, preferences, properties

_MODULES = (properties, preferences, generate_ops, clip_ops, io_ops, panels, head_ops, photo_ops, key_map_ui)
CLASSES = tuple(cls for module in _MODULES for cls in module.CLASSES)


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
