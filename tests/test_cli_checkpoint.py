"""Verified data: the IFED checkpoint and the face pack carry a SHA-256 of their content, checked at load;
``--checkpoint`` and ``$I2FET_CHECKPOINT`` choose another checkpoint, verified the same way."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import struct

import numpy as np
import pytest
import torch

from ml_backend import cli
from ml_backend.errors import AssetsMissingError, CheckpointError
from ml_backend.face_model import ensure_pack
from ml_backend.face_model.pack import HASH_KEY, content_sha256 as pack_sha256, verify_pack
from ml_backend.ifed.checkpoint import (DEFAULT_CHECKPOINT, HASH_KEY as CKPT_HASH, add_content_hash, content_sha256,
                                        load_checkpoint, read_metadata, save_checkpoint, verify_checkpoint)
from ml_backend.reading.registry import get_reader


def _main(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(argv))
    return status, out.getvalue(), err.getvalue()


def test_the_shipped_checkpoint_records_its_content_hash():
    meta = read_metadata(DEFAULT_CHECKPOINT)
    assert meta[CKPT_HASH] == content_sha256(DEFAULT_CHECKPOINT.read_bytes())
    assert verify_checkpoint(DEFAULT_CHECKPOINT)[CKPT_HASH] == meta[CKPT_HASH]


def test_save_always_records_the_hash_and_load_verifies_it(tmp_path):
    model, meta = load_checkpoint(DEFAULT_CHECKPOINT)
    path = save_checkpoint(tmp_path / "again.safetensors", model, meta["encoder"], training={"note": "re-saved"})
    assert read_metadata(path)[CKPT_HASH] == content_sha256(path.read_bytes())
    again, _ = load_checkpoint(path)
    for name, value in model.state_dict().items():
        torch.testing.assert_close(again.state_dict()[name], value)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0x01  # one bit in the last tensor
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="again.safetensors is damaged.*Restore the file"):
        load_checkpoint(path)


def test_rehash_records_a_hash_without_changing_the_weights(tmp_path):
    blob = DEFAULT_CHECKPOINT.read_bytes()
    size = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + size])
    del header["__metadata__"][CKPT_HASH]
    text = json.dumps(header).encode()
    old = tmp_path / "old.safetensors"
    old.write_bytes(struct.pack("<Q", len(text)) + text + blob[8 + size:])
    with pytest.raises(CheckpointError, match="records no SHA-256"):
        load_checkpoint(old)
    from i2fet_tools.ifed.rehash import main as rehash

    with contextlib.redirect_stdout(io.StringIO()):
        assert rehash([str(old)]) == 0
    assert add_content_hash(old) == read_metadata(DEFAULT_CHECKPOINT)[CKPT_HASH]  # same content, same hash
    assert old.read_bytes()[-1000:] == blob[-1000:]


def test_checkpoint_option_and_environment_choose_a_verified_copy(tmp_path, monkeypatch):
    copy = tmp_path / "mine.safetensors"
    shutil.copyfile(DEFAULT_CHECKPOINT, copy)
    status, printed, errors = _main("generate", "a big grin", "--reader", "ifed", "--frames", "12",
                                    "--checkpoint", str(copy))
    assert status == 0 and "Plan (ifed" in printed, errors
    assert get_reader("ifed", checkpoint=str(copy)).checkpoint == copy
    monkeypatch.setenv("I2FET_CHECKPOINT", str(copy))
    assert get_reader("ifed").checkpoint == copy
    status, _, errors = _main("generate", "a big grin", "--reader", "ifed", "--frames", "12")
    assert status == 0, errors
    data = bytearray(copy.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = bytes(b ^ 0xFF for b in data[middle:middle + 4096])
    damaged = tmp_path / "damaged.safetensors"
    damaged.write_bytes(bytes(data))
    monkeypatch.setenv("I2FET_CHECKPOINT", str(damaged))
    status, _, errors = _main("generate", "a big grin then surprise", "--reader", "ifed", "--out",
                              str(tmp_path / "c.json"))
    assert status == 2 and "damaged.safetensors is damaged" in errors and not (tmp_path / "c.json").exists()


def test_the_face_pack_records_and_verifies_its_content_hash(tmp_path):
    with np.load(ensure_pack(), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    assert str(arrays[HASH_KEY]) == pack_sha256(arrays)
    assert HASH_KEY not in verify_pack(dict(arrays), tmp_path / "p.npz")
    changed = dict(arrays, neutral=arrays["neutral"] + np.float32(1e-3))
    with pytest.raises(AssetsMissingError, match="p.npz is damaged.*Delete it to rebuild"):
        verify_pack(changed, tmp_path / "p.npz")
    without = {k: v for k, v in arrays.items() if k != HASH_KEY}
    with pytest.raises(AssetsMissingError, match="records no SHA-256"):
        verify_pack(without, tmp_path / "p.npz")
