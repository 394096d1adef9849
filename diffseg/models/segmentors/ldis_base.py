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

    At inference, when every sample of a batch carries the same
    ``prompt_key`` metainfo as the batch before (e.g. the first frame of a
    video prompting each later frame), the prompt tokens of that batch are
    reused instead of running the prompt encoder again. The cache holds one
    entry and is cleared on entering training mode or on a key change.
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
        self._prompt_cache = None  # ((key, shape, device), (tokens, mask))

    def train(self, mode: bool = True):
        if mode:
            self._prompt_cache = None
        return super().train(mode)

    @staticmethod
    def _shared_prompt_key(data_samples):
        """The ``prompt_key`` metainfo all ``data_samples`` share, or None."""
        if not data_samples:
            return None
        keys = set()
        for sample in data_samples:
            meta = (sample if isinstance(sample, dict) else getattr(
                sample, 'metainfo', {}))
            key = meta.get('prompt_key')
            if key is None:
                return None
            keys.add(str(key))
        return keys.pop() if len(keys) == 1 else None

    def encode_prompts(self, inputs: dict, data_samples=None):
        """-> tokens (B, K*N, D), token mask (B, K*N) bool or None.

        Not training, with ``data_samples`` all sharing one ``prompt_key``
        equal to the previous batch's (same batch size), the previous
        tokens are returned without running the prompt encoder.
        """
        prompts = inputs['prompts']
        key = None if self.training else self._shared_prompt_key(data_samples)
        if key is None:
            self._prompt_cache = None
            return self._encode_prompts(inputs)
        ident = (key, tuple(prompts.shape), prompts.device)
        if self._prompt_cache is not None and self._prompt_cache[0] == ident:
            return self._prompt_cache[1]
        out = self._encode_prompts(inputs)
        self._prompt_cache = (ident, out)
        return out

    def _encode_prompts(self, inputs: dict):
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
