"""LDIS-n: in-context segmentation by conditional denoising (arXiv 2403.09616)."""

import torch
import torch.nn.functional as F
from einops import repeat
from torch import nn

from diffseg.models.base_model import INCONTEXT_DATA_PREPROCESSOR
from diffseg.models.noise_schedulers import build_noise_scheduler
from diffseg.models.utils.diffusion_math import (add_training_noise,
                                                 check_same_prediction_type,
                                                 prediction_target)
from diffseg.registry import MODELS, SAMPLERS
from diffseg.utils.misc import check_choice
from .ldis_base import BaseLDIS

NULL_PROMPTS = ('learned', 'encoded')
DROPOUT_SCHEMES = ('independent', 'instructpix2pix')


@MODELS.register_module()
class MultiStepLDIS(BaseLDIS):
    """Denoise a pseudo-mask latent given the query latent and prompt tokens.

    The denoiser sees ``cat([z_t, z_q])`` (its ``conv_in`` widened to 2C
    channels) and predicts the noise (Eq. 8, 9; or v / the clean latent, as
    the training scheduler's ``prediction_type`` says; the sampler's scheduler
    must say the same). Training drops the query
    (zero latent) and the prompt (null tokens) for classifier-free guidance;
    inference runs ``sampler`` (a DiffusionSampler with DualGuidance, Eq. 10).

    Args:
        noise_scheduler: the training scheduler (``add_noise``, timesteps).
        sampler: inference sampler config (SAMPLERS).
        query_dropout, prompt_dropout: probabilities of a null query / prompt.
        dropout_scheme: 'independent' (the paper: each dropped with its own
            probability) or 'instructpix2pix' (the reference code: u ~ U(0,1);
            prompt dropped if u < 2p, query if p <= u < 3p, p = prompt_dropout).
        null_prompt: 'learned' (a trained null token sequence, one per prompt
            slot; the unconditional branch is the model's own) or 'encoded'
            (the reference code: the prompt encoder's tokens of a mid-grey
            image with a full mask, which Alpha-CLIP does not treat as neutral).
        scale_query_latent: multiply the query latent by the VAE scaling factor
            (Eq. 8 treats both latents alike); the reference code does not.
    """

    def __init__(self,
                 prompt_encoder: dict,
                 autoencoder: dict,
                 denoiser: dict,
                 noise_scheduler: dict,
                 sampler: dict,
                 mask_codec: dict = dict(type='PseudoMaskCodec',
                                         mode='augmented', gamma=0.4),
                 query_dropout: float = 0.05,
                 prompt_dropout: float = 0.05,
                 dropout_scheme: str = 'independent',
                 null_prompt: str = 'learned',
                 scale_query_latent: bool = True,
                 data_preprocessor: dict = INCONTEXT_DATA_PREPROCESSOR,
                 init_cfg=None):
        super().__init__(prompt_encoder, autoencoder, denoiser, mask_codec,
                         data_preprocessor, init_cfg)
        check_choice('null_prompt', null_prompt, NULL_PROMPTS)
        check_choice('dropout_scheme', dropout_scheme, DROPOUT_SCHEMES)
        latent_channels = self.autoencoder.latent_channels
        if self.denoiser.in_channels != 2 * latent_channels:
            raise ValueError(
                f'the denoiser takes {self.denoiser.in_channels} input '
                f'channels; LDIS-n needs {2 * latent_channels} (noisy mask '
                f'latent + query latent): set denoiser.in_channels')
        self.noise_scheduler = build_noise_scheduler(noise_scheduler)
        self.sampler = SAMPLERS.build(sampler)
        check_same_prediction_type(self.noise_scheduler, self.sampler)
        self.query_dropout, self.prompt_dropout = query_dropout, prompt_dropout
        self.dropout_scheme = dropout_scheme
        self.null_prompt = null_prompt
        self.scale_query_latent = scale_query_latent
        if null_prompt == 'learned':
            num_tokens = self.prompt_encoder.num_tokens_per_prompt
            width = self.prompt_encoder.out_channels
            self.null_tokens = nn.Parameter(torch.zeros(num_tokens, width))

    # conditioning -----------------------------------------------------------
    def query_latent(self, query: torch.Tensor) -> torch.Tensor:
        """query (B, 3, H, W) -> z_q (B, C, h, w)."""
        z = self.autoencoder.encode(query)
        return z if self.scale_query_latent else (
            z / self.autoencoder.scaling_factor)

    def null_prompt_tokens(self, prompts: torch.Tensor) -> torch.Tensor:
        """prompts (B, K, 4, h, w) -> null tokens (B, K*N, D)."""
        b, k = prompts.shape[:2]
        if self.null_prompt == 'learned':
            return repeat(self.null_tokens, 'n d -> b (k n) d', b=b, k=k)
        blank = torch.zeros_like(prompts)
        blank[:, :, 3] = 1
        return self.prompt_encoder(blank)[0]

    def prompt_conditions(self, inputs: dict, data_samples=None):
        """-> tokens (B, K*N, D), token mask (B, K*N) or None and null
        tokens (B, K*N, D)."""
        tokens, token_mask = self.encode_prompts(inputs, data_samples)
        null_tokens = self.null_prompt_tokens(inputs['prompts'])
        if null_tokens.shape[1] != tokens.shape[1]:
            k = inputs['prompts'].shape[1]
            raise ValueError(
                f'the prompt encoder gave {tokens.shape[1] // k} tokens per '
                f'prompt but declares num_tokens_per_prompt = '
                f'{self.prompt_encoder.num_tokens_per_prompt}, the length of '
                'the learned null prompt: give it prompts of the size it is '
                'configured for (data_preprocessor.prompt_size)')
        return tokens, token_mask, null_tokens

    def drop_conditions(self, z_q, tokens, null_tokens):
        """Replace the query latent / prompt tokens by their nulls per sample."""
        b = z_q.shape[0]
        u = torch.rand(b, device=z_q.device)
        if self.dropout_scheme == 'independent':
            drop_prompt = u < self.prompt_dropout
            drop_query = torch.rand(b, device=z_q.device) < self.query_dropout
        else:
            p = self.prompt_dropout
            drop_prompt = u < 2 * p
            drop_query = (u >= p) & (u < 3 * p)
        z_q = z_q * (~drop_query).to(z_q.dtype)[:, None, None, None]
        tokens = torch.where(drop_prompt[:, None, None], null_tokens, tokens)
        return z_q, tokens

    # modes ------------------------------------------------------------------
    def loss(self, inputs: dict, data_samples) -> dict:
        target = self.target_pseudo_masks(inputs, data_samples)
        with torch.no_grad():
            z_0 = self.autoencoder.encode(target)
            z_q = self.query_latent(inputs['query'])
        tokens, token_mask, null_tokens = self.prompt_conditions(inputs)
        z_q, tokens = self.drop_conditions(z_q, tokens, null_tokens)
        z_t, noise, t = add_training_noise(self.noise_scheduler, z_0)
        pred = self.denoiser(torch.cat([z_t, z_q], 1), t, tokens, token_mask)
        target = prediction_target(self.noise_scheduler, z_0, noise, t)
        return dict(loss_diffusion=F.mse_loss(pred.float(), target.float()))

    def predict_latent(self, inputs: dict, data_samples=None) -> torch.Tensor:
        """-> the generated pseudo-mask latent (B, C, h, w)."""
        tokens, token_mask, null_tokens = self.prompt_conditions(
            inputs, data_samples)
        z_q = self.query_latents(inputs)
        return self.sampler(self.denoiser, z_q, tokens, token_mask,
                            null_tokens)

    def _forward(self, inputs: dict, data_samples=None):
        return self.predict_latent(inputs)
