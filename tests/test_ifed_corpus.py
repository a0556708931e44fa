"""The IFED corpus: held-out words and shapes really are unseen; targets are well formed."""

from __future__ import annotations

import re

import numpy as np
import pytest

from ml_backend.arkit import INDEX
from ml_backend.ifed import grammar
from ml_backend.ifed.corpus import build_corpus, region_channels, side_channels
from ml_backend.instruct.phrases import split_steps
from ml_backend.knowledge import all_concepts, concept


@pytest.fixture(scope="module")
def train():
    return build_corpus("train", seed=0)


@pytest.fixture(scope="module")
def heldout():
    return build_corpus("heldout", seed=1)


def _contains(text: str, phrase: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(phrase.lower()) + r"(?![\w-])", text.lower()) is not None


def test_heldout_synonyms_never_appear_in_training_text(train):
    heldout_words = {w for c in all_concepts() for w in c.heldout_synonyms}
    train_words = {w.lower() for c in all_concepts() for w in (c.label,) + c.synonyms}
    corpus_text = "\n".join(e.text for e in train)
    leaked = [w for w in heldout_words if w.lower() not in train_words and _contains(corpus_text, w)]
    assert leaked == []


def test_heldout_set_uses_unseen_shapes_and_words(heldout, train):
    train_texts = {e.text for e in train}
    singles = [e for e in heldout if e.kind == "single"]
    assert len(singles) >= 150 and len(heldout) >= 400
    assert sum(e.text in train_texts for e in heldout) <= 0.02 * len(heldout)
    shapes = [t.replace("{x}", "(.+)") for t in grammar.HELDOUT_TEMPLATES if t != "{x}"]
    assert all(any(re.fullmatch(s, e.text) for s in shapes) for e in singles)


def test_corpus_is_reproducible_from_its_seed():
    a = build_corpus("heldout", seed=3)
    b = build_corpus("heldout", seed=3)
    c = build_corpus("heldout", seed=4)
    assert [e.text for e in a] == [e.text for e in b]
    assert [e.text for e in a] != [e.text for e in c]


def test_targets_are_finite_weights_with_intensities(train):
    for example in train[::50]:
        for target in example.targets:
            assert target.weights.shape == (52,) and np.all(np.isfinite(target.weights))
            assert 0.0 <= target.weights.min() and target.weights.max() <= 1.0
            assert 0.0 <= target.intensity <= 1.0


def test_sequences_have_up_to_six_steps_and_split_like_the_rules(heldout):
    sequences = [e for e in heldout if e.kind == "sequence"]
    assert max(len(e.targets) for e in sequences) >= 4
    agree = [len(split_steps(e.text)) == len(e.targets) for e in sequences]
    assert np.mean(agree) > 0.9  # shapes use connectives the phrase splitter knows


def test_combination_takes_the_region_from_the_second_expression():
    brows = region_channels("brows")
    smile, worry = concept("smile").weights, concept("worry").weights
    combined = np.where(brows, worry, smile)
    assert combined[INDEX["browInnerUp"]] == worry[INDEX["browInnerUp"]] > 0.3
    assert combined[INDEX["mouthSmileLeft"]] == smile[INDEX["mouthSmileLeft"]] > 0.3


def test_side_mask_keeps_one_side_and_directional_channels():
    left = side_channels("Left")
    assert left[INDEX["browOuterUpLeft"]] and not left[INDEX["browOuterUpRight"]]
    assert left[INDEX["jawRight"]] and left[INDEX["mouthRight"]] and left[INDEX["jawOpen"]]
