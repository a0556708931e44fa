"""``build.py eval-photo``'s pieces: one photo's row (landmark error, expression agreement, time) and its sheet, and
a sheet in docs/ for every photo the evaluation covers (the issue asks for one per photo)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from i2fet_tools.photo.evaluate import IMG, SHEET_FRAMES, evaluate_photo, photo_set, write_sheet
from ml_backend.paths import assets_root

SMILE = assets_root() / "photos" / "04_london038_adult-woman_smile.jpg"


def test_a_photos_row_meets_the_targets_and_its_sheet_has_six_tiles(tmp_path):
    from PIL import Image

    from ml_backend.photo.head import head_from_photo
    from ml_backend.photo.image_io import load_photo

    row = evaluate_photo("smile", SMILE, sheets=False)
    assert row.landmark_error <= 0.03 and row.fit_residual <= row.landmark_error
    assert row.expression_r >= 0.8 and row.expression_r_in_photo >= 0.8
    assert row.seconds > 0 and row.cpu_seconds > 0 and 20 < row.focal_35mm < 200
    path = write_sheet("smile", load_photo(SMILE).rgb, head_from_photo(SMILE), size=96, folder=tmp_path)
    with Image.open(path) as sheet:
        assert sheet.size == (96 * (3 + len(SHEET_FRAMES)), 96 + 44)
        tiles = np.asarray(sheet.convert("RGB"))[:96].reshape(96, 3 + len(SHEET_FRAMES), 96, 3)
    frames = tiles[:, 3:].astype(float)
    assert np.abs(frames[:, 1] - frames[:, 0]).mean() > 1.0, "the instruction moves the face between frames"


def test_docs_hold_a_sheet_for_every_evaluated_photo(tmp_path):
    names = [name for name, _ in photo_set(Path(tmp_path))]
    assert len(names) >= 8
    missing = [name for name in names if not (IMG / f"photo_sheet_{name}.jpg").is_file()]
    assert not missing, f"regenerate with 'python3 build.py eval-photo': {missing}"
