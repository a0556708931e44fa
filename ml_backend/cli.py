"""Command line for the backend alone (no Blender): ``python -m ml_backend ...``.

Every argument is checked before any work (``ml_backend.validation``): a bad one prints one message per
problem and exits with status 2, having generated and written nothing. Output files are written
atomically; an existing file of the same name is replaced (never a folder, never a read-only file).
Everything printed about user text goes through ``printable`` (no raw control or escape characters).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import validation
from .errors import BadInputError, BadTimingError, I2FETError
from .photo.cli_commands import add_from_photo_argument, add_photo_commands, start_weights_from_args
from .printable import say
from .reading.registry import CHECKPOINT_ENV, DEFAULT_READER, READERS
from .runtime import thread_setting_problem

OUT_SUFFIXES = (".csv", ".json")
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def _say(text: str, stream=None) -> None:
    """Print user-facing text escaped; a closed output pipe drops the text, not the work (``printable.say``)."""
    say(text, stream)


def _checked_generate_args(args: argparse.Namespace) -> dict:
    """Every ``generate`` argument checked, all problems at once; the cleaned values."""
    checks = validation.Checks()
    instruction = checks(validation.instruction, args.instruction)
    fps = checks(validation.fps, args.fps)
    if args.seconds is not None and args.frames is not None:
        checks.problems.append(BadTimingError("Give the length as --frames or as --seconds, not both."))
    if args.seconds is not None:
        seconds = checks(validation.seconds, args.seconds)
        frames = checks(validation.frames_for, seconds, fps) if seconds is not None and fps is not None else None
    else:
        frames = checks(validation.frames, args.frames if args.frames is not None else "120")
    intensity = checks(validation.intensity, args.intensity)
    seed = checks(validation.seed, args.seed)
    out = checks(validation.output_path, args.out, OUT_SUFFIXES, "output file (--out)") if args.out is not None else None
    checkpoint = None
    if args.checkpoint is not None:
        if args.reader != "ifed":
            checks.problems.append(BadInputError(f"--checkpoint chooses the IFED model's checkpoint; the "
                                                 f"'{args.reader}' reader has none (add --reader ifed)."))
        else:
            checkpoint = checks(validation.input_file, args.checkpoint, (".safetensors",), "checkpoint (--checkpoint)")
    elif args.reader == "ifed" and os.environ.get(CHECKPOINT_ENV):
        checkpoint = checks(validation.input_file, os.environ[CHECKPOINT_ENV], (".safetensors",),
                            f"checkpoint (${CHECKPOINT_ENV})")
    threads = thread_setting_problem()
    if threads is not None:
        checks.problems.append(BadInputError(threads))
    checks.done()
    validation.duration(frames, fps)
    return dict(instruction=instruction, frames=frames, fps=fps, intensity=intensity, seed=seed, out=out,
                checkpoint=str(checkpoint) if checkpoint is not None else None)


def _generate(args: argparse.Namespace) -> int:
    request = _checked_generate_args(args)
    start_weights = start_weights_from_args(args)  # the photo is read and checked before any work
    from .runtime import configure_threads, prewarm

    prewarm()  # the encoder weights' hash check runs beside torch's import
    from .export.clip_json import write_clip_json
    from .export.livelink_csv import write_livelink_csv
    from .motion.life import LifeOptions
    from .pipeline import generate

    configure_threads()
    started = time.perf_counter()
    life = LifeOptions(blinks=not args.no_blinks, micro_motion=not args.no_micro_motion,
                       asymmetry=not args.no_asymmetry, seed=request["seed"])
    clip = generate(request["instruction"], frames=request["frames"], fps=request["fps"], reader=args.reader,
                    intensity=request["intensity"], life=life, seed=request["seed"], checkpoint=request["checkpoint"],
                    start_weights=start_weights)
    elapsed = time.perf_counter() - started
    _say(clip.plan.summary())
    out = request["out"]
    if out is not None:
        if out.suffix.lower() == ".csv":
            write_livelink_csv(out, clip.weights, clip.fps, rotations=clip.rotations)
        else:
            write_clip_json(out, clip.plan.to_dict(), clip.weights, clip.fps)
        _say(f"wrote {clip.num_frames} frames to {out}")
    _say(f"generated in {elapsed * 1000:.0f} ms")
    return 0


def _build_pack(args: argparse.Namespace) -> int:
    from .face_model import build_pack

    out = validation.output_path(args.out, (".npz",), "face pack (--out)") if args.out is not None else None

    def progress(message: str, fraction: float) -> None:
        print(f"\r[{fraction * 100:5.1f}%] {message}".ljust(60), end="", file=sys.stderr, flush=True)

    path = build_pack(folder=Path(args.assets) if args.assets else None, out=out, progress=progress)
    _say(f"\nface model pack: {path}")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with its own messages (unknown options, missing values) escaped like ours."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        _say(f"{self.prog}: error: {message}", sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m ml_backend", description="I2FET backend: text instruction -> ARKit facial animation.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    gen = commands.add_parser("generate", help="turn an instruction into a clip of ARKit weights",
                              description="Read an instruction, print the plan (which expressions, when), and write the "
                              "per-frame ARKit-52 weights. Every option is checked before any work.")
    gen.add_argument("instruction", help='what the face should do, e.g. "a faint smile turning into surprise, then back to neutral"')
    gen.add_argument("--frames", default=None, help=f"length of the clip in frames, 1 to {validation.MAX_FRAMES:,} (default 120)")
    gen.add_argument("--seconds", default=None, help="length in seconds instead of --frames (above 0, at most "
                     f"{validation.MAX_SECONDS:g})")
    gen.add_argument("--fps", default="30", help=f"frame rate, {validation.MIN_FPS:g} to {validation.MAX_FPS:g} "
                     "(default 30; 23.976 and other rates are fine)")
    gen.add_argument("--out", default=None, help="write the clip: .csv = Live Link Face take (Unreal), .json = plan + "
                     "weights; an existing file of that name is replaced")
    gen.add_argument("--reader", default=DEFAULT_READER, choices=READERS,
                     help="instruction reader: 'compose' (reads each part of the face with a broad vocabulary), "
                          "'ifed' (the learned model) or 'lexicon' (the nearest-phrase baseline); "
                          f"default {DEFAULT_READER}")
    gen.add_argument("--checkpoint", default=None, metavar="PATH",
                     help=f"IFED checkpoint (.safetensors) to use instead of the shipped one (also ${CHECKPOINT_ENV}); "
                     "verified by the SHA-256 recorded in it")
    gen.add_argument("--intensity", default="1", help=f"scale every expression's strength, 0 to {validation.MAX_INTENSITY:g} (default 1)")
    gen.add_argument("--seed", default="0", help="variation seed: another seed, another take of the same instruction "
                     f"(same seed, same clip); 0 to {validation.MAX_SEED:,}")
    gen.add_argument("--no-blinks", action="store_true", help="no spontaneous eye blinks")
    gen.add_argument("--no-micro-motion", action="store_true", help="hold expressions perfectly still")
    gen.add_argument("--no-asymmetry", action="store_true", help="keep left and right exactly symmetric")
    add_from_photo_argument(gen)
    gen.set_defaults(func=_generate)

    pack = commands.add_parser("build-pack", help="convert the ICT FaceKit OBJs into the runtime face pack (done automatically on first use)")
    pack.add_argument("--assets", default=None, help="folder holding ict-facekit/ (default: $I2FET_ASSETS or ../shared/assets)")
    pack.add_argument("--out", default=None, help="where to write the pack, a .npz file (default: the cache folder)")
    pack.set_defaults(func=_build_pack)
    add_photo_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status (0 done, 2 bad input or a refused file, 130 interrupted)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # --help, or argparse's own usage errors (already printed)
        return exit_.code if isinstance(exit_.code, int) else EXIT_BAD_INPUT
    try:
        return args.func(args)
    except I2FETError as error:
        for line in str(error).splitlines():
            _say(f"error: {line}", sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _say("interrupted", sys.stderr)
        return EXIT_INTERRUPTED
