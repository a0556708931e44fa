"""The ICT face model pack: names, shapes, offsets."""

import numpy as np
import pytest

from ml_backend.naming.arkit import ARKIT_NAMES, INDEX, canonical_name
from ml_backend.errors import AssetsMissingError
from ml_backend.face_model import build_pack, load_pack
from ml_backend.face_model.pack import arkit_name_for_ict


def test_pack_has_the_ict_topology_and_arkit_channels(face_model):
    assert face_model.num_vertices == 26719
    assert face_model.deltas.shape == (52, 26719, 3)
    assert face_model.identity.shape[0] == 40
    assert int(face_model.face_sizes.sum()) == len(face_model.face_vertices)
    assert len(face_model.face_sizes) == 26384


def test_tongue_out_has_no_shape_and_is_not_faked(face_model):
    assert not face_model.has_shape[INDEX["tongueOut"]]
    assert np.all(face_model.deltas[INDEX["tongueOut"]] == 0)
    assert face_model.has_shape.sum() == 51
    assert "tongueOut" not in face_model.channels_with_shapes


def test_paired_ict_shapes_are_summed_into_one_arkit_channel(face_model):
    assert arkit_name_for_ict("browInnerUp_L") == "browInnerUp"
    assert arkit_name_for_ict("cheekPuff_R") == "cheekPuff"
    assert arkit_name_for_ict("mouthSmile_L") == "mouthSmileLeft"
    brow = face_model.deltas[INDEX["browInnerUp"]]
    moved = np.linalg.norm(brow, axis=1) > 1e-4
    left = face_model.neutral[moved, 0] > 0
    assert 0.3 < left.mean() < 0.7  # both sides move


def test_left_means_the_subjects_left_plus_x(face_model):
    for name in ("mouthSmileLeft", "eyeBlinkLeft", "browDownLeft"):
        delta = np.linalg.norm(face_model.deltas[INDEX[name]], axis=1)
        assert np.average(face_model.neutral[:, 0], weights=delta) > 0.5


def test_offsets_are_the_linear_blend_of_deltas(face_model):
    rng = np.random.default_rng(0)
    weights = rng.random((4, 52)).astype(np.float32)
    offsets = face_model.offsets(weights)
    assert offsets.shape == (4, 26719, 3)
    expected = np.einsum("tk,kvc->tvc", weights.astype(np.float64), face_model.deltas.astype(np.float64))
    np.testing.assert_allclose(offsets, expected, atol=1e-4)
    np.testing.assert_allclose(face_model.offsets(weights[1]), offsets[1], atol=1e-6)
    with pytest.raises(ValueError):
        face_model.offsets(np.zeros(51))


def test_every_ict_expression_maps_to_an_arkit_name():
    import json

    from ml_backend.paths import ict_folder

    names = json.loads((ict_folder() / "vertex_indices.json").read_text())["expressions"]
    assert len(names) == 53
    assert {arkit_name_for_ict(n) for n in names} == set(ARKIT_NAMES) - {"tongueOut"}


def test_missing_asset_folder_says_where_to_get_it(tmp_path):
    with pytest.raises(AssetsMissingError, match="ICT-FaceKit"):
        build_pack(folder=tmp_path, out=tmp_path / "pack.npz")


def test_a_broken_pack_file_is_reported(tmp_path):
    bad = tmp_path / "pack.npz"
    bad.write_bytes(b"not a pack")
    with pytest.raises(AssetsMissingError, match="delete it"):
        load_pack(bad)


@pytest.mark.parametrize("spelling", ["mouthSmileLeft", "mouthSmile_L", "MouthSmileLeft", "mouthSmile.L",
                                      "mouth_smile_left", "blendShape.mouthSmileLeft"])
def test_common_spellings_of_arkit_names(spelling):
    assert canonical_name(spelling) == "mouthSmileLeft"


def test_non_arkit_names_are_not_guessed():
    assert canonical_name("Key 1") is None
    assert canonical_name("Basis") is None
    assert canonical_name("smile") is None
