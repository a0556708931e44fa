"""Generate, Regenerate, prompt and default-head operators: thin, they call the generation pipeline.

Generate runs in two ways. From a button (invoke) it starts the backend as a background task and
waits in a modal timer, so Blender stays responsive; Esc or the Cancel button stop it. From a
script (``bpy.ops.i2fet.generate()``, execute) it runs the same pipeline inline. Either way the
keys are written on the main thread in one step, which is one undo step.
"""

from __future__ import annotations

import bpy
from bpy.props import IntProperty, StringProperty

from ..backend import tasks, warmup
from ..clips.store import require_selected_clip
from ..generate import pipeline
from ..generate.request import collect_request, request_for_regenerate
from ..head.default_head import add_default_head
from .report import Reporting

TIMER_SECONDS = 0.1


def _status(context: bpy.types.Context, text: str | None) -> None:
    workspace = context.workspace
    if workspace is not None and hasattr(workspace, "status_text_set"):
        workspace.status_text_set(text)


class _GenerateBase(Reporting):
    """Shared modal machinery of Generate and Regenerate: request -> pipeline.start -> modal -> pipeline.finish."""

    bl_options = {"REGISTER", "UNDO"}
    _timer = None
    _task = None

    def make_request(self, context) -> pipeline.GenerationRequest:
        raise NotImplementedError

    @classmethod
    def poll(cls, context):
        """Greyed out while a generation runs or the backend cannot run (the reason shows as the tooltip)."""
        if pipeline.active() is not None:
            return False
        reason = warmup.blocked_reason()
        if reason:
            cls.poll_message_set(reason)
            return False
        return True

    def run(self, context):
        return self._written(context, pipeline.run(self.make_request(context)))

    def invoke(self, context, event):
        def begin():
            self._task = pipeline.start(self.make_request(context))
        if self.reported(begin) != {"FINISHED"}:
            return {"CANCELLED"}
        manager = context.window_manager
        if manager is not None and context.window is not None:
            self._timer = manager.event_timer_add(TIMER_SECONDS, window=context.window)
            manager.modal_handler_add(self)
        _status(context, "I2FET: generating... (Esc to cancel)")
        return {"RUNNING_MODAL"}

    def modal(self, context, event):
        """One step of the wait: Esc cancels; on a timer event, write the clip once the backend is done."""
        task = self._task
        if event.type == "ESC" and event.value == "PRESS":
            task.cancel()
        elif event.type != "TIMER":
            return {"PASS_THROUGH"}
        _status(context, f"I2FET: {task.message} ({task.elapsed:.0f} s) - Esc to cancel")
        if task.cancelled:
            self._stop(context)
            pipeline.discard(task)
            self.report({"INFO"}, "Generation cancelled; nothing was changed.")
            return {"CANCELLED"}
        if not task.finished:
            return {"PASS_THROUGH"}
        self._stop(context)
        return self.reported(lambda: self._written(context, pipeline.finish(task)))

    def _stop(self, context) -> None:
        if self._timer is not None:
            context.window_manager.event_timer_remove(self._timer)
            self._timer = None
        _status(context, None)
        tasks.redraw()

    def _written(self, context, result) -> str:
        settings = context.scene.i2fet
        settings.last_summary = result.summary
        settings.remember_prompt(result.action.get("i2fet_prompt", ""))
        index = bpy.data.actions.find(result.action.name)
        if index >= 0:
            settings.clip_index = index
        return result.message()


class I2FET_OT_generate(_GenerateBase, bpy.types.Operator):
    """Turn the prompt into keyframed expressions on the active head mesh (a new clip)"""

    bl_idname = "i2fet.generate"
    bl_label = "Generate"

    def make_request(self, context):
        return collect_request(context)


class I2FET_OT_regenerate_clip(_GenerateBase, bpy.types.Operator):
    """Generate the selected clip again with another variation seed; the new take replaces it"""

    bl_idname = "i2fet.regenerate_clip"
    bl_label = "Regenerate"

    clip: StringProperty(name="Clip", description="Clip action to regenerate (empty: the selected clip)", default="")
    seed: IntProperty(name="Seed", description="Variation seed (-1: the clip's seed plus one)", default=-1, min=-1)

    def make_request(self, context):
        action = require_selected_clip(context, self.clip)
        seed = self.seed if self.seed >= 0 else int(action.get("i2fet_seed", 0)) + 1
        return request_for_regenerate(context, action, seed)


class I2FET_OT_use_prompt(bpy.types.Operator):
    """Put this prompt into the prompt field"""

    bl_idname = "i2fet.use_prompt"
    bl_label = "Use Prompt"
    bl_options = {"INTERNAL"}

    text: StringProperty(name="Prompt", description="The prompt to use")

    def execute(self, context):
        context.scene.i2fet.prompt = self.text
        return {"FINISHED"}


class I2FET_OT_add_default_head(Reporting, bpy.types.Operator):
    """Add the ICT FaceKit head, ready for generation"""

    bl_idname = "i2fet.add_default_head"
    bl_label = "Add Default Head"
    bl_options = {"REGISTER", "UNDO"}

    def run(self, context):
        obj = add_default_head(scene=context.scene)
        for other in context.selected_objects:
            other.select_set(False)
        obj.select_set(True)
        context.view_layer.objects.active = obj
        return None


CLASSES = (I2FET_OT_generate, I2FET_OT_regenerate_clip, I2FET_OT_use_prompt, I2FET_OT_add_default_head)
