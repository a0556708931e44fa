"""Render preview stills of a head and tile them into a sheet (Cycles on the CPU is enough).

Used by the demo and the docs; the camera looks at the head from the front (-Y), framing the
upper part of the object's bounding box, under a plain key/fill light.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import bpy
import numpy as np
from mathutils import Vector


def setup_portrait(obj: bpy.types.Object, scene: bpy.types.Scene | None = None, size: int = 256,
                   samples: int = 24) -> bpy.types.Object:
    """Add (or reuse) a front camera and lights framing ``obj``'s face; configure Cycles CPU."""
    scene = scene or bpy.context.scene
    corners = np.array([obj.matrix_world @ Vector(c) for c in obj.bound_box])
    low, high = corners.min(0), corners.max(0)
    height = high[2] - low[2]
    target = Vector(((low[0] + high[0]) / 2, (low[1] + high[1]) / 2, low[2] + 0.6 * height))
    extent = max(0.8 * (high[0] - low[0]), 0.5 * height)
    camera = scene.objects.get("I2FET Camera")
    if camera is None:
        camera = bpy.data.objects.new("I2FET Camera", bpy.data.cameras.new("I2FET Camera"))
        scene.collection.objects.link(camera)
    camera.data.lens = 85
    distance = extent * 85 / 36 * 1.1
    camera.location = target + Vector((0.0, -distance - (high[1] - low[1]) / 2, 0.0))
    camera.rotation_euler = (math.radians(90), 0.0, 0.0)
    scene.camera = camera
    for name, energy, offset in (("I2FET Key", 3.0, (-0.6, -1.0, 0.8)), ("I2FET Fill", 1.2, (0.8, -0.8, 0.2))):
        light = scene.objects.get(name)
        if light is None:
            light = bpy.data.objects.new(name, bpy.data.lights.new(name, "SUN"))
            scene.collection.objects.link(light)
        light.data.energy = energy
        light.data.angle = math.radians(12)
        direction = Vector(offset).normalized()
        light.rotation_euler = (-direction).to_track_quat("-Z", "Y").to_euler()
    if scene.world is None:
        scene.world = bpy.data.worlds.new("I2FET World")
    scene.world.color = (0.18, 0.18, 0.2)
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = samples
    scene.cycles.use_denoising = False
    scene.render.resolution_x = scene.render.resolution_y = size
    scene.render.resolution_percentage = 100
    scene.render.image_settings.file_format = "PNG"
    return camera


def render_frames(frames: Sequence[int], folder: Path, scene: bpy.types.Scene | None = None) -> list[Path]:
    """Render the given frames of the scene camera to PNG files."""
    scene = scene or bpy.context.scene
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for frame in frames:
        scene.frame_set(int(frame))
        path = folder / f"frame_{int(frame):05d}.png"
        scene.render.filepath = str(path)
        bpy.ops.render.render(write_still=True, scene=scene.name)
        paths.append(path)
    return paths


def tile_sheet(images: Sequence[Path], out: Path, columns: int | None = None) -> Path:
    """Tile equally sized PNGs into one sheet (row-major, first image top-left)."""
    loaded = [bpy.data.images.load(str(p), check_existing=False) for p in images]
    try:
        width, height = loaded[0].size
        columns = columns or len(loaded)
        rows = math.ceil(len(loaded) / columns)
        sheet = np.ones((rows * height, columns * width, 4), dtype=np.float32)
        for i, image in enumerate(loaded):
            pixels = np.empty(width * height * 4, dtype=np.float32)
            image.pixels.foreach_get(pixels)
            row = rows - 1 - i // columns  # Blender images start at the bottom row
            col = i % columns
            sheet[row * height:(row + 1) * height, col * width:(col + 1) * width] = pixels.reshape(height, width, 4)
        result = bpy.data.images.new("i2fet_sheet", columns * width, rows * height, alpha=True)
        result.pixels.foreach_set(sheet.ravel())
        result.filepath_raw = str(out)
        result.file_format = "PNG"
        result.save()
        bpy.data.images.remove(result)
    finally:
        for image in loaded:
            bpy.data.images.remove(image)
    return Path(out)
