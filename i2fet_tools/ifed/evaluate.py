"""Held-out evaluation of IFED against the lexicon baseline: ``python3 build.py eval`` calls ``main``.

The held-out set uses only held-out synonyms AND held-out sentence shapes (``corpus``), minus
any instruction text that also occurs in training. For every anchor the instruction asks for,
the reader's apex (weights x intensity; a missing step counts as a neutral face) is decoded on
the ICT face and compared with the asked apex: mean per-vertex error over the face region
(ICT units, and as a fraction of the asked expression's mean displacement), per-channel weight
error, and category accuracy (``knowledge.nearest_category`` of the read weights vs the
concept's category), and the error of each step's intensity (how strong the reader makes the
face, vs the intensity word's value). Non-face instructions score as rejected when the reader says it did not
understand them. Latency: warm instruction -> steps, and load time.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ml_backend.errors import BadInstructionError
from ml_backend.face_model import load_face_model
from ml_backend.knowledge import nearest_category
from .corpus import Example, build_corpus
from .train import FACE_REGION_VERTICES

LATENCY_INSTRUCTIONS = (
    "a faint smile that slowly turns into open-mouthed surprise, then back to neutral",
    "raise the left eyebrow", "a smile with worried brows", "from happily surprised to sadly angry",
)


@dataclass
class Scores:
    """Running sums of one reader's metrics over a set of examples."""

    vertex: list[float] = field(default_factory=list)
    displacement: list[float] = field(default_factory=list)
    channel: list[float] = field(default_factory=list)
    category: list[bool] = field(default_factory=list)
    intensity: list[float] = field(default_factory=list)
    step_count: list[bool] = field(default_factory=list)
    rejected_negative: list[bool] = field(default_factory=list)
    rejected_positive: list[bool] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        mean = (lambda xs: float(np.mean(xs)) if xs else float("nan"))
        return {
            "anchors": len(self.vertex),
            "vertex_error": mean(self.vertex),
            "vertex_error_fraction": mean(self.vertex) / max(mean(self.displacement), 1e-9),
            "channel_error": mean(self.channel),
            "category_accuracy": mean(self.category),
            "intensity_error": mean(self.intensity),
            "step_count_accuracy": mean(self.step_count),
            "non_face_rejected": mean(self.rejected_negative),
            "face_rejected": mean(self.rejected_positive),
        }


class FaceMetric:
    """Decodes weight vectors on the ICT face region and measures per-vertex distances."""

    def __init__(self) -> None:
        deltas = load_face_model().deltas[:, :FACE_REGION_VERTICES]
        self.basis = deltas.reshape(deltas.shape[0], -1).astype(np.float32)  # 52 x 3V

    def per_vertex(self, weights: np.ndarray) -> np.ndarray:
        return np.linalg.norm((weights @ self.basis).reshape(-1, 3), axis=1)

    def error(self, predicted: np.ndarray, asked: np.ndarray) -> tuple[float, float]:
        """(mean per-vertex error, mean per-vertex displacement of the asked face)."""
        return float(self.per_vertex(predicted - asked).mean()), float(self.per_vertex(asked).mean())


def read_apexes(reader, text: str) -> tuple[list[np.ndarray], list[np.ndarray], list[float]] | None:
    """(apex weights, full-strength weights, intensity) of each step the reader reads; None when it refuses."""
    try:
        steps, _ = reader.read(text)
    except BadInstructionError:
        return None
    return ([s.anchor.target for s in steps], [np.asarray(s.anchor.weights, np.float32) for s in steps],
            [float(s.anchor.intensity) for s in steps])


def score_reader(reader, examples: list[Example], metric: FaceMetric) -> Scores:
    """Metrics of one reader on the examples."""
    scores = Scores()
    for example in examples:
        result = read_apexes(reader, example.text)
        if not example.targets[0].is_face:
            scores.rejected_negative.append(result is None or not result[0])
            continue
        scores.rejected_positive.append(result is None)
        apexes, fulls, intensities = result if result is not None else ([], [], [])
        scores.step_count.append(len(apexes) == len(example.targets))
        for i, target in enumerate(example.targets):
            predicted = apexes[i] if i < len(apexes) else np.zeros_like(target.apex)
            error, displacement = metric.error(predicted, target.apex)
            scores.vertex.append(error)
            scores.displacement.append(displacement)
            scores.channel.append(float(np.abs(predicted - target.apex).mean()))
            if target.label != "neutral":
                full = fulls[i] if i < len(fulls) else np.zeros_like(target.weights)
                scores.category.append(nearest_category(full) == target.category)
                if i < len(intensities):
                    scores.intensity.append(abs(intensities[i] - target.intensity))
    return scores


def heldout_examples(split: str = "heldout", seed: int = 1, train_seed: int = 0) -> list[Example]:
    """The evaluation examples of a split, minus any text the training corpus contains."""
    seen = {e.text for e in build_corpus("train", seed=train_seed)}
    return [e for e in build_corpus(split, seed=seed) if e.text not in seen]


def latency(reader, repeats: int = 20) -> dict[str, float]:
    """Median warm instruction -> steps time (ms) over a few instructions."""
    for text in LATENCY_INSTRUCTIONS:
        reader.read(text)
    times = []
    for _ in range(repeats):
        for text in LATENCY_INSTRUCTIONS:
            start = time.perf_counter()
            reader.read(text)
            times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": float(np.median(times)), "p90_ms": float(np.percentile(times, 90))}


def build_readers(checkpoint: Path | None) -> tuple[dict[str, object], dict[str, float]]:
    """The readers to compare, each with its load time (s) measured."""
    from ml_backend.reading.lexicon import LexiconReader
    from ml_backend.ifed.reader import IFEDReader

    readers, load_times = {}, {}
    for name, make in (("lexicon", LexiconReader),
                       ("ifed", lambda: IFEDReader(checkpoint)),
                       ("ifed-slots", lambda: IFEDReader(checkpoint, mode="slots"))):
        start = time.perf_counter()
        reader = make()
        reader.read("a smile")
        load_times[name] = time.perf_counter() - start
        readers[name] = reader
    return readers, load_times


def evaluate(checkpoint: Path | None = None, splits: tuple[str, ...] = ("heldout", "heldout_words", "heldout_shapes"),
             limit: int | None = None) -> dict:
    """All metrics, per split and reader, plus latency and load times."""
    readers, load_times = build_readers(checkpoint)
    metric = FaceMetric()
    results: dict = {"splits": {}, "load_seconds": load_times}
    for split in splits:
        examples = heldout_examples(split)[:limit]
        results["splits"][split] = {"examples": len(examples), "by_kind": {}}
        for name, reader in readers.items():
            results["splits"][split][name] = score_reader(reader, examples, metric).summary()
        if split == "heldout":
            for kind in sorted({e.kind for e in examples}):
                subset = [e for e in examples if e.kind == kind]
                results["splits"][split]["by_kind"][kind] = {
                    name: score_reader(reader, subset, metric).summary() for name, reader in readers.items()}
    results["latency_ms"] = {name: latency(reader) for name, reader in readers.items()}
    return results


def format_results(results: dict) -> str:
    """The side-by-side table printed by ``build.py eval``."""
    lines = []
    columns = ("vertex_error", "vertex_error_fraction", "channel_error", "category_accuracy", "intensity_error",
               "step_count_accuracy", "non_face_rejected", "face_rejected")
    header = f"{'reader':<12}" + "".join(f"{c:>23}" for c in columns)
    for split, block in results["splits"].items():
        lines.append(f"\n== {split}: {block['examples']} instructions ==")
        lines.append(header)
        for name in ("lexicon", "ifed", "ifed-slots"):
            row = block[name]
            lines.append(f"{name:<12}" + "".join(f"{row[c]:>23.4f}" for c in columns))
        for kind, per_reader in block.get("by_kind", {}).items():
            cells = "  ".join(f"{n} {r['vertex_error']:.3f}/{r['category_accuracy']:.2f}" for n, r in per_reader.items())
            lines.append(f"  {kind:<9} vertex error / category accuracy: {cells}")
    lines.append("\nload (s): " + "  ".join(f"{k} {v:.2f}" for k, v in results["load_seconds"].items()))
    lines.append("warm instruction -> steps (ms): " + "  ".join(
        f"{k} median {v['median_ms']:.1f} p90 {v['p90_ms']:.1f}" for k, v in results["latency_ms"].items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    """Print the held-out comparison; ``--json`` also writes it to a file."""
    parser = argparse.ArgumentParser(prog="build.py eval", description="Evaluate IFED vs the lexicon baseline on held-out text.")
    parser.add_argument("--checkpoint", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None, help="at most this many instructions per split")
    parser.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    args = parser.parse_args(argv)
    results = evaluate(args.checkpoint, limit=args.limit)
    print(format_results(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
