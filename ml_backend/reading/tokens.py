"""Words of an instruction: tokens, a small stemmer, and the closed classes of English the reader skips.

The stemmer only needs to be consistent between the vocabulary tables and the text ("raised",
"raises", "raising" and "raise" meet at "rais"): a dozen suffix rules do it, so the project does not
ship a stemming library for it (none is in the environment, and Porter's stems are no better here).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_IRREGULAR = {
    "barely": "barely", "hardly": "hardly", "scarcely": "scarcely",  # degree words, not "bare", "hard", "scarce"
    "eyes": "eye", "teeth": "teeth", "feet": "feet", "lids": "lid", "shut": "shut", "bit": "bit", "bitten": "bitten",
    "saw": "see", "seen": "see", "sees": "see", "seeing": "see", "fell": "fall", "falls": "fall", "fallen": "fall",
    "rose": "rise", "risen": "rise", "wept": "weep", "broke": "break", "broken": "break", "gave": "give",
    "given": "give", "drew": "draw", "drawn": "draw", "ate": "eat", "eaten": "eat", "ran": "run", "dying": "die",
    "lying": "lie", "tried": "try", "tries": "try", "trying": "try", "was": "be", "were": "be", "is": "be",
    "are": "be", "been": "be", "being": "be", "am": "be", "has": "have", "had": "have", "having": "have",
    "does": "do", "did": "do", "done": "do", "goes": "go", "went": "go", "gone": "go", "going": "go",
    "as": "as", "us": "us", "yes": "yes", "this": "this", "his": "his", "its": "its", "always": "always",
    "less": "less", "across": "across", "nervous": "nervous", "anxious": "anxious", "furious": "furious",
    "curious": "curious", "serious": "serious", "jealous": "jealous", "joyous": "joyous", "wistful": "wistful",
    "news": "news", "lens": "lens", "glasses": "glass", "chess": "chess", "kiss": "kiss", "miss": "miss",
    "bless": "bless", "less": "less", "please": "please", "longing": "longing", "biting": "bit", "bites": "bit",
    "forces": "forc", "forcing": "forc", "sadder": "sad", "saddest": "sad", "happier": "happi",
    "happiest": "happi", "angrier": "angri", "angriest": "angri", "madder": "mad", "calmer": "calm", "wasp": "wasp", "woke": "wake", "began": "begin", "begun": "begin",
    "made": "make", "fought": "fight", "held": "hold", "hid": "hide", "hidden": "hide", "kept": "keep",
    "froze": "freez", "shot": "shoot", "wider": "widen", "widest": "widen", "narrower": "narrow",
    "sank": "sink", "sunk": "sink", "sunken": "sink", "shrank": "shrink", "shrunk": "shrink", "stung": "sting",
    # adjectives made from nouns are not those nouns: "a cornered dog" names no mouth corner, "dogged" is no dog
    "cornered": "cornered", "dogged": "dogged", "doggedly": "doggedly",
    # a mourner's cry is not "keen" (eager): "keening with grief"
    "keening": "keening", "keened": "keening",
    # "handed her the keys" is giving, not a hand the eyes go to
    "handed": "handed", "handing": "handing",
}
_VOWELS = set("aeiou")


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude, consistent stem: lower case, common English suffixes off."""
    w = word.lower().strip("'’")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3:
        return w
    for suffix, keep in (("fulness", 3), ("iness", 3), ("ness", 3), ("ment", 4)):
        if w.endswith(suffix) and len(w) - len(suffix) >= keep:
            w = w[: -len(suffix)] + ("i" if suffix == "iness" else "")
            break
    if w.endswith("ily") and len(w) >= 6:
        w = w[:-3] + "i"
    elif w.endswith("ly") and len(w) >= 6:
        w = w[:-2]
    if w.endswith("ies") and len(w) >= 5:
        return w[:-3] + "i"
    if w.endswith("ied") and len(w) >= 5:
        return w[:-3] + "i"
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4 and any(c in _VOWELS for c in w[: -len(suffix)]):
            w = w[: -len(suffix)]
            if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            return _drop_e(w)
    if w.endswith(("sses", "shes", "ches", "xes", "zes")) and len(w) >= 6:
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) >= 4:
        w = w[:-1]
    if w.endswith("y") and len(w) >= 4 and w[-2] not in _VOWELS:
        return w[:-1] + "i"
    return _drop_e(w)


def _drop_e(w: str) -> str:
    return w[:-1] if w.endswith("e") and len(w) >= 4 and not w.endswith(("ee", "ye")) else w


_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of a text, lower case, contractions opened ("don't" -> "do", "not"; "she'd" -> "she")."""
    out: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        token = match.group(0).replace("’", "'")
        if token.endswith("n't"):
            base = token[:-3]
            out.extend([{"ca": "can", "wo": "will", "sha": "shall"}.get(base, base), "not"])
        elif "'" in token:
            out.append(token.split("'")[0])
        else:
            out.append(token)
    return out


_NAME = re.compile(r"\b([A-Z][a-zà-öø-ÿ]+)(?:['’]s\b|\s+(?=[a-z]+(?:s|ed)\b))")
# The names of a play's stage directions, in capitals, with their titles: "SIR ROBERT CHILTERN walks",
# "MRS. ERLYNNE smiles", "GLADYS'S stare", "speaking through her tears-- to JEYES".
_STAGE_NAME = re.compile(r"\b((?:[A-Z]{2,}\.?\s+){0,3}[A-Z]{2,})(?:['’][Ss]\b|\s+(?=[a-z]+(?:s|ed)\b))"
                         r"|(?:\bto|--)\s+((?:[A-Z]{2,}\.?\s+){0,3}[A-Z]{2,})\b(?!['’]?\s*[a-z])")


def person_names(text: str) -> frozenset[str]:
    """Lower-case words written like a person's name before a verb or a possessive ("Sarah stares", "John's face"),
    and the capitalised names of stage directions ("LORD GORING rushes", "to JEYES") in text that is not all
    capitals. They count neither for nor against a step being about a face, like the pronouns they stand for.
    """
    names = {m.group(1).lower() for m in _NAME.finditer(text)}
    if any(ch.islower() for ch in text):
        for match in _STAGE_NAME.finditer(text):
            names.update(re.findall(r"[a-z]+", (match.group(1) or match.group(2)).lower()))
    return frozenset(names)


def is_latin_word(token: str) -> bool:
    """True when every letter of the token is Latin (English words inside other scripts are still read)."""
    return all(("LATIN" in unicodedata.name(ch, "")) for ch in token)


# Words that carry no face meaning of their own: articles, pronouns, auxiliaries, prepositions, request and
# narration verbs, names of the person. They count neither for nor against the face-relevance of a step.
FUNCTION_WORDS = frozenset("""
a an the this that these those some any each every his her hers him he she they them their theirs it its
i me my mine you your yours we our us one ones someone somebody character person man woman boy girl guy lady
face faces expression expressions look looks looked looking appearance mood emotion feeling feelings
countenance visage
be have do can could will would shall should may might must let make makes made making give gives gave
show shows showed showing get gets got getting put puts want wants please now just only still even also
is am are was were been being has had does did done go goes went gone going come comes came
to of in on at by for from into onto over under up down off out about around through with without within
and or but nor so yet as if then than when while whilst though although because like unlike
very really quite rather too so much more most less least bit little lot
seem seems seemed appear appears appeared become becomes became turn turns turned keep keeps stay stays
something anything nothing everything there here where what which who whom whose how why
all both either neither few many several own same other another such
camera shot close closeup beat pause moment scene frame frames second seconds
again back slowly quickly suddenly gradually gently softly once simultaneously same time together instead
himself herself themselves itself myself yourself ourselves across toward towards onto upon despite spite
start starts started starting begin begins beginning sit sits sat sitting stand stands stood standing
catch catches catching wake wakes waking anymore longer ahead straight stare stares stared staring
first next last initially later eventually finally afterwards meanwhile end ends ended ending
head heads tilt tilts tilted tilting nod nods nodded nodding shrug shrugs shrugged shrugging shoulder shoulders
hand hands arm arms finger fingers lean leans leaned leaning body
breathe breathes breathing breathed breath breaths
""".split())

NEGATORS = frozenset({"not", "no", "never", "without", "nor", "neither", "non", "hardly", "barely-not", "stop", "stops",
                      "stopped", "stopping", "cease", "ceases", "ceased", "quit", "quits", "refuse", "refuses",
                      "refused", "refusing"})
# Two-word negations ("far from happy", "anything but calm").
NEGATING_PAIRS = frozenset({("far", "from"), ("anything", "but"), ("nothing", "like"), ("none", "of")})
REMOVERS = frozenset(stem(w) for w in (
    "fade", "fades", "faded", "fading", "vanish", "vanishes", "disappear", "disappears", "wane", "wanes", "die", "dies",
    "evaporate", "evaporates", "drain", "drains", "slip", "slips", "leave", "leaves", "wear", "wears", "falter",
    "falters", "dissolve", "dissolves", "subside", "subsides", "ebb", "ebbs", "melt", "melts", "wipe", "wiped",
    "slide", "slides", "slid", "sliding",
))
# Verbs and words that tell how an expression moves or where it shows ("a grin spread across his face",
# "something flickered behind his eyes"): neither for nor against a step that names a face clearly.
EXPRESSION_VERBS = frozenset(stem(w) for w in """
spread spreads spreading spreads crept creep creeps creeping play plays playing played flicker flickers flickered
flickering dance dances danced dancing flash flashes flashed flashing cross crosses crossed crossing form forms formed
forming appear appears appeared appearing steal steals stole stealing tug tugs tugged tugging twitch twitches twitched
linger lingers lingered lingering settle settles settled settling show shows showed across behind over onto slowly
emerge emerges emerged emerging bloom blooms bloomed spark sparks sparked flit flits flitted ghost ghosts ghosted
briefly slow fleeting passing wash washes washed sweep sweeps swept break breaks broke etched etch written lines
""".split())
