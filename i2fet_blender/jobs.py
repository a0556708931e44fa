"""Generation off the main thread: the backend runs in a worker thread, Blender data is written later.

A job has three phases:

1. ``start_generation`` (main thread) reads everything it needs from Blender into a plain
   ``GenerationRequest`` (numbers and names, no bpy objects) and starts the worker.
2. The worker loads the face model and runs the backend; it never touches ``bpy``.
3. ``finish_generation`` (main thread, from the modal operator's timer or directly in scripts
   and tests) finds the head again by its session id and writes the clip.

Cancelling before phase 3 leaves the scene exactly as it was: nothing is written until then.
The backend call itself cannot be interrupted; a cancelled job's worker finishes in the
background and its result is thrown away.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import bpy
import numpy as np

from . import bridge
from .backend_env import missing_packages_message
from .clip_store import ClipInfo
from .clip_writer import WrittenClip, write_clip
from .generation import GenerationError, action_name, check_target

log = logging.getLogger(__name__)

RUNNING, READY, FAILED, CANCELLED, FINISHED = "RUNNING", "READY", "FAILED", "CANCELLED", "FINISHED"


@dataclass(frozen=True)
class GenerationRequest:
    """Everything the worker needs, copied out of Blender on the main thread."""

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


@dataclass
class GenerationJob:
    request: GenerationRequest
    state: str = RUNNING
    stage: str = "Starting"
    progress: float = 0.0
    error: str = ""
    weights: np.ndarray | None = None
    summary: str = ""
    model: object = None
    model_error: str = ""
    started: float = field(default_factory=time.perf_counter)
    _cancel: threading.Event = field(default_factory=threading.Event)
    _done: threading.Event = field(default_factory=threading.Event)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def worker_done(self) -> bool:
        return self._done.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker has finished (scripts and tests); True when it has."""
        return self._done.wait(timeout)

    def _report(self, stage: str, progress: float) -> None:
        self.stage, self.progress = stage, progress

    def run(self) -> None:
        """The worker: face model, then the backend. Only numbers leave this thread."""
        errors = bridge.errors()
        try:
            self._report("Loading the face model", 0.05)
            try:
                self.model = bridge.face_model()
            except errors.I2FETError as error:
                self.model, self.model_error = None, str(error)
            if self.cancelled:
                return
            self._report("Reading the prompt and planning the motion", 0.3)
            clip = call_backend(self.request)
            if self.cancelled:
                return
            self.weights = np.asarray(clip.weights, dtype=np.float32)
            self.summary = clip.plan.summary()
            self._report("Writing keyframes", 0.9)
            self.state = READY
        except errors.I2FETError as error:
            self.error, self.state = str(error), FAILED
        except ImportError as error:
            self.error, self.state = missing_packages_message(str(error)), FAILED
        except Exception as error:  # the worker must always end in a state the UI can show
            log.exception("I2FET generation failed")
            self.error, self.state = f"The generator stopped with an unexpected error ({type(error).__name__}: {error}).", FAILED
        finally:
            if self.cancelled:
                self.state = CANCELLED
            self._done.set()


_active: GenerationJob | None = None


def active_job() -> GenerationJob | None:
    """The job that is running or waiting to be written, if any."""
    return _active if _active is not None and _active.state in (RUNNING, READY) else None


def call_backend(request: GenerationRequest):
    """Run the backend's generate with the request's seed and the preferences' encoder and device."""
    return bridge.generate_clip(request.prompt, frames=request.frames, fps=request.fps,
                                start_weights=request.start_weights, intensity=request.intensity,
                                seed=request.seed, **request.options)


def start_generation(request: GenerationRequest, threaded: bool = True) -> GenerationJob:
    """Start a job for ``request``; refuses while another one runs."""
    global _active
    if active_job() is not None:
        raise GenerationError("A clip is already being generated: wait for it or cancel it first.")
    missing = missing_packages_message()
    if missing:
        raise GenerationError(missing)
    job = GenerationJob(request)
    _active = job
    if threaded:
        threading.Thread(target=job.run, name="i2fet-generate", daemon=True).start()
    else:
        job.run()
    return job


def find_object(request: GenerationRequest) -> bpy.types.Object | None:
    """The head the job was started on, by session id (names can change, undo keeps the id)."""
    for obj in bpy.data.objects:
        if obj.session_uid == request.object_uid:
            return obj
    return None


def finish_generation(job: GenerationJob) -> WrittenClip:
    """Write a READY job's clip on the head it was started on (main thread). One call, one clip."""
    global _active
    request = job.request
    try:
        if job.state != READY:
            raise GenerationError(job.error or "The generation was cancelled; nothing was written.")
        obj = find_object(request)
        if obj is None:
            raise GenerationError(f"'{request.object_name}' was deleted while the clip was being generated; nothing was written.")
        check_target(obj)
        if job.model is None and job.model_error and obj.data.shape_keys is None:
            raise GenerationError(job.model_error)
        info = ClipInfo(prompt=request.prompt, seed=request.seed, intensity=request.intensity, frames=request.frames,
                        frame_start=request.frame_start, fps=request.fps, object_name=obj.name, source="generated")
        replaced = bpy.data.actions.get(request.replace_clip) if request.replace_clip else None
        written = write_clip(obj, job.weights, job.model, info, action_name(request.prompt), job.summary)
        if replaced is not None:
            from .clip_edit import replace_clip

            replace_clip(replaced, written.action)
        job.state = FINISHED
        return written
    except GenerationError as error:
        if job.state != CANCELLED:
            job.state, job.error = FAILED, str(error)
        raise
    finally:
        if _active is job:
            _active = None


def discard(job: GenerationJob) -> None:
    """Forget a cancelled or failed job (its worker may still be finishing in the background)."""
    global _active
    job.cancel()
    if job.state in (RUNNING, READY):
        job.state = CANCELLED
    if _active is job:
        _active = None
