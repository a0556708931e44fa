"""The IFED training and evaluation corpus, generated from the expression knowledge base.

An ``Example`` is an instruction and the anchors it asks for, in order: each anchor is a
full-strength ARKit weight vector, an intensity, and whether it is a face at all (the
"not understood" class). ``build_corpus("train")`` uses the concepts' training synonyms and the
grammar's training shapes; ``build_corpus("heldout")`` uses only held-out synonyms AND held-out
shapes, so evaluation measures words and sentence shapes training never saw.
``"heldout_words"`` and ``"heldout_shapes"`` hold out one of the two, for a breakdown.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ml_backend.naming.arkit import ARKIT_NAMES, NUM_CHANNELS
from ml_backend.knowledge import Concept, all_concepts, nearest_category
from . import grammar

SPLITS = ("train", "heldout", "heldout_words", "heldout_shapes")
_DIRECTIONAL = {"jawLeft", "jawRight", "mouthLeft", "mouthRight"}  # a direction, not a side of the face
_STEP_UNSAFE = re.compile(r",|;|->|\b(?:into|then|before|becom\w*|turn\w*|chang\w*|finally|from|back)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """One anchor an instruction asks for."""

    weights: np.ndarray  # 52, full strength, in [0, 1]
    intensity: float
    is_face: bool = True
    label: str = ""
    category: str = "neutral"  # the basic-emotion category it should read as

    @property
    def apex(self) -> np.ndarray:
        """The weights the face reaches (weights x intensity)."""
        return np.clip(self.weights * self.intensity, 0.0, 1.0).astype(np.float32)


@dataclass(frozen=True)
class Example:
    """An instruction and its anchors in order; ``kind`` says which grammar rule made it."""

    text: str
    targets: tuple[Target, ...]
    kind: str


NEUTRAL = Target(np.zeros(NUM_CHANNELS, np.float32), grammar.DEFAULT_INTENSITY, True, "neutral", "neutral")
NOT_A_FACE = Target(np.zeros(NUM_CHANNELS, np.float32), 0.0, False, "not a face", "neutral")


def region_channels(region: str) -> np.ndarray:
    """Boolean mask of the ARKit channels of a face region ("brows", "eyes", "mouth")."""
    prefixes = {"brows": ("brow",), "eyes": ("eyeBlink", "eyeSquint", "eyeWide"), "mouth": ("mouth", "jaw", "cheek")}[region]
    return np.array([name.startswith(prefixes) for name in ARKIT_NAMES])


def side_channels(side: str) -> np.ndarray:
    """Boolean mask of the channels kept for a one-sided expression ("Left" or "Right")."""
    other = "Right" if side == "Left" else "Left"
    return np.array([not name.endswith(other) or name in _DIRECTIONAL for name in ARKIT_NAMES])


@lru_cache(maxsize=1)
def symmetric_partner() -> np.ndarray:
    """For each channel, its mirror channel's index (itself when unpaired): keeps jitter symmetric."""
    index = {name: i for i, name in enumerate(ARKIT_NAMES)}
    partner = np.arange(NUM_CHANNELS)
    for i, name in enumerate(ARKIT_NAMES):
        if name.endswith("Right") and name not in _DIRECTIONAL and name[:-5] + "Left" in index:
            partner[i] = index[name[:-5] + "Left"]
    return partner


class _Phrasing:
    """The word lists of one split."""

    def __init__(self, split: str) -> None:
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; one of {SPLITS}")
        new_words = split in ("heldout", "heldout_words")
        new_shapes = split in ("heldout", "heldout_shapes")
        self.synonyms = {c.name: _concept_words(c, new_words) for c in all_concepts()}
        g = grammar
        pick = (lambda train, held: held if new_shapes else train)
        self.templates = pick(g.TRAIN_TEMPLATES, g.HELDOUT_TEMPLATES)
        self.intensities = g.TRAIN_INTENSITIES if not new_words else g.HELDOUT_INTENSITIES
        self.sides = pick(g.TRAIN_SIDES, g.HELDOUT_SIDES)
        self.regions = g.HELDOUT_REGION_WORDS if new_words else g.TRAIN_REGION_WORDS
        self.combine = pick(g.TRAIN_COMBINE, g.HELDOUT_COMBINE)
        self.join = pick(g.TRAIN_JOIN, g.HELDOUT_JOIN)
        self.sequences = pick(g.TRAIN_SEQUENCES, g.HELDOUT_SEQUENCES)
        self.back = pick(g.TRAIN_BACK, g.HELDOUT_BACK)
        self.negative = pick(g.TRAIN_NEGATIVE, g.HELDOUT_NEGATIVE)


def _concept_words(concept: Concept, heldout: bool) -> tuple[str, ...]:
    if heldout:
        return tuple(concept.heldout_synonyms)
    return tuple(dict.fromkeys((concept.label,) + tuple(concept.synonyms)))


def _target(concept: Concept, intensity: float, weights: np.ndarray | None = None) -> Target:
    w = concept.weights if weights is None else weights
    category = concept.category if weights is None else nearest_category(w)
    return Target(np.asarray(w, np.float32), intensity, True, concept.label, category)


class CorpusBuilder:
    """Draws examples of each grammar rule for one split, from one random seed."""

    def __init__(self, split: str, seed: int) -> None:
        self.words = _Phrasing(split)
        self.rng = random.Random(seed)
        self.concepts = [c for c in all_concepts() if self.words.synonyms[c.name]]

    def _intensity_phrase(self, word: str, allow_speed: bool = True) -> tuple[str, float]:
        rng = self.rng
        intensity = grammar.DEFAULT_INTENSITY
        if rng.random() < 0.45:
            adverb, intensity = rng.choice(self.words.intensities)
            word = f"{adverb} {word}"
        if allow_speed and rng.random() < 0.12:
            word = f"{rng.choice(grammar.SPEED_WORDS)} {word}"
        return word, intensity

    def single(self, concept: Concept, word: str | None = None) -> Example:
        word = word or self.rng.choice(self.words.synonyms[concept.name])
        phrase, intensity = self._intensity_phrase(word)
        text = self.rng.choice(self.words.templates).format(x=phrase)
        return Example(text, (_target(concept, intensity),), "single")

    def sided(self) -> Example:
        candidates = [c for c in self.concepts if _has_sides(c)]
        concept = self.rng.choice(candidates)
        template, side = self.rng.choice(self.words.sides)
        phrase, intensity = self._intensity_phrase(self.rng.choice(self.words.synonyms[concept.name]), False)
        weights = np.where(side_channels(side), concept.weights, 0.0)
        return Example(template.format(x=phrase), (_target(concept, intensity, weights),), "side")

    def combined(self) -> Example:
        rng = self.rng
        region = rng.choice(sorted(self.words.regions))
        mask = region_channels(region)
        for _ in range(100):
            a, b = rng.sample(self.concepts, 2)
            words_b = [w for w in self.words.synonyms[b.name] if " " not in w]
            if b.kind != "action" and words_b and np.linalg.norm(b.weights[mask] - a.weights[mask]) > 0.3 \
                    and np.linalg.norm(b.weights[mask]) > 0.3:
                break
        weights = np.where(mask, b.weights, a.weights)
        phrase_a, intensity = self._intensity_phrase(rng.choice(self.words.synonyms[a.name]), False)
        text = rng.choice(self.words.combine).format(a=phrase_a, b=rng.choice(words_b), r=rng.choice(self.words.regions[region]))
        return Example(text, (_target(a, intensity, weights),), "combine")

    def joined(self) -> Example:
        rng = self.rng
        actions = [c for c in self.concepts if c.kind == "action"]
        for _ in range(100):
            a, b = rng.sample(actions, 2)
            if float(np.minimum(a.weights, b.weights).sum()) < 0.1:
                break
        weights = np.maximum(a.weights, b.weights)
        text = rng.choice(self.words.join).format(a=rng.choice(self.words.synonyms[a.name]), b=rng.choice(self.words.synonyms[b.name]))
        return Example(text, (_target(a, grammar.DEFAULT_INTENSITY, weights),), "join")

    def negative_phrase(self) -> str:
        rng = self.rng
        if rng.random() < 0.08:
            return rng.choice(grammar.NEGATIVE_FIXED)
        return rng.choice(self.words.negative).format(
            adj=rng.choice(grammar._NEG_ADJECTIVES), noun=rng.choice(grammar._NEG_NOUNS), verb=rng.choice(grammar._NEG_VERBS))

    def negative(self) -> Example:
        return Example(self.negative_phrase(), (NOT_A_FACE,), "negative")

    def _step(self, allow_negative: bool) -> tuple[str, Target]:
        rng = self.rng
        if allow_negative and rng.random() < 0.08:
            return self.negative_phrase(), NOT_A_FACE
        if rng.random() < 0.08:
            return "neutral", NEUTRAL
        concept = rng.choice(self.concepts)
        safe = [w for w in self.words.synonyms[concept.name] if not _STEP_UNSAFE.search(w)]
        if not safe:
            return "neutral", NEUTRAL
        phrase, intensity = self._intensity_phrase(rng.choice(safe))
        return phrase, _target(concept, intensity)

    def sequence(self, allow_negative: bool = True) -> Example:
        rng = self.rng
        shape = rng.choice(self.words.sequences)
        count = len(re.findall(r"\{\d\}", shape))
        steps = [self._step(allow_negative) for _ in range(count)]
        text = shape.format(*[s[0] for s in steps])
        targets = [s[1] for s in steps]
        if count < 5 and rng.random() < 0.3:
            text += rng.choice(self.words.back)
            targets.append(NEUTRAL)
        return Example(text, tuple(targets), "sequence")


def _has_sides(concept: Concept) -> bool:
    if "left" in concept.name or "right" in concept.name or "look" in concept.name or "eye_roll" in concept.name:
        return False
    partner = symmetric_partner()
    paired = partner != np.arange(NUM_CHANNELS)
    return bool(concept.weights[paired].max(initial=0.0) > 0.1)


TRAIN_COUNTS = {"single_rounds": 10, "side": 1500, "combine": 2500, "join": 1000, "sequence": 4500, "negative": 2600}
EVAL_COUNTS = {"single_rounds": 2, "side": 60, "combine": 120, "join": 60, "sequence": 160, "negative": 80}


def build_corpus(split: str = "train", seed: int = 0, counts: dict[str, int] | None = None) -> list[Example]:
    """Examples of one split: every concept's every phrase (``single_rounds`` times), plus the other rules."""
    counts = dict(TRAIN_COUNTS if split == "train" else EVAL_COUNTS, **(counts or {}))
    builder = CorpusBuilder(split, seed)
    examples: list[Example] = []
    for _ in range(counts["single_rounds"]):
        for concept in builder.concepts:
            examples.extend(builder.single(concept, word) for word in builder.words.synonyms[concept.name])
    examples += [builder.sided() for _ in range(counts["side"])]
    examples += [builder.combined() for _ in range(counts["combine"])]
    examples += [builder.joined() for _ in range(counts["join"])]
    examples += [builder.sequence(allow_negative=split == "train") for _ in range(counts["sequence"])]
    examples += [builder.negative() for _ in range(counts["negative"])]
    return _dedupe(examples)


def _dedupe(examples: list[Example]) -> list[Example]:
    seen: dict[str, Example] = {}
    for example in examples:
        seen.setdefault(example.text, example)
    return list(seen.values())
