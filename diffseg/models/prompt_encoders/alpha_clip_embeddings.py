"""Alpha-CLIP patch embeddings for transformers CLIP vision models.

Alpha-CLIP (arXiv 2312.03818) is CLIP ViT plus ``conv1_alpha``, a bias-free
``Conv2d(1, hidden, patch, patch)`` whose output is added to the RGB patch
embedding before the CLS token and position embeddings are added. In
transformers naming it is ``embeddings.patch_embedding_alpha``.
"""
import torch
from torch import nn
from transformers.models.clip.modeling_clip import CLIPVisionEmbeddings


class AlphaCLIPVisionEmbeddings(CLIPVisionEmbeddings):
    """CLIP vision embeddings taking RGB + alpha ``pixel_values``.

    Swap it in with ``model.embeddings = AlphaCLIPVisionEmbeddings(config)``
    (plain ``CLIPVisionModel`` in transformers 5.x); ``patch_embedding_alpha``
    starts at zero, so the output equals plain CLIP until it is trained.
    """

    def __init__(self, config):
        super().__init__(config)
        self.patch_embedding_alpha = nn.Conv2d(
            1, self.embed_dim, kernel_size=self.patch_size,
            stride=self.patch_size, bias=False)
        nn.init.zeros_(self.patch_embedding_alpha.weight)

    def forward(self, pixel_values: torch.Tensor,
                interpolate_pos_encoding=False) -> torch.Tensor:
        """pixel_values (B, C+1, H, W): RGB then alpha -> (B, 1 + N, D)."""
        channels = self.config.num_channels + 1
        if pixel_values.dim() != 4 or pixel_values.shape[1] != channels:
            raise ValueError(
                f'pixel_values has shape {tuple(pixel_values.shape)}; '
                f'expected (B, {channels}, H, W): {channels - 1} image '
                'channels plus an alpha channel')
        batch_size, _, height, width = pixel_values.shape
        if not interpolate_pos_encoding and (height != self.image_size
                                             or width != self.image_size):
            raise ValueError(
                f'Input image size ({height}*{width}) does not match the '
                f'model ({self.image_size}*{self.image_size}); pass '
                'interpolate_pos_encoding=True')
        pixel_values = pixel_values.to(self.patch_embedding.weight.dtype)
        patch_embeds = (self.patch_embedding(pixel_values[:, :-1]) +
                        self.patch_embedding_alpha(pixel_values[:, -1:]))
        patch_embeds = patch_embeds.flatten(2).transpose(1, 2)
        class_embeds = self.class_embedding.expand(batch_size, 1, -1)
        embeddings = torch.cat([class_embeds, patch_embeds], dim=1)
        if interpolate_pos_encoding:
            return embeddings + self.interpolate_pos_encoding(
                embeddings, height, width)
        return embeddings + self.position_embedding(self.position_ids)
