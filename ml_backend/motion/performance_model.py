"""The fitted performance model: how a real face blinks, looks around, fidgets and moves its head.

Fitted from the seven Live Link Face takes in ``shared/assets/livelink-takes`` by
``i2fet_tools/motion/fit_performance.py`` and shipped as ``performance_model.json`` beside this file
(its ``provenance`` names each take with its SHA-256, rate and tracked seconds; nothing of the takes
themselves is shipped). What each part is and how it was fitted:

- ``blinks``: rate (per tracked minute), interval regularity (coefficient of variation of the
  intervals: a gamma renewal process), shape (half-height width, share of it spent closing, depth),
  and timing: the share of blinks that come with a gaze shift (within 0.2 s of a saccade) and with
  an expression change (within 0.3 s of a move's onset); and what a blink does to the upper face
  (``upper_face``): as the lids close, eyeWide collapses (its level times (1 - closure)^power) and
  the brows and squints rise a little (closure times ``added``), fitted around the takes' blinks (median of the
  takes; ``upper_face_people``: each take's own, since people differ: in three of the seven takes the brows rise
  0.15-0.25 per unit of closure, in the others next to nothing; each character gets one of them;
  ``face_lag``: the upper face follows the closure that many seconds late, a first-order lag fitted as the one
  that leaves the least residual in that fit: the takes' brows peak a frame after the lids and settle later),
  where half to four fifths of the upper face's quick motion (frame-to-frame acceleration) is. The
  rate counts every lid closure of 0.08 or more (a quarter of the takes' closures are partial, below
  the 0.3 that the blink statistic counts); ``depth_quantiles`` is their depth distribution, each depth a share
  of the room the lids had left above their level (``add_blinks`` closes by depth x (1 - level)). The eyes
  turn down as the lids close (``gaze_pitch`` degrees per unit of closure: Bell's phenomenon, Collewijn
  et al. 1985; the takes' tracker reads it larger than the few degrees measured with search coils),
  fitted by regressing the gaze's pitch away from its 1-s median on the closure around blinks. People differ
  here too (``roll_people``: each take's own, in the order of ``upper_face_people``; one take's eyes barely roll,
  1 deg, the others' 5-14 deg): a character rolls as the person whose blink face it draws.
- ``saccades``: fixation durations and amplitudes (log-normal), the vertical share of saccade
  directions, the gaze's spread (yaw/pitch sd) that keeps the eyes around the centre, conjugacy
  (right-eye over left-eye displacement: the eyes move together) and the vergence offset. Saccade
  durations follow the main sequence (21 ms + 2.2 ms/deg, Carpenter 1988), which 30-Hz takes
  cannot resolve, so it is literature, not fitted. People differ in how often they look around (the takes make 9-95
  saccades a minute): ``fixation_people`` holds each take's own fixation fit, in the order of
  ``blinks.upper_face_people``, and a character looks around as the person whose blink face it draws.
- ``drift``: the slow gaze drift between saccades (sd in degrees, coloured spectrum) and the fixational
  jitter (frame-to-frame, a tenth of a degree: tremor, and in the takes the tracker's own noise; its samples
  rounded by a Gaussian of ``jitter_smooth`` seconds, so that consecutive steps correlate as the takes' do),
  fitted together to the gaze's variogram within fixations, its first lag pinned to the gaze's median speed
  outside saccades and its second to the takes' correlation of consecutive steps; how much the jitter's size wanders from one second to the next (the log sd whose
  simulated spread of 2-s windows' median gaze speed within a take is the takes'), and how much the
  gaze's small motion differs from one person (take; here: character) to the next (log sds). The eyes are
  unsteady right after a saccade (``unrest_gain``, ``unrest_time``: the jitter is 1 + gain x exp(-t / time) times
  its size t seconds after a saccade's onset; in the takes the gaze's still speed is 2-3 times its later level in
  the 0.3 s after one, within every take), and the jitter's size is pinned to the still speed once that has faded.
- ``eye_look``: the gain from eye rotation (radians) to ARKit's eyeLook channels, and to the eyelids
  (eyeBlink), which follow the eye's pitch down, and eyeWide, which opens as it looks up (lid-gaze coupling;
  fitted outside blinks); ``lids.lag``: the lids follow the eye that many seconds late (a first-order lag, the
  lag whose steps correlate best with the lids' in the takes).
- ``micro``: micro-motion of the face while it holds: per region (upper face, lower face) the
  spectrum S(f) = 1 / (1 + (f / knee)^alpha) (``noise.py``), per channel its size at full room
  (``micro.room``: the takes' residuals divided by the room of their level, since a channel near
  rest barely moves), the resting tone (``rest_share``), and co-activation: per region a low-rank
  factor model of the channels' residual covariance (the channels that move together, e.g. both
  brows, both squints, the lip corners with the cheeks). The upper face is still most of the time
  and moves in quick excursions (``excursions``: rate, hold, move, the share left to slow wander and the
  moves' rounding, fitted to the takes' quick moves and frame speed shape by simulation, ``i2fet_tools/motion/fit_excursions.py``); its sizes
  are fitted from the residuals outside blinks (the blink layer moves it there). At rest, browOuterUp, browDown
  and eyeWide rise in short smooth bumps above the tracker's clamped 0 (``rest_bumps``: per channel the bumps a
  minute of rest, their duration and mean height, fitted from the takes' resting frames; ``rest_bumps.py``).
- ``head``: idle head motion (sd per axis, spectrum), the share of slow gaze the head follows, and
  gestures tied to expressions (a nod of agreement, a tilt of doubt, recoil in disgust). Only one
  take recorded head rotation, and no take is labelled, so the idle motion is fitted from that take
  and the gestures' shapes are from the literature (nods of 2-3 cycles near 2 Hz, Hadar et al. 1983;
  head tilts and recoil in Wallbott 1998), scaled to the fitted head range.
- ``timing``: onset and offset speeds of expression changes (``TimingParams``, ``timing_fit.py``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import I2FETError
from ..naming.arkit import INDEX, NUM_CHANNELS

FORMAT_VERSION = 2  # 2: micro sizes at full room, factors per region, rest_share
MODEL_PATH = Path(__file__).with_name("performance_model.json")


@dataclass(frozen=True)
class BlinkModel:
    rate_per_min: float = 14.0
    interval_cv: float = 0.7
    half_width: float = 0.11  # seconds
    closing_share: float = 0.45
    depth: float = 0.9
    with_saccade_share: float = 0.4
    with_expression_share: float = 0.2
    upper_face: tuple[tuple[int, float, float], ...] = ()  # (channel, power, added) per channel a blink moves
    depth_quantiles: tuple[float, ...] = ()  # evenly spaced quantiles of how far the lids close; () : ``depth`` to 1
    gaze_pitch: float = 0.0  # degrees the eyes turn down per unit of lid closure (Bell's phenomenon)
    upper_face_people: tuple[tuple[tuple[int, float, float], ...], ...] = ()  # ``upper_face`` of each take, one a character
    face_lag: float = 0.0  # seconds: the upper face follows the lids' closure through a first-order lag (``gaze.lagged``)
    roll_people: tuple[float, ...] = ()  # ``gaze_pitch`` of each ``upper_face_people`` take (the same person)


@dataclass(frozen=True)
class SaccadeModel:
    fixation_log_mean: float = math.log(0.7)  # log seconds
    fixation_log_sd: float = 0.8
    amplitude_log_mean: float = math.log(5.5)  # log degrees
    amplitude_log_sd: float = 0.6
    pitch_share: float = 0.5  # vertical over horizontal size of saccades
    spread_yaw: float = 6.0  # degrees
    spread_pitch: float = 4.0
    conjugacy: float = 1.0
    vergence: float = 0.0  # degrees, left yaw minus right yaw
    main_sequence: tuple[float, float] = (0.021, 0.0022)  # seconds, seconds per degree
    fixation_people: tuple[tuple[float, float], ...] = ()  # (log mean, log sd) of each ``blinks.upper_face_people`` take


@dataclass(frozen=True)
class DriftModel:
    sd: float = 0.4  # degrees
    alpha: float = 3.0
    knee: float = 0.3
    jitter: float = 0.1  # degrees, frame-to-frame fixational jitter (tremor; in the takes also the tracker's noise)
    jitter_log_sd: float = 0.0  # slow log-normal change of the jitter's size (the takes' is not stationary)
    jitter_smooth: float = 0.0  # seconds: the jitter's steps rounded by a Gaussian of this sd (0: white, as before)
    person_log_sd: float = 0.0  # log sd of the size of drift and jitter from one character to the next
    unrest_gain: float = 0.0  # the jitter is 1 + this times larger right after a saccade onset (0: steady)
    unrest_time: float = 0.1  # seconds: the time constant over which that excess fades


CHOSEN_QUIET_LOWER_SHARE = 0.6  # a model without a fitted share keeps the share chosen before it was fitted


@dataclass(frozen=True)
class MicroModel:
    channels: np.ndarray  # C channel indices that carry micro-motion
    region: np.ndarray  # C region of each (0 upper, 1 lower)
    alpha: tuple[float, float]
    knee: tuple[float, float]
    loadings: np.ndarray  # C x K marginal sd of the shared factors, at full room
    own_sd: np.ndarray  # C marginal sd of each channel's own part, at full room
    factor_region: np.ndarray  # K region of each factor (0 upper, 1 lower)
    rest_share: float = 1.0  # share of the change a channel at rest follows (positive part only)
    tone: np.ndarray | None = None  # C level a tracker reads on a face at rest (micro.bounded_add), None: 0
    floor: tuple[float, float] = (0.0, 0.0)  # white part of each region's spectrum (power, relative)
    excursions: tuple[float, float, float, float, float] | None = None  # upper face: quick moves (a minute per
    # stream, hold s, move s), the share of its sd left to slow wander, and the moves' rounding (Gaussian sd, s);
    # None: slow wander alone
    rest_bumps: tuple[tuple[int, float, float, float], ...] = ()  # (channel, a minute, seconds, mean height): the
    # resting upper face's short smooth bumps above 0 (``rest_bumps.py``)
    quiet_lower_share: float = CHOSEN_QUIET_LOWER_SHARE  # the lower face's size for a face that does not speak,
    # as a share of the takes' (who talk): fitted from their quiet-mouth stretches; absent: the earlier choice


@dataclass(frozen=True)
class HeadModel:
    sd: tuple[float, float, float] = (3.0, 2.0, 1.5)  # degrees yaw, pitch, roll
    alpha: float = 2.5
    knee: float = 0.3
    gaze_follow: tuple[float, float] = (0.3, 0.1)  # head share of slow gaze yaw, pitch
    gesture_scale: float = 1.0


@dataclass(frozen=True)
class PerformanceModel:
    blinks: BlinkModel
    saccades: SaccadeModel
    drift: DriftModel
    eye_look: dict[int, tuple[int, float]]  # ARKit index -> (rotation column 3..8, signed gain per radian)
    micro: MicroModel
    head: HeadModel
    timing: dict
    provenance: dict
    lid_lag: float = 0.0  # seconds: the eyelid channels follow the eye's rotation this late (``gaze.lagged``)


def _number(section: dict, name: str, low: float, high: float, where: str) -> float:
    value = section.get(name)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or not low <= value <= high:
        raise I2FETError(f"{where}.{name} = {value!r} is outside the plausible range {low}..{high}.")
    return float(value)


def _excursions(section: dict | None) -> tuple[float, float, float, float, float] | None:
    """micro.excursions: {"rate_per_min", "hold", "move", "wander", "smooth" (optional, 0)} of the upper face,
    validated; None if absent."""
    if section is None:
        return None
    if not isinstance(section, dict):
        raise I2FETError(f"micro.excursions = {section!r} must name rate_per_min, hold, move and wander.")
    return (_number(section, "rate_per_min", 0.1, 120, "micro.excursions"),
            _number(section, "hold", 0.02, 10, "micro.excursions"), _number(section, "move", 0.02, 2, "micro.excursions"),
            _number(section, "wander", 0.0, 1.0, "micro.excursions"),
            _number(section, "smooth", 0.0, 0.5, "micro.excursions") if "smooth" in section else 0.0)


def _rest_bumps(section: object) -> tuple[tuple[int, float, float, float], ...]:
    """micro.rest_bumps: {channel name: [rate a minute, duration s, mean height]} (``rest_bumps.py``)."""
    if not isinstance(section, dict) or any(name not in INDEX or not isinstance(v, list) or len(v) != 3
                                            for name, v in section.items()):
        raise I2FETError(f"micro.rest_bumps = {section!r} must map ARKit channels to [rate, duration, height].")
    return tuple((INDEX[name], _number({"r": v[0]}, "r", 0, 600, "micro.rest_bumps"),
                  _number({"d": v[1]}, "d", 0.02, 5, "micro.rest_bumps"),
                  _number({"h": v[2]}, "h", 0, 0.5, "micro.rest_bumps")) for name, v in sorted(section.items()))


def _blink_face(section: dict) -> tuple[tuple[int, float, float], ...]:
    """blinks.upper_face: {channel name: [power, added]}, validated."""
    out = []
    for name, pair in section.items():
        if name not in INDEX or not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise I2FETError(f"blinks.upper_face.{name} = {pair!r} is not a channel with [power, added].")
        power = _number({"p": pair[0]}, "p", 0, 20, f"blinks.upper_face.{name}")
        added = _number({"a": pair[1]}, "a", -1, 1, f"blinks.upper_face.{name}")
        out.append((INDEX[name], power, added))
    return tuple(out)


def _person_list(section: object, where: str, size: int) -> list:
    """A per-person list (``where``): each entry a number (size 1) or a list of ``size`` numbers."""
    def fits(entry: object) -> bool:
        return isinstance(entry, (int, float)) if size == 1 else isinstance(entry, list) and len(entry) == size
    if not isinstance(section, list) or not all(fits(entry) for entry in section):
        raise I2FETError(f"{where} = {section!r} must be a list with one " + ("number" if size == 1 else
                         f"list of {size} numbers") + " per person.")
    return section


def _check_people(where: str, count: int, people: int) -> None:
    """A per-person list must hold one entry per blink face (a model without people ignores it: no one to match)."""
    if count and people and count != people:
        raise I2FETError(f"{where} holds {count} people, blinks.upper_face_people {people}: one entry for each person.")


def _people(section: object) -> list[dict]:
    """blinks.upper_face_people: a list of ``upper_face`` sections, validated as a list of dicts."""
    if not isinstance(section, list) or not all(isinstance(person, dict) for person in section):
        raise I2FETError(f"blinks.upper_face_people = {section!r} must be a list of upper_face sections.")
    return section


def model_from_dict(data: dict) -> PerformanceModel:
    """Validate and build a model from its JSON form; I2FETError names what is wrong."""
    if data.get("format") != FORMAT_VERSION:
        raise I2FETError(f"performance model format {data.get('format')!r}, expected {FORMAT_VERSION}.")
    b, s, d, m, h = (data.get(k, {}) for k in ("blinks", "saccades", "drift", "micro", "head"))
    blinks = BlinkModel(
        rate_per_min=_number(b, "rate_per_min", 0, 60, "blinks"), interval_cv=_number(b, "interval_cv", 0.05, 3, "blinks"),
        half_width=_number(b, "half_width", 0.02, 0.5, "blinks"), closing_share=_number(b, "closing_share", 0.1, 0.9, "blinks"),
        depth=_number(b, "depth", 0.3, 1.0, "blinks"), with_saccade_share=_number(b, "with_saccade_share", 0, 1, "blinks"),
        with_expression_share=_number(b, "with_expression_share", 0, 1, "blinks"),
        upper_face=_blink_face(b.get("upper_face", {})),
        upper_face_people=tuple(_blink_face(person) for person in _people(b.get("upper_face_people", []))),
        gaze_pitch=_number(b, "gaze_pitch", -40, 40, "blinks") if "gaze_pitch" in b else 0.0,
        face_lag=_number(b, "face_lag", 0.0, 0.5, "blinks") if "face_lag" in b else 0.0,
        roll_people=tuple(_number({"g": g}, "g", -40, 40, "blinks.roll_people")
                          for g in _person_list(b.get("roll_people", []), "blinks.roll_people", 1)),
        depth_quantiles=tuple(_number({"q": q}, "q", 0.01, 1.0, "blinks.depth_quantiles") for q in b.get("depth_quantiles", [])))
    _check_people("blinks.roll_people", len(blinks.roll_people), len(blinks.upper_face_people))
    if list(blinks.depth_quantiles) != sorted(blinks.depth_quantiles) or len(blinks.depth_quantiles) == 1:
        raise I2FETError("blinks.depth_quantiles must be two or more rising values.")
    saccades = SaccadeModel(
        fixation_log_mean=_number(s, "fixation_log_mean", -4, 3, "saccades"),
        fixation_log_sd=_number(s, "fixation_log_sd", 0.05, 3, "saccades"),
        amplitude_log_mean=_number(s, "amplitude_log_mean", -1, 4, "saccades"),
        amplitude_log_sd=_number(s, "amplitude_log_sd", 0.05, 3, "saccades"),
        pitch_share=_number(s, "pitch_share", 0, 3, "saccades"), spread_yaw=_number(s, "spread_yaw", 0, 40, "saccades"),
        spread_pitch=_number(s, "spread_pitch", 0, 40, "saccades"), conjugacy=_number(s, "conjugacy", 0.5, 1.5, "saccades"),
        vergence=_number(s, "vergence", -10, 10, "saccades"),
        fixation_people=tuple((_number({"m": m}, "m", -4, 3, "saccades.fixation_people"),
                               _number({"s": sd}, "s", 0.05, 3, "saccades.fixation_people"))
                              for m, sd in _person_list(s.get("fixation_people", []), "saccades.fixation_people", 2)))
    _check_people("saccades.fixation_people", len(saccades.fixation_people), len(blinks.upper_face_people))
    drift = DriftModel(sd=_number(d, "sd", 0, 10, "drift"), alpha=_number(d, "alpha", 0, 6, "drift"),
                       knee=_number(d, "knee", 0.01, 10, "drift"), jitter=_number(d, "jitter", 0, 2, "drift"),
                       jitter_log_sd=_number(d, "jitter_log_sd", 0, 2, "drift"),
                       jitter_smooth=_number(d, "jitter_smooth", 0, 0.5, "drift") if "jitter_smooth" in d else 0.0,
                       person_log_sd=_number(d, "person_log_sd", 0, 2, "drift"),
                       unrest_gain=_number(d, "unrest_gain", 0, 20, "drift") if "unrest_gain" in d else 0.0,
                       unrest_time=_number(d, "unrest_time", 0.005, 2, "drift") if "unrest_time" in d else 0.1)
    eye_look = {}
    for name, (column, gain) in data.get("eye_look", {}).items():
        if name not in INDEX or column not in range(3, 9) or not math.isfinite(gain) or abs(gain) > 20:
            raise I2FETError(f"eye_look.{name} = {(column, gain)!r} is not a channel, rotation column and gain.")
        eye_look[INDEX[name]] = (int(column), float(gain))
    names = m.get("channels", [])
    if not names or any(n not in INDEX for n in names):
        raise I2FETError("micro.channels must name ARKit channels.")
    loadings = np.asarray(m.get("loadings"), np.float64)
    own = np.asarray(m.get("own_sd"), np.float64)
    region = np.asarray(m.get("region"), int)
    factor_region = np.asarray(m.get("factor_region", []), int)
    if loadings.ndim != 2 or loadings.shape[0] != len(names) or own.shape != (len(names),) or region.shape != (len(names),) \
            or not np.all(np.isfinite(loadings)) or not np.all(np.isfinite(own)) or own.min(initial=0) < 0 \
            or not set(region.tolist()) <= {0, 1} or factor_region.shape != (loadings.shape[1],) \
            or not set(factor_region.tolist()) <= {0, 1}:
        raise I2FETError("micro: loadings, own_sd, region and factor_region must match the channels and be finite.")
    tone = np.asarray(m.get("tone", np.zeros(len(names))), np.float64)
    if tone.shape != (len(names),) or not np.all(np.isfinite(tone)) or tone.min(initial=0) < 0 or tone.max(initial=0) > 0.5:
        raise I2FETError("micro.tone must give each channel a resting level from 0 to 0.5.")
    micro = MicroModel(channels=np.array([INDEX[n] for n in names]), region=region,
                       alpha=tuple(float(_number({"a": a}, "a", 0, 6, "micro.alpha")) for a in m.get("alpha", [])),
                       knee=tuple(float(_number({"k": k}, "k", 0.01, 10, "micro.knee")) for k in m.get("knee", [])),
                       loadings=loadings, own_sd=own, factor_region=factor_region,
                       rest_share=_number(m, "rest_share", 0, 1, "micro"), tone=tone,
                       floor=tuple(float(_number({"f": f}, "f", 0, 1, "micro.floor")) for f in m.get("floor", [0, 0])),
                       excursions=_excursions(m.get("excursions")), rest_bumps=_rest_bumps(m.get("rest_bumps", {})),
                       quiet_lower_share=(_number(m, "quiet_lower_share", 0, 1, "micro") if "quiet_lower_share" in m
                                          else CHOSEN_QUIET_LOWER_SHARE))
    if len(micro.alpha) != 2 or len(micro.knee) != 2 or len(micro.floor) != 2:
        raise I2FETError("micro.alpha, micro.knee and micro.floor need one value per region (upper, lower).")
    sd = h.get("sd", [])
    follow = h.get("gaze_follow", [])
    if len(sd) != 3 or len(follow) != 2:
        raise I2FETError("head.sd needs yaw, pitch and roll; head.gaze_follow yaw and pitch.")
    head = HeadModel(sd=tuple(_number({"v": v}, "v", 0, 30, "head.sd") for v in sd),
                     alpha=_number(h, "alpha", 0, 6, "head"), knee=_number(h, "knee", 0.01, 10, "head"),
                     gaze_follow=tuple(_number({"v": v}, "v", -1, 1, "head.gaze_follow") for v in follow),
                     gesture_scale=_number(h, "gesture_scale", 0, 5, "head"))
    lids = data.get("lids", {})
    lid_lag = _number(lids, "lag", 0, 0.5, "lids") if isinstance(lids, dict) and "lag" in lids else 0.0
    return PerformanceModel(blinks, saccades, drift, eye_look, micro, head, dict(data.get("timing", {})),
                            dict(data.get("provenance", {})), lid_lag)


@lru_cache(maxsize=4)
def _load(path: str, stamp: float) -> PerformanceModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise I2FETError(f"The performance model {path} cannot be read ({error}); reinstall the add-on.") from error
    return model_from_dict(data)


def load_performance_model(path: Path | None = None) -> PerformanceModel:
    """The shipped fitted model (or the one at ``path``); cached until the file changes."""
    path = Path(path) if path is not None else MODEL_PATH
    if not path.is_file():
        raise I2FETError(f"The performance model {path} is missing; reinstall the add-on or run "
                         "python -m i2fet_tools.motion.fit_performance.")
    return _load(str(path), path.stat().st_mtime)


def neutral_micro_channels() -> np.ndarray:
    """Channels that micro-motion never touches: eyelids (blinks), gaze (eyeLook), tongue."""
    return np.array([i for i in range(NUM_CHANNELS) if i in (INDEX["eyeBlinkLeft"], INDEX["eyeBlinkRight"],
                                                               INDEX["tongueOut"])
                     or i in (INDEX[n] for n in ("eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
                                                 "eyeLookDownRight", "eyeLookInRight", "eyeLookOutRight",
                                                 "eyeLookUpRight"))])
