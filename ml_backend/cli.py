"""Command line for the backend alone (no Blender): ``python -m ml_backend generate ...``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import I2FETError
from .reading.registry import DEFAULT_READER, READERS


def _generate(args: argparse.Namespace) -> int:
    from .export.clip_json import write_clip_json
    from .export.livelink_csv import write_livelink_csv
    from .motion.life import LifeOptions
    from .pipeline import generate

    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".csv", ".json"):
        raise I2FETError(f"--out must end in .csv (Live Link Face) or .json, got '{out.name}'.")
    frames = args.frames if args.seconds is None else max(1, round(args.seconds * args.fps))
    started = time.perf_counter()
    life = LifeOptions(blinks=not args.no_blinks, micro_motion=not args.no_micro_motion,
                       asymmetry=not args.no_asymmetry, seed=args.seed)
    clip = generate(args.instruction, frames=frames, fps=args.fps, reader=args.reader, intensity=args.intensity,
                    life=life, seed=args.seed)
    elapsed = time.perf_counter() - started
    print(clip.plan.summary())
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".csv":
            write_livelink_csv(out, clip.weights, clip.fps)
        else:
            write_clip_json(out, clip.plan.to_dict(), clip.weights, clip.fps)
        print(f"wrote {clip.num_frames} frames to {out}")
    print(f"generated in {elapsed * 1000:.0f} ms")
    return 0


def _build_pack(args: argparse.Namespace) -> int:
    from .face_model import build_pack

    def progress(message: str, fraction: float) -> None:
        print(f"\r[{fraction * 100:5.1f}%] {message}".ljust(60), end="", file=sys.stderr, flush=True)

    path = build_pack(folder=Path(args.assets) if args.assets else None, out=Path(args.out) if args.out else None,
                      progress=progress)
    print(f"\nface model pack: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ml_backend", description="I2FET backend: text instruction -> ARKit facial animation.")
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="turn an instruction into a clip of ARKit weights",
                              description="Read an instruction, print the plan (which expressions, when), and write the per-frame ARKit-52 weights.")
    gen.add_argument("instruction", help='what the face should do, e.g. "a faint smile turning into surprise, then back to neutral"')
    gen.add_argument("--frames", type=int, default=120, help="length of the clip in frames (default 120)")
    gen.add_argument("--seconds", type=float, default=None, help="length in seconds instead of --frames")
    gen.add_argument("--fps", type=float, default=30.0, help="frame rate (default 30; 23.976 and other rates are fine)")
    gen.add_argument("--out", default=None, help="write the clip: .csv = Live Link Face take (Unreal), .json = plan + weights")
    gen.add_argument("--reader", default=DEFAULT_READER, choices=READERS,
                     help=f"instruction reader: 'ifed' (the learned model) or 'lexicon' (the baseline); default {DEFAULT_READER}")
    gen.add_argument("--intensity", type=float, default=1.0, help="scale every expression's strength (default 1.0)")
    gen.add_argument("--seed", type=int, default=0, help="variation seed: another seed, another take of the same instruction (same seed, same clip)")
    gen.add_argument("--no-blinks", action="store_true", help="no spontaneous eye blinks")
    gen.add_argument("--no-micro-motion", action="store_true", help="hold expressions perfectly still")
    gen.add_argument("--no-asymmetry", action="store_true", help="keep left and right exactly symmetric")
    gen.set_defaults(func=_generate)

    pack = commands.add_parser("build-pack", help="convert the ICT FaceKit OBJs into the runtime face pack (done automatically on first use)")
    pack.add_argument("--assets", default=None, help="folder holding ict-facekit/ (default: $I2FET_ASSETS or ../shared/assets)")
    pack.add_argument("--out", default=None, help="where to write the pack (default: the cache folder)")
    pack.set_defaults(func=_build_pack)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except I2FETError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
