"""The one place an add-on error becomes a report: every operator runs its work through :class:`Reporting`.

An operator's ``run(context)`` does its one job and returns what to tell the animator: a text (an
INFO report), ``(level, text)``, or None. Any error of the add-on's family (``i2fet_blender.errors``)
becomes an ERROR report and CANCELLED; nothing else is caught, so a bug keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Callable

from ..backend import bridge
from ..errors import AddonError

Message = str | tuple[str, str] | None


class Reporting:
    """Mixin for operators: ``execute`` = ``reported(run)``; ``invoke``/``modal`` use ``reported`` too."""

    def run(self, context) -> Message:
        raise NotImplementedError

    def execute(self, context):
        return self.reported(lambda: self.run(context))

    def reported(self, work: Callable[[], Message], done: frozenset[str] = frozenset({"FINISHED"})) -> set[str]:
        """Call ``work``; report its message (or its AddonError) and return ``done`` (or CANCELLED)."""
        try:
            message = work()
        except AddonError as error:
            self.report({"ERROR"}, bridge.printable(str(error)))
            return {"CANCELLED"}
        if message:
            level, text = message if isinstance(message, tuple) else ("INFO", message)
            self.report({level}, bridge.printable(text))
        return set(done)
