"""Heads of foreign topology that ship as assets: the MediaPipe canonical face and the MakeHuman body.

Used by the fidelity/speed benchmark, the tests and the documentation figures.
"""

from __future__ import annotations

import lzma
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import AssetsMissingError
from ..paths import assets_root
from .mesh import triangulate


@dataclass(frozen=True)
class PolygonMesh:
    """Vertices (V, 3) and polygons in Blender's flat layout (sizes + corners)."""

    vertices: np.ndarray
    face_sizes: np.ndarray
    face_vertices: np.ndarray

    @property
    def triangles(self) -> np.ndarray:
        return triangulate(self.face_sizes, self.face_vertices)


def read_obj(path: Path, groups: tuple[str, ...] | None = None) -> PolygonMesh:
    """Read an OBJ (plain or .xz); with ``groups``, keep only faces of those ``g`` groups (vertices compacted)."""
    path = Path(path)
    if not path.is_file():
        raise AssetsMissingError(f"{path} is missing: it comes with the shared assets (see their README).")
    opener = lzma.open if path.suffix == ".xz" else open
    vertices, sizes, corners = [], [], []
    current = None
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("v "):
                vertices.append(line[2:].split()[:3])
            elif line.startswith("g "):
                current = line[2:].strip()
            elif line.startswith("f ") and (groups is None or current in groups):
                face = [int(c.split("/")[0]) for c in line[2:].split()]
                sizes.append(len(face))
                corners.extend(face)
    points = np.array(vertices, dtype=np.float64)
    flat = np.array(corners, dtype=np.int64)
    flat = np.where(flat < 0, flat + len(points), flat - 1)
    used, compact = np.unique(flat, return_inverse=True)
    return PolygonMesh(points[used], np.array(sizes, dtype=np.int64), compact.astype(np.int64))


def mediapipe_face() -> PolygonMesh:
    """MediaPipe's canonical face (468 vertices, centimetres, Y up, looking along +Z)."""
    return read_obj(assets_root() / "mediapipe" / "canonical_face_model.obj")


def makehuman_body() -> PolygonMesh:
    """The MakeHuman hm08 base mesh's skin (the ``body`` group: a full body with its head; Y up)."""
    return read_obj(assets_root() / "makehuman" / "base.obj.xz", groups=("body",))
