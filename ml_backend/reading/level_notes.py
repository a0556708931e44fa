"""Animator notes that set levels on one face, written with slashes, arrows and bare numbers.

"smile L 70 / smile R 20" sets the two sides of one smile, "cheekPuff 100 / eyeSquint 40" sets two channels of
one pose, and "ease in smile 0->60%" ramps one smile up from rest: each is one face, not a sequence, so the
slash and the arrow must not cut it into steps. A bare number after a face word in such a note is a level out
of 100 ("jaw open 40"). Rewritten here into the forms the step reader knows ("smile L 70% R 20%", "60%").
"""

from __future__ import annotations

import re

# A bare number 0-100 after a word, ending its note: a level out of 100 ("jaw open 40", "pucker 100").
_BARE = re.compile(r"(?<=\w )(\d{1,3})(?![\d.%]|\s*(?:percent\b|per cent\b))"
                   r"(?=\s*(?:$|[,;/]|->|→|\s[LR]\b|\s(?:left|right|and)\b))", re.IGNORECASE)
# Words after which a number is a time, a count or a label, never a level.
_NOT_LEVEL_AFTER = frozenset("at for in on over after before by to from until till within key beat step shot pose "
                             "frame frames chapter page act scene take line version number no around about every "
                             "each x times count".split())
_LEVEL = re.compile(r"\d{1,3}(?:\.\d+)?\s*%|(?<![\w.])(?:0?\.\d+|1\.0+)(?![\w.%])")
# A ramp up from rest inside one note: "0->60%", "0 -> 80%" (the ease is its timing, the level is the last number).
_FROM_REST = re.compile(r"(?<![\w.])0+(?:\.0+)?\s*%?\s*(?:-+>|→)\s*(\d{1,3}(?:\.\d+)?)\s*(%?)")
# The end of a ramp between two levels of one note: "jaw open 20%->50" (two keys: 20% then 50%).
_RAMP_END = re.compile(r"(\d{1,3}\s*%\s*(?:-+>|→)\s*)(\d{1,3})(?![\d.%])")
_SLASH = re.compile(r"\s/\s")
_BEAT_START = re.compile(r"^\s*(?:key|beat|step|shot|pose|\(?\d{1,2}[.)])", re.IGNORECASE)
_SIDE = re.compile(r"(?<![\w'’])(L|R|left|right)(?![\w'’])", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def _percent_bare(text: str) -> str:
    """Bare numbers after a face word become percentages ("jaw open 40" -> "jaw open 40%")."""
    def swap(match: re.Match) -> str:
        before = text[:match.start()].split()
        value = float(match.group(1))
        if (not before or before[-1].lower() in _NOT_LEVEL_AFTER or not any(c.isalpha() for c in before[-1])
                or value > 100):
            return match.group(0)
        return f"{match.group(1)}%"
    return _BARE.sub(swap, text)


def _side_and_level(note: str) -> tuple[str, str, str] | None:
    """(words without side and level, side, level) of a note naming one side and one level, else None."""
    sides, levels = _SIDE.findall(note), _LEVEL.findall(note)
    if len(sides) != 1 or len(levels) != 1:
        return None
    rest = _LEVEL.sub(" ", _SIDE.sub(" ", note))
    return " ".join(rest.split()), sides[0], levels[0].replace(" ", "")


def _join(first: str, second: str) -> str | None:
    """One note from two with a slash between them, when both set levels on one face; else None."""
    if _BEAT_START.match(second) or not (_LEVEL.search(first) and _LEVEL.search(second)):
        return None
    a, b = _side_and_level(first), _side_and_level(second)
    if a and b and a[1][0].lower() != b[1][0].lower():
        words_a = {w.lower() for w in _WORD.findall(a[0])}
        words_b = {w.lower() for w in _WORD.findall(b[0])}
        if words_b <= words_a and words_a:
            return f"{a[0]} {a[1]} {a[2]} {b[1]} {b[2]}"  # "smile L 70% R 20%": one part, a level per side
    return f"{first}, {second}"


def join_level_notes(text: str) -> str:
    """The text with the notes of one face's levels joined (see the module docstring); other text unchanged."""
    if not any(ch.isdigit() for ch in text):
        return text
    text = _FROM_REST.sub(lambda m: f"{m.group(1)}%", text)
    text = _percent_bare(text)
    text = _RAMP_END.sub(lambda m: f"{m.group(1)}{m.group(2)}%", text)
    pieces = _SLASH.split(text)
    if len(pieces) < 2:
        return text
    out = [pieces[0]]
    for piece in pieces[1:]:
        joined = _join(out[-1], piece)
        if joined is None:
            out.append(piece)
        else:
            out[-1] = joined
    return " / ".join(out)
