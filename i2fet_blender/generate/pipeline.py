"""The one generation path: collect the request (main thread) -> run the backend (worker, or inline)
-> write the result (main thread). The Generate and Regenerate buttons, the demo, scripts, tests and
benchmarks all go through these functions.

1. ``request.collect_request`` / ``request_for_object`` read Blender into a GenerationRequest and
   refuse anything bad (target, prompt, an undrivable mesh) before the backend runs.
2. :func:`start` runs :func:`compute` as a background task (``backend.tasks``): the face model
   and the backend, numbers only, never ``bpy``.
3. :func:`finish` finds the head again by its session id and writes the clip (:func:`write_result`).

Cancelling before step 3 leaves the scene exactly as it was: nothing is written until then. The
backend call itself cannot be interrupted; a cancelled task's worker ends in the background and its
result is thrown away. :func:`run` does all three inline (``bpy.ops.i2fet.generate()`` from a script).
"""

from __future__ import annotations

from dataclasses import dataclass

import bpy
import numpy as np

from ..backend import bridge, tasks
from ..backend.environment import backend_problem, missing_packages_message
from ..clips.edit import replace_clip
from ..clips.store import ClipInfo, action_name
from ..errors import GenerationError, TaskCancelled
from .request import GenerationRequest, object_by_uid, request_for_object
from .parts import write_character
from .writer import GenerationResult

KIND = "generate"
DEFAULT_KEYS = "sparse"  # a handful of Bézier keys per second within the tolerance; "dense": a LINEAR key every frame


@dataclass
class Computed:
    """What the worker hands back to the main thread: numbers and text only."""

    weights: np.ndarray  # frames x 52
    summary: str
    model: object = None  # the face model, or None when it could not be loaded
    model_error: str = ""
    rotations: np.ndarray | None = None  # frames x 9 head and eye rotations, radians (Live Link order)
    keys: list | None = None  # sparse Bézier keys per channel (None: bake every frame)


def compute(request: GenerationRequest, report: tasks.Report = lambda message, fraction: None,
            cancelled=lambda: False) -> Computed:
    """Step 2 (any thread, no bpy): load the face model and run the backend for ``request``."""
    report("Loading the face model", 0.05)
    model, model_error = bridge.face_model_or_error()
    if cancelled():
        raise TaskCancelled()
    report("Reading the prompt and planning the motion", 0.3)
    try:
        clip = bridge.generate_clip(request.prompt, frames=request.frames, fps=request.fps,
                                    start_weights=request.start_weights, intensity=request.intensity,
                                    seed=request.seed, variation_key=request.object_name, **request.options)
    except ImportError as error:
        raise GenerationError(missing_packages_message(str(error))) from error
    if cancelled():
        raise TaskCancelled()
    weights = np.asarray(clip.weights, dtype=np.float32)
    keys = None
    if request.motion.get("keys", DEFAULT_KEYS) == "sparse":
        report("Fitting editable keys", 0.8)
        keys = bridge.backend_module("motion.keys").fit_keys(weights, request.motion.get("tolerance", 0.01))
    report("Writing keyframes", 0.9)
    return Computed(weights, clip.plan.summary(), model, model_error, clip.rotations, keys)


def active() -> tasks.Task | None:
    """The generation that runs, or that ended and was not written or discarded yet."""
    return tasks.current(KIND)


def start(request: GenerationRequest, threaded: bool = True) -> tasks.Task:
    """Start computing ``request``; refuses while another generation runs or the backend's packages are missing."""
    if active() is not None:
        raise GenerationError("A clip is already being generated: wait for it or cancel it first.")
    problem = backend_problem()  # packages missing, torch unsupported (environment.backend_problem)
    if problem:
        raise GenerationError(problem)
    task = tasks.Task(KIND, "Generate", lambda report, cancelled: compute(request, report, cancelled), data=request)
    return tasks.start(task, threaded)


def find_object(request: GenerationRequest) -> bpy.types.Object | None:
    """The head the request was made for, by session id (names can change, undo keeps the id)."""
    return object_by_uid(request.object_uid)


def write_result(request: GenerationRequest, computed: Computed) -> GenerationResult:
    """Step 3 (main thread): write the computed clip on the request's head as one new clip.

    The head was checked when the request was made; what can have changed while the backend ran
    is checked again here: the head may be gone or in Edit Mode.
    """
    obj = find_object(request)
    if obj is None:
        raise GenerationError(f"'{request.object_name}' was deleted while the clip was being generated; nothing was written.")
    if obj.mode == "EDIT":
        raise GenerationError(f"'{obj.name}' is in Edit Mode: switch to Object Mode to generate.")
    info = ClipInfo(prompt=request.prompt, seed=request.seed, intensity=request.intensity, frames=request.frames,
                    frame_start=request.frame_start, fps=request.fps, object_name=obj.name, source="generated")
    replaced = bpy.data.actions.get(request.replace_clip) if request.replace_clip else None
    result = write_character(obj, request.character, computed.weights, computed.model, info, action_name(request.prompt),
                             computed.summary, computed.model_error, {"keys": DEFAULT_KEYS, **request.motion},
                             computed.rotations, computed.keys, request.key_maps)
    if replaced is not None:
        replace_clip(replaced, result.action)
    return result


def finish(task: tasks.Task) -> GenerationResult:
    """Write a finished generation task's clip (main thread); one call, one clip. Releases the task."""
    try:
        if task.state != tasks.DONE:
            raise GenerationError(task.error or "The generation was cancelled; nothing was written.")
        return write_result(task.data, task.result)
    except GenerationError as error:
        if task.state != tasks.CANCELLED:
            task.state, task.error = tasks.FAILED, str(error)
        raise
    finally:
        tasks.release(task)


def discard(task: tasks.Task) -> None:
    """Forget a cancelled or failed generation (its worker may still be ending in the background)."""
    task.cancel()
    if not task.finished or task.state == tasks.DONE:
        task.state = tasks.CANCELLED
    tasks.release(task)


def run(request: GenerationRequest) -> GenerationResult:
    """All three steps inline: what scripts, the demo, tests and benchmarks call."""
    return finish(start(request, threaded=False))


def generate_on_object(obj: bpy.types.Object | None, prompt: str, frames: int, frame_start: int, fps: float,
                       intensity: float = 1.0, seed: int = 0, start_weights: np.ndarray | None = None,
                       options: dict | None = None) -> GenerationResult:
    """Read ``prompt`` and key the expression on ``obj`` from ``frame_start`` for ``frames`` frames (scripts)."""
    return run(request_for_object(obj, prompt, frames, frame_start, fps, intensity, seed, start_weights, options))
