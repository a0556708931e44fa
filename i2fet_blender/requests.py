"""Turn what the panel (or a clip) says into a GenerationRequest, on the main thread."""

from __future__ import annotations

import bpy
import numpy as np

from . import bridge
from .blender_io.keyframes import read_weights_at_frame
from .clip_store import clip_info, keys_using, objects_with_key
from .generation import GenerationError, check_target
from .jobs import GenerationRequest
from .preferences import backend_options


def scene_fps(scene: bpy.types.Scene) -> float:
    return scene.render.fps / scene.render.fps_base


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


def check_prompt(prompt: str) -> str:
    if not prompt or not prompt.strip():
        raise GenerationError("The prompt is empty: type what the face should do, e.g. 'a faint smile turning into surprise'.")
    return " ".join(prompt.split())


def request_from_panel(context: bpy.types.Context) -> GenerationRequest:
    """The request the Generate button makes: active mesh, the panel's prompt and timing."""
    scene = context.scene
    settings = scene.i2fet
    obj = check_target(context.active_object)
    prompt = check_prompt(settings.prompt)
    fps = scene_fps(scene)
    start = settings.start_frame(scene)
    start_weights = current_expression(obj, start) if settings.continue_from_current else None
    return GenerationRequest(prompt=prompt, frames=settings.duration_frames(fps), fps=fps, frame_start=start,
                             object_name=obj.name, object_uid=obj.session_uid, intensity=settings.intensity,
                             seed=settings.seed, start_weights=start_weights, options=backend_options(context))


def clip_object(action: bpy.types.Action) -> bpy.types.Object:
    """The head a clip belongs to: one that plays it, else the one it was made on."""
    for key in keys_using(action):
        objects = objects_with_key(key)
        if objects:
            return objects[0]
    obj = bpy.data.objects.get(clip_info(action).object_name)
    if obj is None or obj.type != "MESH":
        raise GenerationError(f"The head of clip '{action.name}' is gone; generate a new clip on another head.")
    return obj


def request_for_regenerate(context: bpy.types.Context, action: bpy.types.Action, seed: int) -> GenerationRequest:
    """Same prompt, timing and intensity as the clip, another seed; the result replaces the clip."""
    info = clip_info(action)
    if info.source != "generated":
        raise GenerationError(f"'{action.name}' is an imported take, not a generated clip: it cannot be regenerated.")
    obj = check_target(clip_object(action))
    fps = info.fps if info.fps > 0 else scene_fps(context.scene)
    return GenerationRequest(prompt=info.prompt, frames=info.frames, fps=fps, frame_start=info.frame_start,
                             object_name=obj.name, object_uid=obj.session_uid, intensity=info.intensity, seed=seed,
                             options=backend_options(context), replace_clip=action.name)
