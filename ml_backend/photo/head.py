"""Photo -> head: read, detect, fit, texture; cached by the photo's SHA-256.

``head_from_photo`` is the one entry point (the CLI, ``generate --from-photo`` and the add-on use
it). The result holds the kept ICT vertices of the fitted neutral head, the 52 expression deltas
on them, the photo's expression weights, the atlas texture and the fit's figures. Results are
cached in ``cache_dir()/photo/heads/<sha256>.npz`` (the key also covers this module's version and
the expression mapping's hash), so a second call with the same photo takes milliseconds.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..paths import cache_dir
from .fit import Camera
from .image_io import load_photo
from .topology import HeadTopology, head_topology

HEAD_CACHE_VERSION = 2
_prepare_lock = threading.Lock()  # one preparation at a time: the add-on's background one and a click


@dataclass(frozen=True)
class PhotoHead:
    """A head fitted to a photo (vertices in ICT units, cm; y up, the face looks along +z)."""

    topology: HeadTopology
    vertices: np.ndarray  # N x 3 fitted neutral head (identity + free-form), kept vertices
    weights: np.ndarray  # 52 ARKit weights: the photo's expression
    texture: np.ndarray  # S x S x 3 uint8 atlas
    camera: Camera
    landmarks: np.ndarray  # 478 x 3 MediaPipe landmarks on the photo (pixels)
    blendshapes: np.ndarray  # 52 MediaPipe scores on the photo
    identity: np.ndarray  # 40 identity coefficients
    metrics: dict = field(default_factory=dict)  # landmark errors, focal length, seen share, seconds
    notes: tuple[str, ...] = ()
    sha256: str = ""
    from_cache: bool = False

    @property
    def deltas(self) -> np.ndarray:
        """52 x N x 3 expression offsets on the kept vertices (ARKit order)."""
        return self.topology.model.deltas[:, self.topology.vertex_ids]

    def posed(self, weights: np.ndarray | None = None) -> np.ndarray:
        """Vertices with an expression (default: the photo's)."""
        weights = self.weights if weights is None else np.asarray(weights, np.float32)
        return self.vertices + np.tensordot(weights, self.deltas, axes=1)


def _cache_path(sha256: str) -> Path:
    """The cache file of a photo: its hash, this module's version and the expression mapping's hash."""
    from .expression import default_mapping

    return cache_dir() / "photo" / "heads" / f"{sha256}-v{HEAD_CACHE_VERSION}-{default_mapping().sha256[:12]}.npz"


def _save(path: Path, head: PhotoHead) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.npz")
    camera = head.camera
    np.savez_compressed(
        temporary, vertices=head.vertices, weights=head.weights, texture=head.texture, landmarks=head.landmarks,
        blendshapes=head.blendshapes, identity=head.identity, rotation=camera.rotation, translation=camera.translation,
        camera_info=np.array([camera.focal, camera.width, camera.height]), metrics=json.dumps(head.metrics),
        notes=json.dumps(list(head.notes)))
    temporary.replace(path)


def _load(path: Path, sha256: str) -> PhotoHead | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            focal, width, height = data["camera_info"]
            camera = Camera(data["rotation"], data["translation"], float(focal), int(width), int(height))
            return PhotoHead(head_topology(), data["vertices"], data["weights"], data["texture"], camera, data["landmarks"],
                             data["blendshapes"], data["identity"], json.loads(str(data["metrics"])),
                             tuple(json.loads(str(data["notes"]))), sha256, True)
    except (OSError, KeyError, ValueError):
        return None


def prepare() -> None:
    """Load what a first photo needs, once per process: MediaPipe and its landmarker, the expression mapping,
    the fitting template, the MediaPipe-ICT correspondence, the head's layout and its atlas rasterization.

    The add-on runs this in the background when the From a Photo panel is opened, so that the first
    Head from Photo pays only for the photo (about 1 s of CPU instead of 2.5-3 s in a fresh Blender).
    Cheap once done; a caller arriving while it runs waits for it instead of loading beside it. Raises
    the photo errors a first photo would (MediaPipe or its model missing).
    """
    from .detect import _landmarker
    from .expression import default_mapping
    from .texture import uv_texels
    from .topology import mediapipe_correspondence
    from ..fitting.template import load_template

    with _prepare_lock:
        from PIL import Image, ImageDraw, ImageOps, TiffImagePlugin  # noqa: F401  (reading a photo imports them)

        Image.preinit()  # the common formats' plugins, which the first Image.open would import
        default_mapping()
        _landmarker()
        load_template()
        mediapipe_correspondence()
        head_topology()
        uv_texels()


def head_from_photo(path: str | os.PathLike, use_cache: bool = True) -> PhotoHead:
    """Fit the ICT head to the face in the photo at ``path`` (PhotoError and friends for unusable files)."""
    started = time.perf_counter()
    photo = load_photo(path)
    cached_path = _cache_path(photo.sha256)
    if use_cache and cached_path.is_file():
        cached = _load(cached_path, photo.sha256)
        if cached is not None:
            return cached
    from .detect import detect_face
    from .expression import default_mapping
    from .fit import fit_photo
    from .texture import project_texture
    from .topology import mediapipe_correspondence
    from ..fitting.template import load_template

    prepare()
    mapping = default_mapping()
    detection = detect_face(photo)
    detected = time.perf_counter()
    template = load_template()
    model = template.model
    fit = fit_photo(detection, mediapipe_correspondence(), template.neutral, template.shape_modes,
                    model.deltas.astype(np.float64), model.has_shape, mapping(detection.blendshapes))
    fitted = time.perf_counter()
    topology = head_topology()
    full = template.neutral + np.tensordot(fit.identity.astype(np.float64), template.shape_modes, axes=1) + fit.free_form
    vertices = full[topology.vertex_ids]
    posed = vertices + np.tensordot(fit.weights, model.deltas[:, topology.vertex_ids], axes=1)
    texture, seen = project_texture(topology, posed, fit.camera, photo.rgb, detection)
    done = time.perf_counter()
    metrics = {"landmark_error": fit.landmark_error, "landmark_error_modes_only": fit.landmark_error_modes,
               "focal_px": fit.camera.focal, "focal_35mm": fit.camera.focal_35mm, "yaw": detection.yaw,
               "pitch": detection.pitch, "faces_found": detection.faces_found, "face_seen_share": seen,
               "seconds": done - started, "seconds_detect": detected - started, "seconds_fit": fitted - detected,
               "seconds_texture": done - fitted, "image_size": list(photo.size)}
    head = PhotoHead(topology, vertices.astype(np.float32), fit.weights, texture, fit.camera, detection.landmarks,
                     detection.blendshapes, fit.identity, metrics, photo.notes + detection.notes, photo.sha256, False)
    if use_cache:
        _save(cached_path, head)
    return head
