"""The 52 ARKit blendshape names and the spellings other tools use for them.

ARKit's order is the order of every (frames x 52) weight array in the project and of
the Live Link Face CSV columns. "Left" is the subject's own left.
"""

from __future__ import annotations

import re

ARKIT_NAMES: tuple[str, ...] = (
    "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
    "eyeSquintLeft", "eyeWideLeft",
    "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight", "eyeLookOutRight", "eyeLookUpRight",
    "eyeSquintRight", "eyeWideRight",
    "jawForward", "jawLeft", "jawRight", "jawOpen",
    "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft", "mouthRight",
    "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight",
    "mouthDimpleLeft", "mouthDimpleRight", "mouthStretchLeft", "mouthStretchRight",
    "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper",
    "mouthPressLeft", "mouthPressRight", "mouthLowerDownLeft", "mouthLowerDownRight",
    "mouthUpperUpLeft", "mouthUpperUpRight",
    "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight",
    "cheekPuff", "cheekSquintLeft", "cheekSquintRight",
    "noseSneerLeft", "noseSneerRight",
    "tongueOut",
)
NUM_CHANNELS = len(ARKIT_NAMES)
INDEX: dict[str, int] = {name: i for i, name in enumerate(ARKIT_NAMES)}

_SIDE_SUFFIXES = (
    (r"(_l|_left|\.l|\.left|-l|left|l)$", "left"),
    (r"(_r|_right|\.r|\.right|-r|right|r)$", "right"),
)
_CANONICAL = {name.lower(): name for name in ARKIT_NAMES}


def canonical_name(name: str) -> str | None:
    """Return the ARKit name a shape-key name stands for, or None.

    Accepts the common spellings: ``mouthSmileLeft``, ``MouthSmileLeft``, ``mouthSmile_L``,
    ``mouthSmile.L``, ``mouth_smile_left``, ``blendShape.mouthSmileLeft``, ``eyeBlink_L``.
    """
    key = name.strip()
    key = re.sub(r"^(blendshape|blendshapes|arkit)[._:]", "", key, flags=re.IGNORECASE)
    flat = re.sub(r"[\s]", "", key).lower()
    if flat in _CANONICAL:
        return _CANONICAL[flat]
    for pattern, side in _SIDE_SUFFIXES:
        match = re.search(pattern, flat)
        if match and match.start() > 0:
            stem = re.sub(r"[._\-]", "", flat[: match.start()])
            candidate = stem + side
            if candidate in _CANONICAL:
                return _CANONICAL[candidate]
    joined = re.sub(r"[._\-]", "", flat)
    return _CANONICAL.get(joined)


def livelink_column(name: str) -> str:
    """Live Link Face CSV column for an ARKit name (capitalised first letter)."""
    return name[0].upper() + name[1:]
