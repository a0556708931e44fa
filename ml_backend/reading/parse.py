"""Read one step's words into face items: named parts with their actions, and whole-expression words.

"a slightly open mouth and very wide eyes" -> [mouth open (slight), eyes wide (very)];
"a smile with worried eyebrows" -> [smile (whole), worried brows (part)];
"she tries not to laugh" -> [laugh, suppressed]. Each item keeps its own intensity word, side,
negation ("not smiling", "no longer angry", "without a smile"), suppression ("tries not to
laugh") or removal ("her smile fades"). Counting the words understood gives the step's
face-relevance, which drives refusal and the raw confidence. Pure Python on a few dozen words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from ..knowledge.action_units import au_vector
from ..knowledge.face_parts import (ACTIONS, GAZE_DIRECTIONS, GAZE_VERBS, NOUN_ACTIONS, PART_LEVEL_CHANNELS,
                                    PART_SHIFT_CHANNELS, REGION_NOUNS)
from ..naming.arkit import INDEX
from ..knowledge.vocabulary import VocabEntry, vocabulary
from .shorthand import extract as extract_shorthand
from .tokens import EXPRESSION_VERBS, FUNCTION_WORDS, NEGATING_PAIRS, NEGATORS, REMOVERS, is_latin_word, person_names, stem, words

# Intensity words as levels: hint < slight < moderate < plain (the word's own strength) < very < extremely.
HINT, SLIGHT, MODERATE, VERY, EXTREME = 0.25, 0.42, 0.6, 0.92, 1.0
QUITE = 0.84  # "quite angry": between the word's own strength and "very"; from here up a level never weakens a word
MODIFIERS: tuple[tuple[str, float], ...] = (
    ("ever so slightly", SLIGHT), ("a hint of", HINT), ("hint of", HINT), ("the ghost of", HINT), ("ghost of", HINT),
    ("a trace of", HINT), ("trace of", HINT), ("a flicker of", HINT), ("flicker of", HINT), ("a touch of", SLIGHT),
    ("touch of", SLIGHT), ("a glimmer of", HINT), ("the faintest", HINT), ("faintest", HINT), ("barely", HINT),
    ("faint", HINT), ("faintly", HINT), ("tiny", HINT), ("almost", HINT), ("nearly", HINT), ("very slight", HINT),
    ("very slightly", HINT),
    ("a little", SLIGHT), ("a bit", SLIGHT), ("a tad", SLIGHT), ("slight", SLIGHT), ("slightly", SLIGHT),
    ("subtle", SLIGHT), ("subtly", SLIGHT), ("soft", SLIGHT), ("softly", SLIGHT), ("mild", SLIGHT),
    ("mildly", SLIGHT), ("gentle", SLIGHT), ("small", SLIGHT), ("little", SLIGHT), ("half", 0.5),
    ("somewhat", MODERATE), ("moderately", MODERATE), ("moderate", MODERATE), ("fairly", MODERATE),
    ("quite", QUITE), ("kind of", SLIGHT), ("sort of", SLIGHT), ("a little bit", SLIGHT),
    ("very", VERY), ("really", VERY), ("so", VERY), ("big", VERY), ("broad", VERY), ("strong", VERY),
    ("strongly", VERY), ("deep", VERY), ("deeply", VERY), ("intense", VERY), ("intensely", VERY), ("huge", VERY),
    ("wide", VERY), ("widely", VERY), ("hard", VERY), ("truly", VERY), ("clearly", VERY), ("visibly", VERY),
    ("openly", VERY), ("slammed", VERY), ("yanked", VERY), ("wrenched", VERY), ("fully", EXTREME), ("full", EXTREME),
    ("extremely", EXTREME), ("extreme", EXTREME), ("incredibly", EXTREME), ("utterly", EXTREME), ("totally", EXTREME),
    ("completely", EXTREME), ("absolutely", EXTREME), ("enormous", EXTREME), ("massive", EXTREME),
    ("maximum", EXTREME), ("as much as possible", EXTREME), ("insanely", EXTREME), ("wildly", EXTREME),
    ("tremendously", EXTREME), ("immensely", EXTREME), ("overwhelmingly", EXTREME), ("most", EXTREME),
    ("a smidge", HINT), ("a smidgen of", HINT), ("a hair", HINT), ("a shade", SLIGHT), ("a shade of", SLIGHT),
    ("a touch", SLIGHT), ("a crack", HINT), ("just a crack", HINT), ("a fraction", HINT), ("a sliver of", HINT),
    ("a whisper of", HINT), ("the merest", HINT), ("merest", HINT), ("the barest", HINT), ("barest", HINT),
    ("the slightest", HINT), ("slightest", HINT), ("very faint", HINT), ("very faintly", HINT), ("quietly", SLIGHT),
    ("lightly", SLIGHT), ("delicately", SLIGHT), ("a wee bit", SLIGHT), ("marginally", SLIGHT), ("partly", SLIGHT),
    ("partially", SLIGHT), ("vaguely", SLIGHT), ("faintish", HINT), ("reasonably", MODERATE), ("pretty", MODERATE),
    ("rather", MODERATE), ("noticeably", MODERATE), ("terribly", VERY), ("awfully", VERY), ("hugely", VERY),
    ("proper", VERY), ("massively", EXTREME), ("super", VERY), ("properly", VERY), ("thoroughly", EXTREME),
    ("profoundly", EXTREME), ("powerfully", VERY), ("all the way", EXTREME), ("as far as it goes", EXTREME),
    ("as far as they go", EXTREME), ("as far as they can go", EXTREME), ("as wide as they will go", EXTREME),
    ("as wide as they go", EXTREME), ("as wide as they can go", EXTREME), ("as wide as it will go", EXTREME),
    ("as wide as possible", EXTREME), ("as wide as she can", EXTREME), ("as wide as he can", EXTREME),
    ("to slits", EXTREME), ("into slits", EXTREME), ("as hard as possible", EXTREME), ("as hard as she can", EXTREME),
    ("as hard as he can", EXTREME), ("to the max", EXTREME), ("beyond words", EXTREME), ("out of her mind", EXTREME),
    ("out of his mind", EXTREME), ("uncontrollably", EXTREME), ("loudly", VERY),
    ("downright", VERY), ("extraordinarily", EXTREME), ("exceedingly", EXTREME),
    ("not quite", SLIGHT), ("not quite a", SLIGHT), ("wan", SLIGHT), ("wanly", SLIGHT), ("weakly", SLIGHT), ("feeble", SLIGHT), ("feebly", SLIGHT),
    ("a tinge of", HINT), ("tinge of", HINT), ("a twinge of", HINT), ("twinge of", HINT), ("a shadow of", HINT),
    ("shadow of", HINT), ("a wisp of", HINT), ("a fraction", HINT), ("a notch", SLIGHT),
    ("as they will go", EXTREME), ("as they can go", EXTREME), ("as it will go", EXTREME), ("as it can go", EXTREME),
    ("to hairline", EXTREME), ("into hairline", EXTREME), ("up into hairline", EXTREME), ("in hairline", EXTREME),
    ("to the max", EXTREME), ("max", EXTREME), ("maxed", EXTREME), ("maxed out", EXTREME),
    ("utter", EXTREME), ("total", EXTREME), ("sheer", EXTREME), ("pure", VERY), ("exaggerated", EXTREME),
    ("exaggeratedly", EXTREME), ("positively", EXTREME), ("gently", SLIGHT), ("hardly", HINT), ("scarcely", HINT), ("ever so faintly", HINT),
    ("ever so gently", SLIGHT), ("ever so lightly", SLIGHT), ("ever so little", HINT), ("fiercely", VERY),
    ("viciously", VERY), ("madly", VERY), ("heavily", VERY), ("to the floor", EXTREME), ("to bursting", EXTREME),
    ("fit to burst", EXTREME), ("with all her might", EXTREME),
    # similes of degree ("grinning like a maniac"): how much, not a thing the face is compared with
    ("like a maniac", EXTREME), ("like a madman", EXTREME), ("like a madwoman", EXTREME), ("like a lunatic", EXTREME),
    ("like crazy", EXTREME), ("like mad", EXTREME), ("like an idiot", VERY), ("like a fool", VERY),
    ("with all his might", EXTREME), ("a smidgen", HINT), ("smidgen", HINT), ("a shred of", HINT), ("shred of", HINT),
    ("to the core", EXTREME), ("to bits", EXTREME), ("ear splitting", EXTREME), ("bloodless", EXTREME),
    ("a quarter", HINT), ("quarter", HINT), ("three quarters", 0.75), ("three quarter", 0.75),
) + tuple((f"{feeling} {by}", EXTREME) for feeling in (
    # "sick with worry", "beside herself with joy": a state the feeling fills, at the top of its range
    "sick", "wild", "mad", "frantic", "beside herself", "beside himself", "beside themselves", "overcome",
    "overwhelmed", "consumed", "bursting", "shaking", "trembling", "quivering", "paralysed", "paralyzed", "frozen",
    "crazed", "delirious", "drunk", "blind", "rigid", "speechless", "incandescent", "wracked", "racked", "helpless",
    "gagging", "choking", "convulsed", "doubled up", "weak", "writhing", "howling", "reeling", "livid", "white")
    for by in ("with", "by")) + tuple(
    # "a glint of amusement", "a whiff of distaste", "a crack": a small measure of the feeling is a hint of it
    (f"{article}{measure}{of}", HINT) for measure in ("glint", "whiff", "spark", "breath", "speck", "sliver", "hair",
                                                       "crack", "dash", "pinch", "suggestion", "flash", "iota", "scrap",
                                                       "mite", "wisp", "tinge", "twinge", "shadow", "glimmer")
    for article in ("a ", "") for of in (" of",)) + (("a hair", HINT), ("a crack", HINT)) + tuple(
    # "the widest grin imaginable", "the biggest smile in the world": a superlative of size is the most the face does
    (word, EXTREME) for word in ("widest", "biggest", "broadest", "largest", "deepest", "hugest", "fullest",
                                 "imaginable", "in the world", "out of her wits", "out of his wits", "out of their wits",
                                 "out of her skin", "out of his skin")) + (("modest", SLIGHT), ("modestly", SLIGHT)) + tuple(
    # "as high as they go", "as wide as he possibly can": as far as the face goes
    (f"as {how} as {limit}", EXTREME) for how in ("high", "wide", "far", "hard", "much", "tight", "tightly", "big",
                                                  "low", "open", "widely", "strongly")
    for limit in ("possible", "they go", "it goes", "they will go", "it will go", "they can go", "it can go",
                  "they could go", "it could go", "she can", "he can", "they can", "she could", "he could",
                  "she possibly can", "he possibly can", "humanly possible", "ever", "can be"))
DEFAULT_STRENGTH = 0.75
_LEVEL_STEMS = frozenset(stem(w) for m, _ in MODIFIERS for w in m.split())
LEVEL_REACH = 3  # an intensity word grades an item at most this many words away; farther, it is not a face word
SIDE_WORDS = {"left": "left", "right": "right", "lopsided": "left", "crooked": "left", "one sided": "left",
              "one side": "left", "asymmetric": "left", "asymmetrical": "left", "l": "left", "r": "right",
              "lft": "left", "rt": "right", "one": "left", "single": "left"}
# Side words that only count right before a part ("one raised eyebrow", "L brow"): elsewhere they mean other things.
FORWARD_SIDES = frozenset({"one", "single", "l", "r", "lft", "rt"})
LETTER_SIDES = frozenset({"l", "r", "lft", "rt"})  # animator shorthand: before its part, or right after its item
NAMED_SIDES = frozenset({"left", "right"}) | LETTER_SIDES  # a side said outright: it replaces a guessed one
GUESSED_SIDES = frozenset(k for k in SIDE_WORDS if k.split()[0] not in NAMED_SIDES)  # "one", "lopsided": the left
DETERMINERS = frozenset("a an the her his their my your its our this that some any one's".split())
WHOLLY_AFTER = frozenset("down up back out open in through".split())  # "right" before these means all the way
DEFERRING = frozenset({"almost", "nearly"})  # "almost to his hairline": the level word after it counts
# An end state that "almost" falls just short of: "eyes almost shut" is nearly all the way, not a hint.
NEAR_FULL_STATES = frozenset({"shut", "closed", "clenched", "touching", "bursting", "popping", "vertical"})
SUPPRESSORS: tuple[str, ...] = (
    "try hard not to", "try not to", "try very hard not to", "struggle not to", "fight not to", "fight back",
    "suppress", "stifle", "hold back", "hold in", "bite back", "choke back", "swallow", "hide", "mask",
    "conceal", "keep back", "rein in", "keep in", "force down", "fight the urge to", "resist the urge to",
    "fight off", "resist", "bottle up", "swallow back", "push down", "keep a lid on", "smother", "muffle",
    "cover", "cover up", "disguise", "hold it in", "keep it in", "put away", "hidden", "quickly hidden",
    "force herself not to", "force himself not to", "will herself not to", "will himself not to",
    "contain", "keep a lid on", "keep down", "gulp back", "blink back", "fight down", "tamp down", "quash", "quell",
)
# Nouns of an expression: a whole-expression word right before one is its adjective ("a tired, lopsided smile").
HEAD_NOUNS = frozenset("smile grin smirk frown laugh look expression face scowl glare pout stare sneer grimace "
                       "gaze glance".split())
CONJUNCTIONS = frozenset({"and", "with", "while", "whilst", "but", "yet", "plus", "although", "though", "whereas"})


@dataclass
class Item:
    """One thing the step asks of the face: a named part's action, or a whole-expression word."""

    label: str
    weights: np.ndarray  # (52,) at full strength
    strength: float  # the word's own strength (the "plain" level)
    kind: str  # "part" (named part or action: overrides its regions) or "whole"
    start: int  # token span in the step (for attaching modifiers)
    end: int
    regions: frozenset[str] = frozenset()  # regions a named part claims, even at rest ("mouth closed")
    noun_regions: frozenset[str] = frozenset()  # the regions its noun names ("eyes": lids); what else it moves is a side effect
    weak: bool = False
    similarity: float | None = None  # set when matched by meaning, not by the words themselves
    level: float | None = None  # an intensity word attached to it
    level_word: str = ""
    exact: bool = False  # the level is a stated percentage: used as written, never raised to the word's own
    modifier: bool = False  # an adjective of the expression noun after it ("a tired smile"): the noun keeps its regions
    side: str = "both"
    side_guessed: bool = False  # the side is a guess ("one raised eyebrow": the left); a side named later wins
    negated: bool = False
    suppressed: bool = False
    removed: bool = False

    @property
    def intensity(self) -> float:
        """The strength to apply: the word's own, or its intensity word's ("quite", "very" never weaken a strong word)."""
        if self.level is None:
            return self.strength
        if self.exact:
            return self.level
        if self.level >= QUITE:
            return max(self.level, self.strength)
        return self.level

    def describe(self) -> str:
        """The item in words: "gentle smile", "eyes wide (very)", "smile (left)"."""
        side = f" ({self.side})" if self.side != "both" else ""
        if not self.level_word:
            return f"{self.label}{side}"
        if self.kind == "part":
            return f"{self.label} ({self.level_word}){side}"
        return f"{self.level_word} {self.label}{side}"


@dataclass
class StepWords:
    """What one step's words were read as."""

    items: list[Item] = field(default_factory=list)
    content: int = 0  # words that could carry meaning (function words excluded unless understood)
    understood: int = 0  # of those, understood as face words
    unknown: list[str] = field(default_factory=list)  # content words not understood, in order
    notes: list[str] = field(default_factory=list)
    bare_parts: list[tuple[frozenset[str], str]] = field(default_factory=list)  # (regions, side) named with no action
    holds_back: bool = False  # a suppression verb with only "it" after it ("then she hides it")
    bare_side: str | None = None  # the step names only a side ("then R")
    bare_level: tuple[float, str] | None = None  # the step names only a level ("-> 60%")

    @property
    def relevance(self) -> float:
        """Share of the step's content words that were understood as face words (0 when it has none)."""
        return self.understood / self.content if self.content else 0.0

    @property
    def strong(self) -> bool:
        return any(not i.weak for i in self.items)


def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text) if w not in DETERMINERS)


@lru_cache(maxsize=1)
def _vocab_index() -> dict[str, list[tuple[tuple[str, ...], VocabEntry]]]:
    index: dict[str, list[tuple[tuple[str, ...], VocabEntry]]] = {}
    for entry in vocabulary():
        key = _stems(entry.phrase)
        if key:
            index.setdefault(key[0], []).append((key, entry))
    for candidates in index.values():
        candidates.sort(key=lambda c: -len(c[0]))
    return index


@lru_cache(maxsize=1)
def _region_index() -> list[tuple[tuple[str, ...], tuple[str, ...], str]]:
    found = [(_stems(noun), regions, noun) for noun, regions in REGION_NOUNS.items()]
    return sorted(found, key=lambda f: -len(f[0]))


@lru_cache(maxsize=1)
def _action_index() -> dict[str, list[tuple[tuple[str, ...], str, str]]]:
    out: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    for region, phrases, aus, label in ACTIONS:
        for phrase in phrases:
            key = tuple(stem(w) for w in phrase.split())
            out.setdefault(region, []).append((key, aus, label))
    return out


@lru_cache(maxsize=1)
def _modifier_index() -> dict[str, list[tuple[int, tuple[str, ...], float, str]]]:
    """Intensity words by their first word, each with its rank (longest first, then as listed): a step's words look
    up only their own candidates, the same ones in the same order as a scan of the whole list would try."""
    index: dict[str, list[tuple[int, tuple[str, ...], float, str]]] = {}
    ranked = sorted(((tuple(m.split()), v, m) for m, v in MODIFIERS), key=lambda m: -len(m[0]))
    for rank, (words_, value, name) in enumerate(ranked):
        index.setdefault(words_[0], []).append((rank, words_, value, name))
    return index


def _modifier_candidates(low: list[str], i: int) -> list[tuple[int, tuple[str, ...], float, str]]:
    """The intensity words that may start at token ``i`` (directly, or after determiners ``_match_at`` skips)."""
    index = _modifier_index()
    j = i
    while j < len(low) and low[j] in DETERMINERS:
        j += 1
    found = index.get(low[i], [])
    if j != i and j < len(low):
        found = sorted(found + [c for c in index.get(low[j], []) if c[1][0] not in DETERMINERS])
    return found


@lru_cache(maxsize=1)
def _suppressor_index() -> list[tuple[str, ...]]:
    return sorted((tuple(stem(w) for w in s.split()) for s in SUPPRESSORS), key=lambda s: -len(s))


@lru_cache(maxsize=512)
def _au(aus: str) -> np.ndarray:
    vector = au_vector(aus.split()) if aus.split() else np.zeros(52, np.float32)
    vector.setflags(write=False)
    return vector


_GAZE_VERBS = frozenset(stem(v) for v in GAZE_VERBS)
_GAZE_DIRS = {stem(k): v for k, v in GAZE_DIRECTIONS.items()}
_SIDE_STEMS = frozenset(stem(w) for w in ("left", "right"))
_LETTER_SIDE_STEMS = frozenset(stem(w) for w in LETTER_SIDES)
_LID_GAZE_VERBS = frozenset({stem("squint")})  # a gaze verb that is also an action of the lids
_HORIZONTAL = np.array([n.startswith(("eyeLookIn", "eyeLookOut")) for n in INDEX])
_SIDES = sorted(((tuple(k.split()), v) for k, v in SIDE_WORDS.items()), key=lambda s: -len(s[0]))
_REMOVERS = REMOVERS | frozenset(stem(w) for w in ("died", "dying"))
# A verb of motion with "away", "off" or "out of" takes the expression before it away ("the sneer falls away",
# "the laughter died away", "the anger drained out of his face", "the grin dropped off his face").
_AWAY_VERBS = frozenset(stem(w) for w in (
    "fall", "falls", "fell", "falling", "die", "dies", "died", "dying", "drop", "drops", "dropped", "dropping",
    "go", "goes", "went", "going", "pass", "passes", "passed", "ebb", "ebbs", "ebbed", "drain", "drains", "drained",
    "seep", "seeps", "seeped", "slip", "slips", "slipped", "wear", "wears", "wore", "wash", "washes", "washed",
    "melt", "melts", "melted", "fade", "fades", "faded", "slide", "slides", "slid", "flow", "flows", "flowed",
    "float", "floats", "floated", "crumble", "crumbles", "crumbled", "peel", "peels", "peeled"))


def _away_words(low: list[str], i: int) -> int:
    """How many words after ``low[i]`` say "away" ("away", "off": 1; "out of": 2; otherwise 0)."""
    if low[i + 1:i + 2] in (["away"], ["off"]):
        return 1
    return 2 if low[i + 1:i + 3] == ["out", "of"] else 0


def _goes_away(low: list[str], st: list[str], i: int) -> bool:
    """True where a motion verb is followed by "away", "off" or "out of" (the expression before it leaves)."""
    return st[i] in _AWAY_VERBS and _away_words(low, i) > 0


# Adverbs that may sit inside an idiom without changing it ("her heart just broke", "the world had just ended").
FILLERS = frozenset({"just", "suddenly", "finally", "really", "truly", "actually", "almost", "nearly", "practically",
                     "virtually", "literally", "positively", "all", "but"}) | frozenset(
    stem(w) for w in ("quite", "ever", "fully", "entirely", "completely", "altogether", "always", "even"))
# ("a smile that never quite reaches the eyes" is the phrasing "smile that never reaches the eyes")


def _levels_per_side(items: list[Item], low: list[str], used: list[bool], understood: list[bool],
                     percents: list[tuple[int, float, str]]) -> list[tuple[int, float, str]]:
    """"smile L 60% R 20%": an item followed by a side and a level for each side becomes one item per side, each
    at its own level. Returns the percentages left for the other rules."""
    at = {position: (value, name) for position, value, name in percents}
    taken: set[int] = set()
    for item in list(items):
        pairs, j = [], item.end
        while j < len(low) and SIDE_WORDS.get(low[j]) and j in at and not used[j]:
            pairs.append((j, SIDE_WORDS[low[j]]))
            j += 1
        if len(pairs) < 2 or len({side for _, side in pairs}) < 2:
            continue
        for number, (position, side) in enumerate(pairs[:2]):
            value, name = at[position]
            target = item if number == 0 else replace(item, start=position, end=position + 1)
            target.side, target.level, target.level_word, target.exact = side, value, name, True
            if number:
                items.append(target)
            used[position] = understood[position] = True
            taken.add(position)
    return [p for p in percents if p[0] not in taken]


# FACS and anatomy say "the inner portion of the eyebrows", "the upper part of the lip": the part with its adjective.
_SUBPART_OF = re.compile(r"\b(?:the\s+)?(inner|outer|upper|lower|middle|central)\s+(?:parts?|portions?|corners?|"
                         r"halves|half|sides?|ends?|edges?|tips?|sections?)\s+of\s+(?:the|his|her|their|my|your|its)\s+"
                         r"(brows?|eyebrows?|lids?|eyelids?|lips?|cheeks?)\b", re.IGNORECASE)


_DIRECTION_WARD = re.compile(r"\b(up|down|in|out|back)wards?\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _state_simile() -> re.Pattern:
    """"(as) white as a sheet", "as black as night", "pale as death": a face state compared with a thing says the
    state, strongly; the thing only measures it (whatever it is: a sheet, the wall, note-paper, the tablecloth)."""
    from ..knowledge.face_changes import state_words

    states = "|".join(sorted(state_words(), key=len, reverse=True))
    return re.compile(r"\b(?:as\s+)?(" + states + r")\s+as\s+(?:(?:a|an|the|his|her|their|my|your|its|one's)\s+)?"
                      r"(?!if\b|though\b|she\b|he\b|they\b|it\b|i\b|we\b|you\b|before\b|ever\b|usual\b|always\b)"
                      r"[a-z]+(?:['’]s)?(?:[-\s]paper)?(?:\s+of\s+(?:a|an|the)\s+[a-z]+)?\b"
                      r"(?=\s*(?:[,.;:!?)—–-]|$)|\s+(?:and|but|behind|beside|before|in|on|with|at|when|while)\b)",
                      re.IGNORECASE)  # the compared thing ends its clause: "white as the page loaded" is no simile


def _match_at(seq: list[str], i: int, key: tuple[str, ...], usable,
              breaks: frozenset[int] | set[int] = frozenset()) -> int | None:
    """End index (exclusive) when ``key`` matches the usable tokens of ``seq`` from ``i`` (determiners skipped,
    and filler adverbs inside a phrase of several words). A phrase never reaches across a position in ``breaks``
    (the first token after a comma or semicolon: "brows raised, eyes wide" holds no "raised eyes")."""
    j, k = i, 0
    while k < len(key):
        while j < len(seq) and ((seq[j] in DETERMINERS and key[k] not in DETERMINERS)
                                or (k > 0 and seq[j] in FILLERS and key[k] not in FILLERS)):
            j += 1
            if k > 0 and j in breaks:
                return None
        if j >= len(seq) or not usable(j) or seq[j] != key[k] or (k > 0 and j in breaks):
            return None
        j += 1
        k += 1
    return j


_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)"
                      r"|(?<![\w.])(0?\.\d+|1\.0+)(?![\w.%])", re.IGNORECASE)  # "jaw 50%", "jaw 0.3"


_PART_COLON = re.compile(r"([A-Za-z]+)\s*:")  # "brows: inner up", "mouth: O shape" (animator notes)


def _names_part(word: str) -> bool:
    """True when one word names a part of the face ("brows", "lids", "mouth")."""
    key = (stem(word),)
    return any(nouns == key for nouns, _, _ in _region_index())


# An effort not to do something ("doing his best not to laugh", "making an effort not to smile", "straining not to
# giggle") is holding it back, said the way "try not to" says it; a bare "not to" ("decides not to smile") denies it.
_EFFORT_NOT_TO = re.compile(r"\b(?:(?:do|does|did|doing|try|tries|tried|trying)\s+(?:her|his|their|my|your|our)\s+"
                            r"(?:very\s+)?(?:best|utmost|hardest)|(?:make|makes|made|making)\s+(?:an|every|a\s+real)\s+effort|"
                            r"attempt(?:s|ed|ing)?|strain(?:s|ed|ing)?|labou?r(?:s|ed|ing)?|endeavou?r(?:s|ed|ing)?|"
                            r"work(?:s|ed|ing)?\s+hard|fight(?:s|ing)?\s+hard|fought\s+hard)\s+not\s+to\b", re.IGNORECASE)


def read_step_words(text: str) -> StepWords:
    """The face items of one step's words, and how much of it was understood."""
    text, codes = extract_shorthand(text)
    text = _EFFORT_NOT_TO.sub("try not to", text)  # "doing his best not to laugh" holds the laugh back
    text = _SUBPART_OF.sub(r"\1 \2", text)  # "the inner portion of the eyebrows" is the inner eyebrows
    text = _DIRECTION_WARD.sub(lambda m: m.group(1), text)  # "upwards" is "up", "downward" is "down"
    text = _state_simile().sub(lambda m: m.group(1), text)  # "white as a sheet" says "white"
    text = _PART_COLON.sub(lambda m: m.group(1) + (" " if _names_part(m.group(1)) else ":"), text)
    raw: list[str] = []
    breaks: list[int] = []  # token positions after a comma, semicolon or colon
    percents: list[tuple[int, float, str]] = []  # ("jaw open 50%") token position, level, words
    for segment in re.split(r"[,;:()\[\]]", re.sub(r"[-_/]", " ", text)):
        if raw:
            breaks.append(len(raw))
        last = 0
        for match in _PERCENT.finditer(segment):
            raw.extend(words(segment[last:match.start()]))
            value = float(match.group(1)) / 100.0 if match.group(1) else float(match.group(2))
            percents.append((max(len(raw) - 1, 0), min(max(value, 0.0), 1.0), match.group(0).strip()))
            last = match.end()
        raw.extend(words(segment[last:]))
    out = StepWords()
    if not raw:
        if len(percents) == 1:
            out.bare_level = (percents[0][1], percents[0][2])  # "smile 20% -> 60%": a step of a level only
        return out
    low = raw
    st = [stem(w) for w in raw]
    used = [False] * len(raw)
    understood = [False] * len(raw)
    free = lambda j: not used[j]  # noqa: E731 - a tiny predicate used by every matcher

    # 1. suppression ("tries hard not to laugh"), before "hard" can be read as an intensity word
    suppress_at: list[int] = []
    for i in range(len(raw)):
        if used[i]:
            continue
        for key in _suppressor_index():
            end = _match_at(st, i, key, free)
            if end is not None:
                failed = _failed_suppression(low, used, i)
                if failed is None:
                    suppress_at.append(end)
                for j in range(i if failed is None else failed, end):
                    used[j] = understood[j] = True  # "unable to hide his delight": the delight shows
                break
    items: list[Item] = []
    # 2. animator shorthand ("AU12", "mouthSmileLeft 0.6"): exact named parts
    for i, word in enumerate(raw):
        code = codes.get(word)
        if code is not None:
            items.append(Item(code.words, code.weights, DEFAULT_STRENGTH if code.level is None else code.level,
                              "part", i, i + 1, regions=code.regions, level=code.level, exact=code.level is not None,
                              side=code.side))
            used[i] = understood[i] = True
    # 2a. "falls away", "drained out of": kept from the vocabulary ("drained" is also a tired face); removal in 5
    away = [i for i in range(1, len(raw)) if not used[i] and _goes_away(low, st, i)]
    for i in away:
        for j in range(i, i + 1 + _away_words(low, i)):
            used[j] = True
    # 2b. vocabulary phrases of several words ("eyes like saucers", "green with envy")
    _vocabulary(st, used, understood, items, several=True, low=raw, breaks=frozenset(breaks))
    # 3. named parts: each region noun takes the nearest action word of its clause ("her eyes widen")
    bounds = sorted(set(_clause_bounds(low)) | set(breaks))
    nouns: list[tuple[int, int, tuple[str, ...], str]] = []
    for i in range(len(raw)):
        if used[i]:
            continue
        for key, regions, noun in _region_index():
            end = _match_at(st, i, key, free, frozenset(breaks))
            if end is not None:
                nouns.append((i, end, regions, noun))
                for j in range(i, end):
                    used[j] = understood[j] = True
                break
    bare: list[tuple[int, int, tuple[str, ...], str]] = []
    starts = [n[0] for n in nouns]
    for start, end, regions, noun in nouns:
        lo, hi = _clause_of(bounds, start)
        part = _part(st, used, understood, start, end, regions, lo, hi, noun)
        later = [b for b in bounds if b > hi] + [len(raw)]
        if part is None and hi < len(raw) and low[hi] == "and" and not any(hi <= k < later[0] for k in starts):
            part = _part(st, used, understood, start, end, regions, lo, later[0], noun)  # "eyes soft and half closed"
        if part is not None:
            items.append(part)
        else:
            bare.append((start, end, regions, noun))
    # 4. intensity words ("slightly", "a hint of"), then single-word vocabulary
    levels: list[tuple[int, float, str]] = []
    level_tokens: list[int] = []
    level_end: dict[int, int] = {}
    for i in range(len(raw)):
        if used[i]:
            continue
        if low[i] == "right" and i + 1 < len(low) and low[i + 1] in WHOLLY_AFTER and i > 0:
            levels.append((i, EXTREME, "right"))  # "corners pulled right down": all the way down
            level_end[i] = i + 1
            used[i] = understood[i] = True
            level_tokens.append(i)
            continue
        for _, key, value, name in _modifier_candidates(low, i):
            end = _match_at(low, i, key, free)
            if end is not None:
                levels.append((i, value, name))
                level_end[i] = end
                for j in range(i, end):
                    used[j] = understood[j] = True
                    level_tokens.append(j)
                break
    starts_at = {i for i, _, _ in levels}
    levels = [lv for lv in levels if not (lv[2] in DEFERRING and level_end[lv[0]] in starts_at)]
    levels = [(i, VERY, name) if name in DEFERRING and level_end[i] < len(low) and low[level_end[i]] in NEAR_FULL_STATES
              else (i, value, name) for i, value, name in levels]
    # 4a. gaze verbs with a direction ("peers down", "looks up at the sky"); a bare "eyes" with a direction is a
    # gaze ("eyes on the floor"), read before single words so that "floor" is where the eyes go, not "floored"
    bare_eyes = {start for start, _, _, noun in bare if noun == "eye"}
    _gaze(st, used, understood, items, bare_eyes, {n[0] for n in nouns}, frozenset(breaks))
    _vocabulary(st, used, understood, items, several=False, low=raw)
    # 5. a part with no action word takes the emotion word next to it, in that part only ("angry eyes")
    for start, end, regions, noun in bare:
        if any(it.start <= start < it.end for it in items):
            continue  # "eyes on the floor": the eyes became a gaze
        if _shorthand_part(items, low, used, understood, start, end, noun, [p for p, _, _ in percents]):
            continue
        side = SIDE_WORDS.get(low[start - 1], "both") if start else "both"
        shown = [it for it in items if it.kind == "whole" and it.end <= start and start - it.end <= SHOWN_ON_REACH]
        if _colour_part(items, start, end, regions, noun, bounds):
            if side != "both" and items[-1].side == "both":
                items[-1].side = side
        elif side != "both" and shown and shown[-1].side == "both":
            shown[-1].side = side  # "smiling with one corner of her mouth": where the expression shows
        else:
            out.bare_parts.append((frozenset(regions), side))

    items.sort(key=lambda it: it.start)
    _feeling_of_part(low, items)
    _single_brow(low, st, nouns, items)
    _negated_by_phrase(low, items)
    for a, b in zip(items, items[1:]):
        between = low[a.end:b.start]
        if (a.kind == b.kind == "whole" and len(between) <= 1 and all(w in ("and", "but", "yet") for w in between)
                and b.label.split()[-1] in HEAD_NOUNS and a.label.split()[-1] not in HEAD_NOUNS):
            a.modifier = True
    # 5. attach intensity words, sides, negation, suppression and removal to their items
    percents = _levels_per_side(items, low, used, understood, percents)
    for position, value, name in percents:  # a percentage names its part's level exactly ("smile at 30%")
        target = _nearest(items, position, bounds, prefer_after=False)
        if target is not None and target.level is None:
            target.level, target.level_word, target.exact = value, name, True
        elif target is None and out.bare_level is None:
            out.bare_level = (value, name)  # "smile 20% -> 60%": a step of a level only
    far: set[int] = set()
    for position, value, name in levels:
        target = _nearest(items, position, bounds, prefer_after=True)
        gap = target.start - level_end[position] if target is not None and target.start >= position else (
            position - target.end if target is not None else 0)
        if target is not None and gap > LEVEL_REACH:
            far.update(range(position, level_end[position]))  # "a pretty printed copy of the content"
            continue
        if target is not None and target.level is None:
            target.level, target.level_word = value, name
    _level_to_head(items)
    _level_through_with(low, items)
    for i in range(len(raw)):
        if used[i]:
            continue
        for key, side in _SIDES:
            end = _match_at(low, i, key, free)
            if end is None:
                continue
            following = [it for it in items if it.kind == "part"
                         and ((it.start == end and end not in breaks) or it.start <= i < it.end)]
            if key[0] in LETTER_SIDES and not following:  # "L smile": a letter before a whole expression too
                following = [it for it in items if it.start == end and end not in breaks]
            if key[0] in LETTER_SIDES and not following:
                following = [it for it in items if it.end == i or (it.end == i - 1 and low[i - 1] == "on")]
            if key[0] in FORWARD_SIDES and not following:
                if not items and key[0] in LETTER_SIDES:
                    out.bare_side = side  # "eyes L then R": a step of a side only
                    used[i] = understood[i] = True
                    break
                continue
            target = following[0] if following else _nearest(items, i, bounds, prefer_after=False)
            if target is not None and _gaze_only(target.weights) and key[0] in LETTER_SIDES | {"left", "right"}:
                target.weights = np.clip(target.weights + _au(GAZE_LETTERS[side[0]]), 0.0, 1.0)
                target.label = f"{target.label} {side}"  # "look down R": the eyes turn down and right
            elif target is not None and _moved_toward(low, i, target):
                target.weights = np.maximum(target.weights, _au(f"mouth{side.title()}:D"))
                target.label = f"{target.label} to the {side}"  # "lips puckered toward the left": the lips go there
            elif target is not None and (target.side == "both" or (target.side_guessed and key[0] in NAMED_SIDES)):
                target.side, target.side_guessed = side, key[0] in GUESSED_SIDES
            elif target is None and not items:
                out.bare_side = side  # "look left, then right": a step of a side only
            for j in range(i, end):
                used[j] = understood[j] = True
            break
    for i, word in enumerate(low):
        if used[i]:
            continue
        if word == "not" and i + 1 < len(low) and low[i + 1] in ("stop", "stops", "help") and not used[i + 1]:
            used[i] = understood[i] = used[i + 1] = understood[i + 1] = True  # "can't stop grinning": still grinning
        elif (word in NEGATORS or (word == "longer" and i and low[i - 1] == "no")
              or (i + 1 < len(low) and (word, low[i + 1]) in NEGATING_PAIRS and not used[i + 1])):
            target = _next_item(items, i) or next((it for it in items if it.start < i < it.end), None)
            if target is not None:  # "not smiling"; "her eyes are not smiling" (inside the part it negates)
                target.negated = True
                used[i] = understood[i] = True
                if i + 1 < len(low) and (word, low[i + 1]) in NEGATING_PAIRS:
                    used[i + 1] = understood[i + 1] = True
        elif st[i] in _REMOVERS:
            target = _previous_item(items, i)
            if target is not None:
                target.removed = True
                used[i] = understood[i] = True
    for i in away:
        target = _previous_item(items, i)
        if target is not None:
            target.removed = True
            for j in range(i, i + 1 + _away_words(low, i)):
                understood[j] = True
    for position in suppress_at:
        target = _next_item(items, position - 1)
        if target is not None:
            target.suppressed = True
        elif position >= len(low) or any(w in ("it", "that", "this", "them") for w in low[position:position + 2]):
            out.holds_back = True  # "before he masks it": what the step before showed, held back

    _comparison(low, understood, items)

    # 6. relevance: content words, understood or not (people's names are like pronouns: neither)
    names = person_names(text)
    clear = any(not it.weak for it in items)
    idle = far if items else set(level_tokens)  # "pretty", "rather" with no face near to grade: not face words
    for i, word in enumerate(low):
        if i in idle:
            continue
        if understood[i]:
            out.content += 1
            out.understood += 1
        elif clear and st[i] in EXPRESSION_VERBS:
            continue  # "a grin spread across his face": how the named face moves
        elif (word not in FUNCTION_WORDS and word not in names and st[i] not in FUNCTION_WORDS
              and word not in DETERMINERS and len(word) > 1
              and is_latin_word(word)):  # other scripts are not English words: neither for nor against
            out.content += 1
            out.unknown.append(word)
    stares = [i for i, w in enumerate(low) if w in _STARE_VERBS]
    if not items and len(stares) == 1 and all(w in _STARE_COMPANY for j, w in enumerate(low) if j != stares[0]):
        items.append(_stare_item(stares[0]))  # "and then he stares": a step that is only a stare
        out.unknown.clear()
        out.content = out.understood = 1
    out.items = items
    return out


TOWARD = frozenset({"to", "toward", "towards"})
_MOUTH_SHIFT = np.array([n in ("mouthLeft", "mouthRight") for n in INDEX])


def _moved_toward(low: list[str], i: int, target: Item) -> bool:
    """True when the side word at ``i`` says where the lips go ("lips puckered toward the left"): after "to" or
    "toward", of a lips or mouth part that does not already move the mouth sideways."""
    j = i - 1
    while j >= 0 and low[j] in DETERMINERS:
        j -= 1
    return (j >= 0 and low[j] in TOWARD and target.kind == "part" and "lips" in target.noun_regions
            and not bool((np.asarray(target.weights)[_MOUTH_SHIFT] > 0.02).any()))


def _level_to_head(items: list[Item]) -> None:
    """"a huge smug smirk": an intensity word before an expression's adjective grades the expression too."""
    for a, b in zip(items, items[1:]):
        if a.modifier and a.level is not None and b.level is None and b.start - a.end <= 1:
            b.level, b.level_word, b.exact = a.level, a.level_word, a.exact


def _level_through_with(low: list[str], items: list[Item]) -> None:
    """"sneering with utter contempt", "smiling with sheer delight": a strong degree of the feeling a face is made
    with grades that face too (a weak one does not: "smiling with a hint of sadness" is a plain smile)."""
    for a, b in zip(items, items[1:]):
        if (a.kind == b.kind == "whole" and a.level is None and b.level is not None and b.level >= QUITE
                and not b.exact and a.end < len(low) and low[a.end] == "with" and 0 < b.start - a.end <= 3):
            a.level, a.level_word = b.level, b.level_word


COMPARISON_TAIL = 3  # words of the compared thing in "as thin as a razor" (after its determiner)


def _comparison(low: list[str], understood: list[bool], items: list[Item]) -> None:
    """"a smile as thin as a razor", "eyes as round as saucers": a simile that qualifies a face word just before it
    is understood with it (the adjective and the compared thing), not counted as words the reader missed.
    "as cold as ice", "mad as a wet hen": a simile whose adjective is the face word itself says it is meant as a
    face (a weak word is no longer weak) and strongly; "as" alone ("sour as vinegar") counts for a clear face word,
    or for a weak one when the compared thing evokes a feeling ("cold as ice")."""
    _simile_of_word(low, understood, items)
    for i in range(1, len(low) - 2):
        if low[i] != "as" or low[i + 2] != "as" or not any(it.end <= i and i - it.end <= 1 for it in items):
            continue
        understood[i] = understood[i + 1] = understood[i + 2] = True
        j, taken = i + 3, 0
        while j < len(low) and taken < COMPARISON_TAIL and low[j] not in CONJUNCTIONS:
            understood[j] = True
            taken += low[j] not in DETERMINERS
            j += 1


_STARE_VERBS = frozenset(("stare", "stares", "staring", "stared", "gaze", "gazes", "gazing", "gazed"))  # words, not stems ("star")
_STARE_COMPANY = frozenset("he she they i we you it and then just simply only at him her them me us".split())


def _stare_item(position: int) -> Item:
    """The vocabulary's stare, for a step that says only that the face stares."""
    entry = next(e for e in vocabulary() if e.label == "stare")
    return Item("stare", entry.weights, entry.strength, "whole", position, position + 1, weak=True)


def _clause_bounds(low: list[str]) -> list[int]:
    """Token positions where a clause starts (after "and", "with", "while"...)."""
    starts = [0]
    for i, word in enumerate(low):
        if word in CONJUNCTIONS and i > 0:
            starts.append(i)
        elif (word == "as" and i + 1 < len(low) and low[i + 1] not in ("if", "though", "much", "well")
              and not (i + 2 < len(low) and low[i + 2] == "as") and not (i >= 2 and low[i - 2] == "as")):
            starts.append(i)  # "as she turns" starts a clause; "as big as" compares within one
    return starts


def _clause_of(bounds: list[int], position: int) -> tuple[int, int]:
    lo = max(b for b in bounds if b <= position)
    later = [b for b in bounds if b > position]
    return lo, (later[0] if later else 10**9)


FAILING = frozenset({"not", "never", "unable", "fail", "fails", "failed", "failing", "barely", "hardly", "scarcely",
                     "cannot"})  # "barely containing her rage", "a smile she can't quite suppress": it shows
SUPPRESSION_LOOKBACK = 3


def _failed_suppression(low: list[str], used: list[bool], at: int) -> int | None:
    """Where a word that makes the holding back fail starts, within a few words before the suppressing verb at
    ``at`` ("unable to hide", "can't quite suppress", "barely containing"); None when the holding back holds."""
    for j in range(at - 1, max(at - 1 - SUPPRESSION_LOOKBACK, -1), -1):
        if used[j]:
            return None
        if low[j] in FAILING:
            return j
    return None


def _participle_of_noun(entry: VocabEntry, word: str, key: tuple[str, ...], after_determiner: bool) -> bool:
    """True when a one-word "-ed"/"-ing" phrasing met a noun that is its bare stem ("his dog" is not "dogged", "a kid"
    not "kidding", "the floor" not "floored"): the stemmer joins them, the meanings differ. A bare stem that is not
    after a determiner may be the verb itself ("then doubt", "pucker")."""
    phrase = entry.phrase
    return (len(key) == 1 and " " not in phrase and phrase.endswith(("ed", "ing", "edly", "ingly"))
            and not word.endswith(("ed", "ing")) and word == key[0] and after_determiner)


def _vocabulary(st, used, understood, items, several: bool, low: list[str] | None = None,
                breaks: frozenset[int] | set[int] = frozenset()) -> None:
    """Vocabulary phrases, longest first: of two words or more (``several``, never across a comma: ``breaks``),
    or of one word."""
    index = _vocab_index()
    free = lambda j: not used[j]  # noqa: E731
    i = 0
    while i < len(st):
        if used[i]:
            i += 1
            continue
        step = 1
        for key, entry in index.get(st[i], ()):
            if (len(key) >= 2) != several or (low is not None and _participle_of_noun(entry, low[i], key, i > 0 and low[i - 1] in DETERMINERS)):
                continue
            end = _match_at(st, i, key, free, breaks)
            if end is not None:
                kind = "part" if entry.action else "whole"
                label = entry.phrase if len(entry.phrase.split()) <= 2 else entry.label
                items.append(Item(label, entry.weights, entry.strength, kind, i, end, regions=entry.claims,
                                  weak=entry.weak))
                for j in range(i, end):
                    used[j] = understood[j] = True
                step = end - i
                break
        i += step


_WHERE = frozenset(stem(w) for w in ("down", "up", "back", "left", "right", "forward", "apart", "sideways", "aside",
                                      "away", "upward", "downward"))


SHOWN_ON_REACH = 3  # "smiling with one corner": a sided part noun this close after an expression sides it
LONGER_ACTION = 4  # at one distance, an action of more words wins over a shorter one of a region tried first
_HEAD_STEMS = frozenset(stem(w) for w in HEAD_NOUNS)


def _names_an_expression(st: list[str], i: int, key: tuple[str, ...]) -> bool:
    """True when an action word before a part is the noun of an expression ("a soft smile that reaches his eyes":
    the smile is the face's, not what the eyes do)."""
    if key[0] not in _HEAD_STEMS:
        return False
    while i < len(st) and st[i] in DETERMINERS:
        i += 1  # the match may start at a skipped determiner ("a smile")
    j = i - 1
    while j >= 0 and st[j] in _LEVEL_STEMS and st[j] not in DETERMINERS:
        j -= 1
    return j >= 0 and st[j] in DETERMINERS


def _part(st, used, understood, start, end, regions, lo, hi, noun: str = "") -> Item | None:
    """The named part at tokens [start, end): its nearest action word in the same clause.

    A part with actions of its own ("chin raised", "inner brows up") uses those first; an action word followed at
    once by another of the same region ("tug down", "pull back") takes the second, which says where.
    """
    actions = _action_index()
    best: tuple[int, int, int, str, str, str] | None = None  # distance, s, e, aus, label, region
    order = ("jaw", "lips", "corners") if "jaw" in regions and "lips" in regions else regions
    free = lambda j: not used[j]  # noqa: E731
    own = NOUN_ACTIONS.get(noun, ())
    candidates = [(0, regions[0], key, aus, label) for words_, aus, label in own
                  for key in (tuple(stem(w) for w in phrase.split()) for phrase in words_)]
    candidates += [(rank + 1, region, key, aus, label) for rank, region in enumerate(order)
                   for key, aus, label in actions.get(region, ())]
    for rank, region, key, aus, label in candidates:
        for i in range(max(lo, 0), min(hi, len(st))):
            e = _match_at(st, i, key, free)
            if e is None or e > hi:
                continue
            distance = (start - e) if e <= start else (i - end)
            if distance < 0 or (e <= start and _names_an_expression(st, i, key)):
                continue
            score = distance * 10 + rank - LONGER_ACTION * (len(key) - 1)  # "curled up": corners up, not a lip curl
            if best is None or score < best[0]:
                best = (score, i, e, aus, label, region)
    if best is None:
        return None
    _, s, e, aus, label, region = best
    for key, aus2, label2 in actions.get(region, ()):
        if key[0] not in _WHERE:
            continue
        e2 = _match_at(st, e, key, free) if e < min(hi, len(st)) else None
        if e2 is not None and e2 <= hi and aus2 and aus2 != aus:
            e, aus, label = e2, aus2, label2  # "the corners tug down": down says where
            break
    for j in range(s, e):
        used[j] = understood[j] = True
    claimed = frozenset({region}) if aus else frozenset(regions)
    return Item(label, _au(aus), DEFAULT_STRENGTH, "part", min(s, start), max(e, end), regions=claimed,
                noun_regions=frozenset(regions))


def _channels(names: tuple[str, ...] | list[str]) -> np.ndarray:
    vector = np.zeros(len(INDEX), np.float32)
    for name in names:
        vector[INDEX[name]] = 1.0
    return vector


def _shorthand_part(items, low, used, understood, start, end, noun, level_at) -> bool:
    """A part named with only a level or a side letter ("jaw 0.3", "lids 50%", "mouth L"): its main channels
    at that level, or the part shifted to that side. False when the part has neither."""
    from ..knowledge.face_parts import CHANNEL_REGION

    last = noun.split()[-1]
    key = last if last in PART_LEVEL_CHANNELS else stem(last)  # "nose" as written: its stem "nos" names nothing
    side = SIDE_WORDS.get(low[end]) if end < len(low) and not used[end] and low[end] in LETTER_SIDES else None
    if side and (key, side) in PART_SHIFT_CHANNELS:
        weights = _channels(PART_SHIFT_CHANNELS[(key, side)])
        used[end] = understood[end] = True
        label = f"{noun} {side}"
    elif end - 1 in level_at and key in PART_LEVEL_CHANNELS:
        weights = _channels(PART_LEVEL_CHANNELS[key])
        label = noun
    else:
        return False
    regions = frozenset(CHANNEL_REGION[i] for i in np.flatnonzero(weights))
    items.append(Item(label, weights, DEFAULT_STRENGTH, "part", start, end + (1 if side else 0), regions=regions))
    return True


def _colour_part(items, start, end, regions, noun, bounds) -> bool:
    """Restrict the whole-expression word next to a bare part noun to that part's regions (False: none there)."""
    from ..knowledge.face_parts import CHANNEL_REGION

    lo, hi = _clause_of(bounds, start)
    named = frozenset(regions)
    for item in items:
        near = item.end == start or item.start == end or abs(item.end - start) <= 1
        if item.kind == "whole" and lo <= item.start < hi and near:
            if "lips" in regions:  # "a smile on her lips": the lips' corners carry it
                regions = (*regions, "corners")
            if "lids" in regions:  # "worried eyes", "angry eyes": the brows above them carry it too
                regions = (*regions, "brows")
            mask = np.array([r in regions for r in CHANNEL_REGION], dtype=np.float32)
            items.remove(item)
            items.append(Item(f"{item.label} {noun}", item.weights * mask, item.strength, "part",
                              min(item.start, start), max(item.end, end), regions=frozenset(regions),
                              noun_regions=named))
            return True
    return False


def _gaze(st, used, understood, items, free_nouns: frozenset[int] | set[int] = frozenset(),
          noun_starts: frozenset[int] | set[int] = frozenset(), breaks: frozenset[int] = frozenset()) -> None:
    """Gaze items: a gaze verb (or a bare "eyes", positions ``free_nouns``) with a direction word after it. A side
    word right before a part noun (``noun_starts``) is that part's side ("squinting with the right eye"); one after
    an up or down gaze in the same part is its second direction ("gaze drifting up to the right")."""
    for i, s in enumerate(st):
        if s not in _GAZE_VERBS or (used[i] and i not in free_nouns):
            continue
        for j in range(i + 1, min(len(st), i + 7)):
            if st[j] in _LETTER_SIDE_STEMS and s in _LID_GAZE_VERBS:
                break  # "squint L 40": a side letter after a squint is the squint's side, not a glance left
            if _direction(st, j, i) and not used[j] and not (st[j] in _SIDE_STEMS and j + 1 in noun_starts):
                ends = [j] + [k for k in (j + 1,) if k < len(st) and not used[k] and _direction(st, k, j)
                              and _direction(st, k, j)[:2] != _direction(st, j, i)[:2]]
                codes = " ".join(_direction(st, k, k - 1) for k in ends)
                for k in [i, *ends]:
                    used[k] = understood[k] = True
                label = " ".join(GAZE_LABELS.get(_direction(st, k, k - 1)[:2], "away") for k in ends)
                items.append(Item(f"looking {label}", _au(codes), 0.8, "part", i, ends[-1] + 1,
                                  regions=frozenset({"gaze"})))
                break
    # gaze targets right after a gaze item count as understood ("looks up at the sky")
    for item in items:
        if item.regions == frozenset({"gaze"}) or item.label.startswith("look"):
            for j in range(item.end, min(len(st), item.end + 4)):
                if j in breaks:
                    break
                if st[j] in _GAZE_DIRS:
                    if (st[j] in _SIDE_STEMS and not used[j] and _gaze_only(item.weights)
                            and not bool((np.asarray(item.weights)[_HORIZONTAL] > 0.02).any())):
                        item.weights = np.clip(item.weights + _au(_GAZE_DIRS[st[j]]), 0.0, 1.0)
                        item.label = f"{item.label} {GAZE_LABELS[_GAZE_DIRS[st[j]][:2]]}"
                    used[j] = understood[j] = True


GAZE_LABELS = {"63": "up", "64": "down", "61": "left", "62": "right"}
GAZE_LETTERS = {"l": "61D", "r": "62D"}  # "eyes L", "look down R": a side letter right after a gaze word is a direction


_GAZE_CHANNELS = np.array([n.startswith("eyeLook") for n in INDEX])


def _gaze_only(weights: np.ndarray) -> bool:
    """True when the weights move only the eyeballs (a gaze item)."""
    moved = np.asarray(weights) > 0.02
    return bool(moved.any()) and not bool((moved & ~_GAZE_CHANNELS).any())


def _direction(st: list[str], j: int, after: int) -> str:
    """The gaze AU of token ``j`` (a direction word, or a side letter right after token ``after``); "" if none."""
    if st[j] in _GAZE_DIRS:
        return _GAZE_DIRS[st[j]]
    return GAZE_LETTERS.get(st[j], "") if j == after + 1 else ""


def _nearest(items: list[Item], position: int, bounds: list[int], prefer_after: bool) -> Item | None:
    holding = [it for it in items if it.start <= position < it.end]
    if holding:
        return holding[0]
    lo, hi = _clause_of(bounds, position)
    same = [it for it in items if lo <= it.start < hi or lo < it.end <= hi]
    pool = same or items
    after = [it for it in pool if it.start >= position]
    before = [it for it in pool if it.end <= position]
    if prefer_after and after:
        return min(after, key=lambda it: it.start - position)
    if before:
        return min(before, key=lambda it: position - it.end)
    return min(after, key=lambda it: it.start - position) if after else None


def _next_item(items: list[Item], position: int) -> Item | None:
    after = [it for it in items if it.start > position and it.start - position <= 6]
    return min(after, key=lambda it: it.start) if after else None


def _previous_item(items: list[Item], position: int) -> Item | None:
    before = [it for it in items if it.end <= position and position - it.end <= 3]
    return max(before, key=lambda it: it.end) if before else None


def names_a_part(text: str) -> bool:
    """True when the words name a part of the face and no whole expression ("right brow raised")."""
    read = read_step_words(text)
    return bool(read.items) and all(it.kind == "part" for it in read.items)


FEELING_LINKS = frozenset({"in", "with"})  # "brows knit in worry", "eyes wide with fear"


def _feeling_of_part(low: list[str], items: list[Item]) -> None:
    """"brows knit in worry", "eyes wide with fear": the feeling named right after a part's action shapes that part
    too (its channels in the part's regions join the action's); the feeling keeps the rest of the face."""
    for part in [it for it in items if it.kind == "part" and not it.similarity]:
        if part.end >= len(low) or low[part.end] not in FEELING_LINKS:
            continue
        feeling = next((it for it in items if it.kind == "whole" and it.start == part.end + 1), None)
        if feeling is None:
            continue
        from ..knowledge.face_parts import CHANNEL_REGION

        regions = set(part.regions) | set(part.noun_regions)
        mask = np.array([r in regions for r in CHANNEL_REGION], dtype=np.float32)
        part.weights = np.maximum(np.asarray(part.weights, np.float32), np.asarray(feeling.weights) * mask)
        part.label = f"{part.label} ({low[part.end]} {feeling.label})"


SINGLE_BROW_VERBS = frozenset({"rais", "arch", "cock", "lift", "quirk", "hike"})


def _single_brow(low: list[str], st: list[str], nouns, items: list[Item]) -> None:
    """"he raised an eyebrow", "arched a brow": one brow named in the singular with "a"/"an" is one side (the left;
    the words leave it open). "a furrowed brow" stays both: "brow" alone is often the forehead."""
    for first, end, _, _ in nouns:
        start = next((j for j in range(first, end) if low[j] not in DETERMINERS), first)  # "an eyebrow": the noun
        word = low[start]
        before = low[max(start - 2, 0):start]
        if word == "eyebrow" and ("an" in before or "a" in before):
            pass
        elif word == "brow" and start >= 2 and low[start - 1] == "a" and st[start - 2] in SINGLE_BROW_VERBS:
            pass
        else:
            continue
        for item in items:
            if item.kind == "part" and item.start <= start < item.end and item.side == "both":
                item.side, item.side_guessed = "left", True


def _negated_by_phrase(low: list[str], items: list[Item]) -> None:
    """"not a flicker of surprise", "no trace of fear": a negating neutral phrase negates the feeling it names."""
    for item in items:
        if item.label != "neutral" or low[item.start] not in ("not", "no", "without", "never"):
            continue
        after = next((it for it in items if it.start >= item.end), None)
        if after is not None and all(w == "of" or w in DETERMINERS for w in low[item.end:after.start]):
            after.negated = True


NOT_A_SIMILE = frozenset({"if", "though", "well", "much", "soon", "long", "far", "she", "he", "they", "it", "i", "we",
                          "you", "to", "for", "in", "of", "usual", "ever", "always", "before"})  # "happy as she left"


def _simile_of_word(low: list[str], understood: list[bool], items: list[Item]) -> None:
    """"(as) cold as ice", "mad as a wet hen": the face word compared with a thing (see ``_comparison``)."""
    from ..knowledge.associations import evoked

    for item in items:
        at = item.end
        if item.kind != "whole" or item.end - item.start != 1 or at + 1 >= len(low) or low[at] != "as":
            continue
        doubled = item.start >= 1 and low[item.start - 1] == "as"
        if low[at + 1] in NOT_A_SIMILE:
            continue
        j, taken = at + 1, 0
        while j < len(low) and taken < COMPARISON_TAIL and low[j] not in CONJUNCTIONS:
            taken += low[j] not in DETERMINERS
            j += 1
        tail = low[at + 1:j]
        if item.weak and not doubled and evoked(tail)[0] is None:
            continue  # "a blank value as a string": not a simile
        for k in range(item.start - (1 if doubled else 0), j):
            understood[k] = True
        if doubled or evoked(tail)[0] is not None:
            item.weak = False
            if item.level is None:
                item.level, item.level_word = VERY, "very"
