"""The any-head evaluation's whole character, run through the add-on exactly as a user's character is.

A head with separate keyless meshes (``heads.EvalHead.parts``: eyeballs, teeth, tongue) is built in Blender
as an import would leave it: one object per mesh, all under one parent, Y-up data turned upright by an unapplied
rotation and scale. Then the product's own steps: Fit Head on the head (``head.fit.fit_object``: the ARKit keys
on the head alone, the parts stay keyless), the character's parts found from the head (``head.character``:
lower teeth and tongue follow the jaw, eyeballs follow eyeLook), and one clip written on all of it by the
generation's writer (``generate.parts.write_character``), one frame per pose. Blender then evaluates each frame
and the positions it shows (the head's shape keys, the parts' keyed turns) are what the read renders.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from .heads import EvalHead

CLIP_START = 1


@dataclass
class CharacterScene:
    """The character's Blender objects: the head and its parts by name."""

    head: object  # bpy.types.Object
    parts: dict  # name -> bpy.types.Object


def start_blender() -> None:
    """A factory-fresh Blender with the add-on enabled (its user folder in a temporary directory)."""
    os.environ.setdefault("BLENDER_USER_RESOURCES", tempfile.mkdtemp(prefix="i2fet-eval-user-"))
    import bpy  # noqa: I001  (bpy first: it makes addon_utils importable)
    import addon_utils

    bpy.ops.wm.read_factory_settings(use_empty=True)
    addon_utils.enable("i2fet_blender", default_set=True)


def _mesh_object(name: str, vertices: np.ndarray, triangles: np.ndarray, matrix: np.ndarray, parent):
    import bpy
    from mathutils import Matrix

    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(np.asarray(vertices, np.float64).tolist(), [], np.asarray(triangles).tolist())
    mesh.validate()
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    obj.parent = parent
    obj.matrix_basis = Matrix(np.asarray(matrix, np.float64).tolist())
    return obj


def build_character(head: EvalHead) -> CharacterScene:
    """The head and its parts as Blender objects under one empty (the character), placed by the head's matrix."""
    import bpy

    root = bpy.data.objects.new(f"{head.part.name} character", None)
    bpy.context.scene.collection.objects.link(root)
    matrix = np.asarray(head.part.matrix_world, np.float64)
    head_obj = _mesh_object("Head", head.part.vertices, head.part.triangles, matrix, root)
    parts = {p.name: _mesh_object(p.name, p.vertices, p.triangles, matrix, root) for p in head.parts}
    bpy.context.view_layer.objects.active = head_obj
    bpy.context.view_layer.update()
    return CharacterScene(head_obj, parts)


def fit_character(scene: CharacterScene):
    """Fit Head as the panel runs it (uncached: a fresh cache folder); (fit, transfer, seconds) of the head."""
    from i2fet_blender.head.fit import fit_object, head_part
    from ml_backend.fitting.expressions import transfer_expressions
    from ml_backend.fitting.fit import fit_head

    previous = os.environ.get("I2FET_CACHE")
    with tempfile.TemporaryDirectory(prefix="i2fet-eval-fit-") as cache:
        os.environ["I2FET_CACHE"] = cache
        try:
            started = time.perf_counter()
            fit_object(scene.head)
            seconds = time.perf_counter() - started
            fit = fit_head(head_part(scene.head))  # the same fit, from the cache Fit Head just wrote
            transfer = transfer_expressions(fit)
        finally:
            if previous is None:
                os.environ.pop("I2FET_CACHE", None)
            else:
                os.environ["I2FET_CACHE"] = previous
    return fit, transfer, seconds


def roles(scene: CharacterScene) -> dict[str, str]:
    """What a generation does with each part (the add-on's character finder): name -> role."""
    from i2fet_blender.head.character import find_character

    return {p.object_name: p.role for p in find_character(scene.head).parts}


def pose_character(scene: CharacterScene, weights: np.ndarray) -> list[dict[str, np.ndarray]]:
    """Write ``weights`` (poses x 52) as one clip on the whole character with the generation's writer, then let
    Blender evaluate each pose: per pose, object name -> its vertices in world space as Blender shows them."""
    import bpy

    from i2fet_blender.clips.store import ClipInfo
    from i2fet_blender.generate.parts import write_character
    from i2fet_blender.head.character import find_character
    from i2fet_blender.io.shape_keys import evaluated_vertex_positions

    head = scene.head
    character = find_character(head)
    info = ClipInfo("any-head evaluation poses", 0, 1.0, len(weights), CLIP_START, 24.0, head.name, "eval")
    write_character(head, character, np.asarray(weights, np.float32), None, info, "I2FET eval poses", "", "", {},
                    None, None)
    objects = [head, *scene.parts.values()]
    poses = []
    for frame in range(len(weights)):
        bpy.context.scene.frame_set(CLIP_START + frame)
        depsgraph = bpy.context.evaluated_depsgraph_get()
        pose = {}
        for obj in objects:
            matrix = np.array(obj.evaluated_get(depsgraph).matrix_world, np.float64)
            pose[obj.name] = evaluated_vertex_positions(obj, depsgraph) @ matrix[:3, :3].T + matrix[:3, 3]
        poses.append(pose)
    return poses


def world_to_template(scene: CharacterScene, fit) -> np.ndarray:
    """4 x 4: world space -> the fit's template frame (through the head's mesh-local frame)."""
    return np.asarray(fit.to_template[0], np.float64) @ np.linalg.inv(np.array(scene.head.matrix_world, np.float64))

