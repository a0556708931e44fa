"""Whole characters (issue 12): one generation drives every part of a character of several meshes as one clip.

Real bpy scenes built from the ICT face model (``tests.character_scene``): head, teeth and eyes as separate
meshes under an armature, either each with the 52 ARKit keys (a game avatar) or with keyless teeth and eyes
that must turn with the jaw and the gaze.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.character_scene import build_character, world_vertices

PROMPT = "she opens her mouth wide in surprise and looks down"
FRAMES = 36


def _generate(blender, prompt: str = PROMPT, keys: str = "DENSE"):
    """The button's path: the panel's settings, then bpy.ops.i2fet.generate()."""
    settings = blender.context.scene.i2fet
    settings.prompt, settings.duration_unit, settings.frames = prompt, "FRAMES", FRAMES
    settings.use_current_frame, settings.frame_start, settings.key_mode = False, 1, keys
    assert blender.ops.i2fet.generate() == {"FINISHED"}


def _playing(owner):
    anim = owner.animation_data
    return anim.action if anim is not None else None


def _weight(action, channel: str, frame: float) -> float:
    from i2fet_blender.clips.store import action_fcurves

    curves = [f for f in action_fcurves(action) if f.data_path == f'key_blocks["{channel}"].value']
    return curves[0].evaluate(frame) if curves else 0.0


def test_every_keyed_part_plays_the_same_clip_as_one_entry_in_the_clip_list(blender, face_model):
    from i2fet_blender.clips.group import group_of, members
    from i2fet_blender.clips.store import clips

    parts = build_character(face_model, keyed=True)
    _generate(blender)
    assert len(clips()) == 1  # one clip in the list
    clip = clips()[0]
    assert _playing(parts["Head"].data.shape_keys) == clip
    others = {m.get("i2fet_part"): m for m in members(clip)}
    # the model's eyeLook shapes leave its eyeballs still (its gaze is a rotation): the keyed eyes turn as well
    assert set(others) == {"keys:Teeth", "keys:EyeLeft", "keys:EyeRight", "eye_left:EyeLeft", "eye_right:EyeRight"}
    for name in ("Teeth", "EyeLeft", "EyeRight"):
        action = _playing(parts[name].data.shape_keys)
        assert action == others[f"keys:{name}"] and group_of(action) == group_of(clip)
        for channel in ("jawOpen", "eyeLookDownLeft", "eyeBlinkRight"):
            for frame in (1, 12, 24, 36):
                assert _weight(action, channel, frame) == pytest.approx(_weight(clip, channel, frame), abs=1e-6)
    assert max(_weight(clip, "jawOpen", f) for f in range(1, FRAMES + 1)) > 0.3  # the mouth does open
    blender.context.scene.frame_set(24)
    teeth = world_vertices(parts["Teeth"])
    blender.context.scene.frame_set(1)
    assert np.abs(teeth - world_vertices(parts["Teeth"])).max() > 1e-3  # the teeth's own keys moved them


def test_a_naming_preset_on_one_part_is_resolved_for_that_part(blender, face_model):
    """A part whose keys use another naming scheme (Character Creator's) is driven through its own key map."""
    from i2fet_blender.head.key_map import key_map_for

    parts = build_character(face_model, keyed=True)
    teeth = parts["Teeth"]
    preset = _cc4_names()
    for block in teeth.data.shape_keys.key_blocks[1:]:
        if block.name in preset:
            block.name = preset[block.name]
    assert key_map_for(teeth).source == "cc4_extended"
    _generate(blender)
    action = _playing(teeth.data.shape_keys)
    assert action is not None
    cc_jaw = preset["jawOpen"]
    assert max(_weight(action, cc_jaw, f) for f in range(1, FRAMES + 1)) > 0.3


def _cc4_names() -> dict[str, str]:
    """ARKit name -> Character Creator 4's key name (the first, where it splits a channel)."""
    from ml_backend.naming.key_presets import PRESETS

    table = PRESETS["cc4_extended"]
    return {arkit: names if isinstance(names, str) else names[0] for arkit, names in table.items() if names}


def test_keyless_lower_teeth_turn_with_the_jaw_as_the_model_moves_them(blender, face_model):
    """The hinge estimated from the head's jawOpen key carries the lower teeth where the model's own jawOpen
    shape puts them (the model's teeth deltas are the truth); the upper teeth stay."""
    from ml_backend.naming.arkit import INDEX

    from i2fet_blender.clips.store import clips

    parts = build_character(face_model, keyed=False)
    lower, upper = parts["LowerTeeth"], parts["UpperTeeth"]
    rest_lower, rest_upper = world_vertices(lower), world_vertices(upper)
    _generate(blender)
    clip = clips()[0]
    jaw = np.array([_weight(clip, "jawOpen", f) for f in range(1, FRAMES + 1)])
    frame = int(np.argmax(jaw)) + 1
    assert jaw.max() > 0.3
    blender.context.scene.frame_set(frame)
    moved = world_vertices(lower)
    ids = np.array(lower["model_vertices"])
    truth_local = face_model.neutral[ids] + jaw.max() * face_model.deltas[INDEX["jawOpen"]][ids]
    rest_matrix = np.array(parts["Head"].matrix_world, np.float64)  # where the teeth stand at rest (as the head)
    truth = truth_local @ rest_matrix[:3, :3].T + rest_matrix[:3, 3]
    shift = np.linalg.norm(truth - rest_lower, axis=1)
    error = np.linalg.norm(moved - truth, axis=1)
    assert shift.mean() > 0.005  # half a centimetre at least: a real opening
    assert error.mean() < 0.2 * shift.mean(), (error.mean(), shift.mean())
    assert (moved - rest_lower)[:, 2].mean() < 0  # the jaw drops
    np.testing.assert_allclose(world_vertices(upper), rest_upper, atol=1e-6)


def test_keyless_eyes_turn_as_their_eyelook_weights_say(blender, face_model):
    from i2fet_blender.clips.store import clips

    parts = build_character(face_model, keyed=False)
    eyes = {side: parts[f"Eye{side}"] for side in ("Left", "Right")}
    rest = {side: world_vertices(eye) for side, eye in eyes.items()}
    _generate(blender, "she looks down at the floor")
    clip = clips()[0]
    down = np.array([_weight(clip, "eyeLookDownLeft", f) for f in range(1, FRAMES + 1)])
    frame = int(np.argmax(down)) + 1
    assert down.max() > 0.2
    blender.context.scene.frame_set(frame)
    for side, eye in eyes.items():
        now = world_vertices(eye)
        center = rest[side].mean(axis=0)
        forward_rest = rest[side][np.argmin(rest[side][:, 1])] - center  # the front-most point (face looks along -Y)
        forward_now = now[np.argmin(rest[side][:, 1])] - center
        pitch = np.arctan2(-forward_now[2], -forward_now[1]) - np.arctan2(-forward_rest[2], -forward_rest[1])
        assert pitch > np.radians(5), (side, np.degrees(pitch))  # it looks down
        pivot = (rest[side].min(axis=0) + rest[side].max(axis=0)) / 2  # turned about its own centre, not moved away
        np.testing.assert_allclose(np.linalg.norm(now - pivot, axis=1), np.linalg.norm(rest[side] - pivot, axis=1),
                                   atol=1e-5)


def test_clip_edits_apply_to_every_part(blender, face_model):
    """Push to NLA, mute, regenerate and delete act on the whole character's clip, through the clip list's buttons."""
    from i2fet_blender.clips.group import group_of, strips_of, whole_clip
    from i2fet_blender.clips.store import clips

    parts = build_character(face_model, keyed=False)
    _generate(blender)
    clip = clips()[0]
    old_group = group_of(clip)
    assert len(whole_clip(clip)) == 4  # head keys, lower teeth, two eyes
    assert blender.ops.i2fet.push_clip_to_nla(clip=clip.name) == {"FINISHED"}
    strips = strips_of(whole_clip(clip))
    assert len(strips) == 4 and len({s.name for s in strips}) == 1  # one strip per part, named as the clip
    assert all(_playing(p) is None for p in (parts["Head"].data.shape_keys, parts["LowerTeeth"], parts["EyeLeft"]))
    assert blender.ops.i2fet.mute_clip(clip=clip.name, mute=True) == {"FINISHED"}
    assert all(s.mute for s in strips_of(whole_clip(clip)))
    assert blender.ops.i2fet.mute_clip(clip=clip.name, mute=False) == {"FINISHED"}
    assert not any(s.mute for s in strips_of(whole_clip(clip)))
    name = clip.name
    assert blender.ops.i2fet.regenerate_clip(clip=name, seed=5) == {"FINISHED"}
    assert [a.name for a in clips()] == [name]
    new = clips()[0]
    assert new.get("i2fet_seed") == 5 and group_of(new) != old_group
    assert not [a for a in blender.data.actions if a.get("i2fet_clip_group") == old_group]
    assert len(strips_of(whole_clip(new))) == 4  # the new take sits on the NLA where the old one was
    assert blender.ops.i2fet.delete_clip(clip=name) == {"FINISHED"}
    assert not [a for a in blender.data.actions if a.get("i2fet_generated")]
    assert not strips_of(list(blender.data.actions))


def test_scale_intensity_turns_the_parts_less(blender, face_model):
    from i2fet_blender.clips.store import clips

    parts = build_character(face_model, keyed=False)
    lower = parts["LowerTeeth"]
    rest = world_vertices(lower)
    _generate(blender)
    clip = clips()[0]
    jaw = np.array([_weight(clip, "jawOpen", f) for f in range(1, FRAMES + 1)])
    frame = int(np.argmax(jaw)) + 1
    blender.context.scene.frame_set(frame)
    full = np.linalg.norm(world_vertices(lower) - rest, axis=1).mean()
    assert blender.ops.i2fet.scale_clip(clip=clip.name, factor=0.5) == {"FINISHED"}
    blender.context.scene.frame_set(1)
    blender.context.scene.frame_set(frame)
    half = np.linalg.norm(world_vertices(lower) - rest, axis=1).mean()
    assert half == pytest.approx(full / 2, rel=0.05)
    from i2fet_blender.clips.group import whole_clip

    assert blender.ops.i2fet.retime_clip(clip=clip.name, frame_start=101, frames=2 * FRAMES) == {"FINISHED"}
    assert {tuple(a.frame_range) for a in whole_clip(clip)} == {(101.0, 100.0 + 2 * FRAMES)}  # every part retimed
    blender.context.scene.frame_set(101 + 2 * (frame - 1))
    assert np.linalg.norm(world_vertices(lower) - rest, axis=1).mean() == pytest.approx(half, rel=0.1)


def test_two_heads_in_one_collection_stay_two_characters(blender, face_model):
    """Grouping by collection keeps only meshes that overlap the head: a second head beside it is not driven."""
    from tests.character_scene import build_part, HEAD_MATERIALS, _faces_of

    collection = blender.data.collections.new("Characters")
    blender.context.scene.collection.children.link(collection)
    heads = []
    for index in range(2):
        head = build_part(f"Head{index}", face_model, _faces_of(face_model, HEAD_MATERIALS), True)
        head.location.x = index * 0.5
        blender.context.scene.collection.objects.unlink(head)
        collection.objects.link(head)
        heads.append(head)
    eye = build_part("Eye.L", face_model, _faces_of(face_model, ("M_ScleraLeft", "M_IrisLeft")), False)
    blender.context.scene.collection.objects.unlink(eye)
    collection.objects.link(eye)
    marker = blender.data.objects.new("Chin marker", None)  # a landmark empty below the head does not make a rig
    collection.objects.link(marker)
    marker.parent = heads[0]
    blender.context.view_layer.objects.active = heads[0]
    blender.context.view_layer.update()
    _generate(blender)
    assert heads[1].data.shape_keys.animation_data is None
    assert eye.animation_data is not None and eye.animation_data.action is not None


def test_whole_character_off_drives_the_active_mesh_alone(blender, face_model):
    parts = build_character(face_model, keyed=True)
    blender.context.scene.i2fet.whole_character = False
    _generate(blender)
    assert _playing(parts["Head"].data.shape_keys) is not None
    assert parts["Teeth"].data.shape_keys.animation_data is None


def test_eye_targets_chosen_in_the_panel_win_and_their_rotations_belong_to_the_clip(blender, face_model):
    """With eye bones chosen as the panel's eye targets, the keyless eyeballs are not turned a second time; the
    bones' rotation actions are part of the clip and go when it is deleted."""
    from i2fet_blender.clips.group import whole_clip
    from i2fet_blender.clips.store import clips

    parts = build_character(face_model, keyed=False)
    rig = parts["Rig"]
    blender.context.view_layer.objects.active = rig
    blender.ops.object.mode_set(mode="EDIT")
    for side, x in (("L", 0.03), ("R", -0.03)):
        bone = rig.data.edit_bones.new(f"eye.{side}")
        bone.head, bone.tail = (x, -0.08, 0.17), (x, -0.1, 0.17)
    blender.ops.object.mode_set(mode="OBJECT")
    for bone in rig.pose.bones:
        bone.rotation_mode = "XYZ"
    settings = blender.context.scene.i2fet
    settings.eye_left, settings.eye_left_bone = rig, "eye.L"
    settings.eye_right, settings.eye_right_bone = rig, "eye.R"
    blender.context.view_layer.objects.active = parts["Head"]
    _generate(blender)
    clip = clips()[0]
    assert {m.get("i2fet_part") for m in whole_clip(clip)} == {
        "keys:Head", "jaw:LowerTeeth", "rotation:Rig:eye.L", "rotation:Rig:eye.R"}
    assert parts["EyeLeft"].animation_data is None and parts["EyeRight"].animation_data is None
    assert blender.ops.i2fet.delete_clip(clip=clip.name) == {"FINISHED"}
    assert not [a for a in blender.data.actions if a.get("i2fet_generated")]
    assert rig.animation_data.action is None


def test_a_head_without_a_jawopen_key_still_opens_the_keyless_jaw_and_says_how(blender, face_model):
    from ml_backend.naming.arkit import INDEX

    from i2fet_blender.generate.pipeline import generate_on_object

    parts = build_character(face_model, keyed=False)
    parts["Head"].data.shape_keys.key_blocks["jawOpen"].name = "MyJaw"  # not an ARKit spelling: no jawOpen key
    lower = parts["LowerTeeth"]
    rest = world_vertices(lower)
    result = generate_on_object(parts["Head"], PROMPT, FRAMES, 1, 24.0)
    assert "jaw hinge guessed from 'Head''s bounds" in result.message()
    jaw = result.weights[:, INDEX["jawOpen"]]
    blender.context.scene.frame_set(int(np.argmax(jaw)) + 1)
    drop = (world_vertices(lower) - rest)[:, 2].mean()
    assert drop < -0.003  # the lower teeth go down by millimetres when the jaw opens


def test_a_posed_part_is_not_taken_for_its_rest(blender, face_model):
    """Bugs found while measuring: a second clip written while the first one held the teeth open took the open
    pose for the teeth's rest (the jaw opened twice as far), and deleting a clip left the teeth where its last
    frame put them. Both now go from the rest the clip stored."""
    from ml_backend.naming.arkit import INDEX

    from i2fet_blender.clips.edit import delete_clip
    from i2fet_blender.generate.pipeline import generate_on_object

    parts = build_character(face_model, keyed=False)
    lower, eye = parts["LowerTeeth"], parts["EyeLeft"]
    rest = {obj.name: world_vertices(obj) for obj in (lower, eye)}
    scene = blender.context.scene
    first = generate_on_object(parts["Head"], PROMPT, FRAMES, 1, 24.0, seed=3)
    peak = int(np.argmax(first.weights[:, INDEX["jawOpen"]])) + 1
    scene.frame_set(peak)
    posed = {obj.name: world_vertices(obj) for obj in (lower, eye)}
    assert np.abs(posed[lower.name] - rest[lower.name]).max() > 0.005
    second = generate_on_object(parts["Head"], PROMPT, FRAMES, 1, 24.0, seed=3)  # same take, written while posed
    scene.frame_set(1)
    scene.frame_set(peak)
    for obj in (lower, eye):
        np.testing.assert_allclose(world_vertices(obj), posed[obj.name], atol=1e-5)
    delete_clip(second.action)
    delete_clip(first.action)
    for obj in (lower, eye):
        np.testing.assert_allclose(world_vertices(obj), rest[obj.name], atol=1e-6)


def test_a_head_target_posed_by_an_earlier_clip_keeps_its_rest(blender, face_model):
    """The same bug for the panel's head target: a second clip started from the turn the first one held."""
    from dataclasses import replace

    from i2fet_blender.clips.edit import delete_clip
    from i2fet_blender.generate.pipeline import run
    from i2fet_blender.generate.request import request_for_object
    from i2fet_blender.io.rotations import RotationTarget

    parts = build_character(face_model, keyed=False)
    pivot = blender.data.objects.new("HeadPivot", None)
    blender.context.scene.collection.objects.link(pivot)
    request = replace(request_for_object(parts["Head"], PROMPT, FRAMES, 1, 24.0, seed=2),
                      motion={"head": RotationTarget("HeadPivot")})
    first = run(request)
    scene = blender.context.scene
    turns = []
    for frame in range(1, FRAMES + 1):
        scene.frame_set(frame)
        turns.append(np.array(pivot.rotation_euler))
    peak = int(np.argmax(np.abs(np.array(turns)).sum(axis=1))) + 1
    scene.frame_set(peak)
    held = np.array(pivot.rotation_euler)
    assert np.abs(held).max() > 1e-3
    second = run(request)
    assert pivot.animation_data.action.get("i2fet_clip_group") == second.action.get("i2fet_clip_group")
    scene.frame_set(1)
    scene.frame_set(peak)
    np.testing.assert_allclose(np.array(pivot.rotation_euler), held, atol=1e-5)
    delete_clip(second.action)
    delete_clip(first.action)
    np.testing.assert_allclose(np.array(pivot.rotation_euler), 0.0, atol=1e-7)


@pytest.mark.parametrize("keyed", [True, False], ids=["keyed parts", "keyless parts"])
def test_one_generate_detects_each_list_of_key_names_once(blender, face_model, monkeypatch, keyed):
    """Bug: the naming-scheme detection (``detect_scheme``, ~8 ms) ran twice per Generate for the head alone and
    up to three times for each keyed part (request, character check, write). Now each mesh's key map is resolved
    once when the request is made and carried to the writer, and a list of key names already detected (another
    part with the same keys, the panel's last redraw, the last Generate) is not detected again."""
    import ml_backend.naming.key_presets as presets

    from i2fet_blender.backend import bridge
    from i2fet_blender.head.key_map import detected_scheme
    from i2fet_blender.io.shape_keys import shape_key_names

    assert bridge.key_presets() is presets
    calls: list[tuple[str, ...]] = []
    real = presets.detect_scheme

    def counted(names):
        calls.append(tuple(names))
        return real(names)

    parts = build_character(face_model, keyed=keyed)
    name_lists = {tuple(shape_key_names(obj)) for obj in parts.values() if obj.type == "MESH"}
    assert len(name_lists) == (1 if keyed else 2)  # the parts share the head's keys, or have none
    monkeypatch.setattr(presets, "detect_scheme", counted)
    detected_scheme.cache_clear()
    _generate(blender)
    assert sorted(calls) == sorted(name_lists)  # each list once
    calls.clear()
    blender.context.scene.i2fet.whole_character = False
    _generate(blender)
    blender.context.scene.i2fet.whole_character = True
    _generate(blender)
    assert calls == []


def test_keys_renamed_while_the_clip_is_computed_are_read_again(blender, face_model):
    """The key map carried by the request is used only while the mesh's keys are the ones it was resolved from:
    a key renamed between the request and the write is written under its new name."""
    from i2fet_blender.generate.pipeline import run
    from i2fet_blender.generate.request import request_for_object

    parts = build_character(face_model, keyed=True)
    request = request_for_object(parts["Head"], PROMPT, FRAMES, 1, 24.0)
    for obj in (parts["Head"], parts["Teeth"]):
        obj.data.shape_keys.key_blocks["jawOpen"].name = "jaw_open"  # another ARKit spelling of the channel
    run(request)
    for obj in (parts["Head"], parts["Teeth"]):
        action = _playing(obj.data.shape_keys)
        assert max(_weight(action, "jaw_open", f) for f in range(1, FRAMES + 1)) > 0.3, obj.name
