"""Fit Head's add-on side of issue 12's bad input: an unapplied rotation and scale are fitted through the object's
transform, a mirrored (negative scale) head and a linked library head are refused with nothing changed, and one
undo step removes a fit."""

from __future__ import annotations

import numpy as np
import pytest

from ml_backend.fitting.foreign import mediapipe_face


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("I2FET_CACHE", str(tmp_path))


def _face(blender, name: str = "Face"):
    """The MediaPipe face with an unapplied turn (upright through its rotation) and scale, active and selected."""
    data = mediapipe_face()
    mesh = blender.data.meshes.new(name)
    mesh.from_pydata(data.vertices.tolist(), [], data.triangles.tolist())
    mesh.update()
    obj = blender.data.objects.new(name, mesh)
    blender.context.scene.collection.objects.link(obj)
    obj.rotation_euler = (np.pi / 2, 0.0, 0.3)
    obj.scale = (0.01, 0.01, 0.01)
    blender.context.view_layer.objects.active = obj
    obj.select_set(True)
    blender.context.view_layer.update()
    return obj


def test_one_undo_step_removes_a_fit_of_a_turned_head(blender, checksum):
    head = _face(blender)
    blender.ops.ed.undo_push(message="before")
    before = checksum()
    assert blender.ops.i2fet.fit_head() == {"FINISHED"}
    blender.ops.ed.undo_push(message="Fit Head")  # what Blender does after an operator with the UNDO flag
    assert len(blender.data.objects[head.name].data.shape_keys.key_blocks) > 40
    blender.ops.ed.undo()
    assert checksum() == before
    assert blender.data.objects["Face"].data.shape_keys is None


def test_a_mirrored_head_is_refused_and_nothing_changes(blender, checksum):
    head = _face(blender)
    head.scale.x = -head.scale.x
    blender.context.view_layer.update()
    before = checksum()
    with pytest.raises(RuntimeError, match="negative \\(mirrored\\)"):
        blender.ops.i2fet.fit_head()
    assert checksum() == before and head.data.shape_keys is None


def test_a_linked_library_head_is_refused_and_nothing_changes(blender, checksum, tmp_path):
    local = _face(blender, "LibraryFace")
    path = tmp_path / "face_asset.blend"
    blender.data.libraries.write(str(path), {local})
    mesh = local.data
    blender.data.objects.remove(local)
    blender.data.meshes.remove(mesh)
    with blender.data.libraries.load(str(path), link=True) as (_, into):
        into.objects = ["LibraryFace"]
    linked = into.objects[0]
    blender.context.scene.collection.objects.link(linked)
    blender.context.view_layer.objects.active = linked
    before = checksum()
    with pytest.raises(RuntimeError, match="linked from another file"):
        blender.ops.i2fet.fit_head()
    assert checksum() == before
