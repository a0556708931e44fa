"""IFED checkpoints: safetensors weights (float16, to stay small) with metadata that rebuilds the model.

The metadata records the format, the text encoder the model was trained with, its architecture
config and a SHA-256 of the checkpoint's content (every tensor's bytes, the tensor table and the other
metadata); loading refuses any mismatch with a CheckpointError naming the file and the fix, instead of
producing wrong faces from a damaged file. Only safetensors is used to read it (no pickle).

Which checkpoint: the ``checkpoint`` argument, else ``$I2FET_CHECKPOINT``, else the one shipped in
``ml_backend/checkpoints``; every one is verified the same way.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from ..errors import CheckpointError
from ..export.atomic import write_bytes
from .hashing import HASH_KEY, content_sha256, split_safetensors as _split
from .model import CAFT, IFEDConfig

FORMAT_NAME = "i2fet-ifed"
FORMAT_VERSION = 2  # 2: retrieval bank buffers and bank_size in the config
DEFAULT_CHECKPOINT = Path(__file__).resolve().parent.parent / "checkpoints" / "ifed_minilm.safetensors"
CHECKPOINT_ENV = "I2FET_CHECKPOINT"
REHASH_COMMAND = "python -m i2fet_tools.ifed.rehash"


def resolve_checkpoint(path: str | os.PathLike | None = None) -> Path:
    """The checkpoint to use: ``path``, else ``$I2FET_CHECKPOINT``, else the shipped default."""
    chosen = path or os.environ.get(CHECKPOINT_ENV) or DEFAULT_CHECKPOINT
    return Path(chosen).expanduser()


def _serialise(tensors: dict[str, torch.Tensor], metadata: dict[str, str]) -> bytes:
    """The safetensors bytes of ``tensors`` with ``metadata`` plus the content hash."""
    from safetensors.torch import save

    metadata = {k: v for k, v in metadata.items() if k != HASH_KEY}
    return save(tensors, metadata={**metadata, HASH_KEY: content_sha256(save(tensors, metadata=metadata))})


def save_checkpoint(path: Path, model: CAFT, encoder_name: str, training: dict | None = None) -> Path:
    """Write the model's weights (float16) and metadata (format, encoder, config, training facts, SHA-256), atomically."""
    tensors = {name: value.detach().to(torch.float16).contiguous() for name, value in model.state_dict().items()}
    metadata = {
        "format": FORMAT_NAME,
        "format_version": str(FORMAT_VERSION),
        "encoder": encoder_name,
        "config": json.dumps(model.config.to_dict()),
        "training": json.dumps(training or {}),
    }
    return write_bytes(Path(path), _serialise(tensors, metadata))


def add_content_hash(path: Path) -> str:
    """Record the SHA-256 of an existing checkpoint's content in its metadata (the weights stay byte for byte).

    For checkpoints written before the hash existed; only for files you trust. Returns the hash.
    """
    from safetensors.torch import load

    path = Path(path)
    blob = _read(path)
    try:
        header, _ = _split(blob)
        tensors = load(blob)
    except Exception as error:  # safetensors raises its own error types for a corrupt file
        raise CheckpointError(f"The IFED checkpoint {path} is unreadable ({error}).") from error
    write_bytes(path, _serialise(tensors, dict(header.get("__metadata__") or {})))
    return read_metadata(path)[HASH_KEY]


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise CheckpointError(f"The IFED checkpoint {path} is missing: run 'python3 build.py train' or use the lexicon reader.")
    try:
        return path.read_bytes()
    except OSError as error:
        raise CheckpointError(f"The IFED checkpoint {path} cannot be read ({error.strerror or error}).") from error


def read_metadata(path: Path) -> dict[str, str]:
    """The checkpoint's metadata strings; CheckpointError when the file is missing or not safetensors."""
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        _read(path)  # raises the message for a missing file
    try:
        with safe_open(str(path), framework="pt") as handle:
            return dict(handle.metadata() or {})
    except Exception as error:  # safetensors raises its own error types for a corrupt header
        raise CheckpointError(f"The IFED checkpoint {path} is unreadable ({error}); retrain it with 'python3 build.py train'.") from error


def verify_checkpoint(path: Path, blob: bytes | None = None) -> dict[str, str]:
    """The metadata of a checkpoint whose content matches its recorded SHA-256; CheckpointError otherwise."""
    path = Path(path)
    blob = _read(path) if blob is None else blob
    try:
        header, _ = _split(blob)
        actual = content_sha256(blob)
    except (ValueError, UnicodeDecodeError) as error:
        raise CheckpointError(f"The IFED checkpoint {path} is unreadable ({error}); restore it or retrain it with "
                              "'python3 build.py train'.") from error
    meta = {str(k): str(v) for k, v in (header.get("__metadata__") or {}).items()}
    if meta.get("format") != FORMAT_NAME:
        raise CheckpointError(f"{path} is not an IFED checkpoint (format {meta.get('format')!r}).")
    if meta.get("format_version") != str(FORMAT_VERSION):
        raise CheckpointError(f"{path} has IFED format version {meta.get('format_version')}, this code reads "
                              f"version {FORMAT_VERSION}: retrain it with 'python3 build.py train'.")
    recorded = meta.get(HASH_KEY)
    if not recorded:
        raise CheckpointError(f"The IFED checkpoint {path} records no SHA-256 of its content, so it cannot be "
                              f"verified: if you trust it, record one with '{REHASH_COMMAND} {path}'; otherwise "
                              "retrain with 'python3 build.py train'.")
    if recorded != actual:
        raise CheckpointError(f"The IFED checkpoint {path} is damaged: its content does not match the SHA-256 "
                              f"recorded in it ({recorded[:12]}…, now {actual[:12]}…). Restore the file (reinstall "
                              "the add-on, or take it again from the project) or retrain with 'python3 build.py train'.")
    return meta


def load_checkpoint(path: Path | None = None, encoder_name: str | None = None) -> tuple[CAFT, dict]:
    """The model in eval mode and its metadata; refuses a damaged file, another format, version or encoder."""
    from safetensors.torch import load

    path = resolve_checkpoint(path)
    blob = _read(path)
    meta = verify_checkpoint(path, blob)
    if encoder_name is not None and meta.get("encoder") != encoder_name:
        raise CheckpointError(f"{path} was trained with the '{meta.get('encoder')}' text encoder, not "
                              f"'{encoder_name}': choose that encoder or retrain.")
    try:
        config = IFEDConfig(**json.loads(meta["config"]))
        model = CAFT(config)
        state = {k: v.to(torch.float32) for k, v in load(blob).items()}
        model.load_state_dict(state)
    except Exception as error:  # a header that passed the hash but does not fit this code's model
        raise CheckpointError(f"{path} does not match the IFED model ({error}); retrain it with 'python3 build.py train'.") from error
    return model.eval(), meta
