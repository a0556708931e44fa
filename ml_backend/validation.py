"""Check every argument before any work, with one message per problem in words a user understands.

One function per kind of argument, shared by the CLI, :func:`ml_backend.pipeline.generate` and the
add-on's operators, so that the same mistake reads the same everywhere. Each function takes what the
user gave (a string from the command line, or a Python value from a script or a Blender property),
returns the cleaned value, and raises an :class:`~ml_backend.errors.I2FETError` otherwise.
:class:`Checks` runs several checks and reports every problem at once. Nothing here writes anything.
"""

from __future__ import annotations

import errno
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .errors import BadInputError, BadInstructionError, BadTimingError, I2FETError, OutputPathError
from .naming.arkit import ARKIT_NAMES, NUM_CHANNELS
from .printable import printable

MAX_FRAMES = 100_000  # about 55 minutes at 30 fps
MIN_FPS = 1.0  # below one frame a second, blink planning and timecodes stop meaning anything
MAX_FPS = 1000.0
MAX_SECONDS = 3600.0  # one hour; longer performances are generated in parts
MAX_INTENSITY = 2.0  # the add-on's Intensity slider goes to 2 as well
MAX_SEED = 2**32 - 1  # the life layer and the reader draw from 32-bit seeded streams
MAX_INSTRUCTION_CHARS = 20_000
MAX_NAME_BYTES = 255  # the longest file name common file systems accept

T = TypeVar("T")


def _shown(value: Any) -> str:
    """How a value appears inside a message: short, quoted, never raw control characters."""
    text = value if isinstance(value, str) else repr(value)
    text = printable(text)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def _shown_path(path: Any) -> str:
    """A path inside a message: whole unless very long (then its start and its end), escaped, quoted."""
    text = printable(str(path))
    return f"'{text[:80]}…{text[-120:]}'" if len(text) > 200 else f"'{text}'"


def _number(value: Any, error: Callable[[], I2FETError]) -> float:
    """A float from a number or a string; ``error()`` for anything else (booleans included)."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise error()
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise error() from None
    if isinstance(value, (int, np.integer)):
        return float(value) if abs(int(value)) < 2**1000 else math.inf
    if isinstance(value, (float, np.floating)):
        return float(value)
    raise error()


def _whole(value: Any, error: Callable[[], I2FETError]) -> int:
    """An int from an int, an integral float or a string of one; ``error()`` otherwise."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
    number = _number(value, error)
    if not math.isfinite(number) or number != int(number):
        raise error()
    return int(number)


_TERMINAL_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-_])|\x9b[0-?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _has_words(text: str) -> bool:
    """Whether ``text`` holds a letter, a digit or a symbol such as an emoji (not only punctuation and spaces)."""
    return any(unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "So" for c in text)


def instruction(text: Any) -> str:
    """The instruction: text, not empty, not absurdly long, and valid Unicode (no lone surrogates).

    Terminal escape sequences (``ESC [ ... m`` colours, screen clears) and other control characters never
    mean anything in an instruction: they are removed (controls become spaces) before anything reads it.
    """
    if not isinstance(text, str):
        raise BadInstructionError(f"The instruction must be text, got {type(text).__name__}.")
    had_controls = bool(_CONTROL.search(text))
    text = _CONTROL.sub(" ", _TERMINAL_ESCAPE.sub("", text))
    if had_controls and not text.strip():
        raise BadInstructionError("The instruction holds only control characters or terminal escape codes: type "
                                  "what the face should do, for example 'a faint smile that turns into surprise'.")
    if not text.strip():
        raise BadInstructionError("The instruction is empty: type what the face should do, for example "
                                  "'a faint smile that turns into surprise'.")
    if len(text) > MAX_INSTRUCTION_CHARS:
        raise BadInstructionError(f"The instruction is {len(text):,} characters long, more than the "
                                  f"{MAX_INSTRUCTION_CHARS:,} it may have: split it into several clips.")
    for position, char in enumerate(text):
        if "\ud800" <= char <= "\udfff":
            raise BadInstructionError(f"The instruction holds a broken character at position {position + 1} "
                                      "(bytes that are not valid text): type or paste it again.")
    if not _has_words(text):
        raise BadInstructionError(f"The instruction {_shown(text.strip())} holds no words, only punctuation: type "
                                  "what the face should do, for example 'a faint smile that turns into surprise'.")
    return text


def frames(value: Any) -> int:
    """A clip length in frames: a whole number from 1 to MAX_FRAMES."""
    def error() -> BadTimingError:
        return BadTimingError(f"The number of frames must be a whole number, got {_shown(value)}.")

    count = _whole(value, error)
    if count < 1:
        raise BadTimingError(f"A clip needs at least one frame (got {_count(count)}).")
    if count > MAX_FRAMES:
        raise BadTimingError(f"{_count(count)} frames is more than the {MAX_FRAMES:,} a clip may have; generate it in parts.")
    return count


def _count(number: int) -> str:
    """A whole number for a message: with thousands separators, or its number of digits when it is absurdly long."""
    if abs(number) < 10**15:
        return f"{number:,}"
    return f"a {'negative ' if number < 0 else ''}{len(str(abs(number)))}-digit number"


def fps(value: Any) -> float:
    """A frame rate in frames per second, from MIN_FPS to MAX_FPS (23.976 and other fractional rates are fine)."""
    def error() -> BadTimingError:
        return BadTimingError(f"The frame rate must be a number of frames per second from {MIN_FPS:g} to "
                              f"{MAX_FPS:g}, got {_shown(value)}.")

    rate = _number(value, error)
    if not math.isfinite(rate) or not MIN_FPS <= rate <= MAX_FPS:
        raise error()
    return rate


def seconds(value: Any) -> float:
    """A clip length in seconds: a finite number above zero and at most MAX_SECONDS."""
    def error() -> BadTimingError:
        return BadTimingError(f"The duration must be a number of seconds above 0 and at most {MAX_SECONDS:g}, "
                              f"got {_shown(value)}.")

    length = _number(value, error)
    if not math.isfinite(length) or not 0.0 < length <= MAX_SECONDS:
        raise error()
    return length


def frames_for(seconds_value: float, rate: float) -> int:
    """Frames for a checked duration at a checked frame rate (at least one)."""
    return frames(max(1, round(seconds_value * rate)))


def duration(frame_count: int, rate: float) -> None:
    """A checked frame count at a checked frame rate must last at most MAX_SECONDS."""
    if frame_count / rate > MAX_SECONDS:
        raise BadTimingError(f"{frame_count:,} frames at {rate:g} fps last {frame_count / rate / 60:.0f} minutes, "
                             f"longer than the {MAX_SECONDS / 60:.0f} minutes a clip may last; generate it in parts.")


def intensity(value: Any) -> float:
    """The strength scale of every expression: a number from 0 to MAX_INTENSITY (1 = as written)."""
    def error() -> BadInputError:
        return BadInputError(f"The intensity must be a number from 0 to {MAX_INTENSITY:g} (1 = as written), "
                             f"got {_shown(value)}.")

    scale = _number(value, error)
    if not math.isfinite(scale) or not 0.0 <= scale <= MAX_INTENSITY:
        raise error()
    return scale


def seed(value: Any) -> int:
    """A variation seed: a whole number from 0 to MAX_SEED."""
    def error() -> BadInputError:
        return BadInputError(f"The seed must be a whole number from 0 to {MAX_SEED:,}, got {_shown(value)}.")

    number = _whole(value, error)
    if not 0 <= number <= MAX_SEED:
        raise error()
    return number


def start_weights(value: Any) -> np.ndarray | None:
    """Start-pose weights: None, or 52 finite numbers in ARKit order (clipped to [0, 1], as shape keys are)."""
    if value is None:
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise BadInputError(f"The start weights must be {NUM_CHANNELS} numbers, one per ARKit channel.") from None
    if array.size != NUM_CHANNELS:
        raise BadInputError(f"The start weights must be {NUM_CHANNELS} numbers, one per ARKit channel, "
                            f"got {array.size}.")
    array = array.reshape(NUM_CHANNELS)
    bad = [ARKIT_NAMES[i] for i in np.flatnonzero(~np.isfinite(array))]
    if bad:
        raise BadInputError(f"The start weights hold values that are not numbers (NaN or infinite) for "
                            f"{', '.join(bad[:5])}{' and more' if len(bad) > 5 else ''}.")
    return np.clip(array, 0.0, 1.0).astype(np.float32)


def choice(value: Any, allowed: Iterable[str], what: str) -> str:
    """One of a fixed set of names (a reader, an encoder, a preset)."""
    names = tuple(allowed)
    if not isinstance(value, str) or value not in names:
        raise BadInputError(f"Unknown {what} {_shown(value)}; choose one of {', '.join(names)}.")
    return value


def _first_existing(path: Path) -> Path:
    """The path itself or its nearest ancestor that exists (lexically: '..' is not resolved through links)."""
    current = path
    while not os.path.lexists(current) and current != current.parent:
        current = current.parent
    return current


_REASONS = {errno.EACCES: "permission denied", errno.EPERM: "permission denied", errno.EROFS: "a read-only file system",
            errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up"}


def _folder_writable(folder: Path) -> str | None:
    """None when a file can be created in ``folder``, else the reason; tried with a temporary file, then removed."""
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=".i2fet-check-")
    except OSError as error:
        return _REASONS.get(error.errno, "the system refused")
    os.close(handle)
    os.unlink(name)
    return None


def output_path(value: Any, suffixes: Sequence[str], what: str = "output file") -> Path:
    """A file we may write: the right extension, not a folder, every existing ancestor a folder, and writable.

    The folders that do not exist yet are created only when the file is written. An existing file of
    that name is replaced (atomically) unless it is read-only. Nothing is written here.
    """
    allowed = " or ".join(suffixes)
    if isinstance(value, Path):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise OutputPathError(f"The {what} needs a path ending in {allowed}.")
    if "\0" in value:
        raise OutputPathError(f"The {what} path {_shown_path(value)} holds a NUL character, which no file name may hold.")
    path = Path(os.path.expanduser(value))
    if path.suffix.lower() not in tuple(s.lower() for s in suffixes):
        raise OutputPathError(f"The {what} must end in {allowed}, got {_shown(path.name)}.")
    if any(len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for part in path.parts):
        raise OutputPathError(f"A name in the {what} path is longer than the {MAX_NAME_BYTES} bytes a file "
                              "name may have: choose a shorter name.")
    if path.is_dir():
        raise OutputPathError(f"{_shown_path(path)} is a folder, not a file: give a file name ending in {allowed}.")
    existing = _first_existing(path)
    if existing.is_symlink() and not existing.exists():
        raise OutputPathError(f"Cannot write {_shown_path(path)}: {_shown_path(existing)} is a link to "
                              f"{_shown_path(os.readlink(existing))}, which does not exist (or links to itself).")
    if existing == path:
        if not path.is_file():
            raise OutputPathError(f"{_shown_path(path)} exists and is not a regular file: choose another name.")
        if not os.access(path, os.W_OK):
            raise OutputPathError(f"{_shown_path(path)} exists and is read-only: it is left as it is; choose "
                                  "another name or make it writable.")
        existing = path.parent
    if not existing.is_dir():
        raise OutputPathError(f"Cannot write {_shown_path(path)}: {_shown_path(existing)} is a file, not a folder.")
    reason = _folder_writable(existing)
    if reason is not None:
        raise OutputPathError(f"Cannot write {_shown_path(path)}: the folder {_shown_path(existing)} does not "
                              f"accept new files ({reason}). Choose a folder you can write to.")
    return path


def input_file(value: Any, suffixes: Sequence[str], what: str) -> Path:
    """A file we will read: it exists, is a regular readable file, with one of ``suffixes`` (empty: any)."""
    if isinstance(value, Path):
        value = str(value)
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise BadInputError(f"The {what} needs a file path, got {_shown_path(value)}.")
    path = Path(os.path.expanduser(value))
    if suffixes and path.suffix.lower() not in tuple(s.lower() for s in suffixes):
        raise BadInputError(f"The {what} must be a {' or '.join(suffixes)} file, got {_shown(path.name)}.")
    if path.is_dir():
        raise BadInputError(f"The {what} {_shown_path(path)} is a folder, not a file.")
    if not path.is_file():
        raise BadInputError(f"The {what} {_shown_path(path)} does not exist.")
    if not os.access(path, os.R_OK):
        raise BadInputError(f"The {what} {_shown_path(path)} cannot be read (permission denied).")
    return path


class Checks:
    """Run several checks and collect every problem, so that the user sees them all at once.

    ``value = checks(validation.fps, raw)`` returns the cleaned value, or None when that check failed;
    ``checks.done()`` then raises one error listing every problem (of the first problem's type).
    """

    def __init__(self) -> None:
        self.problems: list[I2FETError] = []

    def __call__(self, check: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return check(*args, **kwargs)
        except I2FETError as problem:
            self.problems.append(problem)
            return None

    def done(self) -> None:
        """Raise when any check failed; one line per problem."""
        if not self.problems:
            return
        if len(self.problems) == 1:
            raise self.problems[0]
        error = type(self.problems[0])("\n".join(str(p) for p in self.problems))
        error.problems = list(self.problems)  # type: ignore[attr-defined]
        raise error
