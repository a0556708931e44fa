"""The any-head evaluation's heads and its read: nine heads with provenance, built heads that differ from their source."""

from __future__ import annotations

import numpy as np

from i2fet_tools.fitting.eval_heads import EXPRESSIONS, correlation, selected, weights
from i2fet_tools.fitting.heads import (cluster_decimate, decimate_offsets, decimation, evaluation_heads, makehuman_head,
                                       stylise)
from ml_backend.fitting.mesh import component_labels
from ml_backend.naming.arkit import INDEX


def test_nine_heads_of_different_origins_each_say_where_they_come_from():
    heads = evaluation_heads()
    assert len(heads) >= 8 and len({h.name for h in heads}) == len(heads)
    assert all(h.origin for h in heads)
    for head in heads:
        part = head.part
        assert part.triangles.max() < len(part.vertices) and np.isfinite(part.vertices).all()
        assert np.linalg.det(part.matrix_world[:3, :3]) > 0
    truth = [h for h in heads if h.truth is not None]
    assert len(truth) == 2 and all(h.truth.shape == (52, len(h.part.vertices), 3) for h in truth)


def test_built_heads_are_decimated_and_deformed_versions_of_the_makehuman_head():
    vertices, triangles = makehuman_head()
    low, low_triangles = cluster_decimate(vertices, triangles, 0.16)
    assert 300 < len(low) < len(vertices) / 4 and low_triangles.max() < len(low)
    assert (low_triangles[:, 0] != low_triangles[:, 1]).all()
    assert np.bincount(component_labels(len(low), low_triangles)).max() > 0.9 * len(low)  # still one surface
    cartoon = stylise(vertices)
    moved = np.linalg.norm(cartoon - vertices, axis=1)
    assert moved.max() > 0.1 and np.median(moved) > 0.01  # decimetres: the whole head changed shape


def test_expressions_and_correlation():
    assert len(EXPRESSIONS) == 6
    smile = weights(EXPRESSIONS["smile"])
    assert smile[INDEX["mouthSmileLeft"]] == 0.9 and smile.sum() > 0
    a = np.arange(30.0)
    assert abs(correlation(a, 2 * a + 1) - 1.0) < 1e-12
    assert np.isnan(correlation(a, np.full(30, np.nan)))


def test_the_decimation_carries_anything_on_the_vertices_down_as_it_carried_the_mesh():
    """The ceilings carry the MakeHuman head's expressions onto the low-poly head through ``decimation``: carried
    positions must give the decimated head itself, and an offset moving one region moves only its clusters."""
    vertices, triangles = makehuman_head()
    low, low_triangles, members = decimation(vertices, triangles, 0.16)
    np.testing.assert_array_equal(low_triangles, cluster_decimate(vertices, triangles, 0.16)[1])
    np.testing.assert_allclose(decimate_offsets(vertices[None], members, len(low))[0], low, atol=1e-12)
    offsets = np.zeros((1, len(vertices), 3))
    chosen = vertices[:, 0] > 0.3
    offsets[0, chosen, 2] = 1.0
    carried = decimate_offsets(offsets, members, len(low))[0, :, 2]
    touched = np.unique(members[chosen & (members >= 0)])
    assert np.all(carried[np.setdiff1d(np.arange(len(low)), touched)] == 0) and np.all(carried[touched] > 0)


def test_only_picks_heads_by_any_of_several_comma_separated_name_parts():
    names = [h.name for h in evaluation_heads()]
    assert [n for n in names if selected(n, "stylised, MakeHuman")] == ["MakeHuman body", "Stylised head"]
    assert [n for n in names if selected(n, "bust")] == ["Demosthenes bust", "Bust upside down"]
    assert all(selected(n, "") for n in names) and not any(selected(n, "nothing like it") for n in names)


def test_a_head_laid_on_the_default_face_keeps_its_binding_and_takes_icts_true_offsets():
    """``ceilings.on_default_face``: each vertex sits where its binding sits, on the default head, and moves as ICT
    moves there (faded as the binding fades): the truth for the read's ceiling on a real head's own mesh."""
    from types import SimpleNamespace

    from i2fet_tools.fitting.ceilings import on_default_face
    from ml_backend.fitting.mesh import face_normals
    from ml_backend.fitting.template import load_template
    from ml_backend.fitting.transfer import Binding

    template = load_template()
    triangles = template.skin_triangles[::997][:12]
    rng = np.random.default_rng(0)
    barycentric = rng.dirichlet(np.ones(3), len(triangles))
    offset = rng.uniform(-0.3, 0.3, len(triangles))
    weight = rng.uniform(0.0, 1.0, len(triangles))
    binding = Binding(triangles, barycentric, offset, weight, np.ones(len(triangles)))
    points, offsets = on_default_face(template, SimpleNamespace(bindings=(binding,)))
    neutral = template.neutral
    normals = face_normals(neutral, triangles)
    for i, (tri, bary) in enumerate(zip(triangles, barycentric)):
        np.testing.assert_allclose(points[i], bary @ neutral[tri] + offset[i] * normals[i], atol=1e-9)
        expected = np.einsum("j,kjd->kd", bary, template.model.deltas[:, tri].astype(np.float64)) * weight[i]
        np.testing.assert_allclose(offsets[:, i], expected, atol=1e-9)
    assert offsets.shape == (len(template.model.deltas), len(triangles), 3)


def test_the_per_expression_table_shows_the_true_expressions_row_where_they_are_known(capsys):
    """An expression lost by both the transfer and the head's true expressions is lost by the read, not the transfer."""
    from i2fet_tools.fitting.eval_heads import HeadRow, print_per_expression

    common = dict(origin="o", vertices=10, detection="yes 1.00", residual=0.0, torn_before=0, torn_after=0, stretch=1.0,
                  actions="none", seconds=1.0, read_r=0.5, read_r_face=0.5, human=True, notes=())
    known = HeadRow(name="known", per_expression=(0.1,) * 6, truth_per_expression=(0.25,) * 6, **common)
    unknown = HeadRow(name="unknown", per_expression=(0.3,) * 6, **common)
    print_per_expression([known, unknown])
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[1:] == ["0.10"] * 6
    assert lines[2].startswith("  its TRUE expressions") and lines[2].split()[-6:] == ["0.25"] * 6
    assert lines[3].startswith("unknown") and len(lines) == 4


def test_a_ceiling_row_reads_overall_and_per_expression():
    from i2fet_tools.fitting.ceilings import HEADER, read_line

    reference = np.random.default_rng(1).normal(size=(len(EXPRESSIONS), 52))
    row = read_line("head: label", reference * 2.0, reference).split()
    assert row[:2] == ["head:", "label"] and row[2:] == ["1.00"] * (1 + len(EXPRESSIONS))
    assert HEADER.split() == ["read", "r", "all", *EXPRESSIONS]
