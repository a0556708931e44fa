"""Write a finished clip (frames x 52 ARKit weights) onto a head: main thread only.

The last step of the pipeline, apart from the backend call so that the backend can run in a
worker thread: by the time this runs, every number is known and only Blender data is written.
The same writer puts an imported Live Link Face take onto a head. The head's key mapping is
resolved once per generation (``key_map_for``, carried by the request) and handed to every step that needs it.
A write returns the house's one result type, :class:`GenerationResult` (generated, regenerated or imported clips
alike).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import bpy
import numpy as np

from ..backend import bridge
from ..clips.store import ClipInfo, store_clip_info
from ..errors import BlenderIOError, GenerationError
from ..head.checks import FACE_MODEL_TAG, ICT_TAG_VALUE, is_ict_head
from ..head.key_map import KeyMap, key_map_for
from ..io.keyframes import write_weight_animation
from ..io.rotations import RotationTarget, check_targets, place_targets, write_rotation_animation
from ..io.shape_keys import create_shape_keys


@dataclass
class GenerationResult:
    """What a write made: the clip's action and what the animator is told about it."""

    action: bpy.types.Action
    weights: np.ndarray  # frames x 52 ARKit weights, as keyed
    summary: str = ""  # what the backend understood (the plan), or where an imported take came from
    created_keys: list[str] = field(default_factory=list)  # ARKit keys added to the head for this clip
    missing_channels: list[str] = field(default_factory=list)  # channels the clip moves that the head cannot show
    frame_start: int = 1
    frame_end: int = 1
    parts: list[str] = field(default_factory=list)  # other meshes of the character driven by their own keys
    moved: list[str] = field(default_factory=list)  # keyless parts turned with the jaw or the gaze
    notes: list[str] = field(default_factory=list)  # what was left alone, and why

    def message(self, verb: str = "Generated") -> str:
        """One line for the operator's report."""
        text = f"{verb} '{self.action.name}', frames {self.frame_start}-{self.frame_end}"
        if self.parts:
            text += f"; also drove {', '.join(self.parts)}"
        if self.moved:
            text += f"; turned {', '.join(self.moved)} with the face"
        if self.created_keys:
            text += f"; created {len(self.created_keys)} shape keys"
        if self.missing_channels:
            text += f"; the mesh has no shape keys for: {', '.join(self.missing_channels)}"
        if self.notes:
            text += "; " + "; ".join(self.notes)
        return text


def check_drivable(obj: bpy.types.Object, key_map: KeyMap | None = None) -> KeyMap:
    """Refuse, before the backend runs, a mesh that can be driven neither by its keys nor as the ICT head.

    Cheap for the usual heads: one with mapped keys, or one tagged as built from the face model.
    Only an untagged mesh without keys needs the face model (loaded here) to tell whether it is
    the ICT topology. Returns the key map it resolved.
    """
    key_map = key_map or key_map_for(obj)
    if key_map.problem():
        raise GenerationError(key_map.problem())
    if key_map.keys or obj.data.get(FACE_MODEL_TAG) == ICT_TAG_VALUE:
        return key_map
    drivable_keys(obj, bridge.face_model(), key_map)
    return key_map


def usable_model(model, model_error: str, key_map: KeyMap):
    """The one fallback for a missing face model: write with the head's own keys, else say what is missing."""
    if model is not None or key_map.keys or not model_error:
        return model
    raise GenerationError(model_error)


def drivable_keys(obj: bpy.types.Object, model, key_map: KeyMap) -> dict[str, np.ndarray]:
    """Shape keys that must be created before ``obj`` can play ARKit weights ({} when none).

    The ICT head gets the model's ARKit shapes that its mapping lacks; a mesh whose keys resolve
    through its key map (saved table, naming preset or ARKit spellings) needs none.
    Raises GenerationError for a mesh that can be driven neither way, or whose table uses a key twice.
    """
    if key_map.problem():
        raise GenerationError(key_map.problem())
    if model is not None and is_ict_head(obj, model):
        arkit = bridge.arkit()
        return {name: model.deltas[arkit.INDEX[name]] for name in model.channels_with_shapes if name not in key_map.keys}
    if key_map.keys:
        return {}
    raise GenerationError(
        f"'{obj.name}' has no ARKit shape keys (such as jawOpen, mouthSmileLeft or mouthSmile_L) and no keys of a "
        "known naming scheme (Character Creator, Unified Expressions, Daz Genesis) yet. Map its own keys in "
        "I2FET > Generate > Shape-Key Mapping, or press 'Fit Head' in the I2FET panel to fit the face model to it "
        "and create them."
    )


def write_clip(obj: bpy.types.Object, weights: np.ndarray, model, info: ClipInfo, name: str, summary: str = "",
               model_error: str = "", sparse_keys: list | None = None,
               key_map: KeyMap | None = None) -> GenerationResult:
    """Key ``weights`` (frames x 52) on ``obj`` from ``info.frame_start`` as a new clip action named ``name``.

    The caller has checked ``obj`` (``head.checks.check_target``). Creates the ARKit keys the ICT head
    lacks; keys resolve through the head's key map (a channel mapped to several keys gives each the
    same curve). ``missing_channels`` lists the channels this clip moves that the mesh has no key for.
    ``model`` None with ``model_error`` means the face model could not be loaded. If anything fails,
    what this call made is removed again and the user's action is put back. ``sparse_keys``: sparse Bézier keys per
    ARKit channel (``ml_backend.motion.keys``); None bakes every frame. ``key_map``: the one resolved when the
    request was made (used while the mesh's keys are unchanged).
    """
    arkit = bridge.arkit()
    key_map = key_map_for(obj, key_map)
    model = usable_model(model, model_error, key_map)
    to_create = drivable_keys(obj, model, key_map)
    created: list[str] = []
    action = None
    key = obj.data.shape_keys
    had_keys = key is not None
    previous = key.animation_data.action if key is not None and key.animation_data is not None else None
    keys = dict(key_map.keys)
    try:
        created = create_shape_keys(obj, to_create) if to_create else []
        keys = key_map.with_created(created)
        action = write_weight_animation(obj, keys, arkit.ARKIT_NAMES, weights, info.frame_start, name, keys=sparse_keys)
        store_clip_info(action, info, summary)
    except (BlenderIOError, RuntimeError, ValueError) as error:
        undo_partial(obj, created, action, had_keys, previous)
        raise GenerationError(f"Writing the animation failed and was undone: {error}") from error
    missing = [n for n in arkit.ARKIT_NAMES if n not in keys and np.any(weights[:, arkit.INDEX[n]] > 0.01)]
    return GenerationResult(action=action, weights=weights, summary=summary, created_keys=created,
                            missing_channels=missing, frame_start=info.frame_start,
                            frame_end=info.frame_start + len(weights) - 1)


def undo_partial(obj: bpy.types.Object, created: list[str], action: bpy.types.Action | None, had_keys: bool,
                 previous: bpy.types.Action | None) -> None:
    """Remove what a failed write made (keys it created, its action) and put back the user's action."""
    key = obj.data.shape_keys
    if action is not None:
        if key is not None and key.animation_data is not None and key.animation_data.action == action:
            key.animation_data.action = previous
        bpy.data.actions.remove(action)
    if key is None:
        return
    if not had_keys:
        obj.shape_key_clear()
        return
    for name in reversed(created):
        block = key.key_blocks.get(name)
        if block is not None:
            obj.shape_key_remove(block)


def _targets(motion: dict) -> list[tuple[RotationTarget, slice]]:
    """(target, rotation columns) of the head and eye rotations the request asks for."""
    out = []
    if motion.get("head"):
        out.append((motion["head"], slice(0, 3)))
    eyes = motion.get("eyes") or ()
    for target, columns in zip(eyes, (slice(3, 6), slice(6, 9))):
        if target:
            out.append((target, columns))
    return out


def check_rotation_targets(motion: dict) -> None:
    """Refuse, before anything is written, head or eye targets that cannot take rotations."""
    try:
        check_targets([target for target, _ in _targets(motion)])
    except BlenderIOError as error:
        raise GenerationError(str(error)) from error


def write_rotations(motion: dict, rotations: np.ndarray | None, frame_start: int, name: str,
                    head: bpy.types.Object | None = None,
                    face_axes: Callable[[], np.ndarray] | None = None) -> list[bpy.types.Action]:
    """Key the clip's head rotation on ``motion["head"]`` and its eye rotations on ``motion["eyes"]`` (left, right)
    as new actions (sparse Bézier keys when ``motion["keys"]`` is "sparse", else every frame; see ``io.rotations``),
    turned about the face's own axes: ``face_axes()`` gives them for ``head`` as it stands (``head.face_frame``; read
    only when there is a target; None: Blender's front view). Every target is read before any is written."""
    targets = _targets(motion)
    if rotations is None or not targets:
        return []
    keys_for = None
    if motion.get("keys", "dense") == "sparse":
        fit_keys = bridge.backend_module("motion.keys").fit_keys
        tolerance = float(motion.get("rotation_tolerance", 0.005))

        def keys_for(values):
            return fit_keys(values, tolerance)
    written = []
    try:
        placed = place_targets([target for target, _ in targets], None if face_axes is None else face_axes(), head)
        for placement, (target, columns) in zip(placed, targets):
            action = write_rotation_animation(placement, rotations[:, columns], frame_start,
                                              f"{name} {target.describe()}", keys_for, written)
            action["i2fet_part"] = f"rotation:{target.describe()}"
            written.append(action)
    except BlenderIOError as error:  # the caller removes what was written (``parts.write_character``)
        raise GenerationError(str(error)) from error
    return written
