"""Errors of the photo path, worded for the animator (all are I2FETError, so callers catch one family)."""

from __future__ import annotations

from ..errors import I2FETError


class PhotoError(I2FETError):
    """The file cannot be used as a photo of a face; the message says why and what to do."""


class NoFaceError(PhotoError):
    """The image was read, but no face was found in it."""


class FaceTurnedError(PhotoError):
    """The face is turned too far from the camera for one photo to show its shape."""
