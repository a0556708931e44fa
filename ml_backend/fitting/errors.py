"""Errors of the head fit, worded for the animator (all are I2FETError, so callers catch one family)."""

from __future__ import annotations

from ..errors import I2FETError


class HeadFitError(I2FETError):
    """The mesh cannot be fitted as given; the message says what is needed."""


class NotAHeadError(HeadFitError):
    """The mesh (or the chosen region) does not look like a head."""


class LandmarkError(HeadFitError):
    """Landmarks that contradict each other or the mesh; ``landmarks`` names the culprits."""

    def __init__(self, message: str, landmarks: tuple[str, ...] = ()):
        super().__init__(message)
        self.landmarks = tuple(landmarks)
