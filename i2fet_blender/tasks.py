"""A background task with progress and cancel, for the preferences' Install and Download buttons.

The work function runs in a worker thread and must not touch ``bpy``; it reports
``(message, fraction)`` and checks ``cancelled()`` between steps. The UI polls ``state``,
``message`` and ``progress`` from a timer on the main thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

Report = Callable[[str, float], None]
Work = Callable[[Report, Callable[[], bool]], str]


class TaskCancelled(Exception):
    """Raised by a work function that noticed the user pressed Cancel."""


class Task:
    RUNNING, DONE, FAILED, CANCELLED = "RUNNING", "DONE", "FAILED", "CANCELLED"

    def __init__(self, title: str, work: Work) -> None:
        self.title = title
        self.work = work
        self.state = self.RUNNING
        self.message = "Starting"
        self.progress = 0.0
        self.result = ""
        self.error = ""
        self._cancel = threading.Event()
        self._done = threading.Event()

    def start(self, threaded: bool = True) -> Task:
        if threaded:
            threading.Thread(target=self._run, name=f"i2fet-{self.title}", daemon=True).start()
        else:
            self._run()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def _report(self, message: str, fraction: float) -> None:
        self.message, self.progress = message, max(0.0, min(1.0, fraction))

    def _run(self) -> None:
        try:
            self.result = self.work(self._report, self._cancel.is_set)
            self.state = self.CANCELLED if self._cancel.is_set() else self.DONE
        except TaskCancelled:
            self.state = self.CANCELLED
        except Exception as error:  # shown in the preferences, logged with its traceback
            log.exception("I2FET task %s failed", self.title)
            self.error, self.state = str(error) or type(error).__name__, self.FAILED
        finally:
            self._done.set()


_tasks: dict[str, Task] = {}


def get(kind: str) -> Task | None:
    return _tasks.get(kind)


def start(kind: str, task: Task, threaded: bool = True) -> Task:
    """Start ``task`` under ``kind`` ('install', 'download'); one of each kind at a time."""
    running = _tasks.get(kind)
    if running is not None and not running.finished:
        raise RuntimeError(f"{running.title} is still running.")
    _tasks[kind] = task
    return task.start(threaded)
