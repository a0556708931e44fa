"""Fit the confidence calibrators on calibration data that is NOT the held-out set.

Calibration data: the hand-written development instructions (``data/dev_instructions.jsonl``) and
generated instructions from the corpus builder (``corpus.build_corpus("heldout", seed=2)``; their
expectations derived from the asked faces, ``generated_entries``). For each reader, each instruction is
read; it is *right* when every expectation holds (``expectations.check_entry``). Two raw scores are
mapped to that probability with isotonic regression (scikit-learn, here only; the runtime
interpolates the stored points), the two sources weighted to count half each (``source_weights``):

- the alignment similarity (lowest over the steps) -> ``ml_backend/checkpoints/alignment_calibration.json``
  (all readers; ``ml_backend.ifed.calibration``);
- the compositional reader's own raw confidence (lowest over the steps) ->
  ``ml_backend/checkpoints/reader_calibration.json`` (``ml_backend.reading.calibration``'s format),
  which that reader applies to the confidence it reports.

- the compositional reader's own calibrated confidence combined with the similarity (``Combination``: a slope
  on the similarity over the own confidence's log-odds, fitted by weighted maximum likelihood) -> the same
  alignment calibration file.

- the compositional reader's own calibrated confidence combined with the **word-piece** alignment's similarity,
  fitted as the plan applies it (per face step, the plan's the lowest; ``fit_plan_combination``) ->
  ``ml_backend/checkpoints/alignment_wordpiece_calibration.json``, the confidence on the plan's path
  (``ml_backend.ifed.confidence``; ``--wordpiece`` refits only it).

``python -m i2fet_tools.ifed.calibrate`` fits and writes them; ``build.py eval`` reports the error;
``python -m i2fet_tools.ifed.calibrate --check`` prints AUROC and ECE on the check part of the development
files (``CHECK_FILES``: never fitted on) for the own confidence, the similarity and the combination.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ml_backend.errors import BadInstructionError, CheckpointError
from ml_backend.naming.arkit import ARKIT_NAMES
from .expectations import DEV_FILE, Entry, check_entry, load_entries

BINS = 10
DEFINING = 3  # channels a generated instruction's face must show: its strongest few
MAJOR = ("mouthSmile*", "mouthFrown*", "browDown*", "browInnerUp", "eyeWide*", "jawOpen", "noseSneer*", "eyeBlink*")


@dataclass
class Read:
    """One instruction as a reader read it."""

    apexes: list[np.ndarray] | None  # None: refused
    texts: list[str]
    confidence: float  # what the reader reports (lowest step confidence); nan when refused
    raw: float  # the reader's own raw confidence where it has one, else ``confidence``
    seconds: float
    steps: list[float] = field(default_factory=list)  # each step's reported confidence (nan: a neutral step)


def read(reader, text: str, aligned: bool = True) -> Read:
    """Read ``text``; a refusal (BadInstructionError, or no steps) gives ``apexes=None``. ``aligned``: the confidence
    the plan reports (with the alignment similarity where the reader has it on the path, ``ifed.confidence``);
    else the reader's own."""
    start = time.perf_counter()
    try:
        steps, _ = reader.read(text)
    except BadInstructionError:
        return Read(None, [], float("nan"), float("nan"), time.perf_counter() - start)
    if aligned:
        from ml_backend.ifed.confidence import with_alignment

        steps = with_alignment(steps, getattr(reader, "name", ""), text)
    seconds = time.perf_counter() - start
    if not steps:
        return Read(None, [], float("nan"), float("nan"), seconds)
    faces = [s for s in steps if s.anchor.label != "neutral"] or steps
    confidence = float(min(s.anchor.confidence for s in faces))
    raw = confidence
    if hasattr(reader, "analyse"):
        understood = reader.analyse(text).understood_steps
        shown = [s for s in understood if not s.neutral] or understood
        if shown:
            raw = float(min(s.raw_confidence for s in shown))
    return Read([np.asarray(s.anchor.target, np.float32) for s in steps], [s.text or text for s in steps],
                confidence, raw, seconds,
                [float("nan") if s.anchor.label == "neutral" else float(s.anchor.confidence) for s in steps])


def step_similarities(readings: list[Read], alignment, encoder) -> list[np.ndarray | None]:
    """The alignment similarity of each step's words with its face, per reading (None for a refusal)."""
    texts = sorted({t for r in readings if r.apexes is not None for t in r.texts})
    if not texts:
        return [None] * len(readings)
    vectors = dict(zip(texts, np.concatenate([encoder.encode(texts[i:i + 256]) for i in range(0, len(texts), 256)])))
    return [None if r.apexes is None else alignment.score(np.stack([vectors[t] for t in r.texts]), np.stack(r.apexes))
            for r in readings]


def alignment_raw(readings: list[Read], alignment, encoder) -> np.ndarray:
    """Lowest alignment similarity over each reading's steps (nan for a refusal)."""
    return np.array([np.nan if s is None else float(s.min()) for s in step_similarities(readings, alignment, encoder)])


def generated_entries(count: int = 300, seed: int = 2) -> list[Entry]:
    """Corpus instructions (held-out words and shapes, another seed) with expectations from their faces, in the
    manner of the hand-written ones (a few defining channels, the opposing ones low): the (at most
    ``DEFINING``) strongest channels asked at 0.3 and at half the face's peak or more must rise; major channels
    asked at zero must stay low; neutral is neutral. Asking every channel of a canned face to rise would
    judge a reader by how closely it copies the corpus's faces rather than by whether it shows the words."""
    from .corpus import build_corpus

    entries = []
    for example in build_corpus("heldout", seed=seed):
        if not all(t.is_face for t in example.targets):
            continue
        blocks = []
        for target in example.targets:
            apex = target.apex
            if target.label == "neutral" or apex.max() < 0.05:
                blocks.append({"neutral": True})
                continue
            floor = max(0.3, 0.5 * float(apex.max()))
            rise = [ARKIT_NAMES[i] for i in np.argsort(-apex, kind="stable")[:DEFINING]
                    if apex[i] >= floor and ARKIT_NAMES[i] != "tongueOut"]
            low = [p for p in MAJOR if all(apex[ARKIT_NAMES.index(c)] == 0.0 for c in _expand(p))]
            block = {k: v for k, v in (("rise", rise), ("low", low)) if v}
            blocks.append(block or {"any": [[ARKIT_NAMES[int(np.argmax(apex))]]]})
        entries.append(Entry(f"gen{len(entries)}", "generated", example.text, tuple(blocks)))
    rng = np.random.default_rng(seed)
    return [entries[i] for i in sorted(rng.choice(len(entries), min(count, len(entries)), replace=False))]


def _expand(pattern: str) -> list[str]:
    return [pattern[:-1] + "Left", pattern[:-1] + "Right"] if pattern.endswith("*") else [pattern]


READER_DEV = DEV_FILE.parents[3] / "tests" / "data" / "reader_dev"
DEV_ROUNDS = tuple(READER_DEV / f"dev_round{n}.jsonl" for n in (3, 4, 5)) + (READER_DEV / "dev_round5_calibration.jsonl",)
UNTUNED = READER_DEV / "dev_round5_calibration.jsonl"  # written with round 5, never looked at item by item
UNTUNED_SHARE = 0.7  # its weight: the tuned rounds read better than unseen text, they only fill in the shape


# Development instructions whose words happen to be those of a held-out instruction too (short, common phrasings
# such as "L brow up"; found by tests/test_confidence_calibration.py's overlap check): left out of calibration.
SHARED_WITH_HELDOUT = frozenset("""
d3-ani07 d3-ani19 d3-fig12 d3-scr07 d3-gra01 d3-gra03 d3-gra04 d3-gra05 d3-gra08 d3-gra10 d3-gra16 d3-neg01 d3-neg06
d3-neg18 d4-fig06 d4-ani03 d4-ani20 d4-ani21 d4-com01 d4-com02 d5-fig01 d5-seq12 d5-ani03 d5-gra03 d5-neg08 d5-cal44
""".split())


CALIBRATION_FILES = (DEV_FILE, *DEV_ROUNDS)  # where the maps are fitted

# The development files split by file (issue 10, item 6). The calibration files above are where every map is
# fitted; ALIGN_FILES (the fitting part too) are where the alignment model learns the dev-file styles
# (align_train --dev); CHECK_FILES are never fitted on: the AUROC and ECE of ``check`` are measured there.
ALIGN_FILES = tuple(READER_DEV / f"dev_round{n}.jsonl" for n in
                    ("6_sequence", "7_parts", "8_stage", "10_compositional", "10_prose"))
CHECK_FILES = tuple(READER_DEV / f"dev_round{n}.jsonl" for n in
                    ("7_steps", "8_real", "9_figurative", "10_sequence", "10_compositional_b", "10_prose_b",
                     "10_sequence_b"))


def dev_entries(paths: tuple[Path, ...]) -> list[Entry]:
    """The entries of development files that carry per-channel expectations (not non-face or face-only lines)."""
    import json

    from .expectations import parse_entry

    out = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            record = json.loads(line) if line.strip() else {}
            if record and not record.get("nonface") and not record.get("face_only"):
                out.append(parse_entry(record, f"{path.name}:{number}"))
    return out


def calibration_entries(generated: int = 0) -> list[Entry]:
    """Everything the calibrators are fitted on: the hand-written development sets (written the way people write,
    like the held-out set, unlike the generated corpus), plus ``generated`` corpus instructions if asked."""
    entries = [e for e in load_entries(list(CALIBRATION_FILES)) if e.id not in SHARED_WITH_HELDOUT]
    return entries + (generated_entries(generated) if generated else [])


def untuned_ids() -> frozenset[str]:
    """Ids of the development entries the reader was never tuned on (their share right is the honest level)."""
    return frozenset(e.id for e in load_entries([UNTUNED]))


def source_weights(entries: list[Entry], untuned: frozenset[str] = frozenset()) -> np.ndarray:
    """Fitting weights: hand-written development instructions and generated ones (if any) count as much in all.

    The hand-written sets are written the way users write (the target); generated ones are harder and would set
    the level too low. The development rounds the reader was tuned on read better than new text does; the round it was never tuned
    on (``untuned``) carries ``UNTUNED_SHARE`` of their weight, so the level is mostly that of unseen text."""
    generated = np.array([e.style == "generated" for e in entries])
    fresh = np.array([e.id in untuned for e in entries]) & ~generated
    weights = np.ones(len(entries))
    if fresh.any() and (~fresh & ~generated).any():
        tuned = ~fresh & ~generated
        weights[fresh], weights[tuned] = UNTUNED_SHARE / fresh.sum(), (1 - UNTUNED_SHARE) / tuned.sum()
        weights *= (~generated).sum()
    if generated.all() or not generated.any():
        return weights
    return np.where(generated, 0.5 / generated.sum() * len(entries), weights * 0.5 * len(entries) / weights[~generated].sum())


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> float:
    """ECE: the bin-weighted gap between mean confidence and accuracy over equal-width confidence bins."""
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, float)
    keep = np.isfinite(confidence)
    confidence, correct = np.clip(confidence[keep], 0.0, 1.0), correct[keep]
    if not len(confidence):
        return float("nan")
    index = np.minimum((confidence * bins).astype(int), bins - 1)
    return float(sum(abs(confidence[index == b].mean() - correct[index == b].mean()) * (index == b).sum()
                     for b in range(bins) if (index == b).any()) / len(confidence))


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> list[tuple[float, float, int]]:
    """(mean confidence, accuracy, count) per non-empty bin, for the reliability plot."""
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, float)
    keep = np.isfinite(confidence)
    confidence, correct = np.clip(confidence[keep], 0.0, 1.0), correct[keep]
    index = np.minimum((confidence * bins).astype(int), bins - 1)
    return [(float(confidence[index == b].mean()), float(correct[index == b].mean()), int((index == b).sum()))
            for b in range(bins) if (index == b).any()]


def fit_isotonic(raw: np.ndarray, correct: np.ndarray, points: int = 24,
                 weight: np.ndarray | None = None) -> tuple[list[float], list[float]]:
    """Isotonic fit raw -> P(right), returned as at most ``points`` (x ascending, y non-decreasing) points."""
    from sklearn.isotonic import IsotonicRegression

    raw, correct = np.asarray(raw, float), np.asarray(correct, float)
    weight = np.ones_like(raw) if weight is None else np.asarray(weight, float)
    keep = np.isfinite(raw)
    raw, correct, weight = raw[keep], correct[keep], weight[keep]
    if len(np.unique(raw)) < 2:
        p = float(np.average(correct, weights=weight)) if len(correct) else 0.0
        return [0.0, 1.0], [p, p]
    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True).fit(
        raw, correct, sample_weight=weight)
    xs = np.quantile(raw, np.linspace(0.0, 1.0, points))
    xs = np.unique(np.round(xs, 6))
    ys = np.maximum.accumulate(np.clip(model.predict(xs), 0.0, 1.0))
    return [float(x) for x in xs], [float(y) for y in ys]


def own_confidence(readings: list[Read]) -> np.ndarray:
    """The confidence each reading reports (its reader's own calibrated map; nan for a refusal)."""
    return np.array([r.confidence for r in readings], np.float64)


def fit_combination(own: np.ndarray, similarity: np.ndarray, correct: np.ndarray,
                    weight: np.ndarray | None = None):
    """The ``Combination`` (slope on the centred similarity, shift) that maximises the weighted likelihood of being
    right over readings with both scores; the own confidence enters as a fixed offset (its map keeps its shape)."""
    from scipy.optimize import minimize

    from ml_backend.ifed.calibration import Combination

    own, similarity, correct = (np.asarray(v, float) for v in (own, similarity, correct))
    weight = np.ones_like(own) if weight is None else np.asarray(weight, float)
    keep = np.isfinite(own) & np.isfinite(similarity)
    own, similarity, correct, weight = own[keep], similarity[keep], correct[keep], weight[keep]
    centre = float(np.average(similarity, weights=weight))
    p = np.clip(own, 0.001, 0.999)
    offset = np.log(p / (1 - p))

    def loss(params: np.ndarray) -> float:
        z = offset + params[0] * (similarity - centre) + params[1]
        return float(np.sum(weight * (np.logaddexp(0.0, z) - correct * z)))

    best = minimize(loss, np.zeros(2), method="L-BFGS-B", bounds=[(0.0, 20.0), (-3.0, 3.0)])
    return Combination(round(float(best.x[0]), 6), round(centre, 6), round(float(best.x[1]), 6))


def auroc(score: np.ndarray, correct: np.ndarray) -> float:
    """Area under the ROC curve of ``score`` for right vs wrong (nan scores and one-class sets give nan)."""
    from sklearn.metrics import roc_auc_score

    score, correct = np.asarray(score, float), np.asarray(correct, bool)
    keep = np.isfinite(score)
    if keep.sum() < 2 or correct[keep].all() or not correct[keep].any():
        return float("nan")
    return float(roc_auc_score(correct[keep], score[keep]))


def combined_scores(readings: list[Read], similarities: list[np.ndarray | None], combination) -> np.ndarray:
    """The combined confidence of each reading: per face step from its own confidence and its similarity, the
    lowest over the steps (as the plan reports it); nan for a refusal."""
    out = []
    for r, sims in zip(readings, similarities):
        steps = [combination(c, float(s)) for c, s in zip(r.steps, sims if sims is not None else []) if np.isfinite(c)]
        out.append(min(steps) if steps else (np.nan if r.apexes is None else r.confidence))
    return np.asarray(out, np.float64)


def fit_plan_combination(readings: list[Read], similarities: list[np.ndarray | None], correct: np.ndarray,
                         weight: np.ndarray | None = None):
    """The ``Combination`` fitted as it is applied: per face step from its own confidence and similarity, the plan's
    the lowest over its steps (``combined_scores``); weighted log-loss of the plan's against being right, started
    from ``fit_combination`` on the lowest own confidence and similarity of each reading."""
    from scipy.optimize import minimize

    from ml_backend.ifed.calibration import Combination

    correct = np.asarray(correct, float)
    weight = np.ones(len(readings)) if weight is None else np.asarray(weight, float)
    lowest = np.array([np.nan if v is None else float(v.min()) for v in similarities])
    start = fit_combination(own_confidence(readings), lowest, correct, weight)
    keep = np.isfinite(own_confidence(readings)) & np.isfinite(lowest)
    kept = [(r, v) for r, v, k in zip(readings, similarities, keep) if k]

    def loss(params: np.ndarray) -> float:
        combination = Combination(float(np.clip(params[0], 0.0, 20.0)), start.centre, float(np.clip(params[1], -3.0, 3.0)))
        p = np.clip(combined_scores([r for r, _ in kept], [v for _, v in kept], combination), 1e-6, 1 - 1e-6)
        return float(-np.sum(weight[keep] * (correct[keep] * np.log(p) + (1 - correct[keep]) * np.log(1 - p))))

    best = minimize(loss, np.array([start.slope, start.shift]), method="Nelder-Mead",
                    options={"xatol": 1e-4, "fatol": 1e-6, "maxiter": 400})
    slope, shift = float(np.clip(best.x[0], 0.0, 20.0)), float(np.clip(best.x[1], -3.0, 3.0))
    return Combination(round(slope, 6), start.centre, round(shift, 6))


def fit_wordpiece(model: Path | None = None, out: Path | None = None, progress=print) -> dict:
    """Fit the compose reader's on-path combination (own confidence + word-piece alignment similarity,
    ``ml_backend.ifed.confidence``) on the calibration files and write it with the model's SHA-256."""
    import json

    from ml_backend.export.atomic import write_text
    from ml_backend.ifed.alignment import WORDPIECE_ALIGNMENT, load_alignment
    from ml_backend.ifed.calibration import document
    from ml_backend.ifed.confidence import CALIBRATION
    from ml_backend.ifed.wordpiece import ENCODER_NAME, default_encoder
    from ml_backend.reading.registry import get_reader

    entries = calibration_entries()
    weights = source_weights(entries, untuned_ids())
    alignment = load_alignment(model or WORDPIECE_ALIGNMENT, encoder=ENCODER_NAME)
    reader = get_reader("compose")
    readings = [read(reader, e.text, aligned=False) for e in entries]
    correct = np.array([not check_entry(e, r.apexes) for e, r in zip(entries, readings)], float)
    similarities = step_similarities(readings, alignment, default_encoder())
    lowest = np.array([np.nan if v is None else float(v.min()) for v in similarities])
    x, y = fit_isotonic(lowest, correct, weight=weights)
    combination = fit_plan_combination(readings, similarities, correct, weights)
    described = (f"{len(entries)} calibration instructions (hand-written development rounds, the round never tuned on "
                 f"weighted as much as the others together), not the held-out set nor the check files")
    path = write_text(Path(out or CALIBRATION), json.dumps(document(
        {"compose": {"x": x, "y": y, "fitted_on": described}}, alignment.meta.get("sha256", ""),
        {"compose": combination}), indent=1) + "\n")
    progress(f"[calibrate] compose: {int(correct.sum())}/{len(entries)} right; own + word-piece similarity -> "
             f"{combination} -> {path}")
    return {"combination": combination, "right": float(correct.mean()), "entries": len(entries)}


def fit(reader_names: tuple[str, ...] | None = None, generated: int = 0, progress=print, own_only: bool = False,
        alignment_only: bool = False) -> dict:
    """Fit and write both calibration files (``alignment_only``: only the alignment file, the reader's own map as it
    is); returns what was fitted (counts, share right, maps)."""
    from ml_backend.export.atomic import write_text
    from ml_backend.ifed.alignment import default_alignment
    from ml_backend.ifed.calibration import DEFAULT_FILE, document
    from ml_backend.reading.calibration import CALIBRATION_FILE, PiecewiseLinear
    from ml_backend.reading.registry import READERS, get_reader
    from ml_backend.text.encoders import create_encoder
    import json

    entries = calibration_entries(generated)
    weights = source_weights(entries, untuned_ids())
    alignment, encoder = default_alignment(), create_encoder("minilm")
    fitted: dict = {}
    combined: dict = {}
    described = (f"{len(entries)} calibration instructions (hand-written development rounds, the round never tuned on "
                 f"weighted as much as the others together; {generated} generated), not the held-out set")
    for name in ("compose",) if own_only else (reader_names or READERS):
        reader = get_reader(name)
        readings = [read(reader, e.text, aligned=False) for e in entries]
        correct = np.array([not check_entry(e, r.apexes) for e, r in zip(entries, readings)], float)
        if own_only:
            rx, ry = fit_isotonic(np.array([r.raw for r in readings]), correct, weight=weights)
            PiecewiseLinear(tuple(rx), tuple(ry)).save(CALIBRATION_FILE, reader=name, fitted_on=described)
            progress(f"[calibrate] compose: {int(correct.sum())}/{len(entries)} right; own raw-confidence map -> "
                     f"{CALIBRATION_FILE}")
            return {name: {"x": rx, "y": ry, "fitted_on": described, "right": float(correct.mean())}}
        similarities = step_similarities(readings, alignment, encoder)
        align = np.array([np.nan if v is None else float(v.min()) for v in similarities])
        x, y = fit_isotonic(align, correct, weight=weights)
        fitted[name] = {"x": x, "y": y, "fitted_on": described, "right": float(correct.mean())}
        progress(f"[calibrate] {name}: {int(correct.sum())}/{len(entries)} right; alignment map fitted")
        if name == "compose":
            if not alignment_only:
                rx, ry = fit_isotonic(np.array([r.raw for r in readings]), correct, weight=weights)
                PiecewiseLinear(tuple(rx), tuple(ry)).save(CALIBRATION_FILE, reader=name, fitted_on=described)
                reader.set_calibrator(PiecewiseLinear(tuple(rx), tuple(ry)))
                readings = [read(reader, e.text, aligned=False) for e in entries]  # the combination builds on the new own map
                progress(f"[calibrate] compose: own raw-confidence map -> {CALIBRATION_FILE}")
            combined["compose"] = fit_combination(own_confidence(readings), align, correct, weights)
            progress(f"[calibrate] compose: own confidence + similarity -> {combined['compose']}")
    maps = {k: {"x": v["x"], "y": v["y"], "fitted_on": v["fitted_on"]} for k, v in fitted.items()}
    write_text(DEFAULT_FILE, json.dumps(document(maps, alignment.meta.get("sha256", ""), combined), indent=1))
    progress(f"[calibrate] alignment maps -> {DEFAULT_FILE}")
    return fitted


def check(progress=print, wordpiece_model: Path | None = None, wordpiece_calibration: Path | None = None,
          sentence: bool = True) -> dict[str, dict[str, float]]:
    """AUROC (right vs wrong) and ECE on the check part (``CHECK_FILES``, never fitted on) of the compose reader's
    own confidence, the sentence alignment's similarity and its stored combination (``sentence``), and the
    word-piece alignment's similarity and the combination on the plan's path (``ifed.confidence``; where its files
    are there, or the given trial files)."""
    from ml_backend.reading.registry import get_reader

    reader = get_reader("compose")
    entries = dev_entries(CHECK_FILES)
    readings = [read(reader, e.text, aligned=False) for e in entries]
    correct = np.array([not check_entry(e, r.apexes) for e, r in zip(entries, readings)], float)
    scores = {"own confidence": own_confidence(readings)}
    if sentence:
        from ml_backend.ifed.alignment import default_alignment
        from ml_backend.ifed.calibration import load_combination
        from ml_backend.text.encoders import create_encoder

        alignment = default_alignment()
        combination = load_combination("compose", alignment_sha256=alignment.meta.get("sha256"))
        similarities = step_similarities(readings, alignment, create_encoder("minilm"))
        scores["alignment similarity"] = np.array([np.nan if v is None else float(v.min()) for v in similarities])
        scores["own + similarity"] = combined_scores(readings, similarities, combination)
    try:
        from ml_backend.ifed.confidence import load_aligned

        aligned = load_aligned(wordpiece_model, wordpiece_calibration)
    except CheckpointError as error:
        progress(f"[check] no word-piece alignment ({error})")
    else:
        similarities = step_similarities(readings, aligned.alignment, aligned.encoder)
        scores["word-piece similarity"] = np.array([np.nan if v is None else float(v.min()) for v in similarities])
        scores["own + word-piece (path)"] = combined_scores(readings, similarities, aligned.combination)
    read_ok = np.array([r.apexes is not None for r in readings])
    progress(f"[check] {read_ok.sum()} read of {len(entries)} check instructions "
             f"({', '.join(p.name for p in CHECK_FILES)}), {correct[read_ok].mean():.3f} right")
    out = {}
    for name, score in scores.items():
        out[name] = {"auroc": auroc(score, correct),
                     "ece": expected_calibration_error(score, correct) if "similarity" not in name else float("nan")}
        progress(f"[check] {name:<24} AUROC {out[name]['auroc']:.3f}  ECE {out[name]['ece']:.3f}")
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Fit the confidence calibrators (never on the held-out set).")
    parser.add_argument("--readers", nargs="*", default=None)
    parser.add_argument("--generated", type=int, default=0)
    parser.add_argument("--own-only", action="store_true",
                        help="refit only the compose reader's own confidence map (not the alignment maps)")
    parser.add_argument("--alignment-only", action="store_true",
                        help="refit only the alignment maps and the combination (the reader's own map as it is)")
    parser.add_argument("--check", action="store_true",
                        help="only print AUROC and ECE on the check part of the development files (fits nothing)")
    parser.add_argument("--wordpiece", action="store_true",
                        help="fit only the plan's combination of own confidence and word-piece alignment similarity")
    parser.add_argument("--model", type=Path, default=None, help="with --wordpiece or --check: this word-piece "
                        "alignment model instead of the shipped one (a trial)")
    parser.add_argument("--calibration", type=Path, default=None, help="with --wordpiece or --check: this combination "
                        "file instead of the shipped one (a trial)")
    args = parser.parse_args(argv)
    if args.check:
        return check(wordpiece_model=args.model, wordpiece_calibration=args.calibration)
    if args.wordpiece:
        return fit_wordpiece(args.model, args.calibration)
    fitted = fit(tuple(args.readers) if args.readers else None, args.generated, own_only=args.own_only,
                 alignment_only=args.alignment_only)
    fit_wordpiece()  # the plan's combination builds on the own map: refitted with it
    return fitted


if __name__ == "__main__":
    main()
