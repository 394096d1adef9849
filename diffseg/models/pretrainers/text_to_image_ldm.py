"""A text-to-image latent diffusion model: the prior the methods stand on."""
import os
import os.path as osp
import shutil
import tempfile
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from diffusers import StableDiffusionPipeline
from mmengine.structures import PixelData

from diffseg.models.noise_schedulers import build_noise_scheduler
from diffseg.models.base_model import BaseDiffSegModel
from diffseg.models.segmentors.maskdiffusion import SD_DATA_PREPROCESSOR
from diffseg.models.utils.diffusion_math import (add_training_noise,
                                                 check_prediction_type,
                                                 prediction_target)
from diffseg.registry import AUTOENCODERS, DENOISERS, MODELS

SD_NOISE_SCHEDULER = dict(type='DDPMScheduler', num_train_timesteps=1000,
                          beta_schedule='scaled_linear', beta_start=0.00085,
                          beta_end=0.012, steps_offset=1, clip_sample=False)
# images padded to a multiple of 8 in training too (mmseg's stacking needs
# a size rule)
DATA_PREPROCESSOR = dict(SD_DATA_PREPROCESSOR, size_divisor=8)
PIPELINE_PARTS = ('vae', 'unet', 'text_encoder', 'tokenizer', 'scheduler')
GENERATION_DEFAULTS = dict(scheduler=dict(type='DDIMScheduler'),
                           num_inference_steps=25, guidance_scale=4.0, seed=0)


@MODELS.register_module()
class TextToImageLDM(BaseDiffSegModel):
    """Stable Diffusion's recipe at any scale: a frozen VAE, a CLIP text
    encoder and a UNet that denoises image latents given caption tokens.

    Training: z_0 = VAE latent of the image, t ~ U{0..T-1}, z_t =
    sqrt(a_t) z_0 + sqrt(1 - a_t) eps; loss = MSE(UNet(z_t, t, text), target)
    with target eps ('epsilon'), v or z_0 as the scheduler's
    ``prediction_type`` says. Each caption is replaced by the empty one with
    probability ``caption_dropout``, so the model also learns the
    unconditional score that classifier-free guidance needs.

    ``save_pretrained(dir)`` writes the diffusers ``StableDiffusionPipeline``
    layout (model_index.json, vae/, unet/, text_encoder/, tokenizer/,
    scheduler/); ``generate`` samples images with guidance through that
    same pipeline.

    Args:
        autoencoder: AUTOENCODERS config (frozen SDVAE).
        text_encoder: MODELS config of a CLIPTextEncoder (``freeze=False``
            trains it jointly).
        denoiser: DENOISERS config (DiffusersUNet with cross-attention of
            the text encoder's width).
        noise_scheduler: training scheduler (NOISE_SCHEDULERS); exported as
            the pipeline's scheduler.
        caption_dropout: probability of training on the empty caption.
        generation: defaults of :meth:`generate` (``scheduler``,
            ``num_inference_steps``, ``guidance_scale``, ``seed``).
    """

    def __init__(self,
                 autoencoder: dict,
                 text_encoder: dict,
                 denoiser: dict,
                 noise_scheduler: dict = SD_NOISE_SCHEDULER,
                 caption_dropout: float = 0.1,
                 generation: Optional[dict] = None,
                 data_preprocessor: dict = DATA_PREPROCESSOR,
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if not 0 <= caption_dropout <= 1:
            raise ValueError(f'caption_dropout must be in [0, 1], got '
                             f'{caption_dropout}')
        unknown = set(generation or {}) - set(GENERATION_DEFAULTS)
        if unknown:
            raise ValueError(f'generation has unknown keys {sorted(unknown)};'
                             f' expected some of {sorted(GENERATION_DEFAULTS)}')
        self.autoencoder = AUTOENCODERS.build(autoencoder)
        self.text_encoder = MODELS.build(text_encoder)
        self.denoiser = DENOISERS.build(denoiser)
        if self.denoiser.cross_attention_dim != self.text_encoder.width:
            raise ValueError(
                f'the UNet cross-attends to width '
                f'{self.denoiser.cross_attention_dim} but the text encoder '
                f'gives {self.text_encoder.width}: make them equal')
        self.noise_scheduler = build_noise_scheduler(noise_scheduler)
        check_prediction_type(self.noise_scheduler.config.prediction_type)
        self.caption_dropout = caption_dropout
        self.generation = {**GENERATION_DEFAULTS, **(generation or {})}

    # training ---------------------------------------------------------------
    @staticmethod
    def captions_of(data_samples) -> list:
        """The ``caption`` metainfo of every sample."""
        captions = [s.metainfo.get('caption') for s in data_samples]
        missing = [i for i, c in enumerate(captions) if c is None]
        if missing:
            raise ValueError(
                f'samples {missing} have no caption metainfo; pack it with '
                "PackSegInputs(meta_keys=(..., 'caption'))")
        return captions

    def drop_captions(self, captions: Sequence[str]) -> list:
        """Each caption becomes '' with probability ``caption_dropout``
        (one torch.rand draw per caption)."""
        keep = torch.rand(len(captions)) >= self.caption_dropout
        return [c if k else '' for c, k in zip(captions, keep.tolist())]

    def loss(self, inputs: torch.Tensor, data_samples) -> dict:
        captions = self.drop_captions(self.captions_of(data_samples))
        with torch.no_grad():
            z_0 = self.autoencoder.encode(inputs)
        text = self.text_encoder.encode_texts(captions).to(z_0.device)
        z_t, noise, t = add_training_noise(self.noise_scheduler, z_0)
        pred = self.denoiser(z_t, t, text)
        target = prediction_target(self.noise_scheduler, z_0, noise, t)
        return dict(loss_diffusion=F.mse_loss(pred.float(), target.float()))

    # generation -------------------------------------------------------------
    def as_pipeline(self, scheduler: Optional[dict] = None
                    ) -> StableDiffusionPipeline:
        """The networks as a diffusers StableDiffusionPipeline (shared, not
        copied); ``scheduler`` config, default: the training scheduler."""
        sched = self.noise_scheduler if scheduler is None else (
            build_noise_scheduler({
                **dict(self.noise_scheduler.config), **scheduler}))
        return StableDiffusionPipeline(
            vae=self.autoencoder.network,
            text_encoder=self.text_encoder.text_model,
            tokenizer=self.text_encoder.tokenizer,
            unet=self.denoiser.network,
            scheduler=sched,
            safety_checker=None,
            feature_extractor=None,
            requires_safety_checker=False)

    @torch.no_grad()
    def generate(self, captions: Sequence[str], **overrides) -> torch.Tensor:
        """Captions -> images (N, 3, H, W) in [0, 1], sampled with
        classifier-free guidance; ``overrides`` replace the ``generation``
        defaults for this call."""
        unknown = set(overrides) - set(GENERATION_DEFAULTS)
        if unknown:
            raise ValueError(f'unknown generation options {sorted(unknown)}')
        opts = {**self.generation, **overrides}
        pipe = self.as_pipeline(opts['scheduler'])
        pipe.set_progress_bar_config(disable=True)
        device = next(self.denoiser.parameters()).device
        generator = torch.Generator(device).manual_seed(int(opts['seed']))
        was_training = self.training
        self.eval()
        try:
            return pipe(list(captions),
                        num_inference_steps=opts['num_inference_steps'],
                        guidance_scale=opts['guidance_scale'],
                        generator=generator, output_type='pt').images
        finally:
            self.train(was_training)

    def predict(self, inputs: torch.Tensor, data_samples):
        """Generate an image from each sample's caption -> ``pred_img``
        (3, H, W) uint8 RGB."""
        images = self.generate(self.captions_of(data_samples))
        for image, sample in zip(images, data_samples):
            sample.pred_img = PixelData(
                data=(image * 255).round().to(torch.uint8))
        return data_samples

    def _forward(self, inputs: torch.Tensor, data_samples=None):
        """The latents the UNet learns to generate: (B, C, h, w)."""
        return self.autoencoder.encode(inputs)

    # export -----------------------------------------------------------------
    def save_pretrained(self, out_dir: str) -> str:
        """Write the StableDiffusionPipeline layout into ``out_dir``; each
        part replaces the folder of the same name there, whole (written
        beside it first), and other files in ``out_dir`` stay."""
        os.makedirs(out_dir, exist_ok=True)
        staging = tempfile.mkdtemp(dir=out_dir, prefix='.export-')
        try:
            self.as_pipeline().save_pretrained(staging)
            for name in PIPELINE_PARTS + ('model_index.json', ):
                target = osp.join(out_dir, name)
                if osp.isdir(target):
                    shutil.rmtree(target)
                os.replace(osp.join(staging, name), target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return out_dir
