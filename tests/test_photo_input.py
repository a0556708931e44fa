"""Photo files as users hand them over: every format, mode and damage is read or refused with a clear message.

Test images are made at test time from the real photos in ../shared/assets/photos (converted,
rotated, truncated into tmp_path); nothing from /work/shared is committed.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml_backend.errors import I2FETError
from ml_backend.paths import assets_root
from ml_backend.photo.errors import PhotoError
from ml_backend.photo.image_io import MAX_SIDE, MIN_SIDE, load_photo

PHOTOS = assets_root() / "photos"
NEUTRAL = PHOTOS / "01_london024_adult-man_neutral.jpg"
ALPHA_PNG = PHOTOS / "21_mediapipe_adult-man_smile.png"


@pytest.fixture(scope="module")
def photo_image():
    from PIL import Image

    with Image.open(NEUTRAL) as image:
        return image.convert("RGB").resize((600, 600))


def test_plain_jpeg_reads_with_its_hash(photo_image, tmp_path):
    path = tmp_path / "face.jpg"
    photo_image.save(path, quality=95)
    photo = load_photo(path)
    assert photo.rgb.shape == (600, 600, 3) and photo.rgb.dtype == np.uint8
    import hashlib
    assert photo.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert photo.notes == ()


def test_grayscale_is_expanded_and_said(photo_image, tmp_path):
    path = tmp_path / "grey.jpg"
    photo_image.convert("L").save(path)
    photo = load_photo(path)
    assert photo.rgb.shape[2] == 3
    assert np.array_equal(photo.rgb[..., 0], photo.rgb[..., 1])
    assert any("grayscale" in n for n in photo.notes)


def test_cmyk_jpeg_is_converted(photo_image, tmp_path):
    path = tmp_path / "print.jpg"
    photo_image.convert("CMYK").save(path)
    photo = load_photo(path)
    assert photo.rgb.shape == (600, 600, 3)
    assert any("CMYK" in n for n in photo.notes)
    reference = np.asarray(photo_image, np.float64)
    assert np.abs(photo.rgb.astype(np.float64) - reference).mean() < 20  # the same picture


def test_png_alpha_becomes_grey(photo_image, tmp_path):
    rgba = photo_image.convert("RGBA")
    alpha = np.full((600, 600), 255, np.uint8)
    alpha[:, :100] = 0
    rgba.putalpha(__import__("PIL.Image", fromlist=["Image"]).fromarray(alpha))
    path = tmp_path / "cutout.png"
    rgba.save(path)
    photo = load_photo(path)
    assert any("transparent" in n for n in photo.notes)
    assert np.all(photo.rgb[:, :100] == 128)


def test_opaque_rgba_png_from_the_assets_reads_without_a_note():
    photo = load_photo(ALPHA_PNG)
    assert photo.rgb.shape == (600, 600, 3)
    assert not any("transparent" in n for n in photo.notes)


@pytest.mark.parametrize("orientation,turn", [(6, 270), (8, 90), (3, 180)])
def test_exif_orientation_is_applied(photo_image, tmp_path, orientation, turn):
    from PIL import Image

    wide = photo_image.crop((0, 100, 600, 500))  # 600 x 400, so a turn shows in the shape
    stored = wide.rotate(-turn, expand=True)  # what a camera stores before its EXIF tag turns it back
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"exif{orientation}.jpg"
    stored.save(path, exif=exif.tobytes(), quality=95)
    photo = load_photo(path)
    assert photo.rgb.shape[:2] == (400, 600)
    assert np.abs(photo.rgb.astype(float) - np.asarray(wide, float)).mean() < 8
    assert any("EXIF" in n for n in photo.notes)


def test_huge_photo_is_downscaled(photo_image, tmp_path):
    path = tmp_path / "huge.png"
    photo_image.resize((4200, 4200)).save(path, compress_level=1)
    photo = load_photo(path)
    assert max(photo.size) == MAX_SIDE
    assert photo.original_size == (4200, 4200)
    assert any("downscaled" in n for n in photo.notes)


def _png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG whose header claims a size (the pixels are never decoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16))
                     + chunk(b"IEND", b""))


def test_gigantic_image_is_refused_before_decoding(tmp_path):
    path = tmp_path / "giant.png"
    _png_header_only(path, 30000, 30000)
    with pytest.raises(PhotoError, match="Scale it down"):
        load_photo(path)


def test_tiny_image_is_refused(tmp_path):
    from PIL import Image
    from skimage.data import lfw_subset

    face = (lfw_subset()[0] * 255).astype(np.uint8)  # a 25 x 25 face from Labeled Faces in the Wild
    path = tmp_path / "tiny.png"
    Image.fromarray(face).save(path)
    with pytest.raises(PhotoError, match=f"at least {MIN_SIDE} pixels"):
        load_photo(path)


def test_truncated_jpeg_is_refused(photo_image, tmp_path):
    path = tmp_path / "cut.jpg"
    photo_image.save(path, quality=95)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(PhotoError, match="damaged or truncated"):
        load_photo(path)


def test_corrupted_header_is_refused(photo_image, tmp_path):
    path = tmp_path / "broken.png"
    photo_image.save(path)
    data = bytearray(path.read_bytes())
    data[16:24] = b"\xff" * 8  # the IHDR width/height: CRC no longer matches
    path.write_bytes(bytes(data))
    with pytest.raises(PhotoError):
        load_photo(path)


def test_text_renamed_jpg_is_refused(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("these are my notes, not a photo\n" * 20)
    with pytest.raises(PhotoError, match="not an image"):
        load_photo(path)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(PhotoError, match="empty"):
        load_photo(path)


def test_missing_path_folder_and_path_through_a_file_are_refused(tmp_path):
    with pytest.raises(PhotoError, match="No file"):
        load_photo(tmp_path / "nowhere.jpg")
    with pytest.raises(PhotoError, match="folder"):
        load_photo(tmp_path)
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    with pytest.raises(PhotoError):
        load_photo(plain / "face.jpg")  # a path that runs through a file


_WITHOUT_PERMISSION = """
import os, sys
from PIL import Image
from ml_backend.photo.errors import PhotoError
from ml_backend.photo.image_io import load_photo
Image.init()  # everything imported before giving up root: the interpreter's own files may be root's alone
if os.geteuid() == 0:
    os.setgid(65534)
    os.setuid(65534)  # nobody: root reads every file whatever its permissions
for path in sys.argv[1:]:
    try:
        load_photo(path)
        print("read", path)
    except PhotoError as error:
        print("refused", error)
"""


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_unreadable_file_and_folder_are_refused_in_our_words(photo_image):
    """A photo the user may not read, and one inside a folder the user may not enter (that raised a bare
    PermissionError from Path.exists). As root the check runs in a child process that gives up root."""
    import shutil
    import subprocess
    import sys
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="i2fet-permissions-"))  # not tmp_path: its parents are closed to others
    try:
        folder.chmod(0o755)
        (folder / "locked").mkdir()
        photo_image.save(folder / "locked.jpg")
        photo_image.save(folder / "locked" / "face.jpg")
        (folder / "locked.jpg").chmod(0)
        (folder / "locked").chmod(0o700 if os.geteuid() == 0 else 0)
        result = subprocess.run([sys.executable, "-c", _WITHOUT_PERMISSION, str(folder / "locked.jpg"),
                                 str(folder / "locked" / "face.jpg")], capture_output=True, text=True, timeout=120,
                                cwd=Path(__file__).resolve().parents[1])
    finally:
        (folder / "locked").chmod(0o755)
        (folder / "locked.jpg").chmod(0o644)
        shutil.rmtree(folder)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(lines) == 2 and all(line.startswith("refused") and "permission denied" in line for line in lines), lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=4096), prefix=st.sampled_from([b"", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"GIF89a"]))
def test_any_bytes_either_read_or_refused_in_our_words(tmp_path, data, prefix):
    path = tmp_path / "random.jpg"
    path.write_bytes(prefix + data)
    try:
        photo = load_photo(path)
    except I2FETError as error:
        assert str(error)
    else:
        assert photo.rgb.ndim == 3 and photo.rgb.shape[2] == 3 and min(photo.size) >= MIN_SIDE
