"""Find and create shape keys on a mesh object.

Keys this module creates are listed in the Key datablock's custom property
``i2fet_created`` so later code can replace what we made and leave the user's own keys alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import bpy
import numpy as np

from ..errors import BlenderIOError

CREATED_KEYS_PROPERTY = "i2fet_created"


def find_arkit_keys(obj: bpy.types.Object, canonical_name: Callable[[str], str | None]) -> dict[str, str]:
    """Map ARKit name -> existing shape-key name on ``obj`` (the reference key is skipped).

    An exact ARKit spelling wins over a fuzzy one (``mouthSmileLeft`` over ``mouthSmile_L``);
    among fuzzy spellings the first key in the list wins.
    """
    key = _shape_key_datablock(obj)
    if key is None:
        return {}
    found: dict[str, str] = {}
    for block in key.key_blocks:
        if block == key.reference_key:
            continue
        arkit = canonical_name(block.name)
        if arkit is None:
            continue
        if arkit not in found or block.name == arkit:
            found[arkit] = block.name
    return found


def base_positions(obj: bpy.types.Object) -> np.ndarray:
    """Mesh-local vertex positions of the Basis shape (the mesh's rest positions when it has no keys)."""
    mesh = obj.data
    coords = np.empty(len(mesh.vertices) * 3, dtype=np.float32)
    key = mesh.shape_keys
    if key is not None and key.reference_key is not None:
        key.reference_key.points.foreach_get("co", coords)
    else:
        mesh.vertices.foreach_get("co", coords)
    return coords.reshape(-1, 3)


def shape_key_names(obj: bpy.types.Object) -> list[str]:
    """Names of ``obj``'s shape keys in list order, the reference (Basis) key left out."""
    key = _shape_key_datablock(obj)
    if key is None:
        return []
    return [block.name for block in key.key_blocks if block != key.reference_key]


def create_shape_keys(obj: bpy.types.Object, deltas: Mapping[str, np.ndarray]) -> list[str]:
    """Add one shape key per name with coordinates basis + delta; return the names created.

    ``deltas`` maps a key name to a (V, 3) offset array in mesh-local coordinates. A Basis
    key is added first when the mesh has none. Names that already exist are skipped (an
    existing key is never modified), so the return value lists only what was made.
    New keys start at value 0. Everything is checked before the mesh is touched.
    """
    mesh = _editable_mesh(obj)
    num_vertices = len(mesh.vertices)
    checked: dict[str, np.ndarray] = {}
    for name, delta in deltas.items():
        array = np.asarray(delta, dtype=np.float32)
        if array.shape != (num_vertices, 3):
            raise BlenderIOError(
                f"Shape '{name}' has offsets of shape {array.shape}, but mesh '{obj.name}' has "
                f"{num_vertices} vertices: the head mesh does not match the model."
            )
        if not np.isfinite(array).all():
            raise BlenderIOError(f"Shape '{name}' contains invalid (NaN or infinite) offsets.")
        checked[name] = array

    if mesh.shape_keys is None:
        obj.shape_key_add(name="Basis", from_mix=False)
    key = mesh.shape_keys
    existing = set(key.key_blocks.keys())
    basis = np.empty(num_vertices * 3, dtype=np.float32)
    key.reference_key.points.foreach_get("co", basis)  # ``points``: the mesh-only collection, 2-3x faster than ``data``

    created: list[str] = []
    for name, array in checked.items():
        if name in existing:
            continue
        block = obj.shape_key_add(name=name, from_mix=False)
        block.points.foreach_set("co", basis + array.reshape(-1))
        block.value = 0.0  # Blender 5.0 creates keys at 1.0; a new key must not change the face
        created.append(block.name)
    mesh.update()
    if created:
        previous = list(key.get(CREATED_KEYS_PROPERTY, []))
        key[CREATED_KEYS_PROPERTY] = previous + [n for n in created if n not in previous]
    return created


def created_key_names(obj: bpy.types.Object) -> list[str]:
    """Names of the shape keys on ``obj`` that ``create_shape_keys`` made and that still exist."""
    key = _shape_key_datablock(obj)
    if key is None:
        return []
    return [name for name in key.get(CREATED_KEYS_PROPERTY, []) if name in key.key_blocks]


def evaluated_vertex_positions(obj: bpy.types.Object, depsgraph: bpy.types.Depsgraph) -> np.ndarray:
    """Vertex positions (V, 3) of ``obj`` after shape keys and modifiers, in mesh-local space."""
    evaluated = obj.evaluated_get(depsgraph)
    mesh = evaluated.to_mesh()
    try:
        positions = np.empty(len(mesh.vertices) * 3, dtype=np.float32)
        mesh.vertices.foreach_get("co", positions)
    finally:
        evaluated.to_mesh_clear()
    return positions.reshape(-1, 3)


def _shape_key_datablock(obj: bpy.types.Object) -> bpy.types.Key | None:
    if obj is None or obj.type != "MESH":
        raise BlenderIOError("Select a mesh object (the head) first.")
    return obj.data.shape_keys


def _editable_mesh(obj: bpy.types.Object) -> bpy.types.Mesh:
    _shape_key_datablock(obj)
    if obj.mode == "EDIT":
        raise BlenderIOError(f"Leave Edit Mode on '{obj.name}' first: shape keys written now would be lost.")
    return obj.data
