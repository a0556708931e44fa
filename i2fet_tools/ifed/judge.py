"""An outside judge: render asked expressions on the default head and read them back with MediaPipe.

For held-out single-expression instructions of the generated corpus (words and sentence shapes the
IFED model never saw), the apex each registered reader produces is rendered
(``i2fet_tools.judge_render``, a Blender subprocess: the backend never imports bpy) and
MediaPipe's FaceLandmarker (a model nobody here wrote) reads ARKit blendshapes back from the
image. The score is the Pearson correlation between the weights the instruction asked for and
the weights MediaPipe reads back, pooled over expressions and channels, and averaged per
expression. Rendering the asked weights themselves gives the judge's own ceiling.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from ml_backend.naming.arkit import ARKIT_NAMES, INDEX, NUM_CHANNELS
from ml_backend.errors import AssetsMissingError, BadInstructionError
from ml_backend.paths import assets_root
from .corpus import Example

SKIPPED_CHANNELS = ("tongueOut",)  # the ICT face has no tongue shape; MediaPipe does not read it either


def landmarker_path() -> Path:
    path = assets_root() / "mediapipe" / "face_landmarker_v2_with_blendshapes.task"
    if not path.is_file():
        raise AssetsMissingError(f"MediaPipe's face landmarker model is missing: expected {path}.")
    return path


def read_blendshapes(images: list[Path]) -> np.ndarray:
    """MediaPipe blendshape scores of each image in ARKit order (N x 52; NaN rows where no face was found)."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.FaceLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(landmarker_path())),
                                           output_face_blendshapes=True, num_faces=1)
    out = np.full((len(images), NUM_CHANNELS), np.nan, np.float32)
    with vision.FaceLandmarker.create_from_options(options) as landmarker:
        for row, image in enumerate(images):
            result = landmarker.detect(mp.Image.create_from_file(str(image)))
            if not result.face_blendshapes:
                continue
            out[row] = 0.0
            for category in result.face_blendshapes[0]:
                if category.category_name in INDEX:
                    out[row, INDEX[category.category_name]] = category.score
    return out


def render(weights: np.ndarray, folder: Path, size: int = 512, samples: int = 16) -> list[Path]:
    """Render weight rows on the default head through Blender in a subprocess."""
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "weights.npy", np.asarray(weights, np.float32))
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    env.setdefault("BLENDER_USER_RESOURCES", tempfile.mkdtemp(prefix="i2fet-judge-"))
    subprocess.run([sys.executable, "-m", "i2fet_tools.judge_render", str(folder / "weights.npy"), str(folder),
                    "--size", str(size), "--samples", str(samples)], check=True, cwd=root, env=env,
                   stdout=subprocess.DEVNULL)
    return [folder / f"apex_{i:04d}.png" for i in range(len(weights))]


def correlations(asked: np.ndarray, read_back: np.ndarray) -> dict[str, float]:
    """Pooled and mean per-expression Pearson correlation of asked vs read-back weights (faces found only)."""
    keep = [i for i, name in enumerate(ARKIT_NAMES) if name not in SKIPPED_CHANNELS]
    found = ~np.isnan(read_back).any(axis=1)
    a, b = asked[found][:, keep], read_back[found][:, keep]
    per = [float(np.corrcoef(x, y)[0, 1]) for x, y in zip(a, b) if x.std() > 0 and y.std() > 0]
    pooled = float(np.corrcoef(a.ravel(), b.ravel())[0, 1]) if len(a) else float("nan")
    return {"pooled_r": pooled, "mean_r": float(np.mean(per)) if per else float("nan"),
            "faces_found": int(found.sum()), "images": int(len(asked))}


def heldout_examples(split: str = "heldout", seed: int = 1, train_seed: int = 0) -> list[Example]:
    """The corpus's evaluation examples of a split, minus any text its training corpus contains."""
    from .corpus import build_corpus

    seen = {e.text for e in build_corpus("train", seed=train_seed)}
    return [e for e in build_corpus(split, seed=seed) if e.text not in seen]


def judge_examples(count: int = 24, seed: int = 1) -> list[Example]:
    """Held-out single-expression instructions (unseen words and shapes), one per concept, spread over concepts."""
    singles = [e for e in heldout_examples("heldout", seed=seed) if e.kind == "single" and e.targets[0].label != "neutral"]
    by_concept: dict[str, Example] = {}
    for example in singles:
        by_concept.setdefault(example.targets[0].label, example)
    picked = list(by_concept.values())
    step = max(1, len(picked) // count)
    return picked[::step][:count]


def apex_of(reader, text: str) -> np.ndarray:
    """The first step's apex weights, or a neutral face when the reader refuses."""
    try:
        steps, _ = reader.read(text)
    except BadInstructionError:
        return np.zeros(NUM_CHANNELS, np.float32)
    faces = [s for s in steps if s.anchor.label != "neutral"] or steps
    return faces[0].anchor.target


def judge(count: int = 24, folder: Path | None = None, samples: int = 16,
          reader_names: tuple[str, ...] | None = None) -> dict:
    """Correlations for the asked weights themselves (ceiling) and each reader (default: every registered one)."""
    from ml_backend.reading.registry import READERS, get_reader

    examples = judge_examples(count)
    asked = np.stack([e.targets[0].apex for e in examples])
    readers = {name: get_reader(name) for name in (reader_names or READERS)}
    produced = {name: np.stack([apex_of(r, e.text) for e in examples]) for name, r in readers.items()}
    folder = Path(folder or tempfile.mkdtemp(prefix="i2fet-judge-"))
    results = {"instructions": [e.text for e in examples]}
    for name, weights in (("asked (ceiling)", asked), *produced.items()):
        images = render(weights, folder / name.split()[0], samples=samples)
        results[name] = correlations(asked, read_blendshapes(images))
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="MediaPipe judge of every instruction reader's rendered apexes.")
    parser.add_argument("--readers", nargs="*", default=None, help="readers to judge (default: all registered)")
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--out", type=Path, default=None, help="folder for the renders")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    results = judge(args.count, args.out, args.samples, tuple(args.readers) if args.readers else None)
    for name in [k for k in results if k != "instructions"]:
        r = results[name]
        print(f"{name:<16} pooled r {r['pooled_r']:.3f}  mean per-expression r {r['mean_r']:.3f}  "
              f"faces found {r['faces_found']}/{r['images']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
