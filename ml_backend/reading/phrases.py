"""Split an instruction into the phrases of its steps, and read intensity, speed and timing words.

Used by every instruction reader: "a faint smile that slowly turns into open-mouthed surprise,
then back to neutral" -> ["a faint smile", "slowly open-mouthed surprise", "neutral"].
Timing words ("over 2 seconds", "for 12 frames", "hold it for a second", "twice") are read into a
``Timing`` and removed from the words the expression is matched on; a part that holds only timing
words ("hold it for a second") belongs to the step before it (or, at the start, to the one after).
Frame counts stay frames here: only the scheduler knows the frame rate.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable

from ..errors import BadInstructionError
from ..knowledge.face_parts import REGION_NOUNS
from ..plan import TimeAmount, Timing
from .clauses import in_order

MAX_CHARS = 400

_TRANSITION_VERBS = (
    r"turn(?:s|ing|ed)?|chang(?:e|es|ing|ed)|shift(?:s|ing|ed)?|melt(?:s|ing|ed)?|fad(?:e|es|ing|ed)|"
    r"break(?:s|ing)?|broke|burst(?:s|ing)?|collaps(?:e|es|ing|ed)|soften(?:s|ing|ed)?|dissolv(?:e|es|ing|ed)|"
    r"harden(?:s|ing|ed)?|morph(?:s|ing|ed)?|slid(?:e|es|ing)?|crumbl(?:e|es|ing|ed)|twist(?:s|ing|ed)?|"
    r"curdl(?:e|es|ing|ed)|blossom(?:s|ing|ed)?|warm(?:s|ing|ed)?|cool(?:s|ing|ed)?|sink(?:s|ing)?|sank|"
    r"settl(?:e|es|ing|ed)|transform(?:s|ing|ed)?|grow(?:s|ing|n)?|grew|goes|going|went|darken(?:s|ing|ed)?|"
    r"tighten(?:s|ing|ed)?|spread(?:s|ing)?|widen(?:s|ing|ed)?|erupt(?:s|ing|ed)?|explod(?:e|es|ing|ed)|"
    r"flip(?:s|ping|ped)?|switch(?:es|ing|ed)?|ripen(?:s|ing|ed)?|relax(?:es|ing|ed)?|drift(?:s|ing|ed)?|"
    r"slip(?:s|ping|ped)?|resolv(?:e|es|ing|ed)|deepen(?:s|ing|ed)?|escalat(?:e|es|ing|ed)|build(?:s|ing)?|"
    r"evolv(?:e|es|ing|ed)|mov(?:e|es|ing|ed)|cut(?:s|ting)?|snap(?:s|ping|ped)?|jump(?:s|ing|ed)?|pop(?:s|ping|ped)?|"
    r"flick(?:s|ing|ed)?|sour(?:s|ing|ed)?|curl(?:s|ing|ed)?\s+up|giv(?:e|es|ing)\s+way|gave\s+way|mak(?:e|es|ing)\s+way|made\s+way"
)
# A shape a part takes ("narrowed into slits", "the lips disappear into a thin line", "brows drawn into a knot") is
# that part's face, not a face to turn into; closing into one ("his mouth opens, then closes into a tight line") is a
# change of the part's state, a step.
_INTO_SHAPE = ("(?:" + "".join(rf"(?<=\b{verb}\sinto)|" for verb in ("close", "closes", "closed", "closing", "shut", "shuts"))
               + r"(?!\s+(?:a\s+)?(?:(?:thin|tight|hard|grim|straight|firm|flat|narrow|bloodless|stern|pale|white|single|"
               r"small|little|deep)\s+)*(?:slits?|lines?|knots?|furrows?)\b))")
# Any other verb form followed by "into" ("cracks into", "tips over into", "blooms into") is a transition too,
# except looking and moving into things ("stares into space", "walks into the room" is not a face anyway).
_ANY_INTO = (r"(?!(?:look|stare|gaz|peer|glanc|walk|run|ran|step|bump|crash|press|squeez|pull|drawn|draw|set|fix|lock|well|"
             r"scrunch|screw|bunch|knot|purs|pinch|clamp|tuck|fold|roll|curl|shape|form|bit|chomp|munch|sunk)\w*\s)"
             r"[a-z]+(?:s|ed|ing)"
             r"(?:\s+(?:over|back|up|down|away))?\s+into(?!\s+(?:place|position|view|focus)\b)" + _INTO_SHAPE)
# A bare "into" is a transition ("shock into laughter"), not after a gaze ("looks into his eyes") or a bite ("as if
# he'd bitten into a crab apple").
_INTO = "".join(rf"(?<!\b{verb}\s)" for verb in ("look", "looks", "looked", "stare", "stares", "stared", "gaze", "gazes",
                                                   "gazed", "peer", "peers", "peered", "glance", "glances", "glanced",
                                                   "came", "come", "comes", "welled", "sprang", "back", "bit", "bite",
                                                   "bites", "bitten", "biting", "sunk", "looking", "staring", "gazing",
                                                   "peering", "coming"))
_INTO += r"into(?!\s+(?:place|position|view|focus)\b)" + _INTO_SHAPE
_SPEED = r"slowly|gradually|quickly|suddenly|abruptly|rapidly|instantly|immediately|eventually"
# A face part that changes "into" a shape is one face, not two steps ("her mouth hardened into a thin line", "his eyes
# narrowed to slits"); an expression that turns into another is two ("her smile hardened into a grimace"). A whole
# face that "breaks into a grin" names no face before the grin, so it stays a transition (its first part is skipped).
_AFTER_PART = "".join(rf"(?<!\b{noun}\s)" for noun in ("mouth", "lips", "lip", "eyes", "eye", "jaw", "brow", "brows",
                                                      "eyebrows", "cheeks", "chin", "forehead", "gaze", "nose",
                                                      "nostrils"))
# "her face became grave", "his features became rigid": the face itself becomes a state, one face; "her smile became
# a grimace" is two.
_FACE_BECOMES = "".join(rf"(?<!\b{noun}\s)" for noun in ("face", "features", "expression", "countenance", "visage"))
_CONNECTIVES = (
    rf"{_AFTER_PART}(?:that\s+|which\s+|and\s+)?(?:(?:{_SPEED})\s+)?(?:{_TRANSITION_VERBS})(?:\s+(?:{_SPEED}))?\s+(?:in)?to",
    rf"{_AFTER_PART}(?:that\s+|which\s+|and\s+)?{_ANY_INTO}",
    r"(?:but\s+|and\s+)?end(?:s|ed|ing)?\s+up(?:\s+(?:in|with|as))?", r"(?:but\s+|and\s+)?end(?:s|ed|ing)?\s+with",
    r"(?:but\s+|and\s+)?(?:end(?:s|ed|ing)?|finish(?:es|ed|ing)?)\s+(?:as|on|in|with)",
    r"(?:but\s+|and\s+)?(?:clos(?:e|es|ing)|land(?:s|ing)?|wrap(?:s|ping)?\s+up)\s+(?:with|on)",
    r"(?:which\s+|that\s+)?(?:is\s+|was\s+|gets\s+|got\s+|be\s+)?(?:soon\s+|quickly\s+|slowly\s+|then\s+|suddenly\s+)?"
    r"replaced\s+by",
    r"followed(?:\s*,[^,]{1,40},)?(?:\s+(?:closely|quickly|soon|shortly|immediately|swiftly|slowly|suddenly))?\s+by",
    r"but\s+(?:soon|then|later|eventually|before\s+long)",
    # ", but the grin vanished": "but" before a clause that ends the expression is a step boundary
    r"but(?=\s+(?:[\w'’]+\s+){0,3}(?:fad|vanish|disappear|falter|slip|drain|crack|harden|sour|die[sd]?\b|gone\b|melt|"
    r"crumbl|waver))", r"(?:and\s+)?(?:by|at|in)\s+(?:the\s+)?end(?:\s+of\s+(?:it|the\s+\w+))?",
    r"(?:and\s+)?in\s+(?:its|her|his|their)\s+place(?:\s+(?:came|comes|was|is|appeared|appears))?",
    r"and then", r"then", r"(?<!\bwas\s)(?<!\bwere\s)(?<!\bis\s)(?<!\bare\s)becoming", rf"{_FACE_BECOMES}(?:becomes|become|became)", r"followed by", r"after that", r"afterwards",
    r"next(?!\s+to)", r"later", r"before", r"until", r"till", r"only to", r"eventually", r"at last", _INTO, r"->", r"→",
    r"and finally", r"finally", r";",
)
# Arrows and list marks between steps: "->", "→", "=>", "-->", ">", " / ", " -- ", "—".
_MARKS = r"-+>|=+>|→|⟶|⇒|➔|;|\s>\s|\s/\s|\s-{1,}\s|\s[—–]\s|—"
_SPLIT = re.compile(r"(\s*(?:,\s*)?\b(?:" + "|".join(_CONNECTIVES) + r")\b\s*|\s*(?:" + _MARKS + r")\s*|\s*,\s*)",
                    re.IGNORECASE)
# Numbered beats: "1. neutral 2. surprise", "(1) yawn (2) blink", "beat 2: jaw drops", "step three: ...".
_NUMBERED = re.compile(
    r"(?:^|(?<=\s))(?:\(\d{1,2}\)|\d{1,2}[.)](?=\s+[^\d\s])|(?:beat|step|shot|pose|key)\s+(?:\d{1,2}|one|two|three|four|"
    r"five|six|seven|eight|nine|ten)\s*[:.)-])\s*", re.IGNORECASE)
# Lettered beats, when there are at least two of them: "a) smile b) frown c) neutral".
_LETTERED = re.compile(r"(?:^|(?<=\s))(?:\([a-h]\)|[a-h]\))(?=\s+\S)\s*", re.IGNORECASE)
_FROM_TO = re.compile(
    r"^\s*(?:(?:make|let|have|get|see|watch)\s+(?:him|her|them|it|me|us|the\s+\w+)\s+)?"  # "make her go from X to Y"
    r"(?:(?:she|he|they|it|(?:her|his|their|the)\s+face)\s+)?"
    r"(?:(?:go|goes|going|went|move|moves|moving|shift|shifts|shifting|change|changes|changing|turn|turns|"
    r"transition|transitions|transitioning)\s+)?from\s+(.+?)\s+to\s+(.+)$", re.IGNORECASE)
# A step that only says the expression before it ends ("then it's gone", "and it passes"): a return to neutral.
_GONE = re.compile(r"(?:and\s+)?(?:(?:it|that|this)(?:'s|’s|\s+is|\s+was)?\s+)?(?:(?:all\s+)?gone|over|"
                   r"passes|passed|vanishes|vanished|disappears|disappeared|subsides|subsided|"
                   r"(?:fades|faded|fading|dies|died|dying|melts|melting|drains|draining|ebbs|ebbing|vanishing|disappearing)"
                   r"(?:\s+(?:away|down|off))?|"
                   r"(?:let\s+it\s+|lets\s+it\s+)?(?:die|fade|ebb)\s+(?:away|down|off))"
                   # "then not", "now he was not", "then doesn't", "it doesn't hold": what was there ends
                   r"|(?:the|her|his|their|its)\s+[a-z]+\s+(?:is|was|has|had)\s+(?:been\s+)?(?:gone|over)"
                   # "only to stop himself": the face is held back, gone
                   r"|(?:and\s+)?(?:then\s+)?(?:stops?|stopped)\s+"
                   r"(?:himself|herself|themselves|itself|myself|yourself)"
                   r"|(?:and\s+|but\s+)?(?:now\s+|then\s+)?(?:(?:she|he|they|it|i|you)\s+)?(?:(?:is|was|are|were|does|did|do)"
                   r"(?:\s+not|n[’']t)|not|doesn[’']t|don[’']t|didn[’']t|isn[’']t|wasn[’']t|no\s+longer|not\s+any\s+more)"
                   r"(?:\s+(?:hold|last|stay|stick|any\s+more|anymore))?", re.IGNORECASE)
_SPEED_IN_CONNECTIVE = re.compile(
    rf"\b(?:that\s+|which\s+|and\s+)?({_SPEED})\s+(?:{_TRANSITION_VERBS})\s+(?:in)?to\b", re.IGNORECASE,
)
# Screenplay beats and pauses ("(beat)", "after a beat", "a moment later"): a step boundary with a short hold.
_BEAT = re.compile(r"\(\s*(?:beat|pause|a beat|a moment)\s*\)|\b(?:after|following)\s+a\s+(?:beat|moment|pause)\b"
                   r"|\b(?:a|one|two|a\s+few|several)\s+(?:beats?|moments?|seconds?|heartbeats?)\s+later\b"
                   r"|^\s*beat\b[.:]?|(?<=[.!?])\s*beat\s*[.:]"
                   r"|(?:(?<=[.!?])|^)\s*(?:a|one)?\s*(?:long\s+|short\s+)?(?:beat|pause|moment|silence)\s*[.!…]+"
                   r"|(?:(?<=, )|(?<=then ))a\s+(?:beat|moment|heartbeat)(?=\s*(?:,|;|then\b|$))", re.IGNORECASE)
# A sentence end (not a decimal point, nor the point of a title before a name: "MRS. CHEVELEY smiles") is a step
# boundary.
_SENTENCE_END = re.compile(r"(?<!\b[Mm][Rr][Ss])(?<!\b[Mm][RrSs])(?<!\b[Dd][Rr])(?<=[^\d\s.])[.!?…]+(?=\s|$)"
                           r"|(?<=\d)[.!?…]+(?=\s+[A-Z]|$)")
_BACK = re.compile(r"\b(?:and\s+)?(?:back(?:\s+to\s+(?:neutral|normal|rest|a neutral face|a relaxed face))?|return(?:s|ing)?\s+to\s+(?:neutral|normal|rest))\b", re.IGNORECASE)

# A return to rest led by a settling verb ("relax back to neutral", "settles back", "comes back to rest").
_SETTLE_BACK = re.compile(r"(?:and\s+)?(?:relax(?:es|ing)?|settl(?:e|es|ing)|go(?:es)?|com(?:e|es|ing)|drift(?:s|ing)?|"
                          r"eas(?:e|es|ing)|fall(?:s|ing)?|return(?:s|ing)?)\s+(?:back|to\s+(?:neutral|normal|rest))"
                          r"(?:\s+to\s+(?:neutral|normal|rest|a neutral face|a relaxed face))?", re.IGNORECASE)
# A return to rest in other words: "relax everything", "relax the face", "back at the camera", "eyes front".
_REST = re.compile(r"(?:and\s+)?(?:relax(?:es|ing)?\s+(?:everything|it\s+all|all|the\s+(?:whole\s+)?face)|"
                   r"(?:everything|it\s+all|(?:her|his|their|my|your|the)\s+(?:whole\s+)?face)\s+"
                   r"(?:relax(?:es|ed)?|settles|settled|(?:goes|went|is|was|stays|stayed|remains|remained)\s+"
                   r"(?:blank|still|expressionless|empty|neutral))|"
                   r"(?:look(?:s|ing)?\s+)?(?:back\s+)?(?:at|into|to)\s+(?:the\s+)?(?:camera|lens|cent(?:er|re)|front))",
                   re.IGNORECASE)
# "after a long frown, she smiles": the clause after "after" comes first.
_AFTER_CLAUSE = re.compile(r"^\s*after\s+(?P<first>[^,;]+?),\s*(?P<then>.+)$", re.IGNORECASE)
# "from a smile, through a frown, to neutral": the states between "from" and "to".
_THROUGH = re.compile(r"\s*,?\s*\b(?:through|via|by\s+way\s+of)\b\s*", re.IGNORECASE)
# Order words at a step's end ("calm again", "calm in the end", "neutral afterwards") say when, not what.
_AGAIN = re.compile(r"\s+(?:(?:once\s+)?again|(?:in|at)\s+the\s+end|afterwards?|at\s+last|at\s+first|"
                    r"(?<!\ba\s)(?<!\bone\s)(?<!\bthe\s)(?:first|second|third|last))$", re.IGNORECASE)
# Order words and openers at a step's start ("first,", "in beginning", "open with", "start on") say when, not what.
_LEADING_ORDER = re.compile(r"^(?:(?:and|then|so)\s+)?(?:at\s+first|first(?:ly)?|in\s+(?:the\s+)?beginning|"
                            r"at\s+the\s+(?:start|beginning)|(?:open|start|begin|lead|kick\s+off)(?:s|ing|ed)?\s+"
                            r"(?:with|on|off\s+with|out(?:\s+with)?)|second(?:ly)?|third(?:ly)?|last(?:ly)?)\s*,?\s+(?=\S)",
                            re.IGNORECASE)
# A subject before a return to rest ("he calms down", "her face goes blank" is _REST's).
_SUBJECT = re.compile(r"^(?:(?:and|then)\s+)?(?:she|he|they|it|i)(?:'s|’s|\s+is|\s+was)?\s+", re.IGNORECASE)
# "Part: what it does" sentences ("eyes: squint. mouth: smile.") describe one face part by part, not steps.
_PART_LABEL = re.compile(r"^\s*(?:(?:the|her|his|their)\s+)?(?:left\s+|right\s+|both\s+)?(?:"
                         + "|".join(sorted((re.escape(n) for n in REGION_NOUNS), key=len, reverse=True))
                         + r")s?\s*:\s*(?P<what>[^:.;!?]+?)\s*$", re.IGNORECASE)
# An object pronoun between a verb and "into" ("drop them into a scowl"): the transition's subject, not a step.
_VERB_IT_INTO = re.compile(r"\b(?!(?:look|stare|gaze|peer|glance)\w*\s)[a-z]+\s+(?:them|it)\s+(?=into\b)", re.IGNORECASE)
# "neutral to smile to laugh": three or more short states chained by "to".
_CHAIN_TO = re.compile(r"\s+to\s+(?!(?:the|his|her|their|one|a|an)\s+(?:left|right|side)\b)", re.IGNORECASE)
_CHAIN_STOP = re.compile(r"\b(?:back|close|next|up|down|due|according|listen\w*|talk\w*|look\w*|turn\w*|tries|try|"
                         r"trying|want\w*|going|has|have|had|need\w*|about)$", re.IGNORECASE)
MAX_CHAIN_WORDS = 3

INTENSITY_WORDS: tuple[tuple[str, float], ...] = (
    (r"a hint of|hint of|a trace of|barely|faint(?:ly)?|a tiny|tiny|very slight(?:ly)?", 0.3),
    (r"slight(?:ly)?|a little|a bit|subtle|subtly|soft(?:ly)?|mild(?:ly)?|gentle|gently|small", 0.45),
    (r"moderate(?:ly)?|somewhat|medium", 0.65),
    (r"very|big|broad|wide|strong(?:ly)?|deep(?:ly)?|intense(?:ly)?|huge|really", 0.95),
    (r"extreme(?:ly)?|maximum|full(?:y)?|totally|completely|as much as possible", 1.0),
)
SPEED_WORDS: tuple[tuple[str, float], ...] = (
    (r"very slowly|extremely slowly|very gradually", 0.35),
    (r"slowly|slow|gradually|gently|lazily|little by little", 0.55),
    (r"quickly|quick|fast|rapidly|briskly", 1.7),
    (r"suddenly|sudden|abruptly|in a flash|instantly|all of a sudden|sharply|without (?:any )?warning|out of nowhere|"
     r"all at once|in an instant", 2.5),
)
DEFAULT_INTENSITY = 0.85
_NEUTRAL_WORDS = {"neutral", "calm", "calm again", "straight ahead", "look straight ahead", "looks straight ahead",
                  "look ahead", "eyes front", "look forward", "go blank", "goes blank", "back", "back to neutral", "and back", "rest", "relax", "relaxed", "relaxes",
                  "release", "releases", "and release", "drop it", "drops it", "let it go", "lets it go", "let go",
                  "a neutral face", "neutral face", "normal", "calm down", "blank", "expressionless",
                  "let it drop", "lets it drop", "let it fall", "lets it fall", "let it fade", "lets it fade",
                  "drop it", "let it go", "release it", "releases it", "reset", "resets", "reset to neutral",
                  "out", "and out", "ease out", "blend out", "calms down", "calmed down"}

# --- timing words -------------------------------------------------------------------------------
_NUMBER_WORDS = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0,
                 "seven": 7.0, "eight": 8.0, "nine": 9.0, "ten": 10.0, "eleven": 11.0, "twelve": 12.0,
                 "fifteen": 15.0, "twenty": 20.0, "thirty": 30.0, "half a": 0.5, "half an": 0.5,
                 "a couple of": 2.0, "a couple": 2.0, "a few": 3.0, "several": 4.0}
_UNIT_SECONDS = {"ms": 0.001, "millisecond": 0.001, "s": 1.0, "sec": 1.0, "second": 1.0, "beat": 0.4,
                 "min": 60.0, "minute": 60.0, "h": 3600.0, "hr": 3600.0, "hour": 3600.0}
_NUMBER = r"[-−]?\d+(?:\.\d+)?|" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
_UNIT = r"milliseconds?|ms|seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h|frames?|fr|f|beats?"
_AMOUNT = (r"(?:about |around |roughly |exactly |just |only )?"
           r"(?:(?P<vague>a split second|a long moment|a moment|a long beat|a beat|a second and a half|a long while|a while|a heartbeat)"
           rf"|(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT}))\b")
_VAGUE_SECONDS = {"a split second": 0.15, "a moment": 0.5, "a long moment": 1.0, "a beat": 0.4, "a long beat": 0.8,
                  "a second and a half": 1.5, "a while": 2.0, "a heartbeat": 0.4, "a long while": 3.0}
_HOLD = re.compile(
    r"\b(?:and\s+)?(?:hold(?:s|ing)?|keep(?:s|ing)?|stay(?:s|ing)?|pause(?:s|ing)?|freez(?:e|es|ing))\b"
    r"(?!\s+(?:back|in|down|it\s+together|together|(?:her|his|their|my|your|a)\s+breath|breath|on\s+to)\b)"
    # "holding back a smile" is suppression, "holding it together" and "holds her breath" are faces: not holds
    r"(?:\s+(?:it|that|this|there|still|the (?:pose|expression|face|look)))?"
    rf"(?:\s+(?:for\s+)?{_AMOUNT})?", re.IGNORECASE)
_ONSET = re.compile(rf"\b(?:over|in|within|taking|across|during)\s+{_AMOUNT}", re.IGNORECASE)
_DELAY = re.compile(rf"\s*\b(?:after|within)\s+{_AMOUNT}", re.IGNORECASE)  # "fading after a second"
_SPAN = re.compile(rf"\b(?:for|lasting)\s+{_AMOUNT}", re.IGNORECASE)
_REPEAT = re.compile(r"\b(?:(?P<word>once|twice|thrice)|(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+times)\b"
                     r"|(?<=\w\s)[x×](?P<xn>\d{1,2})\b|(?<=\w\s)(?P<nx>\d{1,2})[x×](?![\w.])",  # "blink x2", "nod 2x"
                     re.IGNORECASE)
_MOMENTARY_VERB = re.compile(r"\b(?:blink(?:s|ing)?|wink(?:s|ing)?)\b", re.IGNORECASE)
_MOMENTARY_WORDS = re.compile(r"\b(?:briefly|momentarily|for an instant)\b|\ba flash of\b", re.IGNORECASE)
_FILLER = re.compile(r"^(?:and|then|it|that|this|so|a|an|the|with|to|,|\.|!|\s)*$", re.IGNORECASE)
_TRAILING_LINK = re.compile(r"(?:\s+(?:and|then|,))+\s*$", re.IGNORECASE)
MAX_REPEAT = 10
MAX_STEPS = 64  # steps a repeated sequence may grow to ("smile, frown, x50" stops here)
# A bare beat or pause between two steps ("frown, beat, smile", "-- a beat --"): a hold, not a step.
_BEAT_PART = re.compile(r"(?:and\s+)?(?:then\s+)?(?:a\s+|one\s+)?(?:long\s+|short\s+|brief\s+)?(?:beat|pause|moment)s?",
                        re.IGNORECASE)
# "do it all again", "and again", "repeat the whole thing", "once more": the steps so far, again.
_REPEAT_ALL = re.compile(
    r"(?:and\s+)?(?:then\s+)?(?:(?:do|play|run)\s+(?:it|that|this|them|the\s+whole\s+thing|everything|the\s+lot)"
    r"(?:\s+all)?(?:\s+over)?\s+again|(?:all\s+)?over\s+again|again|once\s+more|one\s+more\s+time|same\s+again|"
    r"repeat(?:s|ed)?(?:\s+(?:it|that|this|them|the\s+whole\s+thing|everything|it\s+all|the\s+(?:sequence|cycle|lot)))?"
    r"(?:\s+(?P<count>twice|thrice|\d+\s+times|two\s+times|three\s+times))?)", re.IGNORECASE)
# "switch to R side", "now the left side", "same on the right": the step before, on the side named.
_SIDE_SWITCH = re.compile(r"(?:and\s+)?(?:then\s+)?(?:now\s+)?(?:(?:(?:switch|swap|change)(?:es|ing|ed|s)?\s+(?:to\s+|over\s+to\s+)?|"
                          r"(?:the\s+)?same\s+(?:on|for|with)\s+|do\s+)(?:the\s+)?(?P<side>l|r|left|right)"
                          r"(?:\s+(?:side|one))?|(?:the\s+)?(?P<letter>l|r|left|right)\s+(?:side|one))"
                          r"(?:\s+(?:too|as\s+well))?", re.IGNORECASE)
# A count on its own after a sequence ("smile, then frown, x2"): the whole sequence that many times.
_LONE_COUNT = re.compile(r"(?:and\s+)?(?:[x×]\s?(?P<xn>\d{1,2})|(?P<nx>\d{1,2})\s?[x×]|(?P<word>twice|thrice)|"
                         r"(?P<n>\d{1,2}|two|three|four|five)\s+times)(?:\s+over)?", re.IGNORECASE)
# "her face lights up, then falls": a step with a verb and no subject acts on the part named the step before.
_NAMED_SUBJECT = re.compile(r"^(?:(?:and|then)\s+)?(?P<subject>(?:her|his|their|its|the)\s+(?:face|expression|eyes|brows|"
                            r"eyebrows|mouth|lips|jaw|cheeks|nose|features|gaze))\b", re.IGNORECASE)
_BARE_VERB = re.compile(r"^(?:and\s+)?(?:then\s+)?(?!(?:her|his|their|its|the|this|that|eyes|brows|lips|cheeks|tears|"
                        r"smiles|grins|frowns|laughs|giggles|sobs|sighs|sneers|scowls|winces|yawns|gasps|groans|screams|cries|"
                        r"tears|chuckles|snickers|pouts|smirks|glares|beams)\b)[a-z]+s(?:\s+(?:up|down|away|again|apart|shut|open|wide|together))?$",
                        re.IGNORECASE)
# "then the grin drops", "smile off": an expression named before goes away (not "her jaw drops", a face).
_EXPRESSION_ENDS = re.compile(
    r"(?:(?:the|her|his|their|that|this|a)\s+)?(?P<what>smile|grin|smirk|frown|scowl|sneer|laugh|laughter|pout|glare|"
    r"(?!(?:look|glance|stare|gaze|peer|turn|head|eye|brow|lid|jaw|mouth|lip|tongue|cheek|nose)\w*\b)[a-z]+)\s+(?:(?:drops|dropped|falls|fell|slips|slipped|goes|went|disappears|disappeared|vanishes|vanished|"
    r"evaporates|evaporated|stops|stopped|ceases|ceased)(?:\s+(?:away|off))?|off|out|away|gone)", re.IGNORECASE)
_EXPRESSION_NOUNS = {"smile", "grin", "smirk", "frown", "scowl", "sneer", "laugh", "laughter", "pout", "glare"}
_SIDE_WORDS = re.compile(r"\b(?:on\s+the\s+)?(?:l|r|left|right)(?:\s+side)?\b", re.IGNORECASE)
# Words that only restate a step's face ("the frown", "he's smiling", "make the smile"), not a new face.
_RESTATE_MARKS = {"the", "his", "her", "their", "its", "is", "are", "was", "were", "still", "he's", "she's", "they're",
                  "it's"}
_RESTATE_FILLER = _RESTATE_MARKS | {"he", "she", "they", "it", "be", "being", "now", "make", "makes", "let", "lets",
                                    "have", "has", "get", "keep", "keeps", "that", "this", "and", "then", "so", "a", "an"}


@dataclass(frozen=True)
class Phrase:
    """One step's words, with the intensity, speed and timing read from them."""

    text: str  # the phrase, intensity/speed/timing words removed
    original: str  # the phrase as written, timing words included
    intensity: float | None
    speed: float | None
    is_neutral_return: bool = False
    timing: Timing = field(default_factory=Timing)
    wording: str = ""  # the phrase without its timing words, intensity words kept (for readers that read intensity)


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


@lru_cache(maxsize=None)
def _compiled(words: tuple[tuple[str, float], ...]) -> tuple[tuple[re.Pattern, float], ...]:
    return tuple((re.compile(r"\b(?:" + pattern + r")\b", re.IGNORECASE), value) for pattern, value in words)


def _pick(words: tuple[tuple[str, float], ...], text: str) -> tuple[float | None, str]:
    for regex, value in _compiled(words):
        if regex.search(text):
            return value, re.sub(r"\s+", " ", regex.sub(" ", text)).strip()
    return None, text


def _amount(match: re.Match) -> TimeAmount | None:
    """The TimeAmount of an _AMOUNT match (None when it names no amount)."""
    words = match.group(0).strip()
    if match.group("vague"):
        return TimeAmount(_VAGUE_SECONDS[match.group("vague").lower()], "s", words)
    if not match.group("num"):
        return None
    number = match.group("num").lower().replace("−", "-")
    value = _NUMBER_WORDS[number] if number in _NUMBER_WORDS else float(number)
    unit = match.group("unit").lower()
    if unit in ("f", "fr") or unit.startswith("frame"):
        return TimeAmount(value, "frames", words)
    stem = unit.rstrip("s") if unit not in ("s", "ms") else unit
    return TimeAmount(value * _UNIT_SECONDS.get(stem, 1.0), "s", words)


def _repeat_count(match: re.Match) -> int:
    word = (match.group("word") or "").lower()
    if word:
        return {"once": 1, "twice": 2, "thrice": 3}[word]
    if match.group("xn") or match.group("nx"):
        return int(match.group("xn") or match.group("nx"))
    n = match.group("n").lower()
    return int(n) if n.isdigit() else int(_NUMBER_WORDS[n])


@lru_cache(maxsize=4096)
def read_timing(text: str) -> tuple[Timing, str]:
    """The timing words of a step's text, and the text without them.

    Contradictions ("in 1 second over 5 seconds") keep the first amount and say so in ``notes``.
    """
    notes: list[str] = []
    rest = text
    hold: TimeAmount | None = None
    hold_stated = False
    for match in _HOLD.finditer(rest):
        hold_stated = True
        amount = _amount(match)
        if amount is not None and hold is None:
            hold = amount
        elif amount is not None:
            notes.append(f"'{hold.words}' and '{amount.words}' both say how long to hold; I used {hold.words}.")
    rest = _HOLD.sub(" ", rest)
    onsets = [a for a in (_amount(m) for m in _ONSET.finditer(rest)) if a is not None]
    rest = _ONSET.sub(" ", rest)
    spans = [a for a in (_amount(m) for m in _SPAN.finditer(rest)) if a is not None]
    rest = _SPAN.sub(" ", rest)
    for kind, found in (("move", onsets), ("step", spans)):
        if len(found) > 1:
            others = ", ".join(f"'{a.words}'" for a in found[1:])
            notes.append(f"'{found[0].words}' and {others} contradict each other for one {kind}; I used '{found[0].words}'.")
    repeats = [_repeat_count(m) for m in _REPEAT.finditer(rest)]
    rest = _REPEAT.sub(" ", rest)
    repeat = repeats[0] if repeats else 1
    if repeat < 1:
        notes.append("A step repeated zero times was done once.")
        repeat = 1
    if repeat > MAX_REPEAT:
        notes.append(f"{repeat} repeats is more than a clip can show; I made it {MAX_REPEAT}.")
        repeat = MAX_REPEAT
    momentary = bool(_MOMENTARY_VERB.search(rest) or _MOMENTARY_WORDS.search(rest))
    rest = _MOMENTARY_WORDS.sub(" ", rest)
    speed, rest = _pick(SPEED_WORDS, rest)
    rest = _TRAILING_LINK.sub("", re.sub(r"\s+", " ", rest)).strip(" ,.!")
    timing = Timing(speed=speed, onset=onsets[0] if onsets else None, span=spans[0] if spans else None, hold=hold,
                    hold_stated=hold_stated, repeat=repeat, momentary=momentary, notes=tuple(notes))
    return timing, rest


def is_timing_only(text: str) -> bool:
    """True when a part of an instruction says only when or how long ("hold it for a second", "slowly")."""
    timing, rest = read_timing(text)
    said_something = (timing.speed is not None or timing.onset or timing.span or timing.hold_stated
                      or timing.repeat != 1 or timing.notes)
    return bool(said_something) and bool(_FILLER.fullmatch(rest))


# A step where the face holds still or settles ("he goes quiet", "says nothing", "Marcus freezes", "his face
# cleared", "recovered", "stopped", "for a heartbeat, nothing"): a held, neutral face, not words to skip.
_STILL = re.compile(r"(?:(?:and|but|then|just)\s+)*(?:(?:she|he|they|i|you|it|[A-Z][a-z]+|(?:her|his|their|the)\s+(?:face|"
                    r"expression|features))\s+)?(?:(?:goes|go|went|going|fell|falls|grew|grows|becomes|became|is|was|"
                    r"stays?|stayed|keeps?|kept)\s+(?:very\s+|quite\s+|completely\s+|utterly\s+|totally\s+)?(?:quiet|"
                    r"silent|still|motionless)|(?:says|said|say|saying)\s+nothing|(?:freezes|froze|freeze|frozen|freezing)|"
                    r"(?:clears|cleared|clearing)|(?:recovers|recovered|composes\s+(?:himself|herself|themselves)|composed|"
                    r"stops|stopped)|nothing(?:\s+at\s+all)?|(?:stony\s+)?silence)(?:\s+for\s+(?:a\s+)?(?:long\s+|little\s+)?(?:while|time|"
                    r"moment|beat|heartbeat|second))?", re.IGNORECASE)


_LONE_SUBJECT = re.compile(r"she|he|they|i|you", re.IGNORECASE)
_NAME_FREEZES = re.compile(r"[A-Z][a-z]+\s+(?:freezes|froze)\b")


def read_phrase(text: str) -> Phrase:
    """Intensity, speed and timing words of one step, and the words left for the expression."""
    timing, rest = read_timing(text.strip(" .!,"))
    rest = _LEADING_ORDER.sub("", rest)
    plain = _AGAIN.sub("", _DELAY.sub("", rest))
    subjectless = _SUBJECT.sub("", plain)
    said = text.strip(" .!,")
    if timing.hold_stated and (_LONE_SUBJECT.fullmatch(plain.strip(" .!,")) or _NAME_FREEZES.match(said)):
        said = "freezes"  # "He freezes", "Marcus freezes, hold for a beat": a subject held still, a neutral face
    if any(_BACK.fullmatch(p) or _SETTLE_BACK.fullmatch(p) or p.lower() in _NEUTRAL_WORDS or _GONE.fullmatch(p)
           or _REST.fullmatch(p) or _STILL.fullmatch(p) for p in {plain, subjectless, said} if p):
        return Phrase(text="neutral", original=text, intensity=None, speed=timing.speed, is_neutral_return=True,
                      timing=timing, wording=rest)
    wording = rest
    intensity, rest = _pick(INTENSITY_WORDS, rest)
    rest = re.sub(r"^(?:and|a|an|the|with|then|to)\s+", "", rest, flags=re.IGNORECASE).strip(" .!,")
    return Phrase(text=rest or text.strip(" .!,"), original=text, intensity=intensity, speed=timing.speed, timing=timing,
                  wording=wording or text.strip(" .!,"))


def _attach_timing_parts(parts: list[str]) -> list[str]:
    """Join parts that hold only timing words to the step they time (the previous one, or the next at the start)."""
    joined: list[str] = []
    pending = ""
    for part in parts:
        if is_timing_only(part):
            if joined:
                joined[-1] = f"{joined[-1]}, {part}"
            else:
                pending = f"{pending} {part}".strip()
            continue
        joined.append(f"{pending} {part}".strip() if pending else part)
        pending = ""
    if pending and joined:
        joined[-1] = f"{joined[-1]}, {pending}"
    return joined


# A comparison after a comma ("as if not understanding", "as though seeking shelter", "like a man distracted") tells
# what the face before it looks like: it is never a step of its own.
_FIGURE_START = re.compile(r"(?:(?:and|but)\s+)?(?:as\s+if|as\s+though|like\s+(?:a|an|one|some|that\s+of|those\s+of)\b)",
                           re.IGNORECASE)


# A sentence that describes one face part by part across ";" ("Her brows came together; her mouth set hard", "his eyes
# narrowed; his lips thinned"): each side opens with an owned face part, and the parts differ.
_OWNED_PART = re.compile(r"^(?:his|her|their|its|the|my|your|[A-Z][^\W\d_]*['’]s)\s+(?:[a-z‐-]+\s+)?(mouth|lips?|eyes?|jaw|"
                         r"brows?|eyebrows?|cheeks?|chin|forehead|gaze|nose|nostrils?|face|features|lids|eyelids)\b",
                         re.IGNORECASE)


def _parts_of_one_face(before: str, part: str) -> bool:
    """True when two clauses either side of ";" each describe another owned part of the face."""
    first, second = _OWNED_PART.match(before.strip()), _OWNED_PART.match(part.strip())
    return bool(first and second) and first.group(1).lower().rstrip("s") != second.group(1).lower().rstrip("s")


def _join_simultaneous(pieces: list[str], simultaneous: Callable[[str, str], bool] | None) -> list[str]:
    """Parts from ``_SPLIT.split`` (text, delimiter, text, ...), comma-joined parts that happen together merged.

    Only parts separated by bare commas can be one step: "then, quite suddenly, she laughed" keeps its "then"
    even though a comma comes last. A comparison after a bare comma always belongs to the part before. A return to rest after a face ("puff, release") is a step of its own. Two owned face parts either side of ";" are one face.
    """
    parts: list[str] = []
    bare_comma, semicolon = True, False
    for k, piece in enumerate(pieces):
        if k % 2:
            bare_comma = bare_comma and (piece or "").strip() == ","
            semicolon = (piece or "").strip() == ";"
            continue
        part = (piece or "").strip()
        if not part.strip(" .!,"):
            continue
        if parts and semicolon and simultaneous is not None and _parts_of_one_face(parts[-1], part):
            parts[-1] = f"{parts[-1]}, {part}"  # "her brows came together; her mouth set hard": one face
        elif parts and bare_comma and _FIGURE_START.match(part):
            parts[-1] = f"{parts[-1]}, {part}"  # "an astonished gaze, as if not understanding": one face
        elif (parts and simultaneous is not None and bare_comma and not is_timing_only(part) and not _refers(part)
                and not _rest_between(parts, part) and simultaneous(_without_timing(parts[-1]), _without_timing(part))):
            parts[-1] = f"{parts[-1]}, {part}"
        else:
            parts.append(part)
        bare_comma, semicolon = True, False
    return parts


def _rest_between(parts: list[str], part: str) -> bool:
    """True when a return to rest separates faces: "puff, release" or "puff, release, puff again" (but "calm, a
    faint smile" and "neutral, eyes closed" at the start describe one face)."""
    if read_phrase(part).is_neutral_return:
        return True
    return len(parts) > 1 and read_phrase(parts[-1]).is_neutral_return


def _refers(part: str) -> bool:
    """True for a part that refers to other steps ("and again", "a beat", "switch to R side")."""
    plain = part.strip(" .!,;")
    return bool(_REPEAT_ALL.fullmatch(plain) or _BEAT_PART.fullmatch(plain) or _SIDE_SWITCH.fullmatch(plain)
                or _LONE_COUNT.fullmatch(plain))


def _ends_the_face_before(out: list[str], plain: str) -> bool:
    """True for "the grin drops" (an expression noun going away) or "smile off" (the face of an earlier step, off)."""
    match = _EXPRESSION_ENDS.search(plain)
    if not match or read_timing(_EXPRESSION_ENDS.sub(" ", plain))[1].strip(" ,.!"):
        return False
    what = match.group("what").lower()
    simple = match.group(0).split()[-1].lower() in ("off", "out", "away", "gone")
    earlier = {stem for p in out for stem in _stems(p)}
    return (what in _EXPRESSION_NOUNS and not simple) or _stems(what)[:1] == [] or _stems(what)[0] in earlier


def _stems(text: str) -> list[str]:
    """Crude word stems ("smiling" -> "smil", "frowns" -> "frown") of the words that are not articles or fillers."""
    words = re.findall(r"[a-z'’]+", text.lower())
    return [re.sub(r"(?:ing|ed|es|s|e)$", "", w) for w in words if w not in _RESTATE_FILLER]


def _restates(before: str, part: str) -> bool:
    """True when ``part`` only names the face of the part before ("turn the smile into a frown, then the frown
    into ..."; "smile. Once he's smiling, ..."): a reference to that step, not a new one."""
    words = set(re.findall(r"[a-z'’]+", part.lower()))
    if not words & _RESTATE_MARKS or _AGAIN.search(f" {part.strip()}") or _REPEAT.search(part):
        return False
    said, earlier = _stems(part), _stems(_without_timing(before))
    return bool(said) and said == earlier[-len(said):]


# Actions that come and go ("blink, blink", "nod, nod"): said over, they happen again, unlike a face ("sad, sad").
_SAID_AGAIN_REPEATS = re.compile(r"\b(?:blink|wink|nod|twitch|flinch|kiss|puff|sniff|pop|flick|flutter|shrug|gulp|swallow|"
                                 r"click|snap|chomp|bite|tap|chew|lick|spit|sneeze|cough|hiccup)\w*", re.IGNORECASE)


def _said_again(before: str, part: str) -> bool:
    """True when ``part`` is the part before word for word ("sad, sad, sad"), case and punctuation aside, and is a
    face held rather than an action that comes and goes ("blink, blink" blinks twice)."""
    plain = (lambda text: " ".join(re.findall(r"[a-z0-9'’%]+", text.lower())))
    return bool(plain(part)) and plain(part) == plain(before) and not _SAID_AGAIN_REPEATS.search(part)


def _restated_tail(part: str) -> str:
    """"a frown and the frown" -> "a frown": the second half of a part that names its first half again."""
    match = re.match(r"^(?P<a>.+?)\s+(?:and|,)\s+(?:then\s+)?(?P<b>the\s+.+)$", part, re.IGNORECASE)
    return match.group("a") if match and _restates(match.group("a"), match.group("b")) else part


def _references(parts: list[str]) -> list[str]:
    """Parts with references to other steps resolved: restatements dropped, beats made holds, "the R side"
    made the step before on that side, and "do it all again" made the steps so far, again."""
    out: list[str] = []
    for part in parts:
        plain = part.strip(" .!,;")
        part = _restated_tail(part)
        side = _SIDE_SWITCH.fullmatch(plain)
        again = _REPEAT_ALL.fullmatch(plain)
        count = _LONE_COUNT.fullmatch(plain)
        faces = [p for p in out if not is_timing_only(p)] if side or again or count else []
        if _BEAT_PART.fullmatch(plain):
            out.append("hold for a beat")
        elif out and _restates(out[-1], part):
            continue
        elif any(not is_timing_only(p) for p in out) and _ends_the_face_before(out, plain):  # not after a lone beat
            out.append(_EXPRESSION_ENDS.sub("it fades", plain))
        elif out and _BARE_VERB.match(plain) and _NAMED_SUBJECT.match(out[-1]) and not read_phrase(plain).is_neutral_return:
            out.append(f"{_NAMED_SUBJECT.match(out[-1]).group('subject')} {plain}")
        elif side and faces and _SIDE_WORDS.search(faces[-1]):
            word = "left" if (side.group("side") or side.group("letter")).lower() in ("l", "left") else "right"
            out.append(f"{_SIDE_WORDS.sub(' ', _without_timing(faces[-1])).strip()} on the {word} side")
        elif again and out:
            times = again.group("count")
            total = _repeat_count(_REPEAT.search(times)) if times else 2
            for _ in range(min(total, MAX_REPEAT) - 1):
                out.extend(faces[: max(MAX_STEPS - len(out), 0)])
        elif count and len(faces) >= 2 and part is parts[-1]:
            for _ in range(min(_repeat_count(count), MAX_REPEAT) - 1):
                out.extend(faces[: max(MAX_STEPS - len(out), 0)])
        else:
            out.append(part)
    return out


def _one_rest(phrases: list[Phrase]) -> list[Phrase]:
    """An ending followed by a return to rest ("it fades back to neutral", "the smile dies, relax") is one step."""
    out: list[Phrase] = []
    for phrase in phrases:
        if (out and phrase.is_neutral_return and out[-1].is_neutral_return
                and _GONE.fullmatch(_SUBJECT.sub("", out[-1].wording.strip(" .!,")))):
            continue
        out.append(phrase)
    return out


# Stillness of speech or motion ("he said nothing", "she froze"): right after a face it holds that face.
_HOLD_STILL = re.compile(r"\b(?:says|said|say|saying)\s+nothing\b|\b(?:freezes|froze|frozen|freezing)\b", re.IGNORECASE)


# Words that end a face only when there is one to end ("then it stops", "he recovered"): alone, they are no face.
_ONLY_ENDS = re.compile(r"(?:(?:she|he|they|i|you|it)\s+)?(?:stops|stopped|clears|cleared|recovers|recovered)", re.IGNORECASE)


# A face said to be absent ("no smile", "not frowning", "without a smile"): its rest is the face.
_ABSENT = re.compile(r"\s*(?:no|not|never|without|neither|nor)\b", re.IGNORECASE)


def _held_still(phrases: list[Phrase]) -> list[Phrase]:
    """"His mouth fell open, and for a long moment he said nothing": saying nothing or freezing after a face holds
    that face (a hold of the step before); at the start, or after a rest, it is a neutral step of its own. After a
    face said to be absent ("no smile, no frown, just nothing") the stillness says the same rest again: no new step."""
    out: list[Phrase] = []
    for phrase in phrases:
        if (out and phrase.is_neutral_return and _ABSENT.match(out[-1].wording)
                and _STILL.fullmatch(phrase.original.strip(" .!,"))):
            continue
        if (out and phrase.is_neutral_return and not out[-1].is_neutral_return
                and _HOLD_STILL.search(phrase.original)):
            timing = out[-1].timing
            if timing.hold is None:
                out[-1] = replace(out[-1], timing=replace(timing, hold=phrase.timing.span or phrase.timing.hold,
                                                          hold_stated=True))
            continue
        out.append(phrase)
    return out


def _without_timing(part: str) -> str:
    """A part without its timing words ("frown for a second" -> "frown"): timing never makes two parts one step."""
    return read_timing(part)[1] or part


def _part_by_part(text: str) -> str:
    """"eyes: squint. mouth: smile." -> "eyes squint and mouth smile": labelled parts are one face, not steps."""
    sentences = [s for s in re.split(r"(?<=[.;!])\s+|\s*;\s*", text.strip()) if s.strip(" .;!")]
    labelled = [_PART_LABEL.match(s.strip(" .;!")) for s in sentences]
    if len(sentences) < 2 or not all(labelled):
        return text
    return " and ".join(re.sub(r"\s*:\s*", " ", s.strip(" .;!"), count=1) for s in sentences)


_OWNER = r"(?:the|her|his|their|its|my|your)"
_SIDE_NOUNS = r"(?:mouth|lips?|face|brows?|eyebrows?|eyes?|eyelids?|lids?|cheeks?|nose|nostrils?|jaw|forehead)"
# Where a side is said after its face, in words the step reader does not attach: "a frown on the right half of the
# mouth only", "on her left side", "on one side of his mouth" (a guessed side, the left, as "lopsided" is).
_SIDE_OF = re.compile(rf"\bon\s+(?:{_OWNER}\s+)?(?P<side>left|right|one)(?:[-\s]hand)?(?:\s+(?:side|half))"
                      rf"(?:\s+of\s+{_OWNER}\s+{_SIDE_NOUNS})?(?:\s+only)?\b|\bon\s+one\s+side\b(?:\s+only)?",
                      re.IGNORECASE)
# "one side of her mouth lifted": one corner of it, as the step reader reads "one corner of her mouth" (a guessed side).
_ONE_SIDE_OF = re.compile(rf"\b(?:one|a\s+single)\s+side\s+of\s+(?P<owner>{_OWNER})\s+(?:mouth|lips)\b", re.IGNORECASE)
# A side after a comma that only says where the face before it is ("a frown, right side only", ", only on the left").
_COMMA_SIDE = re.compile(r"\s*,\s*(?:but\s+)?(?:only\s+on\s+(?:the\s+)?|on\s+the\s+|on\s+(?=\w+\s+(?:side|half))|(?:the\s+)?"
                         r"(?=\w+(?:[-\s]hand)?\s+(?:side|half|only)\b)|(?=\w+\s+only\b))(?P<side>left|right)(?:[-\s]hand)?"
                         r"(?:\s+(?:side|half))?(?:\s+only)?(?=\s*(?:[.;!]|$|,\s|\s+(?:and|then)\b))", re.IGNORECASE)
# A wink said with its side's eye after "with" ("wink with the right eye", "winked with his left eye"); the eye
# there met "a little smile" after it as "smiling eyes". (A squint keeps its "with the right eye": a gaze otherwise.)
_WITH_SIDE = re.compile(rf"(?:(?<=\bwink\s)|(?<=\bwinks\s)|(?<=\bwinked\s)|(?<=\bwinking\s))with\s+{_OWNER}\s+(?P<side>left|right)\s+(?:eye|eyebrow|brow|cheek|nostril|corner)"
                        rf"(?:\s+of\s+{_OWNER}\s+(?:mouth|lips))?(?:\s+only)?(?=\s*(?:[.,;!]|$|\s+(?:and|then|while)\b))",
                        re.IGNORECASE)
# The rest of the face said to stay still ("nothing else moved", "the rest of the face stays neutral"): no face of its
# own, and no step; the face before it is the face.
_REST_STILL = re.compile(
    r"(?:(?:\s*[,;]\s*|\s+)(?:and\s+|but\s+|while\s+|with\s+)?|^)(?:(?:nothing|no\s+part|not\s+a\s+(?:muscle|thing))\s+else"
    rf"(?:\s+(?:on|in)\s+{_OWNER}\s+face)?\s+(?:\w+ly\s+)?(?:moves?|moved|moving|changes?|changed|stirs?|stirred|shifts?|shifted)"
    rf"|(?:the\s+rest\s+of\s+{_OWNER}\s+(?:face|features)|everything\s+else|all\s+else)\s+(?:(?:stays?|stayed|is|was|remains?|"
    r"remained|kept|keeps|held|holds|left)\s+)?(?:perfectly\s+|completely\s+|totally\s+)?(?:still|neutral|relaxed|at\s+rest|"
    r"blank|motionless|unmoved|calm|quiet|as\s+it\s+was))\b[.!]?", re.IGNORECASE)
# Degree phrasings said other ways: "a tiny bit" (not a bite), "the tiniest bit".
_DEGREE_SAID = ((re.compile(r"\b(?:a\s+(?:tiny|teeny|teensy|teeny[-\s]tiny|little\s+tiny)|the\s+(?:tiniest|teeniest|smallest))"
                            r"\s+(?:bit|amount)(?:\s+of)?\b", re.IGNORECASE), "very slightly"),)
# A state said again with an intensifier ("eyes wide, really wide", "a big smile, so big"): once, at that degree.
_SAID_AGAIN_MORE = re.compile(r"\b(?P<word>[a-z]{3,}),\s+(?P<more>really|very|so|truly|extremely|super|incredibly|"
                              r"impossibly|ridiculously)\s+(?P=word)\b", re.IGNORECASE)
# A degree alone after a comma grades what comes before it ("eyes: wide, max." -> "eyes wide max"), not the next part.
_DEGREES_ALONE = ("max", "maxed", "maxed out", "maximum", "full", "a little", "a bit", "a tad", "a touch", "a lot",
                  "all the way", "to the max", "just barely", "barely", "hardly", "just a little", "just a touch")


@lru_cache(maxsize=1)
def _degree_alone() -> re.Pattern:
    """A comma, then only a degree word (the step reader's adverbs of degree and ``_DEGREES_ALONE``), then an end."""
    from .parse import MODIFIERS

    said = {m for m, _ in MODIFIERS if m.endswith("ly") and " " not in m} | set(_DEGREES_ALONE)
    alternatives = "|".join(sorted((re.escape(m) for m in said), key=len, reverse=True))
    return re.compile(rf"\s*,\s*(?P<degree>{alternatives})(?=\s*(?:[.;!,]|$|\s+and\b))", re.IGNORECASE)


# A resting state barely kept is the opposite state nearly reached: "eyes barely open" are nearly shut.
_BARELY_OPEN = re.compile(r"\b(?P<part>eyes|eyelids|lids|eye)\s+(?:(?:were|was|are|is|kept|held)\s+)?(?:barely|hardly|scarcely|"
                          r"only\s+just|just\s+barely)\s+open\b", re.IGNORECASE)


def part_phrases(text: str) -> str:
    """Part phrasings said in ways the step reader does not attach, rewritten into ones it does: a side said after
    its face ("on the right half of the mouth only", ", left side only", "wink with the right eye" -> "on the right"),
    the rest of the face said to stay still (dropped: no step), a degree alone after a comma ("wide, max" -> "wide
    max"), a state said again with an intensifier ("eyes wide,
    really wide" -> "eyes really wide"), degree phrasings ("a tiny bit" -> "very slightly") and a resting state barely
    kept ("eyes barely open" -> "eyes nearly shut")."""
    text = _SIDE_OF.sub(lambda m: " on the " + ("left" if (m.group("side") or "one").lower() == "one"
                                                else m.group("side").lower()), text)
    text = _ONE_SIDE_OF.sub(lambda m: f"one corner of {m.group('owner')} mouth", text)
    text = _WITH_SIDE.sub(lambda m: f"on the {m.group('side').lower()}", text)
    text = _COMMA_SIDE.sub(lambda m: f" on the {m.group('side').lower()}", text)
    rest = _REST_STILL.sub("", text)
    if rest.strip(" .,;!"):
        text = rest
    text = _degree_alone().sub(lambda m: f" {m.group('degree')}", text)
    text = _SAID_AGAIN_MORE.sub(lambda m: f"{m.group('more')} {m.group('word')}", text)
    for pattern, said in _DEGREE_SAID:
        text = pattern.sub(said, text)
    text = _BARELY_OPEN.sub(lambda m: f"{m.group('part')} nearly shut", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _chained_to(body: str) -> list[str] | None:
    """["neutral", "smile", "laugh"] for "neutral to smile to laugh" (three or more short states), else None."""
    pieces = _CHAIN_TO.split(body.strip(" .!,"))
    if len(pieces) < 2 or any(not p or len(p.split()) > MAX_CHAIN_WORDS or _CHAIN_STOP.search(p) or _SPLIT.search(p)
                              for p in pieces):
        return None
    return pieces


# A bare "back" right after a participle that pulls a part ("lips peeled back", "ears pinned back") says where the part
# goes; a settling verb before it ("relaxed back") is still a return to rest.
_PART_PULLED_BACK = re.compile(r"\b(?!(?:relax|settl|eas|return|fell|came|drift|went|gone)\w*\s)(?:[a-z]+ed|drawn|torn|held)"
                               r"\s+back$", re.IGNORECASE)


def _split_back_at_end(body: str) -> tuple[str, str | None]:
    """("smile", "and back to neutral over a second") when the body ends with a return to neutral."""
    for match in reversed(list(_BACK.finditer(body))):
        tail = body[match.end():]
        if _PART_PULLED_BACK.search(body[: match.end()]):
            continue  # "lips peeled back": where the part is pulled, not a return to rest
        if _AGAIN.sub("", tail).strip(" .!,") == "" or is_timing_only(tail):
            return body[: match.start()], body[match.start():].strip(" .!,")
    return body, None


def split_steps(instruction: str, simultaneous: Callable[[str, str], bool] | None = None) -> list[Phrase]:
    """The ordered step phrases of an instruction ("from X to Y", "X then Y", "X gives way to Y", "and back").

    Sentences, beats ("(beat)"), transition verbs ("melts into", "gives way to"), "until", "only to" and
    ";" separate steps. A part after a bare comma is a step of its own, unless ``simultaneous(before, part)``
    says it happens at the same time as the part before ("a half smile on the left, right brow raised").
    """
    text, _ = clean(instruction)
    text = part_phrases(_part_by_part(text))
    text = _VERB_IT_INTO.sub("", text)
    text = re.sub(r"(\d),(\d)", r"\1.\2", text)  # "1,5 seconds" is a decimal, not two steps
    text = _NUMBERED.sub(" ; ", text).strip(" ;")
    if len(_LETTERED.findall(text)) >= 2:
        text = _LETTERED.sub(" ; ", text).strip(" ;")
    text = in_order(text, is_timing=lambda words: is_timing_only(words) or is_timing_only(f"for {words}"))
    text = _BEAT.sub(", hold for a beat, then ", text)
    text = re.sub(r"\s(?:\.{2,}|…)\s|(?<=[a-z])(?:\.{2,}|…)(?=[a-z])", " then ", text)  # "happy ... sad", "smile…frown"
    text = _SENTENCE_END.sub(" then ", text)
    after = _AFTER_CLAUSE.match(text)
    if after and not is_timing_only(after.group("first")) and not is_timing_only(f"for {after.group('first')}"):
        text = f"{after.group('first')}, then {after.group('then')}"
    text = _SPEED_IN_CONNECTIVE.sub(lambda m: f" then {m.group(1)} ", text)
    text = re.sub(r"\s+", " ", text).strip()
    parts: list[str] = []
    match = _FROM_TO.match(text)
    body = text
    if match:
        parts.extend(p.strip(" ,") for p in _THROUGH.split(match.group(1)) if p.strip(" ,"))
        body = match.group(2)
    body, back = _split_back_at_end(body)
    chain = _chained_to(body) if match or len(_CHAIN_TO.split(body)) > 2 else None
    if chain is not None:
        parts.extend(chain)  # "from a smile to a frown to neutral", "neutral to smile to laugh"
    else:
        # "bored, bored, bored": one face said over is held, not three steps of the same face
        for part in _join_simultaneous(_SPLIT.split(body), simultaneous):
            if not (parts and _said_again(parts[-1], part)):
                parts.append(part)
    if back is not None:
        parts.append(back)
    parts = _attach_timing_parts(_references(parts))
    phrases = _held_still(_one_rest([read_phrase(p) for p in parts]))
    if len(phrases) == 1 and phrases[0].is_neutral_return and _ONLY_ENDS.fullmatch(phrases[0].original.strip(" .!,")):
        said = phrases[0].original.strip(" .!,")  # "Stopped." alone ends nothing: words, not a face
        phrases = [Phrase(text=said, original=phrases[0].original, intensity=None, speed=None, wording=said)]
    if back is not None and phrases and not phrases[-1].is_neutral_return:
        phrases[-1] = Phrase(text="neutral", original=back, intensity=None, speed=phrases[-1].speed,
                             is_neutral_return=True, timing=phrases[-1].timing, wording="back to neutral")
    return phrases
