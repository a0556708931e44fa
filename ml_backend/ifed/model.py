"""CAFT: expression queries cross-attending to text tokens, with a conditional latent (the paper's VAE).

One learned query per anchor slot reads the frozen encoder's token features through a small
transformer decoder (self-attention between slots, cross-attention to the text). Each slot
says whether it is used (presence), whether it is a face at all (the "not understood" class),
how strong it is (intensity), and its full-strength ARKit weights, decoded from the slot state
and a latent ``z``. Training draws ``z`` from the posterior q(z | slot, target weights);
inference uses the text-conditioned prior p(z | slot): its mean, or a seeded sample for a
different but faithful variant.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from ..arkit import NUM_CHANNELS


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

    def to_dict(self) -> dict:
        return asdict(self)


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

    def slot_states(self, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Slot states B x S x d from token features B x L x enc_dim and mask B x L (True = token)."""
        tokens, mask = tokens[:, : self.config.max_tokens], mask[:, : self.config.max_tokens]
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        memory = self.text_in(tokens) + self.position(positions)[None]
        queries = self.queries[None].expand(tokens.shape[0], -1, -1)
        return self.out_norm(self.decoder(queries, memory, memory_key_padding_mask=~mask))

    def decode_weights(self, states: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Full-strength ARKit weights B x S x 52 in [0, 1] from slot states and latents."""
        return torch.sigmoid(self.weights_head(torch.cat([states, z], dim=-1)))

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor, target_weights: torch.Tensor | None = None,
                generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """Slot outputs; with ``target_weights`` (B x S x 52) the posterior latent is used too."""
        states = self.slot_states(tokens, mask)
        prior_mu, prior_logvar = self.prior(states).chunk(2, dim=-1)
        out = {
            "presence_logit": self.presence(states).squeeze(-1),
            "face_logit": self.face(states).squeeze(-1),
            "intensity": torch.sigmoid(self.intensity(states).squeeze(-1)),
            "prior_mu": prior_mu,
            "prior_logvar": prior_logvar.clamp(-8.0, 4.0),
            "weights_prior_mean": self.decode_weights(states, prior_mu),
            "states": states,
        }
        if target_weights is not None:
            post_mu, post_logvar = self.posterior(torch.cat([states, target_weights], dim=-1)).chunk(2, dim=-1)
            post_logvar = post_logvar.clamp(-8.0, 4.0)
            noise = torch.randn(post_mu.shape, generator=generator, device=post_mu.device)
            z = post_mu + noise * torch.exp(0.5 * post_logvar)
            out.update(post_mu=post_mu, post_logvar=post_logvar, weights_posterior=self.decode_weights(states, z))
        return out

    @torch.no_grad()
    def sample(self, tokens: torch.Tensor, mask: torch.Tensor, seed: int | None = None) -> dict[str, torch.Tensor]:
        """Inference: weights from the prior mean (seed None or 0) or from a seeded prior sample."""
        out = self.forward(tokens, mask)
        if seed:
            generator = torch.Generator().manual_seed(int(seed))
            noise = torch.randn(out["prior_mu"].shape, generator=generator)
            z = out["prior_mu"] + noise * torch.exp(0.5 * out["prior_logvar"])
            out["weights"] = self.decode_weights(out["states"], z)
        else:
            out["weights"] = out["weights_prior_mean"]
        return out


def kl_divergence(post_mu: torch.Tensor, post_logvar: torch.Tensor, prior_mu: torch.Tensor,
                  prior_logvar: torch.Tensor) -> torch.Tensor:
    """KL(q || p) between diagonal Gaussians, summed over the latent dimension (B x S)."""
    return 0.5 * (prior_logvar - post_logvar + (post_logvar.exp() + (post_mu - prior_mu) ** 2) / prior_logvar.exp() - 1.0).sum(-1)
