"""Keep the directions of screenplay-formatted text and drop what is not about the face.

"INT. KITCHEN - NIGHT. Sarah stares at the phone, terrified." -> the scene heading goes;
"JOHN (grimly) We move at dawn." -> "grimly." (the speaker's name and the line of dialogue go);
"(smiling) I knew you'd come." -> "smiling."; quoted speech with "I"/"you" in it goes too.
A parenthetical is a direction only where a screenplay puts one: at the start, after a sentence or after a
speaker's name; the words after it are dialogue unless they go on in the third person ("(smiling) she turns").
Beats and pauses ("(beat)") are left for the step splitter, which reads them as step boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_HEADING = re.compile(r"(?:(?<=^)|(?<=[.!?:]\s))(?:INT|EXT|INT\.?/EXT|I/E)\.\s*[^a-z]*?[.:]?(?=\s+[A-Z][a-z]|\s*$)")
_TRANSITION = re.compile(r"\b(?:CLOSE ON|ANGLE ON|CLOSE UP ON|CLOSE UP|EXTREME CLOSE UP|ECU|CUT TO|SMASH CUT TO|"
                         r"MATCH CUT TO|DISSOLVE TO|FADE IN|FADE OUT|FADE TO BLACK|INSERT|BACK TO SCENE|"
                         r"CONTINUOUS|MOMENTS LATER|LATER)\b\s*[:.]?")
_CUE = re.compile(r"(?:(?<=^)|(?<=[.!?]\s))([A-Z][A-Z'’.\-]+(?:\s+[A-Z][A-Z'’.\-]+)?)\s*(?=\()")
_PAREN = re.compile(r"\(([^()]*)\)")
_BEAT_WORDS = re.compile(r"^\s*(?:a\s+)?(?:beat|pause|moment|long\s+beat|long\s+pause|silence)\s*$", re.IGNORECASE)
_THIRD_PERSON = re.compile(r"^\s*(?:she|he|they|it|her|his|their|its|the)\b", re.IGNORECASE)
_SPEAKER_WORDS = re.compile(r"\b(?:i|i'm|i’m|i'd|i’d|i'll|i’ll|me|my|we|we're|us|our|you|you're|you’re|your)\b",
                            re.IGNORECASE)
_QUOTED = re.compile(r"[\"“”]([^\"“”]{2,200})[\"“”]")


def directions(text: str, is_face: Callable[[str], bool]) -> tuple[str, list[str]]:
    """The text with scene headings, speaker names and dialogue taken out, and notes saying what went.

    ``is_face(words)`` says whether a few words read as a face (so "SMILE (big)" keeps its "SMILE").
    """
    notes: list[str] = []
    out = _HEADING.sub(lambda m: _dropped(m, notes, "a scene heading"), text)
    out = _TRANSITION.sub(lambda m: _dropped(m, notes, "a camera direction"), out)
    out = _CUE.sub(lambda m: m.group(0) if is_face(m.group(1)) else _dropped(m, notes, "a speaker's name"), out)
    out = _QUOTED.sub(lambda m: _dropped(m, notes, "dialogue") if _SPEAKER_WORDS.search(m.group(1)) else m.group(0),
                      out)
    out = _dialogue_after_parentheticals(out, notes)
    out = re.sub(r"\s+", " ", out).strip()
    if not any(ch.isalpha() for ch in out):
        return text, []
    return out, notes


def _dropped(match: re.Match, notes: list[str], what: str) -> str:
    words = match.group(0).strip(" .:")
    if words:
        notes.append(f"'{words}' is {what}: not read as a face.")
    return " "


def _dialogue_after_parentheticals(text: str, notes: list[str]) -> str:
    """"(grimly) We move at dawn." -> "grimly." where the parenthetical stands where a screenplay puts one."""
    pieces: list[str] = []
    position = 0
    for match in _PAREN.finditer(text):
        inside = match.group(1).strip()
        before = text[:match.start()]
        start_of_line = not before.strip() or re.search(r"[.!?:]\s*$", before)
        if not start_of_line or not inside or _BEAT_WORDS.match(inside):
            continue
        after_end = text.find("(", match.end())
        after = text[match.end(): after_end if after_end >= 0 else len(text)]
        spoken, rest = _spoken_lines(after)
        pieces.append(text[position:match.start()])
        if spoken:
            notes.append(f"'{spoken}' is dialogue: not read as a face; '{inside}' is.")
        pieces.append(f" {inside}. {rest}")
        position = match.end() + len(after)
    pieces.append(text[position:])
    return "".join(pieces)


_SENTENCE = re.compile(r"[^.!?…]+[.!?…]*\s*")
_ACTION_START = re.compile(r"^\s*(?:beat|pause|a beat|a moment)\b", re.IGNORECASE)


def _spoken_lines(after: str) -> tuple[str, str]:
    """(dialogue, the rest) of the words after a parenthetical: spoken sentences start with a capital letter or a
    quote and not with a third-person subject; the first sentence that is action ("His grin vanishes", "Beat")
    and everything after it is kept. "(grinning) leans back" (lower case) is action, not speech."""
    spoken: list[str] = []
    sentences = _SENTENCE.findall(after)
    for k, sentence in enumerate(sentences):
        words = sentence.strip()
        if not words:
            continue
        if not re.match(r"[\"“'‘A-Z]", words) or _THIRD_PERSON.match(words) or _ACTION_START.match(words):
            return " ".join(spoken), "".join(sentences[k:])
        spoken.append(words)
    return " ".join(spoken), ""
