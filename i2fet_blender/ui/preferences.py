"""Add-on preferences: text encoder, compute device, face model assets, backend packages; their operators."""

from __future__ import annotations

import sys
from pathlib import Path

import bpy
from bpy.props import BoolProperty, EnumProperty, StringProperty

from ..backend import download, environment, installer, tasks, warmup
from ..backend.bridge import ADDON_PACKAGE
from .panels import _wrapped, draw_task
from .report import Reporting

_cuda_available: bool | None = None  # known once the backend has been checked (torch imported)


def _device_items(self, context):
    items = [("CPU", "CPU", "Run the text encoder on the processor (always available)")]
    if _cuda_available:
        items.append(("CUDA", "CUDA GPU", "Run the text encoder on the NVIDIA GPU"))
    return items


def _reactivate(self, context) -> None:
    environment.activate(self.python_env, self.assets_path, self.landmarker_path)


class I2FET_Preferences(bpy.types.AddonPreferences):
    bl_idname = ADDON_PACKAGE

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
    landmarker_path: StringProperty(
        name="Face Landmarker Model",
        description="MediaPipe's face landmarker model file (face_landmarker_v2_with_blendshapes.task), which Head "
        "from Photo needs; the extension does not ship it. Choose a copy you have, or download it below",
        subtype="FILE_PATH", default="", update=_reactivate,
    )
    allow_landmarker_download: BoolProperty(
        name="Allow Downloading the Landmarker Model",
        description="Allow I2FET to download MediaPipe's face landmarker model (Google, Apache-2.0, 2.4 MB) from "
        "Google's model storage when you click Download. Nothing is downloaded without this and Blender's "
        "'Allow Online Access'",
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
        self._draw_photo(layout)

    def _draw_backend(self, layout) -> None:
        box = layout.box()
        box.label(text="Backend Packages", icon="SCRIPT")
        problem = environment.backend_problem()
        if problem:
            box.label(text=problem[:120], icon="ERROR")
        else:
            box.label(text="torch and the text encoder are installed.", icon="CHECKMARK")
        box.label(text="Install Backend Packages: CPU torch 2.13 (about 200 MB to download, 750 MB on disk).")
        if self.backend_message:
            box.label(text=self.backend_message)
        draw_task(box, tasks.current("install"))
        row = box.row()
        row.operator("i2fet.install_backend", icon="IMPORT")
        row.prop(self, "install_cpu_only")
        box.operator("i2fet.check_backend", icon="VIEWZOOM")
        box.label(text=f"Packages go to: {environment.deps_folder()}")
        box.prop(self, "python_env")
        problem = environment.venv_problem(self.python_env)
        if problem:
            box.label(text=problem, icon="ERROR")

    def _draw_assets(self, layout) -> None:
        box = layout.box()
        box.label(text="Face Model", icon="USER")
        if environment.bundled_pack() is not None:
            box.label(text="The face model ships with this extension.", icon="CHECKMARK")
        box.prop(self, "assets_path")
        box.prop(self, "allow_download")
        reason = download.check_download_allowed(self.allow_download, bpy.app.online_access)
        row = box.row()
        row.enabled = not reason
        row.operator("i2fet.download_face_model", icon="URL")
        if reason:
            box.label(text=reason, icon="INFO")
        task = tasks.current("download")
        if task is not None and task.title != download.LANDMARKER_TASK:
            draw_task(box, task)

    def _draw_photo(self, layout) -> None:
        box = layout.box()
        box.label(text="Head from Photo", icon="IMAGE_DATA")
        problem = environment.photo_problem()
        if problem:
            _draw_lines(box, problem, "ERROR")
        else:
            box.label(text="MediaPipe and its face landmarker model are ready.", icon="CHECKMARK")
        if environment.missing_packages(environment.PHOTO):
            box.operator("i2fet.install_photo_packages", icon="IMPORT")
        box.prop(self, "landmarker_path")
        box.prop(self, "allow_landmarker_download")
        reason = download.check_landmarker_download_allowed(self.allow_landmarker_download, bpy.app.online_access)
        row = box.row()
        row.enabled = not reason
        row.operator("i2fet.download_landmarker", icon="URL")
        if reason:
            _draw_lines(box, reason, "INFO")
        task = tasks.current("download")
        if task is not None and task.title == download.LANDMARKER_TASK:
            draw_task(box, task)


def _draw_lines(layout, text: str, icon: str) -> None:
    """A long message as wrapped labels, the icon on the first line."""
    for number, line in enumerate(_wrapped(text, 90)):
        layout.label(text=line, icon=icon if number == 0 else "BLANK1")


def check_backend() -> str:
    """Check the backend (imports torch) and offer the CUDA device when it is usable."""
    global _cuda_available
    message, _cuda_available = environment.check_backend()
    return message


class I2FET_OT_install_backend(Reporting, bpy.types.Operator):
    """Install torch and the offline text encoder into a folder of this add-on (uses pip; needs internet)"""

    bl_idname = "i2fet.install_backend"
    bl_label = "Install Backend Packages"

    def run(self, context):
        installer.start_install(environment.addon_preferences(context))
        return f"Installing with {Path(sys.executable).name} into {environment.deps_folder()}"


class I2FET_OT_check_backend(Reporting, bpy.types.Operator):
    """Import the backend's packages now and show whether a CUDA GPU can be used"""

    bl_idname = "i2fet.check_backend"
    bl_label = "Check Backend"

    def run(self, context):
        message = check_backend()
        environment.addon_preferences(context).backend_message = message
        warmup.restart(environment.backend_options(context))  # the fix may be in: load the generator again
        return message


class I2FET_OT_download_face_model(Reporting, bpy.types.Operator):
    """Download the ICT FaceKit face model from GitHub (only with your consent and online access on)"""

    bl_idname = "i2fet.download_face_model"
    bl_label = "Download Face Model"

    def run(self, context):
        download.start_download(environment.addon_preferences(context), environment.user_folder("assets"))
        return "Downloading the face model"


class I2FET_OT_install_photo_packages(Reporting, bpy.types.Operator):
    """Install Google's MediaPipe, which Head from Photo needs, into a folder of this add-on (uses pip; needs internet)"""

    bl_idname = "i2fet.install_photo_packages"
    bl_label = "Install Photo Packages"

    def run(self, context):
        installer.start_install(environment.addon_preferences(context), requirements=installer.photo_requirements())
        return f"Installing MediaPipe into {environment.deps_folder()}"


class I2FET_OT_download_landmarker(Reporting, bpy.types.Operator):
    """Download MediaPipe's face landmarker model from Google (only with your consent and online access on)"""

    bl_idname = "i2fet.download_landmarker"
    bl_label = "Download Landmarker Model"

    def run(self, context):
        download.start_landmarker_download(environment.addon_preferences(context), environment.user_folder("mediapipe"))
        return "Downloading the face landmarker model"


class I2FET_OT_cancel_task(bpy.types.Operator):
    """Stop the running generation, install or download"""

    bl_idname = "i2fet.cancel_task"
    bl_label = "Cancel"
    kind: StringProperty(name="Task", description="Which task to stop: generate, install or download",
                         default="install")

    def execute(self, context):
        task = tasks.current(self.kind)
        if task is not None:
            task.cancel()
        return {"FINISHED"}


CLASSES = (I2FET_Preferences, I2FET_OT_install_backend, I2FET_OT_check_backend, I2FET_OT_download_face_model,
           I2FET_OT_install_photo_packages, I2FET_OT_download_landmarker, I2FET_OT_cancel_task)


def register() -> None:
    prefs = environment.addon_preferences()
    environment.activate(prefs.python_env if prefs else "", prefs.assets_path if prefs else "",
                         prefs.landmarker_path if prefs else "")


def unregister() -> None:
    environment.deactivate()
