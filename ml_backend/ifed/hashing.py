"""The content hash of a safetensors file (standard library only, so the numpy-only runtime can verify without torch).

``content_sha256`` covers the tensor table, the metadata except the hash itself, and the tensor bytes: the
IFED checkpoint (``checkpoint``) and the alignment model (``alignment``) both record it and refuse a mismatch.
"""

from __future__ import annotations

import hashlib
import json
import struct

HASH_KEY = "sha256"


def split_safetensors(blob: bytes) -> tuple[dict, bytes]:
    """A safetensors file's header (JSON) and its tensor data; ValueError when it is not one."""
    if len(blob) < 8:
        raise ValueError("shorter than a safetensors header")
    size = struct.unpack("<Q", blob[:8])[0]
    if size > len(blob) - 8:
        raise ValueError("its header runs past the end of the file")
    header = json.loads(blob[8:8 + size].decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError("its header is not a table")
    return header, blob[8 + size:]


def content_sha256(blob: bytes) -> str:
    """SHA-256 of a safetensors file's content: its tensor table, its metadata except the hash, its tensor bytes."""
    header, data = split_safetensors(blob)
    metadata = {k: v for k, v in (header.get("__metadata__") or {}).items() if k != HASH_KEY}
    table = {k: v for k, v in header.items() if k != "__metadata__"}
    digest = hashlib.sha256(json.dumps({"metadata": metadata, "tensors": table}, sort_keys=True,
                                       separators=(",", ":")).encode("utf-8"))
    digest.update(data)
    return digest.hexdigest()
