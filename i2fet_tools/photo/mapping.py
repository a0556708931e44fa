"""Learn MediaPipe's blendshape scores -> ICT weights from renders of the ICT head with known weights.

Dataset: the ICT head (random identities) rendered with the numpy rasterizer in its material
colours, under random light, skin tint, camera distance/focal length and head turn, posed with
(a) the knowledge base's prototype expressions at random strengths, (b) mixes of two prototypes,
(c) sparse random channel sets, (d) a few neutral faces. MediaPipe reads each render back. A
ridge regression on ``ml_backend.photo.expression.features`` maps the read scores to the weights
(alpha chosen on a validation split); accuracy is reported on held-out renders (never seen while
fitting or choosing alpha). The result is written as ``ml_backend/photo/data/mediapipe_to_ict.safetensors``.

    nice -n 10 .venv/bin/python -m i2fet_tools.photo.mapping --samples 800 --workers 2
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from ml_backend.naming.arkit import NUM_CHANNELS
from ml_backend.paths import cache_dir
from ml_backend.photo.expression import MAPPING_PATH, features, load_mapping, save_mapping

RENDER_SIZE = 320
ALPHAS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)


def sample_weights(rng: np.random.Generator, prototypes: np.ndarray, has_shape: np.ndarray) -> np.ndarray:
    """One expression to render: a prototype, a mix, sparse random channels or neutral."""
    kind = rng.random()
    if kind < 0.35:
        weights = prototypes[rng.integers(len(prototypes))] * rng.uniform(0.4, 1.2)
    elif kind < 0.6:
        a, b = prototypes[rng.integers(len(prototypes), size=2)]
        weights = a * rng.uniform(0.3, 1.0) + b * rng.uniform(0.2, 0.8)
    elif kind < 0.95:
        weights = np.zeros(NUM_CHANNELS)
        chosen = rng.choice(np.flatnonzero(has_shape), size=rng.integers(1, 6), replace=False)
        weights[chosen] = rng.uniform(0.15, 1.0, size=len(chosen))
    else:
        weights = np.zeros(NUM_CHANNELS)
    weights = weights + rng.uniform(0.0, 0.08, NUM_CHANNELS) * (rng.random(NUM_CHANNELS) < 0.3)
    return np.clip(weights, 0.0, 1.0) * has_shape


def _render_batch(args: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Render ``count`` samples from ``seed``; returns weights (N x 52), MediaPipe scores (N x 52), found (N,)."""
    seed, count = args
    from ml_backend.knowledge import all_concepts
    from ml_backend.photo.detect import blendshape_vector, read_faces
    from ml_backend.photo.render import front_camera, render_shaded
    from ml_backend.photo.topology import head_topology

    rng = np.random.default_rng(seed)
    topology = head_topology()
    model = topology.model
    prototypes = np.stack([c.weights for c in all_concepts()]).astype(np.float64)
    asked, read, found = [], [], []
    for _ in range(count):
        weights = sample_weights(rng, prototypes, model.has_shape)
        identity = rng.normal(0.0, 0.7, len(model.identity))
        vertices = model.vertices(weights.astype(np.float32), identity.astype(np.float32))[topology.vertex_ids]
        camera = front_camera(vertices, RENDER_SIZE, yaw=rng.uniform(-20, 20), pitch=rng.uniform(-12, 12),
                              focal_35mm=rng.uniform(40, 110), fill=rng.uniform(0.45, 0.7))
        light = np.array([rng.uniform(-0.7, 0.7), rng.uniform(-0.2, 0.8), 1.0])
        tint = np.array([1.0, rng.uniform(0.85, 1.05), rng.uniform(0.8, 1.05)]) * rng.uniform(0.6, 1.15)
        image = render_shaded(topology, vertices.astype(np.float64), camera, light=light, ambient=rng.uniform(0.25, 0.5),
                              tint=tint, background=np.full(3, rng.uniform(60, 200)))
        result = read_faces(image)
        asked.append(weights)
        if result.face_blendshapes:
            read.append(blendshape_vector(result.face_blendshapes[0]))
            found.append(True)
        else:
            read.append(np.zeros(NUM_CHANNELS, np.float32))
            found.append(False)
    return np.array(asked, np.float32), np.array(read, np.float32), np.array(found)


def make_dataset(samples: int, workers: int, seed: int = 0) -> dict[str, np.ndarray]:
    per = -(-samples // workers)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(_render_batch, [(seed * 1000 + i, per) for i in range(workers)]))
    asked, read, found = (np.concatenate(x) for x in zip(*parts))
    return {"asked": asked, "read": read, "found": found}


def ridge(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    mean_x, mean_y = x.mean(0), y.mean(0)
    xc = x - mean_x
    weight = np.linalg.solve(xc.T @ xc + alpha * len(x) * np.eye(x.shape[1]), xc.T @ (y - mean_y))
    return weight, mean_y - mean_x @ weight


def _scores(asked: np.ndarray, predicted: np.ndarray, active: np.ndarray) -> dict[str, float]:
    a, p = asked[:, active], predicted[:, active]
    per_channel = [float(np.corrcoef(a[:, j], p[:, j])[0, 1]) for j in range(a.shape[1]) if a[:, j].std() > 1e-6]
    return {"mae": float(np.abs(a - p).mean()), "pearson_pooled": float(np.corrcoef(a.ravel(), p.ravel())[0, 1]),
            "pearson_per_channel_median": float(np.median(per_channel))}


def train(data: dict[str, np.ndarray], seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict]:
    """Fit the ridge map with alpha chosen on validation data; report held-out accuracy against the raw scores."""
    found = data["found"].astype(bool)
    asked, read = data["asked"][found].astype(np.float64), data["read"][found].astype(np.float64)
    order = np.random.default_rng(seed).permutation(len(asked))
    test, val, fit = order[: len(order) // 5], order[len(order) // 5: 2 * len(order) // 5], order[2 * len(order) // 5:]
    active = asked.std(0) > 1e-6
    best = None
    for alpha in ALPHAS:
        weight, bias = ridge(features(read[fit]), asked[fit], alpha)
        error = np.abs(np.clip(features(read[val]) @ weight + bias, 0, 1) - asked[val])[:, active].mean()
        if best is None or error < best[0]:
            best = (error, alpha)
    alpha = best[1]
    weight, bias = ridge(features(read[np.concatenate([fit, val])]), asked[np.concatenate([fit, val])], alpha)
    predicted = np.clip(features(read[test]) @ weight + bias, 0, 1)
    report = {"samples": int(len(found)), "detected": int(found.sum()), "held_out": int(len(test)), "alpha": alpha,
              "held_out_mapped": _scores(asked[test], predicted, active),
              "held_out_raw_mediapipe": _scores(asked[test], read[test], active)}
    return weight, bias, report


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=800)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dataset", default=None, help="reuse/write the rendered dataset here (.npz)")
    parser.add_argument("--out", default=str(MAPPING_PATH))
    args = parser.parse_args(argv)
    dataset = Path(args.dataset) if args.dataset else cache_dir() / "photo" / f"mapping_dataset_{args.samples}_{args.seed}.npz"
    started = time.perf_counter()
    if dataset.is_file():
        with np.load(dataset) as handle:
            data = {k: handle[k] for k in handle.files}
    else:
        data = make_dataset(args.samples, args.workers, args.seed)
        data["seconds"] = np.float64(time.perf_counter() - started)
        dataset.parent.mkdir(parents=True, exist_ok=True)
        np.savez(dataset, **data)
    render_seconds = float(data.get("seconds", np.nan))
    weight, bias, report = train(data, args.seed)
    report["dataset_seconds"] = round(render_seconds, 1)
    save_mapping(Path(args.out), weight, bias, report)
    load_mapping(Path(args.out))
    mapped, raw = report["held_out_mapped"], report["held_out_raw_mediapipe"]
    print(f"renders: {report['samples']} ({report['detected']} faces found) in {render_seconds:.0f} s; ridge alpha {report['alpha']}")
    print(f"held-out ({report['held_out']} renders): mean abs error {mapped['mae']:.3f} (raw MediaPipe scores {raw['mae']:.3f}); "
          f"pooled Pearson r {mapped['pearson_pooled']:.3f} (raw {raw['pearson_pooled']:.3f}); median per-channel r "
          f"{mapped['pearson_per_channel_median']:.3f} (raw {raw['pearson_per_channel_median']:.3f})")
    print(f"wrote {args.out}")
    return report


if __name__ == "__main__":
    main()
