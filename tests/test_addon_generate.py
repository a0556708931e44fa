"""Generate as the animator uses it: worker thread, cancel, bad input, data safety, save and reopen.

Module-mode bpy has no event loop, so the modal operator's timer never fires: these tests drive
the pipeline the button uses (collect the request, start the task, wait for the worker, finish on
the main thread), and the modal operator itself with timer and Esc events they feed it.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.addon_helpers import ARKIT_KEYS, USER_ACTION, keyed_head, user_checksum

PROMPT = "a faint smile turning into surprise, then back to neutral"


@pytest.fixture()
def head(blender):
    obj = keyed_head()
    settings = blender.context.scene.i2fet
    settings.prompt = PROMPT
    settings.duration_unit = "FRAMES"
    settings.frames = 48
    return obj


def _generated(bpy):
    return [a for a in bpy.data.actions if a.get("i2fet_generated")]


def test_threaded_generation_writes_only_on_finish(blender, head):
    from i2fet_blender.generate import pipeline
    from i2fet_blender.generate.request import collect_request

    before = user_checksum(head)
    blender.context.scene.frame_current = 7
    job = pipeline.start(collect_request(blender.context))
    assert pipeline.active() is job
    assert job.wait(120), "the worker did not finish"
    assert job.state == "DONE", job.error
    assert _generated(blender) == [], "nothing may be written before the main thread finishes the job"
    written = pipeline.finish(job)
    assert pipeline.active() is None
    action = written.action
    assert (written.frame_start, written.frame_end) == (7, 54)
    assert action["i2fet_prompt"] == PROMPT and action["i2fet_frames"] == 48 and action["i2fet_source"] == "generated"
    assert head.data.shape_keys.animation_data.action == action
    assert user_checksum(head) == before
    assert action["i2fet_previous_action"] == USER_ACTION


def test_cancel_leaves_nothing_behind(blender, head):
    from i2fet_blender.generate import pipeline
    from i2fet_blender.errors import GenerationError
    from i2fet_blender.generate.request import collect_request

    before = user_checksum(head)
    actions_before = set(blender.data.actions.keys())
    job = pipeline.start(collect_request(blender.context))
    job.cancel()
    job.wait(120)
    pipeline.discard(job)
    assert job.state == "CANCELLED"
    with pytest.raises(GenerationError, match="cancelled"):
        pipeline.finish(job)
    assert set(blender.data.actions.keys()) == actions_before
    assert user_checksum(head) == before
    assert pipeline.active() is None


def test_one_job_at_a_time(blender, head):
    from i2fet_blender.generate import pipeline
    from i2fet_blender.errors import GenerationError
    from i2fet_blender.generate.request import collect_request

    job = pipeline.start(collect_request(blender.context))
    try:
        with pytest.raises(GenerationError, match="already being generated"):
            pipeline.start(collect_request(blender.context))
        assert blender.ops.i2fet.generate.poll() is False
    finally:
        job.wait(120)
        pipeline.discard(job)


def test_deleting_the_head_during_generation_writes_nothing(blender, head):
    from i2fet_blender.generate import pipeline
    from i2fet_blender.errors import GenerationError
    from i2fet_blender.generate.request import collect_request

    job = pipeline.start(collect_request(blender.context))
    blender.data.objects.remove(head)
    job.wait(120)
    with pytest.raises(GenerationError, match="deleted while the clip was being generated"):
        pipeline.finish(job)
    assert _generated(blender) == []
    assert pipeline.active() is None


def test_switching_the_active_object_keeps_the_original_target(blender, head):
    from i2fet_blender.generate import pipeline
    from i2fet_blender.generate.request import collect_request

    other = keyed_head("Other", user_data=False)
    blender.context.view_layer.objects.active = head
    job = pipeline.start(collect_request(blender.context))
    blender.context.view_layer.objects.active = other
    head.name = "Renamed Head"
    job.wait(120)
    written = pipeline.finish(job)
    assert head.data.shape_keys.animation_data.action == written.action
    assert other.data.shape_keys.animation_data is None
    assert written.action["i2fet_object"] == "Renamed Head"


def test_edit_mode_at_finish_is_refused(blender, head):
    from i2fet_blender.generate import pipeline
    from i2fet_blender.errors import GenerationError
    from i2fet_blender.generate.request import collect_request

    job = pipeline.start(collect_request(blender.context))
    job.wait(120)
    blender.ops.object.mode_set(mode="EDIT")
    with pytest.raises(GenerationError, match="Edit Mode"):
        pipeline.finish(job)
    blender.ops.object.mode_set(mode="OBJECT")
    assert _generated(blender) == []


def test_operator_reports_bad_input_and_changes_nothing(blender, head):
    blender.ops.object.mode_set(mode="EDIT")
    with pytest.raises(RuntimeError, match="switch to Object Mode"):  # an ERROR report raises in module-mode bpy
        blender.ops.i2fet.generate()
    blender.ops.object.mode_set(mode="OBJECT")  # the round trip through Edit Mode itself rewrites the keys
    before = user_checksum(head)
    settings = blender.context.scene.i2fet
    settings.prompt = "   "
    with pytest.raises(RuntimeError, match="The prompt is empty"):
        blender.ops.i2fet.generate()
    settings.prompt = PROMPT
    blender.context.view_layer.objects.active = None
    with pytest.raises(RuntimeError, match="Select a head mesh"):
        blender.ops.i2fet.generate()
    assert _generated(blender) == [] and user_checksum(head) == before


def test_linked_mesh_is_refused(blender, head, tmp_path):
    library = tmp_path / "library.blend"
    blender.data.libraries.write(str(library), {head})
    with blender.data.libraries.load(str(library), link=True) as (source, target):
        target.objects = ["Head"]
    linked = target.objects[0]
    blender.context.scene.collection.objects.link(linked)
    blender.context.view_layer.objects.active = linked
    assert linked.library is not None
    from i2fet_blender.errors import GenerationError
    from i2fet_blender.generate.request import collect_request

    with pytest.raises(GenerationError, match="linked from another file"):
        collect_request(blender.context)


def test_missing_backend_packages_give_the_fix(blender, head, monkeypatch):
    from i2fet_blender.backend import environment as backend_env
    from i2fet_blender.generate import pipeline
    from i2fet_blender.errors import GenerationError
    from i2fet_blender.generate.request import collect_request

    monkeypatch.setitem(backend_env.REQUIRED, "i2fet_no_such_package", ("i2fet-no-such-package", "a test"))
    with pytest.raises(GenerationError, match="Install Backend Packages") as caught:
        pipeline.start(collect_request(blender.context))
    assert "i2fet_no_such_package" in str(caught.value) and "Traceback" not in str(caught.value)
    with pytest.raises(RuntimeError, match="Preferences > Add-ons > I2FET"):
        blender.ops.i2fet.generate()
    assert pipeline.active() is None


def test_script_path_matches_threaded_path(blender, head):
    from i2fet_blender.generate import pipeline
    from i2fet_blender.clips.store import clip_weights
    from i2fet_blender.generate.request import collect_request
    from ml_backend.naming.arkit import ARKIT_NAMES, canonical_name

    assert blender.ops.i2fet.generate() == {"FINISHED"}
    scripted = head.data.shape_keys.animation_data.action
    job = pipeline.start(collect_request(blender.context))
    job.wait(120)
    threaded = pipeline.finish(job).action
    key = head.data.shape_keys
    a, _ = clip_weights(scripted, key, canonical_name, ARKIT_NAMES)
    b, _ = clip_weights(threaded, key, canonical_name, ARKIT_NAMES)
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert np.abs(a).max() > 0.05


def test_continue_from_current_expression(blender, head):
    from i2fet_blender.generate.request import collect_request, current_expression
    from ml_backend.naming.arkit import INDEX

    key = head.data.shape_keys
    key.key_blocks["mouthSmileLeft"].value = 0.6
    settings = blender.context.scene.i2fet
    settings.continue_from_current = True
    settings.use_current_frame = False
    settings.frame_start = 5
    weights = current_expression(head, 5)
    assert weights[INDEX["jawOpen"]] == pytest.approx(0.4, abs=1e-4)  # the user's action keys jawOpen at 0.4
    assert weights[INDEX["mouthSmileLeft"]] == pytest.approx(0.6, abs=1e-6)
    request = collect_request(blender.context)
    assert request.start_weights is not None and request.frame_start == 5
    assert blender.ops.i2fet.generate() == {"FINISHED"}
    action = key.animation_data.action
    first = {f.data_path: f.evaluate(5) for f in __import__("i2fet_blender.clips.store", fromlist=["x"]).action_fcurves(action)}
    assert first['key_blocks["jawOpen"].value'] == pytest.approx(0.4, abs=0.02)
    key.key_blocks["mouthSmileLeft"].value = 0.0


def test_save_and_reopen_mid_work(blender, head, tmp_path):
    from i2fet_blender.clips.store import clips

    assert blender.ops.i2fet.generate() == {"FINISHED"}
    path = tmp_path / "work.blend"
    blender.ops.wm.save_as_mainfile(filepath=str(path))
    blender.ops.wm.open_mainfile(filepath=str(path))
    reopened = clips()
    assert [a["i2fet_prompt"] for a in reopened] == [PROMPT]
    head = blender.data.objects["Head"]
    blender.context.view_layer.objects.active = head
    before = user_checksum(head)
    assert blender.ops.i2fet.regenerate_clip(clip=reopened[0].name) == {"FINISHED"}
    assert [a["i2fet_seed"] for a in clips()] == [1]
    assert user_checksum(head) == before
    assert set(ARKIT_KEYS) <= set(head.data.shape_keys.key_blocks.keys())
