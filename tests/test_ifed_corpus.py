"""The IFED corpus: held-out words and shapes really are unseen; targets are well formed."""

from __future__ import annotations

import re

import numpy as np
import pytest

from ml_backend.naming.arkit import INDEX
from i2fet_tools.ifed import grammar
from i2fet_tools.ifed.corpus import build_corpus, region_channels, side_channels
from ml_backend.reading.phrases import split_steps
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


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def test_no_heldout_word_or_shape_word_appears_in_training_text(train):
    train_phrases = [w for c in all_concepts() for w in (c.label,) + c.synonyms]
    train_shapes = (grammar.TRAIN_TEMPLATES + grammar.TRAIN_COMBINE + grammar.TRAIN_JOIN + grammar.TRAIN_SEQUENCES
                    + grammar.TRAIN_BACK + tuple(t for t, _ in grammar.TRAIN_SIDES))
    known = set().union(*(_words(t) for t in train_phrases + list(train_shapes)))
    known |= set().union(*(_words(w) for w, _ in grammar.TRAIN_INTENSITIES))
    heldout_shapes = (grammar.HELDOUT_TEMPLATES + grammar.HELDOUT_COMBINE + grammar.HELDOUT_JOIN
                      + grammar.HELDOUT_SEQUENCES + grammar.HELDOUT_BACK + tuple(t for t, _ in grammar.HELDOUT_SIDES))
    heldout = set().union(*(_words(h) for c in all_concepts() for h in c.heldout_synonyms))
    heldout |= set().union(*(_words(s) for s in heldout_shapes)) | set().union(*(_words(w) for w, _ in grammar.HELDOUT_INTENSITIES))
    negative_vocabulary = set().union(*(_words(t) for t in grammar.TRAIN_NEGATIVE + grammar.NEGATIVE_FIXED + grammar._NEG_ADJECTIVES
                                        + grammar._NEG_NOUNS + grammar._NEG_VERBS))
    unseen = heldout - known - negative_vocabulary - {"x", "a", "b", "r"}  # "a red car" may teach "red": not a face
    seen_in_training = set().union(*(_words(e.text) for e in train))
    assert len(unseen) > 150 and not unseen & seen_in_training


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
