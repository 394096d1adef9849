"""Stage 1 of LDMSeg: train the shallow mask autoencoder on panoptic masks."""
from typing import Optional

import torch

from diffseg.models.base_model import IMAGE_DATA_PREPROCESSOR
from diffseg.models.utils.panoptic_postprocess import (logits_to_panoptic,
                                                       stack_label_maps)
from diffseg.registry import ID_CODECS, MODELS
from .base import BaseAutoencoderPretrainer
from .mask_ae_losses import mask_autoencoder_losses


@MODELS.register_module()
class MaskAutoencoderPretrainer(BaseAutoencoderPretrainer):
    """Reconstruct panoptic id maps through the mask autoencoder.

    Training draws random ids for the segments of each sample (the id
    codec), encodes their bit planes, samples the posterior and decodes
    per-id logits; loss: cross-entropy (void ignored) + ``mask_weight`` x
    (BCE + Dice per segment) + ``kl_weight`` x KL (0 in the reference
    code). Prediction reconstructs the ground truth with the posterior mean
    and post-processes it like LDMSeg's outputs, so PanopticQuality measures
    how well masks survive the autoencoder.

    ``save_pretrained(dir)`` writes ``dir/mask_autoencoder`` (see
    :class:`BaseAutoencoderPretrainer`).

    Args:
        autoencoder: a ShallowMaskAutoencoder config (trained here).
        mask_codec: an ID_CODECS config (``BitCodec``) that fits the
            autoencoder (its planes in, one logit per id out).
        loss_points: None (losses at every pixel) or the number of
            uncertainty-sampled points per mask (reference: 12544).
        postprocess: kwargs of ``panoptic_postprocess`` for prediction
            (None: its defaults).
    """

    export_subfolder = 'mask_autoencoder'

    def __init__(self,
                 autoencoder: dict,
                 mask_codec: dict = dict(type='BitCodec', num_bits=7),
                 kl_weight: float = 0.0,
                 mask_weight: float = 1.0,
                 loss_points=None,
                 postprocess: Optional[dict] = None,
                 std_momentum: float = 0.9,
                 data_preprocessor: dict = IMAGE_DATA_PREPROCESSOR,
                 init_cfg=None):
        super().__init__(autoencoder, kl_weight, mask_weight, std_momentum,
                         data_preprocessor, init_cfg)
        self.mask_codec = ID_CODECS.build(mask_codec)
        self.mask_codec.check_fits(self.autoencoder)
        self.loss_points = loss_points
        self.postprocess = dict(postprocess or {})

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
        return self.autoencoder.reconstruct(self.mask_codec.encode(ids),
                                            sample)

    def _forward(self, inputs: torch.Tensor, data_samples=None):
        return self.reconstruct(self.gt_ids(inputs, data_samples))[0]

    def loss(self, inputs: torch.Tensor, data_samples) -> dict:
        ids = self.gt_ids(inputs, data_samples)
        logits, posterior = self.reconstruct(ids, sample=True)
        self.track_latent_std(posterior)
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
