"""The file path an operator was given, as the file system means it.

Blender's own paths may start with ``//`` (relative to the saved .blend file) and a script may pass
``~/...``; Python's file functions read both literally (``//take.csv`` is ``/take.csv`` at the root of
the disk, ``~`` a folder named ``~`` in the current directory). Every import and export resolves its
path here first, so the path that is checked is the path that is written.
"""

from __future__ import annotations

import os

import bpy

from ..errors import BlenderIOError


def resolved(filepath: str) -> str:
    """``filepath`` made absolute: ``//`` against the saved .blend file, ``~`` to the home folder.

    A ``//`` path in a file that was never saved has nothing to be relative to: refused with the fix.
    """
    if filepath.startswith("//"):
        if not bpy.data.filepath:
            raise BlenderIOError(f"'{filepath}' is relative to the .blend file, which is not saved yet: save the "
                                 "file first or choose a full path.")
        filepath = bpy.path.abspath(filepath)
    return os.path.abspath(os.path.expanduser(filepath)) if filepath else filepath
