"""Live Link Face CSV: export a clip as a take, import a take onto a head as a clip.

An imported take becomes a clip like a generated one (its own action, in the clip list), so
captured and generated clips can be mixed on the NLA. A take recorded at another frame rate is
resampled to the scene's.
"""

from __future__ import annotations

from pathlib import Path

import bpy
import numpy as np

from ..backend import bridge
from ..clips.edit import check_timeline
from ..clips.store import ClipInfo, blender_name, clip_object, clip_weights
from ..errors import GenerationError
from ..generate.writer import GenerationResult, write_clip
from ..head.checks import check_target
from .file_paths import resolved


def resample(weights: np.ndarray, fps_from: float, fps_to: float) -> np.ndarray:
    """Resample frames x channels weights from one frame rate to another (linear)."""
    if abs(fps_from - fps_to) < 1e-6 or len(weights) < 2:
        return weights
    duration = (len(weights) - 1) / fps_from
    count = int(round(duration * fps_to)) + 1
    source = np.arange(len(weights)) / fps_from
    target = np.arange(count) / fps_to
    return np.stack([np.interp(target, source, weights[:, c]) for c in range(weights.shape[1])], axis=1).astype(np.float32)


def import_take(obj: bpy.types.Object, path: str, frame_start: int, fps: float,
                take_fps: float | None = None) -> GenerationResult:
    """Key a Live Link Face take on ``obj`` from ``frame_start`` as a new clip at the scene's ``fps``.

    ``take_fps`` is the rate the take was recorded at (None: read from its timecodes).
    """
    path = resolved(path)
    with bridge.translated():
        check = bridge.validation()
        check.input_file(path, (".csv",), "Live Link take")
        fps = check.fps(fps)
        take_fps = None if take_fps is None else check.fps(take_fps)
    obj = check_target(obj)
    weights, take_fps = bridge.read_livelink_csv(Path(path), take_fps)
    if len(weights) == 0:
        raise GenerationError(f"{Path(path).name} holds no frames.")
    with bridge.translated():  # the resampled clip is made in memory: refuse a length no clip may have first
        check.duration(check.frames(max(1, round(len(weights) * fps / take_fps))), fps)
    weights = resample(weights, take_fps, fps)
    check_timeline(frame_start, len(weights))
    model, model_error = bridge.face_model_or_error()
    name = blender_name(f"Take {Path(path).stem}")
    info = ClipInfo(prompt=f"Live Link take {Path(path).name}", seed=0, intensity=1.0, frames=len(weights),
                    frame_start=frame_start, fps=fps, object_name=obj.name, source="livelink")
    return write_clip(obj, weights, model, info, name, f"Imported from {Path(path).name} ({take_fps:g} fps)", model_error)


def export_clip_csv(action: bpy.types.Action, path: str, fps: float) -> Path:
    """Write a clip's weights (sampled at its integer frames) as a Live Link Face take (atomically)."""
    path = resolved(path)
    with bridge.translated():
        bridge.validation().output_path(path, (".csv",), "Live Link take")
    obj = clip_object(action)
    key = obj.data.shape_keys
    if key is None:
        raise GenerationError(f"'{obj.name}' has no shape keys: the clip cannot be read.")
    arkit = bridge.arkit()
    weights, _ = clip_weights(action, key, arkit.canonical_name, arkit.ARKIT_NAMES)
    return bridge.write_livelink_csv(Path(path), weights, fps)
