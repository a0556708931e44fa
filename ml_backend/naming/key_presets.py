"""Naming schemes: which of a character's shape keys show each ARKit expression.

Heads made by other pipelines carry expression keys under their own names. A *preset* maps
each ARKit name to the key names one pipeline uses, so a clip (frames x 52 ARKit weights)
can drive such a head without renaming anything. An entry is

- a name (``"Mouth_Smile_L"``): that key shows the channel;
- a tuple of names (``("Cheek_Puff_L", "Cheek_Puff_R")``): every key present is driven with the
  channel's weight (one-to-many, for pipelines that split a shape by side or lip);
- a list of those: alternative spellings in order of preference; the first one with a key on the
  mesh wins, so a blended shape is never driven together with the shapes it is made of;
- ``None``: that pipeline shows the channel with a bone (or not at all): reported missing, never invented.

Key names are matched ignoring case, spaces, dots, dashes and underscores. ``detect_scheme``
picks the scheme (a preset, or plain ARKit spellings) that accounts for most of a mesh's keys.
Tables the user edits are saved as JSON: ARKit name -> list of key names (empty: missing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .arkit import ARKIT_NAMES, canonical_name
from ..errors import I2FETError
from ..export.atomic import write_text

Mapping = dict[str, tuple[str, ...]]  # ARKit name -> the key names that show it
Entry = str | tuple[str, ...] | list[str | tuple[str, ...]] | None

ARKIT_SCHEME = "arkit"
ARKIT_LABEL = "ARKit names"


class KeyMappingError(I2FETError):
    """A naming preset or mapping table that cannot be used as given."""


# Reallusion Character Creator 4, "Extended" facial profile (CC_Base_Body keys). Names as listed in
# public CC4 retargeting tables, e.g. github.com/soupday/cc_blender_tools (facerig_data.py) and Unity
# MediaPipe -> CC4 maps; Jaw_Open is a morph next to the jaw bone in this profile.
_CC4_EXTENDED: dict[str, Entry] = {
    "browDownLeft": "Brow_Drop_L", "browDownRight": "Brow_Drop_R",
    "browInnerUp": ("Brow_Raise_Inner_L", "Brow_Raise_Inner_R"),
    "browOuterUpLeft": "Brow_Raise_Outer_L", "browOuterUpRight": "Brow_Raise_Outer_R",
    "cheekPuff": ("Cheek_Puff_L", "Cheek_Puff_R"), "cheekSquintLeft": "Cheek_Raise_L", "cheekSquintRight": "Cheek_Raise_R",
    "eyeBlinkLeft": "Eye_Blink_L", "eyeBlinkRight": "Eye_Blink_R",
    "eyeLookDownLeft": "Eye_L_Look_Down", "eyeLookDownRight": "Eye_R_Look_Down",
    "eyeLookInLeft": "Eye_L_Look_R", "eyeLookInRight": "Eye_R_Look_L",
    "eyeLookOutLeft": "Eye_L_Look_L", "eyeLookOutRight": "Eye_R_Look_R",
    "eyeLookUpLeft": "Eye_L_Look_Up", "eyeLookUpRight": "Eye_R_Look_Up",
    "eyeSquintLeft": "Eye_Squint_L", "eyeSquintRight": "Eye_Squint_R", "eyeWideLeft": "Eye_Wide_L", "eyeWideRight": "Eye_Wide_R",
    "jawForward": "Jaw_Forward", "jawLeft": "Jaw_L", "jawRight": "Jaw_R", "jawOpen": "Jaw_Open",
    "mouthClose": "Mouth_Close", "mouthDimpleLeft": "Mouth_Dimple_L", "mouthDimpleRight": "Mouth_Dimple_R",
    "mouthFrownLeft": "Mouth_Frown_L", "mouthFrownRight": "Mouth_Frown_R",
    "mouthFunnel": ("Mouth_Funnel_Up_L", "Mouth_Funnel_Up_R", "Mouth_Funnel_Down_L", "Mouth_Funnel_Down_R"),
    "mouthLeft": "Mouth_L", "mouthRight": "Mouth_R",
    "mouthLowerDownLeft": "Mouth_Down_Lower_L", "mouthLowerDownRight": "Mouth_Down_Lower_R",
    "mouthPressLeft": "Mouth_Press_L", "mouthPressRight": "Mouth_Press_R",
    "mouthPucker": ("Mouth_Pucker_Up_L", "Mouth_Pucker_Up_R", "Mouth_Pucker_Down_L", "Mouth_Pucker_Down_R"),
    "mouthRollLower": ("Mouth_Roll_In_Lower_L", "Mouth_Roll_In_Lower_R"),
    "mouthRollUpper": ("Mouth_Roll_In_Upper_L", "Mouth_Roll_In_Upper_R"),
    "mouthShrugLower": "Mouth_Shrug_Lower", "mouthShrugUpper": "Mouth_Shrug_Upper",
    "mouthSmileLeft": "Mouth_Smile_L", "mouthSmileRight": "Mouth_Smile_R",
    "mouthStretchLeft": "Mouth_Stretch_L", "mouthStretchRight": "Mouth_Stretch_R",
    "mouthUpperUpLeft": "Mouth_Up_Upper_L", "mouthUpperUpRight": "Mouth_Up_Upper_R",
    "noseSneerLeft": "Nose_Sneer_L", "noseSneerRight": "Nose_Sneer_R", "tongueOut": None,
}

# Reallusion Character Creator 3 "Standard" profile (60 expression morphs; eyes, jaw and tongue are
# bones). Names from exported CC3 morph lists and cc_blender_tools' FACE_TEST_SHAPEKEYS; exports
# spell the brow keys either "_L" or "_Left". The ARKit equivalences are the closest CC3 shapes used
# by public Live Link / MediaPipe -> CC3 retargeting tables; channels CC3 has only as one symmetric
# shape (mouthStretch, mouthPress, mouthShrug) are left missing rather than doubled up.
_CC3_STANDARD: dict[str, Entry] = {
    "browDownLeft": ["Brow_Drop_L", "Brow_Drop_Left"], "browDownRight": ["Brow_Drop_R", "Brow_Drop_Right"],
    "browInnerUp": [("Brow_Raise_Inner_L", "Brow_Raise_Inner_R"), ("Brow_Raise_Inner_Left", "Brow_Raise_Inner_Right")],
    "browOuterUpLeft": ["Brow_Raise_Outer_L", "Brow_Raise_Outer_Left"],
    "browOuterUpRight": ["Brow_Raise_Outer_R", "Brow_Raise_Outer_Right"],
    "cheekPuff": ("Cheek_Blow_L", "Cheek_Blow_R"), "cheekSquintLeft": "Cheek_Raise_L", "cheekSquintRight": "Cheek_Raise_R",
    "eyeBlinkLeft": "Eye_Blink_L", "eyeBlinkRight": "Eye_Blink_R",
    "eyeSquintLeft": "Eye_Squint_L", "eyeSquintRight": "Eye_Squint_R", "eyeWideLeft": "Eye_Wide_L", "eyeWideRight": "Eye_Wide_R",
    "eyeLookDownLeft": None, "eyeLookDownRight": None, "eyeLookInLeft": None, "eyeLookInRight": None,
    "eyeLookOutLeft": None, "eyeLookOutRight": None, "eyeLookUpLeft": None, "eyeLookUpRight": None,
    "jawOpen": "Mouth_Open", "jawForward": None, "jawLeft": None, "jawRight": None,
    "mouthClose": None, "mouthFunnel": "Mouth_Pucker_Open", "mouthPucker": "Mouth_Pucker",
    "mouthLeft": "Mouth_L", "mouthRight": "Mouth_R",
    "mouthSmileLeft": "Mouth_Smile_L", "mouthSmileRight": "Mouth_Smile_R",
    "mouthFrownLeft": "Mouth_Frown_L", "mouthFrownRight": "Mouth_Frown_R",
    "mouthDimpleLeft": "Mouth_Dimple_L", "mouthDimpleRight": "Mouth_Dimple_R",
    "mouthStretchLeft": None, "mouthStretchRight": None,
    "mouthRollLower": "Mouth_Bottom_Lip_Under", "mouthRollUpper": "Mouth_Top_Lip_Under",
    "mouthShrugLower": None, "mouthShrugUpper": None, "mouthPressLeft": None, "mouthPressRight": None,
    "mouthLowerDownLeft": "Mouth_Snarl_Lower_L", "mouthLowerDownRight": "Mouth_Snarl_Lower_R",
    "mouthUpperUpLeft": "Mouth_Snarl_Upper_L", "mouthUpperUpRight": "Mouth_Snarl_Upper_R",
    "noseSneerLeft": "Nose_Flank_Raise_L", "noseSneerRight": "Nose_Flank_Raise_R", "tongueOut": None,
}

# Reallusion CC3+/ActorCore "ARKit" expression set: the 52 ARKit shapes numbered A01..A52 in Apple's
# documentation order ("A01_Brow_Inner_Up" ... "A51_Mouth_Stretch_Right", "A52_Tongue_Out"), as found
# on ActorCore and CC3+ exports and in public rename scripts for them.
_CC3PLUS_ARKIT: dict[str, Entry] = {
    "browInnerUp": "A01_Brow_Inner_Up", "browDownLeft": "A02_Brow_Down_Left", "browDownRight": "A03_Brow_Down_Right",
    "browOuterUpLeft": "A04_Brow_Outer_Up_Left", "browOuterUpRight": "A05_Brow_Outer_Up_Right",
    "eyeLookUpLeft": "A06_Eye_Look_Up_Left", "eyeLookUpRight": "A07_Eye_Look_Up_Right",
    "eyeLookDownLeft": "A08_Eye_Look_Down_Left", "eyeLookDownRight": "A09_Eye_Look_Down_Right",
    "eyeLookOutLeft": "A10_Eye_Look_Out_Left", "eyeLookInLeft": "A11_Eye_Look_In_Left",
    "eyeLookInRight": "A12_Eye_Look_In_Right", "eyeLookOutRight": "A13_Eye_Look_Out_Right",
    "eyeBlinkLeft": "A14_Eye_Blink_Left", "eyeBlinkRight": "A15_Eye_Blink_Right",
    "eyeSquintLeft": "A16_Eye_Squint_Left", "eyeSquintRight": "A17_Eye_Squint_Right",
    "eyeWideLeft": "A18_Eye_Wide_Left", "eyeWideRight": "A19_Eye_Wide_Right",
    "cheekPuff": "A20_Cheek_Puff", "cheekSquintLeft": "A21_Cheek_Squint_Left", "cheekSquintRight": "A22_Cheek_Squint_Right",
    "noseSneerLeft": "A23_Nose_Sneer_Left", "noseSneerRight": "A24_Nose_Sneer_Right",
    "jawOpen": "A25_Jaw_Open", "jawForward": "A26_Jaw_Forward", "jawLeft": "A27_Jaw_Left", "jawRight": "A28_Jaw_Right",
    "mouthFunnel": "A29_Mouth_Funnel", "mouthPucker": "A30_Mouth_Pucker",
    "mouthLeft": "A31_Mouth_Left", "mouthRight": "A32_Mouth_Right",
    "mouthRollUpper": "A33_Mouth_Roll_Upper", "mouthRollLower": "A34_Mouth_Roll_Lower",
    "mouthShrugUpper": "A35_Mouth_Shrug_Upper", "mouthShrugLower": "A36_Mouth_Shrug_Lower",
    "mouthClose": "A37_Mouth_Close", "mouthSmileLeft": "A38_Mouth_Smile_Left", "mouthSmileRight": "A39_Mouth_Smile_Right",
    "mouthFrownLeft": "A40_Mouth_Frown_Left", "mouthFrownRight": "A41_Mouth_Frown_Right",
    "mouthDimpleLeft": "A42_Mouth_Dimple_Left", "mouthDimpleRight": "A43_Mouth_Dimple_Right",
    "mouthUpperUpLeft": "A44_Mouth_Upper_Up_Left", "mouthUpperUpRight": "A45_Mouth_Upper_Up_Right",
    "mouthLowerDownLeft": "A46_Mouth_Lower_Down_Left", "mouthLowerDownRight": "A47_Mouth_Lower_Down_Right",
    "mouthPressLeft": "A48_Mouth_Press_Left", "mouthPressRight": "A49_Mouth_Press_Right",
    "mouthStretchLeft": "A50_Mouth_Stretch_Left", "mouthStretchRight": "A51_Mouth_Stretch_Right",
    "tongueOut": "A52_Tongue_Out",
}

# Unified Expressions (VRCFaceTracking's avatar standard, docs.vrcft.io, "Compatibility > ARKit" and
# the base/blended shape tables). An avatar may carry the blended shape (e.g. MouthSmileLeft) or only
# the base shapes it is made of (MouthCornerPullLeft + MouthCornerSlantLeft): the blended one is
# preferred so the two are never driven together.
_UNIFIED_EXPRESSIONS: dict[str, Entry] = {
    **{name: name[0].upper() + name[1:] for name in (
        "eyeLookUpLeft", "eyeLookUpRight", "eyeLookDownLeft", "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight",
        "eyeLookOutLeft", "eyeLookOutRight", "eyeSquintLeft", "eyeSquintRight", "eyeWideLeft", "eyeWideRight",
        "browOuterUpLeft", "browOuterUpRight", "noseSneerLeft", "noseSneerRight", "cheekSquintLeft", "cheekSquintRight",
        "jawOpen", "jawLeft", "jawRight", "jawForward", "mouthUpperUpLeft", "mouthUpperUpRight", "mouthLowerDownLeft",
        "mouthLowerDownRight", "mouthFrownLeft", "mouthFrownRight", "mouthStretchLeft", "mouthStretchRight",
        "mouthDimpleLeft", "mouthDimpleRight", "mouthPressLeft", "mouthPressRight", "tongueOut")},
    "eyeBlinkLeft": "EyeClosedLeft", "eyeBlinkRight": "EyeClosedRight",
    "browDownLeft": ["BrowDownLeft", ("BrowLowererLeft", "BrowPinchLeft")],
    "browDownRight": ["BrowDownRight", ("BrowLowererRight", "BrowPinchRight")],
    "browInnerUp": ["BrowInnerUp", ("BrowInnerUpLeft", "BrowInnerUpRight")],
    "cheekPuff": ["CheekPuff", ("CheekPuffLeft", "CheekPuffRight")],
    "mouthClose": "MouthClosed",
    "mouthRollUpper": ["LipSuckUpper", ("LipSuckUpperLeft", "LipSuckUpperRight")],
    "mouthRollLower": ["LipSuckLower", ("LipSuckLowerLeft", "LipSuckLowerRight")],
    "mouthFunnel": ["LipFunnel", ("LipFunnelUpperLeft", "LipFunnelUpperRight", "LipFunnelLowerLeft", "LipFunnelLowerRight")],
    "mouthPucker": ["LipPucker", ("LipPuckerUpperLeft", "LipPuckerUpperRight", "LipPuckerLowerLeft", "LipPuckerLowerRight")],
    "mouthLeft": ["MouthLeft", ("MouthUpperLeft", "MouthLowerLeft")],
    "mouthRight": ["MouthRight", ("MouthUpperRight", "MouthLowerRight")],
    "mouthSmileLeft": ["MouthSmileLeft", ("MouthCornerPullLeft", "MouthCornerSlantLeft")],
    "mouthSmileRight": ["MouthSmileRight", ("MouthCornerPullRight", "MouthCornerSlantRight")],
    "mouthShrugUpper": "MouthRaiserUpper", "mouthShrugLower": "MouthRaiserLower",
}


def _split(prefix: str, stem: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{prefix}{stem}{part}" for part in parts)


# Daz Genesis 9 base-rig FACS morphs ("facs_bs_*"), as named in public ARKit -> Genesis 9 tables
# verified against a Genesis 9 figure. Genesis 9 has no eyelid-raise shape (eyeWide) and no tongue
# shape; mouthClose, mouthFunnel and mouthPucker are split into upper/lower and left/right morphs.
_LR = ("Left", "Right")
_QUAD = ("UpperLeft", "UpperRight", "LowerLeft", "LowerRight")
_GENESIS9: dict[str, Entry] = {
    **{name: "facs_bs_" + name[0].upper() + name[1:] for name in (
        "browDownLeft", "browDownRight", "browOuterUpLeft", "browOuterUpRight", "cheekSquintLeft", "cheekSquintRight",
        "eyeBlinkLeft", "eyeBlinkRight", "eyeLookDownLeft", "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight",
        "eyeLookOutLeft", "eyeLookOutRight", "eyeLookUpLeft", "eyeLookUpRight", "eyeSquintLeft", "eyeSquintRight",
        "jawForward", "jawLeft", "jawOpen", "jawRight", "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft",
        "mouthFrownRight", "mouthLeft", "mouthRight", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthSmileLeft",
        "mouthSmileRight", "mouthStretchLeft", "mouthStretchRight", "mouthUpperUpLeft", "mouthUpperUpRight",
        "noseSneerLeft", "noseSneerRight")},
    "browInnerUp": _split("facs_bs_", "BrowInnerUp", _LR),
    "cheekPuff": _split("facs_bs_", "CheekPuff", _LR),
    "mouthClose": _split("facs_bs_", "MouthClose", _QUAD),
    "mouthFunnel": _split("facs_bs_", "MouthFunnel", _QUAD),
    "mouthPucker": _split("facs_bs_", "MouthPurse", _QUAD),
    "mouthPressLeft": ("facs_bs_MouthPressUpperLeft", "facs_bs_MouthPressLowerLeft"),
    "mouthPressRight": ("facs_bs_MouthPressUpperRight", "facs_bs_MouthPressLowerRight"),
    "mouthRollLower": _split("facs_bs_", "MouthRollLower", _LR),
    "mouthRollUpper": _split("facs_bs_", "MouthRollUpper", _LR),
    "mouthShrugLower": _split("facs_bs_", "MouthShrugLower", _LR),
    "mouthShrugUpper": _split("facs_bs_", "MouthShrugUpper", _LR),
    "eyeWideLeft": None, "eyeWideRight": None, "tongueOut": None,
}

# Daz Genesis 8.1 FACS morphs: "facs_bs_<ARKit>_div2" shapes, plus joint ("facs_jnt_") and control
# ("facs_ctrl_") morphs for the channels Genesis 8.1 drives with bones or control sliders, as named in
# public Genesis 8.1 -> ARKit rename scripts. The jnt/ctrl names exist as shape keys only when the
# figure was exported with them baked; otherwise those channels are reported missing.
_GENESIS81_DIRECT = (
    "browDownLeft", "browDownRight", "browOuterUpLeft", "browOuterUpRight", "cheekSquintLeft", "cheekSquintRight",
    "eyeSquintLeft", "eyeSquintRight", "mouthClose", "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft",
    "mouthFrownRight", "mouthFunnel", "mouthLeft", "mouthRight", "mouthLowerDownLeft", "mouthLowerDownRight",
    "mouthPressLeft", "mouthPressRight", "mouthPucker", "mouthRollLower", "mouthRollUpper", "mouthShrugLower",
    "mouthShrugUpper", "mouthSmileLeft", "mouthSmileRight", "mouthStretchLeft", "mouthStretchRight",
    "mouthUpperUpLeft", "mouthUpperUpRight", "noseSneerLeft", "noseSneerRight",
)
_GENESIS81: dict[str, Entry] = {
    **{name: f"facs_bs_{name[0].upper()}{name[1:]}_div2" for name in _GENESIS81_DIRECT},
    **{name: "facs_jnt_" + name[0].upper() + name[1:] for name in (
        "jawOpen", "jawForward", "jawLeft", "jawRight", "eyeBlinkLeft", "eyeBlinkRight", "eyeWideLeft", "eyeWideRight")},
    **{name: "facs_ctrl_" + name[0].upper() + name[1:] for name in (
        "eyeLookDownLeft", "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight", "eyeLookOutLeft", "eyeLookOutRight",
        "eyeLookUpLeft", "eyeLookUpRight", "cheekPuff", "browInnerUp")},
    "tongueOut": "facs_bs_TongueOut",
}

PRESETS: dict[str, dict[str, Entry]] = {
    "cc4_extended": _CC4_EXTENDED,
    "cc3_standard": _CC3_STANDARD,
    "cc3plus_arkit": _CC3PLUS_ARKIT,
    "unified_expressions": _UNIFIED_EXPRESSIONS,
    "daz_genesis9": _GENESIS9,
    "daz_genesis81": _GENESIS81,
}
PRESET_LABELS = {
    "cc4_extended": "Character Creator 4 (Extended)",
    "cc3_standard": "Character Creator 3 (Standard)",
    "cc3plus_arkit": "CC3+ / ActorCore ARKit (A01-A52)",
    "unified_expressions": "Unified Expressions (VRCFaceTracking)",
    "daz_genesis9": "Daz Genesis 9 (FACS)",
    "daz_genesis81": "Daz Genesis 8.1 (FACS)",
}


@dataclass(frozen=True)
class SchemeMatch:
    """How one naming scheme explains a mesh's keys."""

    scheme: str  # a PRESETS key, or ARKIT_SCHEME
    mapping: Mapping  # only channels with at least one key on the mesh
    missing: tuple[str, ...]  # ARKit channels the mesh has no key for
    keys_used: int  # distinct mesh keys the mapping drives
    keys_total: int  # the mesh's keys (reference key excluded)

    @property
    def label(self) -> str:
        return scheme_label(self.scheme)

    @property
    def channels_found(self) -> int:
        return len(self.mapping)

    def coverage(self) -> str:
        """'48 of 52 channels, 60 of 75 keys': what the panel and reports show."""
        return (f"{self.channels_found} of {len(ARKIT_NAMES)} channels, "
                f"{self.keys_used} of {self.keys_total} keys")


def scheme_label(scheme: str) -> str:
    """The name shown to the animator for a preset id or ``ARKIT_SCHEME``."""
    if scheme == ARKIT_SCHEME:
        return ARKIT_LABEL
    return PRESET_LABELS.get(scheme, scheme)


@lru_cache(maxsize=8192)
def normalize(name: str) -> str:
    """Lower case, letters and digits only: how key names are compared (cached: every Generate maps the same
    key names, and this was most of a warm Generate's time)."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def map_keys(key_names: list[str], preset: str) -> tuple[Mapping, list[str]]:
    """Match a mesh's key names against a preset: (ARKit name -> present key names, ARKit names not found).

    Matching ignores case, spaces, dots and underscores, so ``mouth_smile_l`` finds ``Mouth_Smile_L``.
    """
    if preset not in PRESETS:
        raise KeyMappingError(f"Unknown naming preset '{preset}'. Known: {', '.join(PRESETS)}.")
    present: dict[str, str] = {}
    for name in key_names:
        present.setdefault(normalize(name), name)
    mapping: Mapping = {}
    missing: list[str] = []
    for arkit in ARKIT_NAMES:
        found = _first_present(PRESETS[preset].get(arkit), present)
        if found:
            mapping[arkit] = found
        else:
            missing.append(arkit)
    return mapping, missing


def map_arkit_spellings(key_names: list[str]) -> tuple[Mapping, list[str]]:
    """ARKit names in their common spellings (``mouthSmile_L``, ``MouthSmileLeft``...), one key per channel.

    An exact ARKit spelling wins over a fuzzy one; among fuzzy spellings the first key wins
    (the same rule as the add-on's ``find_arkit_keys``).
    """
    found: dict[str, str] = {}
    for name in key_names:
        arkit = canonical_name(name)
        if arkit is not None and (arkit not in found or name == arkit):
            found[arkit] = name
    mapping = {arkit: (found[arkit],) for arkit in ARKIT_NAMES if arkit in found}
    return mapping, [arkit for arkit in ARKIT_NAMES if arkit not in found]


def match_scheme(key_names: list[str], scheme: str) -> SchemeMatch:
    """How ``scheme`` (a preset id or ``ARKIT_SCHEME``) maps these key names."""
    if scheme == ARKIT_SCHEME:
        mapping, missing = map_arkit_spellings(key_names)
    else:
        mapping, missing = map_keys(key_names, scheme)
    return _match(scheme, mapping, key_names)


def detect_scheme(key_names: list[str]) -> SchemeMatch:
    """The scheme that accounts for most of the mesh's keys, completed with plain ARKit spellings.

    Schemes are ranked by distinct keys used, then channels found; ARKit spellings win ties.
    Channels the winner lacks are filled from ARKit-spelled keys it does not already drive, so a
    CC4 head with an extra hand-made ``tongueOut`` key gets both.
    """
    candidates = [match_scheme(key_names, ARKIT_SCHEME)] + [match_scheme(key_names, p) for p in PRESETS]
    best = max(candidates, key=lambda m: (m.keys_used, m.channels_found))  # max keeps the first of equals
    if best.scheme == ARKIT_SCHEME:
        return best
    mapping = dict(best.mapping)
    used = {name for names in mapping.values() for name in names}
    for arkit, names in candidates[0].mapping.items():
        if arkit not in mapping and not used.intersection(names):
            mapping[arkit] = names
            used.update(names)
    return _match(best.scheme, {a: mapping[a] for a in ARKIT_NAMES if a in mapping}, key_names)


def shared_keys(mapping: Mapping) -> dict[str, list[str]]:
    """Key names that more than one channel drives: {key name: [channels]} (empty when the table is sound)."""
    owners: dict[str, list[str]] = {}
    for arkit, names in mapping.items():
        for name in dict.fromkeys(names):
            owners.setdefault(name, []).append(arkit)
    return {name: channels for name, channels in owners.items() if len(channels) > 1}


def save_mapping(path: Path, mapping: Mapping) -> Path:
    """Write an ARKit -> key names table as JSON; every ARKit channel is written, empty when missing."""
    unknown = [n for n in mapping if n not in ARKIT_NAMES]
    if unknown:
        raise KeyMappingError(f"Not ARKit names: {', '.join(unknown)}.")
    path = Path(path)
    table = {arkit: list(mapping.get(arkit, ())) for arkit in ARKIT_NAMES}
    return write_text(path, json.dumps(table, indent=1))  # atomic: a failed write leaves the old table


def load_mapping(path: Path) -> Mapping:
    """Read a table written by :func:`save_mapping`; channels it leaves out or leaves empty are missing."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise KeyMappingError(f"The mapping table {path} is unreadable ({error}).") from error
    if not isinstance(data, dict) or any(
        k not in ARKIT_NAMES or not isinstance(v, list) or not all(isinstance(n, str) for n in v) for k, v in data.items()
    ):
        raise KeyMappingError(f"The mapping table {path} is not an ARKit name -> list of key names table.")
    return {k: tuple(data[k]) for k in ARKIT_NAMES if data.get(k)}


def _first_present(entry: Entry, present: dict[str, str]) -> tuple[str, ...]:
    """The first alternative of ``entry`` with a key on the mesh, as the mesh spells the keys."""
    if entry is None:
        return ()
    alternatives = entry if isinstance(entry, list) else [entry]
    for alternative in alternatives:
        wanted = (alternative,) if isinstance(alternative, str) else alternative
        found = tuple(dict.fromkeys(present[normalize(w)] for w in wanted if normalize(w) in present))
        if found:
            return found
    return ()


def _match(scheme: str, mapping: Mapping, key_names: list[str]) -> SchemeMatch:
    used = {name for names in mapping.values() for name in names}
    return SchemeMatch(scheme=scheme, mapping=mapping, missing=tuple(a for a in ARKIT_NAMES if a not in mapping),
                       keys_used=len(used), keys_total=len(set(key_names)))
