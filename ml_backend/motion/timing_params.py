"""The timing parameters of facial moves, their literature defaults, and their saved (fitted) values.

Defaults and where they come from:
- ``onset`` 0.45 s for a full-amplitude posed move, shorter for small ones: onset duration grows with
  amplitude (Cohn & Schmidt 2004, "The timing of facial motion in posed and spontaneous smiles",
  Int. J. Wavelets Multiresolution Inf. Process. 2(2); Schmidt, Cohn & Tian 2003, Biol. Psychol. 65(1)
  on the stereotyped onset of lip-corner motion). ``amplitude_floor`` is the duration share that does
  not scale with amplitude.
- ``release_scale``: offsets (relaxing) are slower than onsets in spontaneous expressions
  (Schmidt, Ambadar, Cohn & Reed 2006, J. Nonverbal Behav. 30(1)).
- ``region_delays``: the face does not move in lockstep. Dynamic facial expressions transmit eye-region
  signals (upper-lid raiser, nose wrinkler) first and the mouth's later (Jack, Garrod & Schyns 2014,
  "Dynamic facial expressions of emotion transmit an evolving hierarchy of signals over time",
  Curr. Biol. 24(2):187-192); the order of actions carries meaning (With & Kaiser 2011, "Sequential
  patterning of facial actions", Swiss J. Psychol. 70(4); review: Krumhuber, Kappas & Manstead 2013,
  Emotion Review 5(1):41-46). Eyes lead, brows, mid-face, then mouth: tens of milliseconds apart.
- ``eyelid_onset``: an eyelid closure takes about 100 ms; ``blink_rate`` 17 a minute and
  ``blink_duration`` 0.2 s: spontaneous blinks at 8-21/min in primary gaze and 10.5-32.5/min in
  conversation (Doughty 2001, Optom. Vis. Sci. 78(10):712-725), a blink lasting 100-400 ms.
- ``overshoot``: none at natural speed by default (a fit to takes may find some); ``sudden_overshoot``:
  a move much faster than natural overshoots slightly and settles (8% of the change at 3x speed).

``python3 build.py fit-timing takes/*.csv`` fits them to captured takes (``timing_fit.py``) and saves
them as ``timing_params.json`` in the cache folder; the scheduler and the trajectory use the saved ones.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from ..errors import I2FETError
from ..paths import cache_dir
from .regions import EYELID_CHANNELS, NON_EYELID, REGIONS

FORMAT_VERSION = 1
FILE_NAME = "timing_params.json"
EYELID_SHARE = 0.6  # a move is an eyelid move when the eyelids carry this share of its change
_RANGES = {  # plausible ranges; saved values outside them are refused
    "onset": (0.05, 5.0), "amplitude_floor": (0.0, 1.0), "release_scale": (0.3, 4.0), "eyelid_onset": (0.03, 1.0),
    "overshoot": (0.0, 0.3), "sudden_overshoot": (0.0, 0.3), "blink_rate": (0.0, 80.0), "blink_duration": (0.05, 1.0),
}


@dataclass(frozen=True)
class TimingParams:
    """How fast faces move: see the module docstring for each default's source."""

    onset: float = 0.45  # seconds for a full-amplitude move at natural speed
    amplitude_floor: float = 0.6  # share of the onset that does not scale with amplitude
    release_scale: float = 1.25  # relaxing moves take this much longer
    eyelid_onset: float = 0.1  # seconds for an eyelid closure
    overshoot: float = 0.0  # fraction of a change overshot at natural speed
    sudden_overshoot: float = 0.08  # added for moves three times faster than natural
    region_delays: tuple[float, ...] = (0.0, 0.02, 0.04, 0.07)  # seconds, per REGIONS (eyes, brows, midface, mouth)
    blink_rate: float = 17.0  # spontaneous blinks a minute
    blink_duration: float = 0.2  # seconds, closing and opening
    source: str = field(default="literature defaults", compare=False)

    def natural_onset(self, amplitude: float, release: bool, eyelid: bool) -> float:
        """Seconds a move of this size and kind takes at natural speed."""
        base = self.eyelid_onset if eyelid else self.onset * (self.amplitude_floor + (1.0 - self.amplitude_floor) * amplitude)
        return base * (self.release_scale if release else 1.0)

    def overshoot_for(self, natural: float, actual: float) -> float:
        """Overshoot fraction of a move that takes ``actual`` seconds where ``natural`` is natural."""
        suddenness = float(np.clip((natural / max(actual, 1e-9) - 1.0) / 2.0, 0.0, 1.0))
        return self.overshoot + self.sudden_overshoot * suddenness

    def to_dict(self) -> dict:
        data = asdict(self)
        data["region_delays"] = dict(zip(REGIONS, self.region_delays))
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "TimingParams":
        """Parameters from a saved dict; raises I2FETError on missing or implausible values."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        delays = values.get("region_delays", dict(zip(REGIONS, cls.region_delays)))
        if not isinstance(delays, dict) or set(delays) != set(REGIONS):
            raise I2FETError(f"region_delays must name the regions {', '.join(REGIONS)}.")
        values["region_delays"] = tuple(float(delays[r]) for r in REGIONS)
        for name, (low, high) in _RANGES.items():
            if name in values:
                value = values[name]
                if not isinstance(value, (int, float)) or not math.isfinite(value) or not low <= value <= high:
                    raise I2FETError(f"{name} = {value!r} is outside the plausible range {low}..{high}.")
                values[name] = float(value)
        if any(not math.isfinite(d) or abs(d) > 0.5 for d in values["region_delays"]):
            raise I2FETError("region delays must be finite and within half a second.")
        return cls(**values)


@dataclass(frozen=True)
class MoveKind:
    """What a move from one pose to another is: its size, whether it relaxes, whether it is the eyelids'."""

    amplitude: float  # largest change of a channel other than the eyelids (the eyelids' when only they move)
    release: bool
    eyelid: bool


def move_kind(previous: np.ndarray, target: np.ndarray) -> MoveKind:
    """Classify the move previous -> target (both 52 weights)."""
    change = np.abs(np.asarray(target, np.float64) - np.asarray(previous, np.float64))
    total = float(change.sum())
    eyelid = total > 1e-9 and float(change[EYELID_CHANNELS].sum()) >= EYELID_SHARE * total
    amplitude = float(change.max() if eyelid else change[NON_EYELID].max(initial=0.0))
    release = float(np.sum(target)) < float(np.sum(previous)) - 1e-9
    return MoveKind(amplitude=min(amplitude, 1.0), release=release, eyelid=eyelid)


def timing_params_path() -> Path:
    return cache_dir() / FILE_NAME


def save_timing_params(params: TimingParams, path: Path | None = None, details: dict | None = None) -> Path:
    """Write the parameters as JSON (with the format version and what they were fitted from)."""
    path = Path(path) if path is not None else timing_params_path()
    payload = {"format": FORMAT_VERSION, "params": params.to_dict(), "details": details or {}}
    path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return path


def load_timing_params(path: Path | None = None) -> tuple[TimingParams, str | None]:
    """The saved parameters when there are usable ones, else the defaults; the note says why, when it matters."""
    path = Path(path) if path is not None else timing_params_path()
    if not path.is_file():
        return TimingParams(), None
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("format") != FORMAT_VERSION:
            raise I2FETError(f"format {payload.get('format')!r}, expected {FORMAT_VERSION}")
        params = TimingParams.from_dict(payload["params"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, I2FETError) as error:
        return TimingParams(), f"The fitted timing in {path} could not be used ({error}); natural defaults were used."
    return params, None
