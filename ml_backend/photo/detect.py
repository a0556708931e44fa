"""Find the face in a photo with MediaPipe's FaceLandmarker (478 landmarks, head pose, 52 blendshape scores).

The landmarker runs offline from its model file (``landmarker_model``: a file the user chose or downloaded,
or the shared assets' copy); it is created once per model file (about 60 ms) and detects in about 10 ms.
Several faces: the largest is used and a note says so. A face turned too far for one photo to show its shape is refused with the angle.
"""

from __future__ import annotations

import atexit
import math
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import AssetsMissingError
from ..naming.arkit import INDEX, NUM_CHANNELS
from .errors import FaceTurnedError, NoFaceError
from .image_io import Photo
from .landmarker_model import MODEL_FILE, landmarker_path  # noqa: F401  (where the model comes from)

MAX_FACES = 4
MIN_FACE_PIXELS = 48  # smaller side of the landmark box below which the fit has too little to go on
# Turn angles as MediaPipe's pose estimate reads them: on renders of a known turn it reads about 0.8 x the true
# angle (45 degrees -> 37), and beyond about 55 degrees it finds no face at all.
MAX_YAW_DEGREES = 38.0  # beyond this (about 47 degrees true), one photo shows one side of the face only: refused
WARN_YAW_DEGREES = 25.0  # beyond this, the far side is guessed: fitted with a note
MAX_PITCH_DEGREES = 45.0
EYE_OUTER = (33, 263)  # MediaPipe face-mesh ids of the outer eye corners (subject's right, left)
_lock = threading.Lock()


@dataclass(frozen=True)
class Detection:
    """The chosen face: landmarks in pixels (x right, y down; z in pixels, larger = farther), pose and scores."""

    landmarks: np.ndarray  # 478 x 3 pixels
    blendshapes: np.ndarray  # 52 MediaPipe scores in ARKit order (tongueOut: 0, MediaPipe has none)
    matrix: np.ndarray  # 4 x 4 canonical face (cm) -> MediaPipe's camera (OpenGL axes)
    yaw: float  # degrees, + = the face turns to its left
    pitch: float  # degrees
    faces_found: int
    image_size: tuple[int, int]  # width, height
    notes: tuple[str, ...] = ()

    @property
    def interocular(self) -> float:
        """Outer-eye-corner distance in pixels (the face's natural unit)."""
        return float(np.linalg.norm(self.landmarks[EYE_OUTER[0], :2] - self.landmarks[EYE_OUTER[1], :2]))

    @property
    def box(self) -> tuple[float, float, float, float]:
        low, high = self.landmarks[:, :2].min(0), self.landmarks[:, :2].max(0)
        return float(low[0]), float(low[1]), float(high[0]), float(high[1])


def _landmarker():
    """The landmarker for the model file in use (created once per model path)."""
    return _landmarker_for(str(landmarker_path()))


@lru_cache(maxsize=1)
def _landmarker_for(model_path: str):
    try:
        from mediapipe.tasks.python import BaseOptions, vision
    except ImportError as error:
        raise AssetsMissingError("Photos are read with Google's MediaPipe, which is not installed here. In Blender: "
                                 "Edit > Preferences > Add-ons > I2FET > 'Install Photo Packages'; otherwise "
                                 "pip install mediapipe==1.2.3 into the Python that runs I2FET.") from error

    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=model_path), output_face_blendshapes=True,
        output_facial_transformation_matrixes=True, num_faces=MAX_FACES)
    landmarker = vision.FaceLandmarker.create_from_options(options)
    atexit.register(_close, landmarker)
    return landmarker


def _close(landmarker) -> None:
    """Release the landmarker before the interpreter tears down the threads its close() needs."""
    try:
        landmarker.close()
    except RuntimeError:  # already shutting down: the process is ending anyway
        pass
    landmarker.close = lambda: None  # its __del__ would close again after the interpreter's teardown began


def read_faces(rgb: np.ndarray):
    """MediaPipe's raw result for an RGB uint8 image (all faces)."""
    landmarker = _landmarker()
    import mediapipe as mp

    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb[..., :3], dtype=np.uint8))
    with _lock:
        return landmarker.detect(image)


def blendshape_vector(categories) -> np.ndarray:
    """MediaPipe's blendshape categories -> 52 scores in ARKit order."""
    out = np.zeros(NUM_CHANNELS, np.float32)
    for category in categories:
        if category.category_name in INDEX:
            out[INDEX[category.category_name]] = category.score
    return out


def _angles(matrix: np.ndarray) -> tuple[float, float]:
    rotation = matrix[:3, :3] / np.cbrt(max(np.linalg.det(matrix[:3, :3]), 1e-12))
    forward = rotation @ np.array([0.0, 0.0, 1.0])  # where the face looks, in the camera frame (OpenGL: toward +z)
    yaw = math.degrees(math.atan2(forward[0], forward[2]))
    pitch = math.degrees(math.atan2(-forward[1], math.hypot(forward[0], forward[2])))
    return yaw, pitch


def detect_face(photo: Photo) -> Detection:
    """The largest face in the photo, or NoFaceError / FaceTurnedError with the reason."""
    height, width = photo.rgb.shape[:2]
    result = read_faces(photo.rgb)
    name = photo.path.name
    if not result.face_landmarks:
        raise NoFaceError(f"No face was found in '{name}'. Use a photo where one face is clearly visible, facing the "
                          "camera, well lit and at least about 100 pixels across.")
    boxes = []
    for face in result.face_landmarks:
        xy = np.array([[p.x * width, p.y * height] for p in face])
        boxes.append(np.prod(xy.max(0) - xy.min(0)))
    best = int(np.argmax(boxes))
    landmarks = np.array([[p.x * width, p.y * height, p.z * width] for p in result.face_landmarks[best]], np.float64)
    matrix = np.array(result.facial_transformation_matrixes[best], np.float64).reshape(4, 4)
    notes = []
    if len(result.face_landmarks) > 1:
        notes.append(f"'{name}' shows {len(result.face_landmarks)} faces: the largest was used.")
    span = landmarks[:, :2].max(0) - landmarks[:, :2].min(0)
    if span.min() < MIN_FACE_PIXELS:
        raise NoFaceError(f"The face in '{name}' is only about {span.min():.0f} pixels across; the fit needs at least "
                          f"{MIN_FACE_PIXELS}. Use a larger or closer photo of the face.")
    yaw, pitch = _angles(matrix)
    if abs(yaw) > MAX_YAW_DEGREES or abs(pitch) > MAX_PITCH_DEGREES:
        raise FaceTurnedError(
            f"The face in '{name}' is turned {abs(yaw):.0f} degrees to the side and {abs(pitch):.0f} degrees up/down; "
            f"one photo shows its shape only up to about {MAX_YAW_DEGREES:.0f} degrees to the side (the far side is hidden). "
            "Use a photo that looks more toward the camera.")
    if abs(yaw) > WARN_YAW_DEGREES:
        notes.append(f"The face is turned {abs(yaw):.0f} degrees: the shape and skin of the side turned away from the "
                     "camera are guessed from the visible side.")
    blendshapes = blendshape_vector(result.face_blendshapes[best]) if result.face_blendshapes else np.zeros(NUM_CHANNELS, np.float32)
    return Detection(landmarks, blendshapes, matrix, yaw, pitch, len(result.face_landmarks), (width, height), tuple(notes))
