"""How the backend uses the CPU: a deliberate thread policy for its small models.

The models are small (a 22M-parameter encoder over a dozen tokens, a 0.5M-parameter reader):
one instruction is a few milliseconds of matrix work that intra-op parallelism barely speeds
up. Torch's default pool (one thread per core) collapses when another process holds a core:
its threads spin at each barrier waiting for the descheduled one, and a warm generation went
from 16 ms to 920 ms on the 2-core machines. With one intra-op thread the operating system
simply gives the work a free core, and inside Blender the other cores stay with the UI,
the viewport and renders. So: ``torch.set_num_threads(1)`` and one inter-op thread, set once
before the first inference. ``I2FET_THREADS=<n>`` overrides the count (for example on a
dedicated many-core machine running large batches). Training and evaluation tools do not call
this and keep torch's defaults.
"""

from __future__ import annotations

import os
import threading

ENV_THREADS = "I2FET_THREADS"
DEFAULT_THREADS = 1

_lock = threading.Lock()
_configured: int | None = None


def thread_count() -> int:
    """The intra-op thread count: ``$I2FET_THREADS`` when it is a whole number >= 1, else DEFAULT_THREADS.

    Only ASCII digits count: ``str.isdigit`` also accepts superscripts and other scripts' digits,
    some of which ``int`` refuses, and a thread count is not written that way.
    """
    value = os.environ.get(ENV_THREADS, "").strip()
    if _whole_number(value):
        count = int(value)
        return min(count, os.cpu_count() or count)
    return DEFAULT_THREADS


def _whole_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and int(text) >= 1


def thread_setting_problem() -> str | None:
    """Why ``$I2FET_THREADS`` cannot be used (it is set but is not a whole number >= 1), or None.

    ``thread_count`` falls back to the default for such a value; the CLI names the problem before any
    work instead of ignoring the user's setting silently.
    """
    value = os.environ.get(ENV_THREADS)
    if value is None or not value.strip():
        return None
    text = value.strip()
    if _whole_number(text):
        return None
    shown = text if len(text) <= 20 else text[:20] + "..."
    return (f"${ENV_THREADS} must be a whole number of threads, 1 or more (written in digits 0-9), got "
            f"{shown!r}: set it to 1 (the default) or unset it.")


def configure_threads() -> int:
    """Apply the policy (idempotent, thread-safe, cheap: called before each inference); returns the intra-op count.

    The inter-op pool can only be sized before torch's first parallel work; when that already
    happened (torch used by something else first), the intra-op count is still applied.
    """
    global _configured
    with _lock:
        import torch

        if _configured is None:
            try:
                torch.set_num_interop_threads(1)
            except RuntimeError:
                pass  # already sized by earlier parallel work in this process; intra-op below still applies
            _configured = thread_count()
        if torch.get_num_threads() != _configured:  # set once, or put back if other code changed it since
            torch.set_num_threads(_configured)
        return _configured


def prewarm() -> None:
    """Start what can run beside torch's import: the default encoder's weights check (a background thread)."""
    from .text.minilm_file import start_check

    start_check()
