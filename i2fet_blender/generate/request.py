"""Step 1 of the pipeline (main thread): read what Blender says into a plain GenerationRequest.

Every check that can refuse a click runs here, once, before the backend does anything: the target
(``check_target``), the prompt, and whether the mesh can be driven at all (``check_drivable``).
The request holds numbers and names only (no bpy objects), so a worker thread can carry it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import bpy
import numpy as np

from ..backend import bridge
from ..backend.environment import backend_options
from ..clips.edit import check_timeline
from ..clips.store import clip_info, clip_object
from ..errors import BlenderIOError, GenerationError
from ..clips.group import members
from ..head.character import Character, check_parts, find_character
from ..head.checks import check_target
from ..head.key_map import KeyMap
from ..io.keyframes import read_weights_at_frame
from ..io.rotations import RotationTarget, check_targets
from .writer import check_drivable


def object_by_uid(uid: int) -> bpy.types.Object | None:
    """The object with this session id (names can change while a clip is generated; undo keeps the id)."""
    for obj in bpy.data.objects:
        if obj.session_uid == uid:
            return obj
    return None


@dataclass(frozen=True)
class GenerationRequest:
    """Everything the backend and the writer need, copied out of Blender on the main thread.

    ``object_uid`` is the head the clip list shows the clip on; ``character`` lists every other part the same
    clip drives (its other keyed meshes, keyless teeth and eyes; ``head.character``), None for the head alone.
    """

    prompt: str
    frames: int
    fps: float
    frame_start: int
    object_name: str
    object_uid: int
    intensity: float = 1.0
    seed: int = 0
    start_weights: np.ndarray | None = None
    options: dict = field(default_factory=dict)  # backend choices from the preferences: encoder, device...
    replace_clip: str = ""  # regenerate: the clip action the result takes the place of
    motion: dict = field(default_factory=dict)  # how to write: "keys" ("sparse"/"dense"), "tolerance", "head", "eyes"
    character: Character | None = None  # the head's character (found and checked when the request is made)
    key_maps: dict[int, KeyMap] = field(default_factory=dict)  # session id -> key map of the head and keyed parts


def scene_fps(scene: bpy.types.Scene) -> float:
    return scene.render.fps / scene.render.fps_base


def check_prompt(prompt: str) -> str:
    if not prompt or not prompt.strip():
        raise GenerationError("The prompt is empty: type what the face should do, e.g. 'a faint smile turning into surprise'.")
    return " ".join(prompt.split())


def current_expression(obj: bpy.types.Object, frame: int) -> np.ndarray | None:
    """The head's ARKit weights (52,) at ``frame``, from its shape keys (None without ARKit keys)."""
    if obj.data.shape_keys is None:
        return None
    arkit = bridge.arkit()
    weights = np.zeros(arkit.NUM_CHANNELS, dtype=np.float32)
    found = False
    for name, value in read_weights_at_frame(obj, frame).items():
        channel = arkit.canonical_name(name)
        if channel is not None:
            weights[arkit.INDEX[channel]] = value
            found = True
    return weights if found else None


def request_for_object(obj: bpy.types.Object | None, prompt: str, frames: int, frame_start: int, fps: float,
                       intensity: float = 1.0, seed: int = 0, start_weights: np.ndarray | None = None,
                       options: dict | None = None, replace_clip: str = "",
                       whole_character: bool = True) -> GenerationRequest:
    """Check ``obj`` and ``prompt`` and make the request; ``options`` None: the preferences' encoder and device.
    ``whole_character``: drive every part of ``obj``'s character (``head.character``), else ``obj`` alone."""
    return _checked_request(check_target(obj), prompt, frames, frame_start, fps, intensity, seed, start_weights,
                            options, replace_clip, whole_character)


def character_for(obj: bpy.types.Object, whole_character: bool, head_map: KeyMap | None = None) -> Character | None:
    """The parts a clip on ``obj`` drives, checked (linked, Edit Mode, undrivable key maps) before any work.
    ``head_map``: ``obj``'s key map, when resolved already."""
    if not whole_character:
        return None
    character = find_character(obj, head_map)
    check_parts(character)
    for part in character.keyed[1:]:
        problem = character.key_maps[part.object_uid].problem()
        if problem:
            raise GenerationError(f"'{part.object_name}' (part of the character): {problem}")
    return character


def _checked_request(obj: bpy.types.Object, prompt: str, frames: int, frame_start: int, fps: float, intensity: float,
                     seed: int, start_weights: np.ndarray | None, options: dict | None,
                     replace_clip: str = "", whole_character: bool = True) -> GenerationRequest:
    """The request for a target ``check_target`` accepted: check every value and that the mesh can be driven.

    The values go through the backend's own checks (``ml_backend.validation``), so a bad length, frame rate
    (a scene with fps_base 1e6), intensity, seed or start pose reads as it does from the CLI, all at once.
    """
    prompt = check_prompt(prompt)
    with bridge.translated():
        check = bridge.validation()
        checks = check.Checks()
        prompt = checks(check.instruction, prompt)
        frames, fps = checks(check.frames, frames), checks(check.fps, fps)
        intensity, seed = checks(check.intensity, intensity), checks(check.seed, seed)
        start_weights = checks(check.start_weights, start_weights)
        checks.done()
        check.duration(frames, fps)
    check_timeline(int(frame_start), int(frames))  # keys past Blender's last frame cannot be played
    head_map = check_drivable(obj)  # each mesh's key map is resolved here once and carried to the writer
    character = character_for(obj, whole_character, head_map)
    key_maps = dict(character.key_maps) if character is not None else {obj.session_uid: head_map}
    return GenerationRequest(prompt=prompt, frames=int(frames), fps=float(fps), frame_start=int(frame_start),
                             object_name=obj.name, object_uid=obj.session_uid, intensity=float(intensity),
                             seed=int(seed), start_weights=start_weights,
                             options=backend_options() if options is None else dict(options),
                             replace_clip=replace_clip, character=character, key_maps=key_maps)


def collect_request(context: bpy.types.Context) -> GenerationRequest:
    """The request the Generate button makes: active mesh, the panel's prompt and timing."""
    scene = context.scene
    settings = scene.i2fet
    obj = check_target(context.active_object)
    fps = scene_fps(scene)
    start = settings.start_frame(scene)
    start_weights = current_expression(obj, start) if settings.continue_from_current else None
    if settings.start_from_photo:
        from ..head.photo_head import photo_expression  # the photo is read and checked before any work

        start_weights = photo_expression(settings.start_photo)
    request = _checked_request(obj, settings.prompt, settings.duration_frames(fps), start, fps, settings.intensity,
                               settings.seed, start_weights, backend_options(context),
                               whole_character=getattr(settings, "whole_character", True))
    return replace(request, motion=motion_settings(settings))


def motion_targets(settings) -> dict:
    """How the panel asks the clip to be written: key mode, head and eye rotation targets (not checked yet)."""
    def target(obj, bone: str):
        if obj is None:
            return None
        return RotationTarget(obj.name, bone if obj.type == "ARMATURE" else "")

    return {"keys": settings.key_mode.lower(), "head": target(settings.head_target, settings.head_bone),
            "eyes": (target(settings.eye_left, settings.eye_left_bone),
                     target(settings.eye_right, settings.eye_right_bone))}


def motion_settings(settings) -> dict:
    """``motion_targets``, with the head and eye targets checked before any work."""
    motion = motion_targets(settings)
    try:
        check_targets([t for t in (motion["head"], *motion["eyes"]) if t is not None])
    except BlenderIOError as error:
        raise GenerationError(str(error)) from error
    return motion


def request_for_regenerate(context: bpy.types.Context, action: bpy.types.Action, seed: int) -> GenerationRequest:
    """Same prompt, timing and intensity as the clip, another seed; the result replaces the clip."""
    info = clip_info(action)
    if info.source != "generated":
        raise GenerationError(f"'{action.name}' is an imported take, not a generated clip: it cannot be regenerated.")
    fps = info.fps if info.fps > 0 else scene_fps(context.scene)
    return request_for_object(clip_object(action), info.prompt, info.frames, info.frame_start, fps, info.intensity,
                              seed, None, backend_options(context), replace_clip=action.name,
                              whole_character=bool(members(action)))
