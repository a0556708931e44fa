"""The one result type of the house: a clip written on a head (generated, regenerated or imported)."""

from __future__ import annotations

from dataclasses import dataclass, field

import bpy
import numpy as np


@dataclass
class GenerationResult:
    """What a write made: the clip's action and what the animator is told about it."""

    action: bpy.types.Action
    weights: np.ndarray  # frames x 52 ARKit weights, as keyed
    summary: str = ""  # what the backend understood (the plan), or where an imported take came from
    created_keys: list[str] = field(default_factory=list)  # ARKit keys added to the head for this clip
    missing_channels: list[str] = field(default_factory=list)  # channels the clip moves that the head cannot show
    frame_start: int = 1
    frame_end: int = 1

    def message(self, verb: str = "Generated") -> str:
        """One line for the operator's report."""
        text = f"{verb} '{self.action.name}', frames {self.frame_start}-{self.frame_end}"
        if self.created_keys:
            text += f"; created {len(self.created_keys)} shape keys"
        if self.missing_channels:
            text += f"; the mesh has no shape keys for: {', '.join(self.missing_channels)}"
        return text
