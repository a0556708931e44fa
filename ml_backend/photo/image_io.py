"""Read a photo the way a user hands it over: any common format, mode and orientation, checked before any work.

Pillow does the decoding (JPEG incl. CMYK, PNG with alpha, 16-bit, palettes, EXIF orientation);
this module turns everything into one 8-bit RGB array of a size the face detector handles, and
turns every way a file can fail into a message that names the file and what to do.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import PhotoError

MIN_SIDE = 96  # pixels: below this the detector cannot see a face (its input is 192 px, faces need ~1/4 of it)
MAX_SIDE = 2048  # larger photos are downscaled: the fit needs landmarks, not pores
MAX_PIXELS = 120_000_000  # refuse before decoding anything larger (Pillow's decompression-bomb guard is ~179 MP)
MAX_BYTES = 200 * 1024 * 1024
BACKGROUND = (128, 128, 128)  # transparent parts of a PNG become mid grey


@dataclass(frozen=True)
class Photo:
    """A decoded photo: 8-bit RGB pixels (H x W x 3), the file's SHA-256, and what was done to read it."""

    rgb: np.ndarray  # H x W x 3 uint8
    sha256: str
    path: Path
    original_size: tuple[int, int]  # width, height as stored (after EXIF rotation)
    notes: tuple[str, ...] = ()

    @property
    def size(self) -> tuple[int, int]:
        return int(self.rgb.shape[1]), int(self.rgb.shape[0])


def _read_bytes(path: Path) -> bytes:
    try:  # exists() itself raises PermissionError for a path inside a folder the user may not enter
        if not path.exists():
            raise PhotoError(f"No file at '{path}': check the path.")
        if path.is_dir():
            raise PhotoError(f"'{path}' is a folder, not a photo: pick an image file (JPEG or PNG).")
        size = path.stat().st_size
        if size == 0:
            raise PhotoError(f"'{path.name}' is empty (0 bytes): it is not a photo.")
        if size > MAX_BYTES:
            raise PhotoError(f"'{path.name}' is {size / 2**20:.0f} MB; photos up to {MAX_BYTES // 2**20} MB are read.")
        return path.read_bytes()
    except PermissionError as error:
        raise PhotoError(f"'{path}' cannot be read (permission denied): check the file's permissions.") from error
    except OSError as error:
        raise PhotoError(f"'{path}' cannot be read ({error.strerror or error}).") from error


def _to_rgb(image, name: str, notes: list[str]):
    """Any Pillow mode -> RGB; alpha over grey, CMYK and 16-bit converted, grayscale expanded (and said)."""
    from PIL import Image

    mode = image.mode
    if mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        values = np.asarray(image, dtype=np.float64)
        high = values.max() if values.size and values.max() > 255 else 255.0
        image = Image.fromarray(np.clip(values * (255.0 / high), 0, 255).astype(np.uint8), "L")
        notes.append(f"'{name}' is a {mode} (high bit depth) image: reduced to 8 bits.")
        mode = "L"
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        mode = image.mode
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        alpha = np.asarray(rgba)[..., 3]
        if alpha.min() < 255:
            notes.append(f"'{name}' has transparent areas: they were filled with grey.")
        background = Image.new("RGBA", rgba.size, BACKGROUND + (255,))
        image = Image.alpha_composite(background, rgba).convert("RGB")
        if mode in ("LA", "La"):
            notes.append(f"'{name}' is a grayscale photo: the head's texture will be grey too.")
        return image
    if mode == "CMYK":
        notes.append(f"'{name}' is a CMYK image: converted to RGB (colours may shift slightly).")
        return image.convert("RGB")
    if mode in ("L", "1"):
        notes.append(f"'{name}' is a grayscale photo: the head's texture will be grey too.")
        return image.convert("RGB")
    if mode != "RGB":
        return image.convert("RGB")
    return image


def load_photo(path: str | os.PathLike) -> Photo:
    """Decode ``path`` into a Photo, or raise PhotoError saying why it cannot be used (nothing is written)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path).expanduser()
    data = _read_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    notes: list[str] = []
    name = path.name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PhotoError(f"'{name}' is {width}x{height} pixels ({width * height / 1e6:.0f} MP); photos up to "
                                 f"{MAX_PIXELS / 1e6:.0f} MP are read. Scale it down first.")
            if image.format == "JPEG" and max(width, height) > 2 * MAX_SIDE:
                image.draft(image.mode, (MAX_SIDE, MAX_SIDE))  # decode at a reduced scale: much faster
            image.load()
            orientation = image.getexif().get(0x0112, 1)
            image = ImageOps.exif_transpose(image)
    except UnidentifiedImageError as error:
        raise PhotoError(f"'{name}' is not an image Pillow can read (is it a renamed file of another kind?): "
                         "use a JPEG or PNG photo.") from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(f"'{name}' is too large to decode safely ({error}). Scale it down first.") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise PhotoError(f"'{name}' is damaged or truncated ({error}): re-export or re-download the photo.") from error
    if orientation not in (1, None):
        notes.append(f"'{name}' was turned upright according to its EXIF orientation ({orientation}).")
    if min(image.size) < MIN_SIDE:
        raise PhotoError(f"'{name}' is only {image.size[0]}x{image.size[1]} pixels; the face detector needs at least "
                         f"{MIN_SIDE} pixels on the shorter side (a face of about 100 pixels across or more).")
    original = image.size
    image = _to_rgb(image, name, notes)
    if max(image.size) > MAX_SIDE:
        scale = MAX_SIDE / max(image.size)
        image = image.resize((max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale))), Image.LANCZOS)
        notes.append(f"'{name}' ({original[0]}x{original[1]}) was downscaled to {image.size[0]}x{image.size[1]} for the fit.")
    rgb = np.ascontiguousarray(np.asarray(image, dtype=np.uint8)[..., :3])
    return Photo(rgb=rgb, sha256=digest, path=path, original_size=original, notes=tuple(notes))
