"""tools/model_converters/alpha_clip_to_hf.py against a reference forward.

The reference runs Alpha-CLIP's ``VisionTransformer.forward(x, alpha)``
directly on the OpenAI-named tensors of a tiny random checkpoint.
"""
import importlib.util
import json
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from safetensors import safe_open
from transformers import CLIPVisionModel, CLIPVisionModelWithProjection

from diffseg.models.prompt_encoders import (ALPHA_WEIGHTS_NAME,
                                            AlphaCLIPVisionEmbeddings,
                                            CLIPPromptEncoder)
from diffseg.models.prompt_encoders.alpha_clip_conversion import \
    convert_alpha_clip_state_dict
from diffseg.models.prompt_encoders.clip_prompt_encoder import (
    ALPHA_KEY_SUFFIX, find_alpha_weight)
from _helpers.paths import REPO_ROOT
from _helpers.tools import run_tool

TOOL = 'model_converters/alpha_clip_to_hf.py'
PATCH, IMAGE, DIM = 8, 32, 16


def make_checkpoint(width, layers=2, seed=0):
    """Random Alpha-CLIP visual tower in OpenAI naming (non-zero alpha)."""
    gen = torch.Generator().manual_seed(seed)

    def rand(*shape, scale=0.1):
        return torch.randn(*shape, generator=gen) * scale

    grid = IMAGE // PATCH
    sd = {
        'conv1.weight': rand(width, 3, PATCH, PATCH),
        'conv1_alpha.weight': rand(width, 1, PATCH, PATCH),
        'class_embedding': rand(width),
        'positional_embedding': rand(grid * grid + 1, width),
        'proj': rand(width, DIM),
    }
    for ln in ('ln_pre', 'ln_post'):
        sd.update({f'{ln}.weight': 1 + rand(width), f'{ln}.bias': rand(width)})
    for i in range(layers):
        p = f'transformer.resblocks.{i}.'
        sd.update({
            p + 'attn.in_proj_weight': rand(3 * width, width),
            p + 'attn.in_proj_bias': rand(3 * width),
            p + 'attn.out_proj.weight': rand(width, width),
            p + 'attn.out_proj.bias': rand(width),
            p + 'mlp.c_fc.weight': rand(4 * width, width),
            p + 'mlp.c_fc.bias': rand(4 * width),
            p + 'mlp.c_proj.weight': rand(width, 4 * width),
            p + 'mlp.c_proj.bias': rand(width),
        })
        for ln in ('ln_1', 'ln_2'):
            sd.update({p + f'{ln}.weight': 1 + rand(width),
                       p + f'{ln}.bias': rand(width)})
    return sd


def reference_forward(sd, image, alpha, num_heads):
    """Alpha-CLIP ViT on (B, 3, H, W) + (B, 1, H, W): last hidden state
    (B, 1 + N, D) before ln_post and the projection (B, dim)."""

    def ln(x, name):
        return F.layer_norm(x, x.shape[-1:], sd[f'{name}.weight'],
                            sd[f'{name}.bias'], eps=1e-5)

    x = (F.conv2d(image, sd['conv1.weight'], stride=PATCH) +
         F.conv2d(alpha, sd['conv1_alpha.weight'], stride=PATCH))
    x = x.flatten(2).transpose(1, 2)
    b, _, width = x.shape
    x = torch.cat([sd['class_embedding'].expand(b, 1, width), x], dim=1)
    x = ln(x + sd['positional_embedding'], 'ln_pre')
    i = 0
    while f'transformer.resblocks.{i}.ln_1.weight' in sd:
        p = f'transformer.resblocks.{i}.'
        qkv = F.linear(ln(x, p + 'ln_1'), sd[p + 'attn.in_proj_weight'],
                       sd[p + 'attn.in_proj_bias'])
        q, k, v = (t.unflatten(-1, (num_heads, -1)).transpose(1, 2)
                   for t in qkv.chunk(3, dim=-1))
        attn = (q @ k.transpose(-1, -2) / q.shape[-1]**0.5).softmax(-1) @ v
        x = x + F.linear(attn.transpose(1, 2).flatten(2),
                         sd[p + 'attn.out_proj.weight'],
                         sd[p + 'attn.out_proj.bias'])
        h = F.linear(ln(x, p + 'ln_2'), sd[p + 'mlp.c_fc.weight'],
                     sd[p + 'mlp.c_fc.bias'])
        x = x + F.linear(h * torch.sigmoid(1.702 * h),
                         sd[p + 'mlp.c_proj.weight'],
                         sd[p + 'mlp.c_proj.bias'])
        i += 1
    return x, ln(x[:, 0], 'ln_post') @ sd['proj']


def make_prompts(seed=1):
    """Prompts (1, 2, 4, 32, 32): RGB in [-1, 1] + a {0, 1} mask."""
    gen = torch.Generator().manual_seed(seed)
    rgb = torch.rand(1, 2, 3, IMAGE, IMAGE, generator=gen) * 2 - 1
    mask = (torch.rand(1, 2, 1, IMAGE, IMAGE, generator=gen) > 0.5).float()
    return torch.cat([rgb, mask], dim=2)


def split(prompts):
    """(1, K, 4, H, W) -> RGB (K, 3, H, W), Alpha-CLIP alpha (K, 1, H, W)."""
    images = prompts.flatten(0, 1)
    return images[:, :3], (images[:, 3:] - 0.5) / 0.26


def encode(pretrained, prompts):
    """Tokens (1, K*(1+N), D) of a ``CLIPPromptEncoder`` (no projection)
    loaded from ``pretrained``, and the encoder."""
    encoder = CLIPPromptEncoder(pretrained=str(pretrained),
                                pre_masking='alpha', use_cls_token=True,
                                post_masking=False)
    with torch.no_grad():
        return encoder(prompts)[0], encoder


@pytest.fixture(scope='module')
def tool():
    """The converter script as a module, for in-process ``main(argv)``."""
    spec = importlib.util.spec_from_file_location(
        'alpha_clip_to_hf', osp.join(REPO_ROOT, 'tools', TOOL))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    """Width-64 checkpoint converted by the tool in a subprocess."""
    root = tmp_path_factory.mktemp('alpha_clip')
    sd = make_checkpoint(width=64)
    torch.save(sd, root / 'alpha_clip.pth')
    proc = run_tool(TOOL, root / 'alpha_clip.pth', root / 'hf')
    return dict(sd=sd, dst=root / 'hf', stdout=proc.stdout)


def test_tool_writes_hf_directory(converted):
    dst = converted['dst']
    for name in ('config.json', 'model.safetensors', ALPHA_WEIGHTS_NAME):
        assert str(dst / name) in converted['stdout']
    config = json.loads((dst / 'config.json').read_text())
    assert config['architectures'] == ['CLIPVisionModelWithProjection']
    assert (config['hidden_size'], config['num_attention_heads'],
            config['num_hidden_layers'], config['patch_size'],
            config['image_size'], config['intermediate_size'],
            config['projection_dim']) == (64, 1, 2, PATCH, IMAGE, 256, DIM)
    assert config['hidden_act'] == 'quick_gelu'
    with safe_open(str(dst / ALPHA_WEIGHTS_NAME), framework='pt') as f:
        assert list(f.keys()) == [ALPHA_KEY_SUFFIX]
        assert torch.equal(f.get_tensor(ALPHA_KEY_SUFFIX),
                           converted['sd']['conv1_alpha.weight'])


def test_prompt_encoder_matches_reference(converted):
    prompts = make_prompts()
    tokens, _ = encode(converted['dst'], prompts)
    expected, _ = reference_forward(converted['sd'], *split(prompts),
                                    num_heads=1)
    assert tokens.shape == (1, 2 * 17, 64)
    torch.testing.assert_close(tokens, expected.reshape(1, -1, 64),
                               atol=1e-4, rtol=0)


def test_zero_alpha_equals_plain_clip(converted):
    prompts = make_prompts()
    _, encoder = encode(converted['dst'], prompts)
    encoder.clip.embeddings.patch_embedding_alpha.weight.data.zero_()
    with torch.no_grad():
        tokens = encoder(prompts)[0]
        plain = CLIPVisionModel.from_pretrained(str(converted['dst']))(
            pixel_values=split(prompts)[0]).last_hidden_state
    torch.testing.assert_close(tokens, plain.reshape(1, -1, 64), atol=1e-5,
                               rtol=0)


def test_image_embeds_match_reference(converted):
    dst = str(converted['dst'])
    model = CLIPVisionModelWithProjection.from_pretrained(dst)
    old = model.vision_model.embeddings
    emb = AlphaCLIPVisionEmbeddings(model.config)
    emb.load_state_dict({**old.state_dict(),
                         'patch_embedding_alpha.weight':
                         find_alpha_weight(dst)})
    model.vision_model.embeddings = emb
    rgb, alpha = split(make_prompts())
    with torch.no_grad():
        embeds = model(pixel_values=torch.cat([rgb, alpha], 1)).image_embeds
    _, expected = reference_forward(converted['sd'], rgb, alpha, num_heads=1)
    assert embeds.shape == (2, DIM)
    torch.testing.assert_close(embeds, expected, atol=1e-4, rtol=0)


def test_num_heads_no_projection_and_wrapped_checkpoint(tool, tmp_path):
    sd = make_checkpoint(width=32, seed=2)
    # a full CLIP wrapped by a trainer: text keys are dropped
    wrapped = {'state_dict': {**{f'visual.{k}': v for k, v in sd.items()},
                              'token_embedding.weight': torch.zeros(4, 8)}}
    torch.save(wrapped, tmp_path / 'wrapped.pth')
    with pytest.raises(ValueError, match='--num-heads'):
        tool.main([str(tmp_path / 'wrapped.pth'), str(tmp_path / 'bad')])
    tool.main([str(tmp_path / 'wrapped.pth'), str(tmp_path / 'hf'),
               '--num-heads', '4', '--no-projection'])
    config = json.loads((tmp_path / 'hf' / 'config.json').read_text())
    assert config['architectures'] == ['CLIPVisionModel']
    assert config['num_attention_heads'] == 4
    with safe_open(str(tmp_path / 'hf' / 'model.safetensors'), 'pt') as f:
        assert not [k for k in f.keys() if 'projection' in k]
    prompts = make_prompts()
    tokens, _ = encode(tmp_path / 'hf', prompts)
    expected, _ = reference_forward(sd, *split(prompts), num_heads=4)
    torch.testing.assert_close(tokens, expected.reshape(1, -1, 32),
                               atol=1e-4, rtol=0)


def test_not_a_clip_visual_tower(tool, tmp_path):
    torch.save({'backbone.conv.weight': torch.zeros(1)}, tmp_path / 'x.pth')
    with pytest.raises(ValueError, match='no `conv1.weight`.*backbone.conv'):
        tool.main([str(tmp_path / 'x.pth'), str(tmp_path / 'hf')])
    assert not (tmp_path / 'hf').exists()


def test_missing_file(tool, tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        tool.main([str(tmp_path / 'missing.pth'), str(tmp_path / 'hf')])


def test_plain_clip_and_leftover_keys_are_rejected():
    sd = make_checkpoint(width=64)
    with pytest.raises(ValueError, match='plain CLIP'):
        convert_alpha_clip_state_dict(
            {k: v for k, v in sd.items() if k != 'conv1_alpha.weight'})
    with pytest.raises(ValueError, match=r"unexpected keys.*\['lora_A'\]"):
        convert_alpha_clip_state_dict({**sd, 'lora_A': torch.zeros(1)})
