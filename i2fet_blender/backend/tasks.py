"""The one background-task model: generation, installing packages and downloading the face model.

A task's work function runs in a worker thread (or inline for scripts and tests) and never touches
``bpy``: it reports ``(message, fraction)`` and checks ``cancelled()`` between steps, and returns its
result. Errors of the add-on's family (``i2fet_blender.errors``) become the task's ``error`` as
they are worded; anything else is logged with its traceback and shown as an unexpected error.

One registry holds the current task of each kind ('generate', 'install', 'download'); one poller
(:func:`poll`, a ``bpy.app.timers`` callback while any task runs) redraws the UI and runs each
finished task's ``on_done`` on the main thread. Panels draw every task with one progress bar
(``ui.panels.draw_task``). Writing a generated clip is not an ``on_done``: the Generate operator
does it, so the write is one undo step.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from ..errors import AddonError, TaskCancelled

log = logging.getLogger(__name__)

Report = Callable[[str, float], None]
Work = Callable[[Report, Callable[[], bool]], Any]
RUNNING, DONE, FAILED, CANCELLED = "RUNNING", "DONE", "FAILED", "CANCELLED"
POLL_SECONDS = 0.2


class Task:
    """Work in the background with a message, a progress fraction, Cancel, and a result or an error."""

    RUNNING, DONE, FAILED, CANCELLED = RUNNING, DONE, FAILED, CANCELLED

    def __init__(self, kind: str, title: str, work: Work, data: Any = None,
                 on_done: Callable[[Task], None] | None = None) -> None:
        self.kind, self.title, self.work = kind, title, work
        self.data = data  # what the main thread needs again when the task ends (e.g. the generation request)
        self.on_done = on_done  # main-thread follow-up, run once by poll() (or start() when inline)
        self.state = RUNNING
        self.message = "Starting"
        self.progress = 0.0
        self.result: Any = None
        self.error = ""
        self.started = time.perf_counter()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._followed_up = False

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def finished(self) -> bool:
        """The worker has ended (in any state)."""
        return self._done.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker has ended (scripts and tests); True when it has."""
        return self._done.wait(timeout)

    def _report(self, message: str, fraction: float) -> None:
        self.message, self.progress = message, max(0.0, min(1.0, fraction))

    def _run(self) -> None:
        try:
            self.result = self.work(self._report, self._cancel.is_set)
            self.state = CANCELLED if self.cancelled else DONE
        except TaskCancelled:
            self.state = CANCELLED
        except AddonError as error:
            self.error, self.state = str(error), FAILED
        except Exception as error:  # the worker must always end in a state the UI can show
            log.exception("I2FET task %s failed", self.title)
            self.error = f"{self.title} stopped with an unexpected error ({type(error).__name__}: {error})."
            self.state = FAILED
        finally:
            if self.cancelled:
                self.state = CANCELLED
            self._done.set()

    def follow_up(self) -> None:
        """Run ``on_done`` once, on the main thread, after the worker ended."""
        if self.finished and not self._followed_up:
            self._followed_up = True
            if self.on_done is not None:
                self.on_done(self)


_tasks: dict[str, Task] = {}


def current(kind: str) -> Task | None:
    """The task of ``kind`` that runs, or that ended and was not released yet."""
    return _tasks.get(kind)


def start(task: Task, threaded: bool = True) -> Task:
    """Start ``task``; one task of each kind at a time. Inline (``threaded=False``) it has ended on return."""
    running = _tasks.get(task.kind)
    if running is not None and not running.finished:
        raise AddonError(f"{running.title} is still running: wait for it or cancel it first.")
    _tasks[task.kind] = task
    if not threaded:
        task._run()
        task.follow_up()
        return task
    threading.Thread(target=task._run, name=f"i2fet-{task.kind}", daemon=True).start()
    _ensure_polling()
    return task


def release(task: Task) -> None:
    """Forget ``task`` (its result was used or thrown away); a worker still running ends in the background."""
    if _tasks.get(task.kind) is task:
        del _tasks[task.kind]


def poll() -> float | None:
    """The one poller: redraw the I2FET UI and follow up finished tasks; None (stop) once none runs."""
    redraw()
    for task in list(_tasks.values()):
        if task.finished:
            try:
                task.follow_up()
            except AddonError as error:
                task.state, task.error = FAILED, str(error)
    return POLL_SECONDS if any(not task.finished for task in _tasks.values()) else None


def redraw() -> None:
    """Redraw the 3D View sidebars and the preferences, where tasks show their progress."""
    import bpy

    manager = getattr(bpy.context, "window_manager", None)
    for window in manager.windows if manager is not None else ():
        for area in window.screen.areas:
            if area.type in {"VIEW_3D", "PREFERENCES"}:
                area.tag_redraw()


def _ensure_polling() -> None:
    import bpy

    if not bpy.app.timers.is_registered(poll):
        bpy.app.timers.register(poll, first_interval=POLL_SECONDS)
