"""Naming presets: shape-key names other character pipelines use for the ARKit expressions.

A preset maps an ARKit name to one or more of the character's key names (a one-to-many entry,
such as Character Creator's split pucker, is driven with the same weight on every key); ``None``
marks a channel that pipeline drives with a bone, so it is reported missing rather than invented.
User-edited tables are saved as JSON next to the blend file or in the cache.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..arkit import ARKIT_NAMES
from .errors import HeadFitError

Mapping = dict[str, tuple[str, ...]]

_CC4_EXTENDED: dict[str, str | tuple[str, ...] | None] = {
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
    "jawForward": "Jaw_Forward", "jawLeft": "Jaw_L", "jawRight": "Jaw_R", "jawOpen": None,
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

PRESETS: dict[str, dict[str, str | tuple[str, ...] | None]] = {
    "cc4_extended": _CC4_EXTENDED,  # Reallusion Character Creator 4 "Extended" facial profile
}
PRESET_LABELS = {"cc4_extended": "Character Creator 4 (Extended)"}


def _normalize(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def map_keys(key_names: list[str], preset: str) -> tuple[Mapping, list[str]]:
    """Match a mesh's key names against a preset: (ARKit name -> present key names, ARKit names not found).

    Matching ignores case, spaces, dots and underscores, so ``mouth_smile_l`` finds ``Mouth_Smile_L``.
    """
    if preset not in PRESETS:
        raise HeadFitError(f"Unknown naming preset '{preset}'. Known: {', '.join(PRESETS)}.")
    present = {_normalize(n): n for n in key_names}
    mapping: Mapping = {}
    missing: list[str] = []
    for arkit in ARKIT_NAMES:
        entry = PRESETS[preset].get(arkit)
        wanted = () if entry is None else (entry,) if isinstance(entry, str) else entry
        found = tuple(present[_normalize(w)] for w in wanted if _normalize(w) in present)
        if found:
            mapping[arkit] = found
        else:
            missing.append(arkit)
    return mapping, missing


def save_mapping(path: Path, mapping: Mapping) -> Path:
    """Write an ARKit -> key names table as JSON (what the panel's editable table saves)."""
    unknown = [n for n in mapping if n not in ARKIT_NAMES]
    if unknown:
        raise HeadFitError(f"Not ARKit names: {', '.join(unknown)}.")
    path = Path(path)
    path.write_text(json.dumps({k: list(v) for k, v in mapping.items()}, indent=1), encoding="utf-8")
    return path


def load_mapping(path: Path) -> Mapping:
    """Read a table written by :func:`save_mapping`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise HeadFitError(f"The mapping table {path} is unreadable ({error}).") from error
    if not isinstance(data, dict) or any(k not in ARKIT_NAMES or not isinstance(v, list) for k, v in data.items()):
        raise HeadFitError(f"The mapping table {path} is not an ARKit name -> list of key names table.")
    return {k: tuple(str(n) for n in v) for k, v in data.items()}
