"""What LDIS-1 and LDIS-n share: components, prompt tokens, mask decoding."""
import torch
from einops import repeat

from diffseg.models.base_model import BaseDiffSegModel
from diffseg.models.utils import (class_prob_to_sample, fg_logits_to_samples,
                                  stack_gt_masks, to_original_size)
from diffseg.registry import (AUTOENCODERS, DENOISERS, MASK_CODECS,
                              PROMPT_ENCODERS)


class BaseLDIS(BaseDiffSegModel):
    """Builds the prompt encoder, autoencoder, denoiser and mask codec.

    Prompts arrive as ``inputs['prompts']`` (B, K, 4, h, w) and, when episodes
    of a batch have different K, ``inputs['prompt_valid']`` (B, K) marks the
    real ones; tokens of padding prompts are masked out of cross-attention.

    At inference, when every sample of a batch carries the same
    ``prompt_key`` metainfo as the batch before (e.g. the first frame of a
    video prompting each later frame) and the same prompt tensor, the prompt
    tokens of that batch are reused instead of running the prompt encoder
    again. The cache holds one entry and is cleared on entering training
    mode or on a key change.

    Samples with the metainfo ``multi_category=True`` are scored per class
    (Eq. 7): the prompts of each distinct id in ``prompt_cls_ids`` form one
    single-class episode on the query; the query is encoded once, the
    episodes run as one batch, and each pixel takes the class of highest
    p_c (background unless some class's fg logit is positive).
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
        self._prompt_cache = None  # (key, prompts, (tokens, token mask))

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
        equal to the previous batch's and the same prompt tensor (compared
        exactly: a key reused for other prompts is not trusted), the
        previous tokens are returned without running the prompt encoder.
        """
        prompts = inputs['prompts']
        key = None if self.training else self._shared_prompt_key(data_samples)
        if key is None:
            self._prompt_cache = None
            return self._encode_prompts(inputs)
        cache = self._prompt_cache
        if (cache is not None and cache[0] == key
                and cache[1].shape == prompts.shape
                and cache[1].device == prompts.device
                and torch.equal(cache[1], prompts)):
            return cache[2]
        out = self._encode_prompts(inputs)
        self._prompt_cache = (key, prompts.clone(), out)
        return out

    def _encode_prompts(self, inputs: dict):
        prompts = inputs['prompts']
        tokens, token_mask = self.prompt_encoder(prompts)
        valid = inputs.get('prompt_valid')
        if valid is None or bool(valid.all()):
            return tokens, token_mask
        valid = repeat(valid, 'b k -> b (k n)',
                       n=tokens.shape[1] // prompts.shape[1])
        return tokens, valid if token_mask is None else token_mask & valid

    def query_latents(self, inputs: dict) -> torch.Tensor:
        """The latent of each episode's query: ``query_latent`` of
        ``inputs['query']``, indexed by ``inputs['query_index']`` when
        several episodes share a query (multi-category)."""
        z_q = self.query_latent(inputs['query'])
        index = inputs.get('query_index')
        return z_q if index is None else z_q[index]

    def predict(self, inputs: dict, data_samples):
        multi = [bool(s.metainfo.get('multi_category')) for s in data_samples]
        if not any(multi):
            return self.latent_to_samples(
                self.predict_latent(inputs, data_samples), inputs,
                data_samples)
        if not all(multi):
            raise ValueError(
                'a batch mixes multi-category samples with single-class '
                'episodes; test them in separate dataloaders')
        return self.predict_categories(inputs, data_samples)

    def predict_categories(self, inputs: dict, data_samples):
        """Eq. 7 on samples whose prompts show several classes ->
        ``pred_sem_seg`` (1, H, W) class ids, ``seg_logits`` (C + 1, H, W)."""
        prompts, valid = inputs['prompts'], inputs.get('prompt_valid')
        runs = []  # (sample, class id, its prompt indices)
        for b, sample in enumerate(data_samples):
            ids = list(sample.metainfo.get('prompt_cls_ids', []))
            count = (prompts.shape[1] if valid is None else int(
                valid[b].sum()))  # padding prompts come last
            if len(ids) != count:
                raise ValueError(
                    f'multi-category sample {b} has {count} prompts but '
                    f'{len(ids)} prompt_cls_ids; expected one id a prompt')
            for cls in dict.fromkeys(ids):
                runs.append((b, cls, [k for k, c in enumerate(ids)
                                      if c == cls]))
        k_max = max(len(r[2]) for r in runs)
        run_prompts = prompts.new_zeros(len(runs), k_max, *prompts.shape[2:])
        run_valid = torch.zeros(len(runs), k_max, dtype=torch.bool,
                                device=prompts.device)
        for i, (b, _, ks) in enumerate(runs):
            run_prompts[i, :len(ks)] = prompts[b, ks]
            run_valid[i, :len(ks)] = True
        query_index = torch.tensor([r[0] for r in runs],
                                   device=prompts.device)
        run_inputs = dict(query=inputs['query'], query_index=query_index,
                          prompts=run_prompts)
        if not bool(run_valid.all()):
            run_inputs['prompt_valid'] = run_valid
        pseudo = self.autoencoder.decode(
            self.predict_latent(run_inputs, data_samples)).float()
        logits = self.mask_codec.decode_logits(
            pseudo, inputs['query'][query_index])[:, 0]  # (runs, H, W)
        for b, sample in enumerate(data_samples):
            rows = [i for i, r in enumerate(runs) if r[0] == b]
            # the logits are resized, then fused (linear before softmax)
            d = to_original_size(logits[rows], sample)  # (C, H, W)
            prob = self.mask_codec.decode_multiclass(d[None])[0]
            class_ids = torch.tensor([runs[i][1] for i in rows])
            class_prob_to_sample(prob, class_ids, sample)
        return data_samples

    def target_pseudo_masks(self, inputs: dict, data_samples) -> torch.Tensor:
        """The pseudo masks of the episodes' targets: (B, 3, H, W)."""
        query = inputs['query']
        gt = stack_gt_masks(data_samples, query.shape[-2:]).to(query.device)
        return self.mask_codec.encode(gt, query, training=self.training)

    def latent_to_samples(self, latent: torch.Tensor, inputs: dict,
                          data_samples):
        """Decode a pseudo-mask latent into predictions on the samples."""
        pseudo = self.autoencoder.decode(latent)
        logits = self.mask_codec.decode_logits(pseudo.float(), inputs['query'])
        return fg_logits_to_samples(logits, data_samples)
