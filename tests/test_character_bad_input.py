"""Bad input for whole characters (issue 12): linked library parts are refused before any work, mirrored and
turned parts are handled, a write that fails halfway leaves nothing, and one undo step removes a generation."""

from __future__ import annotations

import numpy as np
import pytest

from tests.character_scene import _faces_of, build_character, build_part, world_vertices

PROMPT = "she opens her mouth wide in surprise"
FRAMES = 30


def _settings(blender, prompt: str = PROMPT):
    settings = blender.context.scene.i2fet
    settings.prompt, settings.duration_unit, settings.frames = prompt, "FRAMES", FRAMES
    settings.use_current_frame, settings.frame_start = False, 1
    return settings


def _link_from_library(blender, face_model, path, name: str):
    """Write a keyed teeth mesh into a .blend library, remove it here, and link it back (the user's linked asset)."""
    upper_lower = _faces_of(face_model, ("M_Teeth",))
    local = build_part(name, face_model, upper_lower, True)
    blender.data.libraries.write(str(path), {local})
    mesh = local.data
    blender.data.objects.remove(local)
    blender.data.meshes.remove(mesh)
    with blender.data.libraries.load(str(path), link=True) as (_, into):
        into.objects = [name]
    return into.objects[0]


def test_a_part_linked_from_a_library_is_refused_before_any_work(blender, face_model, checksum, tmp_path):
    from tests.character_scene import HEAD_MATERIALS

    collection = blender.data.collections.new("Character")
    blender.context.scene.collection.children.link(collection)
    head = build_part("Head", face_model, _faces_of(face_model, HEAD_MATERIALS), True)
    blender.context.scene.collection.objects.unlink(head)
    collection.objects.link(head)
    linked = _link_from_library(blender, face_model, tmp_path / "teeth_asset.blend", "Teeth")
    collection.objects.link(linked)
    blender.context.view_layer.objects.active = head
    blender.context.view_layer.update()
    _settings(blender)
    before = checksum()
    with pytest.raises(RuntimeError, match="'Teeth' \\(part of the character\\) is linked from another file"):
        blender.ops.i2fet.generate()
    assert checksum() == before
    assert not [a for a in blender.data.actions if a.get("i2fet_generated")]


def test_a_linked_head_is_refused(blender, face_model, checksum, tmp_path):
    linked = _link_from_library(blender, face_model, tmp_path / "head_asset.blend", "LinkedHead")
    blender.context.scene.collection.objects.link(linked)
    blender.context.view_layer.objects.active = linked
    _settings(blender)
    before = checksum()
    with pytest.raises(RuntimeError, match="linked from another file"):
        blender.ops.i2fet.generate()
    assert checksum() == before


def test_mirrored_parts_and_unapplied_rotations_follow_correctly(blender, face_model):
    """A head and lower teeth with a negative scale (mirrored across X) and the parts' unapplied 90 degree turn:
    the teeth still go where the model's jawOpen shape puts them, and a quaternion eye turns rigidly."""
    from ml_backend.naming.arkit import INDEX

    from i2fet_blender.clips.store import action_fcurves, clips

    parts = build_character(face_model, keyed=False)
    head, lower, eye = parts["Head"], parts["LowerTeeth"], parts["EyeLeft"]
    for obj in (head, lower):
        obj.scale.x = -obj.scale.x
    turn = eye.rotation_euler.to_quaternion()
    eye.rotation_mode = "QUATERNION"
    eye.rotation_quaternion = turn
    blender.context.view_layer.update()
    rest_lower, rest_eye = world_vertices(lower), world_vertices(eye)
    _settings(blender)
    assert blender.ops.i2fet.generate() == {"FINISHED"}
    clip = clips()[0]
    jaw_curve = next(f for f in action_fcurves(clip) if f.data_path == 'key_blocks["jawOpen"].value')
    jaw = np.array([jaw_curve.evaluate(f) for f in range(1, FRAMES + 1)])
    frame = int(np.argmax(jaw)) + 1
    blender.context.scene.frame_set(frame)
    ids = np.array(lower["model_vertices"])
    matrix = np.array(head.matrix_world, np.float64)
    truth = (face_model.neutral[ids] + jaw.max() * face_model.deltas[INDEX["jawOpen"]][ids]) @ matrix[:3, :3].T + matrix[:3, 3]
    shift = np.linalg.norm(truth - rest_lower, axis=1).mean()
    error = np.linalg.norm(world_vertices(lower) - truth, axis=1).mean()
    assert shift > 0.005 and error < 0.2 * shift, (error, shift)
    assert eye.animation_data.action is not None
    pivot = (rest_eye.min(axis=0) + rest_eye.max(axis=0)) / 2
    np.testing.assert_allclose(np.linalg.norm(world_vertices(eye) - pivot, axis=1),
                               np.linalg.norm(rest_eye - pivot, axis=1), atol=1e-5)


def test_a_write_that_fails_on_one_part_leaves_nothing(blender, face_model, checksum):
    """The head and the other keyed parts are written first; a part that then cannot be turned (a zero scale)
    makes the whole write undo itself: the file is as it was."""
    from i2fet_blender.errors import GenerationError
    from i2fet_blender.generate.pipeline import run
    from i2fet_blender.generate.request import request_for_object

    parts = build_character(face_model, keyed=False)
    lashes = build_part("Lashes", face_model, _faces_of(face_model, ("M_EyeLashes",)), True, parts["Rig"])
    request = request_for_object(parts["Head"], PROMPT, FRAMES, 1, 24.0, options={"reader": "lexicon"})
    parts["LowerTeeth"].scale = (0.0, 0.0, 0.0)
    before = checksum()
    with pytest.raises(GenerationError, match="failed and was undone.*zero scale"):
        run(request)
    assert checksum() == before
    assert not [a for a in blender.data.actions if a.get("i2fet_generated")]
    assert lashes.data.shape_keys.animation_data is None  # it was written, then taken back


def test_one_undo_step_removes_a_whole_character_generation(blender, face_model, checksum):
    build_character(face_model, keyed=False)
    _settings(blender)
    blender.ops.ed.undo_push(message="before")
    before = checksum()
    assert blender.ops.i2fet.generate() == {"FINISHED"}
    blender.ops.ed.undo_push(message="Generate")  # what Blender does after an operator with the UNDO flag
    assert checksum() != before
    blender.ops.ed.undo()
    assert checksum() == before
    assert not [a for a in blender.data.actions if a.get("i2fet_generated")]
    for name in ("LowerTeeth", "EyeLeft", "EyeRight"):
        obj = blender.data.objects[name]
        assert obj.animation_data is None or obj.animation_data.action is None
