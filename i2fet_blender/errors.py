"""The add-on's one error family, at the bottom of the house: every other module may import it, it imports none.

Deep code raises these with a message already worded for the animator; ``ui.report`` turns any of
them into one ``self.report({'ERROR'}, ...)``. The backend's own family (``ml_backend.errors``)
is translated into these at the bridge (``backend.bridge.translated``), so no add-on module but
the bridge needs to know the backend's exceptions.
"""

from __future__ import annotations


class AddonError(Exception):
    """A problem the animator can fix, already worded for them."""


class GenerationError(AddonError):
    """Generate, Regenerate, a clip edit or an import cannot go ahead (nothing was changed)."""


class HeadFitFailed(AddonError):
    """Fitting the face model to the user's head cannot go ahead (nothing was changed)."""


class BlenderIOError(AddonError):
    """The scene data cannot take what was asked (wrong object, vertex counts, missing keys, export)."""


class TaskCancelled(AddonError):
    """Raised inside a background task's work function that noticed the user pressed Cancel."""
