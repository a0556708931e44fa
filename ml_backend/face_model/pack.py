"""Convert the ICT FaceKit OBJs into one compact runtime pack (an .npz cache, built once).

The pack holds the neutral mesh with its faces, UVs and materials, the expression deltas in
ARKit order (52 x V x 3; ICT's ``browInnerUp_L/_R`` and ``cheekPuff_L/_R`` pairs are summed into
ARKit's single channels; ``tongueOut`` has no ICT shape, its row is zero and ``has_shape`` says so),
and the first identity modes (K x V x 3). It is plain arrays, loaded with ``allow_pickle=False``,
with the SHA-256 of their content (``content_sha256``) checked at every load: a damaged pack is
refused with a message naming the file and the fix, never turned into a wrong face.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import numpy as np

from ..naming.arkit import ARKIT_NAMES, INDEX, canonical_name
from ..errors import AssetsMissingError
from ..export.atomic import atomic_write
from ..paths import cache_dir, ict_folder
from .obj_reader import read_mesh, read_vertices

PACK_FORMAT = 1
PACK_NAME = f"ict_facekit_pack_v{PACK_FORMAT}.npz"
NUM_IDENTITY_MODES = 40
HASH_KEY = "content_sha256"  # SHA-256 of every other array, verified at load
REBUILD_COMMAND = "python -m ml_backend build-pack"
_PAIRED = {"browInnerUp_L": "browInnerUp", "browInnerUp_R": "browInnerUp",
           "cheekPuff_L": "cheekPuff", "cheekPuff_R": "cheekPuff"}

Progress = Callable[[str, float], None]


def arkit_name_for_ict(ict_name: str) -> str:
    """ARKit channel an ICT expression shape contributes to."""
    name = _PAIRED.get(ict_name) or canonical_name(ict_name)
    if name is None:
        raise AssetsMissingError(f"Unknown ICT expression shape '{ict_name}': is this the ICT FaceKit FaceXModel folder?")
    return name


def _find(folder: Path, stem: str) -> Path:
    for suffix in (".obj.xz", ".obj"):
        path = folder / f"{stem}{suffix}"
        if path.is_file():
            return path
    raise AssetsMissingError(f"{stem}.obj(.xz) is missing from {folder}: the ICT FaceKit folder is incomplete.")


def build_pack(folder: Path | None = None, out: Path | None = None, progress: Progress | None = None) -> Path:
    """Read the ICT OBJs and write the runtime pack; returns its path."""
    folder = ict_folder(folder)
    out = Path(out) if out is not None else cache_dir() / PACK_NAME
    report = progress or (lambda message, fraction: None)
    names = json.loads((folder / "vertex_indices.json").read_text())["expressions"]
    identity_stems = [f"identity{i:03d}" for i in range(NUM_IDENTITY_MODES)]
    identity_stems = [s for s in identity_stems if any((folder / f"{s}{x}").is_file() for x in (".obj.xz", ".obj"))]

    report("reading the neutral mesh", 0.0)
    mesh = read_mesh(_find(folder, "generic_neutral_mesh"))
    neutral = mesh.vertices
    stems = list(names) + identity_stems
    shapes: dict[str, np.ndarray] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        futures = {stem: pool.submit(read_vertices, _find(folder, stem)) for stem in stems}
        for done, stem in enumerate(stems, 1):
            shapes[stem] = futures[stem].result()
            if shapes[stem].shape != neutral.shape:
                raise AssetsMissingError(f"{stem} has {len(shapes[stem])} vertices, the neutral mesh {len(neutral)}.")
            report(f"reading shapes ({done}/{len(stems)})", done / len(stems))

    deltas = np.zeros((len(ARKIT_NAMES),) + neutral.shape, dtype=np.float32)
    has_shape = np.zeros(len(ARKIT_NAMES), dtype=bool)
    for ict_name in names:
        channel = INDEX[arkit_name_for_ict(ict_name)]
        deltas[channel] += shapes[ict_name] - neutral
        has_shape[channel] = True
    identity = np.stack([shapes[s] - neutral for s in identity_stems]) if identity_stems else np.zeros((0,) + neutral.shape, np.float32)
    indices = json.loads((folder / "vertex_indices.json").read_text())

    arrays = {
        "format_version": np.int32(PACK_FORMAT),
        "neutral": neutral,
        "deltas": deltas.astype(np.float32),
        "has_shape": has_shape,
        "identity": identity.astype(np.float32),
        "face_sizes": mesh.face_sizes,
        "face_vertices": mesh.face_vertices,
        "uvs": mesh.uvs,
        "face_uvs": mesh.face_uvs,
        "face_materials": mesh.face_materials,
        "material_names": np.array(mesh.material_names, dtype=np.str_),
        "landmark_vertices": np.array(indices.get("idx_to_landmark_verts", []), dtype=np.int32),
    }
    with atomic_write(out, "wb") as handle:
        np.savez(handle, **arrays, **{HASH_KEY: np.array(content_sha256(arrays))})
    report("face model pack written", 1.0)
    return out


def content_sha256(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 of a pack's content: each array's name, dtype, shape and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(k for k in arrays if k != HASH_KEY):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{array.dtype.str}|{array.shape}|".encode("utf-8"))
        digest.update(array.tobytes())
    return digest.hexdigest()


def verify_pack(arrays: dict[str, np.ndarray], path: Path) -> dict[str, np.ndarray]:
    """The pack's arrays without the hash, once their content matches the SHA-256 recorded in the pack."""
    if HASH_KEY not in arrays:
        raise AssetsMissingError(f"The face model pack {path} records no SHA-256 of its content (an older build), so "
                                 f"it cannot be verified: delete it to rebuild it ({REBUILD_COMMAND}).")
    recorded = str(arrays[HASH_KEY])
    actual = content_sha256(arrays)
    if recorded != actual:
        raise AssetsMissingError(f"The face model pack {path} is damaged: its content does not match the SHA-256 "
                                 f"recorded in it ({recorded[:12]}…, now {actual[:12]}…). Delete it to rebuild it "
                                 f"({REBUILD_COMMAND}), or reinstall the add-on.")
    return {k: v for k, v in arrays.items() if k != HASH_KEY}


def _has_hash(path: Path) -> bool:
    """Whether a pack file records its content hash (read from the zip's table of contents only)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return HASH_KEY in data.files
    except (OSError, ValueError, zipfile.BadZipFile):
        return False


def pack_path() -> Path:
    """Where the runtime pack lives (it may not exist yet)."""
    configured = os.environ.get("I2FET_FACE_PACK")
    return Path(configured).expanduser() if configured else cache_dir() / PACK_NAME


def ensure_pack(progress: Progress | None = None) -> Path:
    """The runtime pack, built from the ICT assets on first use."""
    path = pack_path()
    ours = path == cache_dir() / PACK_NAME
    if not path.is_file() or (ours and not _has_hash(path)):  # our own cache from before packs carried a hash
        build_pack(out=path, progress=progress)
    return path
