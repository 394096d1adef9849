"""Convert an Alpha-CLIP visual-tower checkpoint to a transformers directory.

Reads SRC (a ``.pth`` state dict in OpenAI CLIP naming with
``conv1_alpha.weight``, e.g. ``clip_l14_grit20m_fultune_2xe.pth``) and writes
DST_DIR: ``config.json`` + ``model.safetensors`` of a
``CLIPVisionModelWithProjection`` (a ``CLIPVisionModel`` with
``--no-projection``) and ``alpha_embedding.safetensors`` with the alpha conv.
Use DST_DIR as ``CLIPPromptEncoder(pretrained=DST_DIR, pre_masking='alpha')``.
"""
import argparse

from diffseg.models.prompt_encoders.alpha_clip_conversion import (
    convert_alpha_clip_state_dict, load_alpha_clip_checkpoint,
    save_alpha_clip)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert an Alpha-CLIP visual tower (OpenAI CLIP naming) '
        'to a transformers CLIP vision model plus the alpha conv')
    parser.add_argument('src', help='Alpha-CLIP checkpoint (.pth)')
    parser.add_argument('dst', help='output directory')
    parser.add_argument(
        '--num-heads', type=int,
        help='attention heads (default: width // 64, as in OpenAI CLIP)')
    parser.add_argument(
        '--image-size', type=int,
        help='input side (default: from the position embedding)')
    parser.add_argument(
        '--no-projection', action='store_true',
        help='drop `proj` and save a plain CLIPVisionModel')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    config, state_dict, alpha_weight = convert_alpha_clip_state_dict(
        load_alpha_clip_checkpoint(args.src), num_heads=args.num_heads,
        image_size=args.image_size)
    paths = save_alpha_clip(args.dst, config, state_dict, alpha_weight,
                            projection=not args.no_projection)
    projection = 'none' if args.no_projection else config.projection_dim
    print(f'Alpha-CLIP ViT: width {config.hidden_size}, '
          f'{config.num_hidden_layers} layers, {config.num_attention_heads} '
          f'heads, patch {config.patch_size}, image {config.image_size}, '
          f'projection {projection}')
    for path in paths:
        print(path)


if __name__ == '__main__':
    main()
