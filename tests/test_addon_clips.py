"""Clips: listed with their prompts, renamed, deleted, regenerated, scaled, retimed and sequenced on the NLA.

Every operator runs against a head that also carries the user's own key, action and NLA track:
their checksum must not change.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.addon_helpers import USER_ACTION, USER_TRACK, keyed_head

SMILE = "a big smile"
SURPRISE = "surprise, then back to neutral"


@pytest.fixture()
def head(blender):
    obj = keyed_head()
    settings = blender.context.scene.i2fet
    settings.duration_unit = "FRAMES"
    settings.frames = 40
    settings.use_current_frame = False
    return obj


def _generate(bpy, prompt: str, start: int = 1):
    settings = bpy.context.scene.i2fet
    settings.prompt, settings.frame_start = prompt, start
    assert bpy.ops.i2fet.generate() == {"FINISHED"}
    return bpy.data.actions[bpy.context.scene.i2fet.clip_index]


def _values(action) -> dict[str, np.ndarray]:
    from i2fet_blender.clips.store import action_fcurves

    out = {}
    for fcurve in action_fcurves(action):
        points = np.empty(len(fcurve.keyframe_points) * 2, np.float32)
        fcurve.keyframe_points.foreach_get("co", points)
        out[fcurve.data_path] = points.reshape(-1, 2)
    return out


def _evaluated(action, frames: np.ndarray) -> dict[str, np.ndarray]:
    """What each of the clip's curves shows at ``frames`` (sparse keys: the curve, not its keys)."""
    from i2fet_blender.clips.store import action_fcurves

    return {fcurve.data_path: np.array([fcurve.evaluate(float(f)) for f in frames]) for fcurve in action_fcurves(action)}


def test_clip_list_shows_only_clips_with_prompts(blender, head):
    from i2fet_blender.ui.clip_ops import I2FET_UL_clips
    from i2fet_blender.clips.store import clips

    smile = _generate(blender, SMILE)
    assert blender.context.scene.i2fet.recent_prompts[0].text == SMILE
    surprise = _generate(blender, SURPRISE, 41)
    assert [a.name for a in clips()] == [smile.name, surprise.name]
    assert [item.text for item in blender.context.scene.i2fet.recent_prompts][:2] == [SURPRISE, SMILE]
    flags, _ = I2FET_UL_clips.filter_items(type("L", (), {"filter_name": "", "bitflag_filter_item": 1})(),
                                           blender.context, blender.data, "actions")
    shown = [a.name for a, flag in zip(blender.data.actions, flags) if flag]
    assert shown == [smile.name, surprise.name] and USER_ACTION not in shown


def test_every_clip_operator_keeps_user_data(blender, head, tmp_path, checksum):
    before = checksum(user_only=True)
    smile = _generate(blender, SMILE)
    assert checksum(user_only=True) == before
    name = smile.name
    steps = [
        lambda: blender.ops.i2fet.scale_clip(clip=name, factor=0.5),
        lambda: blender.ops.i2fet.retime_clip(clip=name, frame_start=11, frames=30),
        lambda: blender.ops.i2fet.rename_clip(clip=name, name="Smile Take"),
        lambda: blender.ops.i2fet.regenerate_clip(clip="Smile Take", seed=7),
        lambda: blender.ops.i2fet.export_livelink_csv(clip="Smile Take", filepath=str(tmp_path / "take.csv")),
        lambda: blender.ops.i2fet.import_livelink_csv(filepath=str(tmp_path / "take.csv")),
        lambda: blender.ops.i2fet.push_clip_to_nla(clip="Smile Take"),
        lambda: blender.ops.i2fet.play_clip(clip="Smile Take"),
        lambda: blender.ops.i2fet.delete_clip(clip="Smile Take"),
    ]
    for step in steps:
        assert step() == {"FINISHED"}
        assert checksum(user_only=True) == before
    assert head.data.shape_keys.animation_data.nla_tracks[USER_TRACK].strips[0].action.name == "UserNLA"


def test_scale_and_retime(blender, head):
    clip = _generate(blender, SMILE, 5)
    original = _values(clip)
    assert blender.ops.i2fet.scale_clip(clip=clip.name, factor=0.5) == {"FINISHED"}
    scaled = _values(clip)
    for path, points in original.items():  # sparse Bézier keys (the default): keys and handles scale together
        np.testing.assert_allclose(scaled[path][:, 1], np.clip(points[:, 1] * 0.5, 0, 1), atol=1e-6)
    assert clip["i2fet_intensity"] == pytest.approx(0.5)
    old_times = np.linspace(5, 44, 80)  # twice as long: frame 101 + k shows what the curve showed at old_times[k]
    before = _evaluated(clip, old_times)
    assert blender.ops.i2fet.retime_clip(clip=clip.name, frame_start=101, frames=80) == {"FINISHED"}
    retimed = _values(clip)
    after = _evaluated(clip, np.arange(101, 181))
    for path, curve in before.items():
        new = retimed[path]
        assert len(new) == len(scaled[path]), "the keys move in time: still editable, none added"
        assert new[0, 0] == pytest.approx(101) and new[-1, 0] == pytest.approx(180)
        np.testing.assert_allclose(after[path], curve, atol=1e-5)
    assert (clip["i2fet_frame_start"], clip["i2fet_frames"]) == (101, 80)


def test_nla_sequences_and_blends_clips(blender, head):
    from i2fet_blender.clips.store import action_fcurves

    key = head.data.shape_keys
    smile = _generate(blender, SMILE, 1)
    assert blender.ops.i2fet.push_clip_to_nla(clip=smile.name) == {"FINISHED"}
    assert key.animation_data.action.name == USER_ACTION, "the user's action plays again after the push"
    surprise = _generate(blender, SURPRISE, 41)
    blender.ops.i2fet.push_clip_to_nla(clip=surprise.name)
    overlapping = _generate(blender, SMILE, 30)
    blender.ops.i2fet.push_clip_to_nla(clip=overlapping.name)
    ours = [t for t in key.animation_data.nla_tracks if t.name.startswith("I2FET")]
    assert [[s.action.name for s in t.strips] for t in ours] == [[smile.name, surprise.name], [overlapping.name]]
    assert ours[1].strips[0].blend_in == pytest.approx(10) and ours[0].strips[0].blend_in == 0
    if hasattr(ours[0].strips[0], "action_slot"):
        assert all(s.action_slot is not None for t in ours for s in t.strips)
    key.animation_data.action = None
    blender.context.scene.frame_set(20)
    assert key.key_blocks["mouthSmileLeft"].value > 0.05, "the smile strip drives the face through the NLA"
    for frame, clip, channel in ((20, smile, "mouthSmileLeft"), (75, surprise, "jawOpen")):  # one strip active
        blender.context.scene.frame_set(frame)
        wanted = [f for f in action_fcurves(clip) if f.data_path == f'key_blocks["{channel}"].value'][0].evaluate(frame)
        assert key.key_blocks[channel].value == pytest.approx(wanted, abs=1e-4)
    blender.ops.i2fet.delete_clip(clip=overlapping.name)
    assert [t.name for t in key.animation_data.nla_tracks].count("I2FET Clips") == 1


def test_regenerate_replaces_the_clip_in_place(blender, head):
    clip = _generate(blender, SMILE, 1)
    blender.ops.i2fet.rename_clip(clip=clip.name, name="Keeper")
    blender.ops.i2fet.push_clip_to_nla(clip="Keeper")
    assert blender.ops.i2fet.regenerate_clip(clip="Keeper") == {"FINISHED"}
    new = blender.data.actions["Keeper"]
    assert new["i2fet_seed"] == 1 and new["i2fet_prompt"] == SMILE
    strips = [s for t in head.data.shape_keys.animation_data.nla_tracks for s in t.strips if s.action == new]
    assert len(strips) == 1
    assert sum(1 for a in blender.data.actions if a.get("i2fet_generated")) == 1


def test_delete_restores_the_previous_action(blender, head):
    clip = _generate(blender, SMILE)
    key = head.data.shape_keys
    assert key.animation_data.action == clip
    blender.ops.i2fet.delete_clip(clip=clip.name)
    assert key.animation_data.action.name == USER_ACTION
    assert key.animation_data.action_slot is not None if hasattr(key.animation_data, "action_slot") else True
    blender.context.scene.frame_set(10)
    assert key.key_blocks["MyCorrective"].value == pytest.approx(0.7, abs=1e-4)


# Named by characters ("I2FET " + the prompt, cut at 63 characters), this clip's 63rd byte falls inside
# the three-byte "—", where Blender cut the NLA strip's name.
LONG_PROMPT = "a faint smile that slowly turns into wide-eyed surprise — 驚きの顔, then calm again"


def test_a_long_non_ascii_prompt_on_the_nla_keeps_readable_names_and_regenerates(blender, head):
    naive = (("I2FET " + LONG_PROMPT)[:62] + "…").encode("utf-8")[:63]
    with pytest.raises(UnicodeDecodeError):  # the prompt exercises the bug: a byte cut splits a character
        naive.decode("utf-8")
    clip = _generate(blender, LONG_PROMPT, 1)
    assert len(clip.name.encode("utf-8")) <= 63 and clip.name.endswith("…")
    assert blender.ops.i2fet.push_clip_to_nla(clip=clip.name) == {"FINISHED"}
    key = head.data.shape_keys
    strips = [s for t in key.animation_data.nla_tracks if t.name.startswith("I2FET") for s in t.strips]
    assert len(strips) == 1
    name = strips[0].name  # raised UnicodeDecodeError when the name was cut inside a character
    assert len(name.encode("utf-8")) <= 63 and LONG_PROMPT.startswith(name.removeprefix("I2FET ").rstrip("…"))
    assert blender.ops.i2fet.regenerate_clip(clip=clip.name) == {"FINISHED"}
    regenerated = [a for a in blender.data.actions if a.get("i2fet_generated")]
    assert len(regenerated) == 1 and regenerated[0]["i2fet_prompt"] == LONG_PROMPT and regenerated[0]["i2fet_seed"] == 1
    strips = [s for t in key.animation_data.nla_tracks if t.name.startswith("I2FET") for s in t.strips]
    assert [s.action for s in strips] == regenerated and strips[0].name == name


@given(st.text(max_size=120))
def test_blender_names_fit_63_bytes_on_a_character_boundary(text):
    from i2fet_blender.clips.store import ELLIPSIS, MAX_NAME_BYTES, blender_name

    name = blender_name(text)
    encoded = name.encode("utf-8")
    assert len(encoded) <= MAX_NAME_BYTES
    if len(text.encode("utf-8")) <= MAX_NAME_BYTES:
        assert name == text
    else:
        assert name.endswith(ELLIPSIS) and text.startswith(name[: -len(ELLIPSIS)].rstrip())
