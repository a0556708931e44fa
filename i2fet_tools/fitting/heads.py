"""The heads of the any-head evaluation: real ones from the shared assets and ones the project builds from them.

Every head says where it comes from. Real: two ICT identities (remeshed, see ``synthetic``), the
MakeHuman base mesh (a whole body), MediaPipe's canonical face, the Demosthenes bust (a photoscan).
Built here, each from a real one by code in this file: a low-poly game head (the MakeHuman head,
decimated by vertex clustering), a stylised head (the MakeHuman head with big eyes, a large
cranium and a small jaw), a head in millimetres lying on its back, the bust upside down, and a whole
character: the MakeHuman head with its own eyeballs, teeth and tongue as separate meshes without keys.
All are placed as Blender would show them (Z up) unless the point is another placement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from ml_backend.fitting.fit import HeadPart
from ml_backend.fitting.foreign import makehuman_body, mediapipe_face, read_obj
from ml_backend.fitting.template import load_template
from ml_backend.paths import assets_root

from .synthetic import remeshed_identity

Y_UP_TO_Z_UP = Rotation.from_euler("x", 90, degrees=True).as_matrix()  # how Blender imports a Y-up OBJ
HEAD_SHARE = 0.14  # the top share of the MakeHuman body's height that holds its head
LOW_POLY_CELL = 0.16  # decimetres: the low-poly game head's decimation grid
IDENTITY_SEEDS = (3, 8)  # the two ICT identities' coefficients: normal(0, 1.5) draws from these seeds


@dataclass(frozen=True)
class NamedMesh:
    """One separate mesh of a character, named as Blender's OBJ importer names it (its OBJ group)."""

    name: str
    vertices: np.ndarray
    triangles: np.ndarray


@dataclass(frozen=True)
class EvalHead:
    name: str
    origin: str  # where it comes from, for the table
    part: HeadPart
    human: bool  # a human-proportioned face (the independent read's r >= 0.8 target applies)
    truth: np.ndarray | None = None  # K x N x 3 true expression offsets (mesh-local), where known (ICT identities)
    parts: tuple[NamedMesh, ...] = ()  # separate keyless meshes of a whole character (same frame as the head)


def _matrix(rotation: np.ndarray, scale: float) -> np.ndarray:
    matrix = np.eye(4)
    matrix[:3, :3] = rotation * scale
    return matrix


def compact(vertices: np.ndarray, triangles: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The triangles whose corners are all kept, with their vertices renumbered."""
    kept = triangles[keep[triangles].all(1)]
    used, inverse = np.unique(kept, return_inverse=True)
    return vertices[used], inverse.reshape(-1, 3)


def makehuman_head() -> tuple[np.ndarray, np.ndarray]:
    """The MakeHuman body's head and neck (its top 14%), in its own units (decimetres, Y up, face +Z)."""
    body = makehuman_body()
    height = body.vertices[:, 1]
    return compact(body.vertices, body.triangles, height > height.max() - HEAD_SHARE * np.ptp(height))


CHARACTER_PARTS = ("helper-l-eye", "helper-r-eye", "helper-upper-teeth", "helper-lower-teeth", "helper-tongue")


def makehuman_parts() -> tuple[NamedMesh, ...]:
    """The MakeHuman base mesh's own eyeballs, teeth rows and tongue (its helper groups), each a separate mesh in
    the body's units and frame, named by its group as Blender's OBJ importer (split by group) names them."""
    path = assets_root() / "makehuman" / "base.obj.xz"
    parts = []
    for group in CHARACTER_PARTS:
        mesh = read_obj(path, groups=(group,))
        parts.append(NamedMesh(group, mesh.vertices, mesh.triangles))
    return tuple(parts)


def cluster_decimate(vertices: np.ndarray, triangles: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """Vertex-clustering decimation: one vertex (the mean) per grid cell, collapsed triangles dropped."""
    low_vertices, low_triangles, _ = decimation(vertices, triangles, cell)
    return low_vertices, low_triangles


def decimation(vertices: np.ndarray, triangles: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``cluster_decimate`` and which decimated vertex each input vertex went into (-1: its cluster was dropped), so
    anything on the input's vertices (an expression) can be carried down the same way: the mean over each cluster."""
    keys = np.floor(vertices / cell).astype(np.int64)
    _, cluster = np.unique(keys, axis=0, return_inverse=True)
    cluster = cluster.reshape(-1)
    count = cluster.max() + 1
    centres = np.zeros((count, 3))
    np.add.at(centres, cluster, vertices)
    centres /= np.bincount(cluster, minlength=count)[:, None]
    new = cluster[triangles]
    distinct = (new[:, 0] != new[:, 1]) & (new[:, 1] != new[:, 2]) & (new[:, 0] != new[:, 2])
    new = new[distinct]
    _, first = np.unique(np.sort(new, axis=1), axis=0, return_index=True)
    kept = new[np.sort(first)]
    used, inverse = np.unique(kept, return_inverse=True)
    renumber = np.full(count, -1)
    renumber[used] = np.arange(len(used))
    return centres[used], inverse.reshape(-1, 3), renumber[cluster]


def decimate_offsets(offsets: np.ndarray, members: np.ndarray, count: int) -> np.ndarray:
    """K x N x 3 offsets on the input's vertices -> K x count x 3 on the decimated ones (each cluster's mean)."""
    kept = members >= 0
    sums = np.zeros((offsets.shape[0], count, 3))
    np.add.at(sums, (slice(None), members[kept]), offsets[:, kept])
    return sums / np.maximum(np.bincount(members[kept], minlength=count), 1)[None, :, None]


def stylise(vertices: np.ndarray) -> np.ndarray:
    """A cartoon version of the MakeHuman head (decimetres, Y up, face +Z): big eyes, a large cranium, a small jaw.

    The eye centres are the MakeHuman head's (found once with the face detector and written here, so
    the head is the same on every run).
    """
    eyes = (np.array([0.295, 7.265, 1.22]), np.array([-0.295, 7.265, 1.22]))
    points = vertices.copy()
    for eye in eyes:
        offset = points - eye
        points += 0.5 * offset * np.exp(-(offset ** 2).sum(1) / (2 * 0.2 ** 2))[:, None]
    centre = np.array([0.0, 7.27, 0.5])
    relative = points - centre
    above = 1.0 / (1.0 + np.exp(-(relative[:, 1] - 0.2) / 0.15))  # 0 below the eyes, 1 above
    relative[:, [0, 2]] *= (1.0 + 0.25 * above)[:, None]
    below = 1.0 / (1.0 + np.exp((relative[:, 1] + 0.45) / 0.12))  # 1 from the mouth down
    relative[:, 0] *= 1.0 - 0.25 * below
    relative[:, 1] += 0.15 * below * relative[:, 1]
    return centre + relative


def evaluation_heads() -> list[EvalHead]:
    """The evaluation's heads, in table order."""
    template = load_template()
    heads = []
    for i, (seed, rotation) in enumerate(zip(IDENTITY_SEEDS, ((90.0, 0.0, 0.0), (90.0, 0.0, 35.0)))):
        known = remeshed_identity(template, np.random.default_rng(seed).normal(0.0, 1.5, 40), 0.55, np.random.default_rng(seed + 1))
        matrix = _matrix(Rotation.from_euler("xyz", rotation, degrees=True).as_matrix(), 0.01)
        heads.append(EvalHead(f"ICT identity {i + 1}", "ICT FaceKit identity modes, remeshed (MIT)",
                              HeadPart(known.vertices, known.triangles, matrix, name=f"ict{i + 1}"), True,
                              known.true_deltas(template.model.deltas.astype(np.float64))))
    body = makehuman_body()
    heads.append(EvalHead("MakeHuman body", "MakeHuman hm08 base mesh, whole body (CC0)",
                          HeadPart(body.vertices, body.triangles, _matrix(Y_UP_TO_Z_UP, 0.1), name="makehuman"), True))
    face = mediapipe_face()
    heads.append(EvalHead("MediaPipe face", "MediaPipe canonical face, a face mask (Apache-2.0)",
                          HeadPart(face.vertices, face.triangles, _matrix(Y_UP_TO_Z_UP, 0.01), name="mediapipe"), True))
    bust = read_obj(assets_root() / "heads" / "demosthenes.obj.xz")
    heads.append(EvalHead("Demosthenes bust", "photoscanned marble bust by ryanfb (CC BY 4.0)",
                          HeadPart(bust.vertices, bust.triangles, _matrix(Y_UP_TO_Z_UP, 1.0), name="demosthenes"), True))
    head_vertices, head_triangles = makehuman_head()
    low_vertices, low_triangles = cluster_decimate(head_vertices, head_triangles, LOW_POLY_CELL)
    heads.append(EvalHead("Low-poly game head", f"built: MakeHuman head decimated to {len(low_vertices)} vertices",
                          HeadPart(low_vertices, low_triangles, _matrix(Y_UP_TO_Z_UP, 0.1), name="lowpoly"), True))
    heads.append(EvalHead("Stylised head", "built: MakeHuman head with big eyes, large cranium, small jaw",
                          HeadPart(stylise(head_vertices), head_triangles, _matrix(Y_UP_TO_Z_UP, 0.1), name="stylised"), False))
    heads.append(EvalHead("Lying, millimetres", "built: MakeHuman head in mm, lying on its back (face up)",
                          HeadPart(head_vertices * 100.0, head_triangles, np.eye(4), name="lying_mm"), True))
    upside_down = Rotation.from_euler("x", -90, degrees=True).as_matrix()
    heads.append(EvalHead("Bust upside down", "built: the Demosthenes bust turned upside down",
                          HeadPart(bust.vertices, bust.triangles, _matrix(upside_down, 1.0), name="bust_upside_down"), True))
    heads.append(character_head(head_vertices, head_triangles))
    return heads


def character_head(head_vertices: np.ndarray | None = None, head_triangles: np.ndarray | None = None) -> EvalHead:
    """A whole character: the MakeHuman head with its own eyeballs, teeth rows and tongue as separate keyless meshes,
    all Y-up data turned upright by an unapplied rotation and scale (as imported)."""
    if head_vertices is None or head_triangles is None:
        head_vertices, head_triangles = makehuman_head()
    return EvalHead("Separate eyes, teeth", "built: MakeHuman head + its own eyes, teeth, tongue as keyless "
                    "meshes (CC0)", HeadPart(head_vertices, head_triangles, _matrix(Y_UP_TO_Z_UP, 0.1),
                                             name="character"), True, parts=makehuman_parts())
