"""The ICT FaceKit face as a linear blendshape model: weights in, vertex offsets out.

Like smplx, the model data are fixed arrays and the coefficients are arguments; applying the
expression basis is one matrix product. The same arithmetic is what Blender does with relative
shape keys (basis + sum of value x (key - basis)), so offsets match the viewport.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..naming.arkit import ARKIT_NAMES, NUM_CHANNELS
from ..errors import AssetsMissingError
from .pack import PACK_FORMAT, Progress, ensure_pack, verify_pack

# Material colours of the default head (linear RGB), by ICT material name.
MATERIAL_COLORS = {
    "M_Face": (0.62, 0.42, 0.33), "M_BackHead": (0.62, 0.42, 0.33), "M_GumsTongue": (0.45, 0.08, 0.1),
    "M_Teeth": (0.85, 0.82, 0.75), "M_ScleraLeft": (0.9, 0.88, 0.85), "M_ScleraRight": (0.9, 0.88, 0.85),
    "M_IrisLeft": (0.18, 0.11, 0.06), "M_IrisRight": (0.18, 0.11, 0.06), "M_EyeLashes": (0.02, 0.015, 0.01),
}
HIDDEN_MATERIALS = ("M_LacrimalFluid", "M_EyeBlend", "M_EyeOcclusion", "M_EyeLashes")  # need alpha textures


@dataclass(frozen=True)
class FaceModel:
    """Neutral mesh, expression deltas (ARKit order) and identity modes of the ICT face."""

    neutral: np.ndarray  # V x 3
    deltas: np.ndarray  # 52 x V x 3
    has_shape: np.ndarray  # 52 bool: False for tongueOut
    identity: np.ndarray  # K x V x 3
    face_sizes: np.ndarray  # F
    face_vertices: np.ndarray  # sum(face_sizes)
    uvs: np.ndarray  # UV x 2
    face_uvs: np.ndarray  # sum(face_sizes) (or empty)
    face_materials: np.ndarray  # F
    material_names: tuple[str, ...]
    landmark_vertices: np.ndarray  # 68 vertex indices (upstream fitting landmarks)

    @property
    def num_vertices(self) -> int:
        return int(self.neutral.shape[0])

    @property
    def channels_with_shapes(self) -> tuple[str, ...]:
        """ARKit names this face can show (all but tongueOut)."""
        return tuple(n for n, ok in zip(ARKIT_NAMES, self.has_shape) if ok)

    def offsets(self, weights: np.ndarray) -> np.ndarray:
        """Vertex offsets for a weight vector (52,) -> V x 3, or a trajectory (T, 52) -> T x V x 3."""
        weights = np.asarray(weights, dtype=np.float32)
        if weights.shape[-1] != NUM_CHANNELS:
            raise ValueError(f"expected {NUM_CHANNELS} ARKit weights, got shape {weights.shape}")
        flat = self.deltas.reshape(NUM_CHANNELS, -1)  # 52 x 3V
        return (weights.reshape(-1, NUM_CHANNELS) @ flat).reshape(weights.shape[:-1] + self.neutral.shape)

    def vertices(self, weights: np.ndarray, identity_coeffs: np.ndarray | None = None) -> np.ndarray:
        """Posed vertices: neutral (+ identity modes) + expression offsets."""
        base = self.neutral
        if identity_coeffs is not None:
            coeffs = np.asarray(identity_coeffs, dtype=np.float32)
            base = base + np.tensordot(coeffs, self.identity[: len(coeffs)], axes=1)
        return base + self.offsets(weights)


def load_pack(path: Path) -> FaceModel:
    """Read a pack file written by :func:`build_pack`."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format_version"]) != PACK_FORMAT:
                raise AssetsMissingError(f"{path} is a face pack of format {int(data['format_version'])}, expected {PACK_FORMAT}: delete it to rebuild.")
            arrays = verify_pack({k: data[k] for k in data.files}, path)
            arrays.pop("format_version")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise AssetsMissingError(f"The face model pack {path} is unreadable ({error}): delete it to rebuild.") from error
    arrays["material_names"] = tuple(str(n) for n in arrays["material_names"])
    return FaceModel(**arrays)


@lru_cache(maxsize=2)
def _load_cached(path: str) -> FaceModel:
    return load_pack(Path(path))


def load_face_model(path: Path | None = None, progress: Progress | None = None) -> FaceModel:
    """The ICT face model, from a pack file or the cache (built from the assets on first use)."""
    return _load_cached(str(Path(path) if path is not None else ensure_pack(progress)))
