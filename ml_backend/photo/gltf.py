"""Write the photo head as binary glTF 2.0 (.glb): mesh, UVs, embedded texture, 51 ARKit-named morph targets.

Written with numpy + json rather than pygltflib: a GLB is a 12-byte header, one JSON chunk and
one binary chunk, and writing it ourselves keeps the extension free of another dependency. Morph
targets are sparse accessors (most of the 51 shapes move a small region), which keeps the file
small; their names go to ``mesh.extras.targetNames`` (what Blender, three.js and Unity read) and
the photo's expression to ``mesh.weights``. Units are metres (ICT's centimetres x 0.01); glTF's
axes (y up, the face looking along +z) are ICT's own.
"""

from __future__ import annotations

import io
import json
import os
import struct
from pathlib import Path

import numpy as np

from ..naming.arkit import ARKIT_NAMES
from .head import PhotoHead

SCALE = 0.01  # cm -> m
FLOAT, UINT32 = 5126, 5125
ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER = 34962, 34963
SPARSE_EPSILON = 1e-7  # metres: smaller morph offsets are left out


class _Buffer:
    """The binary chunk being assembled: bufferViews and accessors appended in order."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.views: list[dict] = []
        self.accessors: list[dict] = []

    def view(self, payload: bytes, target: int | None = None) -> int:
        self.data += b"\0" * (-len(self.data) % 4)
        entry = {"buffer": 0, "byteOffset": len(self.data), "byteLength": len(payload)}
        if target is not None:
            entry["target"] = target
        self.data += payload
        self.views.append(entry)
        return len(self.views) - 1

    def accessor(self, array: np.ndarray, kind: str, target: int | None = None, bounds: bool = False) -> int:
        component = UINT32 if array.dtype == np.uint32 else FLOAT
        entry = {"bufferView": self.view(np.ascontiguousarray(array).tobytes(), target), "componentType": component,
                 "count": int(len(array)), "type": kind}
        if bounds:
            entry["min"] = [float(x) for x in array.min(0)]
            entry["max"] = [float(x) for x in array.max(0)]
        self.accessors.append(entry)
        return len(self.accessors) - 1

    def sparse_vec3(self, offsets: np.ndarray) -> int:
        """A VEC3 float accessor that is zero except where ``offsets`` (N x 3) is not."""
        changed = np.flatnonzero(np.abs(offsets).max(1) > SPARSE_EPSILON)
        if not len(changed):
            changed = np.array([0])
        values = offsets[changed].astype(np.float32)
        entry = {"componentType": FLOAT, "count": int(len(offsets)), "type": "VEC3",
                 "min": [float(min(0.0, x)) for x in values.min(0)], "max": [float(max(0.0, x)) for x in values.max(0)],
                 "sparse": {"count": int(len(changed)),
                            "indices": {"bufferView": self.view(changed.astype(np.uint32).tobytes()), "componentType": UINT32},
                            "values": {"bufferView": self.view(values.tobytes())}}}
        self.accessors.append(entry)
        return len(self.accessors) - 1


def _split_by_uv(head: PhotoHead) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """glTF vertices carry one UV: split mesh vertices at UV seams. Returns source vertex per glTF vertex, UVs, triangles."""
    topology = head.topology
    corner_vertex = topology.triangles.reshape(-1)
    corner_uv = np.round(topology.triangle_uvs.reshape(-1, 2), 6)
    keys = np.column_stack([corner_vertex.astype(np.float64), corner_uv])
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    return unique[:, 0].astype(np.int64), unique[:, 1:], inverse.reshape(-1, 3).astype(np.uint32)


def _texture_bytes(texture: np.ndarray) -> bytes:
    from PIL import Image

    stream = io.BytesIO()
    Image.fromarray(texture).save(stream, format="JPEG", quality=92)
    return stream.getvalue()


def glb_bytes(head: PhotoHead, name: str = "Head from photo") -> bytes:
    """The head as a GLB file's bytes."""
    source, uvs, triangles = _split_by_uv(head)
    positions = (head.vertices[source] * SCALE).astype(np.float32)
    normals = head.topology.normals(head.vertices)[source].astype(np.float32)
    texcoords = np.column_stack([uvs[:, 0], 1.0 - uvs[:, 1]]).astype(np.float32)  # glTF: v down
    buffer = _Buffer()
    attributes = {"POSITION": buffer.accessor(positions, "VEC3", ARRAY_BUFFER, bounds=True),
                  "NORMAL": buffer.accessor(normals, "VEC3", ARRAY_BUFFER),
                  "TEXCOORD_0": buffer.accessor(texcoords, "VEC2", ARRAY_BUFFER)}
    indices = buffer.accessor(triangles.reshape(-1), "SCALAR", ELEMENT_ARRAY_BUFFER)
    model = head.topology.model
    channels = [i for i in range(len(ARKIT_NAMES)) if model.has_shape[i]]
    deltas = head.deltas
    targets = [{"POSITION": buffer.sparse_vec3(deltas[i][source] * SCALE)} for i in channels]
    image_view = buffer.view(_texture_bytes(head.texture))
    document = {
        "asset": {"version": "2.0", "generator": "I2FET head-from-photo"},
        "scene": 0, "scenes": [{"nodes": [0]}],
        "nodes": [{"name": name, "mesh": 0}],
        "meshes": [{"name": name, "primitives": [{"attributes": attributes, "indices": indices, "material": 0,
                                                   "targets": targets}],
                    "weights": [float(head.weights[i]) for i in channels],
                    "extras": {"targetNames": [ARKIT_NAMES[i] for i in channels]}}],
        "materials": [{"name": f"{name} skin", "pbrMetallicRoughness": {
            "baseColorTexture": {"index": 0}, "metallicFactor": 0.0, "roughnessFactor": 0.6}}],
        "textures": [{"sampler": 0, "source": 0}],
        "samplers": [{"magFilter": 9729, "minFilter": 9987, "wrapS": 33071, "wrapT": 33071}],
        "images": [{"bufferView": image_view, "mimeType": "image/jpeg", "name": f"{name} texture"}],
        "accessors": buffer.accessors, "bufferViews": buffer.views,
        "buffers": [{"byteLength": len(buffer.data) + (-len(buffer.data) % 4)}],
    }
    text = json.dumps(document, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 4)
    binary = bytes(buffer.data) + b"\0" * (-len(buffer.data) % 4)
    total = 12 + 8 + len(text) + 8 + len(binary)
    return (struct.pack("<III", 0x46546C67, 2, total) + struct.pack("<II", len(text), 0x4E4F534A) + text
            + struct.pack("<II", len(binary), 0x004E4942) + binary)


def write_glb(path: str | os.PathLike, head: PhotoHead, name: str = "Head from photo") -> Path:
    """Write the GLB atomically (a temporary file renamed into place: no half-written file on failure)."""
    path = Path(path)
    data = glb_bytes(head, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
