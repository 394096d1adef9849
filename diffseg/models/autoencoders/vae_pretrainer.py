"""Training of a small KL autoencoder on images and pseudo masks.

A randomly initialised VAE does not reconstruct, so the tiny path trains its
own before LDIS: the same role Stable Diffusion's VAE plays for real models.
"""
import os.path as osp

import torch
import torch.nn.functional as F

from diffseg.models.segmentors.base import BaseDiffSegModel
from diffseg.models.utils import fg_logits_to_samples, stack_gt_masks
from diffseg.registry import AUTOENCODERS, MASK_CODECS, MODELS


@MODELS.register_module()
class VAEPretrainer(BaseDiffSegModel):
    """Reconstruct query images and the pseudo masks of their targets.

    Loss: MSE on images + ``mask_weight`` x MSE on pseudo masks +
    ``kl_weight`` x KL to N(0, I). Prediction decodes the reconstructed pseudo
    mask, so InContextIoU measures how well masks survive the autoencoder.
    ``save_pretrained(dir)`` writes ``dir/vae`` in the diffusers layout, with
    ``scaling_factor`` = 1 / std of the latents seen in training (a running
    estimate, momentum ``std_momentum``), the rule that gave Stable
    Diffusion its 0.18215: diffusion models expect unit-variance latents.
    """

    def __init__(self,
                 autoencoder: dict,
                 mask_codec: dict = dict(type='PseudoMaskCodec'),
                 kl_weight: float = 1e-6,
                 mask_weight: float = 1.0,
                 std_momentum: float = 0.9,
                 data_preprocessor: dict = dict(
                     type='InContextDataPreProcessor'),
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.autoencoder = AUTOENCODERS.build(
            dict(autoencoder, freeze=False, sample_posterior=True))
        self.mask_codec = MASK_CODECS.build(mask_codec)
        self.kl_weight, self.mask_weight = kl_weight, mask_weight
        self.std_momentum = std_momentum
        # 0 until the first training step: no estimate yet
        self.register_buffer('latent_std', torch.zeros(()))

    def _forward(self, inputs: dict):
        return self.reconstruct(inputs['query'])[0]

    def reconstruct(self, x: torch.Tensor, sample: bool = False):
        """x (B, 3, H, W) -> (reconstruction (B, 3, H, W), posterior)."""
        posterior = self.autoencoder.vae.encode(x).latent_dist
        z = posterior.sample() if sample else posterior.mode()
        return self.autoencoder.vae.decode(z).sample, posterior

    def loss(self, inputs: dict, data_samples) -> dict:
        query = inputs['query']
        gt = stack_gt_masks(data_samples, query.shape[-2:]).to(query.device)
        pseudo = self.mask_codec.encode(gt, query)
        rec, posterior = self.reconstruct(torch.cat([query, pseudo]), True)
        self.update_latent_std(posterior.mean.detach())
        rec_img, rec_mask = rec.chunk(2)
        return dict(
            loss_image=F.mse_loss(rec_img, query),
            loss_mask=self.mask_weight * F.mse_loss(rec_mask, pseudo),
            loss_kl=self.kl_weight * posterior.kl().mean())

    def predict(self, inputs: dict, data_samples):
        query = inputs['query']
        gt = stack_gt_masks(data_samples, query.shape[-2:]).to(query.device)
        rec, _ = self.reconstruct(self.mask_codec.encode(gt, query))
        logits = self.mask_codec.decode_logits(rec, query)
        return fg_logits_to_samples(logits, data_samples)

    def update_latent_std(self, latents: torch.Tensor) -> None:
        """Fold the std of a batch of unscaled latents into the estimate."""
        std = latents.float().std()
        if self.latent_std == 0:
            self.latent_std.copy_(std)
        else:
            self.latent_std.mul_(self.std_momentum).add_(
                (1 - self.std_momentum) * std)

    def save_pretrained(self, out_dir: str) -> str:
        """Write the autoencoder to ``out_dir/vae``; returns that path."""
        if self.latent_std > 0:
            self.autoencoder.vae.register_to_config(
                scaling_factor=float(1 / self.latent_std))
        path = osp.join(out_dir, 'vae')
        self.autoencoder.vae.save_pretrained(path)
        return path
