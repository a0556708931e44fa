"""A test character built from the ICT face model: head, teeth and eyes as separate meshes under an armature.

``build_character(keyed=True)``: every part carries the model's 52 ARKit shapes as its own keys (a game avatar).
``keyed=False``: only the head has keys; the upper and lower teeth and both eyeballs are keyless meshes that
the add-on must move with the face. Parts stand as the default head does (Y-up data, turned upright by an
unapplied 90 degree rotation, scale 0.01) and are parented to the armature ``Rig``.
"""

from __future__ import annotations

import bpy
import numpy as np

HEAD_MATERIALS = ("M_Face", "M_BackHead", "M_GumsTongue")
EYE_MATERIALS = {"EyeLeft": ("M_ScleraLeft", "M_IrisLeft"), "EyeRight": ("M_ScleraRight", "M_IrisRight")}


def _faces_of(model, materials) -> list[np.ndarray]:
    names = np.array(model.material_names)
    starts = np.concatenate([[0], np.cumsum(model.face_sizes)[:-1]])
    chosen = np.flatnonzero(np.isin(names[model.face_materials], materials))
    return [model.face_vertices[starts[f]:starts[f] + model.face_sizes[f]] for f in chosen]


def teeth_rows(model) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(upper, lower) teeth faces: the lower row is what the model's jawOpen shape moves."""
    from ml_backend.naming.arkit import INDEX

    faces = _faces_of(model, ("M_Teeth",))
    moved = np.linalg.norm(model.deltas[INDEX["jawOpen"]], axis=1)
    lower = [f for f in faces if moved[f].min() > 0.5 * moved[np.concatenate(faces)].max()]
    upper = [f for f in faces if moved[f].min() <= 0.5 * moved[np.concatenate(faces)].max()]
    return upper, lower


def build_part(name: str, model, faces: list[np.ndarray], keyed: bool, parent=None) -> bpy.types.Object:
    """A mesh of ``faces`` (model vertex ids) with the model's neutral positions; ``keyed``: its ARKit keys."""
    from ml_backend.naming.arkit import ARKIT_NAMES

    ids = np.unique(np.concatenate(faces))
    remap = np.full(model.num_vertices, -1)
    remap[ids] = np.arange(len(ids))
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(model.neutral[ids].tolist(), [], [remap[f].tolist() for f in faces])
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    obj.rotation_euler = (np.pi / 2, 0.0, 0.0)
    obj.scale = (0.01, 0.01, 0.01)
    obj.parent = parent
    if keyed:
        obj.shape_key_add(name="Basis", from_mix=False)
        base = model.neutral[ids].astype(np.float32)
        for channel, name_ in enumerate(ARKIT_NAMES):
            if not model.has_shape[channel]:
                continue
            block = obj.shape_key_add(name=name_, from_mix=False)
            block.data.foreach_set("co", (base + model.deltas[channel][ids]).ravel())
            block.value = 0.0
    obj["model_vertices"] = ids.tolist()  # which model vertices this part holds (tests compare with the model)
    return obj


def build_character(model, keyed: bool = True) -> dict[str, bpy.types.Object]:
    """Rig, Head (keyed), teeth and eyes (keyed or not); the head is the active, selected object."""
    rig = bpy.data.objects.new("Rig", bpy.data.armatures.new("Rig"))
    bpy.context.scene.collection.objects.link(rig)
    parts = {"Rig": rig, "Head": build_part("Head", model, _faces_of(model, HEAD_MATERIALS), True, rig)}
    upper, lower = teeth_rows(model)
    if keyed:
        parts["Teeth"] = build_part("Teeth", model, upper + lower, True, rig)
    else:
        parts["UpperTeeth"] = build_part("UpperTeeth", model, upper, False, rig)
        parts["LowerTeeth"] = build_part("LowerTeeth", model, lower, False, rig)
    for name, materials in EYE_MATERIALS.items():
        parts[name] = build_part(name, model, _faces_of(model, materials), keyed, rig)
    head = parts["Head"]
    bpy.context.view_layer.objects.active = head
    head.select_set(True)
    bpy.context.view_layer.update()
    return parts


def world_vertices(obj: bpy.types.Object) -> np.ndarray:
    """``obj``'s evaluated vertices (shape keys, animation) in world space at the current frame."""
    from i2fet_blender.io.shape_keys import evaluated_vertex_positions

    depsgraph = bpy.context.evaluated_depsgraph_get()
    matrix = np.array(obj.evaluated_get(depsgraph).matrix_world, np.float64)
    return evaluated_vertex_positions(obj, depsgraph) @ matrix[:3, :3].T + matrix[:3, 3]
