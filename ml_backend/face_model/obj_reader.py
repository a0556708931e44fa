"""A small, fast reader for the ICT FaceKit OBJ files (plain or xz-compressed)."""

from __future__ import annotations

import lzma
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class ObjMesh:
    """Polygon mesh as flat arrays (Blender's layout: loops grouped by face)."""

    vertices: np.ndarray  # V x 3 float32
    face_sizes: np.ndarray  # F int32
    face_vertices: np.ndarray  # sum(face_sizes) int32, 0-based
    uvs: np.ndarray  # UV x 2 float32
    face_uvs: np.ndarray  # sum(face_sizes) int32, 0-based (or empty)
    face_materials: np.ndarray  # F int32, index into material_names
    material_names: tuple[str, ...]


def _read_text(path: Path) -> str:
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return handle.read()


def read_vertices(path: Path) -> np.ndarray:
    """Only the ``v`` lines, as V x 3 float32: all a shape file contributes."""
    text = _read_text(path)
    rows = [line[2:] for line in text.splitlines() if line.startswith("v ")]
    return np.array(" ".join(rows).split(), dtype=np.float64).reshape(-1, 3).astype(np.float32)


def read_mesh(path: Path) -> ObjMesh:
    """Vertices, faces (with UV indices) and per-face material of an OBJ."""
    vertices, uvs, sizes, face_v, face_t, face_mat = [], [], [], [], [], []
    materials: list[str] = []
    current = 0
    for line in _read_text(path).splitlines():
        if line.startswith("v "):
            vertices.append(line[2:])
        elif line.startswith("vt "):
            uvs.append(" ".join(line[3:].split()[:2]))
        elif line.startswith("f "):
            corners = line[2:].split()
            sizes.append(len(corners))
            for corner in corners:
                parts = corner.split("/")
                face_v.append(int(parts[0]) - 1)
                face_t.append(int(parts[1]) - 1 if len(parts) > 1 and parts[1] else -1)
            face_mat.append(current)
        elif line.startswith("usemtl "):
            name = line[7:].strip()
            if name not in materials:
                materials.append(name)
            current = materials.index(name)
    return ObjMesh(
        vertices=np.array(" ".join(vertices).split(), dtype=np.float64).reshape(-1, 3).astype(np.float32),
        face_sizes=np.array(sizes, dtype=np.int32),
        face_vertices=np.array(face_v, dtype=np.int32),
        uvs=np.array(" ".join(uvs).split(), dtype=np.float32).reshape(-1, 2),
        face_uvs=np.array(face_t, dtype=np.int32) if min(face_t, default=-1) >= 0 else np.zeros(0, np.int32),
        face_materials=np.array(face_mat, dtype=np.int32),
        material_names=tuple(materials) or ("default",),
    )
