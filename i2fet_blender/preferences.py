"""Add-on preferences: text encoder, compute device, face model assets, backend packages."""

from __future__ import annotations

import sys
from pathlib import Path

import bpy
from bpy.props import BoolProperty, EnumProperty, StringProperty

from . import assets_download, backend_env, installer, tasks

_cuda_available: bool | None = None  # known once the backend has been checked (torch imported)


def addon_preferences(context: bpy.types.Context | None = None) -> I2FET_Preferences | None:
    context = context or bpy.context
    addon = context.preferences.addons.get(__package__)
    return addon.preferences if addon is not None else None


def backend_options(context: bpy.types.Context | None = None) -> dict:
    """The backend choices the preferences hold, as keyword arguments for the generator."""
    prefs = addon_preferences(context)
    if prefs is None:
        return {}
    options = {"encoder": prefs.text_encoder, "device": prefs.device.lower()}
    if prefs.text_encoder == "clip":
        options["encoder_weights"] = bpy.path.abspath(prefs.clip_weights)
    return options


def _device_items(self, context):
    items = [("CPU", "CPU", "Run the text encoder on the processor (always available)")]
    if _cuda_available:
        items.append(("CUDA", "CUDA GPU", "Run the text encoder on the NVIDIA GPU"))
    return items


def _reactivate(self, context) -> None:
    backend_env.activate(self.python_env, self.assets_path)


def check_backend() -> str:
    """Import the backend's packages (slow the first time) and note whether CUDA is usable."""
    global _cuda_available
    missing = backend_env.missing_packages()
    if missing:
        return backend_env.missing_packages_message()
    import torch

    _cuda_available = bool(torch.cuda.is_available())
    return f"Backend ready: torch {torch.__version__}, " + ("CUDA GPU available." if _cuda_available else "CPU only.")


class I2FET_Preferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    text_encoder: EnumProperty(
        name="Text Encoder",
        description="The model that reads prompts",
        items=(("minilm", "MiniLM (offline)", "all-MiniLM-L6-v2, shipped with its Python package: works offline"),
               ("clip", "CLIP (weights file)", "OpenCLIP ViT-B-32 text tower, loaded from a local weights file")),
        default="minilm",
    )
    clip_weights: StringProperty(
        name="CLIP Weights", description="Local OpenCLIP ViT-B-32 weights file (.bin, .pt or .safetensors)",
        subtype="FILE_PATH", default="",
    )
    device: EnumProperty(name="Compute Device", description="Where the text encoder runs", items=_device_items)
    assets_path: StringProperty(
        name="Face Model Assets",
        description="Folder holding ict-facekit/FaceXModel (only needed when the bundled face model is missing)",
        subtype="DIR_PATH", default="", update=_reactivate,
    )
    allow_download: BoolProperty(
        name="Allow Downloading the Face Model",
        description="Allow I2FET to download the ICT FaceKit (MIT license) from GitHub when you click Download. "
        "Nothing is downloaded without this and Blender's 'Allow Online Access'",
        default=False,
    )
    python_env: StringProperty(
        name="Python Environment",
        description="A separate Python virtual environment (same Python version as Blender) whose packages "
        "I2FET may use instead of installing them into Blender",
        subtype="DIR_PATH", default="", update=_reactivate,
    )
    install_cpu_only: BoolProperty(
        name="CPU-only torch", description="Install the smaller CPU build of torch (no CUDA)", default=True,
    )
    backend_message: StringProperty(name="Backend Check", description="Result of the last backend check", default="")

    def draw(self, context):
        layout = self.layout
        self._draw_backend(layout)
        box = layout.box()
        box.label(text="Generation", icon="SHAPEKEY_DATA")
        box.prop(self, "text_encoder")
        if self.text_encoder == "clip":
            box.prop(self, "clip_weights")
        box.prop(self, "device")
        self._draw_assets(layout)

    def _draw_backend(self, layout) -> None:
        box = layout.box()
        box.label(text="Backend Packages", icon="SCRIPT")
        missing = backend_env.missing_packages()
        if missing:
            box.label(text=f"Missing in Blender's Python: {', '.join(missing)}", icon="ERROR")
        else:
            box.label(text="torch and the text encoder are installed.", icon="CHECKMARK")
        if self.backend_message:
            box.label(text=self.backend_message)
        _draw_task(box, tasks.get("install"))
        row = box.row()
        row.operator("i2fet.install_backend", icon="IMPORT")
        row.prop(self, "install_cpu_only")
        box.operator("i2fet.check_backend", icon="VIEWZOOM")
        box.label(text=f"Packages go to: {backend_env.deps_folder()}")
        box.prop(self, "python_env")
        problem = backend_env.venv_problem(self.python_env)
        if problem:
            box.label(text=problem, icon="ERROR")

    def _draw_assets(self, layout) -> None:
        box = layout.box()
        box.label(text="Face Model", icon="USER")
        if backend_env.bundled_pack() is not None:
            box.label(text="The face model ships with this extension.", icon="CHECKMARK")
        box.prop(self, "assets_path")
        box.prop(self, "allow_download")
        reason = assets_download.check_download_allowed(self.allow_download, bpy.app.online_access)
        row = box.row()
        row.enabled = not reason
        row.operator("i2fet.download_face_model", icon="URL")
        if reason:
            box.label(text=reason, icon="INFO")
        _draw_task(box, tasks.get("download"))


def _draw_task(layout, task: tasks.Task | None) -> None:
    if task is None:
        return
    if task.state == task.RUNNING:
        row = layout.row()
        _progress(row, task.progress, task.message)
        row.operator("i2fet.cancel_task", text="", icon="CANCEL").kind = "install" if task.title.startswith("Install") else "download"
    elif task.state == task.FAILED:
        layout.label(text=f"{task.title} failed: {task.error}", icon="ERROR")
    elif task.state == task.DONE:
        layout.label(text=f"{task.title}: done", icon="CHECKMARK")


def _progress(layout, factor: float, text: str) -> None:
    if hasattr(layout, "progress"):
        layout.progress(factor=factor, type="BAR", text=text)
    else:
        layout.label(text=f"{text} ({factor * 100:.0f}%)")


def _poll_task(kind: str):
    """A bpy.app.timers callback that redraws the preferences until the task ends."""
    def poll():
        for window in bpy.context.window_manager.windows:
            for area in window.screen.areas:
                area.tag_redraw()
        task = tasks.get(kind)
        if task is None or task.finished:
            if kind == "install" and task is not None and task.state == task.DONE:
                prefs = addon_preferences()
                backend_env.activate(prefs.python_env if prefs else "", prefs.assets_path if prefs else "")
            if kind == "download" and task is not None and task.state == task.DONE:
                finish_download(task)
            return None
        return 0.25
    return poll


def finish_download(task: tasks.Task) -> None:
    """Point the preferences at the downloaded assets (main thread)."""
    prefs = addon_preferences()
    if prefs is not None and task.result:
        prefs.assets_path = str(Path(task.result).parent)


def start_install(prefs: I2FET_Preferences, threaded: bool = True, requirements=None, find_links: str = "",
                  no_index: bool = False) -> tasks.Task:
    """Install the backend's packages into the add-on's folder with pip (threaded with progress)."""
    wanted = list(requirements) if requirements is not None else [spec for spec, _ in backend_env.REQUIRED.values()]
    if requirements is None and prefs.text_encoder == "clip":
        wanted.append(backend_env.OPTIONAL["open_clip"][0])
    target = backend_env.deps_folder()
    cpu_only = prefs.install_cpu_only

    def work(report, cancelled):
        return installer.install_packages(target, wanted, report, cancelled, cpu_only, find_links, no_index)

    task = tasks.start("install", tasks.Task("Install backend packages", work), threaded)
    if threaded:
        bpy.app.timers.register(_poll_task("install"), first_interval=0.25)
    else:
        backend_env.activate(prefs.python_env, prefs.assets_path)
    return task


def start_download(prefs: I2FET_Preferences, destination: Path, threaded: bool = True,
                   url: str = assets_download.UPSTREAM_URL) -> tasks.Task:
    """Download the face model when allowed; raises RuntimeError with the reason otherwise."""
    reason = assets_download.check_download_allowed(prefs.allow_download, bpy.app.online_access)
    if reason:
        raise RuntimeError(reason)

    def work(report, cancelled):
        return assets_download.download_face_model(destination, report, cancelled, url)

    task = tasks.start("download", tasks.Task("Download face model", work), threaded)
    if threaded:
        bpy.app.timers.register(_poll_task("download"), first_interval=0.25)
    elif task.state == task.DONE:
        finish_download(task)
    return task


class I2FET_OT_install_backend(bpy.types.Operator):
    """Install torch and the offline text encoder into a folder of this add-on (uses pip; needs internet)"""

    bl_idname = "i2fet.install_backend"
    bl_label = "Install Backend Packages"

    def execute(self, context):
        prefs = addon_preferences(context)
        try:
            start_install(prefs)
        except RuntimeError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        self.report({"INFO"}, f"Installing with {Path(sys.executable).name} into {backend_env.deps_folder()}")
        return {"FINISHED"}


class I2FET_OT_check_backend(bpy.types.Operator):
    """Import the backend's packages now and show whether a CUDA GPU can be used"""

    bl_idname = "i2fet.check_backend"
    bl_label = "Check Backend"

    def execute(self, context):
        prefs = addon_preferences(context)
        try:
            message = check_backend()
        except ImportError as error:
            message = backend_env.missing_packages_message(str(error))
        prefs.backend_message = message
        self.report({"INFO"}, message)
        return {"FINISHED"}


class I2FET_OT_download_face_model(bpy.types.Operator):
    """Download the ICT FaceKit face model from GitHub (only with your consent and online access on)"""

    bl_idname = "i2fet.download_face_model"
    bl_label = "Download Face Model"

    def execute(self, context):
        prefs = addon_preferences(context)
        try:
            start_download(prefs, backend_env.user_folder("assets"))
        except RuntimeError as error:
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        return {"FINISHED"}


class I2FET_OT_cancel_task(bpy.types.Operator):
    """Stop the running install or download"""

    bl_idname = "i2fet.cancel_task"
    bl_label = "Cancel"
    kind: StringProperty(name="Task", description="Which task to stop: install or download", default="install")

    def execute(self, context):
        task = tasks.get(self.kind)
        if task is not None:
            task.cancel()
        return {"FINISHED"}


CLASSES = (I2FET_Preferences, I2FET_OT_install_backend, I2FET_OT_check_backend, I2FET_OT_download_face_model,
           I2FET_OT_cancel_task)


def register() -> None:
    prefs = addon_preferences()
    backend_env.activate(prefs.python_env if prefs else "", prefs.assets_path if prefs else "")


def unregister() -> None:
    backend_env.deactivate()
