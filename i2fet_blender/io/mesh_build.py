"""Build the default head (a mesh from the backend's arrays) as a Blender object.

Mesh-local coordinates stay exactly the backend's (Y up, roughly centimetres), so the
backend's vertex offsets are the shape-key deltas with no conversion. Turning the head
upright in Blender's Z-up metre world is done by the object transform alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import bpy
import numpy as np

from ..errors import BlenderIOError


def build_head_object(
    name: str,
    vertices: np.ndarray,
    face_sizes: np.ndarray,
    face_vertex_indices: np.ndarray,
    uvs: np.ndarray | None,
    material_index: np.ndarray,
    material_names: Sequence[str],
    material_colors: Sequence[tuple[float, float, float]],
    y_up_to_z_up: bool = True,
    scale: float = 0.01,
    scene: bpy.types.Scene | None = None,
) -> bpy.types.Object:
    """Create a smooth-shaded mesh object from flat arrays and link it to the scene collection.

    vertices (V, 3); face_sizes (F,) corners per face; face_vertex_indices (sum of sizes,)
    the corners' vertices, face after face; uvs (sum of sizes, 2) one per corner or None;
    material_index (F,) into material_names; material_colors one linear RGB per material.
    With ``y_up_to_z_up`` the object is rotated 90 degrees about X; ``scale`` is the object scale.
    """
    vertices = np.asarray(vertices, dtype=np.float32)
    face_sizes = np.asarray(face_sizes, dtype=np.int32)
    corners = np.asarray(face_vertex_indices, dtype=np.int32)
    material_index = np.asarray(material_index, dtype=np.int32)
    _check_arrays(vertices, face_sizes, corners, uvs, material_index, material_names, material_colors)

    mesh = bpy.data.meshes.new(name)
    mesh.vertices.add(len(vertices))
    mesh.vertices.foreach_set("co", vertices.reshape(-1))
    mesh.loops.add(len(corners))
    mesh.loops.foreach_set("vertex_index", corners)
    mesh.polygons.add(len(face_sizes))
    loop_start = np.zeros(len(face_sizes), dtype=np.int32)
    np.cumsum(face_sizes[:-1], out=loop_start[1:])
    mesh.polygons.foreach_set("loop_start", loop_start)
    mesh.polygons.foreach_set("material_index", material_index)
    mesh.polygons.foreach_set("use_smooth", np.ones(len(face_sizes), dtype=bool))
    if uvs is not None:
        layer = mesh.uv_layers.new(name="UVMap")
        layer.data.foreach_set("uv", np.asarray(uvs, dtype=np.float32).reshape(-1))
    mesh.update(calc_edges=True)
    if mesh.validate(verbose=False):
        bpy.data.meshes.remove(mesh)
        raise BlenderIOError(f"The mesh data for '{name}' is broken (repeated corners or degenerate faces).")

    for material_name, color in zip(material_names, material_colors):
        mesh.materials.append(_simple_material(material_name, color))

    obj = bpy.data.objects.new(name, mesh)
    if y_up_to_z_up:
        obj.rotation_euler = (math.radians(90.0), 0.0, 0.0)
    obj.scale = (scale, scale, scale)
    (scene or bpy.context.scene).collection.objects.link(obj)
    return obj


def _check_arrays(
    vertices: np.ndarray,
    face_sizes: np.ndarray,
    corners: np.ndarray,
    uvs: np.ndarray | None,
    material_index: np.ndarray,
    material_names: Sequence[str],
    material_colors: Sequence[tuple[float, float, float]],
) -> None:
    """Reject inconsistent arrays before any datablock is made."""
    if vertices.ndim != 2 or vertices.shape[1] != 3 or len(vertices) == 0:
        raise BlenderIOError(f"Head vertices must be a non-empty (V, 3) array, got {vertices.shape}.")
    if face_sizes.ndim != 1 or len(face_sizes) == 0 or (face_sizes < 3).any():
        raise BlenderIOError("Every face of the head needs at least 3 corners.")
    if corners.shape != (int(face_sizes.sum()),):
        raise BlenderIOError(f"Face sizes add up to {int(face_sizes.sum())} corners but {corners.size} were given.")
    if corners.min() < 0 or corners.max() >= len(vertices):
        raise BlenderIOError("A face of the head refers to a vertex that does not exist.")
    if uvs is not None and np.shape(uvs) != (len(corners), 2):
        raise BlenderIOError(f"Expected one UV per face corner ({len(corners)}, 2), got {np.shape(uvs)}.")
    if material_index.shape != face_sizes.shape:
        raise BlenderIOError("Expected one material index per face of the head.")
    if len(material_names) != len(material_colors) or len(material_names) == 0:
        raise BlenderIOError("Give one color per material name, and at least one material.")
    if material_index.min() < 0 or material_index.max() >= len(material_names):
        raise BlenderIOError("A face of the head uses a material index with no material.")


def _simple_material(name: str, color: tuple[float, float, float]) -> bpy.types.Material:
    """A Principled BSDF material of one color; the viewport color matches in Solid mode."""
    material = bpy.data.materials.new(name)
    rgba = (float(color[0]), float(color[1]), float(color[2]), 1.0)
    material.diffuse_color = rgba
    if material.node_tree is None:
        material.use_nodes = True
    principled = next(node for node in material.node_tree.nodes if node.type == "BSDF_PRINCIPLED")
    principled.inputs["Base Color"].default_value = rgba
    return material
