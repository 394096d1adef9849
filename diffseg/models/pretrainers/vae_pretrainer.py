"""Training of a small KL autoencoder on images and pseudo masks.

A randomly initialised VAE does not reconstruct, so the tiny path trains its
own before LDIS: the same role Stable Diffusion's VAE plays for real models.
"""
import torch
import torch.nn.functional as F

from diffseg.models.base_model import INCONTEXT_DATA_PREPROCESSOR
from diffseg.models.utils import fg_logits_to_samples, stack_gt_masks
from diffseg.registry import MASK_CODECS, MODELS
from .base import BaseAutoencoderPretrainer


@MODELS.register_module()
class VAEPretrainer(BaseAutoencoderPretrainer):
    """Reconstruct query images and the pseudo masks of their targets.

    Loss: MSE on images + ``mask_weight`` x MSE on pseudo masks +
    ``kl_weight`` x KL to N(0, I). Prediction decodes the reconstructed pseudo
    mask, so InContextIoU measures how well masks survive the autoencoder.
    ``save_pretrained(dir)`` writes ``dir/vae`` (see
    :class:`BaseAutoencoderPretrainer`).

    Args:
        autoencoder: an AUTOENCODERS config of images (``SDVAE``), trained
            here with posterior sampling.
        mask_codec: the MASK_CODECS config of the pseudo masks.
    """

    export_subfolder = 'vae'

    def __init__(self,
                 autoencoder: dict,
                 mask_codec: dict = dict(type='PseudoMaskCodec'),
                 kl_weight: float = 1e-6,
                 mask_weight: float = 1.0,
                 std_momentum: float = 0.9,
                 data_preprocessor: dict = INCONTEXT_DATA_PREPROCESSOR,
                 init_cfg=None):
        super().__init__(autoencoder, kl_weight, mask_weight, std_momentum,
                         data_preprocessor, init_cfg)
        self.mask_codec = MASK_CODECS.build(mask_codec)

    def _forward(self, inputs: dict, data_samples=None):
        return self.autoencoder.reconstruct(inputs['query'])[0]

    def loss(self, inputs: dict, data_samples) -> dict:
        query = inputs['query']
        gt = stack_gt_masks(data_samples, query.shape[-2:]).to(query.device)
        pseudo = self.mask_codec.encode(gt, query)
        rec, posterior = self.autoencoder.reconstruct(
            torch.cat([query, pseudo]), sample=True)
        self.track_latent_std(posterior)
        rec_img, rec_mask = rec.chunk(2)
        return dict(
            loss_image=F.mse_loss(rec_img, query),
            loss_mask=self.mask_weight * F.mse_loss(rec_mask, pseudo),
            loss_kl=self.kl_weight * posterior.kl().mean())

    def predict(self, inputs: dict, data_samples):
        query = inputs['query']
        gt = stack_gt_masks(data_samples, query.shape[-2:]).to(query.device)
        rec, _ = self.autoencoder.reconstruct(
            self.mask_codec.encode(gt, query))
        logits = self.mask_codec.decode_logits(rec, query)
        return fg_logits_to_samples(logits, data_samples)
