"""The joint text-expression space: checkpoint verification, geometry through the face model, ranking."""

from __future__ import annotations

import numpy as np
import pytest

from ml_backend.errors import CheckpointError
from ml_backend.ifed.alignment import DEFAULT_ALIGNMENT, best_variant, load_alignment
from ml_backend.naming.arkit import INDEX, NUM_CHANNELS


def face(**channels: float) -> np.ndarray:
    w = np.zeros(NUM_CHANNELS, np.float32)
    for name, value in channels.items():
        w[INDEX[name]] = value
    return w


def test_refuses_wrong_encoder_and_damaged_file(tmp_path):
    with pytest.raises(CheckpointError, match="clip"):
        load_alignment(encoder="clip")
    blob = bytearray(DEFAULT_ALIGNMENT.read_bytes())
    blob[-100] ^= 0xFF
    damaged = tmp_path / "damaged.safetensors"
    damaged.write_bytes(bytes(blob))
    with pytest.raises(CheckpointError, match="damaged"):
        load_alignment(damaged)
    with pytest.raises(CheckpointError, match="missing"):
        load_alignment(tmp_path / "none.safetensors")


def test_expression_features_are_the_face_models_offsets():
    from ml_backend.face_model import load_face_model

    model = load_alignment()
    ids = np.asarray(model.meta and load_alignment().basis.shape[1] // 3)
    w = face(jawOpen=0.6, mouthSmileLeft=0.4)
    features = model.expression_features(w)[0]
    vertices = int(ids)
    offsets = features[: 3 * vertices].reshape(vertices, 3) * model.config.offset_scale
    full = load_face_model().offsets(w)
    assert np.linalg.norm(offsets, axis=1).max() == pytest.approx(np.linalg.norm(full[:9409], axis=1).max(), rel=0.5)


def test_matching_face_ranks_above_a_mismatching_one():
    from ml_backend.text.encoders import create_encoder

    model = load_alignment(encoder="minilm")
    smile = face(mouthSmileLeft=0.8, mouthSmileRight=0.8, cheekSquintLeft=0.5, cheekSquintRight=0.5)
    sad = face(mouthFrownLeft=0.8, mouthFrownRight=0.8, browInnerUp=0.7)
    text = create_encoder("minilm").encode(["a big smile"])[0]
    index, similarity = best_variant(text, np.stack([sad, smile]), model)
    assert index == 1 and -1.0 <= similarity <= 1.0
