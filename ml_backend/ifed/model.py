"""CAFT: expression queries cross-attending to text tokens, with a conditional latent (the paper's VAE).

One learned query per anchor slot reads the frozen encoder's token features through a small
transformer decoder (self-attention between slots, cross-attention to the text). Each slot
says whether it is used (presence), whether it is a face at all (the "not understood" class),
how strong it is (intensity), and its full-strength ARKit weights, decoded from the slot state
and a latent ``z``. Training draws ``z`` from the posterior q(z | slot, target weights);
inference uses the text-conditioned prior p(z | slot): its mean, or a seeded sample for a
different but faithful variant.

Retrieval prior: the text's pooled sentence embedding (unit mean of its token features, the
MiniLM sentence vector) attends softly over the training phrasings' embeddings (a buffer,
``retrieval.bank_phrases``) and mixes their concepts' weights. The sentence vector and that
prior face join the text tokens as one extra memory token and condition every query, and the
prior enters each slot's weights as a gated residual in logit space, which the slot refines.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from ..naming.arkit import NUM_CHANNELS


@dataclass(frozen=True)
class IFEDConfig:
    """The architecture; stored in every checkpoint so loading rebuilds exactly this model."""

    encoder_dim: int = 384
    d_model: int = 128
    heads: int = 4
    layers: int = 2
    ff_dim: int = 256
    slots: int = 6
    latent_dim: int = 8
    max_tokens: int = 96
    dropout: float = 0.1
    bank_size: int = 0  # phrasings in the retrieval bank; 0 = no retrieval prior

    def to_dict(self) -> dict:
        return asdict(self)


def _additive_mask(mask: torch.Tensor, heads: int, queries: int, dtype: torch.dtype) -> torch.Tensor:
    """Key padding (B x L, True = token) as an additive attention mask, B*heads x queries x L.

    The same attention as ``memory_key_padding_mask``, whose shape check in torch 2.13 imports
    torch.fx's symbolic shapes and sympy: 0.6 s of every cold start.
    """
    additive = torch.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill(~mask, float("-inf"))
    return additive[:, None, :].expand(-1, queries, -1).repeat_interleave(heads, dim=0)


class CAFT(nn.Module):
    """Cross-attention from anchor-slot queries to text tokens; a CVAE head per slot."""

    def __init__(self, config: IFEDConfig) -> None:
        super().__init__()
        c = self.config = config
        self.text_in = nn.Sequential(nn.LayerNorm(c.encoder_dim), nn.Linear(c.encoder_dim, c.d_model))
        self.position = nn.Embedding(c.max_tokens, c.d_model)
        self.queries = nn.Parameter(torch.randn(c.slots, c.d_model) * 0.02)
        layer = nn.TransformerDecoderLayer(c.d_model, c.heads, c.ff_dim, c.dropout, batch_first=True, norm_first=True)
        self.decoder = nn.TransformerDecoder(layer, c.layers)
        self.out_norm = nn.LayerNorm(c.d_model)
        self.presence = nn.Linear(c.d_model, 1)
        self.face = nn.Linear(c.d_model, 1)
        self.intensity = nn.Linear(c.d_model, 1)
        self.prior = nn.Linear(c.d_model, 2 * c.latent_dim)
        self.posterior = nn.Sequential(nn.Linear(c.d_model + NUM_CHANNELS, c.d_model), nn.GELU(),
                                       nn.Linear(c.d_model, 2 * c.latent_dim))
        self.weights_head = nn.Sequential(nn.Linear(c.d_model + c.latent_dim, c.d_model), nn.GELU(),
                                          nn.Linear(c.d_model, NUM_CHANNELS))
        if c.bank_size > 0:
            self.register_buffer("bank_keys", torch.zeros(c.bank_size, c.encoder_dim))
            self.register_buffer("bank_weights", torch.zeros(c.bank_size, NUM_CHANNELS))
            self.retrieval_scale = nn.Parameter(torch.tensor(30.0).log())
            self.context_in = nn.Sequential(nn.Linear(c.encoder_dim + NUM_CHANNELS + 1, c.d_model), nn.GELU(),
                                            nn.Linear(c.d_model, c.d_model))
            self.prior_gate = nn.Linear(c.d_model, 1)

    def set_bank(self, keys: torch.Tensor, weights: torch.Tensor) -> None:
        """Fill the retrieval bank: unit phrase embeddings K x enc_dim and their weights K x 52."""
        self.bank_keys.copy_(keys)
        self.bank_weights.copy_(weights)

    def retrieve(self, tokens: torch.Tensor, mask: torch.Tensor,
                 hidden: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(sentence vector B x enc_dim, prior weights B x 52, best similarity B x 1) of each text.

        ``hidden`` (B x K, True = hide) keeps an example's own phrasings out of its prior in training.
        """
        real = mask[..., None].to(tokens.dtype)
        sentence = (tokens * real).sum(1) / real.sum(1).clamp(min=1.0)
        sentence = sentence / sentence.norm(dim=-1, keepdim=True).clamp(min=1e-6)
        similarity = sentence @ self.bank_keys.T
        if hidden is not None:
            similarity = similarity.masked_fill(hidden, -1.0)
        attention = torch.softmax(similarity * self.retrieval_scale.exp(), dim=-1)
        return sentence, attention @ self.bank_weights, similarity.max(dim=-1, keepdim=True).values

    def slot_states(self, tokens: torch.Tensor, mask: torch.Tensor,
                    hidden: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Slot states B x S x d from token features B x L x enc_dim and mask B x L (True = token),
        and the retrieval prior's weights B x 52 (None without a bank)."""
        tokens, mask = tokens[:, : self.config.max_tokens], mask[:, : self.config.max_tokens]
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        memory = self.text_in(tokens) + self.position(positions)[None]
        queries = self.queries[None].expand(tokens.shape[0], -1, -1)
        prior = None
        if self.config.bank_size > 0:
            sentence, prior, best = self.retrieve(tokens, mask, hidden)
            context = self.context_in(torch.cat([sentence, prior, best], dim=-1))[:, None]
            memory = torch.cat([context, memory], dim=1)
            mask = torch.cat([torch.ones_like(mask[:, :1]), mask], dim=1)
            queries = queries + context
        memory_mask = _additive_mask(mask, self.config.heads, queries.shape[1], memory.dtype)
        return self.out_norm(self.decoder(queries, memory, memory_mask=memory_mask)), prior

    def decode_weights(self, states: torch.Tensor, z: torch.Tensor, prior: torch.Tensor | None = None) -> torch.Tensor:
        """Full-strength ARKit weights B x S x 52 in [0, 1] from slot states, latents and the retrieval prior."""
        logits = self.weights_head(torch.cat([states, z], dim=-1))
        if prior is not None:
            logits = logits + torch.sigmoid(self.prior_gate(states)) * torch.logit(prior[:, None].clamp(0.02, 0.98))
        return torch.sigmoid(logits)

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor, target_weights: torch.Tensor | None = None,
                generator: torch.Generator | None = None, hidden: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """Slot outputs; with ``target_weights`` (B x S x 52) the posterior latent is used too.

        ``hidden`` (B x bank_size, True = hide) masks bank phrasings out of each text's prior (training).
        """
        states, prior = self.slot_states(tokens, mask, hidden)
        prior_mu, prior_logvar = self.prior(states).chunk(2, dim=-1)
        out = {
            "presence_logit": self.presence(states).squeeze(-1),
            "face_logit": self.face(states).squeeze(-1),
            "intensity": torch.sigmoid(self.intensity(states).squeeze(-1)),
            "prior_mu": prior_mu,
            "prior_logvar": prior_logvar.clamp(-8.0, 4.0),
            "weights_prior_mean": self.decode_weights(states, prior_mu, prior),
            "states": states,
            "retrieved": prior,
        }
        if target_weights is not None:
            post_mu, post_logvar = self.posterior(torch.cat([states, target_weights], dim=-1)).chunk(2, dim=-1)
            post_logvar = post_logvar.clamp(-8.0, 4.0)
            noise = torch.randn(post_mu.shape, generator=generator, device=post_mu.device)
            z = post_mu + noise * torch.exp(0.5 * post_logvar)
            out.update(post_mu=post_mu, post_logvar=post_logvar, weights_posterior=self.decode_weights(states, z, prior))
        return out

    @torch.no_grad()
    def sample(self, tokens: torch.Tensor, mask: torch.Tensor, seed: int | None = None) -> dict[str, torch.Tensor]:
        """Inference: weights from the prior mean (seed None or 0) or from a seeded prior sample."""
        out = self.forward(tokens, mask)
        if seed:
            generator = torch.Generator().manual_seed(int(seed))
            noise = torch.randn(out["prior_mu"].shape, generator=generator)
            z = out["prior_mu"] + noise * torch.exp(0.5 * out["prior_logvar"])
            out["weights"] = self.decode_weights(out["states"], z, out["retrieved"])
        else:
            out["weights"] = out["weights_prior_mean"]
        return out


def kl_divergence(post_mu: torch.Tensor, post_logvar: torch.Tensor, prior_mu: torch.Tensor,
                  prior_logvar: torch.Tensor) -> torch.Tensor:
    """KL(q || p) between diagonal Gaussians, summed over the latent dimension (B x S)."""
    return 0.5 * (prior_logvar - post_logvar + (post_logvar.exp() + (post_mu - prior_mu) ** 2) / prior_logvar.exp() - 1.0).sum(-1)
