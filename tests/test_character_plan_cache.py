"""The Character Parts panel remembers its plan between redraws and sees every change at once (issue 12).

Before, every redraw recomputed the plan (3-23 ms on the 17,000-vertex head: key maps, the face's axes from its
keys). Now ``generate.parts.shown_plan`` keeps it under a key read without looking at any vertex (the character's
meshes, their key names, mapping tables and places, the head's landmarks, the panel's targets), and a geometry edit
reaches it through the depsgraph. No clock: nothing here depends on how long anything takes.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from tests.character_scene import _faces_of, build_character, build_part


def _draw(blender) -> list[str]:
    """The Character Parts panel drawn once, as the labels it shows."""
    from i2fet_blender.ui.panels import I2FET_PT_character
    from tests.addon_helpers import RecordingLayout

    log: list = []
    I2FET_PT_character.draw(SimpleNamespace(layout=RecordingLayout(log)), blender.context)
    return [kwargs.get("text", "") for name, _, kwargs in log if name == "label"]


def _computed() -> int:
    from i2fet_blender.generate.parts import _remembered_plan

    return _remembered_plan.cache_info().misses


def test_a_redraw_with_nothing_changed_does_not_recompute_and_every_change_is_seen_at_once(blender, face_model):
    parts = build_character(face_model, keyed=False)
    head, rig = parts["Head"], parts["Rig"]
    before = _computed()
    shown = _draw(blender)
    assert _computed() == before + 1 and "LowerTeeth" in shown
    for _ in range(3):
        assert _draw(blender) == shown
    assert _computed() == before + 1  # three redraws, nothing recomputed

    build_part("Brows", face_model, _faces_of(face_model, ("M_EyeLashes",)), True, rig)  # a new keyed part
    with_brows = _draw(blender)
    assert "Brows" in with_brows and _computed() == before + 2

    head.shape_key_remove(head.data.shape_keys.key_blocks["jawOpen"])  # a removed key
    assert any("guessed from the head's bounds" in text for text in _draw(blender))

    blender.context.scene.i2fet.eye_left = parts["EyeLeft"]  # a target chosen in the panel
    assert any("head or eye target turns it" in text for text in _draw(blender))

    blender.data.objects.remove(blender.data.objects["Brows"])  # a removed part
    assert "Brows" not in _draw(blender)

    blender.context.scene.i2fet.whole_character = False
    assert any("Whole Character is off" in text for text in _draw(blender))
    settled = _computed()
    _draw(blender)
    assert _computed() == settled


def test_a_part_moved_with_the_whole_character_keeps_the_plan_and_one_moved_alone_is_seen(blender, face_model):
    """An eye named without a side is sided by where it sits along the face's left: moving the whole character
    changes nothing the plan shows, so nothing is recomputed; moving the eye across the face is seen at once."""
    parts = build_character(face_model, keyed=False)
    parts["EyeLeft"].name, parts["EyeRight"].name = "Eyeball", "Eyeball.001"
    first = _draw(blender)
    before = _computed()
    parts["Rig"].location = (3.0, -2.0, 1.0)
    parts["Rig"].rotation_euler = np.radians((0.0, 0.0, 90.0))
    blender.context.view_layer.update()
    assert _draw(blender) == first and _computed() == before
    eye = parts["EyeLeft"]  # named "Eyeball" now
    eye.location.x -= 0.07  # the left eye now sits on the face's right, beside the other one
    blender.context.view_layer.update()
    moved = _draw(blender)
    assert moved != first and _computed() == before + 1
    assert sum("turns as the right eye" in text for text in moved) == 1  # one right eye; the other is a duplicate


def test_a_sculpted_key_reaches_the_plan_through_the_depsgraph(blender, face_model):
    """An eyeball whose own eyeLook keys do not move it turns with the gaze; once one of them is sculpted to move it,
    the plan says its keys play the gaze: the key names did not change, the depsgraph update tells the plan."""
    parts = build_character(face_model, keyed=True)
    eye = parts["EyeLeft"]
    assert any("turns as the left eye" in text for text in _draw(blender))
    block = eye.data.shape_keys.key_blocks["eyeLookInLeft"]
    coords = np.empty(len(block.data) * 3, np.float32)
    block.data.foreach_get("co", coords)
    block.data.foreach_set("co", coords + 0.5)
    eye.data.update()
    blender.context.view_layer.update()
    assert not any("turns as the left eye" in text for text in _draw(blender))
