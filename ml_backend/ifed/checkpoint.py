"""IFED checkpoints: safetensors weights (float16, to stay small) with metadata that rebuilds the model.

The metadata records the format, the text encoder the model was trained with and its
architecture config; loading refuses any mismatch with a CheckpointError instead of producing
wrong faces. Only safetensors is used to read it (no pickle).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from ..errors import CheckpointError
from .model import CAFT, IFEDConfig

FORMAT_NAME = "i2fet-ifed"
FORMAT_VERSION = 2  # 2: retrieval bank buffers and bank_size in the config
DEFAULT_CHECKPOINT = Path(__file__).resolve().parent.parent / "checkpoints" / "ifed_minilm.safetensors"


def save_checkpoint(path: Path, model: CAFT, encoder_name: str, training: dict | None = None) -> Path:
    """Write the model's weights (float16) and metadata (format, encoder, config, training facts)."""
    from safetensors.torch import save_file

    tensors = {name: value.detach().to(torch.float16).contiguous() for name, value in model.state_dict().items()}
    metadata = {
        "format": FORMAT_NAME,
        "format_version": str(FORMAT_VERSION),
        "encoder": encoder_name,
        "config": json.dumps(model.config.to_dict()),
        "training": json.dumps(training or {}),
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata=metadata)
    return path


def read_metadata(path: Path) -> dict[str, str]:
    """The checkpoint's metadata strings; CheckpointError when the file is missing or not safetensors."""
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"The IFED checkpoint {path} is missing: run 'python3 build.py train' or use the lexicon reader.")
    try:
        with safe_open(str(path), framework="pt") as handle:
            return dict(handle.metadata() or {})
    except Exception as error:  # safetensors raises its own error types for a corrupt header
        raise CheckpointError(f"The IFED checkpoint {path} is unreadable ({error}); retrain it with 'python3 build.py train'.") from error


def load_checkpoint(path: Path | None = None, encoder_name: str | None = None) -> tuple[CAFT, dict]:
    """The model in eval mode and its metadata; refuses another format, version or encoder."""
    from safetensors.torch import load_file

    path = Path(path or DEFAULT_CHECKPOINT)
    meta = read_metadata(path)
    if meta.get("format") != FORMAT_NAME:
        raise CheckpointError(f"{path} is not an IFED checkpoint (format {meta.get('format')!r}).")
    if meta.get("format_version") != str(FORMAT_VERSION):
        raise CheckpointError(f"{path} has IFED format version {meta.get('format_version')}, this code reads "
                              f"version {FORMAT_VERSION}: retrain it with 'python3 build.py train'.")
    if encoder_name is not None and meta.get("encoder") != encoder_name:
        raise CheckpointError(f"{path} was trained with the '{meta.get('encoder')}' text encoder, not "
                              f"'{encoder_name}': choose that encoder or retrain.")
    try:
        config = IFEDConfig(**json.loads(meta["config"]))
        model = CAFT(config)
        state = {k: v.to(torch.float32) for k, v in load_file(str(path)).items()}
        model.load_state_dict(state)
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise CheckpointError(f"{path} does not match the IFED model ({error}); retrain it with 'python3 build.py train'.") from error
    return model.eval(), meta
