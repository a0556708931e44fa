"""Add the bundled default head (the ICT FaceKit neutral head, with eyes and teeth) to the scene."""

from __future__ import annotations

import bpy
import numpy as np

from . import bridge
from .blender_io.default_head import build_head_object
from .generation import FACE_MODEL_TAG, ICT_TAG_VALUE

SKIN = (0.62, 0.42, 0.33)


def add_default_head(name: str = "I2FET Head", scene: bpy.types.Scene | None = None) -> bpy.types.Object:
    """Build the ICT neutral head as an object (Y-up model data, upright through its transform).

    The see-through overlay layers of the eyes (tear film, blend and occlusion shells) are left
    out of the faces; all vertices are kept so the face model's offsets apply unchanged.
    """
    face = bridge.backend_module("face_model")
    model = face.load_face_model()
    keep = ~np.isin(np.array(model.material_names)[model.face_materials], face.HIDDEN_MATERIALS)
    corner_faces = np.repeat(np.arange(len(model.face_sizes)), model.face_sizes)
    keep_corners = keep[corner_faces]
    uvs = model.uvs[model.face_uvs][keep_corners] if len(model.face_uvs) else None
    obj = build_head_object(
        name,
        vertices=model.neutral,
        face_sizes=model.face_sizes[keep],
        face_vertex_indices=model.face_vertices[keep_corners],
        uvs=uvs,
        material_index=model.face_materials[keep],
        material_names=model.material_names,
        material_colors=[face.MATERIAL_COLORS.get(n, SKIN) for n in model.material_names],
        scene=scene,
    )
    obj.data[FACE_MODEL_TAG] = ICT_TAG_VALUE
    return obj
