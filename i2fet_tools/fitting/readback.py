"""Renders a face reader can read: lit skin, dark eyes in white eyeballs, a dark mouth, the face framed the same way.

MediaPipe's blendshape scores come from the landmarks it places, and it places eyelid and lip
landmarks well only on a face that looks like one: plain grey heads without eyes or a mouth
interior read about as well as a statue. Every head of the evaluation is therefore dressed the
same way for its read, neutral and expressions alike:

- its surface (the head's own triangles) in a skin colour under a key light and a fill light;
  triangles seen from behind (the inside of the head through an open mouth, a mouth bag) are drawn
  in a dark mouth-interior colour, so an opening mouth shows a dark gap as a real one does;
- the template's eyeballs (white sclera, dark iris), placed where the fit puts them (the default
  head: its own), and not moved by any expression: lids close over them or they do not; an eye
  sculpted shut (the surface lies over the eyeball's front, as on a statue) gets none;
- a whole character's own separate parts instead (``character_stage``): its eyeballs, coloured as above, and its
  teeth and tongue, each where Blender shows it in that pose (they turn with the jaw and the gaze);
- a camera framing the fitted template's face (the same template vertices for every head), so
  every face fills the picture the same way whatever the mesh around it.

A read is the mean of MediaPipe's 52 scores over a few views and lights (``VIEWS``, ``LIGHTS``):
one render's read jitters, the mean over nearby views is what the face shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial.transform import Rotation

from ml_backend.fitting.mesh import triangulate, vertex_normals
from ml_backend.fitting.template import Template
from ml_backend.fitting.views import look
from ml_backend.naming.arkit import ARKIT_NAMES

SIZE = 320
SKIN = np.array([214.0, 170.0, 145.0])
INTERIOR = np.array([70.0, 28.0, 30.0])
SCLERA = np.array([232.0, 228.0, 222.0])
IRIS = np.array([52.0, 36.0, 28.0])
BACKGROUND = np.array([96.0, 104.0, 112.0])
PUPIL = np.array([12.0, 10.0, 10.0])
TEETH = np.array([236.0, 232.0, 218.0])
TONGUE = np.array([172.0, 84.0, 86.0])
IRIS_RADIUS = 0.42  # of the eyeball's radius, seen along its axis (an 11.7 mm iris on a 24 mm eye)
PUPIL_RADIUS = 0.16
SHUT_DEPTH = 1.5  # template units (cm): surface this close behind an eyeball's front: carved shut (open: socket ~3 behind)
FEATURES = (-6.5, 6.0, 5.5)  # template frame: above the chin, below the brows, inside the outer eye corners (y, y, |x|)
CAVITY_BLUR = 0.02  # of the image side: the neighbourhood a pixel's depth is compared with
CAVITY_DEPTH = 0.02  # of the face's height: a pixel this far behind its surroundings starts to darken (fully at 3x)
EYEBALL_MATERIALS = ("M_IrisLeft", "M_IrisRight")  # ICT's eyeball meshes (the "sclera" meshes are the clear cornea)
VIEWS = ((0.0, 0.0), (-10.0, 0.0), (10.0, 0.0))  # (yaw, pitch) degrees around the face's centre
OTHER_VIEWS = ((-5.0, -6.0), (5.0, -6.0), (0.0, 6.0))  # another set, for the read's own stability (the sanity row)
LIGHTS = (  # (key light direction in camera terms: right, up, toward the camera; ambient share)
    (np.array([-0.45, 0.55, 1.0]), 0.30),
    (np.array([0.35, 0.35, 1.0]), 0.40),
)


@dataclass(frozen=True)
class Eyes:
    """The template's eyeballs (ICT's "iris" meshes: the ball inside the clear cornea): vertex ids, triangles, sides."""

    ids: np.ndarray  # M template vertex ids
    triangles: np.ndarray  # T x 3 into ids
    side: np.ndarray  # M: 0 the left eyeball, 1 the right


def template_eyes(template: Template) -> Eyes:
    """The two eyeballs of the ICT template."""
    model = template.model
    sizes = model.face_sizes.astype(np.int64)
    triangles = triangulate(sizes, model.face_vertices)
    material = np.repeat(model.face_materials, np.maximum(sizes - 2, 0))
    names = model.material_names
    balls = [triangles[material == names.index(n)] for n in EYEBALL_MATERIALS]
    ids, local = np.unique(np.concatenate(balls), return_inverse=True)
    side = np.isin(ids, np.unique(balls[1])).astype(np.int64)
    return Eyes(ids, local.reshape(-1, 3), side)


def eye_colours(eyes: Eyes, eye_points: np.ndarray, points: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Sclera, iris or pupil colour (P x 3) of eyeball surface ``points`` (template frame; the eyes look along +Z)."""
    colours = np.empty((len(points), 3))
    for s in np.unique(eyes.side):
        ball = eye_points[eyes.side == s]
        centre = ball.mean(0)
        pole = ball[np.argmax(ball[:, 2])]
        radius = max(float(np.linalg.norm(pole - centre)), 1e-9)
        axis = (pole - centre) / radius
        here = side == s
        offset = points[here] - centre
        along = offset @ axis
        radial = np.linalg.norm(offset - along[:, None] * axis, axis=1) / radius
        front = along > 0
        colour = np.where((front & (radial < IRIS_RADIUS))[:, None], IRIS, SCLERA)
        colour[front & (radial < PUPIL_RADIUS)] = PUPIL
        colours[here] = colour
    return colours


def face_vertices(template: Template) -> np.ndarray:
    """Template skin vertex ids of the face (below the brows' top, above the chin's bottom, in front of the ears)."""
    points = template.neutral[template.skin_vertices]
    box = (points[:, 1] > -10.5) & (points[:, 1] < 8.5) & (points[:, 2] > 3.0) & (np.abs(points[:, 0]) < 9.0)
    return template.skin_vertices[box]


@dataclass(frozen=True)
class Stage:
    """One head dressed for reading: its triangles, outward sign, eyeballs and the face points to frame."""

    triangles: np.ndarray  # F x 3 (the head's own)
    outward: float  # +1 when the head's triangles wind outward, -1 when inside out
    eye_points: np.ndarray  # M x 3 template frame
    eyes: Eyes
    framed: np.ndarray  # points (template frame) the camera frames
    features: np.ndarray  # points (template frame) spanning eyes, nose and mouth: where cavities are shaded
    part_points: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))  # a character's teeth, tongue (rest)
    part_triangles: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int64))  # into part_points
    part_colours: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))  # one colour per part triangle


def stage(points: np.ndarray, triangles: np.ndarray, fitted: np.ndarray, template: Template, eyes: Eyes) -> Stage:
    """Dress a head (``points`` in the template frame) with the eyeballs and framing of its fitted template ``fitted``."""
    corners = points[triangles]
    normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    centre = corners.mean(1)
    front = (centre[:, 2] > 3.0) & (np.abs(centre[:, 0]) < 6.0) & (np.abs(centre[:, 1]) < 8.0)
    outward = 1.0 if normals[front, 2].sum() >= 0 else -1.0
    face = fitted[face_vertices(template)]
    rest = template.neutral[face_vertices(template)]
    features = face[(rest[:, 1] > FEATURES[0]) & (rest[:, 1] < FEATURES[1]) & (np.abs(rest[:, 0]) < FEATURES[2])]
    balls = fitted[eyes.ids]
    open_eyes = [side for side in (0, 1)
                 if (eyes.side == side).any() and not carved_shut(points, triangles, balls[eyes.side == side])]
    shown = open_eyes_only(eyes, open_eyes)
    return Stage(np.asarray(triangles), outward, fitted[shown.ids], shown, face, features)


def character_stage(points: np.ndarray, triangles: np.ndarray, fitted: np.ndarray, template: Template,
                    eyeballs: list[tuple[np.ndarray, np.ndarray, int]],
                    others: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> Stage:
    """Dress a head with its character's own parts: ``eyeballs`` (points, triangles, side 0 left / 1 right) and
    ``others`` (points, triangles, colour: teeth, tongue), all at rest in the template frame; framed as ``stage``."""
    base = stage(points, triangles, fitted, template, Eyes(np.zeros(0, np.int64), np.zeros((0, 3), np.int64),
                                                             np.zeros(0, np.int64)))
    eye_points, eye_triangles, sides = _concatenate([(p, t) for p, t, _ in eyeballs])
    side = np.concatenate([np.full(len(p), s, np.int64) for p, _, s in eyeballs]) if eyeballs else sides
    part_points, part_triangles, owner = _concatenate([(p, t) for p, t, _ in others])
    colours = np.array([others[i][2] for i in owner]) if len(owner) else np.zeros((0, 3))
    eyes = Eyes(np.arange(len(eye_points)), eye_triangles, side)
    return Stage(base.triangles, base.outward, eye_points, eyes, base.framed, base.features, part_points,
                 part_triangles, colours)


def _concatenate(meshes: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Meshes as one: points, triangles (renumbered) and each triangle's mesh index."""
    points, triangles, owner, count = [np.zeros((0, 3))], [np.zeros((0, 3), np.int64)], [np.zeros(0, np.int64)], 0
    for i, (p, t) in enumerate(meshes):
        points.append(np.asarray(p, np.float64))
        triangles.append(np.asarray(t, np.int64) + count)
        owner.append(np.full(len(t), i, np.int64))
        count += len(p)
    return np.concatenate(points), np.concatenate(triangles), np.concatenate(owner)


def carved_shut(points: np.ndarray, triangles: np.ndarray, ball: np.ndarray) -> bool:
    """Whether the head's surface lies over this eyeball's front (an eye sculpted shut: a statue's carved eye).

    The ray along -Z through the eyeball's front pole meets the head's surface at most SHUT_DEPTH behind the
    pole when the eye is sculpted shut; through an open eye it passes the lids and meets only the socket behind.
    Surface in front of the pole does not count: it hides the eyeball in the render anyway.
    """
    pole = ball[np.argmax(ball[:, 2])]
    a, b, c = (points[triangles[:, i]] for i in range(3))
    area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
    usable = np.abs(area) > 1e-12
    safe = np.where(usable, area, 1.0)
    w1 = ((pole[0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (pole[1] - a[:, 1]) * (c[:, 0] - a[:, 0])) / safe
    w2 = ((b[:, 0] - a[:, 0]) * (pole[1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (pole[0] - a[:, 0])) / safe
    hit = usable & (w1 >= 0) & (w2 >= 0) & (w1 + w2 <= 1)
    depth = a[hit, 2] + w1[hit] * (b[hit, 2] - a[hit, 2]) + w2[hit] * (c[hit, 2] - a[hit, 2])
    return bool(((depth > pole[2] - SHUT_DEPTH) & (depth <= pole[2])).any())


def open_eyes_only(eyes: Eyes, sides: list[int]) -> Eyes:
    """The eyeballs of ``sides`` only (0 left, 1 right)."""
    keep = np.isin(eyes.side, sides)
    triangles = eyes.triangles[keep[eyes.triangles].all(1)]
    remap = np.cumsum(keep) - 1
    return Eyes(eyes.ids[keep], remap[triangles], eyes.side[keep])


def camera(stage_: Stage, yaw: float, pitch: float):
    """A view of the framed face from the front (template frame: the face looks along +Z, Y up), turned."""
    turn = Rotation.from_euler("yx", [yaw, pitch], degrees=True).as_matrix()
    return look(turn @ np.array([0.0, 0.0, -1.0]), turn @ np.array([0.0, 1.0, 0.0]), stage_.framed, SIZE)


def render(stage_: Stage, points: np.ndarray, view, light: np.ndarray, ambient: float,
           posed: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """One picture of the dressed head with its surface at ``points`` (template frame); ``posed``: a character's
    eyeballs and other parts as they stand in this pose (None: at rest)."""
    from ml_backend.photo.raster import rasterize

    eyes = stage_.eyes
    eye_points, part_points = posed if posed is not None else (stage_.eye_points, stage_.part_points)
    count = len(points)
    parts_from = len(stage_.triangles) + len(eyes.triangles)
    vertices = np.concatenate([points, eye_points, part_points])
    triangles = np.concatenate([stage_.triangles, eyes.triangles + count,
                                stage_.part_triangles + count + len(eye_points)])
    pixels, depth = view.project(vertices)
    visible = (depth[triangles] > 0).all(1)
    shown = np.flatnonzero(visible)
    frags = rasterize(pixels, depth, triangles[shown], view.size, view.size, cull_back=False)
    mask = frags.mask
    tri = shown[frags.triangle[mask]]
    head = tri < len(stage_.triangles)
    toward = -view.forward
    normals = np.concatenate([stage_.outward * vertex_normals(points, stage_.triangles),
                              vertex_normals(eye_points, eyes.triangles),
                              vertex_normals(part_points, stage_.part_triangles)])
    normal = np.einsum("pk,pkd->pd", frags.barycentric[mask], normals[triangles[tri]])
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
    behind = head & (normal @ toward < 0)  # the inside of the head (smooth normals: a stray flipped triangle is not)
    normal *= np.where(normal @ toward < 0, -1.0, 1.0)[:, None]
    direction = view.rotation.T @ (np.asarray(light, np.float64) * np.array([1.0, -1.0, -1.0]))  # camera -> world
    direction /= np.linalg.norm(direction)
    fill = -view.rotation[0] * np.sign(direction @ view.rotation[0] + 1e-9) + toward
    fill /= np.linalg.norm(fill)
    shade = ambient + (1 - ambient) * (0.8 * np.clip(normal @ direction, 0, 1) + 0.2 * np.clip(normal @ fill, 0, 1))
    colour = np.tile(SKIN, (len(tri), 1))
    part = tri >= parts_from
    eye = ~head & ~part
    if eye.any():
        surface = np.einsum("pk,pkd->pd", frags.barycentric[mask][eye], vertices[triangles[tri[eye]]])
        colour[eye] = eye_colours(eyes, eye_points, surface, eyes.side[triangles[tri[eye], 0] - count])
    colour[part] = stage_.part_colours[tri[part] - parts_from]
    colour[behind] = INTERIOR
    shade[behind] = 0.6 + 0.4 * shade[behind]
    hollow = cavity(frags.depth, mask, stage_, view)[mask] * head  # the mouth's inside, deep in its opening
    colour = colour + hollow[:, None] * (INTERIOR - colour)
    shade = shade * (1.0 - 0.5 * hollow)
    image = np.empty((view.size, view.size, 3), np.float32)
    image[:] = BACKGROUND
    image[mask] = colour * shade[:, None]
    return np.clip(image, 0, 255).astype(np.uint8)


def cavity(depth: np.ndarray, mask: np.ndarray, stage_: Stage, view) -> np.ndarray:
    """Per pixel 0..1: how far the surface lies behind its surroundings (depth minus its masked blur), a cheap
    screen-space occlusion. Flat and sloped skin reads 0; an open mouth's inside, deep behind the lips, reads 1;
    the head's outline (surface on one side only) and everything outside the eyes, nose and mouth (the shadow
    under the chin) are left alone."""
    from scipy.ndimage import gaussian_filter

    weight = gaussian_filter(mask.astype(np.float64), CAVITY_BLUR * view.size)
    filled = np.where(mask, depth, 0.0)
    around = gaussian_filter(filled, CAVITY_BLUR * view.size) / np.maximum(weight, 1e-6)
    unit = CAVITY_DEPTH * float(np.ptp(stage_.framed[:, 1]))
    enclosed = np.clip((weight - 0.9) / 0.08, 0.0, 1.0)  # surrounded by surface: not the head's outline
    corners, _ = view.project(stage_.features)
    (left, top), (right, bottom) = np.floor(corners.min(0)).astype(int), np.ceil(corners.max(0)).astype(int)
    inside = np.zeros_like(mask)
    inside[max(top, 0):max(bottom, 0), max(left, 0):max(right, 0)] = True
    return np.where(mask & inside, enclosed * np.clip((depth - around) / unit - 0.5, 0.0, 1.0), 0.0)


def read_scores(image: np.ndarray) -> np.ndarray:
    """MediaPipe's 52 blendshape scores of the largest face (NaN when none is found)."""
    from ml_backend.photo.detect import blendshape_vector, read_faces

    result = read_faces(image)
    if not result.face_landmarks or not result.face_blendshapes:
        return np.full(len(ARKIT_NAMES), np.nan)
    sizes = [np.ptp([p.x for p in face]) * np.ptp([p.y for p in face]) for face in result.face_landmarks]
    return blendshape_vector(result.face_blendshapes[int(np.argmax(sizes))]).astype(np.float64)


def read_pose(stage_: Stage, points: np.ndarray, views: tuple[tuple[float, float], ...] = VIEWS,
              posed: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The mean 52 scores over ``views`` and every light (NaN where no render was read) and the first render;
    ``posed``: a character's eyeballs and other parts in this pose (see ``render``)."""
    scores, first = [], None
    for yaw, pitch in views:
        view = camera(stage_, yaw, pitch)
        for light, ambient in LIGHTS:
            image = render(stage_, points, view, light, ambient, posed)
            first = image if first is None else first
            scores.append(read_scores(image))
    scores = np.array(scores)
    found = np.isfinite(scores).all(1)
    mean = scores[found].mean(0) if found.any() else np.full(len(ARKIT_NAMES), np.nan)
    return mean, first
