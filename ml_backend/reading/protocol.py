"""What every instruction reader provides: text in, plan steps (with their parsed timing) and notes out."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..plan import Step


@runtime_checkable
class Reader(Protocol):
    """An instruction reader. ``read`` raises ``BadInstructionError`` for text that is not a face instruction."""

    name: str

    def read(self, instruction: str, seed: int | None = None) -> tuple[list[Step], list[str]]:
        """The instruction's steps in order, and notes (in words) about what was adjusted or skipped."""
        ...
