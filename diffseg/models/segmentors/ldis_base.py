"""What LDIS-1 and LDIS-n share: components, prompt tokens, mask decoding."""
import torch

from diffseg.models.utils import fg_prob_to_samples, stack_gt_masks
from diffseg.registry import (AUTOENCODERS, DENOISERS, MASK_CODECS,
                              PROMPT_ENCODERS)
from .base import BaseDiffSegModel


class BaseLDIS(BaseDiffSegModel):
    """Builds the prompt encoder, autoencoder, denoiser and mask codec.

    Prompts arrive as ``inputs['prompts']`` (B, K, 4, h, w) and, when episodes
    of a batch have different K, ``inputs['prompt_valid']`` (B, K) marks the
    real ones; tokens of padding prompts are masked out of cross-attention.
    """

    def __init__(self, prompt_encoder: dict, autoencoder: dict,
                 denoiser: dict, mask_codec: dict, data_preprocessor: dict,
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.prompt_encoder = PROMPT_ENCODERS.build(prompt_encoder)
        self.autoencoder = AUTOENCODERS.build(autoencoder)
        self.denoiser = DENOISERS.build(denoiser)
        self.mask_codec = MASK_CODECS.build(mask_codec)

    def encode_prompts(self, inputs: dict):
        """-> tokens (B, K*N, D), token mask (B, K*N) bool or None."""
        prompts = inputs['prompts']
        tokens, token_mask = self.prompt_encoder(prompts)
        valid = inputs.get('prompt_valid')
        if valid is None or bool(valid.all()):
            return tokens, token_mask
        per_prompt = tokens.shape[1] // prompts.shape[1]
        valid = valid.repeat_interleave(per_prompt, dim=1)
        return tokens, valid if token_mask is None else token_mask & valid

    def target_pseudo_masks(self, inputs: dict, data_samples) -> torch.Tensor:
        """The pseudo masks of the episodes' targets: (B, 3, H, W)."""
        query = inputs['query']
        gt = stack_gt_masks(data_samples, query.shape[-2:]).to(query.device)
        return self.mask_codec.encode(gt, query, training=self.training)

    def latent_to_samples(self, latent: torch.Tensor, inputs: dict,
                          data_samples):
        """Decode a pseudo-mask latent into predictions on the samples."""
        pseudo = self.autoencoder.decode(latent)
        prob = self.mask_codec.decode(pseudo.float(), inputs['query'])
        return fg_prob_to_samples(prob, data_samples)
