"""Write one computed clip on every part of a character, as one clip (main thread, the pipeline's step 3).

The head gets the clip action (``writer.write_clip``: the one the clip list shows); every other mesh with
ARKit keys gets the same weights through its own key map; keyless lower teeth and eyeballs are turned with
the jaw and the gaze relative to the face's own axes (``io.followers``, ``head.face_frame``); the panel's head
and eye targets get their rotations about the same axes (``io.rotations``). Every action carries the clip's group
id (``clips.group``). If any part fails, everything this write made is removed again and each part plays what it
played before: a generation is written whole or not at all. ``character_plan`` says beforehand, for the panel,
what a generation will do with each part (``shown_plan``: the same, remembered between redraws while nothing it
reads has changed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import bpy
import numpy as np

from ..backend import bridge
from ..clips.group import mark, new_group_id
from ..clips.store import ClipInfo, blender_name
from ..errors import BlenderIOError, GenerationError
from ..head.character import (
    EYE_LEFT,
    EYE_RIGHT,
    JAW,
    KEYS,
    Character,
    Part,
    candidate_meshes,
    check_parts,
    find_character,
)
from ..head.face_frame import FRONT_VIEW, FaceFrame, face_frame
from ..head.fit import read_landmarks
from ..head.key_map import KeyMap, key_map_for, saved_table
from ..io.followers import (
    axis_angle_matrices,
    euler_matrices,
    eye_rotations_from_looks,
    jaw_hinge,
    pivot_matrices,
    rest_center,
    write_follower_animation,
)
from ..io.keyframes import PREVIOUS_ACTION_PROPERTY, write_weight_animation
from .request import object_by_uid
from .writer import GenerationResult, check_rotation_targets, undo_partial, write_clip, write_rotations

RELATIVE_TOLERANCE = 0.005  # sparse keys of a turned part: within this share of each channel's range


def _object(part: Part) -> bpy.types.Object:
    obj = object_by_uid(part.object_uid)
    if obj is not None:
        return obj
    raise GenerationError(f"'{part.object_name}' was deleted while the clip was being generated; nothing was written.")


def part_action_name(prompt: str, obj: bpy.types.Object) -> str:
    return blender_name(f"I2FET {obj.name}: {' '.join(prompt.split())}")


def write_character(head: bpy.types.Object, character: Character | None, weights: np.ndarray, model, info: ClipInfo,
                    name: str, summary: str, model_error: str, motion: dict, rotations: np.ndarray | None,
                    sparse_keys: list | None, key_maps: Mapping[int, KeyMap] | None = None) -> GenerationResult:
    """Write the clip on ``head`` and every other part of ``character`` (None: the head alone) as one clip.
    ``key_maps``: session id -> the key map resolved when the request was made (kept while the keys are unchanged)."""
    character = character or Character(Part(head.name, head.session_uid, "keys"))
    key_maps = {**character.key_maps, **(key_maps or {})}
    check_parts(character)
    check_rotation_targets(motion)
    had_keys = head.data.shape_keys is not None
    key = head.data.shape_keys
    previous = key.animation_data.action if key is not None and key.animation_data is not None else None
    before = set(bpy.data.actions)
    bare = _without_animation_data()
    result = write_clip(head, weights, model, info, name, summary, model_error, sparse_keys=sparse_keys,
                        key_map=key_maps.get(head.session_uid))
    head_map = cache(lambda: key_map_for(head, key_maps.get(head.session_uid)))  # read only for turned parts
    frame = cache(lambda: face_frame(head, head_map()))  # the face's own axes
    group = new_group_id()
    mark(result.action, group, f"keys:{head.name}")
    written: list[bpy.types.Action] = []
    try:
        for part in character.keyed[1:]:
            obj = _object(part)
            written.append(_write_keys(obj, weights, info, sparse_keys, key_maps.get(part.object_uid)))
            result.parts.append(obj.name)
        for part in character.followers:
            obj = _object(part)
            if _is_rotation_target(obj, part.role, motion):
                continue
            written.append(_write_follower(obj, part.role, head, head_map(), frame(), weights, info, motion,
                                           result.notes))
            result.moved.append(obj.name)
        turned = write_rotations(motion, rotations, info.frame_start, result.action.name, head, lambda: frame().matrix)
        if turned:
            _note_assumed_axes(result.notes, frame())
        written += turned
        for action in written:
            mark(action, group, action.get("i2fet_part", ""))
    except (GenerationError, BlenderIOError, RuntimeError, ValueError) as error:
        _roll_back(before, bare, head, result, had_keys, previous)
        raise GenerationError(f"Writing the clip on the character failed and was undone: {error}") from error
    except BaseException:  # a bug, or Ctrl+C: still leave the file as it was, then let it surface
        _roll_back(before, bare, head, result, had_keys, previous)
        raise
    result.notes.extend(character.notes)
    return result


def _roll_back(before: set, bare: set[int], head: bpy.types.Object, result: GenerationResult, had_keys: bool,
               previous: bpy.types.Action | None) -> None:
    """Remove everything a failed write made: its actions (each part plays what it played before), the keys it
    created on the head, and the animation data it gave to IDs that had none."""
    for action in [a for a in bpy.data.actions if a not in before and a != result.action]:
        _unwrite(action)
    undo_partial(head, result.created_keys, result.action, had_keys, previous)
    for owner in (*bpy.data.shape_keys, *bpy.data.objects):
        anim = owner.animation_data
        if owner.session_uid in bare and anim is not None and anim.action is None and not len(anim.nla_tracks):
            owner.animation_data_clear()


def _is_rotation_target(obj: bpy.types.Object, role: str, motion: dict) -> bool:
    """True when the panel already turns this part: it is a head or eye target itself, or it is an eyeball of a side
    whose eye target the user chose (a bone, say): the user's choice wins and the eye is not turned twice."""
    eyes = tuple(motion.get("eyes") or ()) + (None, None)
    if role in (EYE_LEFT, EYE_RIGHT) and eyes[0 if role == EYE_LEFT else 1] is not None:
        return True
    targets = [motion.get("head"), *eyes]
    return any(t is not None and not t.bone and t.object_name == obj.name for t in targets)


def _write_keys(obj: bpy.types.Object, weights: np.ndarray, info: ClipInfo, sparse_keys: list | None,
                known: KeyMap | None = None) -> bpy.types.Action:
    """The clip's weights on another keyed mesh, through its own key map (saved table, preset or ARKit spellings;
    ``known``: the one resolved when the request was made)."""
    key_map = key_map_for(obj, known)
    if key_map.problem():
        raise GenerationError(f"'{obj.name}': {key_map.problem()}")
    action = write_weight_animation(obj, key_map.keys, bridge.arkit().ARKIT_NAMES, weights, info.frame_start,
                                    part_action_name(info.prompt, obj), keys=sparse_keys)
    action["i2fet_part"] = f"keys:{obj.name}"
    return action


def _keys_for(motion: dict):
    """Sparse keys for a turned part's channels (``None``: every frame), each within a share of its own range."""
    if motion.get("keys", "dense") != "sparse":
        return None
    fit_keys = bridge.backend_module("motion.keys").fit_keys

    def keys_for(values: np.ndarray) -> list:
        return fit_keys(values, np.maximum(RELATIVE_TOLERANCE * np.ptp(values, axis=0), 1e-7))
    return keys_for


def _write_follower(obj: bpy.types.Object, role: str, head: bpy.types.Object, head_map: KeyMap, frame: FaceFrame,
                    weights: np.ndarray, info: ClipInfo, motion: dict, notes: list[str]) -> bpy.types.Action:
    """Turn a keyless part with the jaw or the gaze, relative to the face's own axes (``frame``); a jaw hinge
    guessed from the head's bounds, and axes that could only be assumed, go into ``notes``."""
    arkit = bridge.arkit()
    bpy.context.view_layer.update()  # world matrices as they are now
    _note_assumed_axes(notes, frame)
    if role == JAW:
        hinge = jaw_hinge(head, head_map.keys.get("jawOpen", ()), frame.matrix)
        if hinge.guessed:
            notes.append(f"'{obj.name}' turns about {hinge.source}")
        turns = axis_angle_matrices(hinge.axis, weights[:, arkit.INDEX["jawOpen"]].astype(np.float64) * hinge.angle)
        world = pivot_matrices(turns, hinge.pivot)
    else:
        gains = bridge.backend_module("motion.performance_model").load_performance_model().eye_look
        eyes = eye_rotations_from_looks(weights, gains, arkit.ARKIT_NAMES)
        turns = euler_matrices(eyes[:, 0:3] if role == EYE_LEFT else eyes[:, 3:6])  # as in Blender's front view
        world = pivot_matrices(frame.to_world(turns), rest_center(obj))
    action = write_follower_animation(obj, world, info.frame_start, part_action_name(info.prompt, obj),
                                      _keys_for(motion))
    action["i2fet_part"] = f"{role}:{obj.name}"
    return action


def _note_assumed_axes(notes: list[str], frame: FaceFrame) -> None:
    """Say once when the face's axes could only be assumed (the head has neither landmarks nor usable keys)."""
    note = f"the face's axes are {frame.describe()}: place landmarks on the head if it faces another way"
    if frame.source == FRONT_VIEW and note not in notes:
        notes.append(note)


def _without_animation_data() -> set[int]:
    """Session ids of the shape keys and objects with no animation data yet (a failed write clears what it gave)."""
    return {owner.session_uid for owner in (*bpy.data.shape_keys, *bpy.data.objects)
            if owner.animation_data is None and owner.library is None}


def _unwrite(action: bpy.types.Action) -> None:
    """Remove an action this write made; whoever played it plays what it played before."""
    previous = bpy.data.actions.get(action.get(PREVIOUS_ACTION_PROPERTY, "") or "")
    for owner in (*bpy.data.shape_keys, *bpy.data.objects):
        anim = owner.animation_data
        if anim is None:
            continue
        if anim.action == action:
            anim.action = previous
        for track in list(anim.nla_tracks):
            for strip in list(track.strips):
                if strip.action == action:
                    track.strips.remove(strip)
            if track.name.startswith("I2FET") and len(track.strips) == 0:
                anim.nla_tracks.remove(track)
    bpy.data.actions.remove(action)


@dataclass(frozen=True)
class PlanLine:
    """One mesh of the character and what the next Generate will do with it, in words (for the panel)."""

    object_name: str
    kind: str  # KEYS, JAW, EYE_LEFT, EYE_RIGHT, TARGET (turned by the panel's eye target) or IGNORED
    text: str


TARGET, IGNORED = "target", "ignored"


def character_plan(head: bpy.types.Object, whole_character: bool = True, motion: dict | None = None
                   ) -> tuple[tuple[PlanLine, ...], str]:
    """(one line per mesh, the face's axes in words) for what Generate on ``head`` will do, found exactly as
    Generate finds it (``head.character``); ``motion``: the panel's head and eye targets (``request.motion_targets``).
    The axes are read only when a part turns (empty otherwise)."""
    motion = motion or {}
    head_map = key_map_for(head)
    lines = [PlanLine(head.name, KEYS, f"plays the clip with its own shape keys ({head_map.label})")]
    if not whole_character:
        return tuple(lines), ""
    frame = cache(lambda: face_frame(head, head_map))
    character = find_character(head, head_map, frame)
    for part in character.parts:
        if part.role == KEYS:
            label = character.key_maps[part.object_uid].label
            lines.append(PlanLine(part.object_name, KEYS, f"plays the clip with its own shape keys ({label})"))
        elif _is_rotation_target(_object(part), part.role, motion):
            lines.append(PlanLine(part.object_name, TARGET, "the panel's head or eye target turns it instead"))
        elif part.role == JAW:
            how = "about the hinge of the head's jawOpen key" if head_map.keys.get("jawOpen") else \
                "about a hinge guessed from the head's bounds (the head has no jawOpen key)"
            lines.append(PlanLine(part.object_name, JAW, f"follows the jaw (jawOpen), turning {how}"))
        else:
            side = "left" if part.role == EYE_LEFT else "right"
            lines.append(PlanLine(part.object_name, part.role, f"turns as the {side} eye by eyeLook"))
    lines += [PlanLine(name, IGNORED, f"left alone: {why}") for name, why in character.ignored]
    axes = frame().describe() if character.followers else ""
    return tuple(lines), axes


_geometry_edits = 0  # depsgraph updates that changed some geometry (shape keys, meshes): see ``note_geometry_edits``


@bpy.app.handlers.persistent
def note_geometry_edits(scene: bpy.types.Scene | None = None, depsgraph: bpy.types.Depsgraph | None = None) -> None:
    """``depsgraph_update_post`` handler: count an update that changed a mesh or its shape keys (a key sculpted, a
    mesh edited), which the remembered plans cannot see in their key (``shown_plan``). Objects moving, an armature
    posed or a frame played are not edits of that kind."""
    global _geometry_edits
    if depsgraph is None or any(update.is_updated_geometry and isinstance(update.id, (bpy.types.Mesh, bpy.types.Key))
                                for update in depsgraph.updates):
        _geometry_edits += 1


def shown_plan(head: bpy.types.Object, whole_character: bool = True, motion: dict | None = None
               ) -> tuple[tuple[PlanLine, ...], str]:
    """``character_plan`` for the panel, which redraws often: remembered while nothing it reads has changed.

    The key is read cheaply on every call (``plan_key``: the character's meshes, their key names, mapping tables and
    places relative to the head, the head's landmarks, the panel's targets), so a new or removed part, key or target
    is seen at once; a geometry edit (a shape key sculpted) is seen through the depsgraph (``note_geometry_edits``).
    No clock is involved."""
    return _remembered_plan(plan_key(head, whole_character, motion or {}))


def _mesh_key(obj: bpy.types.Object, head_inverse: np.ndarray) -> tuple:
    """What the plan reads of one mesh: its id and name, its key names, its mapping table and its place relative to
    the head (rounded: a character moving as a whole keeps its plan). What a key is relative to, and what it moves,
    are geometry (``note_geometry_edits``)."""
    key = obj.data.shape_keys if obj.type == "MESH" else None
    blocks = () if key is None else tuple(key.key_blocks.keys())
    table = saved_table(obj.data) if obj.type == "MESH" else None
    place = np.round(head_inverse @ np.array(obj.matrix_world, np.float64), 6)
    return (obj.session_uid, obj.name, blocks, None if table is None else tuple(sorted(table.items())),
            tuple(place.ravel().tolist()))


def plan_key(head: bpy.types.Object, whole_character: bool, motion: dict) -> tuple:
    """Everything ``character_plan`` depends on, as a hashable key, read without looking at any vertex."""
    world = np.array(head.matrix_world, np.float64)
    inverse = np.linalg.pinv(world)
    targets = (motion.get("head"), *tuple(motion.get("eyes") or ()))
    key = (bool(whole_character), targets, _geometry_edits, bool(np.linalg.det(world[:3, :3]) < 0),
           _mesh_key(head, inverse))
    if not whole_character:
        return key
    landmarks = read_landmarks(head) or {}
    return key + (tuple(sorted((name, tuple(np.asarray(p).tolist())) for name, p in landmarks.items())),
                  tuple(_mesh_key(obj, inverse) for obj in candidate_meshes(head)))


@lru_cache(maxsize=8)
def _remembered_plan(key: tuple) -> tuple[tuple[PlanLine, ...], str]:
    """The plan for ``key`` (``plan_key``), computed on the head it names."""
    whole_character, targets, _, _, (head_uid, *_) = key[:5]
    head = object_by_uid(head_uid)
    motion = {"head": targets[0], "eyes": tuple(targets[1:])}
    return character_plan(head, whole_character, motion)
