"""What the independent read allows on the heads built from the MakeHuman head, and how close the fit comes.

A built head's read can fall short because the transfer does worse on it, or because the head itself reads
worse (fused lids, a mouth of a few triangles, cartoon proportions). To tell them apart, the MakeHuman head's
own transferred expressions are carried onto each built head the way the build carried the mesh: averaged over
the decimation's clusters (the low-poly head), passed through the same deformation (the stylised head). That
is the best the fit could give on the built head; both it and the fit's own expressions are read on the same
stage (the built head's fitted eyeballs and framing), so only the expressions differ.

Real heads without true expressions (the MediaPipe mask, the bust): their own mesh is laid on the default ICT face
(``on_default_face``: each vertex where its binding sits, on the default head) and makes ICT's true expressions
there. That read keeps the mesh (its triangles, shut eyes, closed mouth, carved features) and changes the face
under it to one the reader knows: what it loses against the default head is the mesh's; what the fit's own
expressions lose beyond it is the face's shape or the transfer.

Run: ``python -m i2fet_tools.fitting.ceilings``.
"""

from __future__ import annotations

import numpy as np

from ml_backend.fitting.expressions import transfer_expressions
from ml_backend.fitting.fit import REGION_BOX, HeadFit, HeadPart, fit_head
from ml_backend.fitting.mesh import face_normals
from ml_backend.fitting.template import Template, load_template

from .eval_heads import EXPRESSIONS, correlation, default_read, dress, expression_reads
from .heads import (LOW_POLY_CELL, Y_UP_TO_Z_UP, EvalHead, _matrix, decimate_offsets, decimation, evaluation_heads,
                    makehuman_head, stylise)
from .readback import Eyes, stage, template_eyes

ON_DEFAULT_FACE = ("MediaPipe face", "Demosthenes bust")  # real heads without true expressions


HEADER = f"{'read r':<50} {'all':>6} " + " ".join(f"{n:>8}" for n in EXPRESSIONS)


def read_line(label: str, changes: np.ndarray, reference: np.ndarray) -> str:
    """One row under ``HEADER``: the read r of 6 x 52 score ``changes`` against the reference, overall and per expression."""
    values = [correlation(changes.ravel(), reference.ravel())]
    values += [correlation(changes[i], reference[i]) for i in range(len(EXPRESSIONS))]
    return f"{label:<50} " + " ".join(f"{v:>8.2f}" if i else f"{v:>6.2f}" for i, v in enumerate(values))


def carried_expressions() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Built head name -> (its vertices, triangles, the MakeHuman head's 52 transferred offsets carried onto it)."""
    vertices, triangles = makehuman_head()
    source = fit_head(HeadPart(vertices, triangles, _matrix(Y_UP_TO_Z_UP, 0.1), name="makehuman_head"), use_cache=False)
    offsets = transfer_expressions(source).deltas[0].astype(np.float64)
    low, low_triangles, members = decimation(vertices, triangles, LOW_POLY_CELL)
    cartoon = stylise(vertices)
    return {
        "Low-poly game head": (low, low_triangles, decimate_offsets(offsets, members, len(low))),
        "Stylised head": (cartoon, triangles, np.array([stylise(vertices + d) - cartoon for d in offsets])),
    }


def ceiling_lines(template: Template, eyes: Eyes, reference: np.ndarray) -> list[str]:
    """Per built head: the read r of the carried expressions (the ceiling) and of the fit's own, overall and per
    expression, and how alike the two read."""
    lines = [HEADER]
    for name, (vertices, triangles, carried) in carried_expressions().items():
        part = HeadPart(vertices, triangles, _matrix(Y_UP_TO_Z_UP, 0.1), name=name)
        fit = fit_head(part, use_cache=False)
        ours = transfer_expressions(fit, template).deltas[0].astype(np.float64)
        points, dressed = dress(part, fit, template, eyes)
        rotation = fit.to_template[0][:3, :3]
        reads = {}
        for label, offsets in (("MakeHuman's, carried (ceiling)", carried), ("the fit's own", ours)):
            reads[label], _ = expression_reads(dressed, points, offsets @ rotation.T)
            lines.append(read_line(f"{name}: {label}", reads[label], reference))
        first, second = reads.values()
        lines.append(f"{name + ': the two reads agree':<50} {correlation(first.ravel(), second.ravel()):>6.2f}")
    return lines


def on_default_face(template: Template, fit: HeadFit) -> tuple[np.ndarray, np.ndarray]:
    """A fitted head's own mesh laid on the default ICT face, with ICT's true expressions there.

    Each vertex goes where its binding sits (the same template triangle, barycentric point and offset along the
    triangle's normal) on the default head instead of the fitted one, so the mesh keeps its own triangles,
    openings or their absence, and carved features, while the face under it is ICT's own; its true offsets are
    ICT's deltas at that point (faded as the binding fades far from the face). Returns points (N x 3, template
    frame) and offsets (52 x N x 3).
    """
    binding = fit.bindings[0]
    neutral = template.neutral
    corners = neutral[binding.triangle]
    normals = face_normals(neutral, binding.triangle)
    points = np.einsum("nj,njd->nd", binding.barycentric, corners) + binding.offset[:, None] * normals
    deltas = template.model.deltas.astype(np.float64)[:, binding.triangle]
    offsets = np.einsum("nj,knjd->knd", binding.barycentric, deltas) * binding.weight[None, :, None]
    return points, offsets


def default_face_lines(template: Template, eyes: Eyes, reference: np.ndarray,
                       heads: list[EvalHead] | None = None) -> list[str]:
    """Per real head without true expressions (``ON_DEFAULT_FACE``): the read r of its own mesh laid on the default
    face making ICT's true expressions (``on_default_face``): what the read allows on this mesh with a face it
    knows, against the read of the head itself (the fit's own expressions)."""
    lines = [HEADER]
    for head in heads if heads is not None else evaluation_heads():
        if head.name not in ON_DEFAULT_FACE:
            continue
        fit = fit_head(head.part, use_cache=False)
        own_points, dressed = dress(head.part, fit, template, eyes)
        box = np.array(REGION_BOX)
        inside = ((own_points >= box[:, 0]) & (own_points <= box[:, 1])).all(1)
        triangles = np.asarray(head.part.triangles)[inside[head.part.triangles].all(1)]
        points, truth = on_default_face(template, fit)
        ours = transfer_expressions(fit, template).deltas[0].astype(np.float64) @ fit.to_template[0][:3, :3].T
        for label, changes in (
                ("its mesh on the default face, true (ceiling)",
                 expression_reads(stage(points, triangles, template.neutral, template, eyes), points, truth)[0]),
                ("the fit's own", expression_reads(dressed, own_points, ours)[0])):
            lines.append(read_line(f"{head.name}: {label}", changes, reference))
    return lines


def main() -> int:
    template = load_template()
    eyes = template_eyes(template)
    reference, _ = default_read(template, eyes)
    for line in ceiling_lines(template, eyes, reference) + default_face_lines(template, eyes, reference):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
