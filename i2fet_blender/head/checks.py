"""What a head must be before anything is written to it."""

from __future__ import annotations

import bpy
import numpy as np

from ..errors import GenerationError

FACE_MODEL_TAG = "i2fet_face_model"  # custom property on meshes built from the ICT face model
ICT_TAG_VALUE = "ict_facekit"


def check_target(obj: bpy.types.Object | None) -> bpy.types.Object:
    """The object must be a local mesh in Object Mode."""
    if obj is None:
        raise GenerationError("Select a head mesh first (no active object).")
    if obj.type != "MESH":
        kind = obj.type.lower().replace("_", " ")
        article = "an" if kind[0] in "aeiou" else "a"
        raise GenerationError(f"'{obj.name}' is {article} {kind}, not a mesh: select the head mesh.")
    if obj.library is not None or obj.data.library is not None:
        raise GenerationError(f"'{obj.name}' is linked from another file and cannot be changed here: make it local first.")
    if obj.mode == "EDIT":
        raise GenerationError(f"'{obj.name}' is in Edit Mode: switch to Object Mode to generate.")
    return obj


def is_ict_head(obj: bpy.types.Object, model) -> bool:
    """True for a mesh with the ICT FaceKit topology (tagged by us, or same vertex count and shape)."""
    mesh = obj.data
    if len(mesh.vertices) != model.num_vertices:
        return False
    if mesh.get(FACE_MODEL_TAG) == ICT_TAG_VALUE:
        return True
    coords = np.empty(len(mesh.vertices) * 3, dtype=np.float32)
    mesh.vertices.foreach_get("co", coords)
    coords = coords.reshape(-1, 3)
    size = float(np.linalg.norm(model.neutral.max(0) - model.neutral.min(0)))
    return float(np.median(np.linalg.norm(coords - model.neutral, axis=1))) < 0.05 * size
