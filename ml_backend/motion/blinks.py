"""Spontaneous blinks: when (a renewal process, plus blinks that come with gaze shifts and expression changes),
how (a fitted closing/opening pulse), and never where the eyes are already closed or squeezed: a blink that
would fall there comes right after instead, if the eyes open within ``MAX_DEFER`` seconds (people blink as a
squeeze lets go; dropping them left 12 blinks a minute against the takes' 14).

**Blinks come at the fitted rate over the whole clip.** The fitted rate counts every minute of a take, but a
clip has minutes where no blink may start: the fade-in, closed or squeezed eyes, apex frames. Spontaneous
blinks run on a clock that only ticks while a blink may start (``free_starts``), at the rate that gives the
fitted count over the clip, ``rate x clip / free time`` (the rate conditioned on the free time): planned over the
whole clip, an eighth of them fell where no blink may be (16.4 realised a minute against the fitted 18.6).

Planning is bounded by count, not by time: at most ``max_blinks`` are drawn whatever the frame rate
or the rate asked, so an absurd frame rate cannot make it loop (it used to hang at 0.000001 fps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .easing import minimum_jerk
from .gaze import lagged
from .performance_model import BlinkModel
from .regions import EYELID_CHANNELS, SQUINT_CHANNELS

EYES_CLOSED = 0.3  # eyelid weight above which no spontaneous blink is added
EYES_SQUEEZED = 0.5  # eye-squint weight above which no spontaneous blink is added
MIN_GAP = 0.6  # seconds between the starts of two blinks, at least
DURATION_RANGE = (0.1, 0.4)  # seconds, closing and opening (a blink takes 100-400 ms)
MAX_BLINKS_PER_MINUTE = 60.0
MAX_DEFER = 1.5  # seconds a blink may wait for closed or squeezed eyes to open; later, it is dropped
FACE_LAG_TAIL = 3.0  # lags: the blink face's late tail fades out over this many lags before an apex


@dataclass(frozen=True)
class Blink:
    start: float  # seconds
    duration: float  # seconds
    depth: float  # how far the lids close, 0..1
    closing_share: float = 0.45


def blink_pulse(x: np.ndarray, closing_share: float = 0.45) -> np.ndarray:
    """Eyelid closure 0 -> 1 -> 0 over x in [0, 1], closing in ``closing_share`` of the time, C1."""
    closing = minimum_jerk(x / closing_share)
    opening = minimum_jerk((x - closing_share) / (1.0 - closing_share))
    return np.clip(closing - opening, 0.0, 1.0)  # the difference of two ~1 values rounds to -1e-15 near x = 1


def nominal_duration(model: BlinkModel, duration: float | None = None) -> float:
    """A blink's length before its jitter: ``duration`` if given, else the model's (a min-jerk pulse is half up at
    half its time, so twice the half-height width)."""
    return 2.0 * model.half_width if duration is None else float(duration)


def _shut(weights: np.ndarray) -> np.ndarray:
    """Per frame: whether the eyes are closed or squeezed (no spontaneous blink there)."""
    return ((weights[:, EYELID_CHANNELS].max(axis=1) >= EYES_CLOSED)
            | (weights[:, SQUINT_CHANNELS].max(axis=1) >= EYES_SQUEEZED))


def _keep_off(blocked: np.ndarray, fps: float, times: np.ndarray | None, margin: float) -> np.ndarray:
    """``blocked`` (a copy) with the frames within ``margin`` seconds (and half a frame) of each of ``times`` set."""
    blocked = blocked.copy()
    reach = margin + 0.5 / fps
    for t in np.asarray([] if times is None else times, np.float64):
        blocked[max(int(np.ceil((t - reach) * fps)), 0):max(int(np.floor((t + reach) * fps)) + 1, 0)] = True
    return blocked


def free_starts(weights: np.ndarray, fps: float, duration: float, keep_off: np.ndarray | None = None,
                margin: float = 0.0, start: float = 0.0) -> np.ndarray:
    """Per frame: whether a blink of ``duration`` seconds may start there: from ``start`` on (the fade-in), the
    eyes open for its whole length, no ``keep_off`` time (the plan's apexes) within ``margin`` seconds of it,
    and over before the clip ends. Spontaneous blinks are planned over these frames only (``plan_blinks``)."""
    blocked = _keep_off(_shut(weights), fps, keep_off, margin)
    length = max(int(np.ceil(duration * fps)), 1)
    padded = np.concatenate([[0], np.cumsum(np.concatenate([blocked, np.ones(length - 1, bool)]))])
    free = padded[length:] - padded[:-length] == 0
    return free & (np.arange(len(weights)) >= np.ceil(start * fps))


def plan_blinks(seconds: float, model: BlinkModel, rng: np.random.Generator, rate: float | None = None,
                duration: float | None = None, saccades: np.ndarray | None = None,
                changes: np.ndarray | None = None, start: float = 0.4, max_events: int = 100_000,
                clear: np.ndarray | None = None, margin: float = 0.0, free: np.ndarray | None = None,
                fps: float = 60.0) -> list[Blink]:
    """Blink times over ``seconds``: gamma-interval spontaneous blinks at ``rate`` a minute (the model's when None),
    a share of them instead placed at gaze shifts (``saccades``, seconds) and expression changes (``changes``).

    ``free`` (per frame at ``fps``, from ``free_starts``): where a blink may start; spontaneous blinks run on a clock
    that ticks only there, at ``rate x seconds / free time``, so that the clip holds ``rate`` a minute over all of
    its ``seconds``. None: every frame (at ``fps``) from ``start`` on is free. Blinks with gaze shifts and expression
    changes come only where a blink may start, and the time within ``MIN_GAP`` of one is not free for the others.

    A blink that would cover one of the ``clear`` times (the plan's apexes) within ``margin`` seconds starts
    ``margin`` after it instead: a blink moves the upper face, and an apex shows exactly the expression asked.

    At most ``max_events`` blinks are drawn (the caller passes a bound from the clip's frames).
    """
    rate = model.rate_per_min if rate is None else float(rate)
    if not np.isfinite(rate) or rate <= 0 or not np.isfinite(seconds) or seconds <= start:
        return []
    rate = min(rate, MAX_BLINKS_PER_MINUTE)
    duration = nominal_duration(model, duration)
    expected = rate * seconds / 60.0  # blinks the clip holds at the asked rate
    shape = 1.0 / max(model.interval_cv, 0.2) ** 2
    max_blinks = int(np.ceil(expected * 3)) + 4
    max_blinks = min(max_blinks, int(np.ceil(seconds / MIN_GAP)) + 1, max_events)
    candidates: list[float] = []
    for kind, times, share in (("saccade", saccades, model.with_saccade_share),
                               ("change", changes, model.with_expression_share)):
        if times is None or len(times) == 0:
            continue
        draws = rng.random(len(times))  # one draw per event
        candidates += [float(t) for t, u in zip(times, draws) if u < share and t >= start]
    if free is None:
        free = np.arange(int(np.ceil(seconds * fps))) >= np.ceil(start * fps)
    free = free.copy()
    frames = np.ceil(np.asarray(candidates) * fps).astype(np.int64)
    candidates = [t for t, f in zip(candidates, frames) if f < len(free) and free[f]]  # where a blink may start
    for t in candidates:  # no other blink starts within MIN_GAP of one: that time is not free either
        free[max(int(np.ceil((t - MIN_GAP) * fps)), 0):max(int(np.floor((t + MIN_GAP) * fps)) + 1, 0)] = False
    free_frames = np.flatnonzero(free)
    available = len(free_frames) / fps  # seconds a spontaneous blink may start in
    spontaneous_rate = min(max(0.0, expected - len(candidates)) / max(available, 1e-9) * 60.0, MAX_BLINKS_PER_MINUTE)
    phase = rng.uniform(0.0, 1.0)  # the first blink comes within one mean gap of the clock's start
    if spontaneous_rate > 0 and available > 0:
        clock = phase * 60.0 / spontaneous_rate
        gaps = np.maximum(MIN_GAP, rng.gamma(shape, (60.0 / spontaneous_rate) / shape, max_blinks))
        ticks = clock + np.concatenate([[0.0], np.cumsum(gaps[:-1])])
        ticks = ticks[ticks < available]
        k = np.minimum((ticks * fps).astype(np.int64), len(free_frames) - 1)  # the k-th free frame holds the
        candidates += (free_frames[k] / fps - (ticks - k / fps)).tolist()  # clock's [k, k + 1) / fps
    blinks: list[Blink] = []
    chosen = sorted(candidates)[:max_blinks]
    jitter = np.exp(rng.normal(0.0, 0.15, len(chosen))).tolist()
    depths = rng.uniform(0.0, 1.0, len(chosen)).tolist()
    low, high = DURATION_RANGE
    clear = np.sort(np.asarray([] if clear is None else clear, np.float64))
    for t, scale, u in zip(chosen, jitter, depths):
        length = min(max(duration * scale, low), high)
        k = int(np.searchsorted(clear, t - margin))
        while k < len(clear) and clear[k] <= t + length + margin:  # each step moves past one apex: bounded
            t = float(clear[k]) + margin
            while t - margin < clear[k]:  # rounding: the blink starts a full margin after the apex, never an ulp less
                t = float(np.nextafter(t, np.inf))
            k += 1
        if blinks and t - blinks[-1].start < MIN_GAP:
            continue
        if t + length > seconds:
            continue
        if model.depth_quantiles:
            quantiles = model.depth_quantiles
            depth = float(np.interp(u, np.linspace(0.0, 1.0, len(quantiles)), quantiles))
        else:
            depth = min(max(model.depth + (1.0 - model.depth) * u, 0.3), 1.0)
        blinks.append(Blink(start=t, duration=length, depth=depth, closing_share=model.closing_share))
    return blinks


def _clear_start(blocked: np.ndarray, first: int, frames: int, last: int) -> int | None:
    """The first frame from ``first`` to ``last`` (inclusive) where ``frames`` frames in a row are not ``blocked``."""
    last = min(last, len(blocked) - frames)
    if last < first:
        return None
    counts = np.concatenate([[0], np.cumsum(blocked[first:last + frames])])
    free = np.flatnonzero(counts[frames:] - counts[:-frames] == 0)
    return first + int(free[0]) if len(free) else None


def add_blinks(weights: np.ndarray, fps: float, blinks: list[Blink],
               upper_face: tuple[tuple[int, float, float], ...] = (), keep_off: np.ndarray | None = None,
               margin: float = 0.0, face_lag: float = 0.0) -> np.ndarray:
    """Close the eyelids for each blink (in place); returns the closure per frame (0..1) of the blinks added (the
    eyes roll down with it: ``life.perform``).

    A blink where the eyes are closed or squeezed waits until they open (at most ``MAX_DEFER`` seconds, not
    closer than ``MIN_GAP`` to the next blink, not over a ``keep_off`` time within ``margin`` seconds: the plan's
    apexes), or is dropped. ``upper_face`` (``BlinkModel.upper_face``): per channel (index, power, added), what
    the closing lids do to the upper face: the level times (1 - closure)^power (eyeWide collapses as the lids
    close), plus closure times ``added`` scaled by the room left (brows and squints rise a little); weights stay
    in [0, 1]. The upper face follows the closure ``face_lag`` seconds late (``gaze.lagged``, fitted: in the takes the
    brows peak a frame after the lids and settle over a few more), faded out smoothly toward the ``keep_off`` times so
    that an apex frame stays the plan's (``apex_notch``)."""
    closures = np.zeros(len(weights))
    shut = _shut(weights)
    blocked = _keep_off(shut, fps, keep_off, margin)
    for k, blink in enumerate(blinks):
        first = int(np.ceil(blink.start * fps))
        frames = min(len(weights), int(np.ceil((blink.start + blink.duration) * fps))) - first
        if frames <= 0:
            continue
        start = blink.start
        if shut[first:first + frames].any():  # wait for the eyes to open
            following = blinks[k + 1].start - MIN_GAP if k + 1 < len(blinks) else np.inf
            moved = _clear_start(blocked, first + 1, frames, int(np.floor(min(start + MAX_DEFER, following) * fps)))
            if moved is None:
                continue
            first, start = moved, moved / fps
        x = (np.arange(first, first + frames) / fps - start) / blink.duration
        closure = (blink.depth * blink_pulse(np.clip(x, 0.0, 1.0), blink.closing_share))[:, None]
        end = first + frames
        lids = weights[first:end][:, EYELID_CHANNELS]
        weights[first:end, EYELID_CHANNELS] = lids + (1.0 - lids) * closure
        closures[first:end] = closure[:, 0]
    face = closures
    if face_lag * fps >= 0.1 and upper_face:  # under a tenth of a frame the lag changes nothing (``gaze.lagged``)
        face = np.clip(lagged(closures[:, None], fps, face_lag)[:, 0], 0.0, 1.0)
        face *= apex_notch(len(weights), fps, keep_off, margin, FACE_LAG_TAIL * face_lag)
    moved = np.flatnonzero(face > 0.0)
    for channel, power, added in upper_face:
        level = weights[moved, channel]
        kept = level * (1.0 - face[moved]) ** power
        room = 1.0 - kept if added >= 0 else kept
        weights[moved, channel] = kept + added * face[moved] * room
    return closures


def apex_notch(count: int, fps: float, times: np.ndarray | None, margin: float, width: float) -> np.ndarray:
    """Per frame, 0 within ``margin`` seconds (and half a frame) of each of ``times``, rising to 1 over ``width``
    seconds beyond (minimum jerk, C1): the late tail of a blink's upper face ends before an apex frame."""
    notch = np.ones(count)
    if times is None or len(times) == 0 or width <= 0.0:
        return notch
    reach, width = margin + 0.5 / fps, max(width, 0.5 / fps)  # never narrower than half a frame
    for t in np.asarray(times, np.float64):  # only the frames near each apex: linear in frames
        first, last = max(int(np.floor((t - reach - width) * fps)), 0), min(int(np.ceil((t + reach + width) * fps)) + 1, count)
        if first < last:
            seconds = np.arange(first, last) / fps
            notch[first:last] = np.minimum(notch[first:last], minimum_jerk((np.abs(seconds - t) - reach) / width))
    return notch
