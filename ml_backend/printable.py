"""Text made safe to print: control and invisible format characters shown escaped, never sent raw.

A prompt can hold ANSI escape sequences (``\\x1b[2J`` clears a terminal), carriage returns that
overwrite a line, or right-to-left overrides that reorder what is shown. Everything the CLI and the
add-on print or report about user text goes through :func:`printable` first.
"""

from __future__ import annotations

import os
import sys
import unicodedata

_ESCAPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every control, format, surrogate, private-use or unassigned character written as an escape.

    Ordinary letters of every script, emoji and spaces stay as they are; ``keep_newlines`` keeps ``\\n``.
    """
    if not isinstance(text, str):
        text = str(text)
    out = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif unicodedata.category(char) in _ESCAPED_CATEGORIES:
            out.append(_escape(char))
        else:
            out.append(char)
    return "".join(out)


def say(text: str, stream=None) -> None:
    """Print user-facing text with control characters escaped (newlines kept).

    When the reader of the output has gone (``... | head -1``), the rest of the text is dropped and the
    work goes on (an output file is still written), without a traceback.
    """
    stream = stream or sys.stdout
    try:
        print(printable(text, keep_newlines=True), file=stream, flush=True)
    except BrokenPipeError:
        _discard_output(stream)


def _discard_output(stream) -> None:
    """Point a stream whose pipe was closed at the null device, so later prints and the exit flush are silent."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, stream.fileno())
    os.close(null)
