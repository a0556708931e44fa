"""What the independent read allows on the heads built from the MakeHuman head, and how close the fit comes.

A built head's read can fall short because the transfer does worse on it, or because the head itself reads
worse (fused lids, a mouth of a few triangles, cartoon proportions). To tell them apart, the MakeHuman head's
own transferred expressions are carried onto each built head the way the build carried the mesh: averaged over
the decimation's clusters (the low-poly head), passed through the same deformation (the stylised head). That
is the best the fit could give on the built head; both it and the fit's own expressions are read on the same
stage (the built head's fitted eyeballs and framing), so only the expressions differ.

Run: ``python -m i2fet_tools.fitting.ceilings``.
"""

from __future__ import annotations

import numpy as np

from ml_backend.fitting.expressions import transfer_expressions
from ml_backend.fitting.fit import HeadPart, fit_head
from ml_backend.fitting.template import Template, load_template

from .eval_heads import EXPRESSIONS, correlation, default_read, dress, expression_reads
from .heads import LOW_POLY_CELL, Y_UP_TO_Z_UP, _matrix, decimate_offsets, decimation, makehuman_head, stylise
from .readback import Eyes, template_eyes


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
    lines = [f"{'read r':<50} {'all':>6} " + " ".join(f"{n:>8}" for n in EXPRESSIONS)]
    for name, (vertices, triangles, carried) in carried_expressions().items():
        part = HeadPart(vertices, triangles, _matrix(Y_UP_TO_Z_UP, 0.1), name=name)
        fit = fit_head(part, use_cache=False)
        ours = transfer_expressions(fit, template).deltas[0].astype(np.float64)
        points, dressed = dress(part, fit, template, eyes)
        rotation = fit.to_template[0][:3, :3]
        reads = {}
        for label, offsets in (("MakeHuman's, carried (ceiling)", carried), ("the fit's own", ours)):
            reads[label], _ = expression_reads(dressed, points, offsets @ rotation.T)
            values = [correlation(reads[label].ravel(), reference.ravel())]
            values += [correlation(reads[label][i], reference[i]) for i in range(len(EXPRESSIONS))]
            lines.append(f"{name + ': ' + label:<50} " + " ".join(f"{v:>8.2f}" if i else f"{v:>6.2f}"
                                                                    for i, v in enumerate(values)))
        first, second = reads.values()
        lines.append(f"{name + ': the two reads agree':<50} {correlation(first.ravel(), second.ravel()):>6.2f}")
    return lines


def main() -> int:
    template = load_template()
    eyes = template_eyes(template)
    reference, _ = default_read(template, eyes)
    for line in ceiling_lines(template, eyes, reference):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
