"""The panel's head and eye rotation targets turn about the face's own axes, however the head stands (issue 12).

Before, a target turned about its own local axes as if the face looked along -Y with Z up: a character lying on its
back shook its head by rolling it, a mirrored head turned the wrong way, a head bone pointing up rolled toward the
wrong shoulder and an eye bone pointing forward rolled when it should look aside. Now the clip's yaw, pitch and roll
are taken about the face's axes (``head.face_frame``, the same axes the keyless teeth and eyes use). Real bpy scenes
built from the ICT face model (``tests.character_scene``); the face's motion is measured on the head's (or eye's)
world matrix as Blender evaluates the written keys.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.character_scene import build_character

FRAMES = 48
NOD, SHAKE, LOOK = "she smiles and nods in agreement", "he frowns and shakes his head", "she looks down to her left"
LYING, TILTED = (-90.0, 0.0, 0.0), (30.0, -20.0, 135.0)


def _matrix(degrees, order: str = "XYZ") -> np.ndarray:
    from mathutils import Euler

    return np.array(Euler(np.radians(degrees), order).to_matrix(), np.float64)


def face_turn(yaw_pitch_roll) -> np.ndarray:
    """The turn a (yaw, pitch, roll) frame means in the face's own coordinates (left, back, up), written out from
    what each angle does: pitch turns about the face's left (chin down), then roll about its forward axis (the top
    toward the right shoulder), then yaw about its up (the nose toward the subject's right)."""
    from scipy.spatial.transform import Rotation

    yaw, pitch, roll = yaw_pitch_roll
    left, forward, up = np.eye(3)[0], -np.eye(3)[1], np.eye(3)[2]
    turn = Rotation.from_rotvec(-yaw * up) * Rotation.from_rotvec(roll * forward) * Rotation.from_rotvec(pitch * left)
    return turn.as_matrix()


def test_each_angle_moves_the_face_the_way_its_name_says():
    """The test's own reading of yaw, pitch and roll, checked against their meaning before it is used."""
    left, forward, up = np.eye(3)[0], -np.eye(3)[1], np.eye(3)[2]
    assert face_turn((0.0, 0.2, 0.0)) @ forward @ up < -0.19  # pitch: the chin goes down
    assert face_turn((0.2, 0.0, 0.0)) @ forward @ left < -0.19  # yaw: the nose goes to the subject's right
    assert face_turn((0.0, 0.0, 0.2)) @ up @ left < -0.19  # roll: the top goes to the right shoulder


def _world(obj, bone: str = "") -> np.ndarray:
    matrix = np.array(obj.matrix_world, np.float64)
    if bone:
        matrix = matrix @ np.array(obj.pose.bones[bone].matrix, np.float64)
    return matrix[:3, :3]


def _add_bones(blender, rig, bones: dict[str, tuple[tuple, tuple]]) -> None:
    """Bones (name: (head, tail) in the rig's space) with an Euler rotation mode."""
    blender.context.view_layer.objects.active = rig
    blender.ops.object.mode_set(mode="EDIT")
    for name, (start, end) in bones.items():
        bone = rig.data.edit_bones.new(name)
        bone.head, bone.tail = start, end
    blender.ops.object.mode_set(mode="OBJECT")
    for pose_bone in rig.pose.bones:
        pose_bone.rotation_mode = "XYZ"


def _hang_on_bone(blender, obj, rig, bone: str) -> None:
    """Parent ``obj`` to ``bone`` and keep it where it stands."""
    blender.context.view_layer.update()
    world = obj.matrix_world.copy()
    obj.parent, obj.parent_type, obj.parent_bone = rig, "BONE", bone
    blender.context.view_layer.update()
    obj.matrix_world = world
    blender.context.view_layer.update()


def _lying_rig_turns_it(blender, parts):
    parts["Rig"].rotation_euler = np.radians(LYING)
    return ("Rig", "")


def _head_bone_of_a_tilted_rig(blender, parts):
    rig = parts["Rig"]
    _add_bones(blender, rig, {"head": ((0.0, 0.0, -0.05), (0.0, 0.0, 0.1))})  # pointing up
    _hang_on_bone(blender, parts["Head"], rig, "head")
    rig.rotation_euler = np.radians(TILTED)
    return ("Rig", "head")


def _mirrored_head_turns_itself(blender, parts):
    parts["Head"].scale.x = -parts["Head"].scale.x
    parts["Rig"].rotation_euler = np.radians((0.0, 0.0, 90.0))  # facing +X as well
    return ("Head", "")


def _millimetre_head_lying_in_its_mesh(blender, parts):
    """A head imported lying on its back with its units in millimetres, its turn and scale applied to the mesh."""
    from mathutils import Matrix

    head = parts["Head"]
    baked = Matrix(_matrix(LYING).tolist()).to_4x4() @ head.matrix_basis @ Matrix.Scale(1000.0, 4)
    head.data.transform(baked, shape_keys=True)
    head.rotation_euler, head.scale = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)
    return ("Head", "")


HEAD_SCENES = {"rig lying on its back": _lying_rig_turns_it, "head bone of a tilted rig": _head_bone_of_a_tilted_rig,
               "mirrored head facing +X": _mirrored_head_turns_itself,
               "millimetre head lying in its mesh": _millimetre_head_lying_in_its_mesh}


def _generate(head, prompt: str, motion: dict, seed: int = 1):
    """(the clip's frames x 9 rotations, the result) of one generation written with a key on every frame."""
    from i2fet_blender.generate import pipeline
    from i2fet_blender.generate.request import request_for_object

    request = request_for_object(head, prompt, FRAMES, 1, 24.0, seed=seed, whole_character=False)
    request = replace(request, motion={"keys": "dense", **motion})
    computed = pipeline.compute(request)
    return np.asarray(computed.rotations, np.float64), pipeline.write_result(request, computed)


def _face_motion(blender, obj, rest: np.ndarray, bone: str = "") -> list[np.ndarray]:
    """Per frame of the clip, the world turn of ``obj`` (or its bone) from ``rest`` (its world matrix before)."""
    scene = blender.context.scene
    turns = []
    for frame in range(1, FRAMES + 1):
        scene.frame_set(frame)
        turns.append(_world(obj, bone) @ np.linalg.inv(rest))
    return turns


@pytest.mark.parametrize("prompt", [NOD, SHAKE], ids=["nod", "shake"])
@pytest.mark.parametrize("scene", list(HEAD_SCENES.values()), ids=list(HEAD_SCENES))
def test_a_head_target_nods_and_shakes_about_the_face_s_own_axes(blender, face_model, scene, prompt):
    from i2fet_blender.head.face_frame import KEYS, face_frame
    from i2fet_blender.io.rotations import RotationTarget

    parts = build_character(face_model, keyed=False)
    head = parts["Head"]
    target = RotationTarget(*scene(blender, parts))
    blender.context.view_layer.update()
    axes, rest = face_frame(head), _world(head)
    assert axes.source == KEYS
    rotations, result = _generate(head, prompt, {"head": target})
    assert f"rotation:{target.describe()}" in {a.get("i2fet_part") for a in blender.data.actions}
    yaw, pitch = rotations[:, 0], rotations[:, 1]
    assert np.ptp(yaw) > np.radians(3) and np.ptp(pitch) > np.radians(3)
    turns = _face_motion(blender, head, rest)
    inverse = np.linalg.inv(axes.matrix)
    for turn, angles in zip(turns, rotations[:, :3]):  # in the face's own coordinates, the clip's turn exactly
        np.testing.assert_allclose(inverse @ turn @ axes.matrix, face_turn(angles), atol=2e-5)
    forward = np.array([turn @ axes.forward for turn in turns])
    # a nod moves the nose along the face's up, a shake along its left, whatever way the head lies
    assert np.corrcoef(forward @ axes.up, -np.sin(pitch))[0, 1] > 0.95
    assert np.corrcoef(forward @ axes.left, -np.sin(yaw) * np.cos(pitch))[0, 1] > 0.95


@pytest.mark.parametrize("kind", ["bones pointing forward", "eye meshes"])
def test_eye_targets_look_where_the_face_looks(blender, face_model, kind):
    """Eyes of a character lying on its back: each eye turns by its own rotations about the face's axes (down is
    toward the face's chin, not the world's floor), as bones pointing forward or as the eye meshes themselves."""
    from i2fet_blender.head.face_frame import face_frame
    from i2fet_blender.io.rotations import RotationTarget

    parts = build_character(face_model, keyed=False)
    rig = parts["Rig"]
    if kind == "eye meshes":
        eyes = (RotationTarget("EyeLeft"), RotationTarget("EyeRight"))
        measured = [(parts["EyeLeft"], ""), (parts["EyeRight"], "")]
    else:
        _add_bones(blender, rig, {f"eye.{side}": ((x, -0.08, 0.17), (x, -0.1, 0.17))
                                  for side, x in (("L", 0.03), ("R", -0.03))})
        eyes = (RotationTarget("Rig", "eye.L"), RotationTarget("Rig", "eye.R"))
        measured = [(rig, "eye.L"), (rig, "eye.R")]
    rig.rotation_euler = np.radians(TILTED if kind == "eye meshes" else LYING)
    blender.context.view_layer.update()
    axes, rests = face_frame(parts["Head"]), [_world(obj, bone) for obj, bone in measured]
    rotations, _ = _generate(parts["Head"], LOOK, {"eyes": eyes})
    inverse = np.linalg.inv(axes.matrix)
    for (obj, bone), rest, columns in zip(measured, rests, (slice(3, 6), slice(6, 9))):
        assert np.ptp(rotations[:, columns][:, 1]) > np.radians(3)
        turns = _face_motion(blender, obj, rest, bone)
        for turn, angles in zip(turns, rotations[:, columns]):
            np.testing.assert_allclose(inverse @ turn @ axes.matrix, face_turn(angles), atol=2e-5)
        gaze = np.array([turn @ axes.forward for turn in turns])
        assert np.corrcoef(gaze @ axes.up, -np.sin(rotations[:, columns][:, 1]))[0, 1] > 0.95  # down: to the chin


def test_a_clip_written_while_an_earlier_one_holds_the_head_turns_it_the_same_way(blender, face_model):
    """The face rides on the target (the rig it hangs from): its axes are taken with the target at rest, so a clip
    written while an earlier clip holds the head turned is the same take, not one turned by the earlier pose."""
    from i2fet_blender.clips.edit import delete_clip
    from i2fet_blender.io.rotations import RotationTarget

    parts = build_character(face_model, keyed=False)
    rig, head = parts["Rig"], parts["Head"]
    rig.rotation_euler = np.radians(LYING)
    blender.context.view_layer.update()
    rest = _world(head)
    _, first = _generate(head, NOD, {"head": RotationTarget("Rig")})
    turns = _face_motion(blender, head, rest)
    peak = int(np.argmax([np.linalg.norm(t - np.eye(3)) for t in turns])) + 1
    blender.context.scene.frame_set(peak)
    assert np.linalg.norm(turns[peak - 1] - np.eye(3)) > 0.05  # held well away from its rest
    _, second = _generate(head, NOD, {"head": RotationTarget("Rig")})
    again = _face_motion(blender, head, rest)
    for before, after in zip(turns, again):
        np.testing.assert_allclose(after, before, atol=2e-5)
    delete_clip(second.action)
    delete_clip(first.action)
    blender.context.scene.frame_set(peak)
    np.testing.assert_allclose(np.array(rig.rotation_euler), np.radians(LYING), atol=1e-6)


ORDERS = ("XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX")


def _orthogonal(angles, mirrored: bool) -> np.ndarray:
    from scipy.spatial.transform import Rotation

    return Rotation.from_euler("xyz", angles).as_matrix() @ np.diag([-1.0 if mirrored else 1.0, 1.0, 1.0])


angle_triples = st.tuples(*(st.floats(-np.pi, np.pi) for _ in range(3)))


@settings(max_examples=60, deadline=None)
@given(parent=angle_triples, parent_mirrored=st.booleans(), face=angle_triples, face_mirrored=st.booleans(),
       rest=st.tuples(*(st.floats(-0.9, 0.9) for _ in range(3))), order=st.sampled_from(ORDERS),
       steps=st.lists(st.tuples(*(st.floats(-0.05, 0.05) for _ in range(3))), min_size=1, max_size=6))
def test_the_written_euler_values_put_the_target_where_the_face_turn_says(parent, parent_mirrored, face, face_mirrored,
                                                                         rest, order, steps):
    """Pure math, any target (turned or mirrored parent, any Euler order) and any face (turned or mirrored): the Euler
    values written, read back as Blender reads them, turn the target in world space by the face's turn, and no
    value jumps between frames (a clip of small steps gives small steps, even across +-pi; the rest is kept away
    from the Euler order's gimbal lock, where any Euler angles must swing)."""
    from mathutils import Euler

    from i2fet_blender.io.rotations import Placement, RotationTarget, euler_values

    parent_matrix, axes = _orthogonal(parent, parent_mirrored), _orthogonal(face, face_mirrored)
    rotations = np.cumsum(np.array(steps), axis=0)
    placement = Placement(RotationTarget("any"), None, "rotation_euler", order, tuple(rest), parent_matrix, axes)
    values = euler_values(placement, rotations)
    rest_matrix = np.array(Euler(rest, order).to_matrix())
    for value, angles in zip(values, rotations):
        world = parent_matrix @ np.array(Euler(value, order).to_matrix())
        wanted = axes @ face_turn(angles) @ np.linalg.inv(axes) @ parent_matrix @ rest_matrix
        np.testing.assert_allclose(world, wanted, atol=1e-6)
    assert np.abs(np.diff(np.vstack([rest, values]), axis=0)).max() < 1.0


@pytest.mark.parametrize("fmt", ["fbx", "glb"])
def test_a_lying_character_s_head_turn_survives_export_and_reimport(blender, face_model, tmp_path, fmt):
    """The panel's head target (the rig a lying character hangs from), written by the Generate button, is carried by
    FBX and glTF: the re-imported head is where Blender shows the original at every checked frame."""
    from scipy.spatial import cKDTree

    from i2fet_blender.io.scene_files import import_fbx, import_gltf
    from tests.character_scene import world_vertices

    parts = build_character(face_model, keyed=False)
    parts["Rig"].rotation_euler = np.radians(LYING)
    settings = blender.context.scene.i2fet
    settings.prompt, settings.duration_unit, settings.frames = NOD, "FRAMES", 30
    settings.use_current_frame, settings.frame_start, settings.head_target = False, 1, parts["Rig"]
    blender.context.view_layer.objects.active = parts["Head"]
    assert blender.ops.i2fet.generate() == {"FINISHED"}
    scene, frames = blender.context.scene, (1, 10, 18, 26)
    shown = {}
    for frame in frames:
        scene.frame_set(frame)
        shown[frame] = world_vertices(parts["Head"])
    assert max(np.abs(v - shown[1]).max() for v in shown.values()) > 1e-3  # the head turns in the clip
    path = tmp_path / f"character.{fmt}"
    operator = blender.ops.i2fet.export_fbx if fmt == "fbx" else blender.ops.i2fet.export_gltf
    assert operator(filepath=str(path)) == {"FINISHED"}
    blender.ops.wm.read_factory_settings(use_empty=True)
    imported = import_fbx(str(path)) if fmt == "fbx" else import_gltf(str(path))
    head = next(obj for obj in imported if obj.type == "MESH" and obj.name.split(".")[0] == "Head")
    for frame in frames:
        scene = blender.context.scene
        scene.frame_set(frame)
        again = world_vertices(head)
        error = max(float(cKDTree(again).query(shown[frame])[0].max()),
                    float(cKDTree(shown[frame]).query(again)[0].max()))
        assert error < 2e-4, (fmt, frame, error)
