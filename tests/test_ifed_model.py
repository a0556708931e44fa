"""IFED model, training and checkpoints: a tiny run trains, saves, reloads; mismatches are refused."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ml_backend.errors import CheckpointError
from ml_backend.ifed.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from ml_backend.ifed.features import token_features
from ml_backend.ifed.model import CAFT, IFEDConfig
from ml_backend.ifed.retrieval import bank_phrases, contained_phrases
from i2fet_tools.ifed.train import TrainConfig, train, vertex_error, vertex_gram
from ml_backend.knowledge import all_concepts, concept

TINY = IFEDConfig(d_model=32, heads=2, layers=1, ff_dim=64, slots=6, latent_dim=4)
TINY_COUNTS = {"single_rounds": 0, "side": 20, "combine": 20, "join": 10, "sequence": 40, "negative": 40}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    cache = tmp_path_factory.mktemp("features")
    cfg = TrainConfig(steps=40, batch_size=32, log_every=20, warmup=5, model=TINY, corpus_counts=TINY_COUNTS,
                      feature_cache=cache)
    logs: list[str] = []
    model, info = train(cfg, progress=logs.append)
    return model, info, logs


def test_tiny_training_runs_and_lowers_the_loss(tiny_run):
    model, info, logs = tiny_run
    steps = [line for line in logs if line.startswith("[train] step")]
    first, last = (float(line.split("weights ")[1].split()[0]) for line in (steps[0], steps[-1]))
    assert info["steps"] == 40 and len(steps) == 2
    assert np.isfinite(first) and last < first


def test_checkpoint_round_trip_and_metadata(tiny_run, tmp_path):
    model, info, _ = tiny_run
    path = save_checkpoint(tmp_path / "tiny.safetensors", model, "minilm", training=info)
    meta = read_metadata(path)
    config = json.loads(meta["config"])
    assert meta["encoder"] == "minilm" and config["d_model"] == 32 and config["bank_size"] == len(bank_phrases()[0])
    loaded, _ = load_checkpoint(path, encoder_name="minilm")
    assert torch.allclose(loaded.bank_weights, model.bank_weights, atol=1e-3) and loaded.bank_keys.abs().sum() > 0
    tokens, mask = torch.randn(3, 7, TINY.encoder_dim), torch.ones(3, 7, dtype=torch.bool)
    a = model.sample(tokens, mask)["weights"]
    b = loaded.sample(tokens, mask)["weights"]
    assert torch.allclose(a, b, atol=5e-3)  # float16 storage


def test_checkpoint_refuses_other_encoder_version_and_garbage(tiny_run, tmp_path):
    model, _, _ = tiny_run
    path = save_checkpoint(tmp_path / "tiny.safetensors", model, "minilm")
    with pytest.raises(CheckpointError, match="clip"):
        load_checkpoint(path, encoder_name="clip")
    from safetensors.torch import load_file, save_file

    tensors = load_file(str(path))
    meta = dict(read_metadata(path), format_version="99")
    save_file(tensors, str(tmp_path / "future.safetensors"), metadata=meta)
    with pytest.raises(CheckpointError, match="version 99"):
        load_checkpoint(tmp_path / "future.safetensors")
    (tmp_path / "garbage.safetensors").write_bytes(b"not a checkpoint at all")
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "garbage.safetensors")
    with pytest.raises(CheckpointError, match="missing"):
        load_checkpoint(tmp_path / "absent.safetensors")


def test_seed_gives_a_different_variant_and_none_is_deterministic():
    torch.manual_seed(0)
    model = CAFT(TINY).eval()
    tokens, mask = torch.randn(2, 5, TINY.encoder_dim), torch.ones(2, 5, dtype=torch.bool)
    mean_a, mean_b = model.sample(tokens, mask)["weights"], model.sample(tokens, mask, seed=0)["weights"]
    variant_1, variant_1b = model.sample(tokens, mask, seed=1)["weights"], model.sample(tokens, mask, seed=1)["weights"]
    variant_2 = model.sample(tokens, mask, seed=2)["weights"]
    assert torch.equal(mean_a, mean_b) and torch.equal(variant_1, variant_1b)
    assert not torch.allclose(variant_1, variant_2) and not torch.allclose(variant_1, mean_a)


def test_vertex_gram_equals_the_mean_square_vertex_distance(face_model):
    weights = np.random.default_rng(0).uniform(0, 0.6, 52).astype(np.float32)
    offsets = face_model.offsets(weights)[:9409]
    rms = float(np.sqrt((offsets ** 2).sum(-1).mean()))
    assert float(vertex_error(torch.from_numpy(weights), torch.zeros(52), vertex_gram())) == pytest.approx(rms, rel=1e-3)


def test_clip_encoder_path_feeds_the_model_random_weights():
    from ml_backend.text.encoders import create_encoder

    encoder = create_encoder("clip", "random")
    features, mask = token_features(encoder, ["a faint smile", "raise the left eyebrow, then frown"])
    model = CAFT(IFEDConfig(encoder_dim=encoder.dim, d_model=32, heads=2, layers=1, ff_dim=64)).eval()
    out = model.sample(torch.from_numpy(features), torch.from_numpy(mask))
    assert features.shape[0] == 2 and features.shape[2] == 512 and mask[1].sum() > mask[0].sum()
    assert out["weights"].shape == (2, 6, 52) and torch.isfinite(out["weights"]).all()


def test_retrieval_bank_holds_training_phrasings_only_and_finds_them_in_text():
    phrases, weights = bank_phrases()
    heldout = {h for c in all_concepts() for h in c.heldout_synonyms}
    assert not heldout & set(phrases) and weights.shape == (len(phrases), 52)
    found = {phrases[i] for i in contained_phrases("A faint smile, then Surprise and back")}
    assert {"faint smile", "smile", "surprise"} <= found and "surprised" not in found
    assert contained_phrases("a red car") == []


def test_retrieval_prior_mixes_the_nearest_phrasings_weights():
    torch.manual_seed(0)
    config = IFEDConfig(d_model=32, heads=2, layers=1, ff_dim=64, latent_dim=4, bank_size=3, encoder_dim=8)
    model = CAFT(config).eval()
    keys = torch.eye(3, 8)
    weights = torch.from_numpy(np.stack([concept(n).weights for n in ("happiness", "sadness", "anger")]))
    model.set_bank(keys, weights)
    tokens, mask = keys[[1]][:, None].expand(1, 4, 8).clone(), torch.ones(1, 4, dtype=torch.bool)
    with torch.no_grad():
        _, prior, best = model.retrieve(tokens, mask)
        _, hidden_prior, _ = model.retrieve(tokens, mask, hidden=torch.tensor([[False, True, False]]))
    assert torch.allclose(prior[0], weights[1], atol=1e-3) and float(best) == pytest.approx(1.0)
    assert float(hidden_prior[0] @ weights[1]) < float(prior[0] @ weights[1])
