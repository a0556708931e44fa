"""Train IFED (CAFT + CVAE) on the generated corpus: ``python3 build.py train`` calls ``main``.

The text encoder stays frozen: its token features of the whole corpus are computed once and
cached, so training only runs the small model (a few minutes on 2 CPU cores). The loss is the
weight error, the vertex reconstruction error through the ICT expression basis (face region),
the latent's KL term, and the presence / is-a-face classifications. Both the posterior-latent
and the prior-mean decodings are scored (the hybrid objective of Sohn et al. 2015), so the
deterministic prior-mean reading used at inference is trained directly.
The retrieval prior's bank (the training phrasings' sentence vectors, ``retrieval``) is encoded
once and stored in the model; each example's own phrasings are hidden from its prior with
probability ``hide_own``, so the model learns to use the prior as it is for unseen words.
Runs are reproducible from ``--seed``.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ml_backend.naming.arkit import NUM_CHANNELS
from ml_backend.face_model import load_face_model
from ml_backend.text.encoders import create_encoder
from ml_backend.ifed.checkpoint import DEFAULT_CHECKPOINT, save_checkpoint
from .corpus import Example, build_corpus, symmetric_partner
from ml_backend.ifed.features import FeatureBank, cached_bank
from ml_backend.ifed.model import CAFT, IFEDConfig, kl_divergence
from ml_backend.ifed.retrieval import bank_phrases, contained_phrases, encode_bank_keys

FACE_REGION_VERTICES = 9409  # ICT vertices 0..9408 are the face


@dataclass
class TrainConfig:
    """Everything a run depends on; ``main`` exposes each field as a command-line option."""

    seed: int = 0
    steps: int = 4000
    batch_size: int = 128
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: int = 200
    kl_weight: float = 0.02
    weight_loss: float = 20.0
    vertex_loss: float = 1.0
    intensity_loss: float = 5.0
    jitter: float = 0.2  # log-normal spread of target weights: the performer variation the latent models
    retrieval: bool = True  # the retrieval prior over the training phrasings (model.CAFT)
    token_noise: float = 1.0  # Gaussian noise on token features, relative to their spread: smooths word -> face
    hide_own: float = 0.8  # chance an example's own phrasings are hidden from its prior, as for unseen words
    encoder: str = "minilm"
    encoder_weights: str | None = None
    out: Path = DEFAULT_CHECKPOINT
    corpus_counts: dict | None = None
    feature_cache: Path | None = None  # where encoded corpus features are cached (default: cache_dir())
    model: IFEDConfig = field(default_factory=IFEDConfig)
    log_every: int = 250
    threads: int = 0  # torch CPU threads; 0 keeps torch's default (all cores)


def target_arrays(examples: list[Example], slots: int) -> dict[str, np.ndarray]:
    """Per-slot targets: weights N x S x 52, intensity, presence and is-a-face N x S."""
    n = len(examples)
    arrays = {"weights": np.zeros((n, slots, NUM_CHANNELS), np.float32), "intensity": np.zeros((n, slots), np.float32),
              "present": np.zeros((n, slots), np.float32), "face": np.zeros((n, slots), np.float32)}
    for i, example in enumerate(examples):
        for s, target in enumerate(example.targets[:slots]):
            arrays["weights"][i, s] = target.weights
            arrays["intensity"][i, s] = target.intensity
            arrays["present"][i, s] = 1.0
            arrays["face"][i, s] = float(target.is_face)
    return arrays


def vertex_gram() -> torch.Tensor:
    """The ICT expression basis of the face region as a 52 x 52 Gram matrix (a fixed buffer).

    For a weight difference d, d G d^T is exactly the mean squared per-vertex distance of the
    decoded faces over all 9,409 face-region vertices, so the vertex loss costs a 52 x 52 product.
    """
    deltas = load_face_model().deltas[:, :FACE_REGION_VERTICES].reshape(NUM_CHANNELS, -1).astype(np.float64)
    return torch.from_numpy((deltas @ deltas.T / FACE_REGION_VERTICES).astype(np.float32))


def vertex_error(weights_a: torch.Tensor, weights_b: torch.Tensor, gram: torch.Tensor) -> torch.Tensor:
    """Root-mean-square per-vertex distance between the faces of two weight sets (... x 52) -> (...)."""
    difference = weights_a - weights_b
    return torch.sqrt(((difference @ gram) * difference).sum(-1).clamp(min=0.0) + 1e-8)


def jittered(weights: np.ndarray, spread: float, rng: np.random.Generator) -> np.ndarray:
    """Target weights with symmetric log-normal per-channel variation, clipped to [0, 1]."""
    if spread <= 0:
        return weights
    noise = rng.standard_normal(weights.shape).astype(np.float32)[..., symmetric_partner()]
    return np.clip(weights * np.exp(spread * noise), 0.0, 1.0)


def loss_terms(out: dict[str, torch.Tensor], target: dict[str, torch.Tensor], gram: torch.Tensor,
               cfg: TrainConfig) -> dict[str, torch.Tensor]:
    """The loss terms of one batch (each a scalar)."""
    present, face = target["present"], target["face"]
    scored = present * face
    count = scored.sum().clamp(min=1.0)

    def masked(value: torch.Tensor) -> torch.Tensor:
        return (value * scored).sum() / count

    apex_true = target["weights"] * target["intensity"][..., None]
    terms = {
        "presence": F.binary_cross_entropy_with_logits(out["presence_logit"], present),
        "face": (F.binary_cross_entropy_with_logits(out["face_logit"], face, reduction="none") * present).sum()
        / present.sum().clamp(min=1.0),
        "intensity": masked((out["intensity"] - target["intensity"]) ** 2),
        "kl": masked(kl_divergence(out["post_mu"], out["post_logvar"], out["prior_mu"], out["prior_logvar"])),
    }
    weight_terms, vertex_terms = [], []
    for key in ("weights_posterior", "weights_prior_mean"):
        weight_terms.append(masked(((out[key] - target["weights"]) ** 2).mean(-1)))
        vertex_terms.append(masked(vertex_error(out[key] * out["intensity"][..., None], apex_true, gram)))
    terms["weights"] = sum(weight_terms)
    terms["vertex"] = sum(vertex_terms)
    return terms


def total_loss(terms: dict[str, torch.Tensor], cfg: TrainConfig) -> torch.Tensor:
    return (terms["presence"] + terms["face"] + cfg.weight_loss * terms["weights"] + cfg.vertex_loss * terms["vertex"]
            + cfg.intensity_loss * terms["intensity"] + cfg.kl_weight * terms["kl"])


def train(cfg: TrainConfig, progress=print) -> tuple[CAFT, dict]:
    """Build the corpus, cache its features, train, and return the model and a training summary."""
    started = time.perf_counter()
    if cfg.threads > 0:
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    encoder = create_encoder(cfg.encoder, cfg.encoder_weights)
    examples = build_corpus("train", seed=cfg.seed, counts=cfg.corpus_counts)
    progress(f"[train] corpus: {len(examples)} instructions; encoding with {encoder.name} (cached after the first run)")
    bank: FeatureBank = cached_bank(encoder, [e.text for e in examples], folder=cfg.feature_cache)
    phrases, phrase_weights = bank_phrases()
    model_cfg = replace(cfg.model, encoder_dim=int(bank.flat.shape[1]), bank_size=len(phrases) if cfg.retrieval else 0)
    arrays = target_arrays(examples, model_cfg.slots)
    gram = vertex_gram()
    model = CAFT(model_cfg)
    contained: list[list[int]] = []
    if cfg.retrieval:
        model.set_bank(torch.from_numpy(encode_bank_keys(encoder)), torch.from_numpy(phrase_weights))
        contained = [contained_phrases(e.text) for e in examples]
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / cfg.warmup)
                                                 * 0.5 * (1 + math.cos(math.pi * min(step, cfg.steps) / cfg.steps)))
    generator = torch.Generator().manual_seed(cfg.seed)
    feature_spread = float(bank.flat[::97].astype(np.float32).std())
    encode_done = time.perf_counter()
    model.train()
    running: dict[str, float] = {}
    for step in range(cfg.steps):
        index = rng.integers(0, len(examples), cfg.batch_size)
        tokens, mask = bank.batch(index)
        target = {k: torch.from_numpy(v[index]) for k, v in arrays.items()}
        target["weights"] = torch.from_numpy(jittered(arrays["weights"][index], cfg.jitter, rng))
        hidden = _hidden_phrases(index, contained, model_cfg.bank_size, cfg.hide_own, rng) if cfg.retrieval else None
        if cfg.token_noise > 0:
            tokens = tokens + cfg.token_noise * feature_spread * rng.standard_normal(tokens.shape).astype(np.float32)
        out = model(torch.from_numpy(tokens), torch.from_numpy(mask), target["weights"], generator=generator, hidden=hidden)
        terms = loss_terms(out, target, gram, cfg)
        loss = total_loss(terms, cfg)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        for key, value in terms.items():
            running[key] = running.get(key, 0.0) + float(value.detach())
        if (step + 1) % cfg.log_every == 0 or step + 1 == cfg.steps:
            count = cfg.log_every if (step + 1) % cfg.log_every == 0 else (step + 1) % cfg.log_every
            summary = "  ".join(f"{k} {v / count:.4f}" for k, v in running.items())
            progress(f"[train] step {step + 1}/{cfg.steps}  {summary}  ({time.perf_counter() - encode_done:.0f} s)")
            running = {}
    model.eval()
    info = {"seed": cfg.seed, "steps": cfg.steps, "batch_size": cfg.batch_size, "corpus_size": len(examples),
            "encode_seconds": round(encode_done - started, 1), "train_seconds": round(time.perf_counter() - encode_done, 1),
            "torch_threads": torch.get_num_threads()}
    return model, info


def _hidden_phrases(index: np.ndarray, contained: list[list[int]], bank_size: int, chance: float,
                    rng: np.random.Generator) -> torch.Tensor:
    """B x bank_size mask hiding, with probability ``chance`` per example, the phrasings its text contains."""
    hidden = np.zeros((len(index), bank_size), bool)
    for row, (i, hide) in enumerate(zip(index, rng.random(len(index)) < chance)):
        if hide:
            hidden[row, contained[i]] = True
    return torch.from_numpy(hidden)


def parse_args(argv: list[str] | None) -> TrainConfig:
    parser = argparse.ArgumentParser(prog="build.py train", description="Train the IFED instruction reader.")
    defaults = TrainConfig()
    for name in ("seed", "steps", "batch_size", "log_every", "threads"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name))
    for name in ("lr", "kl_weight", "weight_loss", "vertex_loss", "intensity_loss", "jitter", "hide_own", "token_noise"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=getattr(defaults, name))
    for name in ("d_model", "layers", "heads", "ff_dim", "latent_dim"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults.model, name))
    parser.add_argument("--encoder", default=defaults.encoder, help="text encoder: minilm (default) or clip")
    parser.add_argument("--encoder-weights", default=None, help="CLIP weights file ('random' for a plumbing test)")
    parser.add_argument("--no-retrieval", dest="retrieval", action="store_false", help="train without the retrieval prior")
    parser.add_argument("--out", type=Path, default=defaults.out, help="checkpoint to write")
    args = parser.parse_args(argv)
    model = replace(defaults.model, **{k: getattr(args, k) for k in ("d_model", "layers", "heads", "ff_dim", "latent_dim")})
    fields = {k: getattr(args, k) for k in ("seed", "steps", "batch_size", "log_every", "threads", "lr", "kl_weight",
                                            "weight_loss", "vertex_loss", "intensity_loss", "jitter", "hide_own",
                                            "token_noise", "retrieval", "encoder", "encoder_weights", "out")}
    return TrainConfig(model=model, **fields)


def main(argv: list[str] | None = None) -> Path:
    """Train with command-line overrides and write the checkpoint; returns its path."""
    cfg = parse_args(argv)
    model, info = train(cfg)
    path = save_checkpoint(cfg.out, model, cfg.encoder, training=info)
    print(f"[train] wrote {path} ({path.stat().st_size / 1e6:.1f} MB) after {info['train_seconds']} s of training")
    return path


if __name__ == "__main__":
    main()
