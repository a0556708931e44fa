"""Train the joint text-expression space (``ml_backend.ifed.alignment``) on the generated training corpus.

Pairs: every step of every training instruction whose steps the connectives recover, with the face
it asks for (the apex: weights x intensity). The text side sees the frozen MiniLM sentence
embedding; the expression side sees the face through the ICT model's vertex offsets on a fixed
subsample of face-region vertices. Loss: symmetric InfoNCE (texts asking for the same face are
positives of each other, not negatives) with hard negative faces made from each positive (a face
region switched off, the intensity cut to a third or pushed up, mirrored to one side), so the space
tells a face with a missing part or the wrong strength from the right one; plus a vertex reconstruction
loss through the face model: a small decoder (training only) must rebuild the face from either
embedding, scored as the RMS per-vertex distance over the whole face region.
A few minutes on the CPU; reproducible from ``--seed``.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

from ml_backend.face_model import load_face_model
from ml_backend.ifed.alignment import DEFAULT_ALIGNMENT, AlignmentConfig, save_alignment
from ml_backend.naming.arkit import ARKIT_NAMES, NUM_CHANNELS
from ml_backend.paths import cache_dir
from ml_backend.reading.phrases import clean, split_steps
from ml_backend.text.encoders import create_encoder
from .corpus import build_corpus, region_channels
from .train import FACE_REGION_VERTICES, vertex_error, vertex_gram


@dataclass
class AlignTrainConfig:
    """Everything a run depends on; ``main`` exposes the fields as options."""

    seed: int = 0
    steps: int = 2500
    batch_size: int = 256
    lr: float = 2e-3
    weight_decay: float = 0.01
    vertex_loss: float = 4.0
    jitter: float = 0.15
    threads: int = 2
    encoder: str = "minilm"
    out: Path = DEFAULT_ALIGNMENT
    model: AlignmentConfig = field(default_factory=AlignmentConfig)
    log_every: int = 250


def training_pairs(split: str = "train", seed: int = 0) -> tuple[list[str], np.ndarray]:
    """(step texts, apex weights N x 52) from the corpus: whole single-face instructions, and each step
    of a sequence whose connectives give as many steps as it has faces."""
    texts, apexes = [], []
    for example in build_corpus(split, seed=seed):
        targets = example.targets
        if not all(t.is_face for t in targets):
            continue
        if len(targets) == 1:
            texts.append(example.text)
            apexes.append(targets[0].apex)
            continue
        phrases = split_steps(clean(example.text)[0])
        if len(phrases) != len(targets):
            continue
        for phrase, target in zip(phrases, targets):
            texts.append(phrase.wording or phrase.original)
            apexes.append(target.apex)
    return texts, np.stack(apexes).astype(np.float32)


def sentence_embeddings(texts: list[str], encoder_name: str = "minilm") -> np.ndarray:
    """Unit MiniLM sentence embeddings of ``texts`` (N x 384), cached in the cache folder."""
    digest = hashlib.sha1(("\n".join(texts) + "|" + encoder_name).encode()).hexdigest()[:16]
    path = cache_dir() / f"align_sentences_{encoder_name}_{digest}.npy"
    if path.is_file():
        return np.load(path)
    encoder = create_encoder(encoder_name)
    out = np.concatenate([encoder.encode(texts[i:i + 512]) for i in range(0, len(texts), 512)]).astype(np.float32)
    np.save(path, out)
    return out


def choose_vertices(count: int, seed: int) -> np.ndarray:
    """A seeded, sorted subsample of the face region's vertices."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(FACE_REGION_VERTICES, size=count, replace=False)).astype(np.int64)


class AlignNet(nn.Module):
    """The torch twin of ``alignment.Alignment`` (same layers), plus the training-only face decoder."""

    def __init__(self, config: AlignmentConfig, basis: torch.Tensor) -> None:
        super().__init__()
        c = config
        self.config = c
        self.register_buffer("basis", basis)  # 52 x 3K, the subsampled ICT basis
        self.text = nn.Sequential(nn.Linear(c.text_dim, c.hidden), nn.GELU(approximate="tanh"), nn.Linear(c.hidden, c.dim))
        self.expr = nn.Sequential(nn.Linear(4 * c.vertices, c.hidden), nn.GELU(approximate="tanh"), nn.Linear(c.hidden, c.dim))
        self.decoder = nn.Sequential(nn.Linear(c.dim, 128), nn.GELU(), nn.Linear(128, NUM_CHANNELS))
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def expression_features(self, weights: torch.Tensor) -> torch.Tensor:
        offsets = (weights @ self.basis).reshape(len(weights), -1, 3) / self.config.offset_scale
        return torch.cat([offsets.reshape(len(weights), -1), offsets.norm(dim=-1)], dim=1)

    def embed_text(self, sentence: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.text(sentence), dim=-1)

    def embed_expression(self, weights: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.expr(self.expression_features(weights)), dim=-1)

    def export(self) -> dict[str, np.ndarray]:
        """The runtime's tensors (weights as input x output matrices)."""
        t, e = self.text, self.expr
        pick = (lambda layer: (layer.weight.detach().T.numpy(), layer.bias.detach().numpy()))
        (tw1, tb1), (tw2, tb2), (ew1, eb1), (ew2, eb2) = pick(t[0]), pick(t[2]), pick(e[0]), pick(e[2])
        return {"text_w1": tw1, "text_b1": tb1, "text_w2": tw2, "text_b2": tb2,
                "expr_w1": ew1, "expr_b1": eb1, "expr_w2": ew2, "expr_b2": eb2}


_REGIONS = [region_channels(r) for r in ("brows", "eyes", "mouth")]
_LEFT = np.array([n.endswith("Left") for n in ARKIT_NAMES])
_RIGHT = np.array([n.endswith("Right") for n in ARKIT_NAMES])


def hard_negatives(apex: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One near-miss face per row: its strongest region removed, its strength cut or raised, or one side removed."""
    out = apex.copy()
    kind = rng.integers(0, 4, len(apex))
    for i, k in enumerate(kind):
        if k == 0:
            energy = [float((apex[i] * m).sum()) for m in _REGIONS]
            out[i, _REGIONS[int(np.argmax(energy))]] = 0.0
        elif k == 1:
            out[i] = apex[i] * 0.3
        elif k == 2:
            out[i] = np.clip(apex[i] * 2.5 + 0.15 * (apex[i] > 0.02), 0.0, 1.0)
        else:
            out[i, _LEFT if rng.random() < 0.5 else _RIGHT] = 0.0
        if np.abs(out[i] - apex[i]).max() < 0.05:  # the change did nothing (a neutral or one-sided face)
            out[i] = apex[i] * 0.3 if apex[i].max() > 0.3 else apex[rng.integers(len(apex))]
    return out


def info_nce(text: torch.Tensor, faces: torch.Tensor, negatives: torch.Tensor, positive: torch.Tensor,
             scale: torch.Tensor) -> torch.Tensor:
    """Symmetric InfoNCE with several positives per row (``positive``: B x B, True where the faces match)."""
    logits = scale * text @ torch.cat([faces, negatives]).T  # B x 2B
    pos = torch.cat([positive, torch.zeros_like(positive)], dim=1)
    text_to_face = -(torch.logsumexp(logits.masked_fill(~pos, -1e9), 1) - torch.logsumexp(logits, 1)).mean()
    square = logits[:, : len(faces)].T
    face_to_text = -(torch.logsumexp(square.masked_fill(~positive, -1e9), 1) - torch.logsumexp(square, 1)).mean()
    return 0.5 * (text_to_face + face_to_text)


def same_face(apex: np.ndarray) -> np.ndarray:
    """B x B: True where two asked faces are the same (cosine > 0.97, or both neutral)."""
    norm = np.linalg.norm(apex, axis=1)
    unit = apex / np.maximum(norm[:, None], 1e-6)
    neutral = norm < 1e-3
    return ((unit @ unit.T) > 0.97) & (np.abs(norm[:, None] - norm[None]) < 0.15) | (neutral[:, None] & neutral[None])


def train(cfg: AlignTrainConfig, progress=print) -> tuple[AlignNet, np.ndarray, dict]:
    """Train and return the network, its vertex ids and a summary (with held-out retrieval accuracy)."""
    started = time.perf_counter()
    torch.set_num_threads(max(1, cfg.threads))
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    texts, apexes = training_pairs("train", cfg.seed)
    progress(f"[align] {len(texts)} text-face pairs; encoding sentences (cached after the first run)")
    sentences = sentence_embeddings(texts, cfg.encoder)
    ids = choose_vertices(cfg.model.vertices, cfg.seed)
    deltas = load_face_model().deltas
    basis = deltas[:, ids].reshape(NUM_CHANNELS, -1).astype(np.float32)
    scale = float(np.sqrt(((apexes[::7] @ basis) ** 2).mean() * 3)) or 1.0
    config = replace(cfg.model, text_dim=int(sentences.shape[1]), offset_scale=round(scale, 6))
    net = AlignNet(config, torch.from_numpy(basis))
    gram = vertex_gram()
    optimizer = torch.optim.AdamW([p for n, p in net.named_parameters()], lr=cfg.lr, weight_decay=cfg.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 100)
                                                 * 0.5 * (1 + math.cos(math.pi * min(s, cfg.steps) / cfg.steps)))
    encoded = time.perf_counter()
    running: dict[str, float] = {}
    for step in range(cfg.steps):
        index = rng.choice(len(texts), cfg.batch_size, replace=False)
        apex = apexes[index]
        noisy = np.clip(apex * np.exp(cfg.jitter * rng.standard_normal(apex.shape)), 0.0, 1.0).astype(np.float32)
        negatives = hard_negatives(noisy, rng).astype(np.float32)
        text_z = net.embed_text(torch.from_numpy(sentences[index]))
        face_z = net.embed_expression(torch.from_numpy(noisy))
        negative_z = net.embed_expression(torch.from_numpy(negatives))
        positive = torch.from_numpy(same_face(apex))
        contrast = info_nce(text_z, face_z, negative_z, positive, net.logit_scale.exp().clamp(max=100.0))
        target = torch.from_numpy(noisy)
        rebuilt = (vertex_error(torch.sigmoid(net.decoder(text_z)), target, gram).mean()
                   + vertex_error(torch.sigmoid(net.decoder(face_z)), target, gram).mean())
        loss = contrast + cfg.vertex_loss * rebuilt
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        running["infonce"] = running.get("infonce", 0.0) + float(contrast)
        running["vertex"] = running.get("vertex", 0.0) + float(rebuilt)
        if (step + 1) % cfg.log_every == 0:
            progress(f"[align] step {step + 1}/{cfg.steps}  " + "  ".join(f"{k} {v / cfg.log_every:.4f}" for k, v in running.items())
                     + f"  ({time.perf_counter() - encoded:.0f} s)")
            running = {}
    net.eval()
    info = {"seed": cfg.seed, "steps": cfg.steps, "pairs": len(texts), "train_seconds": round(time.perf_counter() - encoded, 1),
            "encode_seconds": round(encoded - started, 1), "heldout_retrieval": heldout_retrieval(net, cfg)}
    progress(f"[align] held-out corpus retrieval: {info['heldout_retrieval']}")
    return net, ids, info


@torch.no_grad()
def heldout_retrieval(net: AlignNet, cfg: AlignTrainConfig, limit: int = 600) -> dict[str, float]:
    """On the corpus's held-out split (unseen words and shapes): how often a text's own face ranks first
    among all the split's distinct faces, and how often it beats its own hard negative."""
    texts, apexes = training_pairs("heldout", seed=1)
    texts, apexes = texts[:limit], apexes[:limit]
    sentences = torch.from_numpy(sentence_embeddings(texts, cfg.encoder))
    faces = torch.from_numpy(apexes)
    sim = net.embed_text(sentences) @ net.embed_expression(faces).T
    match = torch.from_numpy(same_face(apexes))
    top1 = match[torch.arange(len(texts)), sim.argmax(1)].float().mean()
    negatives = torch.from_numpy(hard_negatives(apexes, np.random.default_rng(1)).astype(np.float32))
    own = sim.diagonal()
    beaten = (own > (net.embed_text(sentences) * net.embed_expression(negatives)).sum(-1)).float().mean()
    return {"pairs": len(texts), "top1": round(float(top1), 3), "beats_near_miss": round(float(beaten), 3)}


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description="Train the text-expression alignment model.")
    defaults = AlignTrainConfig()
    for name in ("seed", "steps", "batch_size", "threads"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name))
    for name in ("lr", "vertex_loss", "jitter"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=getattr(defaults, name))
    parser.add_argument("--encoder", default=defaults.encoder)
    parser.add_argument("--out", type=Path, default=defaults.out)
    args = parser.parse_args(argv)
    cfg = AlignTrainConfig(**{k: getattr(args, k) for k in ("seed", "steps", "batch_size", "threads", "lr",
                                                            "vertex_loss", "jitter", "encoder", "out")})
    net, ids, info = train(cfg)
    path = save_alignment(cfg.out, {**net.export(), "vertex_ids": ids}, net.config, cfg.encoder, training=info)
    print(f"[align] wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return path


if __name__ == "__main__":
    main()
