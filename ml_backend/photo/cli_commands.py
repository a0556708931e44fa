"""The photo commands of ``python -m ml_backend``: ``head-from-photo`` and ``generate --from-photo``.

Kept here so ``cli.py`` only wires them in (two calls); every check happens before anything is written.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from ..errors import I2FETError
from ..naming.arkit import ARKIT_NAMES
from ..printable import say


def _describe(weights: np.ndarray, count: int = 5) -> str:
    order = [i for i in np.argsort(-weights)[:count] if weights[i] >= 0.05]
    return ", ".join(f"{ARKIT_NAMES[i]} {weights[i]:.2f}" for i in order) or "neutral"


def _use_landmarker(args: argparse.Namespace) -> None:
    """``--landmarker PATH``: check the file now (before any work) and make it the model this process uses."""
    if getattr(args, "landmarker", None):
        from .landmarker_model import ENV_LANDMARKER, check_landmarker_file

        os.environ[ENV_LANDMARKER] = str(check_landmarker_file(Path(args.landmarker)))


def _add_landmarker_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--landmarker", default=None, metavar="TASK_FILE",
                        help="MediaPipe's face landmarker model (face_landmarker_v2_with_blendshapes.task) when it is not "
                             "in the assets folder (or set I2FET_LANDMARKER)")


def _head_from_photo(args: argparse.Namespace) -> int:
    from .gltf import write_glb
    from .head import head_from_photo

    _use_landmarker(args)
    photo, out = Path(args.photo).expanduser(), Path(args.out).expanduser()
    if out.suffix.lower() != ".glb":
        raise I2FETError(f"--out must end in .glb (binary glTF), got '{out.name}'.")
    if out.exists() and photo.exists() and out.resolve() == photo.resolve():
        raise I2FETError("--out is the photo itself: the photo is never overwritten; choose another file name.")
    if out.exists() and out.is_dir():
        raise I2FETError(f"--out '{out}' is a folder: give a file name ending in .glb.")
    started = time.perf_counter()
    head = head_from_photo(photo, use_cache=not args.no_cache)
    elapsed = time.perf_counter() - started
    for note in head.notes:
        say(f"note: {note}")
    metrics = head.metrics
    say(f"face: {metrics['image_size'][0]}x{metrics['image_size'][1]} photo, head turned {metrics['yaw']:+.0f} deg "
          f"(yaw), {metrics['pitch']:+.0f} deg (pitch)")
    say(f"camera: focal length {metrics['focal_px']:.0f} px ({metrics['focal_35mm']:.0f} mm, 35 mm equivalent)")
    say(f"fit: landmark error {metrics['landmark_error']:.4f} of the eye distance "
          f"({metrics['landmark_error_modes_only']:.4f} before the free-form correction)")
    say(f"expression: {_describe(head.weights)}")
    write_glb(out, head, name=f"{photo.stem} head")
    source = "from the cache" if head.from_cache else f"detect {metrics['seconds_detect']:.2f} s, fit {metrics['seconds_fit']:.2f} s, texture {metrics['seconds_texture']:.2f} s"
    say(f"wrote {out} in {elapsed:.2f} s ({source})")
    return 0


def add_photo_commands(commands: argparse._SubParsersAction) -> None:
    """Register ``head-from-photo``."""
    sub = commands.add_parser(
        "head-from-photo", help="fit a textured head with 51 ARKit morph targets to the face in a photo (.glb)",
        description="Find the face in the photo, fit the ICT head to it (camera, identity, expression, free-form), project "
                    "the photo as its texture and write binary glTF with 51 ARKit-named morph targets posed in the photo's "
                    "expression. The photo is never modified.")
    sub.add_argument("photo", help="a JPEG or PNG photo of one face, looking roughly toward the camera")
    sub.add_argument("--out", required=True, help="the .glb file to write")
    sub.add_argument("--no-cache", action="store_true", help="fit again even if this photo was fitted before")
    _add_landmarker_argument(sub)
    sub.set_defaults(func=_head_from_photo)


def add_from_photo_argument(parser: argparse.ArgumentParser) -> None:
    """``generate --from-photo``."""
    parser.add_argument("--from-photo", default=None, metavar="PHOTO",
                        help="start the clip at the expression of the face in this photo")
    _add_landmarker_argument(parser)


def start_weights_from_args(args: argparse.Namespace) -> np.ndarray | None:
    """The photo's expression as start weights (printed), or None without --from-photo."""
    if getattr(args, "from_photo", None) is None:
        return None
    from .head import head_from_photo

    _use_landmarker(args)
    head = head_from_photo(args.from_photo)
    for note in head.notes:
        say(f"note: {note}")
    say(f"starting from the photo's expression: {_describe(head.weights)}")
    return head.weights
