"""Reference groups inside the real takes: stretches where the mouth is quiet against stretches where it moves.

Issue 13 measures generated faces against "people holding expressions without speaking"; the takes we
have speak (five performances) or exercise the face (two range-of-motion takes), and no clearly licensed
silent ARKit capture was found (docs/motion.md lists the search). The closest real reference we hold is
the takes' own **quiet-mouth stretches**: frames where the mouth barely moves at syllable rate, in runs
of at least ``MIN_RUN_SECONDS``. They are pauses inside talking takes, not silent takes: the tracker's
resting offsets and the performer's state are the same as around them.

How a frame is classed (no setting is chosen against the discriminator or the generator):
- ``mouth_band_energy``: the mouth channels that speech moves (``SPEECH_CHANNELS``) band-passed to
  ``SPEECH_BAND`` (syllables come 3-6 a second), their summed power averaged over 1 s, square-rooted;
- the threshold between quiet and moving is Otsu's on the pooled log energy of the takes' tracked frames
  (``quiet_threshold``; 0.0068 on the seven takes);
- the **quiet** group keeps the tracked runs below it, the **moving** group the tracked runs above it,
  each run at least ``MIN_RUN_SECONDS`` long; a take joins a group with ``MIN_GROUP_SECONDS`` in it.

Statistics of a group are the ``stats.statistics`` of each take restricted to the group's frames (its
``valid`` mask), except the spectrum slopes, which are measured run by run (``_slopes``) so that no
spectrum spans the joins. The lower face and the expression changes are what the selection is made on
(``SELECTED_ON``): their values in a group say how the groups were cut, not how faces move.

``quiet_lower_share`` (called by ``fit_performance.fit_model``, so leave-one-take-out refits it) sizes the
generator's lower face for a face that does not speak: how much the lower-face channels the groups are not
cut on move in the quiet stretches, as a share of all frames (0.28 on the seven takes; the upper face, a
control, keeps 0.82).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Sequence

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, sosfiltfilt

from ml_backend.motion.regions import REGION_CHANNELS
from ml_backend.naming.arkit import INDEX

from .stats import ANALYSIS_FPS, Motion, _spectral_slope, statistics

SPEECH_BAND = (2.0, 8.0)  # Hz
SPEECH_CHANNELS: np.ndarray = np.array([INDEX[n] for n in (
    "jawOpen", "mouthClose", "mouthFunnel", "mouthPucker", "mouthLowerDownLeft", "mouthLowerDownRight",
    "mouthUpperUpLeft", "mouthUpperUpRight", "mouthRollLower", "mouthRollUpper", "mouthPressLeft", "mouthPressRight")])
MIN_RUN_SECONDS = 2.0
MIN_GROUP_SECONDS = 10.0
SLOPE_RUN_SECONDS = 4.0  # stats._spectral_slope needs 4 s
GROUPS: tuple[str, ...] = ("quiet", "moving")
UNCUT_LOWER_CHANNELS: np.ndarray = np.setdiff1d(REGION_CHANNELS["lower"], SPEECH_CHANNELS)  # smile, frown, cheeks, nose...
SELECTED_ON: frozenset[str] = frozenset({
    "micro-motion lower, sd", "spectrum slope lower (alpha)", "expression changes per minute",
    "expression change duration, s", "blinks within 0.3 s of an expression change"})


def _tracked(motion: Motion) -> np.ndarray:
    return np.ones(len(motion.weights), bool) if motion.valid is None else motion.valid.astype(bool)


def mouth_band_energy(motion: Motion) -> np.ndarray:
    """Per frame: the speech channels' syllable-rate (``SPEECH_BAND``) motion, root of the 1-s mean summed power."""
    fps = motion.fps
    values = motion.weights[:, SPEECH_CHANNELS].astype(np.float64)
    sos = butter(2, [SPEECH_BAND[0], min(SPEECH_BAND[1], 0.45 * fps)], btype="band", fs=fps, output="sos")
    if len(values) <= 3 * (2 * len(sos) + 1):  # too short for a zero-phase filter: no syllable can be told
        return np.zeros(len(values))
    band = sosfiltfilt(sos, values, axis=0)
    return np.sqrt(uniform_filter1d((band ** 2).sum(axis=1), max(1, int(round(fps))), mode="nearest"))


def quiet_threshold(motions: Sequence[Motion]) -> float:
    """Otsu's threshold on the pooled log10 mouth band energy of the motions' tracked frames (energy units)."""
    from skimage.filters import threshold_otsu

    pooled = [np.log10(mouth_band_energy(m)[_tracked(m)] + 1e-6) for m in motions]
    pooled = np.concatenate([p for p in pooled if p.size] or [np.zeros(0)])
    if pooled.size < 2 or np.ptp(pooled) == 0:
        raise ValueError("quiet_threshold needs tracked frames whose mouth energy varies")
    return float(10 ** threshold_otsu(pooled))


def _long_runs(mask: np.ndarray, frames: int) -> np.ndarray:
    """``mask`` with its True runs shorter than ``frames`` cleared."""
    edges = np.flatnonzero(np.diff(np.r_[False, mask, False].astype(int)))
    out = np.zeros(len(mask), bool)
    for first, end in zip(edges[::2], edges[1::2]):
        if end - first >= frames:
            out[first:end] = True
    return out


def group_mask(motion: Motion, threshold: float, group: str) -> np.ndarray:
    """Frames of ``motion`` in ``group`` ("quiet" or "moving"): tracked runs of at least ``MIN_RUN_SECONDS``."""
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS}, not {group!r}")
    if not (math.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold must be a positive number, not {threshold!r}")
    energy = mouth_band_energy(motion)
    side = energy < threshold if group == "quiet" else energy >= threshold
    return _long_runs(side & _tracked(motion), int(math.ceil(MIN_RUN_SECONDS * motion.fps)))


def restricted(motion: Motion, mask: np.ndarray) -> Motion:
    """The motion with only ``mask``'s frames counted (its ``valid`` becomes ``mask``)."""
    return replace(motion, valid=np.asarray(mask, bool).copy())


def _slopes(motion: Motion) -> dict[str, float]:
    """Spectrum slopes upper/lower measured on each valid run of at least ``SLOPE_RUN_SECONDS``, length-weighted."""
    valid = _tracked(motion)
    edges = np.flatnonzero(np.diff(np.r_[False, valid, False].astype(int)))
    runs = [(a, b) for a, b in zip(edges[::2], edges[1::2]) if b - a >= SLOPE_RUN_SECONDS * motion.fps]
    out = {}
    for region in ("upper", "lower"):
        values = [(_spectral_slope(motion.weights[a:b][:, REGION_CHANNELS[region]], motion.fps), b - a) for a, b in runs]
        values = [(s, n) for s, n in values if math.isfinite(s)]
        out[f"spectrum slope {region} (alpha)"] = (float(np.average([s for s, _ in values], weights=[n for _, n in values]))
                                                   if values else math.nan)
    return out


def group_statistics(motion: Motion, mask: np.ndarray) -> dict[str, float]:
    """``stats.statistics`` of the motion's ``mask`` frames, spectrum slopes run by run."""
    part = restricted(motion, mask)
    return {**statistics(part), **_slopes(part)}


def split_groups(motions: Sequence[Motion], threshold: float) -> dict[str, list[tuple[Motion, np.ndarray]]]:
    """For each group, the (motion on the analysis grid, its group mask) of the motions with enough of it."""
    out: dict[str, list[tuple[Motion, np.ndarray]]] = {g: [] for g in GROUPS}
    for motion in motions:
        motion = motion.resampled(ANALYSIS_FPS)
        for group in GROUPS:
            mask = group_mask(motion, threshold, group)
            if mask.sum() >= MIN_GROUP_SECONDS * motion.fps:
                out[group].append((motion, mask))
    return out


def lower_face_quiet_ratio(motion: Motion, threshold: float, channels: np.ndarray = UNCUT_LOWER_CHANNELS) -> float:
    """How much ``channels`` move in the quiet-mouth stretches, as a share of their motion over all tracked frames:
    the 1-s residual sd divided by ``micro.room`` of its level (as ``fit_performance`` sizes micro-motion), quiet
    frames over all; nan without enough of either. By default the lower-face channels the groups are **not** cut
    on (smile, frown, dimple, stretch, shrug, cheeks, nose, jaw sideways): they drop with speech only through what
    moves with it. On the speech channels themselves the share is lower by construction."""
    from ml_backend.motion.micro import room

    from .fit_performance import MIN_ROOM
    from .stats import _residual

    motion = motion.resampled(ANALYSIS_FPS)
    residual = _residual(motion.weights[:, channels], motion.fps)
    free = room(np.clip(motion.weights[:, channels] - residual, 0.0, 1.0))

    def size(mask: np.ndarray) -> float:
        kept = (free >= MIN_ROOM) & mask[:, None]
        return float(np.sqrt(np.mean((residual[kept] / free[kept]) ** 2))) if kept.sum() >= motion.fps else math.nan

    return size(group_mask(motion, threshold, "quiet")) / size(_tracked(motion))


def quiet_lower_share(motions: Sequence[Motion]) -> float | None:
    """The lower face's micro-motion share for a face that does not speak: the median over the motions of
    ``lower_face_quiet_ratio`` (threshold from these motions), in [0, 1]; None where no motion has both a quiet and
    a measurable lower face (the model then keeps its chosen default)."""
    try:
        threshold = quiet_threshold(motions)
    except ValueError:
        return None
    ratios = np.array([lower_face_quiet_ratio(m, threshold) for m in motions])
    ratios = ratios[np.isfinite(ratios)]
    return float(np.clip(np.median(ratios), 0.0, 1.0)) if ratios.size else None


def main() -> int:
    """``python -m i2fet_tools.motion.reference_groups``: the groups of the shared takes; per take the quiet share of
    the motion of the speech channels (cut on), of the other lower-face channels (the fitted
    ``micro.quiet_lower_share``) and of the upper face (a control); what the generated clips' mouths do."""
    from .eval_motion import generate_clips
    from .fit_performance import as_motion, read_takes, takes_folder

    motions = [as_motion(t) for t in read_takes(takes_folder())]
    threshold = quiet_threshold(motions)
    print(f"threshold {threshold:.4f} (Otsu on the takes' log mouth band energy)")
    for motion in motions:
        quiet, moving = (group_mask(motion, threshold, g).sum() / motion.fps for g in GROUPS)
        print(f"  {motion.name}: quiet {quiet:.0f} s, moving {moving:.0f} s, median mouth band energy "
              f"{np.median(mouth_band_energy(motion)[_tracked(motion)]):.4f}")
    for label, channels in (("speech channels (cut on)", SPEECH_CHANNELS),
                            ("other lower-face channels (micro.quiet_lower_share)", UNCUT_LOWER_CHANNELS),
                            ("upper face (control)", REGION_CHANNELS["upper"])):
        ratios = np.array([lower_face_quiet_ratio(m, threshold, channels) for m in motions])
        left_out = [float(np.nanmedian(np.delete(ratios, k))) for k in range(len(ratios))]
        print(f"quiet stretches / all frames, {label}: {', '.join(f'{r:.2f}' for r in ratios)}; median "
              f"{np.nanmedian(ratios):.2f}; each take left out {min(left_out):.2f}-{max(left_out):.2f}")
    clips = [c.resampled(ANALYSIS_FPS) for c in generate_clips("lexicon")]
    print(f"generated clips (shipped model): mouth band energy median "
          f"{np.median([np.median(mouth_band_energy(c)) for c in clips]):.4f}, quiet-mouth share of frames mean "
          f"{np.mean([group_mask(c, threshold, 'quiet').mean() for c in clips]):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
