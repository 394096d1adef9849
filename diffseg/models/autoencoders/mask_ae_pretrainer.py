"""Stage 1 of LDMSeg: train the shallow mask autoencoder on panoptic masks."""
import os.path as osp

import torch

from diffseg.models.utils.panoptic_postprocess import (logits_to_panoptic,
                                                       stack_label_maps)
from diffseg.registry import MODELS
from .mask_ae_losses import mask_autoencoder_losses
from .vae_pretrainer import VAEPretrainer

EXPORT_SUBFOLDER = 'mask_autoencoder'


@MODELS.register_module()
class MaskAutoencoderPretrainer(VAEPretrainer):
    """Reconstruct panoptic id maps through the mask autoencoder.

    Training draws random ids for the segments of each sample (the bit
    codec), encodes their bit planes, samples the posterior and decodes
    per-id logits; loss: cross-entropy (void ignored) + ``mask_weight`` x
    (BCE + Dice per segment) + ``kl_weight`` x KL (0 in the reference
    code). Prediction reconstructs the ground truth with the posterior mean
    and post-processes it like LDMSeg's outputs, so PanopticQuality measures
    how well masks survive the autoencoder.

    ``save_pretrained(dir)`` writes ``dir/mask_autoencoder`` with
    ``scaling_factor`` = 1 / std of the latent means seen in training.

    Args:
        autoencoder: a ShallowMaskAutoencoder config (trained here).
        mask_codec: a BitCodec config; its ``num_ids`` must be the
            autoencoder's ``num_ids``.
        loss_points: None (losses at every pixel) or the number of
            uncertainty-sampled points per mask (reference: 12544).
        postprocess: kwargs of ``panoptic_postprocess`` for prediction.
    """

    def __init__(self,
                 autoencoder: dict,
                 mask_codec: dict = dict(type='BitCodec', num_bits=7),
                 kl_weight: float = 0.0,
                 mask_weight: float = 1.0,
                 loss_points=None,
                 postprocess: dict = dict(mask_threshold=0.5, min_area=512,
                                          overlap_threshold=0.5),
                 std_momentum: float = 0.9,
                 data_preprocessor: dict = dict(
                     type='ImgDataPreprocessor', mean=[127.5] * 3,
                     std=[127.5] * 3, bgr_to_rgb=True),
                 init_cfg=None):
        super().__init__(autoencoder=autoencoder, mask_codec=mask_codec,
                         kl_weight=kl_weight, mask_weight=mask_weight,
                         std_momentum=std_momentum,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        codec, ae = self.mask_codec, self.autoencoder
        if (codec.num_bits, codec.num_ids) != (ae.in_channels, ae.num_ids):
            raise ValueError(
                f'the bit codec gives {codec.num_bits} planes for '
                f'{codec.num_ids} ids but the autoencoder takes '
                f'{ae.in_channels} planes and predicts {ae.num_ids} ids: '
                'set in_channels = num_bits and num_ids = 2**num_bits')
        self.loss_points = loss_points
        self.postprocess = dict(postprocess)

    def gt_ids(self, inputs: torch.Tensor, data_samples) -> torch.Tensor:
        """-> the samples' panoptic ids with fresh random ids (B, H, W)."""
        if data_samples is None:
            raise ValueError('the mask autoencoder reconstructs gt masks: '
                             'pass data samples with gt_panoptic_seg')
        ids = stack_label_maps(data_samples, 'gt_panoptic_seg',
                               inputs.shape[-2:])[:, 0]
        return self.mask_codec.assign_random_ids(ids)

    def reconstruct(self, ids: torch.Tensor, sample: bool = False):
        """ids (B, H, W) -> (logits (B, num_ids, H, W), posterior)."""
        planes = self.mask_codec.encode(ids)
        posterior = self.autoencoder.model.encode(planes)
        z = posterior.sample() if sample else posterior.mode()
        return self.autoencoder.model.decode(z), posterior

    def _forward(self, inputs: torch.Tensor, data_samples=None):
        return self.reconstruct(self.gt_ids(inputs, data_samples))[0]

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'tensor':
            return self._forward(inputs, data_samples)
        return super().forward(inputs, data_samples, mode)

    def loss(self, inputs: torch.Tensor, data_samples) -> dict:
        ids = self.gt_ids(inputs, data_samples)
        logits, posterior = self.reconstruct(ids, sample=True)
        self.update_latent_std(posterior.mean.detach())
        losses = mask_autoencoder_losses(logits, ids, self.loss_points)
        losses['loss_mask_bce'] = self.mask_weight * losses['loss_mask_bce']
        losses['loss_mask_dice'] = self.mask_weight * losses['loss_mask_dice']
        if self.kl_weight > 0:
            losses['loss_kl'] = self.kl_weight * posterior.kl().mean()
        return losses

    def predict(self, inputs: torch.Tensor, data_samples):
        logits, _ = self.reconstruct(self.gt_ids(inputs, data_samples))
        for sample_logits, sample in zip(logits, data_samples):
            logits_to_panoptic(sample_logits, sample, **self.postprocess)
        return data_samples

    def save_pretrained(self, out_dir: str) -> str:
        """Write the autoencoder to ``out_dir/mask_autoencoder``."""
        model = self.autoencoder.model
        if self.latent_std > 0:
            model.register_to_config(scaling_factor=float(1 /
                                                          self.latent_std))
        path = osp.join(out_dir, EXPORT_SUBFOLDER)
        model.save_pretrained(path)
        return path
