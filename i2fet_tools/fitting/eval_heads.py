"""Any head, for real: detection, fit, tear check and an independent read over heads of different origins.

For each head of ``heads.evaluation_heads()``: whether the face detector finds it without help (and how
sure), the fit residual, the tear check of the 51 transferred shapes (the most torn triangles in
any shape as transferred, after the check, and the worst edge stretch after it), the time of fit
+ transfer, and an independent read: the head makes six expressions, each is rendered from the
front and read back by MediaPipe's blendshape classifier; the 6 x 52 score changes (against the
head's own neutral) are correlated with the same read of the default ICT head making the same
expressions. A whole character (the head with separate keyless eyes, teeth and tongue) goes through the add-on
itself: Fit Head, its parts found, the six expressions written as one clip on all of it, each pose read as
Blender shows it (``character``). Then the speed of a 50,000-vertex head, uncached and cached.

Run: ``python build.py eval-heads`` (``--sheets`` also writes docs/img/anyhead_<head>.png: neutral
and the six expressions per head; ``--no-speed``; ``--no-sanity``; ``--only NAME[,NAME]``; ``--per-expression``; ``--ceilings``).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml_backend.fitting.errors import HeadFitError
from ml_backend.fitting.expressions import transfer_expressions
from ml_backend.fitting.fit import REGION_BOX, fit_head
from ml_backend.fitting.template import Template, load_template
from ml_backend.naming.arkit import ARKIT_NAMES, INDEX

from .heads import IDENTITY_SEEDS, EvalHead, evaluation_heads
from .readback import OTHER_VIEWS, TEETH, TONGUE, VIEWS, Eyes, Stage, character_stage, read_pose, stage, template_eyes
from .synthetic import identity_vertices

EXPRESSIONS = {  # name -> ARKit weights
    "smile": {"mouthSmileLeft": 0.9, "mouthSmileRight": 0.9, "cheekSquintLeft": 0.4, "cheekSquintRight": 0.4},
    "surprise": {"jawOpen": 0.6, "browInnerUp": 0.8, "browOuterUpLeft": 0.7, "browOuterUpRight": 0.7,
                 "eyeWideLeft": 0.6, "eyeWideRight": 0.6},
    "wink": {"eyeBlinkLeft": 1.0, "mouthSmileLeft": 0.3, "cheekSquintLeft": 0.3},
    "anger": {"browDownLeft": 0.9, "browDownRight": 0.9, "noseSneerLeft": 0.5, "noseSneerRight": 0.5,
              "mouthPressLeft": 0.5, "mouthPressRight": 0.5},
    "pucker": {"mouthPucker": 0.9, "mouthFunnel": 0.3},
    "sadness": {"browInnerUp": 0.8, "mouthFrownLeft": 0.7, "mouthFrownRight": 0.7, "mouthShrugLower": 0.4},
}
FACE_CHANNELS = np.array([i for i, n in enumerate(ARKIT_NAMES) if not n.startswith("eyeLook")])
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


@dataclass(frozen=True)
class HeadRow:
    name: str
    origin: str
    vertices: int
    detection: str  # "yes 1.00" / "unsure 0.40" / "no"
    residual: float
    torn_before: int  # most torn triangles in one shape, as transferred
    torn_after: int
    stretch: float  # worst edge stretch in any shape after the check
    actions: str  # shapes repaired / limited / scaled / refused
    seconds: float
    read_r: float  # correlation of the 6 x 52 MediaPipe score changes with the default head's
    read_r_face: float  # the same without the 14 gaze channels (no expression here looks anywhere; eyeless heads read noise)
    human: bool
    notes: tuple[str, ...]
    truth_r: float = float("nan")  # the read of the head's true expressions against the default head's (where known)
    truth_agreement: float = float("nan")  # our transfer's read against the true expressions' read
    per_expression: tuple[float, ...] = ()  # each expression's 52 score changes against the default head's
    truth_per_expression: tuple[float, ...] = ()  # the same for the head's true expressions (where known)


def weights(expression: dict[str, float]) -> np.ndarray:
    vector = np.zeros(len(ARKIT_NAMES))
    for name, value in expression.items():
        vector[INDEX[name]] = value
    return vector


def expression_reads(dressed: Stage, points: np.ndarray, deltas: np.ndarray,
                     views: tuple[tuple[float, float], ...] = VIEWS) -> tuple[np.ndarray, list[np.ndarray]]:
    """6 x 52: each expression's mean MediaPipe scores minus the neutral's; and the front renders (neutral first).

    ``points`` and ``deltas`` are in the template frame; the head is dressed and framed by ``dressed``.
    """
    scores, images = [], []
    for expression in (None, *EXPRESSIONS.values()):
        pose = points if expression is None else points + np.tensordot(weights(expression), deltas, axes=1)
        score, image = read_pose(dressed, pose, views)
        scores.append(score)
        images.append(image)
    scores = np.array(scores)
    return scores[1:] - scores[0], images


def skin_head(template: Template, vertices: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The skin of a head in the template's topology: vertex ids, their points in ``vertices`` and re-indexed triangles."""
    ids = np.unique(template.skin_triangles)
    remap = np.full(template.model.num_vertices, -1)
    remap[ids] = np.arange(len(ids))
    return ids, vertices[ids], remap[template.skin_triangles]


def default_read(template: Template, eyes: Eyes, views: tuple[tuple[float, float], ...] = VIEWS
                 ) -> tuple[np.ndarray, list[np.ndarray]]:
    """The default ICT head's score changes and front renders (its skin and its own eyeballs)."""
    ids, points, triangles = skin_head(template, template.neutral)
    dressed = stage(points, triangles, template.neutral, template, eyes)
    return expression_reads(dressed, points, template.model.deltas[:, ids].astype(np.float64), views)


def sanity(template: Template, eyes: Eyes, reference: np.ndarray) -> list[str]:
    """What the read gives where the answer is known: the default head against itself read from other views, and
    ICT identities (the evaluation's two, in the template's own topology) making their TRUE expressions."""
    lines = []
    again, _ = default_read(template, eyes, OTHER_VIEWS)
    lines.append(f"default head vs itself (read from other views): r = {correlation(again.ravel(), reference.ravel()):.2f}")
    deltas = template.model.deltas.astype(np.float64)
    for i, seed in enumerate(IDENTITY_SEEDS):
        identity = identity_vertices(template, np.random.default_rng(seed).normal(0.0, 1.5, 40))
        ids, points, triangles = skin_head(template, identity)
        changes, _ = expression_reads(stage(points, triangles, identity, template, eyes), points, deltas[:, ids])
        lines.append(f"ICT identity {i + 1} in ICT's own mesh, its TRUE expressions vs the default head: "
                     f"r = {correlation(changes.ravel(), reference.ravel()):.2f}")
    return lines


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    keep = np.isfinite(a) & np.isfinite(b)
    if keep.sum() < 10 or np.std(a[keep]) == 0 or np.std(b[keep]) == 0:
        return float("nan")
    return float(np.corrcoef(a[keep], b[keep])[0, 1])


def character_reads(head: EvalHead, template: Template) -> tuple:
    """A whole character through the add-on (``character``): Fit Head, its parts found, the six expressions written
    as one clip on all of it; each pose read as Blender shows it, dressed with the character's own eyes and teeth.
    (fit, transfer, seconds, 6 x 52 score changes, front renders, notes)."""
    from i2fet_blender.head.character import EYE_LEFT, EYE_RIGHT, JAW

    from .character import build_character, fit_character, pose_character, roles, start_blender, world_to_template

    from i2fet_blender.errors import HeadFitFailed

    start_blender()
    scene = build_character(head)
    try:
        fit, transfer, seconds = fit_character(scene)
    except HeadFitFailed as error:
        raise HeadFitError(str(error)) from error
    found = roles(scene)
    poses = pose_character(scene, np.array([weights({}), *map(weights, EXPRESSIONS.values())]))
    to_template = world_to_template(scene, fit)

    def framed(points: np.ndarray) -> np.ndarray:
        return points @ to_template[:3, :3].T + to_template[:3, 3]

    eye_names = [n for n in scene.parts if found.get(n) in (EYE_LEFT, EYE_RIGHT)]
    other_names = [n for n in scene.parts if n not in eye_names]
    mesh = {p.name: p for p in head.parts}
    rest = poses[0]
    points = framed(rest[scene.head.name])
    box = np.array(REGION_BOX)
    inside = ((points >= box[:, 0]) & (points <= box[:, 1])).all(1)
    triangles = np.asarray(head.part.triangles)[inside[head.part.triangles].all(1)]
    dressed = character_stage(
        points, triangles, fit.fitted, template,
        [(framed(rest[n]), mesh[n].triangles, 0 if found[n] == EYE_LEFT else 1) for n in eye_names],
        [(framed(rest[n]), mesh[n].triangles, TONGUE if "tongue" in n else TEETH) for n in other_names])
    scores, images = [], []
    for pose in poses:
        posed = tuple(np.concatenate([np.zeros((0, 3))] + [framed(pose[n]) for n in names])
                      for names in (eye_names, other_names))
        score, image = read_pose(dressed, framed(pose[scene.head.name]), VIEWS, posed)
        scores.append(score)
        images.append(image)
    scores = np.array(scores)
    surprise = 1 + list(EXPRESSIONS).index("surprise")
    jaw_parts = [n for n in scene.parts if found.get(n) == JAW]
    drop = {n: float(np.linalg.norm(framed(poses[surprise][n]) - framed(rest[n]), axis=1).mean()) for n in jaw_parts}
    listed = ", ".join(f"{n} {found.get(n, 'stays')}" for n in scene.parts)
    notes = (f"parts (the add-on's roles): {listed}; "
             f"at surprise (jawOpen {EXPRESSIONS['surprise']['jawOpen']}) the jaw parts move "
             + ", ".join(f"{n} {v:.2f} cm" for n, v in drop.items()),)
    return fit, transfer, seconds, scores[1:] - scores[0], images, notes


def dress(part, fit, template: Template, eyes: Eyes) -> tuple[np.ndarray, Stage]:
    """A fitted head's points in the template frame and its stage for the read (its triangles in the head region)."""
    matrix = fit.to_template[0]
    points = np.asarray(part.vertices, np.float64) @ matrix[:3, :3].T + matrix[:3, 3]
    box = np.array(REGION_BOX)
    inside = ((points >= box[:, 0]) & (points <= box[:, 1])).all(1)
    triangles = np.asarray(part.triangles)[inside[part.triangles].all(1)]
    return points, stage(points, triangles, fit.fitted, template, eyes)


def evaluate(head: EvalHead, template: Template, eyes: Eyes, reference: np.ndarray) -> tuple[HeadRow, list[np.ndarray]]:
    """Fit, transfer, check and read one head (a whole character through the add-on: ``character_reads``)."""
    part = head.part
    started = time.perf_counter()
    extra_notes: tuple[str, ...] = ()
    try:
        if head.parts:
            fit, transfer, seconds, changes, images, extra_notes = character_reads(head, template)
        else:
            fit = fit_head(part, use_cache=False)
    except HeadFitError as error:
        row = HeadRow(head.name, head.origin, len(part.vertices), "refused", float("nan"), 0, 0, float("nan"), "-",
                      time.perf_counter() - started, float("nan"), float("nan"), head.human, (str(error),))
        return row, []
    if not head.parts:
        transfer = transfer_expressions(fit, template)
        seconds = time.perf_counter() - started
    points, dressed = dress(part, fit, template, eyes)
    matrix = fit.to_template[0]
    deltas = transfer.deltas[0].astype(np.float64) @ matrix[:3, :3].T
    if not head.parts:
        changes, images = expression_reads(dressed, points, deltas)
    truth_r = truth_agreement = float("nan")
    truth_per_expression: tuple[float, ...] = ()
    if head.truth is not None:  # the same read of the head making its true expressions: this measure's ceiling here
        truth_changes, _ = expression_reads(dressed, points, head.truth @ matrix[:3, :3].T)
        truth_r = correlation(truth_changes.ravel(), reference.ravel())
        truth_agreement = correlation(changes.ravel(), truth_changes.ravel())
        truth_per_expression = tuple(correlation(truth_changes[i], reference[i]) for i in range(len(EXPRESSIONS)))
    checks = transfer.checks
    detection = ("yes" if fit.confidence >= 0.5 else "unsure" if fit.confidence > 0 else "no") + f" {fit.confidence:.2f}"
    counts = {}
    for check in checks:
        if check.action != "ok":
            key = "scaled" if check.action.startswith("scaled") else check.action
            counts[key] = counts.get(key, 0) + 1
    row = HeadRow(head.name, head.origin, len(part.vertices), detection, fit.score,
                  max((c.flipped for c in checks), default=0), max((c.flipped_after for c in checks), default=0),
                  max((c.stretch_after for c in checks), default=1.0),
                  ", ".join(f"{v} {k}" for k, v in counts.items()) or "none",
                  seconds, correlation(changes.ravel(), reference.ravel()),
                  correlation(changes[:, FACE_CHANNELS].ravel(), reference[:, FACE_CHANNELS].ravel()), head.human,
                  fit.notes + transfer.notes + extra_notes, truth_r, truth_agreement,
                  tuple(correlation(changes[i], reference[i]) for i in range(len(EXPRESSIONS))), truth_per_expression)
    return row, images


def sheet(name: str, images: list[np.ndarray], path: Path) -> None:
    """One row: neutral and the six expressions, labelled."""
    from PIL import Image, ImageDraw

    tile = 200
    canvas = Image.new("RGB", (tile * len(images), tile + 22), (30, 30, 30))
    draw = ImageDraw.Draw(canvas)
    for i, (label, image) in enumerate(zip(["neutral", *EXPRESSIONS], images)):
        canvas.paste(Image.fromarray(image).resize((tile, tile)), (i * tile, 22))
        draw.text((i * tile + 6, 5), label if i else f"{name}: neutral", fill=(235, 235, 235))
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas.save(path)


def slug(name: str) -> str:
    return "_".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def print_table(rows: list[HeadRow]) -> None:
    print(f"{'head':<22} {'verts':>7} {'detected':>12} {'resid':>6} {'torn':>9} {'stretch':>8} {'time s':>7} {'read r':>7} "
          f"{'no gaze':>7}  repairs")
    for r in rows:
        print(f"{r.name:<22} {r.vertices:>7,} {r.detection:>12} {r.residual:>6.3f} {f'{r.torn_before}->{r.torn_after}':>9} "
              f"{r.stretch:>8.1f} {r.seconds:>7.1f} {r.read_r:>7.2f} {r.read_r_face:>7.2f}  {r.actions}")
    for r in rows:
        if np.isfinite(r.truth_r):
            print(f"{r.name}: its TRUE expressions read r = {r.truth_r:.2f} against the default head (the ceiling of "
                  f"this measure on this head); the transferred ones read r = {r.truth_agreement:.2f} against the true ones")
    for label, values in (("read r", [r.read_r for r in rows if r.human]), ("no gaze", [r.read_r_face for r in rows if r.human])):
        values = [v for v in values if np.isfinite(v)]
        if values:
            print(f"human-like heads, {label}: mean {np.mean(values):.2f}, min {np.min(values):.2f} (target >= 0.8); "
                  f"{sum(v >= 0.8 for v in values)}/{len(values)} reach it")


def print_per_expression(rows: list[HeadRow]) -> None:
    """Each expression's read r per head: which expression a head's read loses (where to look for a transfer gap);
    where the head's true expressions are known, their row follows: an expression both lose is lost by the read."""
    print(f"{'read r per expression':<22} " + " ".join(f"{name:>8}" for name in EXPRESSIONS))
    for r in rows:
        if r.per_expression:
            print(f"{r.name:<22} " + " ".join(f"{value:>8.2f}" for value in r.per_expression))
        if r.truth_per_expression:
            print(f"{'  its TRUE expressions':<22} " + " ".join(f"{value:>8.2f}" for value in r.truth_per_expression))


def selected(name: str, only: str) -> bool:
    """Whether the head ``name`` is among ``only``: comma-separated parts of names, any case (empty: every head)."""
    wanted = [part.strip().lower() for part in only.split(",") if part.strip()]
    return not wanted or any(part in name.lower() for part in wanted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", action="store_true", help="write docs/img/anyhead_<head>.png")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--no-sanity", action="store_true", help="skip the read's sanity rows (about a minute)")
    parser.add_argument("--only", default="", help="evaluate only heads whose name contains this "
                        "(several, comma-separated: 'stylised,makehuman')")
    parser.add_argument("--per-expression", action="store_true", help="also each expression's read r per head")
    parser.add_argument("--ceilings", action="store_true", help="also what the read allows on the built heads "
                        "(the MakeHuman head's own expressions carried onto them) and on the real heads' own meshes "
                        "laid on the default face (about 3 minutes)")
    args = parser.parse_args(argv)
    template = load_template()
    eyes = template_eyes(template)
    reference, default_images = default_read(template, eyes)
    if args.sheets:
        sheet("default ICT head", default_images, DOCS_IMG / "anyhead_default.png")
    rows = []
    for head in evaluation_heads():
        if not selected(head.name, args.only):
            continue
        row, images = evaluate(head, template, eyes, reference)
        rows.append(row)
        print(f"  {row.name} ({row.origin}): {' '.join(row.notes)}", flush=True)
        if args.sheets and images:
            sheet(head.name, images, DOCS_IMG / f"anyhead_{slug(head.name)}.png")
    print("Any head: detection without help, fit residual (interocular distances), torn triangles in the worst shape "
          "(as transferred -> after the check), worst edge stretch after it, fit + transfer time, independent read "
          "(MediaPipe blendshape changes of six expressions vs the default head's)")
    print_table(rows)
    if args.per_expression:
        print_per_expression(rows)
    if args.ceilings:
        from .ceilings import ceiling_lines, default_face_lines

        print("Ceilings of the built heads (the MakeHuman head's transferred expressions carried onto each, read on "
              "the same stage as the fit's own):")
        for line in ceiling_lines(template, eyes, reference):
            print("  " + line)
        print("Real heads without true expressions: their own mesh laid on the default face, making ICT's true "
              "expressions, against the fit's own:")
        for line in default_face_lines(template, eyes, reference):
            print("  " + line)
    if not args.no_sanity:
        print("Sanity of the read (where the answer is known):")
        for line in sanity(template, eyes, reference):
            print("  " + line)
    if not args.no_speed:
        from .evaluate import speed

        print("Speed (fit + transfer of a dense head, this machine):")
        for line in speed():
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
