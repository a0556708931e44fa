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

``--dev`` (issue 10, item 6) adds the hand-written development files' styles (the fitting part only,
``calibrate.ALIGN_FILES``; never the check part or the held-out set): each step the compositional reader reads
right there is a text-face pair, each step it reads wrong gives its face as a negative of that text. The
near-miss faces then also include the reader's typical failures (a named part dropped, the wrong side
(mirrored), the wrong intensity, a neighbouring face of the batch), and a binary term (the similarity, scaled
and shifted, must tell each text's face from its near misses and wrong readings) makes the similarity an
absolute measure across texts, which the confidence needs, not only a ranking per text. ``--init`` starts from
a trained checkpoint (a fine-tune; the model of ``--init`` is itself reproducible from its seed).
``--encoder minilm-wordpiece --init alignment_minilm.safetensors --freeze-expression`` (round 12) keeps that
model's face encoder (trained with the vertex reconstruction loss) and learns a text side on the word-piece
encoder (``ml_backend.ifed.wordpiece``: the mean of MiniLM's word-piece embeddings, no transformer), with the
same InfoNCE and vertex reconstruction losses through the face model; it writes ``alignment_wordpiece.safetensors``,
the model on the plan's path (``ml_backend.ifed.confidence``). About ten minutes on one CPU thread.
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
from ml_backend.ifed.alignment import DEFAULT_ALIGNMENT, WORDPIECE_ALIGNMENT, AlignmentConfig, save_alignment
from ml_backend.ifed.wordpiece import ENCODER_NAME as WORDPIECE
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
    dev: bool = False  # learn the fitting part of the development files too, with the binary term
    dev_share: float = 0.25  # share of each batch drawn from the development pairs
    binary: float = 1.0  # weight of the binary right-vs-near-miss term (with ``dev``)
    init: Path | None = None  # start from this trained checkpoint
    freeze_expression: bool = False  # with ``init``: keep its face encoder, learn only the text side (a new encoder)


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
    """Unit MiniLM sentence embeddings of ``texts`` (N x 384), cached in the cache folder; with the
    ``minilm-wordpiece`` encoder, the unit mean word-piece embeddings (fast, not cached)."""
    if encoder_name == WORDPIECE:
        from ml_backend.ifed.wordpiece import default_encoder

        return np.concatenate([default_encoder().encode(texts[i:i + 2048]) for i in range(0, len(texts), 2048)])
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


_MIRROR = np.array([ARKIT_NAMES.index(n[:-4] + "Right") if n.endswith("Left") else
                    ARKIT_NAMES.index(n[:-5] + "Left") if n.endswith("Right") else i for i, n in enumerate(ARKIT_NAMES)])


def failure_negatives(apex: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The reader's typical failures as near misses: ``hard_negatives`` (a part dropped, the strength wrong, a side
    dropped), and for a fifth each the face mirrored (the wrong side) or the nearest other face of the batch (a
    neighbouring expression)."""
    out = hard_negatives(apex, rng)
    kind = rng.random(len(apex))
    sided = np.abs(apex - apex[:, _MIRROR]).max(1) >= 0.05  # mirroring a symmetric face changes nothing
    mirrored, neighbour = (kind < 0.2) & sided, (kind >= 0.2) & (kind < 0.4)
    out[mirrored] = apex[mirrored][:, _MIRROR]
    if neighbour.any():
        unit = apex / np.maximum(np.linalg.norm(apex, axis=1, keepdims=True), 1e-6)
        similar = unit[neighbour] @ unit.T
        similar[similar > 0.97] = -2.0  # the same face is not a neighbour
        out[neighbour] = apex[similar.argmax(1)]
    return out


def dev_pairs(encoder: str = "minilm") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(MiniLM sentence embeddings, faces, right) of every step the compositional reader reads in the fitting part
    of the development files (``calibrate.ALIGN_FILES``): right where its expectations hold."""
    from ml_backend.reading.registry import get_reader
    from .calibrate import ALIGN_FILES, dev_entries, read
    from .expectations import check_block

    reader, texts, faces, right = get_reader("compose"), [], [], []
    for entry in dev_entries(ALIGN_FILES):
        reading = read(reader, entry.text, aligned=False)
        if reading.apexes is None or len(reading.apexes) != len(entry.steps):
            continue
        for text, apex, block in zip(reading.texts, reading.apexes, entry.steps):
            texts.append(text)
            faces.append(apex)
            right.append(not check_block(block, apex))
    return sentence_embeddings(texts, encoder), np.stack(faces).astype(np.float32), np.array(right)


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
    if cfg.freeze_expression and cfg.init is None:
        raise ValueError("freeze_expression keeps a trained face encoder: it needs init")
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
    if cfg.init is not None:
        net, ids = from_checkpoint(cfg.init)
    if cfg.freeze_expression:
        net.expr.requires_grad_(False)
    gram = vertex_gram()
    gain, shift = nn.Parameter(torch.tensor(10.0)), nn.Parameter(torch.tensor(-3.0))  # the binary term's scale
    parameters = [p for p in net.parameters() if p.requires_grad] + ([gain, shift] if cfg.dev else [])
    optimizer = torch.optim.AdamW(parameters, lr=cfg.lr, weight_decay=cfg.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 100)
                                                 * 0.5 * (1 + math.cos(math.pi * min(s, cfg.steps) / cfg.steps)))
    dev_text, dev_face, dev_right = dev_pairs(cfg.encoder) if cfg.dev else (None, None, None)
    from_dev = int(cfg.batch_size * cfg.dev_share) if cfg.dev else 0
    encoded = time.perf_counter()
    running: dict[str, float] = {}
    for step in range(cfg.steps):
        index = rng.choice(len(texts), cfg.batch_size - from_dev, replace=False)
        sentence, apex = sentences[index], apexes[index]
        if from_dev:
            picked = rng.choice(np.flatnonzero(dev_right), from_dev)
            sentence, apex = np.concatenate([sentence, dev_text[picked]]), np.concatenate([apex, dev_face[picked]])
        noisy = np.clip(apex * np.exp(cfg.jitter * rng.standard_normal(apex.shape)), 0.0, 1.0).astype(np.float32)
        negatives = (failure_negatives if cfg.dev else hard_negatives)(noisy, rng).astype(np.float32)
        text_z = net.embed_text(torch.from_numpy(sentence))
        with torch.set_grad_enabled(not cfg.freeze_expression):
            face_z = net.embed_expression(torch.from_numpy(noisy))
            negative_z = net.embed_expression(torch.from_numpy(negatives))
        positive = torch.from_numpy(same_face(apex))
        contrast = info_nce(text_z, face_z, negative_z, positive, net.logit_scale.exp().clamp(max=100.0))
        target = torch.from_numpy(noisy)
        rebuilt = (vertex_error(torch.sigmoid(net.decoder(text_z)), target, gram).mean()
                   + vertex_error(torch.sigmoid(net.decoder(face_z)), target, gram).mean())
        loss = contrast + cfg.vertex_loss * rebuilt
        running["infonce"] = running.get("infonce", 0.0) + contrast.item()
        running["vertex"] = running.get("vertex", 0.0) + rebuilt.item()
        if cfg.dev:
            wrong = rng.choice(np.flatnonzero(~dev_right), max(8, from_dev // 4)) if (~dev_right).any() else []
            binary = binary_loss(net, text_z, face_z, negative_z, torch.from_numpy(np.abs(negatives - noisy).max(1) >= 0.05),
                                 dev_text[wrong], dev_face[wrong], gain, shift)
            loss = loss + cfg.binary * binary
            running["binary"] = running.get("binary", 0.0) + binary.item()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        if (step + 1) % cfg.log_every == 0:
            progress(f"[align] step {step + 1}/{cfg.steps}  " + "  ".join(f"{k} {v / cfg.log_every:.4f}" for k, v in running.items())
                     + f"  ({time.perf_counter() - encoded:.0f} s)")
            running = {}
    net.eval()
    info = {"seed": cfg.seed, "steps": cfg.steps, "pairs": len(texts), "dev": cfg.dev,
            "init": cfg.init.name if cfg.init else None, "freeze_expression": cfg.freeze_expression,
            "encoder": cfg.encoder, "train_seconds": round(time.perf_counter() - encoded, 1),
            "encode_seconds": round(encoded - started, 1), "heldout_retrieval": heldout_retrieval(net, cfg)}
    progress(f"[align] held-out corpus retrieval: {info['heldout_retrieval']}")
    return net, ids, info


def binary_loss(net: AlignNet, text_z: torch.Tensor, face_z: torch.Tensor, negative_z: torch.Tensor,
                changed: torch.Tensor, wrong_text: np.ndarray, wrong_face: np.ndarray, gain: torch.Tensor,
                shift: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of gain * similarity + shift: each text with its face is right, with its near miss
    (where the near miss changed the face) and the reader's wrong readings of the development files wrong."""
    right = (text_z * face_z).sum(-1)
    near = (text_z * negative_z).sum(-1)[changed]
    wrong = (net.embed_text(torch.from_numpy(wrong_text)) * net.embed_expression(torch.from_numpy(wrong_face))).sum(-1)
    logits = torch.cat([right, near, wrong]) * gain + shift
    labels = torch.cat([torch.ones_like(right), torch.zeros(len(near) + len(wrong))])
    return F.binary_cross_entropy_with_logits(logits, labels)


def from_checkpoint(path: Path) -> tuple[AlignNet, np.ndarray]:
    """The torch network of a trained alignment checkpoint and its vertex ids (to fine-tune it); the decoder
    starts afresh."""
    from safetensors.numpy import load_file

    from ml_backend.ifed.alignment import load_alignment

    model = load_alignment(path)  # verified (format, version, SHA-256) before anything is read from it
    net = AlignNet(model.config, torch.from_numpy(model.basis.copy()))
    with torch.no_grad():
        for layers, tensors, prefix in ((net.text, model.t, "text"), (net.expr, model.e, "expr")):
            for position, number in ((0, 1), (2, 2)):
                layers[position].weight.copy_(torch.from_numpy(tensors[f"{prefix}_w{number}"].T.copy()))
                layers[position].bias.copy_(torch.from_numpy(tensors[f"{prefix}_b{number}"].copy()))
    return net, load_file(str(path))["vertex_ids"].astype(np.int64)


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
    parser.add_argument("--dev", action="store_true", help="also learn the fitting part of the development files")
    parser.add_argument("--init", type=Path, default=None, help="fine-tune this trained checkpoint")
    parser.add_argument("--freeze-expression", action="store_true",
                        help="with --init: keep its face encoder and learn only the text side (e.g. a new --encoder)")
    args = parser.parse_args(argv)
    if args.freeze_expression and args.init is None:
        parser.error("--freeze-expression keeps a trained face encoder: give it with --init")
    if args.encoder == WORDPIECE and args.out == defaults.out:
        args.out = WORDPIECE_ALIGNMENT
    if args.init is not None and not args.init.is_file():
        parser.error(f"--init needs a trained alignment checkpoint, {args.init} is not a file")
    cfg = AlignTrainConfig(**{k: getattr(args, k) for k in ("seed", "steps", "batch_size", "threads", "lr",
                                                            "vertex_loss", "jitter", "encoder", "out", "dev", "init",
                                                            "freeze_expression")})
    net, ids, info = train(cfg)
    path = save_alignment(cfg.out, {**net.export(), "vertex_ids": ids}, net.config, cfg.encoder, training=info)
    print(f"[align] wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return path


if __name__ == "__main__":
    main()
