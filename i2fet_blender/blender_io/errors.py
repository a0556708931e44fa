"""The error raised by the Blender writers, with messages written for an animator."""


class BlenderIOError(Exception):
    """The scene data cannot take what was asked (wrong object, vertex counts, missing keys)."""
