"""Add the bundled default head (the ICT FaceKit neutral head, with eyes and teeth) to the scene."""

from __future__ import annotations

import bpy
import numpy as np

from ..backend import bridge
from ..io.mesh_build import build_head_object
from .checks import FACE_MODEL_TAG, ICT_TAG_VALUE

SKIN = (0.62, 0.42, 0.33)


def add_default_head(name: str = "I2FET Head", scene: bpy.types.Scene | None = None) -> bpy.types.Object:
    """Build the ICT neutral head as an object (Y-up model data, upright through its transform).

    The see-through overlay layers of the eyes (tear film, blend and occlusion shells) are left
    out of the faces; all vertices are kept so the face model's offsets apply unchanged.
    """
    face = bridge.face_model_module()
    model = bridge.face_model()
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
    _paint_eyes(obj, model)
    obj.data[FACE_MODEL_TAG] = ICT_TAG_VALUE
    bpy.context.view_layer.update()  # make the new object visible to view-layer lookups (exporters)
    return obj


def _paint_eyes(obj: bpy.types.Object, model) -> None:
    """Give the untextured eyeballs an iris and pupil: a colour attribute by angle from each eye's axis.

    ICT's eyes are textured in the original; without textures the sclera shell is plain white.
    An iris spans about 30 degrees and a pupil about 10 degrees from the eye's forward (+Z) axis.
    """
    names = np.array(model.material_names)
    corner_faces = np.repeat(np.arange(len(model.face_sizes)), model.face_sizes)
    colors = np.tile(np.array([0.85, 0.83, 0.8, 1.0], np.float32), (model.num_vertices, 1))
    for side in ("Left", "Right"):
        faces = np.flatnonzero(np.isin(names[model.face_materials], (f"M_Sclera{side}", f"M_Iris{side}")))
        vertices = np.unique(model.face_vertices[np.isin(corner_faces, faces)])
        points = model.neutral[vertices]
        center = (points.min(0) + points.max(0)) / 2
        direction = points - center
        cosine = direction[:, 2] / np.maximum(np.linalg.norm(direction, axis=1), 1e-9)
        angle = np.degrees(np.arccos(np.clip(cosine, -1, 1)))
        colors[vertices[angle < 30]] = (0.16, 0.09, 0.04, 1.0)
        colors[vertices[angle < 11]] = (0.01, 0.01, 0.01, 1.0)
    attribute = obj.data.color_attributes.new("EyeColor", "FLOAT_COLOR", "POINT")
    attribute.data.foreach_set("color", colors.ravel())
    for material in obj.data.materials:
        if material.name.startswith(("M_Sclera", "M_Iris")) and material.node_tree is not None:
            nodes = material.node_tree.nodes
            shader = next(n for n in nodes if n.type == "BSDF_PRINCIPLED")
            color = nodes.new("ShaderNodeAttribute")
            color.attribute_name = "EyeColor"
            material.node_tree.links.new(color.outputs["Color"], shader.inputs["Base Color"])
