"""Preload the backend in the background when the I2FET panel is first drawn, so the first Generate is warm.

Loading torch, the IFED checkpoint, the MiniLM encoder and the face model takes about the time of
``import torch`` (1.5-3 s here); an animator who opens the panel and types a prompt should not pay
it on Generate. The first draw of the panel starts a 'preload' task (``backend.tasks``, so the panel
shows its progress and redraws when it ends) that runs one tiny generation in a worker thread.
A Generate clicked while it runs simply waits for it inside the backend (``bridge`` lets one caller
in at a time), so clicking at once costs the load once, never twice.

Head from Photo is prepared the same way when the From a Photo panel is first drawn
(:func:`ensure_photo_started`): MediaPipe, its landmarker and the fit's tables load in the background.

Generate is greyed out, with the reason as its tooltip and in the panel, while the backend cannot
run: packages missing or a torch outside the supported range (:func:`environment.backend_problem`),
or a preload that failed (encoder weights missing or damaged, ...), until the user fixes it and
presses Check Backend.
"""

from __future__ import annotations

import sys

from ..errors import AddonError
from . import bridge, environment, tasks

KIND = "preload"
PROBLEM_CACHE_SECONDS = 2.0

_cache: tuple[float, tuple, str] | None = None


def _static_problem() -> str:
    """``environment.backend_problem()``, cached for a moment (panels and operator polls ask often).

    The cache is keyed on what the check depends on (the import path and the packages required), so a changed
    requirement or environment is checked again at once rather than after the moment passes.
    """
    import time

    global _cache
    now, key = time.monotonic(), (tuple(sys.path), tuple(environment.REQUIRED), tuple(environment.WHEELS))
    if _cache is None or _cache[1] != key or now - _cache[0] > PROBLEM_CACHE_SECONDS:
        _cache = (now, key, environment.backend_problem())
    return _cache[2]


def blocked_reason() -> str:
    """Why Generate cannot run now ('' when it can): missing or unsupported packages, or a failed preload."""
    problem = _static_problem()
    if problem:
        return problem
    task = tasks.current(KIND)
    if task is not None and task.state == task.FAILED:
        return task.error
    return ""


def state() -> str:
    """'ready', 'loading', 'blocked' or 'idle' (not started: scripts, or the panel not drawn yet)."""
    if blocked_reason():
        return "blocked"
    task = tasks.current(KIND)
    if task is None or task.state == task.CANCELLED:
        return "idle"
    return "loading" if task.state == task.RUNNING else "ready"


def _work(options: dict):
    def work(report, cancelled):
        report("Loading the generator (torch, text encoder, face model)", 0.1)
        bridge.preload(**options)
        report("Generator ready", 1.0)
    return work


def ensure_started(options: dict | None = None, threaded: bool = True) -> tasks.Task | None:
    """Start the preload once (the panel calls this on every draw; only the first one starts it)."""
    if _static_problem() or tasks.current(KIND) is not None:
        return tasks.current(KIND)
    options = dict(options or {})
    try:
        return tasks.start(tasks.Task(KIND, "Load the generator", _work(options)), threaded)
    except AddonError:
        return tasks.current(KIND)


def restart(options: dict | None = None, threaded: bool = True) -> tasks.Task | None:
    """Forget a finished or failed preload and start again (after the user fixed the cause)."""
    global _cache
    task = tasks.current(KIND)
    if task is not None and task.finished:
        tasks.release(task)
    _cache = None
    return ensure_started(options, threaded)


PHOTO_KIND = "photo-preload"


def _photo_work(report, cancelled):
    from ..errors import HeadFitFailed

    report("Preparing Head from Photo (MediaPipe, the face fit)", 0.1)
    with bridge.translated(HeadFitFailed):
        bridge.backend_module("photo.head").prepare()
    report("Head from Photo ready", 1.0)


def ensure_photo_started(threaded: bool = True) -> tasks.Task | None:
    """Prepare Head from Photo once, in the background (the From a Photo panel calls this on every draw; the
    first draw of the opened panel starts it): a first photo then pays for the photo only, not for importing
    MediaPipe and building the fit's tables. Not started while MediaPipe or its model is missing."""
    if tasks.current(PHOTO_KIND) is not None or environment.photo_problem():
        return tasks.current(PHOTO_KIND)
    try:
        return tasks.start(tasks.Task(PHOTO_KIND, "Prepare Head from Photo", _photo_work), threaded)
    except AddonError:
        return tasks.current(PHOTO_KIND)
