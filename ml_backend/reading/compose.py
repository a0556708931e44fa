"""Compose a step's face items into one ARKit target: the union of parts, named parts winning their regions.

"a smile with worried eyebrows" = the smile's mouth and cheeks + the worried brows (a named part
overrides the same region of a whole-expression word). Two items that pull the same region opposite
ways ("smiling and frowning at once") are resolved explicitly: the one named first keeps that region,
the other keeps its other regions, and a note says so. A suppressed item ("tries not to laugh") becomes
pressed lips with a small trace of the expression in the mouth corners and cheeks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..knowledge.action_units import au_vector, mirror_weights
from ..knowledge.face_parts import CHANNEL_REGION, REGION_NOUNS, REGIONS
from ..naming.arkit import ARKIT_NAMES, NUM_CHANNELS
from .parse import Item

_REGION = np.array([REGIONS.index(r) for r in CHANNEL_REGION])
_LEFT = np.array([n.endswith("Left") for n in ARKIT_NAMES])
_RIGHT = np.array([n.endswith("Right") for n in ARKIT_NAMES])
_MIDLINE = ~(_LEFT | _RIGHT)
_BROWS = np.array([r == "brows" for r in CHANNEL_REGION])
ACTIVE = 0.02  # a channel above this is moved by an item
CONFLICT = 0.15  # both sides of an opposing pair above this is a contradiction
# Channel stems that pull a region opposite ways (corners up / down, lids wide / shut, ...).
OPPOSED: tuple[tuple[str, str, str], ...] = (
    ("mouthSmile", "mouthFrown", "mouth corners"),
    ("eyeWide", "eyeBlink", "eyelids"),
    ("jawOpen", "mouthPress", "mouth"),
    ("mouthPucker", "mouthStretch", "lips"),
    ("browOuterUp", "browDown", "brows"),
)
SUPPRESSION = au_vector(["24C", "17B"])  # pressed lips, chin raised: holding something back
SUPPRESSED_SHARE = 0.35  # what shows of a held-back expression, in its corners and cheeks only
_SUPPRESSED_REGIONS = np.isin(np.array(CHANNEL_REGION), ["corners", "cheeks", "lids", "brows"])


# The channels each stem of an opposing pair names, built once (the reader settles contradictions on every step).
STEM_MASKS: dict[str, np.ndarray] = {stem: np.array([n.startswith(stem) for n in ARKIT_NAMES])
                                     for pair in OPPOSED for stem in pair[:2]}


@dataclass
class Composition:
    """One step's face: the target weights, their intensity, what was understood, and how conflicts were settled."""

    target: np.ndarray  # (52,) apex weights
    label: str
    intensity: float
    notes: list[str] = field(default_factory=list)
    used: list[Item] = field(default_factory=list)

    @property
    def is_neutral(self) -> bool:
        return float(self.target.max(initial=0.0)) < ACTIVE

    def anchor_weights(self) -> tuple[np.ndarray, float]:
        """(weights, intensity) for an ``Anchor`` whose ``target`` is exactly this composition's target."""
        if self.intensity <= 0 or self.is_neutral:
            return np.zeros(NUM_CHANNELS, np.float32), 1.0
        return np.clip(self.target / self.intensity, 0.0, 1.0).astype(np.float32), float(self.intensity)


def sided(vector: np.ndarray, side: str) -> np.ndarray:
    """Keep one side of the face (the subject's own), midline channels at half.

    A one-sided face written for the other side (a wink, a sneer) is mirrored first: "R eye wink".
    """
    if side == "both":
        return vector
    keep, drop = (_LEFT, _RIGHT) if side == "left" else (_RIGHT, _LEFT)
    if float(vector[drop].sum()) > 2.0 * float(vector[keep].sum()) + ACTIVE:
        vector = mirror_weights(vector)
    out = vector.copy()
    out[drop] = 0.0
    out[_MIDLINE] *= 0.5
    return out


def _side_mask(side: str) -> np.ndarray:
    if side == "left":
        return _LEFT | _MIDLINE
    if side == "right":
        return _RIGHT | _MIDLINE
    return np.ones(NUM_CHANNELS, bool)


# The word an ARKit channel is named after ("mouthFrownLeft" -> "frown", "eyeBlinkRight" -> "blink").
_CHANNEL_WORD = [re.sub(r"^(?:mouth|eye|brow|jaw|cheek|nose)|(?:Left|Right)$", "", n).lower() for n in ARKIT_NAMES]


def _named_channels(label: str) -> np.ndarray:
    """The channels named after the label's word ("frown", "frowning", "frowns" -> both mouthFrown), else none."""
    word = label.split()[-1].lower() if label.split() else ""
    stems = {word, re.sub(r"(?:ing|ed|es|s)$", "", word)}
    return np.array([w in stems for w in _CHANNEL_WORD])


def item_target(item: Item) -> np.ndarray:
    """The item's apex weights: its face at its intensity, on its side, suppressed if held back. A stated level
    ("frown 50%", "sneer R 60") is the level of the item's strongest channel, whatever its recipe's peak."""
    weights = np.asarray(item.weights, np.float32)
    if item.exact and not item.suppressed:
        named = _named_channels(item.label)  # "frown 0.5": the frown channels at 0.5, whatever the brows do
        peak = float(weights[named].max()) if named.any() and float(weights[named].max()) > ACTIVE else 0.0
        weights = weights / max(peak or float(weights.max(initial=0.0)), 1e-3)
    if item.suppressed:
        weights = np.maximum(weights * _SUPPRESSED_REGIONS * SUPPRESSED_SHARE / max(item.intensity, 1e-3), SUPPRESSION)
    elif item.kind == "part" and not item.exact and item.intensity > item.strength:
        weights = _raised(weights, item.strength, item.intensity)
        return np.clip(sided(weights, item.side), 0.0, 1.0)
    return np.clip(sided(weights * item.intensity, item.side), 0.0, 1.0)


def _raised(weights: np.ndarray, strength: float, level: float) -> np.ndarray:
    """A face raised above its plain strength by a degree word, at that level of its own range: the plain peak goes
    toward 1 as the level goes from the word's strength to the top ("a completely slack jaw" opens the jaw fully, not
    to the slack jaw's plain third). For a recipe that peaks at 1 this is ``weights * level``, as before. Named parts
    only: a whole expression's recipe peaks below 1 where a stronger word goes further ("profoundly unhappy" stays
    below "devastated")."""
    top = float(weights.max(initial=0.0))
    plain = top * strength
    if top <= ACTIVE or strength >= 1.0:
        return weights * level
    share = (min(level, 1.0) - strength) / (1.0 - strength)
    return weights * ((plain + (1.0 - plain) * share) / top)


def _claim(item: Item, target: np.ndarray) -> np.ndarray:
    """Channels a named part takes over: its moved regions (those of its noun, when it has one) and the regions
    it names, on its side; a one-sided brow takes both brows ("he raised an eyebrow, unconvinced" keeps the other
    brow down rather than letting the whole expression raise it; "L brow up, R brow down" each keep their own)."""
    moved = {REGIONS[r] for r in _REGION[target > ACTIVE]}
    if item.noun_regions:  # "crinkled eyes" claims the eyes, not the mouth corners its smile touches
        moved &= set(item.noun_regions) | set(item.regions)
    regions = moved | set(item.regions)
    mask = np.isin(np.array(CHANNEL_REGION), sorted(regions)) if regions else np.zeros(NUM_CHANNELS, bool)
    return mask & (_side_mask(item.side) | _BROWS)


# Words that name what the mouth does (a smile, a frown), not a feeling of the whole face ("sad", "furious").
MOUTH_GESTURES = frozenset("smile smiles smiling smiled grin grins grinning grinned smirk smirks smirking smirked "
                           "laugh laughs laughing laughed frown frowns frowning frowned pout pouts pouting pouted "
                           "grimace grimaces grimacing sneer sneers sneering sneered".split())


def _is_gesture(item: Item) -> bool:
    """True when the item names a mouth gesture ("a smile", "still smiling"), not a feeling."""
    return bool(item.label.split()) and item.label.split()[-1].lower() in MOUTH_GESTURES


def _settle(group: list[tuple[Item, np.ndarray]], notes: list[str]) -> None:
    """Zero the later item's contested region when two items pull it opposite ways (in place).

    Items on opposite sides of the face ("L brow up, R brow down") do not contend.
    """
    for j in range(1, len(group)):
        later, later_target = group[j]
        for first, first_target in group[:j]:
            if {first.side, later.side} == {"left", "right"}:
                continue
            for a, b, region_words in OPPOSED:
                ma, mb = STEM_MASKS[a], STEM_MASKS[b]
                clash = ((first_target[ma].max() > CONFLICT and later_target[mb].max() > CONFLICT)
                         or (first_target[mb].max() > CONFLICT and later_target[ma].max() > CONFLICT))
                if not clash:
                    continue
                regions = {CHANNEL_REGION[i] for i in np.flatnonzero(ma | mb)}
                contested = np.isin(np.array(CHANNEL_REGION), sorted(regions))
                if _is_gesture(later) and not _is_gesture(first) and not later.modifier:
                    first_target[contested] = 0.0  # "a sad look that keeps a smile": the smile is the mouth
                    winner, loser, why = later, first, "it says what the mouth does"
                else:
                    later_target[contested] = 0.0
                    winner, loser = first, later
                    why = "the expression it describes" if later.modifier and later.start < first.start else "named first"
                notes.append(f"'{first.describe()}' and '{later.describe()}' pull the {region_words} opposite ways: "
                             f"the {region_words} follow '{winner.describe()}' ({why}); "
                             f"'{loser.describe()}' keeps the rest of its face.")


def _label_regions(label: str) -> set[str]:
    """The regions a whole expression's own words name ("jaw drops" -> jaw): a named part of the whole, not a side
    effect, so another named part does not take it."""
    return {region for word in label.lower().split() for noun in (word, word.rstrip("s"))
            for region in REGION_NOUNS.get(noun, ())}


def _opposed(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The channels of the regions two faces pull opposite ways (corners up / down, jaw open / lips pressed, ...),
    each side above ``CONFLICT``; none when they agree."""
    out = np.zeros(NUM_CHANNELS, bool)
    for a, b, _ in OPPOSED:
        ma, mb = STEM_MASKS[a], STEM_MASKS[b]
        if ((first[ma].max() > CONFLICT and second[mb].max() > CONFLICT)
                or (first[mb].max() > CONFLICT and second[ma].max() > CONFLICT)):
            out |= ma | mb
    return out


def _side_effects_yield(parts: list[tuple[Item, np.ndarray]], others: list[tuple[Item, np.ndarray]],
                        notes: list[str]) -> None:
    """A named part moves its own part; what its recipe moves elsewhere is a side effect, and yields (in place) to
    another item that pulls that region the other way: "cheeks puffed out, lips sealed, eyes bulging" keeps the lips
    sealed (the bulging eyes' open jaw goes); "a trembling smile" keeps the smile (the trembling lip's frown goes)."""
    regions = np.array(CHANNEL_REGION)
    for item, target in parts:
        if not item.noun_regions:
            continue
        own = set(item.noun_regions) | set(item.regions)
        side_effect = ~np.isin(regions, sorted(own))
        for other, other_target in others:
            if other is item or {item.side, other.side} == {"left", "right"}:
                continue  # the two sides of the face do not contend
            if other.kind == "part" and other.noun_regions:  # a side effect does not make another yield
                other_target = np.where(np.isin(regions, sorted(set(other.noun_regions) | set(other.regions))),
                                        other_target, 0.0)
            contested = _opposed(np.where(side_effect, target, 0.0), other_target) & side_effect
            if (contested & (target > ACTIVE)).any():
                target[contested] = 0.0
                names = ", ".join(sorted(set(regions[contested])))
                notes.append(f"'{item.describe()}' moves the {names} only as a side effect; "
                             f"the {names} follow '{other.describe()}'.")


def compose(items: list[Item]) -> Composition:
    """The union of the items' faces, named parts overriding their regions, contradictions settled."""
    notes: list[str] = []
    active = [it for it in items if not it.negated and not it.removed]
    for item in items:
        if item.negated:
            notes.append(f"'{item.describe()}' is negated: left out.")
    parts = [(it, item_target(it)) for it in active if it.kind == "part"]
    wholes = [(it, item_target(it)) for it in active if it.kind == "whole"]
    wholes.sort(key=lambda pair: pair[0].modifier)  # "a tired smile": the smile keeps the mouth, tired the rest
    _settle(wholes, notes)
    _settle(parts, notes)
    _side_effects_yield(parts, parts + wholes, notes)
    claimed = np.zeros(NUM_CHANNELS, bool)
    part_face = np.zeros(NUM_CHANNELS, np.float32)
    agreeing = np.zeros(NUM_CHANNELS, bool)  # channels moved by a named part said without a weakening degree
    for item, target in parts:
        claimed |= _claim(item, target)
        part_face = np.maximum(part_face, target)
        if not item.exact and not item.suppressed and item.intensity >= item.strength:
            agreeing |= target > ACTIVE
    whole_face = np.zeros(NUM_CHANNELS, np.float32)
    for item, target in wholes:
        overridden = claimed & (target > ACTIVE)
        if overridden.any():
            names = sorted({CHANNEL_REGION[i] for i in np.flatnonzero(overridden)})
            owners = [p.describe() for p, t in parts if (_claim(p, t) & overridden).any()]
            notes.append(f"The {', '.join(names)} follow {', '.join(repr(o) for o in owners)} rather than "
                         f"'{item.describe()}'.")
        # a named part also holds its region against the opposite pull of a whole expression in the region next to
        # it ("lips sealed" keeps the jaw of "shocked" shut; "jaw clenched" keeps the lips of a laugh together)
        opposed = np.zeros(NUM_CHANNELS, bool)
        for part, part_target in parts:
            if {part.side, item.side} == {"left", "right"}:
                continue
            against = _opposed(part_target, target) & ~claimed & ~np.isin(np.array(CHANNEL_REGION),
                                                                          sorted(_label_regions(item.label)))
            if (against & (target > ACTIVE)).any():
                opposed |= against
                where = ", ".join(sorted({CHANNEL_REGION[i] for i in np.flatnonzero(against)}))
                notes.append(f"'{part.describe()}' and '{item.describe()}' pull the {where} opposite ways: "
                             f"the {where} follow the named part '{part.describe()}'.")
        # a part said without a weakening degree that moves the same channels keeps the word's strength there
        # ("seething, brows crushed down": the brows as low as seething puts them, not a plain lowering)
        whole_face = np.maximum(whole_face, np.where((claimed & ~agreeing) | opposed, 0.0, target))
    target = np.clip(np.maximum(whole_face, part_face), 0.0, 1.0).astype(np.float32)
    used = [it for it, _ in wholes + parts]
    used.sort(key=lambda it: it.start)
    label = " + ".join(("suppressed " if it.suppressed else "") + it.describe() for it in used) or "neutral"
    intensity = max((it.intensity for it in used), default=1.0)
    return Composition(target=target, label=label, intensity=float(intensity), notes=notes, used=used)
