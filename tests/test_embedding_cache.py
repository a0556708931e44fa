"""The reader's phrase-embedding cache (``ml_backend.text.embedding_cache``) in a temporary I2FET_CACHE: a new
version of a phrase list replaces the older ones of the same kind and encoder, and nothing else is ever removed."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


class WordEncoder:
    """A small deterministic text encoder (a vector per text from its hash) that counts what it encodes."""

    name = "minilm"

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest(), np.uint8)[:8] for t in texts]
        return np.array(rows, np.float64) / 255.0


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "i2fet-cache"
    monkeypatch.setenv("I2FET_CACHE", str(folder))
    return folder


def _names(folder) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_a_new_version_replaces_the_older_ones_of_its_kind_and_nothing_else(cache, tmp_path):
    from ml_backend.text.embedding_cache import cached_embeddings

    encoder = WordEncoder()
    first = cached_embeddings("vocabulary", "minilm", ["smile", "frown"], encoder.encode)
    idioms = cached_embeddings("idioms", "minilm", ["like a cat that got the cream"], encoder.encode)
    other_encoder = cached_embeddings("vocabulary", "clip", ["smile", "frown"], encoder.encode)
    assert first.dtype == np.float32 and first.shape == (2, 8)
    assert idioms.shape == (1, 8) and other_encoder.shape == (2, 8)
    old_version = {p.name for p in cache.iterdir() if p.name.startswith("vocabulary_minilm_")}
    assert len(old_version) == 1
    outside = tmp_path / "elsewhere.npy"
    np.save(outside, np.zeros((2, 3), np.float32))
    keep = {
        "notes.txt": b"the user's own file",
        "vocabulary_minilm_0123456789abcdef.npy": b"not an array",  # named like ours, but not what we write
        "vocabulary_minilm_0123456789ABCDEF.npy": None,  # upper-case digest: not our pattern
        "vocabulary_minilm_0123456789abcde.npy": None,  # 15 digits
        "vocabulary_minilm_0123456789abcdef.npy.bak": None,
        "xvocabulary_minilm_0123456789abcdef.npy": None,
    }
    for name, content in keep.items():
        path = cache / name
        if content is None:
            np.save(path, np.zeros((2, 3), np.float32))
            if not path.exists():  # np.save adds .npy to names not ending in it
                (cache / f"{name}.npy").rename(path)
        else:
            path.write_bytes(content)
    (cache / "vocabulary_minilm_fedcba9876543210.npy").symlink_to(outside)  # a link: never followed or removed
    (cache / "vocabulary_minilm_00000000000000aa.npy").mkdir()  # a folder named like ours

    second = cached_embeddings("vocabulary", "minilm", ["smile", "frown", "sneer"], encoder.encode)
    assert second.shape == (3, 8)
    names = _names(cache)
    assert not old_version & names  # the older version is gone
    assert set(keep) <= names and "vocabulary_minilm_fedcba9876543210.npy" in names
    assert "vocabulary_minilm_00000000000000aa.npy" in names and outside.exists()
    assert sum(n.startswith("idioms_minilm_") for n in names) == 1  # another kind stays
    assert sum(n.startswith("vocabulary_clip_") for n in names) == 1  # another encoder stays
    assert not [n for n in names if n.endswith(".tmp")]


def test_a_version_already_written_is_read_back_not_encoded_again(cache):
    from ml_backend.text.embedding_cache import cached_embeddings

    encoder = WordEncoder()
    first = cached_embeddings("lexicon", "minilm", ["grin", "pout"], encoder.encode)
    before = _names(cache)
    again = cached_embeddings("lexicon", "minilm", ["grin", "pout"], encoder.encode)
    assert encoder.encoded == ["grin", "pout"]  # encoded once
    np.testing.assert_array_equal(first, again)
    assert _names(cache) == before


def test_a_damaged_file_of_this_version_is_written_again(cache):
    from ml_backend.text.embedding_cache import cache_path, cached_embeddings, phrase_digest

    encoder = WordEncoder()
    texts = ["wink", "squint"]
    path = cache_path("idioms", "minilm", phrase_digest(texts, "minilm"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x93NUMPY truncated")
    vectors = cached_embeddings("idioms", "minilm", texts, encoder.encode)
    assert encoder.encoded == texts
    np.testing.assert_array_equal(np.load(path), vectors)


def test_the_reader_index_prunes_its_older_versions(cache):
    """Through the compositional reader's own index (``_index_vectors``): the digests are the ones it always used,
    so files written before this cache module are found, and replaced when the phrase list changes."""
    from ml_backend.reading.compositional import _index_vectors
    from ml_backend.text.embedding_cache import cache_path, phrase_digest

    encoder = WordEncoder()
    old = [SimpleNamespace(phrase=p) for p in ("bite the bullet", "grin and bear it")]
    new = old + [SimpleNamespace(phrase="keep a straight face")]
    _index_vectors(encoder, tuple(old), "idioms")
    old_path = cache_path("idioms", "minilm", phrase_digest([e.phrase for e in old], "minilm"))
    assert old_path.is_file()
    vectors = _index_vectors(encoder, tuple(new), "idioms")
    assert vectors.shape == (3, 8) and not old_path.exists()
    assert [p.name for p in cache.iterdir()] == [cache_path("idioms", "minilm", phrase_digest(
        [e.phrase for e in new], "minilm")).name]


@settings(max_examples=200, deadline=None)
@given(kind=st.text(max_size=12), encoder_name=st.text(max_size=12))
def test_any_kind_or_encoder_name_stays_inside_the_cache_folder_or_is_refused(kind, encoder_name, tmp_path_factory):
    import os
    from unittest.mock import patch

    from ml_backend.text.embedding_cache import cache_path

    folder = tmp_path_factory.getbasetemp() / "names"
    with patch.dict(os.environ, {"I2FET_CACHE": str(folder)}):
        try:
            path = cache_path(kind, encoder_name, "0123456789abcdef")
        except ValueError as error:
            assert "letters, digits, dots or dashes" in str(error)
            return
    assert path.parent == folder and path.name.startswith(f"{kind}_{encoder_name}_")
    assert "/" not in kind + encoder_name and os.sep not in kind + encoder_name and kind not in ("", ".", "..")


def test_a_bundled_version_is_read_first_and_a_stale_one_is_ignored(cache, tmp_path, monkeypatch):
    """The extension ships the phrase lists encoded (``build.py extension``): a bundled file of this version is used
    without encoding or writing anything; one of another version (other phrases, other rows) is not."""
    from ml_backend.text import embedding_cache
    from ml_backend.text.embedding_cache import cache_path, cached_embeddings, phrase_digest

    bundled = tmp_path / "bundled"
    bundled.mkdir()
    monkeypatch.setattr(embedding_cache, "BUNDLED_DIR", bundled)
    texts = ["beaming", "glowering"]
    shipped = np.arange(16, dtype=np.float32).reshape(2, 8)
    np.save(bundled / cache_path("vocabulary", "minilm", phrase_digest(texts, "minilm")).name, shipped)
    encoder = WordEncoder()
    np.testing.assert_array_equal(cached_embeddings("vocabulary", "minilm", texts, encoder.encode), shipped)
    assert encoder.encoded == [] and not list(cache.glob("*.npy"))
    assert embedding_cache.SERVED["vocabulary", "minilm"].parent == bundled

    np.save(bundled / cache_path("idioms", "minilm", phrase_digest(["pout"], "minilm")).name, shipped)  # 2 rows, 1 text
    cached_embeddings("idioms", "minilm", ["pout"], encoder.encode)
    assert encoder.encoded == ["pout"] and embedding_cache.SERVED["idioms", "minilm"].parent == cache


def test_warm_encodes_every_phrase_list_the_readers_look_up_by_meaning(cache):
    """``meaning_cache.warm`` goes through the readers' own look-ups: afterwards a reading by meaning encodes only
    the instruction's own words, never a phrase list."""
    from ml_backend.reading.meaning_cache import warm

    encoder = WordEncoder()
    encoder.name = "word-hashes"  # the readers keep vectors per encoder name in memory: never the real encoder's
    files = warm(encoder)
    assert {p.name.split("_")[0] for p in files} == {"vocabulary", "idioms", "associations", "lexicon"}
    assert all(p.parent == cache and p.is_file() for p in files)
    encoded = len(encoder.encoded)
    assert encoded > 1000
    warm(encoder)
    assert len(encoder.encoded) == encoded
