"""The ICT head as a fitting template: which triangles are skin, which are inside, where the landmarks are.

The fit deforms the template's skin (face and back of the head) onto the user's head; the
mouth socket, teeth and eyes follow that deformation and serve as targets for the user's own
mouth interior and for separate eye and teeth objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.sparse import csr_matrix

from ..face_model import FaceModel, load_face_model
from .mesh import graph_laplacian, triangulate, vertex_normals

SKIN_MATERIALS = ("M_Face", "M_BackHead")
MOUTH_MATERIALS = ("M_GumsTongue",)
INNER_MATERIALS = ("M_GumsTongue", "M_Teeth", "M_ScleraLeft", "M_IrisLeft", "M_ScleraRight", "M_IrisRight")

# Index into the ICT model's 68 fitting landmarks (the iBUG 68-point layout); "left" is the subject's left (+X).
LANDMARK_LAYOUT = {
    "eye_outer_right": 36, "eye_inner_right": 39, "eye_inner_left": 42, "eye_outer_left": 45,
    "nose_tip": 30, "mouth_corner_right": 48, "mouth_corner_left": 54, "chin": 8,
}
LANDMARK_NAMES: tuple[str, ...] = tuple(LANDMARK_LAYOUT)
LANDMARK_LABELS = {
    "eye_outer_right": "outer corner of the right eye", "eye_inner_right": "inner corner of the right eye",
    "eye_inner_left": "inner corner of the left eye", "eye_outer_left": "outer corner of the left eye",
    "nose_tip": "nose tip", "mouth_corner_right": "right mouth corner", "mouth_corner_left": "left mouth corner",
    "chin": "chin",
}


@dataclass(frozen=True)
class Template:
    """Arrays of the ICT template the fit needs (all vertex ids index the full ICT mesh)."""

    model: FaceModel
    triangles: np.ndarray  # T x 3, all triangles of the model
    skin_triangles: np.ndarray  # S x 3, face and back of head
    mouth_triangles: np.ndarray  # mouth socket (targets for a user's own mouth interior)
    inner_triangles: np.ndarray  # mouth socket, teeth, eyes (targets for separate parts)
    skin_vertices: np.ndarray  # ids of the skin vertices (sorted)
    skin_local_triangles: np.ndarray  # skin triangles re-indexed into skin_vertices
    skin_laplacian: csr_matrix  # over skin_vertices
    landmark_vertices: dict[str, int]
    neutral_normals: np.ndarray  # V x 3
    shape_modes: np.ndarray  # K x V x 3 identity modes without their similarity part (see shape_only_modes)

    @property
    def neutral(self) -> np.ndarray:
        return self.model.neutral.astype(np.float64)

    @property
    def interocular(self) -> float:
        """Outer-eye-corner distance of the neutral head (the face's natural length unit)."""
        left, right = self.landmark_vertices["eye_outer_left"], self.landmark_vertices["eye_outer_right"]
        return float(np.linalg.norm(self.neutral[left] - self.neutral[right]))

    def landmark_points(self, vertices: np.ndarray | None = None) -> np.ndarray:
        """Landmark positions (8, 3) on ``vertices`` (default: the neutral head), in LANDMARK_NAMES order."""
        source = self.neutral if vertices is None else vertices
        return np.array([source[self.landmark_vertices[n]] for n in LANDMARK_NAMES])


def shape_only_modes(neutral: np.ndarray, modes: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Identity modes minus their least-squares translation, rotation and uniform-scale parts (over the skin).

    ICT's first identity mode is about 90% a uniform scale: a larger head and a scaled head look
    the same, so the fit lets the similarity transform carry position, orientation and size
    (expressions then scale with the head) and the modes carry only the shape.
    """
    centre = neutral[skin].mean(0)
    offset = neutral - centre
    generators = [np.tile(axis, (len(neutral), 1)) for axis in np.eye(3)]
    generators += [np.cross(axis, offset) for axis in np.eye(3)]
    generators.append(offset)
    basis = np.stack([g[skin].reshape(-1) for g in generators], axis=1)  # 3S x 7
    full = np.stack([g.reshape(-1) for g in generators], axis=1)  # 3V x 7
    flat = modes.reshape(len(modes), -1)
    coeffs = np.linalg.lstsq(basis, modes[:, skin].reshape(len(modes), -1).T, rcond=None)[0]  # 7 x K
    return (flat - (full @ coeffs).T).reshape(modes.shape)


def _triangles_of(model: FaceModel, triangles: np.ndarray, tri_material: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    wanted = [model.material_names.index(n) for n in names if n in model.material_names]
    return triangles[np.isin(tri_material, wanted)]


@lru_cache(maxsize=1)
def load_template() -> Template:
    """The template built from the cached ICT face model."""
    return build_template(load_face_model())


def build_template(model: FaceModel) -> Template:
    """Split the ICT mesh into skin / mouth / inner triangle sets and index the landmarks."""
    sizes = model.face_sizes.astype(np.int64)
    triangles = triangulate(sizes, model.face_vertices)
    tri_material = np.repeat(model.face_materials, np.maximum(sizes - 2, 0))
    skin = _triangles_of(model, triangles, tri_material, SKIN_MATERIALS)
    skin_vertices = np.unique(skin)
    remap = np.full(model.num_vertices, -1, dtype=np.int64)
    remap[skin_vertices] = np.arange(len(skin_vertices))
    skin_local = remap[skin]
    landmarks = {name: int(model.landmark_vertices[i]) for name, i in LANDMARK_LAYOUT.items()}
    neutral = model.neutral.astype(np.float64)
    return Template(
        model=model, triangles=triangles, skin_triangles=skin,
        mouth_triangles=_triangles_of(model, triangles, tri_material, MOUTH_MATERIALS),
        inner_triangles=_triangles_of(model, triangles, tri_material, INNER_MATERIALS),
        skin_vertices=skin_vertices, skin_local_triangles=skin_local,
        skin_laplacian=graph_laplacian(len(skin_vertices), skin_local),
        landmark_vertices=landmarks, neutral_normals=vertex_normals(neutral, triangles),
        shape_modes=shape_only_modes(neutral, model.identity.astype(np.float64), skin_vertices),
    )
