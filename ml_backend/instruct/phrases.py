"""Split an instruction into the phrases of its steps, and read intensity and speed words.

Used by every instruction reader: "a faint smile that slowly turns into open-mouthed surprise,
then back to neutral" -> ["a faint smile", "slowly open-mouthed surprise", "neutral"].
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..errors import BadInstructionError

MAX_CHARS = 400

_CONNECTIVES = (
    r"and then", r"then", r"that (?:turns|changes|shifts|melts|fades|goes) (?:into|to)",
    r"turning into", r"turns into", r"turn into", r"changing (?:in)?to", r"changes (?:in)?to", r"shifting (?:in)?to",
    r"melting into", r"fading into", r"becoming", r"becomes", r"followed by", r"after that", r"before", r"into", r"->", r"→",
    r"and finally", r"finally", r";",
)
_SPLIT = re.compile(r"\s*(?:,\s*)?\b(?:" + "|".join(_CONNECTIVES) + r")\b\s*|\s*(?:->|→|;)\s*|\s*,\s*", re.IGNORECASE)
_FROM_TO = re.compile(r"^\s*(?:go |going |move |moving |transition |transitioning )?from\s+(.+?)\s+to\s+(.+)$", re.IGNORECASE)
_SPEED_IN_CONNECTIVE = re.compile(
    r"\bthat\s+(slowly|gradually|quickly|suddenly|abruptly|rapidly)\s+(?:turns|changes|shifts|melts|fades|goes)\s+(?:into|to)\b",
    re.IGNORECASE,
)
_BACK = re.compile(r"\b(?:and\s+)?(?:back(?:\s+to\s+(?:neutral|normal|rest|a neutral face|a relaxed face))?|return(?:s|ing)?\s+to\s+(?:neutral|normal|rest))\b", re.IGNORECASE)

INTENSITY_WORDS: tuple[tuple[str, float], ...] = (
    (r"a hint of|hint of|a trace of|barely|faint(?:ly)?|a tiny|tiny|very slight(?:ly)?", 0.3),
    (r"slight(?:ly)?|a little|a bit|subtle|subtly|soft(?:ly)?|mild(?:ly)?|gentle|gently|small", 0.45),
    (r"moderate(?:ly)?|somewhat|medium", 0.65),
    (r"very|big|broad|wide|strong(?:ly)?|deep(?:ly)?|intense(?:ly)?|huge|really", 0.95),
    (r"extreme(?:ly)?|maximum|full(?:y)?|totally|completely|as much as possible", 1.0),
)
SPEED_WORDS: tuple[tuple[str, float], ...] = (
    (r"very slowly|extremely slowly", 0.35),
    (r"slowly|gradually|gently|lazily|little by little", 0.55),
    (r"quickly|fast|rapidly|briskly", 1.8),
    (r"suddenly|abruptly|in a flash|instantly|all of a sudden|sharply", 3.0),
)
DEFAULT_INTENSITY = 0.85
_NEUTRAL_WORDS = {"neutral", "back", "back to neutral", "and back", "rest", "relax", "relaxed", "relaxes",
                  "a neutral face", "neutral face", "normal", "calm down", "blank", "expressionless"}


@dataclass(frozen=True)
class Phrase:
    """One step's words, with the intensity and speed read from them."""

    text: str  # the phrase, intensity/speed words removed
    original: str
    intensity: float | None
    speed: float | None
    is_neutral_return: bool = False


def clean(instruction: str) -> tuple[str, list[str]]:
    """Normalise an instruction (control characters, width, whitespace, length); notes say what changed."""
    if not isinstance(instruction, str):
        raise BadInstructionError("The instruction must be text.")
    notes: list[str] = []
    text = unicodedata.normalize("NFKC", instruction)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise BadInstructionError("The instruction is empty: type what the face should do, e.g. 'a faint smile turning into surprise'.")
    if len(text) > MAX_CHARS:
        notes.append(f"The instruction is {len(text)} characters long; only the first {MAX_CHARS} were read.")
        text = text[:MAX_CHARS]
    return text, notes


def _pick(words: tuple[tuple[str, float], ...], text: str) -> tuple[float | None, str]:
    for pattern, value in words:
        regex = re.compile(r"\b(?:" + pattern + r")\b", re.IGNORECASE)
        if regex.search(text):
            return value, re.sub(r"\s+", " ", regex.sub(" ", text)).strip()
    return None, text


def read_phrase(text: str) -> Phrase:
    """Intensity and speed words of one step, and the words left for the expression."""
    speed, rest = _pick(SPEED_WORDS, text.strip(" .!,"))
    if _BACK.fullmatch(rest) or rest.lower() in _NEUTRAL_WORDS:
        return Phrase(text="neutral", original=text, intensity=None, speed=speed, is_neutral_return=True)
    intensity, rest = _pick(INTENSITY_WORDS, rest)
    rest = re.sub(r"^(?:and|a|an|the|with|then|to)\s+", "", rest, flags=re.IGNORECASE).strip(" .!,")
    return Phrase(text=rest or stripped, original=text, intensity=intensity, speed=speed)


def split_steps(instruction: str) -> list[Phrase]:
    """The ordered step phrases of an instruction ("from X to Y", "X then Y", "X turning into Y", "and back")."""
    text, _ = clean(instruction)
    text = _SPEED_IN_CONNECTIVE.sub(lambda m: f"then {m.group(1)}", text)
    parts: list[str] = []
    match = _FROM_TO.match(text)
    body = text
    if match:
        parts.append(match.group(1))
        body = match.group(2)
    back_at_end = False
    back = list(_BACK.finditer(body))
    if back and body[back[-1].end():].strip(" .!,") == "":
        back_at_end = True
        body = body[: back[-1].start()]
    parts.extend(p for p in _SPLIT.split(body) if p and p.strip(" .!,"))
    phrases = [read_phrase(p) for p in parts]
    if back_at_end:
        phrases.append(Phrase(text="neutral", original="back to neutral", intensity=None, speed=None, is_neutral_return=True))
    return phrases
