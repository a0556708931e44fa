"""FACS action units as ARKit-52 blendshape weights.

The rows marked "ICT table" follow the FACS-to-shape table of the ICT FaceKit README
(its ``_L``/``_R`` shapes are ARKit's ``Left``/``Right``; its split ``browInnerUp_L/_R`` and
``cheekPuff_L/_R`` are ARKit's single ``browInnerUp`` and ``cheekPuff``). Every other row is
our own approximation, said so in its ``source``: ARKit has no channel for it, so we pick the
channels whose shapes move the face most like the FACS description (Ekman, Friesen & Hager,
FACS Manual 2002).

``au_vector`` turns a list of AU codes into one (52,) weight vector. A code is an int or a
string: ``"12"``, ``"AU12"``, ``"L12"`` / ``"R12"`` (that side only), and a FACS intensity
letter ``A``-``E`` (``"12C"``; A=0.2, B=0.4, C=0.6, D=0.8, E=1.0). "Left" is the subject's
own left, as in ARKit. For a movement FACS has no unit for (the lips pulled sideways, ``mouthLeft``), a code may
also be an ARKit channel name with an optional intensity letter after a colon (``"mouthLeft:D"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping

import numpy as np

from ..naming.arkit import ARKIT_NAMES, INDEX, NUM_CHANNELS
from ..errors import BadInstructionError

ICT_TABLE = "ICT FaceKit README, FACS unit table"
INTENSITY_LETTERS: Mapping[str, float] = MappingProxyType(
    {"A": 0.2, "B": 0.4, "C": 0.6, "D": 0.8, "E": 1.0}
)
SIDES = ("both", "left", "right")
# A one-sided action moves a midline channel (browInnerUp, jawOpen...) about half as far.
MIDLINE_SHARE_ONE_SIDED = 0.5


@dataclass(frozen=True)
class AUEntry:
    """One FACS action unit: its number, FACS name, ARKit weights at full intensity, and source.

    ``one_sided`` units (wink, jaw sideways) are written for the subject's left and mirrored
    for the right; they need an ``L``/``R`` prefix or a ``side``.
    """

    number: int
    name: str
    weights: Mapping[str, float]
    source: str
    one_sided: bool = False


def _pair(stem: str, value: float = 1.0) -> dict[str, float]:
    return {f"{stem}Left": value, f"{stem}Right": value}


def _entry(number: int, name: str, weights: dict[str, float], source: str,
           one_sided: bool = False) -> AUEntry:
    unknown = [channel for channel in weights if channel not in INDEX]
    if unknown:
        raise ValueError(f"AU{number}: unknown ARKit channels {unknown}")
    return AUEntry(number, name, MappingProxyType(dict(weights)), source, one_sided)


_APPROX = "approximation (no ARKit channel for it): "

_ENTRIES: tuple[AUEntry, ...] = (
    _entry(1, "Inner brow raiser", {"browInnerUp": 1.0}, ICT_TABLE),
    _entry(2, "Outer brow raiser", _pair("browOuterUp"), ICT_TABLE),
    _entry(4, "Brow lowerer", _pair("browDown"), ICT_TABLE),
    _entry(5, "Upper lid raiser", _pair("eyeWide"), ICT_TABLE),
    _entry(6, "Cheek raiser", {**_pair("cheekSquint"), **_pair("eyeSquint", 0.3)},
           ICT_TABLE + "; eyeSquint 0.3 added: the raised cheek narrows the eye from below "
           "(approximation)"),
    _entry(7, "Lid tightener", _pair("eyeSquint"), ICT_TABLE),
    _entry(9, "Nose wrinkler", _pair("noseSneer"), ICT_TABLE),
    _entry(10, "Upper lip raiser", {"mouthShrugUpper": 1.0}, ICT_TABLE),
    _entry(11, "Nasolabial deepener", _pair("mouthUpperUp"), ICT_TABLE),
    _entry(12, "Lip corner puller", _pair("mouthSmile"), ICT_TABLE),
    _entry(13, "Sharp lip puller", {**_pair("cheekSquint", 0.5), **_pair("mouthSmile", 0.6)},
           _APPROX + "cheek puff-up of AU13 as cheekSquint, corner pull as mouthSmile"),
    _entry(14, "Dimpler", _pair("mouthDimple"), ICT_TABLE),
    _entry(15, "Lip corner depressor", _pair("mouthFrown"), ICT_TABLE),
    _entry(16, "Lower lip depressor", _pair("mouthLowerDown"), ICT_TABLE),
    _entry(17, "Chin raiser", {"mouthShrugLower": 1.0}, ICT_TABLE),
    _entry(18, "Lip pucker", {"mouthPucker": 1.0}, ICT_TABLE),
    _entry(19, "Tongue show", {"tongueOut": 1.0, "jawOpen": 0.2},
           _APPROX + "tongueOut, with the jaw slightly open to let the tongue out"),
    _entry(20, "Lip stretcher", _pair("mouthStretch"), ICT_TABLE),
    _entry(22, "Lip funneler", {"mouthFunnel": 1.0}, ICT_TABLE),
    _entry(23, "Lip tightener", {**_pair("mouthPress", 0.6), "mouthRollLower": 0.2,
                                 "mouthRollUpper": 0.2},
           _APPROX + "narrowed red of the lips as lip press plus a little lip roll"),
    _entry(24, "Lip pressor", _pair("mouthPress"), ICT_TABLE),
    _entry(25, "Lips part", {**_pair("mouthLowerDown", 0.25), **_pair("mouthUpperUp", 0.15)},
           _APPROX + "lips part without a jaw drop: small lower-lip down and upper-lip up"),
    _entry(26, "Jaw drop", {"jawOpen": 0.5, **_pair("mouthLowerDown", 0.2)},
           _APPROX + "relaxed jaw drop as half of jawOpen (AU27 is the full stretch)"),
    _entry(27, "Mouth stretch", {"jawOpen": 1.0}, ICT_TABLE),
    _entry(28, "Lip suck", {"mouthRollLower": 1.0, "mouthRollUpper": 1.0}, ICT_TABLE),
    _entry(29, "Jaw thrust", {"jawForward": 1.0}, ICT_TABLE),
    _entry(30, "Jaw sideways", {"jawLeft": 1.0},
           ICT_TABLE + " (jawLeft / jawRight); needs a side", one_sided=True),
    _entry(33, "Cheek blow", {"cheekPuff": 1.0}, ICT_TABLE),
    _entry(34, "Cheek puff", {"cheekPuff": 0.7, "mouthClose": 0.3},
           _APPROX + "cheeks puffed with the lips closed: cheekPuff with mouthClose"),
    _entry(38, "Nostril dilator", _pair("noseSneer", 0.3),
           _APPROX + "ARKit has no nostril channel; a light noseSneer lifts the nostril wings"),
    _entry(39, "Nostril compressor", _pair("noseSneer", 0.15),
           _APPROX + "ARKit has no nostril channel; a faint noseSneer is the nearest shape"),
    _entry(41, "Lid droop", _pair("eyeBlink", 0.35),
           _APPROX + "drooping upper lids as a partial eyeBlink"),
    _entry(42, "Slit", {**_pair("eyeBlink", 0.6), **_pair("eyeSquint", 0.3)},
           _APPROX + "eyes nearly shut as eyeBlink with some lid tightening"),
    _entry(43, "Eyes closed", _pair("eyeBlink"),
           _APPROX + "held closure with the AU45 blink shapes"),
    _entry(44, "Squint", {**_pair("eyeSquint", 0.7), **_pair("eyeBlink", 0.2)},
           _APPROX + "narrowed aperture as eyeSquint with a little eyeBlink"),
    _entry(45, "Blink", _pair("eyeBlink"), ICT_TABLE),
    _entry(46, "Wink", {"eyeBlinkLeft": 1.0, "cheekSquintLeft": 0.3, "eyeSquintLeft": 0.2},
           _APPROX + "one eye closed (eyeBlink) with the cheek of that side slightly raised",
           one_sided=True),
    _entry(61, "Eyes turn left", {"eyeLookOutLeft": 1.0, "eyeLookInRight": 1.0}, ICT_TABLE),
    _entry(62, "Eyes turn right", {"eyeLookOutRight": 1.0, "eyeLookInLeft": 1.0}, ICT_TABLE),
    _entry(63, "Eyes up", _pair("eyeLookUp"), ICT_TABLE),
    _entry(64, "Eyes down", _pair("eyeLookDown"), ICT_TABLE),
)

AU_TABLE: Mapping[int, AUEntry] = MappingProxyType({e.number: e for e in _ENTRIES})

_CODE = re.compile(r"^\s*(?:AU)?\s*([LR])?\s*(\d{1,2})\s*([A-E])?\s*$", re.IGNORECASE)
_CHANNEL_CODE = re.compile(r"^\s*([a-z]+[A-Za-z]*)(?::([A-E]))?\s*$")  # "mouthLeft:D": an ARKit channel, no FACS unit


@dataclass(frozen=True)
class AUCode:
    """A parsed AU code: unit number, side ('both'/'left'/'right') and intensity in [0, 1]."""

    number: int
    side: str
    intensity: float


def parse_au(code: int | str, side: str = "both") -> AUCode:
    """Read ``12``, ``"AU12"``, ``"L12"``, ``"12C"`` or ``"R12D"``; the prefix overrides ``side``."""
    if side not in SIDES:
        raise BadInstructionError(f"Side must be one of {', '.join(SIDES)}, not {side!r}.")
    if isinstance(code, (bool, np.bool_)) or not isinstance(code, (int, np.integer, str)):
        raise BadInstructionError(f"{code!r} is not an action unit code (try 12, 'AU12' or 'L12C').")
    match = _CODE.match(str(int(code)) if not isinstance(code, str) else code)
    if match is None:
        raise BadInstructionError(
            f"{code!r} is not an action unit code: write e.g. 12, 'AU12', 'L12' or '12C'."
        )
    prefix, digits, letter = match.groups()
    number = int(digits)
    if number not in AU_TABLE:
        known = ", ".join(str(n) for n in AU_TABLE)
        raise BadInstructionError(f"AU{number} is not an action unit we can show; known AUs: {known}.")
    chosen = {"L": "left", "R": "right"}[prefix.upper()] if prefix else side
    if AU_TABLE[number].one_sided and chosen == "both":
        raise BadInstructionError(
            f"AU{number} ({AU_TABLE[number].name}) is one-sided: write L{number} or R{number}."
        )
    intensity = INTENSITY_LETTERS[letter.upper()] if letter else 1.0
    return AUCode(number, chosen, intensity)


def mirror_channel(channel: str) -> str:
    """The ARKit channel on the other side of the face (midline channels map to themselves)."""
    if channel.endswith("Left"):
        return channel[: -len("Left")] + "Right"
    if channel.endswith("Right"):
        return channel[: -len("Right")] + "Left"
    return channel


def mirror_weights(weights: np.ndarray) -> np.ndarray:
    """Swap the subject's left and right in (..., 52) weights: a left wink becomes a right wink."""
    order = [INDEX[mirror_channel(name)] for name in ARKIT_NAMES]
    return np.asarray(weights)[..., order]


def _sided_weights(entry: AUEntry, side: str) -> dict[str, float]:
    if entry.one_sided:
        return {(mirror_channel(c) if side == "right" else c): w for c, w in entry.weights.items()}
    if side == "both":
        return dict(entry.weights)
    keep, drop = ("Left", "Right") if side == "left" else ("Right", "Left")
    sided: dict[str, float] = {}
    for channel, weight in entry.weights.items():
        if channel.endswith(keep):
            sided[channel] = weight
        elif not channel.endswith(drop):
            sided[channel] = weight * MIDLINE_SHARE_ONE_SIDED
    return sided


def au_vector(aus: Iterable[int | str] | int | str, side: str = "both",
              intensity: float = 1.0) -> np.ndarray:
    """ARKit-52 weights (float32, in [0, 1]) for a set of action units.

    Contributions add up and are clipped to [0, 1]; ``intensity`` scales them all.
    """
    if isinstance(aus, (int, np.integer, str)):
        aus = [aus]
    if not np.isfinite(intensity) or intensity < 0:
        raise BadInstructionError(f"Intensity must be a number of 0 or more, not {intensity!r}.")
    vector = np.zeros(NUM_CHANNELS, dtype=np.float64)
    for code in aus:
        channel = _CHANNEL_CODE.match(code) if isinstance(code, str) else None
        if channel is not None and channel.group(1) in INDEX:
            name = channel.group(1) if side != "right" else mirror_channel(channel.group(1))
            letter = channel.group(2)
            vector[INDEX[name]] += (INTENSITY_LETTERS[letter] if letter else 1.0) * intensity
            continue
        parsed = parse_au(code, side)
        for channel, weight in _sided_weights(AU_TABLE[parsed.number], parsed.side).items():
            vector[INDEX[channel]] += weight * parsed.intensity * intensity
    return np.clip(vector, 0.0, 1.0).astype(np.float32)
