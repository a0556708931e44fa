"""``build.py eval``: every reader side by side on the held-out set; the pieces on small inputs, the whole run as slow."""

from __future__ import annotations

import numpy as np
import pytest

from i2fet_tools.ifed.evaluate import ReaderResult, format_table, graded_share, half, nonface_refusal, variant_shares
from i2fet_tools.ifed.expectations import Entry, load_entries


class Fixed:
    """A reader that always gives the same face (or refuses), for checking the scoring itself."""

    name = "fixed"

    def __init__(self, weights: np.ndarray | None) -> None:
        self.weights = weights

    def read(self, instruction: str, seed: int | None = None):
        from ml_backend.errors import BadInstructionError
        from ml_backend.plan import Anchor, Step

        if self.weights is None:
            raise BadInstructionError("not a face")
        return [Step(Anchor("fixed", self.weights, 1.0, 0.5), text=instruction)], []


def test_the_two_halves_are_fixed_and_near_even():
    texts = [f"line {i}" for i in range(2000)]
    halves = [half(t) for t in texts]
    assert halves == [half(t) for t in texts] and 900 < halves.count("A") < 1100
    assert half("\ud800 lone surrogate") in "AB"


def test_nonface_refusal_counts_per_half_and_source():
    strings = [("code", "x = 1"), ("code", "y = 2"), ("emoji", "😀")]
    refusing, reading = Fixed(None), Fixed(np.zeros(52, np.float32))
    assert nonface_refusal(refusing, strings)["all"] == 1.0
    shares = nonface_refusal(reading, strings)
    assert shares["all"] == 0.0 and shares["code"] == 0.0 and {"half A", "half B"} & set(shares)
    assert "fresh" not in shares and nonface_refusal(refusing, strings, [("code", "z = 3")])["fresh"] == 1.0


def test_graded_series_fail_a_reader_that_never_grades():
    assert graded_share(Fixed(np.full(52, 0.5, np.float32))) == 0.0


def test_variant_ranking_needs_the_alignment_to_pick_a_right_seed():
    class Seeded(Fixed):
        def read(self, instruction, seed=None):
            w = np.zeros(52, np.float32)
            w[[23, 24] if seed == 1 else [0, 1]] = 0.8  # seed 1: a smile (mouthSmile*), else blinks
            self.weights = w
            return super().read(instruction, seed)

    from ml_backend.naming.arkit import INDEX

    assert (INDEX["mouthSmileLeft"], INDEX["mouthSmileRight"]) == (23, 24)

    class Aligned:  # similarity = how much the face smiles: the ranking must pick seed 1
        def score(self, text, faces):
            return np.asarray(faces)[:, 23]

    class Encoder:
        def encode(self, texts):
            return np.ones((len(texts), 384), np.float32)

    entry = Entry("t", "prose", "a big smile", ({"rise": ["mouthSmile*"]},))
    shares = variant_shares(Seeded(None), [entry], 3, Aligned(), Encoder())
    assert shares == {"seed 0": 0.0, "mean of 3": pytest.approx(1 / 3), "alignment best of 3": 1.0}


def test_the_table_lists_every_reader_style_and_figure():
    entries = load_entries()[:40]
    results = [ReaderResult("compose", {"animator": 0.9, "compositional": 0.8}, 0.85, 0.04, 0.06, 0.01,
                            {"all": 0.99, "half A": 0.98, "half B": 1.0, "code": 1.0}, 0.9, 1.2, 5.0, 0.3, 600),
               ReaderResult("ifed", {"animator": 0.4}, 0.4, 0.3, 0.2, 0.0, {"all": 0.5}, 0.5, 40.0, 60.0, 0.2, 2 << 20,
                            {"seed 0": 0.4, "alignment best of 8": 0.45})]
    table = format_table(results, entries, [("code", "x = 1")], {"mb": 90.0, "load_s": 0.5}, [("code", "y = 2")])
    header = table.splitlines()[1]
    assert "compose" in header and "ifed" in header
    for words in ("right, all (40)", "right, animator", "ECE of reported confidence", "face instructions wrongly refused",
                  "non-face refused, half A", "graded series monotonic", "median ms", "alignment best of 8",
                  "another draw (1)", "seed 0"):
        assert words in table, words
    assert "0.850" in table and "0.040" in table


@pytest.mark.slow
def test_a_small_evaluation_runs_every_reader():
    from i2fet_tools.ifed.evaluate import evaluate

    results = evaluate(limit=12, variants=2, progress=lambda line: None)
    names = [r["name"] for r in results["readers"]]
    assert names[0] == "compose" and set(names) == {"compose", "ifed", "lexicon"}
    for reader in results["readers"]:
        assert 0.0 <= reader["right"] <= 1.0 and np.isfinite(reader["median_ms"])
        assert 0.0 <= reader["nonface_refused"]["all"] <= 1.0
    compose = results["readers"][0]
    assert compose["nonface_refused"]["all"] > 0.5 and compose["files_bytes"] > 0
    assert any(r["variants"] for r in results["readers"] if r["name"] == "ifed")


def test_the_reliability_plot_is_drawn_from_bins(tmp_path):
    from docs.reading_figures import draw

    points = {"compose": {"bins": [(0.55, 0.6, 40), (0.75, 0.85, 250)], "ece": 0.07, "right": 0.8, "read": 290,
                          "total": 300},
              "ifed": {"bins": [], "ece": float("nan"), "right": 0.0, "read": 0, "total": 300}}
    out = draw(points, tmp_path / "img" / "reliability.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
