"""Head from Photo: a NEW head object fitted to a photo, and the photo's expression as Generate's start.

The backend (``ml_backend.photo``) does the work: detection, fit, texture, cached by the photo's
hash. Here its result becomes a new mesh object (the fitted head, its atlas UVs, an image texture
packed into the .blend, 51 ARKit shape keys set to the photo's expression). Nothing existing is
touched: every check and the whole fit run before any data-block is created, and a failure while
building removes what was made. The photo file itself is only read.
"""

from __future__ import annotations

from pathlib import Path

import bpy
import numpy as np

from ..backend import bridge
from ..errors import HeadFitFailed
from ..io.mesh_build import build_head_object
from ..io.shape_keys import create_shape_keys

PHOTO_TAG = "i2fet_photo_sha256"  # custom property on heads made from a photo
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff")


def photo_head(path: str):
    """The backend's fitted head for the photo (HeadFitFailed with the backend's words if it cannot be used)."""
    if not path:
        raise HeadFitFailed("Choose a photo first.")
    resolved = bpy.path.abspath(path)
    with bridge.translated(HeadFitFailed):
        return bridge.backend_module("photo.head").head_from_photo(resolved)


def photo_expression(path: str) -> np.ndarray:
    """The expression in the photo as 52 ARKit weights (for 'Start from photo's expression')."""
    return np.asarray(photo_head(path).weights, np.float32)


def _texture_image(name: str, texture: np.ndarray) -> bpy.types.Image:
    size = texture.shape[0]
    image = bpy.data.images.new(name, width=size, height=size, alpha=False)
    rgba = np.ones((size, size, 4), np.float32)
    rgba[..., :3] = texture[::-1] / 255.0  # Blender's pixel rows run bottom to top
    image.pixels.foreach_set(rgba.ravel())
    image.pack()
    return image


def _textured_material(name: str, image: bpy.types.Image) -> bpy.types.Material:
    material = bpy.data.materials.new(name)
    if material.node_tree is None:
        material.use_nodes = True
    nodes = material.node_tree.nodes
    shader = next(n for n in nodes if n.type == "BSDF_PRINCIPLED")
    node = nodes.new("ShaderNodeTexImage")
    node.image = image
    material.node_tree.links.new(node.outputs["Color"], shader.inputs["Base Color"])
    shader.inputs["Roughness"].default_value = 0.6
    return material


def add_photo_head(path: str, scene: bpy.types.Scene | None = None) -> tuple[bpy.types.Object, list[str]]:
    """Create a new head object from the photo at ``path``; returns it and the backend's notes."""
    head = photo_head(path)  # all checks and the fit happen before anything is created
    arkit = bridge.arkit()
    topology = head.topology
    stem = Path(bpy.path.abspath(path)).stem or "photo"
    name = f"{stem} head"
    triangles = topology.triangles
    made: list = []
    try:
        obj = build_head_object(
            name, vertices=head.vertices, face_sizes=np.full(len(triangles), 3), face_vertex_indices=triangles.reshape(-1),
            uvs=topology.triangle_uvs.reshape(-1, 2), material_index=np.zeros(len(triangles), np.int32),
            material_names=[f"{name} skin"], material_colors=[(0.62, 0.42, 0.33)], scene=scene)
        made += [obj, obj.data, *obj.data.materials]
        image = _texture_image(f"{name} texture", head.texture)
        made.append(image)
        material = _textured_material(f"{name} photo", image)
        made.append(material)
        simple = obj.data.materials[0]
        obj.data.materials[0] = material
        made.remove(simple)
        bpy.data.materials.remove(simple)  # the plain colour build_head_object made: replaced by the photo
        deltas = head.deltas
        channels = [i for i, ok in enumerate(topology.model.has_shape) if ok]
        create_shape_keys(obj, {arkit.ARKIT_NAMES[i]: deltas[i] for i in channels})
        for i in channels:
            obj.data.shape_keys.key_blocks[arkit.ARKIT_NAMES[i]].value = float(head.weights[i])
        obj.data[PHOTO_TAG] = head.sha256
        obj["i2fet_photo_focal_35mm"] = float(head.metrics.get("focal_35mm", 0.0))
    except Exception:
        for block in reversed(made):
            _remove(block)
        raise
    return obj, list(head.notes)


def _remove(block) -> None:
    """Remove a data-block this module created (used to undo a half-built head)."""
    for collection in (bpy.data.objects, bpy.data.meshes, bpy.data.materials, bpy.data.images):
        try:
            if block.name in collection and collection[block.name] == block:
                collection.remove(block)
                return
        except ReferenceError:
            return
