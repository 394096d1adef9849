"""CLIP text encoder for class-name prompts (Stable Diffusion's conditioning).

Class names are joined into prompts (``prefix c1 and c2 and ...``); when they
do not fit into one 77-token prompt they are split over several. Each class
keeps the positions of its tokens in its prompt, so a per-token quantity
(e.g. a cross-attention map) can be averaged over a class's tokens.
"""
from dataclasses import dataclass
from functools import cached_property
from typing import List, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from torch import nn
from transformers import CLIPTextConfig, CLIPTextModel

from diffseg.registry import MODELS
from diffseg.utils.frozen import FrozenNetworkMixin
from diffseg.utils.pretrained import resolve_pretrained_dir
from .clip_tokenizer import load_tokenizer


@dataclass
class ClassPrompts:
    """Prompts holding a list of class names.

    Attributes:
        input_ids: (P, L) token ids of the P prompts (SOT ... EOT, padding).
        class_tokens: for each class, (prompt index, token positions).
    """
    input_ids: torch.Tensor
    class_tokens: List[Tuple[int, List[int]]]

    @property
    def num_prompts(self) -> int:
        return self.input_ids.shape[0]

    @cached_property
    def token_weights(self) -> torch.Tensor:
        """(C, P * L): 1 / n_c at the n_c tokens of class c, else 0."""
        num_prompts, length = self.input_ids.shape
        weights = torch.zeros(len(self.class_tokens), num_prompts * length)
        for c, (prompt, positions) in enumerate(self.class_tokens):
            for pos in positions:
                weights[c, prompt * length + pos] = 1.0 / len(positions)
        return weights

    def gather(self, token_maps: torch.Tensor) -> torch.Tensor:
        """Per-token maps (P, B, L, ...) -> per-class maps (B, C, ...), each
        class's map the mean over its tokens."""
        num_prompts, length = self.input_ids.shape
        if tuple(token_maps.shape[:1]) + tuple(token_maps.shape[2:3]) != (
                num_prompts, length):
            raise ValueError(
                f'token maps have shape {tuple(token_maps.shape)}; expected '
                f'({num_prompts}, B, {length}, ...) for {num_prompts} '
                f'prompt(s) of {length} tokens')
        maps = token_maps.transpose(0, 1).flatten(1, 2)  # (B, P*L, ...)
        weights = self.token_weights.to(maps)
        return torch.einsum('cq,bq...->bc...', weights, maps)


def build_class_prompts(tokenizer, class_names: Sequence[str],
                        prefix: str = '', separator: str = ' and ',
                        max_length: Optional[int] = None,
                        names_per_prompt: Optional[int] = None
                        ) -> ClassPrompts:
    """Pack ``class_names`` in order into as few prompts as fit, with at
    most ``names_per_prompt`` names a prompt (None: no limit).

    Each prompt is ``SOT prefix name separator name ... EOT`` padded to
    ``max_length`` (default: the tokenizer's, 77) with the tokenizer's pad
    token. Ids are concatenated per piece, which equals tokenizing the joined
    text (CLIP's BPE never merges across words). No classes give one prompt
    with the prefix only (e.g. the empty prompt).

    Raises:
        ValueError: a class name is empty or alone longer than a prompt.
    """
    length = max_length or tokenizer.model_max_length

    def ids(text: str) -> List[int]:
        return tokenizer(text, add_special_tokens=False).input_ids

    head = [tokenizer.bos_token_id] + ids(prefix)
    sep = ids(separator)
    budget = length - len(head) - 1  # room left for names, separators
    prompts: List[List[int]] = [list(head)]
    class_tokens = []
    for name in class_names:
        name_ids = ids(name)
        if not name_ids:
            raise ValueError(f'class name {name!r} has no tokens; give a '
                             'non-empty name')
        if len(name_ids) > budget:
            raise ValueError(
                f'class name {name!r} is {len(name_ids)} tokens long; a '
                f'prompt of {length} tokens with prefix {prefix!r} holds at '
                f'most {budget}')
        current = prompts[-1]
        joiner = sep if len(current) > len(head) else []
        full = names_per_prompt is not None and sum(
            p == len(prompts) - 1 for p, _ in class_tokens) >= names_per_prompt
        if full or len(current) + len(joiner) + len(name_ids) > length - 1:
            current, joiner = list(head), []
            prompts.append(current)
        current.extend(joiner)
        start = len(current)
        current.extend(name_ids)
        class_tokens.append(
            (len(prompts) - 1, list(range(start, len(current)))))
    pad = tokenizer.pad_token_id
    rows = [p + [tokenizer.eos_token_id] + [pad] * (length - len(p) - 1)
            for p in prompts]
    return ClassPrompts(torch.tensor(rows, dtype=torch.long), class_tokens)


@MODELS.register_module()
class CLIPTextEncoder(FrozenNetworkMixin, BaseModule):
    """CLIP text transformer: class names or captions -> prompt embeddings.

    Args:
        pretrained: a diffusers pipeline directory (``text_encoder/`` and
            ``tokenizer/`` inside) or a CLIPTextModel directory; or None with
            ``config`` (CLIPTextConfig kwargs, random init).
        tokenizer: directory of a saved CLIP tokenizer; default: the one of
            ``pretrained`` (its ``tokenizer/``), else OpenAI's BPE built
            offline (:func:`load_tokenizer`).
        prefix: text before the class names, e.g. 'a photo of'.
        separator: text between two class names.
        freeze: keep the weights fixed and the module in eval mode (SD's
            conditioning); False trains it with the model that owns it
            (a prior trained from scratch).
        names_per_prompt: most class names one prompt holds (None: as many
            as fit); 1 gives every class a prompt of its own, so no name
            is read in the context of the others.
    """

    def __init__(self,
                 pretrained: Optional[str] = None,
                 config: Optional[dict] = None,
                 tokenizer: Optional[str] = None,
                 prefix: str = '',
                 separator: str = ' and ',
                 freeze: bool = True,
                 names_per_prompt: Optional[int] = None,
                 init_cfg=None):
        super().__init__(init_cfg)
        if (pretrained is None) == (config is None):
            raise ValueError('CLIPTextEncoder: give exactly one of '
                             '`pretrained` (a local directory) and `config` '
                             '(CLIPTextConfig kwargs)')
        if config is not None:
            self.text_model = CLIPTextModel(CLIPTextConfig(**config))
        else:
            folder = resolve_pretrained_dir(
                pretrained, 'text_encoder', 'CLIP text encoder',
                'checkpoints/stable-diffusion-v1-5 (with text_encoder/ '
                'inside)')
            self.text_model = CLIPTextModel.from_pretrained(
                folder, local_files_only=True)
        self.freeze = freeze
        if freeze:
            self.text_model.requires_grad_(False)
            self.text_model.eval()
        self.text_model.is_init = True  # keep mmengine's init off the weights
        self.tokenizer = load_tokenizer(tokenizer or pretrained)
        # prompts are padded to the positions the text model has
        self.tokenizer.model_max_length = self.max_length
        self.prefix = prefix
        self.separator = separator
        if names_per_prompt is not None and names_per_prompt < 1:
            raise ValueError(f'names_per_prompt is {names_per_prompt}; '
                             'expected >= 1 or None')
        self.names_per_prompt = names_per_prompt

    @property
    def width(self) -> int:
        return self.text_model.config.hidden_size

    @property
    def max_length(self) -> int:
        return self.text_model.config.max_position_embeddings

    def frozen_network(self) -> nn.Module:
        return self.text_model

    def class_prompts(self, class_names: Sequence[str]) -> ClassPrompts:
        return build_class_prompts(self.tokenizer, class_names, self.prefix,
                                   self.separator, self.max_length,
                                   self.names_per_prompt)

    def encode_ids(self, input_ids: torch.Tensor) -> torch.Tensor:
        """(P, L) ids -> (P, L, D) last hidden states (SD's conditioning);
        gradients flow only when the encoder is not frozen."""
        device = next(self.text_model.parameters()).device
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.freeze):
            return self.text_model(input_ids.to(device)).last_hidden_state

    def tokenize(self, texts: Sequence[str]) -> torch.Tensor:
        """Texts -> (N, L) ids padded to ``max_length`` and truncated there,
        as Stable Diffusion's pipeline tokenizes prompts."""
        return self.tokenizer(list(texts), padding='max_length',
                              max_length=self.max_length, truncation=True,
                              return_tensors='pt').input_ids

    def encode_texts(self, texts: Sequence[str]) -> torch.Tensor:
        """Free texts (captions) -> (N, L, D) embeddings."""
        return self.encode_ids(self.tokenize(texts))

    def forward(self, class_names: Sequence[str]):
        """Class names -> (embeddings (P, L, D), ClassPrompts)."""
        prompts = self.class_prompts(class_names)
        return self.encode_ids(prompts.input_ids), prompts
