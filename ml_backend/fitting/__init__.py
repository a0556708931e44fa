"""Any head: fit the ICT template to a user's head and transfer the 52 expression shapes onto its vertices.

Pure numpy/scipy. ``fit_head`` (alignment, landmarks, identity modes, free-form fit, binding)
and ``expression_deltas`` (52 shape-key offsets per part, in mesh-local coordinates, checked for
tears; ``transfer_expressions`` adds the check of each shape and notes) are the entry points;
``find_landmarks`` / ``detect_landmarks`` give the face detector's landmarks for review.
"""

from .errors import HeadFitError, LandmarkError, NotAHeadError
from .expressions import Transfer, expression_deltas, transfer_expressions
from .fit import MAX_VERTICES, HeadFit, HeadPart, LandmarkFinding, detect_landmarks, find_landmarks, fit_head
from .template import LANDMARK_LABELS, LANDMARK_NAMES, load_template

__all__ = ["HeadFitError", "LandmarkError", "NotAHeadError", "HeadFit", "HeadPart", "LandmarkFinding", "MAX_VERTICES",
           "Transfer", "detect_landmarks", "find_landmarks", "transfer_expressions",
           "expression_deltas", "fit_head", "LANDMARK_NAMES",
           "LANDMARK_LABELS", "load_template"]
