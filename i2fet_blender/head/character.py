"""A character's face parts: every mesh one generation drives, found from the head the user selected.

The character is the head's nearest armature ancestor (else its topmost parent) with everything below it,
plus meshes an Armature modifier binds to that armature. A head with no parent and no mesh below it is
grouped by its collection instead (not the scene's own top collection), keeping only meshes whose bounds
overlap the head's, so two heads side by side in one collection stay two characters.

Each found mesh is either driven by its own ARKit keys (its key map: saved table, naming preset or ARKit
spellings, as for the head), or, without such keys, moved with the face when its name says what it is:
lower teeth and tongue follow jawOpen, eyeballs follow eyeLook as rotations (also an eyeball whose own
eyeLook keys do not move it). Upper teeth, lashes, brows and the rest without keys are left alone (they
ride along with the head through the hierarchy); the character lists each with the reason, for the panel.
An eyeball's side comes from its name, else from where it sits along the face's own left (``face_frame``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import bpy
import numpy as np
from mathutils import Vector

from ..errors import GenerationError
from .face_frame import FaceFrame, face_frame
from .key_map import KeyMap, key_map_for

KEYS = "keys"  # a mesh driven by its own shape keys
JAW = "jaw"  # a mesh without keys that turns with the jaw (lower teeth, tongue)
EYE_LEFT, EYE_RIGHT = "eye_left", "eye_right"  # eyeballs without keys, turned by eyeLook
FOLLOWER_ROLES = (JAW, EYE_LEFT, EYE_RIGHT)

_EYE = re.compile(r"eye(?!lash|brow|lid|_?occlusion|_?blend|_?shadow|_?wet)|eyeball|iris|cornea|pupil|sclera", re.I)
_NOT_EYE = re.compile(r"lash|brow|lid|occlusion|tear|blend|shadow|wet|lacrimal|socket", re.I)
_TEETH = re.compile(r"teeth|tooth|jaw|tongue|mandible", re.I)
_UPPER = re.compile(r"upper|(^|[^a-z])top|maxill|(^|[^a-z])up([^a-z]|$)", re.I)
_LOWER = re.compile(r"lower|bottom|(^|[^a-z])low([^a-z]|$)|jaw|mandible|tongue|(^|[^a-z])(down|btm)([^a-z]|$)", re.I)
_LEFT = re.compile(r"left|(^|[^a-z])l([^a-z]|$)|[._-]l$", re.I)
_RIGHT = re.compile(r"right|(^|[^a-z])r([^a-z]|$)|[._-]r$", re.I)
BOUNDS_MARGIN = 0.1  # the head's world bounds grown by this share of their size when grouping by collection


@dataclass(frozen=True)
class Part:
    """One mesh of the character and what the clip does with it (names and ids only: a worker may carry it)."""

    object_name: str
    object_uid: int
    role: str  # KEYS or one of FOLLOWER_ROLES


@dataclass(frozen=True)
class Character:
    """The head and the other parts one generation writes, with notes on what was left alone and why."""

    head: Part
    parts: tuple[Part, ...] = ()  # other meshes: KEYS first, then followers
    notes: tuple[str, ...] = ()
    ignored: tuple[tuple[str, str], ...] = ()  # (mesh name, why it is left alone) for the other meshes found
    key_maps: dict[int, KeyMap] = field(default_factory=dict, compare=False)  # session id -> keyed part's key map

    @property
    def keyed(self) -> tuple[Part, ...]:
        return (self.head,) + tuple(p for p in self.parts if p.role == KEYS)

    @property
    def followers(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.role in FOLLOWER_ROLES)


def character_root(obj: bpy.types.Object) -> bpy.types.Object | None:
    """The nearest armature above ``obj``, else its topmost parent; None for an object without a parent."""
    parent, top = obj.parent, None
    while parent is not None:
        if parent.type == "ARMATURE":
            return parent
        top, parent = parent, parent.parent
    return top


def candidate_meshes(obj: bpy.types.Object) -> list[bpy.types.Object]:
    """Meshes of ``obj``'s character other than ``obj`` (hierarchy and armature binding, else its collection)."""
    root = character_root(obj)
    if root is None and not any(child.type == "MESH" for child in obj.children_recursive):
        return _collection_neighbours(obj)  # nothing above or below it (landmark empties do not count)
    top = root or obj
    found = {o for o in top.children_recursive if o.type == "MESH"}
    if top.type == "ARMATURE":
        found |= {o for o in bpy.data.objects if o.type == "MESH" and any(
            m.type == "ARMATURE" and m.object == top for m in o.modifiers)}
    found.discard(obj)
    return sorted(found, key=lambda o: o.name)


def _collection_neighbours(obj: bpy.types.Object) -> list[bpy.types.Object]:
    scene_collection = bpy.context.scene.collection
    low, high = world_bounds(obj)
    margin = BOUNDS_MARGIN * (high - low)
    low, high = low - margin, high + margin
    found = set()
    for collection in obj.users_collection:
        if collection == scene_collection:
            continue
        for other in collection.all_objects:
            if other == obj or other.type != "MESH" or other.parent is not None:
                continue
            other_low, other_high = world_bounds(other)
            if np.all(other_low <= high) and np.all(other_high >= low):
                found.add(other)
    return sorted(found, key=lambda o: o.name)


def world_bounds(obj: bpy.types.Object) -> tuple[np.ndarray, np.ndarray]:
    """(min, max) corners of ``obj``'s bounding box in world space."""
    corners = np.array([tuple(obj.matrix_world @ Vector(c)) for c in obj.bound_box], np.float64)
    return corners.min(axis=0), corners.max(axis=0)


def world_center(obj: bpy.types.Object) -> np.ndarray:
    low, high = world_bounds(obj)
    return (low + high) / 2.0


def follower_role(obj: bpy.types.Object, head: bpy.types.Object,
                  frame: FaceFrame | Callable[[], FaceFrame] | None = None) -> str | None:
    """JAW, EYE_LEFT or EYE_RIGHT for a keyless mesh named as lower teeth, tongue or an eyeball; else None.

    An eye's side comes from its name (Left/L, Right/R), else from where it sits: on the subject's left of the
    head's centre along the face's own left axis (``frame``, or a function giving it; None: read from the head).
    """
    name = obj.name
    if _EYE.search(name) and not _NOT_EYE.search(name):
        if _LEFT.search(name) and not _RIGHT.search(name):
            return EYE_LEFT
        if _RIGHT.search(name) and not _LEFT.search(name):
            return EYE_RIGHT
        frame = frame() if callable(frame) else frame or face_frame(head)
        return EYE_LEFT if float((world_center(obj) - world_center(head)) @ frame.left) >= 0 else EYE_RIGHT
    if _TEETH.search(name) and _LOWER.search(name) and not _UPPER.search(name):
        return JAW
    return None


def _part(obj: bpy.types.Object, role: str) -> Part:
    return Part(obj.name, obj.session_uid, role)


def find_character(head: bpy.types.Object, head_map: KeyMap | None = None,
                   frame: Callable[[], FaceFrame] | None = None) -> Character:
    """The parts one generation on ``head`` writes: meshes with ARKit keys, then the keyless parts that turn, and
    the meshes left alone with the reason. Each mesh's key map is resolved once and kept (``Character.key_maps``);
    ``head_map``: the head's, when the caller has resolved it already; ``frame``: gives the face's axes (read only
    when an eye's name has no side; None: ``face_frame``).

    An eyeball with ARKit keys whose eyeLook keys do not move it (gaze made by rotation, as in the ICT model)
    is both: its keys play the clip and it turns with the gaze.
    """
    keyed, followers, notes, ignored = [], [], [], []
    key_maps = {head.session_uid: head_map or key_map_for(head)}
    sides: dict[str, str] = {}
    frame = frame or cache(lambda: face_frame(head, key_maps[head.session_uid]))
    for obj in candidate_meshes(head):
        key_map = key_map_for(obj)
        role = follower_role(obj, head, frame)
        if key_map.keys:
            keyed.append(_part(obj, KEYS))
            key_maps[obj.session_uid] = key_map
            if role not in (EYE_LEFT, EYE_RIGHT) or shows_gaze(obj, key_map.keys):
                continue
        if role in (EYE_LEFT, EYE_RIGHT) and role in sides:
            note = (f"'{obj.name}' and '{sides[role]}' both look like the {role.replace('_', ' ')}: "
                    f"only '{sides[role]}' turns with the gaze")
            notes.append(note)
            if not key_map.keys:
                ignored.append((obj.name, note))
            continue
        if role in (EYE_LEFT, EYE_RIGHT):
            sides[role] = obj.name
        if role is not None:
            followers.append(_part(obj, role))
        elif not key_map.keys:
            ignored.append((obj.name, _why_ignored(obj.name, notes)))
    return Character(_part(head, KEYS), tuple(keyed + followers), tuple(notes), tuple(ignored), key_maps)


def _why_ignored(name: str, notes: list[str]) -> str:
    """Why a keyless mesh is left alone (a mesh holding both rows of teeth also goes into ``notes``)."""
    if _TEETH.search(name) and _UPPER.search(name):
        return "upper teeth: they stay with the head"
    if _TEETH.search(name):
        note = (f"'{name}' holds both rows of teeth in one mesh, so it cannot follow the jaw: separate "
                "the lower teeth into an object named e.g. 'LowerTeeth'")
        notes.append(note)
        return note
    return "no ARKit keys, and not named as lower teeth, tongue or an eyeball: it stays with the head"


def shows_gaze(obj: bpy.types.Object, keys: dict[str, tuple[str, ...]]) -> bool:
    """True when one of the mesh's eyeLook keys moves a vertex (its own keys already turn the eye)."""
    blocks = obj.data.shape_keys.key_blocks
    for channel, names in keys.items():
        if not channel.startswith("eyeLook"):
            continue
        for name in names:
            block = blocks.get(name)
            if block is None:
                continue
            moved = np.empty(len(block.points) * 3, np.float32)
            rest = np.empty(len(block.points) * 3, np.float32)
            block.points.foreach_get("co", moved)  # ``points``: the fast mesh-only view
            block.relative_key.points.foreach_get("co", rest)
            if len(moved) and np.abs(moved - rest).max() > 1e-6 * max(float(np.abs(rest).max()), 1e-9):
                return True
    return False


def character_objects(character: Character) -> list[bpy.types.Object]:
    """The character's objects as they are now (by session id), the head first; parts deleted since are left out."""
    by_uid = {o.session_uid: o for o in bpy.data.objects}
    return [by_uid[p.object_uid] for p in (character.head, *character.parts) if p.object_uid in by_uid]


def check_parts(character: Character) -> None:
    """Refuse, before any work, a character with a part we may not write: linked from a library, in Edit Mode,
    or (for parts that turn) rotating by axis-angle."""
    by_uid = {o.session_uid: o for o in bpy.data.objects}
    for part in (character.head, *character.parts):
        obj = by_uid.get(part.object_uid)
        if obj is None:
            raise GenerationError(f"'{part.object_name}' was deleted while the clip was being made; nothing was written.")
        key = obj.data.shape_keys if obj.type == "MESH" else None
        if obj.library is not None or obj.data.library is not None or (key is not None and key.library is not None):
            raise GenerationError(f"'{obj.name}' (part of the character) is linked from another file and cannot be "
                                  "changed here: make it local first (Object > Library Override, or Make Local).")
        if obj.mode == "EDIT":
            raise GenerationError(f"'{obj.name}' (part of the character) is in Edit Mode: switch to Object Mode.")
        if part.role in FOLLOWER_ROLES and obj.rotation_mode == "AXIS_ANGLE":
            raise GenerationError(f"'{obj.name}' rotates by axis angle: set its rotation mode to an Euler order or "
                                  "quaternion so it can turn with the face.")


def export_objects(head: bpy.types.Object) -> list[bpy.types.Object]:
    """What an export of ``head``'s character writes: the head, every mesh of its character (driven or not: the
    upper teeth ride along), and the objects above them (the armature), so the parts keep their places."""
    objects = [head, *candidate_meshes(head)]
    for obj in list(objects):
        parent = obj.parent
        while parent is not None:
            if parent not in objects:
                objects.append(parent)
            parent = parent.parent
    return objects
