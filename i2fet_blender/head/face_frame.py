"""The face's own axes in world space, read from the head itself, so keyless parts turn relative to the face.

A character may stand any way in the scene (turned to face +X, lying on its back): its lower teeth must open
downward and its eyes look left, right, up and down relative to its face, not to Blender's front view. The axes
come, in this order, from

1. the head's landmarks (stored by Detect Landmarks and Fit Head; ones the user placed or moved win),
2. the head's own ARKit keys: the left and right blink, smile and brow keys act on the face's left and right,
   the eye and brow keys act above the mouth and jaw keys,
3. Blender's front view (the face looks along -Y, Z up), which the frame's source then says.

The frame's columns are the face's left (the subject's own left), the back of the head and up: in Blender's
front view that is the identity, so a rotation written for the front view turns the same way relative to any face
once conjugated by it (``FaceFrame.to_world``). A head mirrored by a negative scale gets a mirrored frame
(determinant -1): its left is where its own left-named features went, its face still looks forward, and its turns
mirror with it (still rotations).
"""

from __future__ import annotations

from dataclasses import dataclass

import bpy
import numpy as np

from .fit import read_landmarks
from .key_map import KeyMap, key_map_for

LANDMARKS, KEYS, FRONT_VIEW = "landmarks", "keys", "front view"
LANDMARK_PAIRS = (("eye_outer_left", "eye_outer_right"), ("eye_inner_left", "eye_inner_right"),
                  ("mouth_corner_left", "mouth_corner_right"))
LANDMARKS_ABOVE = ("eye_outer_left", "eye_outer_right", "eye_inner_left", "eye_inner_right")
LANDMARKS_BELOW = ("mouth_corner_left", "mouth_corner_right", "chin")
KEY_PAIRS = (("eyeBlinkLeft", "eyeBlinkRight"), ("mouthSmileLeft", "mouthSmileRight"),
             ("browDownLeft", "browDownRight"))
KEYS_ABOVE = ("eyeBlinkLeft", "eyeBlinkRight", "browDownLeft", "browDownRight")
KEYS_BELOW = ("jawOpen", "mouthSmileLeft", "mouthSmileRight")
MIN_SHARE = 0.05  # left or up shorter than this share of the features' spread: too unsure to set the axes


@dataclass(frozen=True)
class FaceFrame:
    """The face's axes in world space: ``matrix`` columns are its left, back and up (Blender's front view: identity)."""

    matrix: np.ndarray  # 3 x 3 world-from-face, orthonormal (determinant -1 for a mirrored head)
    source: str  # LANDMARKS, KEYS or FRONT_VIEW

    @property
    def left(self) -> np.ndarray:
        return self.matrix[:, 0]

    @property
    def forward(self) -> np.ndarray:
        return -self.matrix[:, 1]

    @property
    def up(self) -> np.ndarray:
        return self.matrix[:, 2]

    def to_world(self, rotations: np.ndarray) -> np.ndarray:
        """frames x 3 x 3 turns written for Blender's front view, as the same turns relative to this face."""
        return self.matrix[None] @ np.asarray(rotations, np.float64) @ self.matrix.T[None]

    def describe(self) -> str:
        """Where the axes came from, for the panel and the result's notes."""
        return {LANDMARKS: "from the head's landmarks", KEYS: "from the head's own ARKit keys",
                FRONT_VIEW: "assumed: Blender's front view (face along -Y, Z up)"}[self.source]


def front_view() -> FaceFrame:
    return FaceFrame(np.eye(3), FRONT_VIEW)


def frame_from_axes(left: np.ndarray, up: np.ndarray, spread: float, source: str,
                    mirrored: bool = False) -> FaceFrame | None:
    """A frame from a left and a rough up direction (up is made square to left), right-handed unless ``mirrored``;
    None when either is too short against ``spread`` (the size of the features they were read from) or they are
    nearly parallel."""
    left, up = np.asarray(left, np.float64), np.asarray(up, np.float64)
    left_length = float(np.linalg.norm(left))
    if not np.isfinite(left_length) or left_length <= MIN_SHARE * spread or spread <= 0:
        return None
    left = left / left_length
    up = up - left * float(up @ left)
    up_length = float(np.linalg.norm(up))
    if not np.isfinite(up_length) or up_length <= MIN_SHARE * spread:
        return None
    up = up / up_length
    back = np.cross(up, left)
    return FaceFrame(np.column_stack([left, -back if mirrored else back, up]), source)


def face_frame(head: bpy.types.Object, key_map: KeyMap | None = None) -> FaceFrame:
    """The face's axes for ``head``: from its landmarks, else its ARKit keys (``key_map``: already resolved), else
    Blender's front view."""
    return landmark_frame(head) or key_frame(head, key_map) or front_view()


def _to_world(head: bpy.types.Object, local: np.ndarray) -> np.ndarray:
    matrix = np.array(head.matrix_world, np.float64)
    return np.asarray(local, np.float64) @ matrix[:3, :3].T + matrix[:3, 3]


def landmark_frame(head: bpy.types.Object) -> FaceFrame | None:
    """The axes the head's landmarks give: left from the left-right pairs, up from the mouth and chin to the eyes."""
    landmarks = read_landmarks(head)
    if not landmarks:
        return None
    world = {name: _to_world(head, position[None])[0] for name, position in landmarks.items()}
    return _frame_from_features(world, LANDMARK_PAIRS, LANDMARKS_ABOVE, LANDMARKS_BELOW, LANDMARKS, _mirrored(head))


def key_frame(head: bpy.types.Object, key_map: KeyMap | None = None) -> FaceFrame | None:
    """The axes the head's own ARKit keys give: each key's place is the centre of the vertices it moves (weighted by
    how far), in world space."""
    if head.type != "MESH" or head.data.shape_keys is None:
        return None
    keys = (key_map or key_map_for(head)).keys
    blocks = head.data.shape_keys.key_blocks
    wanted = {channel for pair in KEY_PAIRS for channel in pair} | set(KEYS_ABOVE) | set(KEYS_BELOW)
    places: dict[str, np.ndarray] = {}
    rest_cache: dict[str, np.ndarray] = {}
    for channel in sorted(wanted):
        for name in keys.get(channel, ())[:1]:
            block = blocks.get(name)
            if block is None or block.relative_key == block:
                continue
            place = _place(block, rest_cache)
            if place is not None:
                places[channel] = place
    if not places:
        return None
    world = {channel: _to_world(head, place[None])[0] for channel, place in places.items()}
    return _frame_from_features(world, KEY_PAIRS, KEYS_ABOVE, KEYS_BELOW, KEYS, _mirrored(head))


def _mirrored(head: bpy.types.Object) -> bool:
    """True when the head's world transform mirrors it (an odd number of negative scales on it or above it)."""
    return float(np.linalg.det(np.array(head.matrix_world, np.float64)[:3, :3])) < 0


def _coords(block: bpy.types.ShapeKey) -> np.ndarray:
    coords = np.empty(len(block.points) * 3, np.float32)
    block.points.foreach_get("co", coords)  # ``points``: the mesh-only view, far faster than ``data``
    return coords.reshape(-1, 3)


def _place(block: bpy.types.ShapeKey, rest_cache: dict[str, np.ndarray]) -> np.ndarray | None:
    """Mesh-local centre of the vertices ``block`` moves, weighted by how far; None for a key that moves nothing."""
    rest = rest_cache.get(block.relative_key.name)
    if rest is None:
        rest = rest_cache[block.relative_key.name] = _coords(block.relative_key)
    delta = _coords(block) - rest
    distance = np.sqrt(np.einsum("ij,ij->i", delta, delta))
    total = float(distance.sum())
    if not np.isfinite(total) or total <= 0:
        return None
    return (distance @ rest).astype(np.float64) / total


def _frame_from_features(world: dict[str, np.ndarray], pairs, above, below, source: str,
                         mirrored: bool) -> FaceFrame | None:
    """Left: the sum of each left-minus-right pair found; up: the mean of the features above minus those below."""
    found_pairs = [world[a] - world[b] for a, b in pairs if a in world and b in world]
    high = [world[n] for n in above if n in world]
    low = [world[n] for n in below if n in world]
    if not found_pairs or not high or not low:
        return None
    points = np.array(list(world.values()))
    spread = float(np.linalg.norm(points.max(axis=0) - points.min(axis=0)))
    return frame_from_axes(np.sum(found_pairs, axis=0), np.mean(high, axis=0) - np.mean(low, axis=0), spread, source,
                           mirrored)
