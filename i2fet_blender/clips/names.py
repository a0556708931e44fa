"""Names Blender can hold: at most 63 bytes of UTF-8 (an NLA strip's, and an ID's before Blender 5.0).

Blender cuts a longer name at the byte limit, which can split a multi-byte character; reading the
name back then fails. Every name the add-on makes from user text goes through :func:`blender_name`.
"""

from __future__ import annotations

MAX_NAME_BYTES = 63
ELLIPSIS = "…"


def blender_name(text: str, limit: int = MAX_NAME_BYTES) -> str:
    """``text`` as it fits in ``limit`` UTF-8 bytes, cut on a character boundary and ended with an ellipsis."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(ELLIPSIS.encode("utf-8"))
    return text.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip() + ELLIPSIS


def action_name(prompt: str) -> str:
    """The name of a generated clip's action: 'I2FET ' and the prompt on one line."""
    return blender_name("I2FET " + " ".join(prompt.split()))
