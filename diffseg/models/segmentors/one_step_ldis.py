"""LDIS-1: in-context segmentation with one denoiser call (arXiv 2403.09616)."""
from typing import Optional

import torch
import torch.nn.functional as F

from diffseg.models.base_model import INCONTEXT_DATA_PREPROCESSOR
from diffseg.models.noise_schedulers import build_noise_scheduler
from diffseg.registry import MODELS, SAMPLERS
from diffseg.utils.misc import check_choice
from .ldis_base import BaseLDIS

LOSS_SPACES = ('latent', 'pixel')


@MODELS.register_module()
class OneStepLDIS(BaseLDIS):
    """Query latent + prompt tokens -> pseudo-mask latent in one UNet call.

    Args:
        prompt_encoder, autoencoder, denoiser, mask_codec, sampler: configs of
            the components (PROMPT_ENCODERS, AUTOENCODERS, DENOISERS,
            MASK_CODECS, SAMPLERS).
        loss_space: 'latent' (Eq. 6, MSE to the encoded pseudo mask) or
            'pixel' (Eq. 5, "PO": MSE to the pseudo mask after the frozen
            decoder, gradients through the decoder's activations).
        input_timestep: noise level t of the query latent. 0 (the
            reference code) feeds the clean latent; t > 0 noises it with
            ``noise_scheduler`` into the paper's LDIS-1 input
            z_t = sqrt(a_t) z_q + sqrt(1 - a_t) eps, at training and
            inference.
        noise_scheduler: scheduler config, needed when ``input_timestep > 0``.
    """

    def __init__(self,
                 prompt_encoder: dict,
                 autoencoder: dict,
                 denoiser: dict,
                 mask_codec: dict = dict(type='PseudoMaskCodec'),
                 sampler: dict = dict(type='OneStepSampler'),
                 loss_space: str = 'latent',
                 input_timestep: int = 0,
                 noise_scheduler: Optional[dict] = None,
                 data_preprocessor: dict = INCONTEXT_DATA_PREPROCESSOR,
                 init_cfg=None):
        super().__init__(prompt_encoder, autoencoder, denoiser, mask_codec,
                         data_preprocessor, init_cfg)
        check_choice('loss_space', loss_space, LOSS_SPACES)
        if input_timestep > 0 and noise_scheduler is None:
            raise ValueError('input_timestep > 0 needs a noise_scheduler '
                             "config, e.g. dict(type='DDPMScheduler')")
        self.sampler = SAMPLERS.build(dict(sampler, timestep=input_timestep))
        self.loss_space = loss_space
        self.input_timestep = input_timestep
        self.noise_scheduler = (build_noise_scheduler(noise_scheduler)
                                if noise_scheduler else None)

    def _forward(self, inputs: dict, data_samples=None):
        return self.predict_latent(inputs)

    def query_latent(self, query: torch.Tensor) -> torch.Tensor:
        """query (B, 3, H, W) -> z_t (B, C, h, w), noised when t > 0."""
        z = self.autoencoder.encode(query)
        if self.input_timestep == 0:
            return z
        t = torch.full((z.shape[0], ), self.input_timestep,
                       device=z.device, dtype=torch.long)
        return self.noise_scheduler.add_noise(z, torch.randn_like(z), t)

    def predict_latent(self, inputs: dict, data_samples=None) -> torch.Tensor:
        """inputs (query (B, 3, H, W), prompts (B, K, 4, h, w)) ->
        pseudo-mask latent (B, C, H/f, W/f)."""
        tokens, token_mask = self.encode_prompts(inputs, data_samples)
        z_q = self.query_latents(inputs)
        return self.sampler(self.denoiser, z_q, tokens, token_mask)

    def loss(self, inputs: dict, data_samples) -> dict:
        target = self.target_pseudo_masks(inputs, data_samples)
        pred = self.predict_latent(inputs)
        if self.loss_space == 'latent':
            with torch.no_grad():
                target_latent = self.autoencoder.encode(target)
            return dict(loss_latent=F.mse_loss(pred.float(),
                                               target_latent.float()))
        decoded = self.autoencoder.decode(pred)
        return dict(loss_pixel=F.mse_loss(decoded.float(), target.float()))
