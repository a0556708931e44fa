"""Animator shorthand: FACS action units ("AU12+AU6", "AU4B", "AU12 at 0.3") and ARKit channel names
("mouthSmileLeft 0.6", "cheekPuff=0.9", "noseSneer_L: 70%") read as exact face parts.

``extract`` replaces each code in a step's text by a placeholder word that ``parse`` turns into a named-part
item, so the rest of the step (other parts, sides, timing) and the face-word count read as usual. A value
after a code is its level: a fraction (0-1) or a percentage ("70%", or a number above 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import BadInstructionError
from ..knowledge.action_units import au_vector
from ..knowledge.face_parts import CHANNEL_REGION
from ..naming.arkit import ARKIT_NAMES, INDEX

PLACEHOLDER = "shorthandcode"  # + a letter per code: "shorthandcodea" (letters only, so it stays one word)
MAX_CODES = 26
_VALUE = r"(?:\s*(?:[:=]|\bat\b|\bto\b)?\s*(?P<value>\d{1,3}(?:\.\d+)?|\.\d+)\s*(?P<pct>%|percent\b)?(?![\w.]))?"
_AU = re.compile(r"\bAU\s?(?P<pre>[LRlr](?=\d))?(?P<au>\d{1,2})(?P<letter>[A-Ea-e])?(?P<side>[LRlr])?(?![\w.])" + _VALUE,
                 re.IGNORECASE)  # "AU12", "AU4B", "AU12L", "AUR12" (FACS's side prefix)
# "AU1+2+5": FACS writers list the units of one code with bare numbers after the first; each is an AU
_AU_LIST = re.compile(r"\b(AU\s?)(\d{1,2}[A-Ea-e]?(?:\s*\+\s*\d{1,2}[A-Ea-e]?(?![\w.%]))+)(?![\w.%])", re.IGNORECASE)
_HINT = re.compile(r"[a-z][A-Z]|\b[Aa][Uu]\s?[LRlr]?\d")  # a camel-case word ("mouthSmile") or an AU code
# Animators' abbreviations on exposure sheets ("lip corners dn", "btm lip out"), read as the words they stand for.
ABBREVIATIONS = {"dn": "down", "lwr": "lower", "upr": "upper", "btm": "bottom", "brw": "brow", "brws": "brows",
                 "mth": "mouth"}
_ABBREVIATION = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b", re.IGNORECASE)
_SIDE_SUFFIX = {"l": "Left", "left": "Left", "r": "Right", "right": "Right"}


@dataclass(frozen=True)
class Code:
    """One shorthand code as read: its words, its face at full strength, and the level it was given."""

    words: str
    weights: np.ndarray  # (52,)
    level: float | None  # the stated value, 0-1; None when no value was written
    regions: frozenset[str]

    @property
    def side(self) -> str:
        """"left"/"right" when every channel it moves is on that side ("eyeWideLeft"), else "both"."""
        moved = [ARKIT_NAMES[i] for i in np.flatnonzero(self.weights > 0.02)]
        for side in ("Left", "Right"):
            if moved and all(n.endswith(side) for n in moved):
                return side.lower()
        return "both"


@lru_cache(maxsize=1)
def _channel_pattern() -> re.Pattern:
    """ARKit names and their two-sided stems ("mouthSmile"), with an optional side suffix ("_L", "Left")."""
    names = sorted(_names_lower().values(), key=len, reverse=True)
    body = "|".join(re.escape(n) for n in names)
    return re.compile(rf"\b(?P<name>{body})(?:[_\s]?(?P<side>Left|Right|L|R)\b)?" + _VALUE, re.IGNORECASE)


@lru_cache(maxsize=1)
def _names_lower() -> dict[str, str]:
    """Lower-case name -> ARKit name, for the names and two-sided stems ("mouthSmile"); stems that are plain
    words ("jaw", "mouth") are not codes."""
    stems = {n[: -len("Left")] for n in ARKIT_NAMES if n.endswith("Left")}
    return {n.lower(): n for n in set(ARKIT_NAMES) | stems if any(ch.isupper() for ch in n)}


def _level(match: re.Match) -> float | None:
    value = match.group("value")
    if value is None:
        return None
    number = float(value)
    if match.group("pct") or number > 1.0:
        number /= 100.0
    return float(min(max(number, 0.0), 1.0))


def _regions(weights: np.ndarray) -> frozenset[str]:
    return frozenset(CHANNEL_REGION[i] for i in np.flatnonzero(weights > 0.02))


def _channel_code(match: re.Match) -> Code | None:
    name = _names_lower().get(match.group("name").lower())
    if name is None:
        return None
    side = _SIDE_SUFFIX.get((match.group("side") or "").lower())
    if side and not name.endswith(("Left", "Right")):
        name += side
    targets = [name] if name in INDEX else [name + "Left", name + "Right"]
    if not all(t in INDEX for t in targets):
        return None
    weights = np.zeros(len(ARKIT_NAMES), np.float32)
    for t in targets:
        weights[INDEX[t]] = 1.0
    return Code(match.group(0).strip(), weights, _level(match), _regions(weights))


def _au_code(match: re.Match) -> Code | None:
    side = (match.group("pre") or match.group("side") or "").upper()
    code = side + match.group("au") + (match.group("letter") or "")
    try:
        weights = au_vector([code])
    except BadInstructionError:
        return None  # an AU we cannot show, or a one-sided one written without its side: left as words
    level = _level(match)
    if level is None and match.group("letter"):
        level = float(weights.max(initial=0.0))  # "AU4E": the FACS letter is the stated level (E = 1.0, B = 0.4)
    return Code(match.group(0).strip(), weights, level, _regions(weights))


def extract(text: str) -> tuple[str, dict[str, Code]]:
    """The text with each shorthand code replaced by a placeholder word, and the codes by placeholder
    (abbreviations written out)."""
    text = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1).lower()], text)
    if not _HINT.search(text):
        return text, {}  # no camel-case name and no AU code: nothing to do (the common case, kept fast)
    codes: dict[str, Code] = {}
    text = _AU_LIST.sub(lambda m: " + ".join(m.group(1) + n.strip() for n in m.group(2).split("+")), text)

    def replace(match: re.Match, read) -> str:
        code = read(match)
        if code is None or len(codes) >= MAX_CODES:
            return match.group(0)
        key = PLACEHOLDER + chr(ord("a") + len(codes))
        codes[key] = code
        return f" {key} "

    text = _AU.sub(lambda m: replace(m, _au_code), text)
    text = _channel_pattern().sub(lambda m: replace(m, _channel_code), text)
    return text, codes
