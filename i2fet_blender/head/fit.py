"""Fit the ICT template to the user's own head mesh and give it ARKit shape keys (Blender side).

Plain functions, callable from scripts and from the operators in ``ui.head_ops``:
``detect_landmarks_on_object`` finds the landmarks and shows them as empties the user can move;
``fit_object`` fits (using the moved landmarks), and only after the fit succeeded replaces the
keys a previous fit created and adds the new ones. The backend works on the base mesh (the
Basis shape), so keys apply below any modifiers, as Blender's shape keys always do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import bpy
import numpy as np
from mathutils import Matrix, Vector

from ..backend import bridge
from ..errors import BlenderIOError, HeadFitFailed
from ..io.shape_keys import CREATED_KEYS_PROPERTY, base_positions, create_shape_keys, created_key_names

LANDMARK_PROPERTY = "i2fet_landmarks"  # object property: landmark name -> mesh-local position
LANDMARK_EMPTY_TAG = "i2fet_landmark"  # empty property: the landmark's name
FIT_PROPERTY = "i2fet_head_fit"  # mesh property: summary of the last fit
MIN_DELTA = 1e-6  # a part whose shape moves less than this (mesh units) gets no key for it


@dataclass
class FitResult:
    created: dict[str, list[str]]  # object name -> shape keys created
    replaced: dict[str, list[str]]  # object name -> keys of an earlier fit that were replaced
    seconds: float
    from_cache: bool
    notes: list[str] = field(default_factory=list)

    def message(self) -> str:
        total = sum(len(v) for v in self.created.values())
        text = f"Fitted the head in {self.seconds:.1f} s{' (cached)' if self.from_cache else ''}; created {total} shape keys"
        return text + ("; " + "; ".join(self.notes) if self.notes else "")


def _fitting():
    return bridge.fitting()


def _check_object(obj: bpy.types.Object | None, what: str = "head") -> bpy.types.Object:
    if obj is None or obj.type != "MESH":
        raise HeadFitFailed(f"Select the {what} mesh first." if obj is None else f"'{obj.name}' is not a mesh: select the {what} mesh.")
    if obj.library is not None or obj.data.library is not None:
        raise HeadFitFailed(f"'{obj.name}' is linked from another file: make it local first.")
    if obj.mode == "EDIT":
        raise HeadFitFailed(f"'{obj.name}' is in Edit Mode: switch to Object Mode first.")
    return obj


def mesh_triangles(obj: bpy.types.Object) -> np.ndarray:
    mesh = obj.data
    mesh.calc_loop_triangles()
    triangles = np.empty(len(mesh.loop_triangles) * 3, dtype=np.int32)
    mesh.loop_triangles.foreach_get("vertices", triangles)
    return triangles.reshape(-1, 3)


def region_mask(obj: bpy.types.Object, group_name: str) -> np.ndarray | None:
    """Vertices in the vertex group ``group_name`` (weight > 0), or None for the automatic head region."""
    if not group_name:
        return None
    group = obj.vertex_groups.get(group_name)
    if group is None:
        raise HeadFitFailed(f"'{obj.name}' has no vertex group '{group_name}' to use as the head region.")
    mask = np.zeros(len(obj.data.vertices), dtype=bool)
    for vertex in obj.data.vertices:
        for element in vertex.groups:
            if element.group == group.index and element.weight > 0.0:
                mask[vertex.index] = True
    if not mask.any():
        raise HeadFitFailed(f"The vertex group '{group_name}' is empty: assign the head's vertices to it.")
    return mask


def head_part(obj: bpy.types.Object, region_group: str = ""):
    """The backend's HeadPart for ``obj`` (Basis positions, triangles, world matrix, optional region)."""
    fitting = _fitting()
    return fitting.HeadPart(base_positions(obj), mesh_triangles(obj), np.array(obj.matrix_world, dtype=np.float64),
                            region_mask(obj, region_group), obj.name)


@dataclass
class LandmarkResult:
    """Where the landmarks are (mesh-local), whether the face detector was sure, and what it found, in words."""

    landmarks: dict[str, np.ndarray]
    sure: bool
    message: str


def detect_landmarks_on_object(obj: bpy.types.Object, region_group: str = "", show: bool = True) -> LandmarkResult:
    """Find the landmarks automatically, store them on the object and (``show``) add movable empties for them.

    Unsure finds (the face detector found no face, or one it doubts) are still placed, as a start the user
    corrects: the result says so and asks for them to be checked."""
    obj = _check_object(obj)
    fitting = _fitting()
    with bridge.translated(HeadFitFailed):
        finding = fitting.find_landmarks(head_part(obj, region_group))
    store_landmarks(obj, finding.landmarks)
    if show:
        show_landmarks(obj, finding.landmarks)
    return LandmarkResult(dict(finding.landmarks), bool(finding.sure), str(finding.message))


def store_landmarks(obj: bpy.types.Object, landmarks: dict[str, np.ndarray]) -> None:
    obj[LANDMARK_PROPERTY] = {name: [float(c) for c in position] for name, position in landmarks.items()}


def landmark_empties(obj: bpy.types.Object) -> dict[str, bpy.types.Object]:
    return {child[LANDMARK_EMPTY_TAG]: child for child in obj.children if child.type == "EMPTY" and LANDMARK_EMPTY_TAG in child}


def show_landmarks(obj: bpy.types.Object, landmarks: dict[str, np.ndarray]) -> list[bpy.types.Object]:
    """One small sphere empty per landmark, parented to the head so it moves with it (reused if present)."""
    labels = _fitting().LANDMARK_LABELS
    existing = landmark_empties(obj)
    size = _landmark_size(obj, landmarks)
    collection = obj.users_collection[0] if obj.users_collection else bpy.context.scene.collection
    empties = []
    for name, position in landmarks.items():
        empty = existing.get(name)
        if empty is None:
            empty = bpy.data.objects.new(f"{obj.name} {labels[name]}", None)
            empty[LANDMARK_EMPTY_TAG] = name
            collection.objects.link(empty)
            empty.parent = obj
            empty.matrix_parent_inverse = Matrix.Identity(4)
        empty.empty_display_type = "SPHERE"
        empty.empty_display_size = size
        empty.location = Vector(tuple(float(c) for c in position))
        empty.rotation_euler = (0.0, 0.0, 0.0)
        empty.scale = (1.0, 1.0, 1.0)
        empties.append(empty)
    return empties


def _landmark_size(obj: bpy.types.Object, landmarks: dict[str, np.ndarray]) -> float:
    """Display size in mesh units: a twentieth of the eye-to-eye distance."""
    if "eye_outer_left" in landmarks and "eye_outer_right" in landmarks:
        return max(float(np.linalg.norm(np.subtract(landmarks["eye_outer_left"], landmarks["eye_outer_right"]))) / 20.0, 1e-4)
    return 0.01


def read_landmarks(obj: bpy.types.Object) -> dict[str, np.ndarray] | None:
    """Landmarks in mesh-local coordinates: from the empties (as the user moved them), else the stored ones."""
    empties = landmark_empties(obj)
    if empties:  # parent space is the head's mesh space (no depsgraph update needed)
        return {name: np.array((empty.matrix_parent_inverse @ empty.matrix_basis).translation, dtype=np.float64)
                for name, empty in empties.items()}
    stored = obj.get(LANDMARK_PROPERTY)
    if stored is None:
        return None
    return {name: np.array(list(position), dtype=np.float64) for name, position in stored.items()}


def clear_landmarks(obj: bpy.types.Object) -> int:
    """Remove the landmark empties and the stored landmarks; returns how many empties were removed."""
    empties = landmark_empties(obj)
    for empty in empties.values():
        bpy.data.objects.remove(empty)
    if LANDMARK_PROPERTY in obj:
        del obj[LANDMARK_PROPERTY]
    return len(empties)


def fit_object(obj: bpy.types.Object, extras: Sequence[bpy.types.Object] = (), region_group: str = "",
               use_landmarks: bool = True) -> FitResult:
    """Fit the template to ``obj`` (and bind ``extras``: separate eyes or teeth) and create the ARKit keys.

    The mesh is not touched until the fit succeeded. Keys an earlier fit created on these objects are
    replaced; the user's own keys (even ARKit-named ones) are kept and not overwritten.
    """
    obj = _check_object(obj)
    extras = [_check_object(o, "eye or teeth") for o in extras if o is not obj]
    fitting = _fitting()
    arkit = bridge.arkit()
    notes = []
    for item in (obj, *extras):
        if any(m.show_viewport for m in item.modifiers):
            notes.append(f"modifiers on '{item.name}' were left out of the fit (the keys apply before them)")
    landmarks = read_landmarks(obj) if use_landmarks else None
    with bridge.translated(HeadFitFailed):
        fit = fitting.fit_head(head_part(obj, region_group), [head_part(o) for o in extras], landmarks)
        transfer = fitting.transfer_expressions(fit)  # every shape checked for tears: repaired, limited or refused
    deltas = transfer.deltas
    notes += [*fit.notes, *transfer.notes]
    has_shape = fitting.load_template().model.has_shape
    planned = []
    for item, part_deltas in zip((obj, *extras), deltas):
        shapes = {name: part_deltas[i] for i, name in enumerate(arkit.ARKIT_NAMES)
                  if has_shape[i] and float(np.abs(part_deltas[i]).max()) > MIN_DELTA}
        planned.append((item, shapes))
    created, replaced = {}, {}
    for item, shapes in planned:
        replaced[item.name] = _remove_fit_keys(item, set(arkit.ARKIT_NAMES))
        try:
            created[item.name] = create_shape_keys(item, shapes) if shapes else []
        except BlenderIOError as error:
            raise HeadFitFailed(f"Writing the shape keys on '{item.name}' failed: {error}") from error
        item.data[FIT_PROPERTY] = f"fitted in {fit.seconds:.1f} s, alignment residual {fit.score:.3f}"
    kept = [n for n in planned[0][1] if n not in created[obj.name]]
    if kept:
        notes.append(f"kept {len(kept)} existing keys of yours with ARKit names")
    store_landmarks(obj, fit.landmarks)
    return FitResult(created, replaced, fit.seconds, fit.from_cache, notes)


def _remove_fit_keys(obj: bpy.types.Object, names: set[str]) -> list[str]:
    """Remove the keys that an earlier fit (create_shape_keys) made with these names; the user's keys stay."""
    key = obj.data.shape_keys
    if key is None:
        return []
    ours = [n for n in created_key_names(obj) if n in names]
    for name in ours:
        obj.shape_key_remove(key.key_blocks[name])
    key[CREATED_KEYS_PROPERTY] = [n for n in key.get(CREATED_KEYS_PROPERTY, []) if n not in ours]
    return ours
