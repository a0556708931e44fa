"""A clip of a whole character: the head's clip action and the actions it wrote on the other parts.

One generation writes one action per part (each mesh's shape keys, each eye or teeth object it turns,
each head or eye rotation target), because every ID plays its own action and exporters read them that way.
They are one clip all the same: every action of a generation carries the same ``i2fet_clip_group`` id,
and ``i2fet_part`` says which part it drives ("keys:Teeth", "eye_left:EyeL", "rotation:Rig:eye.L"). Only
the head's action carries the prompt, so the clip list shows one clip; every clip edit applies to the group.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import bpy

GROUP_PROPERTY = "i2fet_clip_group"
PART_PROPERTY = "i2fet_part"


def new_group_id() -> str:
    return uuid.uuid4().hex


def mark(action: bpy.types.Action, group: str, part: str) -> None:
    action[GROUP_PROPERTY] = group
    action[PART_PROPERTY] = part


def group_of(action: bpy.types.Action) -> str:
    return str(action.get(GROUP_PROPERTY, ""))


def part_of(action: bpy.types.Action) -> str:
    return str(action.get(PART_PROPERTY, ""))


def members(action: bpy.types.Action) -> list[bpy.types.Action]:
    """The other actions of ``action``'s clip (none for a clip made before clips had groups)."""
    group = group_of(action)
    if not group:
        return []
    return [other for other in bpy.data.actions if other != action and other.get(GROUP_PROPERTY) == group]


def whole_clip(action: bpy.types.Action) -> list[bpy.types.Action]:
    """The clip's action first, then its members."""
    return [action, *members(action)]


def animated_ids() -> Iterator[bpy.types.ID]:
    """Every shape-key datablock and object that has animation data."""
    for collection in (bpy.data.shape_keys, bpy.data.objects):
        for owner in collection:
            if owner.animation_data is not None and owner.library is None:
                yield owner


def owners(action: bpy.types.Action) -> list[bpy.types.ID]:
    """The IDs (shape keys, objects) that play ``action``, as their action or in an NLA strip."""
    found = []
    for owner in animated_ids():
        anim = owner.animation_data
        if anim.action == action or any(s.action == action for t in anim.nla_tracks for s in t.strips):
            found.append(owner)
    return found


def strips_of(actions: list[bpy.types.Action]) -> list[bpy.types.NlaStrip]:
    """Every NLA strip that plays one of ``actions``."""
    wanted = set(actions)
    return [strip for owner in animated_ids() for track in owner.animation_data.nla_tracks
            for strip in track.strips if strip.action in wanted]
