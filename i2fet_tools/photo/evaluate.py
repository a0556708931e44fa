"""``build.py eval-photo``: how well the head from a photo matches the photo, per photo, with a sheet for docs/.

Per photo (the six in ../shared/assets/photos, scikit-image's astronaut and matplotlib's Grace
Hopper, both public domain and shipped inside those packages):

* landmark error: the fitted, textured head is rendered through the estimated camera at the
  photo's size, MediaPipe finds its 468 landmarks on that render, and they are compared with
  MediaPipe's landmarks on the photo (mean distance / the photo's outer-eye-corner distance;
  target <= 0.03). The fit's own residual (landmarks projected, no re-detection) is printed too.
* expression agreement: Pearson r between MediaPipe's 51 blendshape scores on that render and on
  the photo (target >= 0.8).
* time: photo -> head, uncached (after one warm-up photo: imports and one-time caches excluded,
  printed separately).

Sheets (``docs/img/photo_sheet_<name>.jpg``): the photo, the textured head from the front and at
45 degrees, and three frames of an instruction animated from the photo's expression.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml_backend.naming.arkit import INDEX
from ml_backend.paths import assets_root

ROOT = Path(__file__).resolve().parents[2]
IMG = ROOT / "docs" / "img"
INSTRUCTION = "a big open-mouthed laugh, then back to neutral"
SHEET_FRAMES = (0, 30, 75)
SKIPPED = ("tongueOut",)  # MediaPipe does not read it; the ICT face has no shape for it


@dataclass(frozen=True)
class Row:
    name: str
    landmark_error: float
    fit_residual: float
    expression_r: float
    expression_r_in_photo: float
    seconds: float
    cpu_seconds: float
    focal_35mm: float
    notes: tuple[str, ...]


def photo_set(folder: Path) -> list[tuple[str, Path]]:
    """The shared photos plus two public-domain portraits that ship inside packages (written to ``folder``)."""
    from PIL import Image

    photos = [(p.stem, p) for p in sorted((assets_root() / "photos").glob("*")) if p.suffix.lower() in (".jpg", ".png")]
    from skimage.data import astronaut

    path = folder / "astronaut.png"
    Image.fromarray(astronaut()).save(path)
    photos.append(("skimage_astronaut", path))
    import matplotlib.cbook

    hopper = Path(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    photos.append(("matplotlib_grace_hopper", hopper))
    return photos


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    keep = [i for i in range(len(a)) if i not in [INDEX[n] for n in SKIPPED]]
    return float(np.corrcoef(a[keep], b[keep])[0, 1])


def evaluate_photo(name: str, path: Path, sheets: bool) -> Row:
    from ml_backend.photo.detect import EYE_OUTER, blendshape_vector, read_faces
    from ml_backend.photo.head import head_from_photo
    from ml_backend.photo.image_io import load_photo
    from ml_backend.photo.render import render_textured

    started, cpu_started = time.perf_counter(), time.process_time()
    head = head_from_photo(path, use_cache=False)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    photo = load_photo(path)
    posed = head.posed()
    render = render_textured(head.topology, posed, head.texture, head.camera, shade=0.3)
    result = read_faces(render)
    iod = float(np.linalg.norm(head.landmarks[EYE_OUTER[0], :2] - head.landmarks[EYE_OUTER[1], :2]))
    if result.face_landmarks:
        width, height = head.camera.width, head.camera.height
        found = np.array([[p.x * width, p.y * height] for p in result.face_landmarks[0][:468]])
        error = float(np.linalg.norm(found - head.landmarks[:468, :2], axis=1).mean() / iod)
        agreement = _pearson(blendshape_vector(result.face_blendshapes[0]), head.blendshapes)
    else:
        error, agreement = float("nan"), float("nan")
    in_photo = render_textured(head.topology, posed, head.texture, head.camera, shade=0.3,
                               background=photo.rgb.astype(np.float32))  # the head in place of the face, hair kept
    result = read_faces(in_photo)
    agreement_in_photo = (_pearson(blendshape_vector(result.face_blendshapes[0]), head.blendshapes)
                          if result.face_blendshapes else float("nan"))
    if sheets:
        write_sheet(name, photo.rgb, head)
    return Row(name, error, float(head.metrics["landmark_error"]), agreement, agreement_in_photo, seconds, cpu_seconds,
               float(head.metrics["focal_35mm"]),
               head.notes)


def _crop_face(rgb: np.ndarray, landmarks: np.ndarray, size: int) -> np.ndarray:
    from PIL import Image

    low, high = landmarks[:, :2].min(0), landmarks[:, :2].max(0)
    centre, half = (low + high) / 2, (high - low).max() * 0.85
    box = (centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half)
    crop = Image.fromarray(rgb).crop(tuple(int(round(v)) for v in box))  # areas outside the photo come out black
    return np.asarray(crop.resize((size, size), Image.LANCZOS))


def write_sheet(name: str, rgb: np.ndarray, head, size: int = 320, folder: Path = IMG) -> Path:
    """Photo | front | 45 degrees | three frames of INSTRUCTION started from the photo's expression, as
    ``folder/photo_sheet_<name>.jpg``."""
    from PIL import Image, ImageDraw

    from ml_backend.pipeline import generate
    from ml_backend.photo.render import front_camera, render_textured

    posed = head.posed()
    front = front_camera(posed, size, fill=0.62)
    side = front_camera(posed, size, yaw=45, fill=0.62)
    tiles = [(_crop_face(rgb, head.landmarks, size), "photo"),
             (render_textured(head.topology, posed, head.texture, front, shade=0.35), "head, front"),
             (render_textured(head.topology, posed, head.texture, side, shade=0.35), "head, 45 degrees")]
    clip = generate(INSTRUCTION, frames=90, fps=30, start_weights=head.weights, seed=0)
    for frame in SHEET_FRAMES:
        tiles.append((render_textured(head.topology, head.posed(clip.weights[frame]), head.texture, front, shade=0.35),
                      f"frame {frame}"))
    sheet = Image.new("RGB", (size * len(tiles), size + 44), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    for i, (tile, label) in enumerate(tiles):
        sheet.paste(Image.fromarray(tile), (i * size, 0))
        draw.text((i * size + 8, size + 6), label, fill=(0, 0, 0))
    draw.text((3 * size + 8, size + 24), f'"{INSTRUCTION}", from the photo\'s expression', fill=(60, 60, 60))
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"photo_sheet_{name}.jpg"
    sheet.save(out, quality=88, optimize=True)
    return out


def write_atlas(path: Path, size: int = 512) -> Path:
    """The texture atlas of one photo's head (face, back of the head, mouth, eyes), for docs/photo.md."""
    from PIL import Image

    from ml_backend.photo.head import head_from_photo

    out = IMG / "photo_texture_atlas.jpg"
    Image.fromarray(head_from_photo(path).texture).resize((size, size), Image.LANCZOS).save(out, quality=88, optimize=True)
    return out


def variant_set(photos: list[tuple[str, Path]], folder: Path) -> list[tuple[str, Path]]:
    """Each photo mirrored, and cropped to its middle (80 % wide, 90 % high) at 70 % of the size: faces the
    photo head was never developed on, written to ``folder``, to see that its figures are not the set's alone."""
    from PIL import Image, ImageOps

    out = []
    for name, path in photos:
        with Image.open(path) as image:
            rgb = ImageOps.exif_transpose(image).convert("RGB")
        width, height = rgb.size
        crop = rgb.crop((round(0.1 * width), round(0.05 * height), round(0.9 * width), round(0.95 * height)))
        for kind, variant in (("mirrored", ImageOps.mirror(rgb)),
                              ("cropped", crop.resize((round(crop.size[0] * 0.7), round(crop.size[1] * 0.7)), Image.LANCZOS))):
            target = folder / f"{kind}_{name}.jpg"
            variant.save(target, quality=92)
            out.append((f"{name} ({kind})", target))
    return out


def print_table(rows: list[Row], what: str) -> None:
    """The rows, their means and how many meet the targets."""
    print(f"{what:<50} {'landmark err':>12} {'fit resid.':>10} {'expr. r':>8} {'in photo':>8} {'time s':>7} {'CPU s':>6} {'focal mm':>8}")
    for row in rows:
        print(f"{row.name:<50} {row.landmark_error:>12.4f} {row.fit_residual:>10.4f} {row.expression_r:>8.3f} "
              f"{row.expression_r_in_photo:>8.3f} {row.seconds:>7.2f} {row.cpu_seconds:>6.2f} {row.focal_35mm:>8.0f}")
    errors = np.array([r.landmark_error for r in rows])
    agreement = np.array([r.expression_r for r in rows])
    print(f"{'mean':<50} {np.nanmean(errors):>12.4f} {np.mean([r.fit_residual for r in rows]):>10.4f} "
          f"{np.nanmean(agreement):>8.3f} {np.nanmean([r.expression_r_in_photo for r in rows]):>8.3f} "
          f"{np.mean([r.seconds for r in rows]):>7.2f} "
          f"{np.mean([r.cpu_seconds for r in rows]):>6.2f}")
    print(f"targets: landmark error <= 0.03 ({int((errors <= 0.03).sum())}/{len(rows)} photos), "
          f"expression r >= 0.8 ({int((agreement >= 0.8).sum())}/{len(rows)} alone, "
          f"{sum(r.expression_r_in_photo >= 0.8 for r in rows)}/{len(rows)} in the photo)")


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-sheets", action="store_true", help="print the table only")
    parser.add_argument("--variants", action="store_true",
                        help="also each photo mirrored and cropped (faces not used while developing)")
    parser.add_argument("--json", default=None, help="also write the rows as JSON here")
    args = parser.parse_args(argv)
    from ml_backend.photo.expression import default_mapping
    from ml_backend.photo.head import head_from_photo

    with tempfile.TemporaryDirectory(prefix="i2fet-eval-photo-") as folder:
        photos = photo_set(Path(folder))
        started = time.perf_counter()
        head_from_photo(photos[0][1], use_cache=False)  # imports, landmarker, one-time caches
        warm_up = time.perf_counter() - started
        rows = [evaluate_photo(name, path, not args.no_sheets) for name, path in photos]
        if not args.no_sheets:
            write_atlas(dict(photos)["04_london038_adult-woman_smile"])
        variants = [evaluate_photo(name, path, False) for name, path in variant_set(photos, Path(folder))] \
            if args.variants else []
    report = default_mapping().metadata.get("held_out_mapped", {})
    print(f"warm-up (imports, MediaPipe, one-time caches): {warm_up:.1f} s; expression mapping held-out: "
          f"MAE {report.get('mae', float('nan')):.3f}, pooled r {report.get('pearson_pooled', float('nan')):.3f}")
    print_table(rows, "photo")
    if variants:
        print_table(variants, "variant")
    print("expr. r: the head rendered alone on grey; in photo: rendered in place of the face over its own photo "
          "(hair and background kept, every face pixel from the render)")
    print("time: wall clock, photo -> head uncached, on this machine as loaded now; CPU s: the process's CPU time "
          "(all threads), the work itself")
    for row in rows:
        for note in row.notes:
            print(f"note ({row.name}): {note}")
    if args.json:
        Path(args.json).write_text(json.dumps([row.__dict__ for row in rows + variants], indent=1, default=list))
    return rows + variants


if __name__ == "__main__":
    main()
