"""Facial regions of the ARKit channels, for regional timing (who leads, who follows).

Regions in the order of their usual onsets: the eyes, the brows, the mid-face (cheeks, nose),
the mouth and jaw. ``eyeBlink`` channels are also the eyelids, which have their own (faster) timing.
"""

from __future__ import annotations

import numpy as np

from ..naming.arkit import ARKIT_NAMES, INDEX

REGIONS: tuple[str, ...] = ("eyes", "brows", "midface", "mouth")
_PREFIXES = {"eye": "eyes", "brow": "brows", "cheek": "midface", "nose": "midface",
             "mouth": "mouth", "jaw": "mouth", "tongue": "mouth"}


def _region(name: str) -> str:
    for prefix, region in _PREFIXES.items():
        if name.startswith(prefix):
            return region
    raise ValueError(f"ARKit channel {name} has no region")


REGION_OF_CHANNEL: np.ndarray = np.array([REGIONS.index(_region(n)) for n in ARKIT_NAMES])  # 52 region indices
EYELID_CHANNELS: np.ndarray = np.array([INDEX["eyeBlinkLeft"], INDEX["eyeBlinkRight"]])
SQUINT_CHANNELS: np.ndarray = np.array([INDEX["eyeSquintLeft"], INDEX["eyeSquintRight"]])
NON_EYELID: np.ndarray = np.setdiff1d(np.arange(len(ARKIT_NAMES)), EYELID_CHANNELS)


def left_right_pairs() -> np.ndarray:
    """P x 2 channel indices (left, right) of the sided ARKit channels."""
    pairs = [(INDEX[n], INDEX[n[: -len("Left")] + "Right"]) for n in ARKIT_NAMES
             if n.endswith("Left") and n[: -len("Left")] + "Right" in INDEX]
    return np.array(pairs, dtype=int)

LOOK_CHANNELS: np.ndarray = np.array([i for i, n in enumerate(ARKIT_NAMES) if n.startswith("eyeLook")])
# Upper face: brows, squint and wide (not the eyelids' blinks nor the gaze channels); lower face: the rest, tongue aside.
REGION_CHANNELS: dict[str, np.ndarray] = {
    "upper": np.array([i for i, n in enumerate(ARKIT_NAMES) if n.startswith(("brow", "eyeSquint", "eyeWide"))]),
    "lower": np.array([i for i, n in enumerate(ARKIT_NAMES) if n.startswith(("mouth", "jaw", "cheek", "nose"))]),
}
