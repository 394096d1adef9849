"""MaskDiffusion: training-free segmentation from a frozen Stable Diffusion
UNet (arXiv 2403.11194)."""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.structures import PixelData

from diffseg.models.base_model import BaseDiffSegModel
from diffseg.registry import (AUTOENCODERS, DENOISERS, FEATURE_EXTRACTORS,
                              HEADS, MODELS)
from diffseg.utils.misc import check_choice

DTYPES = dict(fp32=torch.float32, fp16=torch.float16, bf16=torch.bfloat16)
UNET_PROMPTS = ('classes', 'empty')
TEXT_CACHE_SIZE = 4
SD_DATA_PREPROCESSOR = dict(type='mmseg.SegDataPreProcessor',
                            mean=[127.5] * 3, std=[127.5] * 3,
                            bgr_to_rgb=True, pad_val=0, seg_pad_val=255)


def prompt_name(class_name: str) -> str:
    """A dataset class name as prompt text ('building-other' ->
    'building other', 'low_vegetation' -> 'low vegetation')."""
    return ' '.join(class_name.replace('_', ' ').replace('-', ' ').split())


def scores_to_original(scores: torch.Tensor, input_hw: Tuple[int, int],
                       sample) -> torch.Tensor:
    """scores (K, h, w) on the grid of the padded input (H, W) -> (K, H0, W0)
    at ``ori_shape``: the ``img_shape`` part of the input, sampled
    bilinearly (undoing a recorded flip)."""
    meta = sample.metainfo
    h, w = meta.get('img_shape', input_hw)
    out_h, out_w = meta.get('ori_shape', (h, w))
    dev = scores.device
    gy = (torch.arange(out_h, device=dev) + 0.5) * (2 * h / (
        out_h * input_hw[0])) - 1
    gx = (torch.arange(out_w, device=dev) + 0.5) * (2 * w / (
        out_w * input_hw[1])) - 1
    grid = torch.stack(torch.meshgrid(gx, gy, indexing='xy'), -1)
    out = F.grid_sample(scores[None].float(), grid[None], mode='bilinear',
                        padding_mode='border', align_corners=False)[0]
    if meta.get('flip'):
        out = out.flip(-1 if meta.get('flip_direction') == 'horizontal'
                       else -2)
    return out


def scores_to_samples(scores, input_hw: Tuple[int, int], data_samples):
    """Head scores (B, K, h, w), or B maps (K_i, h, w), on the grid of the
    padded input -> each sample's ``seg_logits`` (K, H0, W0) and
    ``pred_sem_seg`` (1, H0, W0) at its ``ori_shape``."""
    for s, sample in zip(scores, data_samples):
        logits = scores_to_original(s, input_hw, sample)
        sample.seg_logits = PixelData(data=logits)
        sample.pred_sem_seg = PixelData(data=logits.argmax(0, keepdim=True))
    return data_samples


@MODELS.register_module()
class MaskDiffusion(BaseDiffSegModel):
    """Open-vocabulary or unsupervised segmentation, one UNet pass an image.

    The image's VAE latent goes through the UNet once; the feature
    extractor captures internal feature maps and the cross-attention map of
    every prompt token. With :class:`MaskDiffusionHead` each class's map
    (mean over its tokens) weighs a prototype feature and every pixel takes
    the most similar class; with a clustering head the UNet sees the empty
    prompt and each image's features are clustered into segments.

    Args:
        autoencoder, denoiser: SD VAE and UNet configs (AUTOENCODERS,
            DENOISERS); both frozen.
        text_encoder: CLIPTextEncoder config (MODELS).
        feature_extractor: config (FEATURE_EXTRACTORS); gets the UNet.
        head: config (HEADS).
        class_names: the vocabulary, as prompt text; default: the dataset's
            classes (``dataset_meta``) with '_' and '-' read as spaces.
        unet_prompt: what the UNet is conditioned on when classes are
            segmented: 'classes' (the first prompt of class names, the
            reference code) or 'empty' (features do not depend on the
            vocabulary; every prompt's maps come from the queries).
        dtype: 'fp32', 'fp16' or 'bf16' for the SD networks (attention is
            computed in fp32 regardless).
        keep_attention: put each class's attention map on the predicted
            samples (``class_attention``), for panels; the visualization
            hook turns it on when it draws.

    ``loss`` raises: the method has no training.
    """

    def __init__(self,
                 autoencoder: dict,
                 denoiser: dict,
                 text_encoder: dict,
                 feature_extractor: dict,
                 head: dict = dict(type='MaskDiffusionHead'),
                 class_names: Optional[Sequence[str]] = None,
                 unet_prompt: str = 'classes',
                 dtype: str = 'fp32',
                 keep_attention: bool = False,
                 data_preprocessor: dict = SD_DATA_PREPROCESSOR,
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        check_choice('unet_prompt', unet_prompt, UNET_PROMPTS)
        check_choice('dtype', dtype, tuple(DTYPES))
        self.autoencoder = AUTOENCODERS.build(autoencoder)
        self.denoiser = DENOISERS.build(denoiser)
        self.text_encoder = MODELS.build(text_encoder)
        for module in (self.autoencoder, self.denoiser, self.text_encoder):
            module.requires_grad_(False)
            module.to(DTYPES[dtype])
        self.feature_extractor = FEATURE_EXTRACTORS.build(
            feature_extractor, default_args=dict(unet=self.denoiser.network))
        self.head = HEADS.build(head)
        self.head_cfg = dict(head)
        self.class_names = list(class_names) if class_names else None
        self.unet_prompt = unet_prompt
        self.dtype = DTYPES[dtype]
        self.keep_attention = keep_attention
        self._text_cache = {}
        self.input_multiple = (self.autoencoder.downsample_factor *
                               self.denoiser.downsample_factor)

    def train(self, mode: bool = True):
        super().train(mode)
        for module in (self.autoencoder, self.denoiser, self.text_encoder):
            module.eval()
        return self

    def loss(self, inputs, data_samples):
        raise NotImplementedError(
            'MaskDiffusion is training-free: it has no loss. Evaluate it '
            'with tools/test.py CONFIG (no checkpoint needed).')

    def vocabulary(self) -> List[str]:
        """The class names to segment, as prompt text."""
        if self.class_names:
            return self.class_names
        classes = (getattr(self, 'dataset_meta', None) or {}).get('classes')
        if not classes:
            raise ValueError('MaskDiffusion has no vocabulary: set '
                             'model.class_names, or give the model a '
                             "dataset_meta with 'classes'")
        return [prompt_name(c) for c in classes]

    def encode_text(self, class_names: Sequence[str]):
        """Class names -> (embeddings (P, L, D), ClassPrompts), cached for
        the last TEXT_CACHE_SIZE vocabularies (the empty one included) on
        the text encoder's device."""
        device = next(self.text_encoder.parameters()).device
        key = (tuple(class_names), device)
        if key not in self._text_cache:
            if len(self._text_cache) >= TEXT_CACHE_SIZE:
                self._text_cache.pop(next(iter(self._text_cache)))
            self._text_cache[key] = self.text_encoder(list(class_names))
        return self._text_cache[key]

    @staticmethod
    def valid_mask(data_samples, input_hw, grid_hw, device):
        """(B, 1, h, w) bool: grid cells whose centre is inside each
        sample's ``img_shape`` (not padding); None without samples."""
        if not data_samples:
            return None
        ys = (torch.arange(grid_hw[0], device=device) + 0.5) * (
            input_hw[0] / grid_hw[0])
        xs = (torch.arange(grid_hw[1], device=device) + 0.5) * (
            input_hw[1] / grid_hw[1])
        masks = []
        for sample in data_samples:
            h, w = sample.metainfo.get('img_shape', input_hw)
            masks.append((ys[:, None] < h) & (xs[None, :] < w))
        return torch.stack(masks)[:, None]

    def pad(self, inputs: torch.Tensor) -> torch.Tensor:
        """Zero-pad (B, 3, H, W) right and bottom to the multiple of the
        VAE and UNet strides (zero is grey in [-1, 1])."""
        m = self.input_multiple
        h, w = inputs.shape[-2:]
        return F.pad(inputs, (0, -w % m, 0, -h % m))

    def extract(self, inputs: torch.Tensor, class_names=None):
        """inputs (B, 3, H, W) in [-1, 1] (multiple of ``input_multiple``)
        -> features (B, D, h, w), class attention (B, C, h', w') or None."""
        z = self.autoencoder.encode(inputs.to(self.dtype))
        if class_names is None:
            empty = self.encode_text([])[0]
            return self.feature_extractor(z, empty)['features'], None
        embeds, prompts = self.encode_text(class_names)
        unet_text = (embeds[:1] if self.unet_prompt == 'classes' else
                     self.encode_text([])[0])
        out = self.feature_extractor(z, unet_text, embeds)
        return out['features'], prompts.gather(out['attention'])

    @torch.no_grad()
    def features(self, inputs: torch.Tensor) -> torch.Tensor:
        """inputs (B, 3, H, W) in [-1, 1] -> the pixel features the
        clustering heads see (B, D, h, w), with the empty prompt."""
        return self.extract(self.pad(inputs))[0]

    def segment(self, inputs: torch.Tensor, data_samples, head=None,
                class_names: Optional[Sequence[str]] = None):
        """Segment a batch with ``head`` (default: the model's); the
        samples get ``seg_logits`` (K, H0, W0) and ``pred_sem_seg``
        (1, H0, W0) at their ``ori_shape``; with an attention head the
        metainfo ``label_names`` (the name of each id) and, when
        ``keep_attention``, ``class_attention`` (C, H0, W0): each class's
        cross-attention map."""
        scores, input_hw, attention, names = self.run_head(
            inputs, data_samples, head, class_names)
        scores_to_samples(scores, input_hw, data_samples)
        if names is not None:
            for b, sample in enumerate(data_samples):
                sample.set_metainfo(dict(label_names=list(names)))
                if self.keep_attention:
                    sample.class_attention = PixelData(data=scores_to_original(
                        attention[b], input_hw, sample))
        return data_samples

    @torch.no_grad()
    def run_head(self, inputs, data_samples=None, head=None,
                 class_names=None):
        """-> (head output: (B, K, h, w) or B maps (K_i, h, w), the padded
        input size, class attention (B, C, h', w') and the class names, the
        last two None for a clustering head)."""
        head = head or self.head
        inputs = self.pad(inputs)
        if head.uses_attention:
            class_names = class_names or self.vocabulary()
        else:
            class_names = None
        features, attention = self.extract(inputs, class_names)
        valid = self.valid_mask(data_samples, inputs.shape[-2:],
                                features.shape[-2:], features.device)
        return (head(features, attention, valid), tuple(inputs.shape[-2:]),
                attention, class_names)

    def head_scores(self, inputs, data_samples=None, head=None,
                    class_names=None):
        """-> (head output, the padded input size); see :meth:`run_head`."""
        return self.run_head(inputs, data_samples, head, class_names)[:2]

    def requested_head(self, data_samples):
        """The head and class names the samples ask for in their metainfo
        (``class_names``: an attention head over these names;
        ``num_segments``: a clustering head making that many segments, the
        model's own kind when it clusters); by default the model's."""
        requests = {(tuple(s.metainfo.get('class_names') or ()),
                     s.metainfo.get('num_segments')) for s in data_samples}
        if len(requests) > 1:
            raise ValueError('the samples of a batch ask for different '
                             'class_names or num_segments; segment them in '
                             'separate batches')
        names, num_segments = requests.pop()
        if names:
            head = self.head if self.head.uses_attention else HEADS.build(
                dict(type='MaskDiffusionHead'))
            return head, list(names)
        if num_segments is not None:
            cfg = (dict(type='SpectralClusteringHead')
                   if self.head.uses_attention else self.head_cfg)
            return HEADS.build(dict(cfg, num_segments=num_segments)), None
        return self.head, None

    def predict(self, inputs: torch.Tensor, data_samples):
        return self.segment(inputs, data_samples,
                            *self.requested_head(data_samples))

    def _forward(self, inputs: torch.Tensor, data_samples=None):
        return self.head_scores(inputs)[0]
