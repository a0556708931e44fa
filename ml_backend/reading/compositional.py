"""The compositional reader ("compose", the default): instructions read per facial region, graded, honest.

Each step (cut at connectives, sentences and beats by ``phrases.split_steps``) is read into face
items by ``parse`` (named parts with their own intensity and side, whole-expression words and idioms
from the vocabulary, negation, suppression, removal) and composed by ``compose`` (named parts win
their regions; contradictions settled with a note). A word the tables do not know is matched by
meaning with the text encoder (MiniLM) to the nearest vocabulary phrasing, only above a similarity
threshold and with a lower confidence; the encoder is loaded only when such a word appears.
A step whose words are not mostly face words is skipped with a note; an instruction with no face at
all is refused with a message saying why (no words, code, another language, or not a face).
``analyse`` returns the full reading (per-step raw confidence, relevance, notes) for evaluation and
calibration; ``read`` gives the plan ``Step``s.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from ..errors import BadInstructionError
from ..knowledge.face_parts import CHANNEL_REGION, REGION_NOUNS
from ..knowledge.associations import evoked, evoked_by_meaning
from ..knowledge.vocabulary import VocabEntry, recipes, vocabulary
from ..plan import Anchor, Step, Timing, neutral_anchor
from .calibration import Calibrator, identity, load_calibrator
from ..naming.arkit import ARKIT_NAMES, INDEX
from .compose import OPPOSED, STEM_MASKS, Composition, compose, item_target
from .language import guess_language
from .level_notes import join_level_notes
from .parse import DETERMINERS, MODIFIERS, Item, StepWords, read_step_words
from .phrases import Phrase, clean, split_steps
from .screenplay import directions
from .tokens import FUNCTION_WORDS, NEGATORS, is_latin_word, person_names, stem, words

MIN_RELEVANCE = 0.34  # a step with a clear face word needs at least a third of its words to be face words
NARRATED_RELEVANCE = 0.24  # a sentence about him or her with a clear face word: at least a quarter of its words
PROSE_RELEVANCE = 0.1  # story prose whose predicate is the face ("Kitty smiled at the recollection of ..."): a tenth
MIN_TEXT_RELEVANCE = 0.3  # and the whole instruction at least this share (a face word in a paragraph is not a face)
CODE_RELEVANCE = 0.5  # text that looks like code needs at least this share of face words
WEAK_RELEVANCE = 0.6  # a step whose only face words have other meanings ("look up", "blank") needs more
LANGUAGE_RELEVANCE = 0.5  # below this, an instruction that looks like another language is refused as such
MEANING_THRESHOLD = 0.58  # score (cosine, less letter overlap) for a word matched by meaning only
LETTER_PENALTY = 0.4  # MiniLM's word pieces make words that share letters look alike ("list" ~ "listless")
_SUFFIXES = frozenset({"", "y", "ish", "ful", "ed", "d", "ing", "ly", "ily", "er", "ness", "s", "es", "ies", "i",
                       "ie", "ier", "iest", "ey", "ous", "ity", "al"})
MEANING_MAX_WORDS = 6  # unknown words looked up by meaning per step
IDIOM_THRESHOLD = 0.72  # cosine for a comparison ("like ...", "as if ...") matched to an idiom by meaning only
_FIGURATIVE = re.compile(r"(?<![-\w])(?:like|as if|as though)\b.*$"  # not "matrix-like"
                         # "the smirk of a poker player holding four aces", "the look of a man who ...": a comparison
                         r"|(?:" + "|".join(f"(?<=\\b{noun} )" for noun in (
                             "look", "face", "expression", "smile", "smirk", "grin", "scowl", "frown", "glare", "air",
                             "countenance")) + r")of\s+(?:a|an|someone|somebody|one)\b.*$", re.IGNORECASE)
# A step about the face or the person's look ("a look that could freeze water", "the colour drains from his face").
_FACE_FRAME = re.compile(r"\b(?:face|faces|look|looks|looked|looking|expression|eyes|gaze|stare|stares|jaw|mouth|smile|"
                         r"brow|brows|lips|heart|colou?r|cheeks|features|countenance|visage)\b", re.IGNORECASE)
_FACE_NOUN = re.compile(r"\b(?:face|expression|features|countenance|visage)\b"
                        r"|\b(?:look|stare|glare|glance|gaze)\s+(?:that|which)\s+(?:could|would|might)\b",
                        re.IGNORECASE)  # elsewhere a figure needs two words; "a look that could curdle milk" is one
ASSOCIATION_SIMILARITY = 0.66  # a figure read from the things it names counts like a fair match by meaning
ASSOCIATION_STRENGTH = 0.8
EXAMPLES = "a faint smile, surprise, raise the left eyebrow, her eyes widen and her mouth falls open"
_CODE = re.compile(r"[{}<>=\[\]\\|`$#@^*_]|\b(?:def|import|return|class|lambda|var|const|function|elif|null|None|"
                   r"True|False|print)\b|::|->|=>|\w+\(\)?|\w+\.\w+\(")


@dataclass(frozen=True)
class StepReading:
    """One step as read: the face, what was understood, and how sure the reader is."""

    text: str  # the step's words as written
    label: str  # what was understood, in words ("smile + worried brows")
    target: np.ndarray  # (52,) apex weights
    intensity: float
    relevance: float  # share of the step's content words understood as face words
    raw_confidence: float  # relevance x match quality (meaning-only matches count less); 10b calibrates it
    confidence: float  # the calibrated confidence (identity until a calibration file exists)
    understood: bool  # False: the step was skipped (not a face)
    by_meaning: bool  # some item was matched by meaning only
    timing: Timing = field(default_factory=Timing)
    neutral: bool = False
    items: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # content words not understood
    from_words: bool = True  # read from face words (False: a plain "back to neutral")


@dataclass(frozen=True)
class Reading:
    """A whole instruction as read: its steps (skipped ones included), notes, and a refusal if any."""

    instruction: str
    steps: tuple[StepReading, ...]
    notes: tuple[str, ...]
    refused: str | None = None  # the message, when nothing in the instruction reads as a face
    language: str | None = None  # the language it seems to be in, when not English

    @property
    def understood_steps(self) -> tuple[StepReading, ...]:
        return tuple(s for s in self.steps if s.understood)

    @property
    def face_relevance(self) -> float:
        """Mean relevance of the steps (0 for a refused instruction)."""
        return float(np.mean([s.relevance for s in self.steps])) if self.steps else 0.0


class CompositionalReader:
    """Reads instructions per facial region with a broad vocabulary; same ``read`` contract as the others."""

    name = "compose"

    def __init__(self, encoder=None, calibrator: Calibrator | None = None, use_meaning: bool = True) -> None:
        self._encoder = encoder
        self._calibrator = calibrator
        self.use_meaning = use_meaning

    # --- pieces other code may call -----------------------------------------------------------------
    @property
    def calibrator(self) -> Calibrator:
        if self._calibrator is None:
            self._calibrator = load_calibrator(reader=self.name)
        return self._calibrator

    def set_calibrator(self, calibrator: Calibrator | None) -> None:
        """Use this calibrator (raw -> calibrated confidence); None goes back to the identity."""
        self._calibrator = calibrator or identity

    @property
    def encoder(self):
        if self._encoder is None:
            from ..text.encoders import create_encoder

            self._encoder = create_encoder("minilm")
        return self._encoder

    def read(self, instruction: str, seed: int | None = None) -> tuple[list[Step], list[str]]:
        """Plan steps and notes; raises ``BadInstructionError`` when nothing reads as a face (``seed``: unused)."""
        reading = self.analyse(instruction)
        if reading.refused:
            raise BadInstructionError(reading.refused)
        steps = []
        for step in reading.understood_steps:
            if step.neutral:
                anchor = neutral_anchor()
                anchor = replace(anchor, confidence=step.confidence)
            else:
                weights = np.clip(step.target / max(step.intensity, 1e-6), 0.0, 1.0).astype(np.float32)
                anchor = Anchor(label=step.label, weights=weights, intensity=float(step.intensity),
                                confidence=float(step.confidence))
            steps.append(Step(anchor=anchor, text=step.text, timing=step.timing))
        return steps, list(reading.notes)

    def analyse(self, instruction: str) -> Reading:
        """The full reading of an instruction; never raises for text (refusals are in ``refused``)."""
        try:
            text, notes = clean(instruction)
        except BadInstructionError as error:
            return Reading(str(instruction)[:80] if isinstance(instruction, str) else "", (), (), str(error))
        language = guess_language(text, words(text))
        if not any(ch.isalpha() for ch in text):
            return Reading(text, (), tuple(notes), _no_words(text), language)
        directed, dropped = directions(text, is_face=_reads_as_face)
        notes.extend(dropped)
        phrases = split_steps(join_level_notes(directed), simultaneous=_simultaneous)
        parsed = [None if p.is_neutral_return else read_step_words(_without_sides_compared(p.wording or p.original))
                  for p in phrases]
        meaning = self._meaning_matches(parsed) if self.use_meaning else {}
        steps: list[StepReading] = []
        previous: list[Item] = []
        before = ""  # the words of the step before, for an action word that acts on the part they named
        for index, (phrase, words_read) in enumerate(zip(phrases, parsed)):
            if words_read is None:
                steps.append(self._neutral(phrase, "neutral", 1.0))
                previous = []
                continue
            for position, item in meaning.get(id(words_read), ()):
                words_read.items.append(item)
                words_read.understood += 1
            said = phrase.original.strip()
            if _circumstance(said, words_read):
                steps.append(self._skipped(phrase, words_read))
                notes.append(f"'{said}' says when, not a face; it was skipped.")
                continue
            if not _accepted(words_read, said):
                _elided(words_read, previous, notes, said, before)
            if not _accepted(words_read, said):
                self._figurative(phrase.wording or phrase.original, words_read)
            accepted = _accepted(words_read, said)
            if not accepted:
                steps.append(self._skipped(phrase, words_read))
                if words_read.items:
                    notes.append(f"'{phrase.original.strip()}' does not read mostly as a face "
                                 f"({_percent(words_read.relevance)} face words); it was skipped.")
                else:
                    notes.append(f"'{phrase.original.strip()}' does not read as a facial expression I know; "
                                 "it was skipped.")
                continue
            new_steps, previous = self._compose_step(phrase, words_read, previous, notes)
            before = said
            if len(new_steps) == 2 and new_steps[1].neutral and _flows_on(directed, phrase.original):
                new_steps = new_steps[:1]  # "her grin falters and collapses into a scowl": the grin becomes the scowl
            elif (len(new_steps) == 2 and new_steps[1].neutral and index + 1 < len(phrases)
                  and _replaced(directed, phrase, phrases[index + 1], parsed[index + 1])):
                new_steps = new_steps[:1]  # "the sneer falls away and a real smile takes its place"
            steps.extend(new_steps)
        understood = [s for s in steps if s.understood and (s.from_words or all(t.understood for t in steps))]
        read_steps = [s.relevance for s in steps if s.from_words or not s.understood]
        relevance = float(np.mean(read_steps)) if read_steps else 1.0
        if language is not None and relevance < LANGUAGE_RELEVANCE:
            message = (f"'{text[:60]}' seems to be {language}; the reader reads English. "
                       f"Try for example: {EXAMPLES}.")
            return Reading(text, tuple(steps), tuple(notes), message, language)
        read = [w for w in parsed if w is not None]
        content = sum(w.content for w in read)
        share = sum(w.understood for w in read) / content if content else 1.0
        code = _looks_like_code(text)
        least = NARRATED_RELEVANCE if _narrated(text) and not code else MIN_TEXT_RELEVANCE
        if _face_predicate(text) and any(s.understood and s.from_words for s in steps):
            least = 0.0  # its face steps were each read at a tenth of face words or more
        if not understood or share < least or (code and share < CODE_RELEVANCE):
            return Reading(text, tuple(steps), tuple(notes), _not_a_face(text, code), language)
        if language is not None:
            notes.append(f"Parts of '{text[:60]}' look like {language}; only the English words were read.")
        return Reading(text, tuple(steps), tuple(notes), None, language)

    # --- steps ---------------------------------------------------------------------------------------
    def _compose_step(self, phrase: Phrase, read: StepWords, previous: list[Item],
                      notes: list[str]) -> tuple[list[StepReading], list[Item]]:
        """The step(s) of one phrase; "her smile fades" after a smile takes the smile away from it."""
        gone = [it for it in read.items if it.removed or it.negated]
        active = [it for it in read.items if not it.removed and not it.negated]
        out: list[StepReading] = []
        carried = [p for p in previous if not any(_same(p, g) for g in gone)] if gone and previous else []
        if gone and previous and len(carried) < len(previous):
            items = carried + active
            names = ", ".join(g.describe() for g in gone)
            notes.append(f"'{phrase.original.strip()}': {names} goes away from the face before.")
        elif any(it.removed for it in gone):
            shown = [replace(it, removed=False) for it in gone if it.removed]
            first = compose(shown)
            out.append(self._step(phrase, read, first, timing=Timing(), text=f"{phrase.original.strip()} (before)"))
            notes.append(f"'{phrase.original.strip()}': the face first shows {first.label}, then it goes away.")
            items = active
        else:
            items = active + gone
        composition = _compare_sides(phrase.wording or phrase.original, compose(items))
        notes.extend(f"'{phrase.original.strip()}': {n}" for n in composition.notes)
        step = self._step(phrase, read, composition)
        out.append(step)
        kind = "a neutral face" if step.neutral else step.label
        notes.append(f"'{phrase.original.strip()}' read as {kind}" + (" (by meaning)" if step.by_meaning else "")
                     + ".")  # no figure: the plan shows each step's final confidence, the alignment included
        return out, composition.used

    def _step(self, phrase: Phrase, read: StepWords, composition: Composition, timing: Timing | None = None,
              text: str | None = None) -> StepReading:
        by_meaning = any(it.similarity is not None for it in composition.used)
        quality = min((_quality(it) for it in composition.used), default=1.0)
        raw = float(np.clip(read.relevance * quality, 0.0, 1.0))
        neutral = composition.is_neutral
        return StepReading(
            text=text or phrase.original, label="neutral" if neutral else composition.label,
            target=composition.target, intensity=composition.intensity, relevance=read.relevance,
            raw_confidence=raw, confidence=float(self.calibrator(raw)), understood=True, by_meaning=by_meaning,
            timing=phrase.timing if timing is None else timing, neutral=neutral,
            items=tuple(it.describe() for it in composition.used), unknown=tuple(read.unknown))

    def _neutral(self, phrase: Phrase, label: str, relevance: float) -> StepReading:
        return StepReading(text=phrase.original, label=label, target=np.zeros(52, np.float32), intensity=1.0,
                           relevance=relevance, raw_confidence=1.0, confidence=float(self.calibrator(1.0)),
                           understood=True, by_meaning=False, timing=phrase.timing, neutral=True, from_words=False)

    def _skipped(self, phrase: Phrase, read: StepWords) -> StepReading:
        raw = float(read.relevance) * 0.5
        return StepReading(text=phrase.original, label="not a face", target=np.zeros(52, np.float32), intensity=0.0,
                           relevance=read.relevance, raw_confidence=raw, confidence=float(self.calibrator(raw)),
                           understood=False, by_meaning=False, timing=phrase.timing,
                           items=tuple(it.describe() for it in read.items), unknown=tuple(read.unknown))

    # --- words by meaning ----------------------------------------------------------------------------
    def _figurative(self, text: str, read: StepWords) -> None:
        """A figure the tables do not know ("like he swallowed a wasp", "a look that could freeze water").

        The clause opened by "like", "as if" or "as though" (or, in a step about the face, the whole step) is
        compared by meaning with the known idioms; a close match is the step's face. Otherwise the things it
        names are looked up in the association table ("wasp" is sour, "thunder" anger): the expression most
        of them evoke is the face (this needs no encoder). Either way the whole clause is understood, with the
        lower confidence of a match by meaning.
        """
        match = _FIGURATIVE.search(text)
        clause = match.group(0) if match is not None else (text if _FACE_FRAME.search(text) else "")
        if len(words(clause)) < 3:
            return
        entry, similarity = nearest_idiom(self.encoder, clause) if self.use_meaning else (None, 0.0)
        label, votes = evoked(words(clause))
        if label is None and self.use_meaning:
            label, votes = evoked_by_meaning(self.encoder, words(clause))  # "a gathering tempest" ~ storm
        if entry is not None and similarity >= IDIOM_THRESHOLD:
            name, weights, action = f"{entry.label} (like '{entry.phrase}')", entry.weights, entry.action
            strength = entry.strength
        elif label is not None and (match is not None or votes >= 2 or _FACE_NOUN.search(clause)):
            weights, action, _ = recipes()[label]
            agreeing = entry is not None and entry.label == label
            similarity = max(similarity, ASSOCIATION_SIMILARITY + (0.05 if agreeing else 0.0)
                             + 0.02 * min(votes - 1, 2))
            name, strength = f"{label} (evoked by the figure)", ASSOCIATION_STRENGTH
        else:
            if (match is not None and set(read.unknown) <= set(words(clause))
                    and read_step_words(text[:match.start()]).strong):
                # "he sulked like a teenager told to tidy his room": the face is named before the comparison; the
                # thing it is compared with evokes no clear feeling of its own, so it only illustrates that face
                read.understood += len(read.unknown)
                read.unknown.clear()
            return
        read.items.append(Item(name, weights, strength, "part" if action else "whole", 10**6, 10**6, weak=True,
                               similarity=similarity))
        read.understood += len(read.unknown)
        read.unknown.clear()

    def _meaning_matches(self, parsed: list[StepWords | None]) -> dict[int, list[tuple[int, Item]]]:
        """Items for unknown words whose meaning is close to a vocabulary phrasing (encoder loaded only if needed)."""
        wanted: dict[int, list[str]] = {}
        for read in parsed:
            if read is None or read.strong:
                continue
            candidates = [w for w in read.unknown if len(w) >= 4 and is_latin_word(w) and w not in FUNCTION_WORDS]
            if candidates:
                wanted[id(read)] = candidates[:MEANING_MAX_WORDS]
        if not wanted:
            return {}
        unique = sorted({w for ws in wanted.values() for w in ws})
        found = nearest_phrasings(self.encoder, tuple(unique))
        out: dict[int, list[tuple[int, Item]]] = {}
        for read in parsed:
            if read is None or id(read) not in wanted:
                continue
            for word in wanted[id(read)]:
                entry, similarity = found[word]
                if entry is None or similarity < MEANING_THRESHOLD:
                    continue
                item = Item(f"{word} (like '{entry.phrase}')", entry.weights, entry.strength,
                            "part" if entry.action else "whole", 10**6, 10**6, weak=True, similarity=similarity)
                out.setdefault(id(read), []).append((0, item))
                read.unknown.remove(word)
        return out


# One side said to do more than the other ("both brows up, but the left higher than the right", "a smile, wider on the
# right", "the right eye narrower than the left"): the side named with the comparison is the stronger one.
_MORE = r"(?:higher|more|bigger|wider|stronger|further|farther|larger|deeper|harder|tighter|narrower|heavier|broader)"
_SIDE_MORE = re.compile(rf"\b(?:the\s+)?(?P<side>left|right)(?:\s+(?:one|side|half|(?P<part>brow|eyebrow|eye|lid|corner|cheek)))?\s+"
                        rf"(?:(?:is|goes|sits|rises|pulls)\s+)?(?:a\s+(?:bit|little|lot)\s+|slightly\s+|much\s+|far\s+)?"
                        rf"(?P<more>{_MORE})\s+than\s+(?:the\s+)?(?P<other>left|right)\b"
                        rf"|\b{_MORE}\s+on\s+(?:the\s+)?(?P<side2>left|right)\b", re.IGNORECASE)
_COMPARED_PART = {"brow": "brows", "eyebrow": "brows", "eye": "lids", "lid": "lids", "corner": "corners",
                  "cheek": "cheeks"}
WEAKER_SIDE = 0.6  # the other side's share of a face one side of which is said to do more


def _without_sides_compared(text: str) -> str:
    """The words without a comparison of sides, which is applied to the face after it is composed; a part it names
    stays, with its action ("the right eye narrower than the left" -> "the eye narrower")."""
    return _SIDE_MORE.sub(lambda m: f" the {m.group('part')} {m.group('more')} " if m.group("part") else " ", text)


def _compare_sides(text: str, composition: Composition) -> Composition:
    """The composition with the side the words call weaker turned down (see ``_SIDE_MORE``); unchanged otherwise."""
    match = _SIDE_MORE.search(text)
    if match is None or (match.group("other") and match.group("other").lower() == match.group("side").lower()):
        return composition
    stronger = (match.group("side") or match.group("side2")).lower()
    weaker = "Right" if stronger == "left" else "Left"
    region = _COMPARED_PART.get((match.group("part") or "").lower())
    target = composition.target.copy()
    for index, name in enumerate(ARKIT_NAMES):
        if name.endswith(weaker) and (region is None or CHANNEL_REGION[index] == region):
            twin = INDEX[name[: -len(weaker)] + ("Left" if weaker == "Right" else "Right")]
            if target[index] > 0.02 and target[twin] >= target[index]:
                target[index] = target[twin] * WEAKER_SIDE
    if np.array_equal(target, composition.target):
        return composition
    note = f"The {stronger} side is said to do more: the other side is at {round(100 * WEAKER_SIDE)}% of it."
    return replace(composition, target=target, notes=composition.notes + [note])


_FLOWS_ON = re.compile(r"\s*(?:,\s*)?(?:and\s+|but\s+|then\s+)?(?:\w+\s+){0,2}?(?:in)?to\b", re.IGNORECASE)


def _flows_on(text: str, phrase: str) -> bool:
    """True when the phrase is followed by a turn into the next expression ("... falters and collapses into")."""
    at = text.find(phrase.strip())
    return at >= 0 and bool(_FLOWS_ON.match(text, at + len(phrase.strip())))


# "as the joke lands", "when the news arrives": a clause of the moment, a thing and what it does.
_MOMENT = re.compile(r"^\s*(?:and\s+)?(?:just\s+)?(?:as|when|while|once|the\s+moment)\s+(?:the|a|an|this|that)\s+"
                     r"([a-z]+)\s+([a-z]+)(?:\s+(?:in|on|home|out|up))?\s*[.!,]?\s*$", re.IGNORECASE)


def _circumstance(text: str, read: StepWords) -> bool:
    """True for a clause that only says when ("as the joke lands", "when the news arrives"): a thing that is not a
    face part, doing what events do (land, arrive, begin, end), not what expressions do (spread, fade, return)."""
    match = _MOMENT.match(text)
    if match is None or _FACE_FRAME.search(text) or any(it.kind == "part" for it in read.items):
        return False
    return stem(match.group(2).lower()) in _EVENT_VERBS


_EVENT_VERBS = frozenset(stem(w) for w in (
    "land", "lands", "landed", "hit", "hits", "arrive", "arrives", "arrived", "begin", "begins", "began", "start",
    "starts", "started", "end", "ends", "ended", "finish", "finishes", "finished", "ring", "rings", "rang", "come",
    "comes", "came", "open", "opens", "opened", "close", "closes", "closed", "stop", "stops", "stopped", "sink",
    "sinks", "sank", "register", "registers", "registered", "approach", "approaches", "approached", "enter",
    "enters", "entered", "explode", "explodes", "exploded", "strike", "strikes", "struck", "play", "plays"))


_IN_ITS_PLACE = re.compile(r"\W*(?:and\s+)?in\s+(?:its|her|his|their)\s+place\b", re.IGNORECASE)


def _replaced(text: str, phrase: Phrase, following: Phrase, read: StepWords | None) -> bool:
    """True when an expression that goes away is followed, in the same sentence, by a face that takes its place
    ("the sneer falls away and a real smile takes its place", "when the laughter died away, his face was grave")."""
    if read is None or not any(not it.weak for it in read.items):
        return False
    start = text.find(phrase.original.strip())
    end = text.find(following.original.strip(), max(start, 0))
    gap = text[start + len(phrase.original.strip()):end]  # "her smile faded; in its place came a look of fear"
    return 0 <= start < end and (not re.search(r"[.!?;]|\bthen\b", gap) or bool(_IN_ITS_PLACE.match(gap)))


def _accepted(read: StepWords, text: str = "") -> bool:
    """A step reads as a face when its face words are clear and make up enough of it (a little less in a sentence
    about him or her, whose other words tell the story: "She regarded him with thinly veiled disdain")."""
    if not read.items or _thing_changes_colour(read, text):
        return False
    strong = any(not it.weak for it in read.items)
    if _face_predicate(text):
        return read.relevance >= (PROSE_RELEVANCE if strong else MIN_RELEVANCE)
    if strong and _narrated(text):
        return read.relevance >= NARRATED_RELEVANCE
    return read.relevance >= (MIN_RELEVANCE if strong else WEAK_RELEVANCE)


# A colour change said of something ("The light turned red", "the water went white with foam"): the weak colour
# words read as a blush or pallor only when a person or a face changes colour ("he went white", "her cheeks turned
# crimson", "Anna turned red"); with no subject at all ("turns red") it is an instruction and is read.
_COLOUR_CHANGE = re.compile(r"^(?P<subject>.*?)\b(?:turn|turns|turned|turning|went|goes|go|going|grew|grows|grow|"
                            r"growing)\s+(?:[a-z]+\s+)?(?:red|crimson|scarlet|white|grey|gray|pink|purple)\b",
                            re.IGNORECASE)
_PERSON_OR_FACE = re.compile(r"\b(?:he|she|they|i|you|we|him|her|his|their|my|your|face|faces|cheeks?|ears?|neck|"
                             r"forehead|countenance|features|lips|skin|man|woman|boy|girl|child|character|person)\b",
                             re.IGNORECASE)


def _thing_changes_colour(read: StepWords, text: str) -> bool:
    """True when a step's only face words are weak ones and the text says a thing changes colour."""
    if any(not it.weak for it in read.items):
        return False
    match = _COLOUR_CHANGE.search(text)
    if match is None:
        return False
    subject = words(match.group("subject"))
    return bool(subject) and not _PERSON_OR_FACE.search(match.group("subject")) \
        and not set(subject) & person_names(text)


_NARRATED = re.compile(r"^\s*(?:\(\s*beat\s*\)\s*)?(?:she|he|her|his)\b", re.IGNORECASE)


def _narrated(text: str) -> bool:
    """A sentence about him or her: it opens with a pronoun, or with a person's name before its verb ("Jack looks
    perfectly furious, but restrains himself", a stage direction)."""
    if _NARRATED.match(text):
        return True
    first = words(text)[:1]
    return bool(first) and text.lstrip()[:1].isupper() and first[0].lower() in person_names(text)


# Story prose whose predicate is the face: a person's face part ("his lips", "Anna's face", "her eyes") or a face
# verb in the past tense ("Kitty smiled", "the prince frowned"). Its other words tell the story around the face, so
# a tenth of face words is enough; documentation and code almost never say either.
_POSSESSED_PART = re.compile(r"\b(?:his|her|their|my|your|\w+['’]s)\s+(?:[a-z‐-]+\s+){0,2}?(?:face|faces|eyes|eye|"
                             r"lips|lip|mouth|brows?|eyebrows?|cheeks?|jaw|countenance|features|forehead|nostrils|chin|"
                             r"smile|eyelids|lids)\b", re.IGNORECASE)
_PAST_FACE_VERB = re.compile(r"\b(?:smiled|frowned|scowled|grinned|sneered|smirked|laughed|blushed|flushed|winced|"
                             r"grimaced|pouted|glared|beamed|simpered|crimsoned|reddened|paled|blanched|gaped|"
                             r"stared|wept|sobbed)\b", re.IGNORECASE)
# A person going pale ("He grows deadly pale", "Count Rostopchín suddenly grew pale"), not a thing ("the page turns pale").
_GOES_PALE = re.compile(r"\b(?:[Hh]e|[Ss]he|[Tt]hey|[A-Z][^\W\d_]+)\s+(?:[a-z]+ly\s+)?(?:grew|grows|turned|turns|went|"
                        r"goes)\s+(?:deadly\s+|deathly\s+|very\s+|quite\s+)?pale\b")
# The stage direction's way of saying the same: the present, the participle or the adverb of a face verb ("MRS.
# ERLYNNE smiles, and continues conversation", "Falls sobbing on the sofa", "calls smilingly"), or a plural subject
# with the plain verb ("They smile at each other").
_STAGE_FACE_VERB = re.compile(r"\b(?:(?:smil|laugh)(?:es|s|ing|ingly)|frown(?:s|ing)|scowl(?:s|ing)|grin(?:s|ning)|"
                              r"sneer(?:s|ing|ingly)|smirk(?:s|ing)|chuckl(?:es|ing)|blush(?:es|ing)|winc(?:es|ing)|"
                              r"grimac(?:es|ing)|pout(?:s|ing)|sob(?:s|bing)|weep(?:s|ing)|wink(?:s|ing)|yawn(?:s|ing)|"
                              r"tearfully|(?:they|we)\s+(?:smile|laugh|frown|scowl|grin|sneer|glare|beam|weep))\b",
                              re.IGNORECASE)
# A direction's manner, a face noun after "with" ("Turning round with feigned surprise", "With a polite grin, as he
# disposes of the coins", "Hiding her feelings with a trivial laugh").
_STAGE_FACE_MANNER = re.compile(r"\bwith\s+(?:an?\s+)?(?:[a-z]+\s+){0,2}(?:smile|grin|laugh|sneer|frown|scowl|"
                                r"glare|grimace|blush|surprise|contempt|scorn|disgust|amusement)\b", re.IGNORECASE)


# A face named with an article or in a phrase of manner rather than owned ("with a gloomy face", "with staring eyes",
# "gave the princess a frightened look"), or a look given a manner by an adverb ("looked angrily at", "glanced
# gratefully at"). Only where the phrase's own words read as a face: "with a regular expression" is not one.
_FACE_NOUNS = (r"(?:face|faces|eyes|eye|lips|mouth|brows?|eyebrows?|cheeks?|countenance|features|forehead|nostrils|"
               r"look|looks|glance|expression|smile|stare|gaze)")
_ARTICLE_FACE = re.compile(r"\b(?:with|in|on|wore|wearing|gave|gives|give|giving|darted|darts|cast|casts|casting|turned|"
                           r"turns|turning|had|has|having)\s+(?:an?|the|one|some|\w+\s+an?)\s+(?:[a-z‐-]+,?\s+(?:and\s+)?)"
                           r"{0,3}?" + _FACE_NOUNS + r"\b"
                           r"|\bwith\s+(?:[a-z‐-]+,?\s+(?:and\s+)?){1,3}?(?:faces?|eyes|lips|brows?|cheeks|countenance|"
                           r"features|looks)\b"
                           r"|\b(?:looked|looks|looking|glanced|glances|glancing|gazed|gazes|gazing|stared|stares|staring|"
                           r"peered|peers|peering)\s+(?:at\s+\w+\s+|up\s+|down\s+|round\s+|around\s+)?\w+ly\b",
                           re.IGNORECASE)


def _face_predicate(text: str) -> bool:
    """True for a sentence of story prose or a stage direction about a face (see ``_POSSESSED_PART`` and
    ``_ARTICLE_FACE``); never for code."""
    return (bool(_POSSESSED_PART.search(text) or _PAST_FACE_VERB.search(text) or _STAGE_FACE_VERB.search(text)
             or _STAGE_FACE_MANNER.search(text) or _GOES_PALE.search(text)
             or any(_reads_as_face(m.group(0)) for m in _ARTICLE_FACE.finditer(text)))
            and not _looks_like_code(text))


def _elided(read: StepWords, previous: list[Item], notes: list[str], text: str, before: str = "") -> None:
    """"raise the left brow, then the right brow": a step naming only a part does what the step before did to it;
    "irritation flickers, before he masks it": a step holding back "it" holds back the step before."""
    if read.holds_back and not read.items and previous:
        read.items.extend(replace(it, suppressed=True, negated=False, removed=False) for it in previous)
        read.understood += len(read.unknown)
        read.unknown.clear()
        notes.append(f"'{text}' holds back what the step before showed: "
                     + ", ".join(it.describe() for it in previous) + ".")
        return
    if read.bare_level and not read.items and not read.unknown and not read.bare_parts and previous:
        level, words_ = read.bare_level
        read.items.extend(replace(it, level=level, level_word=words_, exact=True, negated=False, removed=False)
                          for it in previous)
        read.understood += 1
        read.content += 1
        notes.append(f"'{text}' names a level only: the step before, at {words_}.")
        return
    other = _OTHER_SIDE.fullmatch(text.strip(" .!,"))
    sides = {it.side for it in previous}
    if other and not read.items and previous and len(sides) == 1 and sides <= {"left", "right"}:
        opposite = "right" if sides == {"left"} else "left"
        read.items.extend(_to_side(it, opposite) for it in previous)
        read.understood += len(read.unknown) + 1
        read.content += 1
        read.unknown.clear()
        notes.append(f"'{text}' names the other side only: the step before, on the {opposite}.")
        return
    if read.bare_side and not read.items and not read.unknown and not read.bare_parts and previous:
        read.items.extend(_to_side(it, read.bare_side) for it in previous)
        notes.append(f"'{text}' names a side only: the step before, on the {read.bare_side}.")
        return
    if not read.items and (read.unknown or len(words(text)) <= 3) and not read.bare_parts and previous:
        _elided_action(read, previous, text, notes, before)
        return
    if read.items or read.unknown or not read.bare_parts:
        return
    for regions, side in read.bare_parts:
        done = [it for it in previous if it.kind == "part" and set(it.regions) & regions]
        for item in done:
            read.items.append(replace(item, side=side, negated=False, removed=False))
    if read.items:
        notes.append(f"'{text}' names a part only: it does what the step before did ("
                     + ", ".join(it.describe() for it in read.items) + ").")


# "raise one brow, then the other": a step that is the step before on the other side of the face.
_OTHER_SIDE = re.compile(r"(?:and\s+|then\s+)*(?:the\s+other|the\s+other\s+(?:one|side|brow|eyebrow|eye|corner|cheek))",
                         re.IGNORECASE)


_REGION_WORD = {"brows": "brows", "lids": "eyes", "gaze": "eyes", "nose": "nose", "cheeks": "cheeks",
                "corners": "mouth corners", "lips": "lips", "jaw": "jaw", "tongue": "tongue", "chin": "chin"}


def _elided_action(read: StepWords, previous: list[Item], text: str, notes: list[str], before: str = "") -> None:
    """"his eyes go wide, then squeeze shut": a step of an action word only acts on the part the step before named
    (by a part item, or by a part noun inside a whole expression: "the brows shoot up, then knit together")."""
    regions = [sorted(item.noun_regions or item.regions)[0] for item in previous
               if item.kind == "part" and (item.noun_regions or item.regions)]
    if not regions and previous:
        regions = _nouns_named(before)
    for region in regions:
        action = re.sub(r"\s*\b(?:them|it)\b", "", text)  # "open them wide" acts on the part itself
        again = read_step_words(f"{_REGION_WORD[region]} {action}")
        if again.items and not again.unknown:
            read.items.extend(again.items)
            read.understood += len(read.unknown)
            read.unknown.clear()
            if not read.content:  # "close" alone has no content word of its own: it is the action read here
                read.content = read.understood = 1
            notes.append(f"'{text}' names an action only: it acts on the {_REGION_WORD[region]} of the step before.")
            return


def _nouns_named(text: str) -> list[str]:
    """The regions of the part nouns in a text ("the brows shoot up" -> ["brows"]), in the order they appear."""
    found: list[str] = []
    for word in words(text):
        for region in REGION_NOUNS.get(stem(word), REGION_NOUNS.get(word.rstrip("s"), ())):
            if region in _REGION_WORD and region not in found:
                found.append(region)
    return found


_LEFTWARD = ("eyeLookOutLeft", "eyeLookInRight", "jawLeft", "mouthLeft")  # a gaze or shift toward the left


def _to_side(item: Item, side: str) -> Item:
    """The item done on ``side``: a one-sided item moves there; a two-sided one that leans the other way (a gaze
    to the left, a jaw shifted left) is mirrored."""
    from ..knowledge.action_units import mirror_channel, mirror_weights
    from ..naming.arkit import INDEX

    if item.side in ("left", "right"):
        return replace(item, side=side, negated=False, removed=False)
    weights = np.asarray(item.weights, np.float32)
    left = sum(float(weights[INDEX[n]]) for n in _LEFTWARD)
    right = sum(float(weights[INDEX[mirror_channel(n)]]) for n in _LEFTWARD)
    if (left > right) != (side == "left"):
        weights = mirror_weights(weights)
    other = "right" if side == "left" else "left"
    label = item.label[: -len(other)] + side if item.label.endswith(other) else f"{item.label} ({side})"
    return replace(item, weights=weights, label=label, negated=False, removed=False)


def _quality(item: Item) -> float:
    """How much a match by meaning (rather than by the words themselves) is trusted."""
    if item.similarity is None:
        return 0.8 if item.weak else 1.0
    return float(np.clip(0.4 + (item.similarity - MEANING_THRESHOLD) / (1.0 - MEANING_THRESHOLD) * 0.4, 0.3, 0.8))


def _same(a: Item, b: Item) -> bool:
    return a.label == b.label or a.weights is b.weights


_SUBJECT = re.compile(r"^\s*(?:she|he|they|i|we|you|her|his|their|my|your|the\s+\w+['’]s)\b", re.IGNORECASE)
_REQUEST = re.compile(r"^\s*(?:please\s+)?(?:make|give|have|let|show|get|could|can|would|i\s+want|i\s+need|"
                      r"i['’]?d\s+like)\b", re.IGNORECASE)
_SUBJECT_PRONOUN = re.compile(r"^\s*(?:she|he|they|i|we)\b", re.IGNORECASE)
_PARTICIPLE = re.compile(r"^\s*[a-z]+(?:ing|ed)\b(?:\s+\w+)?\s*$", re.IGNORECASE)  # "startled", "still smiling"
_SUBPART = re.compile(r"^\s*(?:the\s+|her\s+|his\s+)?(?:upper|lower|top|bottom|inner|outer)\s+(?:eye)?(?:lid|lip|brow)",
                      re.IGNORECASE)
_NEGATION_START = re.compile(r"^\s*(?:no|not|never|without|nor|neither|nothing|none)\b", re.IGNORECASE)
_PHRASE_START = re.compile(r"^\s*(?:without|with|while|whilst)\b", re.IGNORECASE)
_CORRECTION = re.compile(r"^\s*(?:just|only|merely|simply|but|rather|instead|more|mostly|less)\b", re.IGNORECASE)
_DANGLING = re.compile(r"\b(?:a|an|the|her|his|their|my|your)\s+([a-z'’-]+)$", re.IGNORECASE)
HEAD_NOUNS = frozenset("smile grin frown look expression face smirk stare glance gaze scowl grimace pout laugh "
                       "glare sneer mouth eyes brows eyebrows".split())


@lru_cache(maxsize=2048)
def _overlap_on_named_part(before: str, part: str) -> float | None:
    """How alike (cosine) the face of ``part`` read as an action of the part ``before`` named is to the face of
    ``before`` ("lids heavy, half closed" 1.0; "jaw open wide, close" low); None when it does not read so."""
    if len(words(part)) > 3:
        return None
    before_read = read_step_words(before)
    for region in [r for r, _ in _named_regions(before)] or _nouns_named(before):
        noun = _REGION_WORD.get(region)
        again = read_step_words(f"{noun} {part}") if noun else None
        if again is None or not again.items or again.unknown or not any(it.kind == "part" for it in again.items):
            continue
        new = sum(it.weights for it in again.items)
        old = sum((it.weights for it in before_read.items), np.zeros_like(new))
        return float(new @ old) / (float(np.linalg.norm(new) * np.linalg.norm(old)) or 1.0)
    return None


def _simultaneous(before: str, part: str) -> bool:
    """Whether a part after a bare comma happens together with the part before, rather than after it.

    Together: a sentence with a subject or a request ("She looks up, startled", "give her a warm, friendly
    smile"), a correction after a negation ("not angry, just tired"), and named parts of other regions
    ("eyes closed, a soft smile"; "heavy lids, a lazy lopsided grin"). After it: a list of expressions or actions ("kiss, smile, wink") and
    named parts of the same region ("look left, look right").
    """
    tokens = words(before)
    if _opposite_sides(tokens, words(part)):
        return True  # "L smile, R sneer", "left brow up, right one down": the two sides of the face at once
    if _SIDE_MORE.search(part) and not read_step_words(part).items:
        return True  # "a smile, wider on the right": how the face before is shared between the sides
    negated = bool(set(tokens) & NEGATORS) or "longer" in tokens
    if negated and (_CORRECTION.match(part) or _NEGATION_START.match(part)):
        return True  # "not angry, just tired"; "no smile, no frown"
    if _next_event(before, part):
        return False  # "he grins, catches himself, and goes straight-faced": what one subject does next
    if _PHRASE_START.match(before) and not _PHRASE_START.match(part):
        return True  # "without blinking, she glares"
    if _SUBJECT_PRONOUN.match(part) and not _SUBJECT.match(before) and not _REQUEST.match(before) and (
            negated or _PARTICIPLE.match(before)):
        return True  # "no longer smiling, he stared coldly"; "startled, she looks up": a phrase about its subject
    if _SUBPART.match(part):
        return True  # "upper lids up, lower lids tense": two parts of one region, at the same time
    dangling = _DANGLING.search(before.strip())
    if dangling and dangling.group(1).lower() not in HEAD_NOUNS and set(words(part)[:4]) & HEAD_NOUNS:
        return True  # "a tired, lopsided smile", "a nervous, toothy smile please": adjectives of one noun
    if tokens and all(w in _LEVEL_WORDS or (w.endswith("ly") and len(w) > 4) for w in tokens):
        return True  # "seriously, massively happy": adverbs of what follows
    read = read_step_words(part)
    if not read.items and not read.bare_parts:
        overlap = _overlap_on_named_part(before, part)
        if overlap is not None and overlap < 0.5:
            return False  # "jaw open wide, close, open again": an action alone acts on the part before, after it
        if overlap is not None and overlap > 0.9:
            return True  # "lids heavy, half closed": the part's state said again in other words
    if not read.items and not read.content:
        return True  # "eyes closed, head tilted": no face words of its own (the head, a shrug)
    named_before, named_part = _named_regions(before), _named_regions(part)
    if _moved_by(before) == {"gaze"} and len(words(part)) >= 2 and read.items and "gaze" not in _moved_by(part):
        return True  # "look up-left, small smile, brows relaxed": where the eyes go, and the face they go with
    bare_part = {r for regions, _ in read.bare_parts for r in regions}
    if bare_part and named_before and not bare_part & {r for r, _ in named_before}:
        return True  # "jaw slack, eyes unfocused": another part of the face, described at the same time
    if not named_part and not _starts_with_part(part) and (named_before or _starts_with_part(before)) \
            and _restates_state(before, part):
        return True  # "lids heavy, half closed": the state of the part named before, said again in other words
    if any(r == q and {s, t} != {"left", "right"} for r, s in _moving_named_regions(before) for q, t in named_part):
        return False  # the same region twice ("look left, look right"), unless on the two sides of the face
    if _SUBJECT.match(before) or _REQUEST.match(before) or (tokens and tokens[0] in person_names(before)):
        return True
    if _starts_with_part(part) and read.items and not _moved_by(before) & {r for it in read.items
                                                                          for r in _moved_regions(it)}:
        return True  # "looking up, cheeks puffed": a part named first, doing something elsewhere on the face
    if named_part:
        return True
    if _starts_with_feature(part) and read.items and not _pulls_against(before, part):
        return True  # "an enormous grin, dimples showing": a feature that shows on the face before, not a new face
    if not named_before and not _PART_NOUNS & {stem(w) for w in tokens}:
        return False
    # a face after a named part, with at most one word not understood
    return not read.unknown or (read.strong and len(read.unknown) <= 1 and len(read.unknown) < len(read.items) + 1)


# A new predicate of the same subject ("..., and goes straight-faced", "..., and he is suddenly furious"): an optional
# "and"/"but", an optional pronoun, an optional adverb, then a finite verb.
_CONCURRENT = re.compile(r"^\s*yet\b|\b(?:still|also|too|all\s+the\s+while|at\s+the\s+same\s+time|as\s+well)\b",
                         re.IGNORECASE)
_PREDICATE = re.compile(r"^\s*(?P<joined>(?:(?:and|but)\s+)?(?:(?:she|he|they|it|i|we|you)\s+)?)(?:\w+ly\s+)?"
                        r"(?P<verb>is|was|are|were|goes|went|grows|grew|becomes|became|turns|turned|breaks|broke|"
                        r"falls|fell|[a-z]{2,}(?<!s)s|[a-z]{2,}ed)\b", re.IGNORECASE)


def _next_event(before: str, part: str) -> bool:
    """True when ``part`` is a new predicate (a finite verb, with or without its subject) whose face follows the face
    of ``before`` rather than joining it: one of the two is the face at rest and the other is not ("The blankness
    breaks, and he is suddenly furious"; "He grins, catches himself, and goes straight-faced"), or they pull a region
    opposite ways. A narrative series of predicates tells events in order; parts of one face are named, not told."""
    if (not (_SUBJECT.match(before) or _NAMED_FACE.match(before)) or not _PREDICATE.match(part) or _starts_with_part(part)
            or _CONCURRENT.search(part)):
        return False  # "she looks sad, yet she is still smiling": both at once
    verb = _PREDICATE.match(part)
    if not verb.group("joined").strip() and (verb.group("verb").lower().endswith("ed")
                                             or read_step_words(verb.group("verb")).items):
        return False  # "he raised an eyebrow, unconvinced", "tears in his eyes": a participle or a noun, not a verb
    first, second = read_step_words(before), read_step_words(part)
    if not first.items or not second.items:
        return False
    at_rest = [_at_rest(read) for read in (first, second)]
    return at_rest[0] != at_rest[1] or (not any(at_rest) and _pulls_against(before, part, floor=0.3))


def _restates_state(before: str, part: str) -> bool:
    """True when ``part`` (no part of its own) moves only what ``before`` named and moves it the same way: "lids
    heavy, half closed" is one state said twice; "jaw open wide, close" and "look left, look right" are not."""
    def face(text: str) -> np.ndarray:
        return sum((item_target(it) for it in read_step_words(text).items if not it.negated),
                   np.zeros(len(ARKIT_NAMES), np.float32))

    first, second = face(before), face(part)
    norms = float(np.linalg.norm(first) * np.linalg.norm(second))
    return (norms > 0 and float(first @ second) / norms > 0.9
            and _moved_by(part) <= _moved_by(before))


def _at_rest(read: StepWords) -> bool:
    """True when the words say the face is at rest ("straight-faced", "the blankness", "empty"): every item they
    read is a phrasing of a neutral, blank or calm face. A face with no channels of its own ("flushed") is no rest."""
    shown = [it for it in read.items if not it.negated]
    return bool(shown) and all(it.label.lower() in _rest_phrasings() for it in shown)


@lru_cache(maxsize=1)
def _rest_phrasings() -> frozenset[str]:
    """The phrasings of the vocabulary that name a face at rest."""
    return frozenset(e.phrase.lower().lstrip("?") for e in vocabulary() if e.label in ("neutral", "blank", "calm"))


# A face word as the subject of a sentence ("The blankness breaks", "Her smile fades").
_NAMED_FACE = re.compile(r"^\s*(?:the|her|his|their)\s+[a-z]+\s+[a-z]+(?:s|ed)\b", re.IGNORECASE)


_LEADING_SIDES = {"l": "left", "left": "left", "lft": "left", "r": "right", "right": "right", "rt": "right"}


def _opposite_sides(before: list[str], part: list[str]) -> bool:
    """True when two comma-separated parts each start with a side, opposite ones, and say what that side does."""
    sides = {_LEADING_SIDES.get(tokens[0]) for tokens in (before, part) if len(tokens) > 1}
    return sides == {"left", "right"}


_PART_NOUNS = frozenset(stem(noun) for noun in REGION_NOUNS if " " not in noun)
_PART_NOUN_KEYS = frozenset(tuple(stem(w) for w in noun.split()) for noun in REGION_NOUNS)
_LEVEL_WORDS = frozenset(w for m, _ in MODIFIERS for w in m.split())


def _named_regions(text: str) -> frozenset[tuple[str, str]]:
    """(region, side) of the parts the words name ("her eyes widen" -> lids, both; "smile" -> none)."""
    return frozenset((r, it.side) for it in read_step_words(text).items if it.kind == "part"
                     for r in (it.noun_regions or it.regions))


def _moving_named_regions(text: str) -> frozenset[tuple[str, str]]:
    """Like ``_named_regions``, less the regions a named action only holds at rest."""
    return frozenset((r, it.side) for it in read_step_words(text).items if it.kind == "part"
                     for r in (it.noun_regions or frozenset(it.regions) & _moved_regions(it)))


# Marks that show on the skin of a face rather than parts it moves ("dimples showing", "creases at the eyes").
_FEATURE_KEYS = frozenset((stem(w),) for w in ("dimple", "dimples", "crease", "creases", "wrinkle", "wrinkles",
                                               "furrow", "furrows"))


def _starts_with_feature(text: str) -> bool:
    """True when the words begin with a part of the face or a mark on it ("lips peeled back", "dimples showing")."""
    stems = [stem(w) for w in words(text) if w not in DETERMINERS][:3]
    return _starts_with_part(text) or any(tuple(stems[:1]) == key for key in _FEATURE_KEYS)


def _pulls_against(before: str, part: str, floor: float = 0.15) -> bool:
    """True when the faces of two texts pull some region opposite ways (corners up and down, lids wide and shut),
    each above ``floor``."""
    def face(text: str) -> np.ndarray:
        return sum((item_target(it) for it in read_step_words(text).items if not it.negated), np.zeros(len(ARKIT_NAMES), np.float32))

    first, second = face(before), face(part)
    for a, b, _ in OPPOSED:
        ma, mb = STEM_MASKS[a], STEM_MASKS[b]
        if (first[ma].max() > floor and second[mb].max() > floor) or (first[mb].max() > floor and second[ma].max() > floor):
            return True
    return False


def _starts_with_part(text: str) -> bool:
    """True when the words begin with a part of the face ("cheeks puffed", "the lower lip out")."""
    stems = [stem(w) for w in words(text) if w not in DETERMINERS][:3]
    return any(tuple(stems[:len(key)]) == key for key in _PART_NOUN_KEYS)


@lru_cache(maxsize=2048)
def _moved_by(text: str) -> frozenset[str]:
    """The regions the items of a text move."""
    return frozenset(r for it in read_step_words(text).items for r in _moved_regions(it))


def _moved_regions(item: Item) -> frozenset[str]:
    """The regions an item moves ("a tight smile" moves the mouth and only holds the eyes at rest, so it does not name
    the eyes: "a tight smile, eyes watchful" is one step)."""
    from ..knowledge.face_parts import CHANNEL_REGION

    moved = np.flatnonzero(np.asarray(item.weights) > 0.02)
    return frozenset(CHANNEL_REGION[i] for i in moved)


def _reads_as_face(text: str) -> bool:
    return read_step_words(text).strong


def _percent(value: float) -> str:
    return f"{round(100 * value)}%"


def _no_words(text: str) -> str:
    shown = text[:40]
    return (f"'{shown}' has no words to read (only punctuation, symbols, emoji or numbers). "
            f"Describe the face in English, for example: {EXAMPLES}.")


def _looks_like_code(text: str) -> bool:
    return len(_CODE.findall(text)) >= max(2, len(text) // 40)


def _not_a_face(text: str, code: bool) -> str:
    shown = text[:60]
    if code:
        return f"'{shown}' looks like code, not a description of a face. Try for example: {EXAMPLES}."
    return f"Nothing in '{shown}' reads as a facial expression. Try for example: {EXAMPLES}."


# --- the meaning index ---------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _short_phrasings() -> tuple[VocabEntry, ...]:
    return tuple(e for e in vocabulary() if len(e.phrase.split()) == 1 and not e.weak and e.strength > 0)


@lru_cache(maxsize=1)
def _idiom_phrasings() -> tuple[VocabEntry, ...]:
    return tuple(e for e in vocabulary() if len(e.phrase.split()) >= 3 and not e.weak and e.strength > 0)


_INDEX_CACHE: dict[str, np.ndarray] = {}


def _index_vectors(encoder, entries: tuple[VocabEntry, ...] | None = None, kind: str = "vocabulary") -> np.ndarray:
    from ..text.embedding_cache import cached_embeddings

    entries = _short_phrasings() if entries is None else entries
    texts = [e.phrase for e in entries]
    digest = hashlib.sha1(("\n".join(texts) + encoder.name).encode()).hexdigest()[:16]
    key = f"{encoder.name}_{digest}"
    if key not in _INDEX_CACHE:
        _INDEX_CACHE[key] = cached_embeddings(kind, encoder.name, texts, encoder.encode)  # older versions pruned
    return _INDEX_CACHE[key]


def vocabulary_vectors(encoder) -> np.ndarray:
    """The one-word phrasings' embeddings (the meaning index unseen words are matched against)."""
    return _index_vectors(encoder)


def idiom_vectors(encoder) -> np.ndarray:
    """The idioms' embeddings (what a figurative clause is matched against)."""
    return _index_vectors(encoder, _idiom_phrasings(), "idioms")


_IDIOM_CACHE: dict[tuple[str, str], tuple[VocabEntry | None, float]] = {}


def nearest_idiom(encoder, clause: str) -> tuple[VocabEntry | None, float]:
    """The idiom nearest in meaning to a clause ("like he swallowed a wasp"), and its cosine."""
    key = (encoder.name, clause.lower())
    if key not in _IDIOM_CACHE:
        entries = _idiom_phrasings()
        scores = np.nan_to_num(np.asarray(encoder.encode([clause]), np.float32) @ idiom_vectors(encoder).T,
                               nan=0.0)[0]
        best = int(np.argmax(scores)) if len(scores) else -1
        _IDIOM_CACHE[key] = (entries[best], float(scores[best])) if best >= 0 else (None, 0.0)
    return _IDIOM_CACHE[key]


_WORD_CACHE: dict[tuple[str, str], tuple[VocabEntry | None, float]] = {}


def nearest_phrasings(encoder, unknown: tuple[str, ...]) -> dict[str, tuple[VocabEntry | None, float]]:
    """The nearest short vocabulary phrasing of each word by meaning (cosine of the encoder's embeddings)."""
    missing = [w for w in unknown if (encoder.name, w) not in _WORD_CACHE]
    if missing:
        vectors = _index_vectors(encoder)
        queries = np.asarray(encoder.encode(missing), np.float32)
        scores = np.nan_to_num(queries @ vectors.T, nan=0.0)
        entries = _short_phrasings()
        for word, row in zip(missing, scores):
            order = np.argsort(-row)[:8]
            scored = [(meaning_score(word, entries[i].phrase, float(row[i])), int(i)) for i in order]
            score, best = max(scored)
            _WORD_CACHE[(encoder.name, word)] = (entries[best], score)
    return {w: _WORD_CACHE[(encoder.name, w)] for w in unknown}


def same_family(word: str, phrase: str) -> bool:
    """True when the two are forms of one word ("weepy"/"weep", "wrathy"/"wrathful"), not just alike in letters.

    "-less", "un-", "non-" and "dis-" forms are opposites, never one family ("joyless" is not "joy").
    """
    other = phrase.split()[0].lower() if phrase.split() else ""
    word = word.lower()
    if word.endswith("less") != other.endswith("less") or word[:2] == "un" != other[:2] == "un":
        return False
    for k in range(min(len(word), len(other)), 3, -1):
        if word[:k] == other[:k]:
            return word[k:] in _SUFFIXES and other[k:] in _SUFFIXES
    return False


def meaning_score(word: str, phrase: str, cosine: float) -> float:
    """How much a word means a phrasing: the cosine, less a penalty for letters shared by words of other families."""
    from difflib import SequenceMatcher

    lower = word.lower()
    for prefix, suffix in (("", "less"), ("un", ""), ("non", ""), ("dis", "")):
        if lower.startswith(prefix) and lower.endswith(suffix) and len(lower) > len(prefix + suffix) + 2:
            base = lower[len(prefix): len(lower) - len(suffix)]
            if (prefix or suffix) and base[:4] in phrase.lower():
                return 0.0  # "joyless" is the opposite of "joy", not a kind of it
    if same_family(word, phrase):
        return cosine
    return cosine - LETTER_PENALTY * SequenceMatcher(None, word.lower(), phrase.lower()).ratio()
