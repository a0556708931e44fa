"""``python3 build.py eval-motion``: generated motion against real takes, statistic by statistic.

Prints, for each statistic of ``stats.STAT_NAMES``: the real takes' median and interquartile range,
the generated median over ``INSTRUCTIONS`` (30 s at 60 fps each) with the shipped model, and the
same with leave-one-take-out models (each fold fits the model on six takes, generates, and compares
with the held-out take; the column is the folds' median); then a discriminator (gradient boosting
on 2-second windows of upper face, gaze and head; grouped cross-validation so no clip or take is in
both training and test; and leave one take out all the way, the generator of each fold fitted
without its held-out take) with its ROC AUC and the features that give generated motion away; the
sparse keys (keys per channel per second, largest deviation from the dense motion); and the cost
of 18,000 frames. Then the same statistics and discriminators against two reference groups cut from the
takes (``reference_groups``: quiet-mouth stretches, the closest we hold to the issue's people holding an
expression without speaking, and moving-mouth stretches). ``--figures`` also draws ``docs/img/motion_side_by_side.png`` and
``docs/img/motion_stats.png``.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from ml_backend.motion.keys import fit_keys, key_report
from ml_backend.motion.life import LifeOptions, perform
from ml_backend.motion.performance_model import load_performance_model, model_from_dict
from ml_backend.motion.schedule import schedule
from ml_backend.motion.timing_params import load_timing_params
from ml_backend.motion.trajectory import performance, transition_weights
from ml_backend.reading.registry import get_reader

from ml_backend.export.livelink_csv import Take

from .fit_performance import as_motion, fit_model, read_takes, takes_folder
from .reference_groups import SELECTED_ON, group_mask, group_statistics, quiet_threshold, restricted, split_groups
from .stats import ANALYSIS_FPS, FEATURE_NAMES, STAT_NAMES, Motion, statistics, window_features

SECONDS, FPS = 30.0, 60.0
INSTRUCTIONS: tuple[str, ...] = (
    "a faint smile that slowly turns into open-mouthed surprise, then back to neutral",
    "from neutral to a big smile over 2 seconds, then hold it",
    "sad, then slowly happy", "angry, hold it, then calm down", "disgust, then back to neutral",
    "a worried frown", "surprise in a flash, back over 2 seconds", "a skeptical look", "fear turning into relief",
    "a slight smile", "nod in agreement with a smile", "a doubtful frown, then a smile", "contempt",
    "a proud smile", "deep sadness", "a gentle smile that fades", "shock, then anger", "a happy grin, hold it",
    "puzzled, then surprised", "a tired face", "a bored face", "pain, then relief",
)
GENERATED_TAKE = "generated"


def generate_clips(reader_name: str, seed: int = 0, model=None) -> list[Motion]:
    """The instructions as 30-s clips at 60 fps (weights and rotations) with the given performance model."""
    reader = get_reader(reader_name)
    params = load_timing_params()[0]
    clips = []
    for i, text in enumerate(INSTRUCTIONS):
        steps, notes = reader.read(text, seed=seed)
        plan = schedule(steps, duration=SECONDS, fps=FPS, instruction=text, notes=tuple(notes), params=params)
        weights, rotations = perform(transition_weights(plan, params), FPS, LifeOptions(seed=seed, variation_key=f"c{i}"),
                                     plan, model)
        clips.append(Motion(np.clip(weights, 0, 1), rotations, FPS, None, True, text))
    return clips


def _real_motion(item: Take | Motion) -> Motion:
    """A real take (or a real motion already cut to a reference group) on the analysis grid."""
    return item.resampled(ANALYSIS_FPS) if isinstance(item, Motion) else as_motion(item)


def _quantiles(values: list[float]) -> tuple[float, float, float]:
    v = np.array([x for x in values if x is not None and math.isfinite(x)])
    if v.size == 0:
        return (math.nan,) * 3
    return float(np.median(v)), float(np.percentile(v, 25)), float(np.percentile(v, 75))


def statistics_table(takes, clips, loto: dict[str, list[float]]) -> list[tuple[str, float, float, float, float, float]]:
    real = [statistics(as_motion(t)) for t in takes]
    generated = [statistics(c) for c in clips]
    rows = []
    for name in STAT_NAMES:
        median, q1, q3 = _quantiles([r[name] for r in real])
        gen = _quantiles([g[name] for g in generated])[0]
        rows.append((name, median, q1, q3, gen, _quantiles(loto.get(name, []))[0]))
    return rows


def leave_one_take_out(takes, reader_name: str) -> tuple[dict[str, list[float]], list[list[Motion]]]:
    """For each take: fit on the others (timing kept), generate, and keep the generated medians and the clips."""
    out: dict[str, list[float]] = {}
    fold_clips = []
    for k in range(len(takes)):
        others = [t for i, t in enumerate(takes) if i != k]
        data = fit_model(others, timing=False)
        model = model_from_dict(data)
        clips = generate_clips(reader_name, seed=k + 1, model=model)
        fold_clips.append(clips)
        stats = [statistics(c) for c in clips]
        for name in STAT_NAMES:
            out.setdefault(name, []).append(_quantiles([s[name] for s in stats])[0])
    return out, fold_clips


def _classifier():
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(n_estimators=150, max_depth=2, random_state=0)


def discriminator_loto(takes, fold_clips: list[list[Motion]]) -> tuple[float, list[tuple[str, float]], int, int]:
    """ROC AUC of real vs generated 2-s windows (upper face and gaze), leave one take out all the way: fold k
    tests on take k and on a seventh of the clips of the model fitted without take k, and trains on the other
    takes and that model's other clips (so neither the classifier nor the generator saw the held-out take)."""
    from sklearn.metrics import roc_auc_score

    columns = [i for i, n in enumerate(FEATURE_NAMES) if not n.startswith("head")]
    real = [window_features(_real_motion(t))[:, columns] for t in takes]
    scores, labels, importances = [], [], []
    for k, clips in enumerate(fold_clips):
        generated = [window_features(c)[:, columns] for c in clips]
        test_gen = [g for i, g in enumerate(generated) if i % len(fold_clips) == k]
        train_gen = [g for i, g in enumerate(generated) if i % len(fold_clips) != k]
        train_real = [r for i, r in enumerate(real) if i != k]
        x = np.concatenate(train_real + train_gen)
        y = np.r_[np.ones(sum(len(r) for r in train_real)), np.zeros(sum(len(g) for g in train_gen))]
        model = _classifier().fit(x, y)
        importances.append(model.feature_importances_)
        for rows, label in [(real[k], 1)] + [(g, 0) for g in test_gen]:
            if len(rows):
                scores.append(model.predict_proba(rows)[:, 1])
                labels.append(np.full(len(rows), label))
    y, p = np.concatenate(labels), np.concatenate(scores)
    names = [FEATURE_NAMES[i] for i in columns]
    ranked = sorted(zip(names, np.mean(importances, axis=0)), key=lambda pair: -pair[1])
    return float(roc_auc_score(y, p)), ranked[:4], int((y == 1).sum()), int((y == 0).sum())


def discriminator(takes, clips, with_head: bool) -> tuple[float, list[tuple[str, float]], int, int]:
    """Cross-validated ROC AUC of real vs generated 2-s windows, and the features that tell them apart."""
    from sklearn.model_selection import GroupKFold, cross_val_predict
    from sklearn.metrics import roc_auc_score

    real_takes = [t for t in takes if t.has_head] if with_head else list(takes)
    columns = list(range(len(FEATURE_NAMES))) if with_head else \
        [i for i, n in enumerate(FEATURE_NAMES) if not n.startswith("head")]
    rows, labels, groups = [], [], []
    for g, take in enumerate(real_takes):
        features = window_features(_real_motion(take))
        rows.append(features)
        labels += [1] * len(features)
        groups += [g] * len(features)
    for g, clip in enumerate(clips):
        features = window_features(clip)
        rows.append(features)
        labels += [0] * len(features)
        groups += [100 + g] * len(features)
    x = np.concatenate(rows)[:, columns]
    y, groups = np.array(labels), np.array(groups)
    folds = min(5, len(set(groups[y == 1])), len(set(groups[y == 0])))
    if folds < 2:  # one real take: split its windows in time halves instead of by take
        real_idx = np.flatnonzero(y == 1)
        groups[real_idx] = np.where(np.arange(len(real_idx)) < len(real_idx) // 2, 0, 1)
        folds = 2
    model = _classifier()
    scores = cross_val_predict(model, x, y, groups=groups, cv=GroupKFold(n_splits=folds), method="predict_proba")[:, 1]
    auc = float(roc_auc_score(y, scores))
    model.fit(x, y)
    names = [FEATURE_NAMES[i] for i in columns]
    ranked = sorted(zip(names, model.feature_importances_), key=lambda p: -p[1])
    return auc, ranked[:4], int((y == 1).sum()), int((y == 0).sum())


def group_table(takes, clips, loto: dict[str, list[float]], threshold: float
                ) -> dict[str, list[tuple[str, float, float, float, float, float]]]:
    """Per reference group (``reference_groups``): the statistics table with the group's takes as the real side
    (each take cut to the group's frames, one with too little of it left out); the generated side as in
    ``statistics_table``."""
    generated = [statistics(c) for c in clips]
    out = {}
    for group, members in split_groups([as_motion(t) for t in takes], threshold).items():
        real = [group_statistics(motion, mask) for motion, mask in members]
        rows = []
        for name in STAT_NAMES:
            median, q1, q3 = _quantiles([r[name] for r in real])
            rows.append((name, median, q1, q3, _quantiles([g[name] for g in generated])[0],
                         _quantiles(loto.get(name, []))[0]))
        out[f"{group} ({len(members)} takes, {sum(int(m.sum()) for _, m in members) / ANALYSIS_FPS:.0f} s)"] = rows
    return out


def group_discriminators(takes, clips, fold_clips: list[list[Motion]], threshold: float
                         ) -> list[tuple[str, float, float | None, list[tuple[str, float]], int, int]]:
    """Upper face and gaze discriminators against each reference group: (label, grouped 5-fold AUC, leave-one-take-out
    AUC or None, what gives it away, real windows, generated windows). Real windows lie wholly inside the group;
    generated windows are every window of the clips, and, for the quiet group, also only the clips' own quiet-mouth
    windows (like against like)."""
    real_all = [as_motion(t) for t in takes]

    def cut(motions: Sequence[Motion], group: str) -> list[Motion]:
        out = []
        for motion in motions:
            motion = motion.resampled(ANALYSIS_FPS)
            out.append(restricted(motion, group_mask(motion, threshold, group)))
        return out

    out = []
    for label, group, generated_group in (("quiet-mouth stretches vs every generated window", "quiet", None),
                                          ("quiet-mouth stretches vs quiet-mouth generated windows", "quiet", "quiet"),
                                          ("moving-mouth stretches vs every generated window", "moving", None)):
        real = cut(real_all, group)
        gen = cut(clips, generated_group) if generated_group else list(clips)
        auc, features, real_n, gen_n = discriminator(real, gen, with_head=False)
        loto = None
        if fold_clips:
            folds = [cut(f, generated_group) if generated_group else f for f in fold_clips]
            loto = discriminator_loto(real, folds)[0]
        out.append((label, auc, loto, features, real_n, gen_n))
    return out


def _inside_counts(rows) -> tuple[int, int, int, int]:
    """(inside, measured, inside among statistics not selected on, measured among them) of a statistics table."""
    measured = [(n, g, q1, q3) for n, _, q1, q3, g, _ in rows if _inside(g, q1, q3).strip() in ("yes", "no")]
    free = [r for r in measured if r[0] not in SELECTED_ON]
    return (sum(_inside(g, q1, q3) == "yes" for _, g, q1, q3 in measured), len(measured),
            sum(_inside(g, q1, q3) == "yes" for _, g, q1, q3 in free), len(free))


def cost(frames: int = 18_000, fps: float = 60.0) -> tuple[float, float]:
    """(wall seconds, CPU seconds), best of three, to schedule and perform an 18,000-frame clip, life on."""
    reader = get_reader("lexicon")
    steps, _ = reader.read("a faint smile that slowly turns into surprise, then sad, then angry, then back to neutral")
    best_wall = best_cpu = math.inf
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        plan = schedule(steps, duration=frames / fps, fps=fps)
        performance(plan, life=LifeOptions(seed=1))
        best_wall, best_cpu = min(best_wall, time.perf_counter() - wall), min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


def _inside(value: float, q1: float, q3: float) -> str:
    if not math.isfinite(value) or not math.isfinite(q1):
        return "  -"
    return "yes" if q1 <= value <= q3 else " no"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py eval-motion", description=__doc__.split("\n")[0])
    parser.add_argument("--reader", default="lexicon", help="instruction reader for the generated clips (default lexicon:"
                                                            " the motion does not depend on it, and it loads in no time)")
    parser.add_argument("--no-loto", action="store_true", help="skip the leave-one-take-out folds (7 refits)")
    parser.add_argument("--figures", action="store_true", help="also draw the docs figures")
    args = parser.parse_args(argv)
    takes = read_takes(takes_folder())
    for take in takes:
        print(f"{take.name}: {take.seconds:.0f} s at {take.fps:g} fps, {take.valid.mean():.0%} tracked; "
              + "; ".join(take.notes))
    clips = generate_clips(args.reader)
    loto, fold_clips = ({}, []) if args.no_loto else leave_one_take_out(takes, args.reader)
    rows = statistics_table(takes, clips, loto)
    print(f"\n{len(takes)} real takes vs {len(clips)} generated clips ({SECONDS:g} s at {FPS:g} fps); "
          "statistics on a 30-Hz grid")
    print(f"{'statistic':44s} {'real median':>11s} {'real IQR':>17s} {'generated':>10s} {'in IQR':>6s} "
          f"{'LOTO gen.':>10s} {'in IQR':>6s}")
    for name, median, q1, q3, gen, loto_gen in rows:
        print(f"{name:44s} {median:11.3f} {q1:8.3f}-{q3:<8.3f} {gen:10.3f} {_inside(gen, q1, q3):>6s} "
              f"{loto_gen:10.3f} {_inside(loto_gen, q1, q3):>6s}")
    inside = sum(_inside(g, q1, q3) == "yes" for _, _, q1, q3, g, _ in rows)
    print(f"{inside}/{len(rows)} statistics of the generated clips inside the real interquartile range "
          "(head statistics: one take recorded the head, so its 'IQR' is a single value)")
    _, _, free_inside, free_count = _inside_counts(rows)
    print(f"  of which {free_inside}/{free_count} among the statistics that do not measure the lower face or the "
          f"expression changes (what talking drives: {', '.join(sorted(SELECTED_ON))})")
    for with_head in (False, True):
        auc, features, real_n, gen_n = discriminator(takes, clips, with_head)
        scope = "upper face, gaze and head (the one take with head rotation)" if with_head else \
            "upper face and gaze (all 7 takes)"
        print(f"discriminator, {scope}: ROC AUC {auc:.2f} (0.5 = indistinguishable; goal <= 0.75) on {real_n} real and "
              f"{gen_n} generated 2-s windows; gives it away: " + ", ".join(f"{n} ({v:.2f})" for n, v in features))
    if fold_clips:
        auc, features, real_n, gen_n = discriminator_loto(takes, fold_clips)
        print(f"discriminator, upper face and gaze, leave one take out (each fold's generator fitted without the "
              f"held-out take): ROC AUC {auc:.2f} on {real_n} real and {gen_n} generated 2-s windows; gives it away: "
              + ", ".join(f"{n} ({v:.2f})" for n, v in features))
    threshold = quiet_threshold([as_motion(t) for t in takes])
    print(f"\nreference groups inside the takes (i2fet_tools/motion/reference_groups.py): mouth band energy below "
          f"{threshold:.4f} (Otsu on the takes) for at least 2 s = quiet mouth; above = moving mouth (speech or "
          "range-of-motion exercises). Generated clips as above; lower face and expression changes are what the "
          "groups are cut on")
    for group, group_rows in group_table(takes, clips, loto, threshold).items():
        inside, measured, free_inside, free_count = _inside_counts(group_rows)
        loto_inside = sum(_inside(lg, q1, q3) == "yes" for n, _, q1, q3, _, lg in group_rows if n not in SELECTED_ON)
        print(f"{group}: {inside}/{measured} measurable statistics inside the group's IQR; {free_inside}/{free_count} "
              f"not cut on" + (f" (leave-one-take-out {loto_inside}/{free_count})" if loto else ""))
        for name, median, q1, q3, gen, loto_gen in group_rows:
            print(f"  {name:44s} {median:11.3f} {q1:8.3f}-{q3:<8.3f} {gen:10.3f} {_inside(gen, q1, q3):>6s} "
                  f"{loto_gen:10.3f} {_inside(loto_gen, q1, q3):>6s}" + ("  (cut on)" if name in SELECTED_ON else ""))
    for label, auc, loto_auc, features, real_n, gen_n in group_discriminators(takes, clips, fold_clips, threshold):
        print(f"discriminator, upper face and gaze, {label}: ROC AUC {auc:.2f} grouped 5-fold"
              + (f", {loto_auc:.2f} leave one take out" if loto_auc is not None else "")
              + f" on {real_n} real and {gen_n} generated 2-s windows; gives it away: "
              + ", ".join(f"{n} ({v:.2f})" for n, v in features))
    reports = [key_report(c.weights, fit_keys(c.weights, 0.01), c.fps) for c in clips[:6]]
    rot_reports = [key_report(c.rotations, fit_keys(c.rotations, 0.005), c.fps) for c in clips[:6]]
    print(f"sparse keys (tolerance 0.01 on weights, 0.005 rad on rotations): "
          f"{np.mean([r['keys_per_channel_second'] for r in reports]):.1f} keys per moving channel per second, "
          f"{np.mean([r['keys_total'] / r['dense_keys'] for r in reports]):.1%} of a per-frame bake; rotations "
          f"{np.mean([r['keys_per_channel_second'] for r in rot_reports]):.1f}/s; largest deviation from the dense "
          f"motion {max(r['max_deviation'] for r in reports):.4f} (weights), "
          f"{max(r['max_deviation'] for r in rot_reports):.4f} rad")
    wall, cpu = cost()
    print(f"cost: 18,000 frames (5 min at 60 fps) scheduled and performed in {wall:.2f} s wall, {cpu:.2f} s CPU "
          f"(best of 3; shared 2-core machine)")
    if args.figures:
        from docs.motion_figures import draw

        for path in draw(takes, clips, rows):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
