"""The README's main job: the demo writes a .blend, an .fbx, a Live Link CSV and a preview sheet."""

import csv

import numpy as np

from ml_backend.export.livelink_csv import read_livelink_csv


def test_demo_writes_every_file(blender, tmp_path):
    from i2fet_blender.demo import run_demo

    files = run_demo("a big smile then surprise", 24, tmp_path, render=True, size=48, samples=1)
    assert set(files) == {"blend", "fbx", "csv", "preview"}
    for path in files.values():
        assert path.is_file() and path.stat().st_size > 0
    rows = list(csv.reader(files["csv"].open()))
    assert len(rows) == 25 and rows[0][0] == "Timecode"
    weights, fps = read_livelink_csv(files["csv"])
    assert fps == 30 and weights.max() > 0.5
    sheet = blender.data.images.load(str(files["preview"]))
    assert tuple(sheet.size) == (48 * 6, 48)
    pixels = np.empty(48 * 6 * 48 * 4, np.float32)
    sheet.pixels.foreach_get(pixels)
    assert pixels.reshape(-1, 4)[:, :3].std() > 0.02  # a picture, not a blank


def test_demo_blend_reopens_with_the_animated_head(blender, tmp_path):
    from i2fet_blender.io.keyframes import shape_key_fcurves
    from i2fet_blender.demo import run_demo

    files = run_demo("smile", 12, tmp_path, render=False)
    blender.ops.wm.open_mainfile(filepath=str(files["blend"]))
    head = blender.data.objects["I2FET Head"]
    assert len(shape_key_fcurves(head)) == 51
