"""Generate, cancel and prompt operators; thin: read properties, call plain functions, report.

Generate runs in two ways. From a button (invoke) it starts the backend in a worker thread and
waits in a modal timer, so Blender stays responsive; Esc or the Cancel button stop it. From a
script (``bpy.ops.i2fet.generate()``, execute) it runs the same functions synchronously.
Either way the keys are written on the main thread in one step, which is one undo step.
"""

from __future__ import annotations

import bpy
from bpy.props import IntProperty, StringProperty

from . import bridge, jobs
from .clip_store import is_clip
from .generation import GenerationError
from .requests import request_for_regenerate, request_from_panel

TIMER_SECONDS = 0.1


def selected_clip(context: bpy.types.Context, name: str = "") -> bpy.types.Action | None:
    """The clip named ``name``, else the one selected in the panel's clip list."""
    if name:
        action = bpy.data.actions.get(name)
        return action if is_clip(action) else None
    index = context.scene.i2fet.clip_index
    if 0 <= index < len(bpy.data.actions):
        action = bpy.data.actions[index]
        return action if is_clip(action) else None
    return None


def written_message(written) -> str:
    message = f"Generated '{written.action.name}', frames {written.frame_start}-{written.frame_end}"
    if written.created_keys:
        message += f"; created {len(written.created_keys)} shape keys"
    if written.missing_channels:
        message += f"; the mesh has no shape keys for: {', '.join(written.missing_channels)}"
    return message


def _redraw(context: bpy.types.Context) -> None:
    for window in context.window_manager.windows:
        for area in window.screen.areas:
            if area.type in {"VIEW_3D", "PREFERENCES"}:
                area.tag_redraw()


def _status(context: bpy.types.Context, text: str | None) -> None:
    workspace = context.workspace
    if workspace is not None and hasattr(workspace, "status_text_set"):
        workspace.status_text_set(text)


class _GenerateBase:
    """Shared modal machinery of Generate and Regenerate."""

    bl_options = {"REGISTER", "UNDO"}
    _timer = None
    _job = None

    def make_request(self, context) -> jobs.GenerationRequest:
        raise NotImplementedError

    @classmethod
    def poll(cls, context):
        return jobs.active_job() is None

    def execute(self, context):
        try:
            job = jobs.start_generation(self.make_request(context), threaded=False)
            written = jobs.finish_generation(job)
        except GenerationError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        return self._done(context, job, written)

    def invoke(self, context, event):
        try:
            self._job = jobs.start_generation(self.make_request(context))
        except GenerationError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        manager = context.window_manager
        self._timer = manager.event_timer_add(TIMER_SECONDS, window=context.window)
        manager.modal_handler_add(self)
        _status(context, "I2FET: generating... (Esc to cancel)")
        return {"RUNNING_MODAL"}

    def modal(self, context, event):
        job = self._job
        if event.type == "ESC" and event.value == "PRESS":
            job.cancel()
        elif event.type != "TIMER":
            return {"PASS_THROUGH"}
        _status(context, f"I2FET: {job.stage} ({job.elapsed:.0f} s) - Esc to cancel")
        _redraw(context)
        if job.cancelled:
            self._stop(context)
            jobs.discard(job)
            self.report({"INFO"}, "Generation cancelled; nothing was changed.")
            return {"CANCELLED"}
        if not job.worker_done:
            return {"PASS_THROUGH"}
        self._stop(context)
        try:
            written = jobs.finish_generation(job)
        except GenerationError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        return self._done(context, job, written)

    def _stop(self, context) -> None:
        if self._timer is not None:
            context.window_manager.event_timer_remove(self._timer)
            self._timer = None
        _status(context, None)
        _redraw(context)

    def _done(self, context, job, written):
        settings = context.scene.i2fet
        settings.last_summary = job.summary
        settings.remember_prompt(job.request.prompt)
        index = bpy.data.actions.find(written.action.name)
        if index >= 0:
            settings.clip_index = index
        self.report({"INFO"}, written_message(written))
        return {"FINISHED"}


class I2FET_OT_generate(_GenerateBase, bpy.types.Operator):
    """Turn the prompt into keyframed expressions on the active head mesh (a new clip)"""

    bl_idname = "i2fet.generate"
    bl_label = "Generate"

    def make_request(self, context):
        return request_from_panel(context)


class I2FET_OT_regenerate_clip(_GenerateBase, bpy.types.Operator):
    """Generate the selected clip again with another variation seed; the new take replaces it"""

    bl_idname = "i2fet.regenerate_clip"
    bl_label = "Regenerate"

    clip: StringProperty(name="Clip", description="Clip action to regenerate (empty: the selected clip)", default="")
    seed: IntProperty(name="Seed", description="Variation seed (-1: the clip's seed plus one)", default=-1, min=-1)

    def make_request(self, context):
        action = selected_clip(context, self.clip)
        if action is None:
            raise GenerationError("Select a clip in the I2FET clip list first.")
        seed = self.seed if self.seed >= 0 else int(action.get("i2fet_seed", 0)) + 1
        return request_for_regenerate(context, action, seed)


class I2FET_OT_cancel_generation(bpy.types.Operator):
    """Stop the running generation; nothing is written"""

    bl_idname = "i2fet.cancel_generation"
    bl_label = "Cancel"

    @classmethod
    def poll(cls, context):
        return jobs.active_job() is not None

    def execute(self, context):
        job = jobs.active_job()
        if job is not None:
            job.cancel()
        return {"FINISHED"}


class I2FET_OT_use_prompt(bpy.types.Operator):
    """Put this prompt into the prompt field"""

    bl_idname = "i2fet.use_prompt"
    bl_label = "Use Prompt"
    bl_options = {"INTERNAL"}

    text: StringProperty(name="Prompt", description="The prompt to use")

    def execute(self, context):
        context.scene.i2fet.prompt = self.text
        return {"FINISHED"}


class I2FET_OT_add_default_head(bpy.types.Operator):
    """Add the ICT FaceKit head, ready for generation"""

    bl_idname = "i2fet.add_default_head"
    bl_label = "Add Default Head"
    bl_options = {"REGISTER", "UNDO"}

    def execute(self, context):
        from .default_head import add_default_head

        try:
            obj = add_default_head(scene=context.scene)
        except bridge.errors().I2FETError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        for other in context.selected_objects:
            other.select_set(False)
        obj.select_set(True)
        context.view_layer.objects.active = obj
        return {"FINISHED"}


CLASSES = (I2FET_OT_generate, I2FET_OT_regenerate_clip, I2FET_OT_cancel_generation, I2FET_OT_use_prompt,
           I2FET_OT_add_default_head)
