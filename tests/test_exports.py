"""Exports a game engine reads: FBX (checked by assimp, a reader that is not Blender), glTF, Live Link CSV.

The FBX check needs Debian's ``assimp-utils`` (the ``assimp`` command); without it that test
is skipped and says so.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess

import numpy as np
import pytest

from tests.addon_helpers import ARKIT_KEYS, keyed_head

FRAMES = 24


@pytest.fixture()
def clip(blender):
    head = keyed_head(user_data=False)
    settings = blender.context.scene.i2fet
    settings.duration_unit, settings.frames, settings.prompt = "FRAMES", FRAMES, "a big smile, then surprise"
    settings.use_current_frame, settings.frame_start = False, 1
    assert blender.ops.i2fet.generate() == {"FINISHED"}
    return head, head.data.shape_keys.animation_data.action


def _key_values(action, frames) -> dict[str, np.ndarray]:
    from i2fet_blender.clips.store import action_fcurves

    return {f.data_path.split('"')[1]: np.array([f.evaluate(t) for t in frames]) for f in action_fcurves(action)}


def _read_glb(path) -> tuple[dict, bytes]:
    data = open(path, "rb").read()
    length = struct.unpack("<I", data[12:16])[0]
    document = json.loads(data[20:20 + length])
    binary_start = 20 + length + 8
    return document, data[binary_start:]


def _accessor(document, binary, index) -> np.ndarray:
    accessor = document["accessors"][index]
    view = document["bufferViews"][accessor["bufferView"]]
    width = {"SCALAR": 1, "VEC3": 3}[accessor["type"]]
    start = view.get("byteOffset", 0) + accessor.get("byteOffset", 0)
    values = np.frombuffer(binary, dtype=np.float32, count=accessor["count"] * width, offset=start)
    return values.reshape(accessor["count"], width) if width > 1 else values


@pytest.mark.skipif(shutil.which("assimp") is None, reason="assimp not installed (Debian package assimp-utils)")
def test_fbx_morph_targets_and_animation_seen_by_assimp(blender, clip, tmp_path):
    from i2fet_blender.io.scene_files import export_fbx

    head, _ = clip
    path = tmp_path / "head.fbx"
    export_fbx(str(path), [head])
    info = subprocess.run(["assimp", "info", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Animations:         1" in info
    converted = tmp_path / "assimp.gltf"
    subprocess.run(["assimp", "export", str(path), str(converted), "-fgltf2"], capture_output=True, check=True)
    document = json.loads(converted.read_text())
    assert len(document["meshes"][0]["primitives"][0]["targets"]) == len(head.data.shape_keys.key_blocks) - 1


def test_gltf_morph_animation_matches_the_clip_and_round_trips(blender, clip, tmp_path):
    from i2fet_blender.io.scene_files import export_gltf, import_gltf

    head, action = clip
    path = tmp_path / "head.glb"
    assert blender.ops.i2fet.export_gltf(filepath=str(path)) == {"FINISHED"}
    document, binary = _read_glb(path)
    names = document["meshes"][0]["extras"]["targetNames"]
    assert names == [b.name for b in head.data.shape_keys.key_blocks[1:]]
    channel = document["animations"][0]["channels"][0]
    assert channel["target"]["path"] == "weights"
    sampler = document["animations"][0]["samplers"][channel["sampler"]]
    times = _accessor(document, binary, sampler["input"])
    weights = _accessor(document, binary, sampler["output"]).reshape(len(times), len(names))
    fps = blender.context.scene.render.fps
    frames = np.round(times * fps).astype(int)  # the exporter puts frame f at time f / fps
    assert list(frames) == list(range(1, FRAMES + 1))
    expected = _key_values(action, frames)
    for column, name in enumerate(names):
        np.testing.assert_allclose(weights[:, column], expected.get(name, np.zeros(FRAMES)), atol=1e-5)
    assert weights.max() > 0.1

    blender.ops.wm.read_factory_settings(use_empty=True)
    imported = [o for o in import_gltf(str(path)) if o.type == "MESH"][0]
    key = imported.data.shape_keys
    assert set(ARKIT_KEYS) <= set(key.key_blocks.keys())
    for frame in (1, 8, 17, 24):
        blender.context.scene.frame_set(frame)
        for column, name in enumerate(names):
            assert key.key_blocks[name].value == pytest.approx(float(weights[frame - 1, column]), abs=1e-4)


def test_livelink_csv_export_then_import_onto_another_head(blender, clip, tmp_path):
    head, action = clip
    path = tmp_path / "take.csv"
    assert blender.ops.i2fet.export_livelink_csv(clip=action.name, filepath=str(path)) == {"FINISHED"}
    header = path.read_text().splitlines()[0].split(",")
    assert header[:3] == ["Timecode", "BlendShapeCount", "EyeBlinkLeft"] and len(path.read_text().splitlines()) == FRAMES + 1
    other = keyed_head("Other", user_data=False)
    blender.context.scene.frame_current = 100
    assert blender.ops.i2fet.import_livelink_csv(filepath=str(path), take_fps=24.0) == {"FINISHED"}
    take = other.data.shape_keys.animation_data.action
    assert take["i2fet_source"] == "livelink" and take["i2fet_frame_start"] == 100
    original = _key_values(action, np.arange(1, FRAMES + 1))
    imported = _key_values(take, np.arange(100, 100 + FRAMES))
    for name in ARKIT_KEYS:
        np.testing.assert_allclose(imported[name], original[name], atol=1e-5)
    with pytest.raises(RuntimeError, match="cannot be regenerated"):
        blender.ops.i2fet.regenerate_clip(clip=take.name)


def test_take_at_another_frame_rate_is_resampled(blender, tmp_path):
    from i2fet_blender.io.livelink import import_take
    from ml_backend.naming.arkit import INDEX, NUM_CHANNELS
    from ml_backend.export.livelink_csv import write_livelink_csv

    head = keyed_head(user_data=False)
    weights = np.zeros((61, NUM_CHANNELS), np.float32)
    weights[:, INDEX["jawOpen"]] = np.linspace(0, 1, 61)  # one second at 60 fps
    path = write_livelink_csv(tmp_path / "take60.csv", weights, 60.0)
    written = import_take(head, str(path), 1, 24.0)
    assert written.frame_end - written.frame_start + 1 == 25
    values = _key_values(written.action, [1, 13, 25])["jawOpen"]
    np.testing.assert_allclose(values, [0.0, 0.5, 1.0], atol=1e-4)
