"""The MediaPipe -> ICT expression mapping: shipped file verified by its hash, training recovers a known map,
and the shipped map reads real renders of the ICT head back to the weights they were rendered with."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_backend.errors import CheckpointError
from ml_backend.naming.arkit import INDEX, NUM_CHANNELS
from ml_backend.photo.expression import MAPPING_PATH, features, load_mapping, save_mapping


def test_shipped_mapping_loads_and_reports_held_out_accuracy():
    mapping = load_mapping()
    assert mapping.weight.shape == (2 * NUM_CHANNELS, NUM_CHANNELS)
    report = mapping.metadata
    assert report["held_out"] > 0
    assert report["held_out_mapped"]["mae"] < report["held_out_raw_mediapipe"]["mae"]
    out = mapping(np.zeros(NUM_CHANNELS))
    assert out.shape == (NUM_CHANNELS,) and (out >= 0).all() and (out <= 1).all()


def test_altered_or_missing_mapping_is_refused(tmp_path):
    copy = tmp_path / "map.safetensors"
    shutil.copy(MAPPING_PATH, copy)
    data = bytearray(copy.read_bytes())
    data[-20] ^= 0xFF  # inside the tensor data
    copy.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="SHA-256"):
        load_mapping(copy)
    with pytest.raises(CheckpointError, match="i2fet_tools.photo.mapping"):
        load_mapping(tmp_path / "absent.safetensors")
    (tmp_path / "junk.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(CheckpointError):
        load_mapping(tmp_path / "junk.safetensors")


def test_training_recovers_a_known_saturating_map(tmp_path):
    from i2fet_tools.photo.mapping import train

    rng = np.random.default_rng(3)
    asked = np.clip(rng.uniform(-0.5, 1.0, (600, NUM_CHANNELS)), 0, 1).astype(np.float32)
    read = np.clip(np.sqrt(asked) * 0.8 + rng.normal(0, 0.01, asked.shape), 0, 1).astype(np.float32)  # saturating
    weight, bias, report = train({"asked": asked, "read": read, "found": np.ones(600, bool)})
    assert report["held_out_mapped"]["mae"] < 0.5 * report["held_out_raw_mediapipe"]["mae"]
    save_mapping(tmp_path / "m.safetensors", weight, bias, report)
    mapping = load_mapping(tmp_path / "m.safetensors")
    assert np.abs(mapping(read[:50]) - asked[:50]).mean() < 0.05


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_sampled_training_expressions_are_valid(seed):
    from i2fet_tools.photo.mapping import sample_weights
    from ml_backend.knowledge import all_concepts

    has_shape = np.ones(NUM_CHANNELS, bool)
    has_shape[INDEX["tongueOut"]] = False
    prototypes = np.stack([c.weights for c in all_concepts()[:20]])
    weights = sample_weights(np.random.default_rng(seed), prototypes, has_shape)
    assert weights.shape == (NUM_CHANNELS,) and (weights >= 0).all() and (weights <= 1).all()
    assert weights[INDEX["tongueOut"]] == 0


def test_mapping_reads_renders_of_the_ict_head():
    from ml_backend.photo.detect import blendshape_vector, read_faces
    from ml_backend.photo.expression import default_mapping
    from ml_backend.photo.render import front_camera, render_shaded
    from ml_backend.photo.topology import head_topology

    topology = head_topology()
    model = topology.model
    for channels in (("jawOpen",), ("mouthSmileLeft", "mouthSmileRight"), ("browInnerUp",)):
        weights = np.zeros(NUM_CHANNELS, np.float32)
        for name in channels:
            weights[INDEX[name]] = 0.8
        vertices = model.vertices(weights)[topology.vertex_ids].astype(np.float64)
        result = read_faces(render_shaded(topology, vertices, front_camera(vertices, 320)))
        mapped = default_mapping()(blendshape_vector(result.face_blendshapes[0]))
        top = set(np.argsort(-mapped)[:4].tolist())
        for name in channels:
            assert mapped[INDEX[name]] > 0.2 and INDEX[name] in top, (name, mapped[INDEX[name]])
        assert np.abs(mapped - weights).mean() < 0.1
    assert features(np.full(NUM_CHANNELS, 0.25)).shape == (2 * NUM_CHANNELS,)
