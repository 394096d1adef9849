import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from transformers import (CLIPConfig, CLIPModel, CLIPVisionConfig,
                          CLIPVisionModel)
from transformers.models.clip.modeling_clip import CLIPVisionEmbeddings

from diffseg.models.prompt_encoders import (ALPHA_WEIGHTS_NAME,
                                            AlphaCLIPVisionEmbeddings,
                                            CLIPPromptEncoder)
from diffseg.registry import MODELS, PROMPT_ENCODERS
from _helpers.tiny_models import TINY_CLIP, tiny_ldis1_cfg

# 32 px images, 8 px patches: a 4x4 grid, 16 patch tokens of width 32
TINY = dict(hidden_size=32, intermediate_size=37, num_attention_heads=4,
            num_hidden_layers=2, image_size=32, patch_size=8)


def make_prompts(b=2, k=1, size=32, seed=0):
    """(B, K, 4, size, size): random RGB in [-1, 1], a rectangle mask each."""
    g = torch.Generator().manual_seed(seed)
    rgb = torch.rand(b, k, 3, size, size, generator=g) * 2 - 1
    mask = torch.zeros(b, k, 1, size, size)
    for i in range(b):
        for j in range(k):
            y, x = torch.randint(0, size // 2, (2, ), generator=g).tolist()
            hh, ww = torch.randint(3, size // 2, (2, ), generator=g).tolist()
            mask[i, j, 0, y:y + hh, x:x + ww] = 1
    return torch.cat([rgb, mask], dim=2)


def encoder(**kwargs):
    kwargs.setdefault('vision_config', TINY)
    return CLIPPromptEncoder(**kwargs)


@pytest.mark.parametrize('k', [1, 3])
def test_build_and_shapes(k):
    enc = PROMPT_ENCODERS.build(
        dict(type='CLIPPromptEncoder', vision_config=TINY, out_dim=16))
    assert isinstance(enc, CLIPPromptEncoder)
    tokens, mask = enc(make_prompts(b=2, k=k))
    assert tokens.shape == (2, k * 16, 16) and mask.shape == (2, k * 16)
    assert mask.dtype == torch.bool
    assert enc.out_channels == 16 and enc.num_tokens_per_prompt == 16

    enc = encoder(use_cls_token=True, image_size=48)
    tokens, mask = enc(make_prompts(b=2, k=k))
    assert tokens.shape == (2, k * 37, 32) and mask.shape == (2, k * 37)
    assert enc.out_channels == 32 and enc.num_tokens_per_prompt == 37
    assert mask[:, ::37].all()  # CLS tokens of prompts with kept patches


def test_token_mask_matches_hand_computation():
    prompts = make_prompts(b=2, k=2)
    m = torch.zeros(2, 2, 32, 32)
    m[0, 0, 0:20, 4:13] = 1
    m[0, 1, 10:30, 17:32] = 1
    m[1, 0] = 1
    m[1, 1, 5:29, 14:26] = 1
    prompts[:, :, 3] = m
    cells = m.reshape(2, 2, 4, 8, 4, 8)
    expected = {
        'any': cells.amax(dim=(3, 5)) > 0,
        'area': cells.mean(dim=(3, 5)) >= 0.5,
        'nearest': m[:, :, ::8, ::8] > 0,
    }
    for mode, exp in expected.items():
        assert exp.flatten(2).any(-1).all()  # no empty-prompt fallback here
        enc = encoder(post_mask_mode=mode, pre_masking='none')
        _, mask = enc(prompts)
        assert torch.equal(mask, exp.reshape(2, -1)), mode
    assert not torch.equal(expected['any'], expected['area'])

    # CLIP at 16 px (2x2 grid): the mask is pooled from the full 32 px mask
    enc = encoder(post_mask_mode='nearest', image_size=16)
    _, mask = enc(prompts)
    exp = (m[:, :, ::16, ::16] > 0).flatten(2)
    # episode 0: both prompts missed -> each keeps its best-covered cells
    missed = ~exp.flatten(1).any(1)
    assert missed.tolist() == [True, False]
    cover = m.reshape(2, 2, 2, 16, 2, 16).mean(dim=(3, 5)).flatten(2)
    best = cover == cover.amax(-1, keepdim=True)
    exp[missed] = best[missed]
    assert torch.equal(mask, exp.reshape(2, -1))


def reference_token_mask(masks, patch):
    """The reference code's post-mask: the top-left pixel of each patch,
    masks (B, K, h, w) -> (B, K*N), no fallback."""
    return (masks[:, :, ::patch, ::patch] > 0).flatten(1)


def test_prompt_missed_by_the_grid_gets_no_token_when_k_ge_2():
    prompts = make_prompts(b=2, k=3, seed=1)
    prompts[0, 1, 3] = 0
    prompts[0, 1, 3, 9:12, 9:12] = 1  # misses every top-left pixel
    prompts[1, 2, 3] = 0  # an empty mask
    masks = prompts[:, :, 3]
    for use_cls in (False, True):
        enc = encoder(post_mask_mode='nearest', use_cls_token=use_cls)
        mask = enc(prompts)[1].reshape(2, 3, -1)
        assert not mask[0, 1].any() and not mask[1, 2].any()
        patches = mask[:, :, 1:] if use_cls else mask
        assert torch.equal(patches.flatten(1), reference_token_mask(masks, 8))
        if use_cls:  # the CLS of a prompt stays with its patches
            assert torch.equal(mask[..., 0], patches.any(-1))


def test_k_ge_2_drops_the_missed_prompt_from_the_unet():
    """With K = 2 and one prompt missed by the grid, the denoiser sees what
    it sees with the other prompt alone (the reference's -10000 bias)."""
    model = MODELS.build(tiny_ldis1_cfg(prompt_encoder=dict(
        type='CLIPPromptEncoder', vision_config=TINY_CLIP,
        pre_masking='alpha', post_mask_mode='nearest', out_dim=16))).eval()
    prompts = make_prompts(b=1, k=2, seed=2)
    prompts[0, :, 3] = 0
    prompts[0, 0, 3, 4:20, 6:30] = 1  # hit: 2 x 3 top-left pixels
    prompts[0, 1, 3, 9:12, 9:12] = 1  # missed
    query = torch.rand(1, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        torch.manual_seed(0)  # the VAE posterior is sampled
        both = model.predict_latent(dict(query=query, prompts=prompts))
        torch.manual_seed(0)
        one = model.predict_latent(dict(query=query, prompts=prompts[:, :1]))
    torch.testing.assert_close(both, one)


def test_k_1_prompt_missed_by_the_grid_keeps_its_best_covered_patch():
    prompts = make_prompts(b=1, k=1, seed=1)
    prompts[0, 0, 3] = 0
    prompts[0, 0, 3, 9:12, 13:18] = 1  # cell (1, 1): 3 x 3 px, (1, 2): 3 x 2
    mask = encoder(post_mask_mode='nearest')(prompts)[1]
    expected = torch.zeros(16, dtype=torch.bool)
    expected[1 * 4 + 1] = True
    assert torch.equal(mask[0], expected)
    # 'area' (>= 50%) misses it too, 'any' keeps both cells it touches
    assert torch.equal(encoder(post_mask_mode='area')(prompts)[1][0],
                       expected)
    assert encoder(post_mask_mode='any')(prompts)[1][0].sum() == 2
    # an empty mask: every patch ties, all stay (no mask at all)
    prompts[0, 0, 3] = 0
    assert encoder(post_mask_mode='nearest')(prompts)[1].all()
    assert encoder(post_masking=False)(prompts)[1] is None


def test_alpha_embeddings_zero_init_equals_clip():
    cfg = CLIPVisionConfig(**TINY)
    alpha = AlphaCLIPVisionEmbeddings(cfg)
    plain = CLIPVisionEmbeddings(cfg)
    plain.load_state_dict(alpha.state_dict(), strict=False)
    for size, interp in [((32, 32), False), ((48, 40), True)]:
        x = torch.randn(2, 4, *size)
        out = alpha(x, interpolate_pos_encoding=interp)
        assert torch.equal(out,
                           plain(x[:, :3], interpolate_pos_encoding=interp))
    assert out.shape == (2, 1 + 6 * 5, 32)
    with pytest.raises(ValueError, match='alpha channel'):
        alpha(x[:, :3], interpolate_pos_encoding=True)
    with pytest.raises(ValueError, match='interpolate_pos_encoding'):
        alpha(x)


def test_alpha_mode_equals_none_until_alpha_weights_change():
    prompts = make_prompts(b=2, k=2)
    plain = encoder(pre_masking='none', use_cls_token=True)
    alpha = encoder(pre_masking='alpha', use_cls_token=True)
    missing, unexpected = alpha.clip.load_state_dict(plain.clip.state_dict(),
                                                     strict=False)
    assert missing == ['embeddings.patch_embedding_alpha.weight']
    assert not unexpected
    assert torch.equal(alpha(prompts)[0], plain(prompts)[0])
    with torch.no_grad():
        alpha.clip.embeddings.patch_embedding_alpha.weight.normal_()
    tokens = alpha(prompts)[0]
    assert not torch.allclose(tokens, plain(prompts)[0])
    # Alpha-CLIP convention: alpha = (mask - 0.5) / 0.26, i.e. +-1.923
    images = prompts.flatten(0, 1)
    pixels = torch.cat([images[:, :3], (images[:, 3:] - 0.5) / 0.26], dim=1)
    with torch.no_grad():
        expected = alpha.clip(pixel_values=pixels).last_hidden_state
    torch.testing.assert_close(tokens, expected.reshape(2, 2 * 17, 32))
    # the alpha channel is (mask - 0.5) / 0.26: flipping the mask changes it
    flipped = prompts.clone()
    flipped[:, :, 3] = 1 - flipped[:, :, 3]
    assert not torch.allclose(alpha(flipped)[0], tokens)


def test_multiply_equals_none_on_masked_image():
    prompts = make_prompts(b=2, k=2)
    plain = encoder(pre_masking='none')
    mult = encoder(pre_masking='multiply')
    mult.load_state_dict(plain.state_dict())
    masked = prompts.clone()
    masked[:, :, :3] *= prompts[:, :, 3:]
    tokens, mask = mult(prompts)
    assert torch.equal(tokens, plain(masked)[0])
    assert not torch.allclose(tokens, plain(prompts)[0])
    assert torch.equal(mask, plain(masked)[1])


@pytest.mark.parametrize('pre_masking', ['none', 'alpha'])
def test_pretrained_dir_matches_direct_clip(tmp_path, pre_masking):
    torch.manual_seed(0)
    model = CLIPVisionModel(CLIPVisionConfig(**TINY)).eval()
    model.save_pretrained(tmp_path)
    enc = encoder(vision_config=None, pretrained=str(tmp_path),
                  pre_masking=pre_masking, use_cls_token=True, image_size=32,
                  alpha_init='zeros')
    prompts = make_prompts(b=2, k=2, size=48)
    tokens, _ = enc(prompts)
    rgb = F.interpolate(prompts[:, :, :3].flatten(0, 1), (32, 32),
                        mode='bilinear', align_corners=False)
    with torch.no_grad():
        expected = model(pixel_values=rgb).last_hidden_state
    torch.testing.assert_close(tokens, expected.reshape(2, 2 * 17, 32))


def test_clip_model_dir_loads_vision_tower(tmp_path):
    text = dict(hidden_size=32, intermediate_size=37, num_attention_heads=4,
                num_hidden_layers=1, vocab_size=99, bos_token_id=0,
                eos_token_id=2, pad_token_id=1)
    model = CLIPModel(CLIPConfig(vision_config=TINY, text_config=text)).eval()
    model.save_pretrained(tmp_path)
    enc = encoder(vision_config=None, pretrained=str(tmp_path),
                  pre_masking='none')
    prompts = make_prompts(b=1, k=1)
    with torch.no_grad():
        expected = model.vision_model(
            pixel_values=prompts[:, 0, :3]).last_hidden_state[:, 1:]
    torch.testing.assert_close(enc(prompts)[0], expected)


@pytest.mark.parametrize('where', ['file', 'state_dict'])
def test_pretrained_alpha_weights_are_loaded(tmp_path, where):
    model = CLIPVisionModel(CLIPVisionConfig(**TINY))
    weight = torch.randn(32, 1, 8, 8)
    if where == 'file':
        model.save_pretrained(tmp_path)
        save_file({'patch_embedding_alpha.weight': weight},
                  str(tmp_path / ALPHA_WEIGHTS_NAME))
    else:
        model.embeddings = AlphaCLIPVisionEmbeddings(model.config)
        model.embeddings.patch_embedding_alpha.weight.data.copy_(weight)
        model.save_pretrained(tmp_path)
    enc = encoder(vision_config=None, pretrained=str(tmp_path))
    assert torch.equal(enc.clip.embeddings.patch_embedding_alpha.weight,
                       weight)
    # the Runner's init_weights must not re-initialise the loaded CLIP
    enc.init_weights()
    assert torch.equal(enc.clip.embeddings.patch_embedding_alpha.weight,
                       weight)
    assert torch.equal(enc.clip.embeddings.patch_embedding.weight,
                       model.embeddings.patch_embedding.weight)


def test_plain_clip_with_alpha_pre_masking_is_an_error(tmp_path):
    """A plain CLIP has no alpha conv: 'alpha' would silently equal 'none'."""
    CLIPVisionModel(CLIPVisionConfig(**TINY)).save_pretrained(tmp_path)
    with pytest.raises(ValueError, match='holds no alpha convolution') as err:
        encoder(vision_config=None, pretrained=str(tmp_path), freeze=True)
    assert 'alpha_clip_to_hf.py' in str(err.value)
    assert "alpha_init='zeros'" in str(err.value)
    # without pre-masking the directory loads as it is
    encoder(vision_config=None, pretrained=str(tmp_path), pre_masking='none')


def test_alpha_init_zeros_trains_the_alpha_conv_of_a_frozen_clip(tmp_path):
    CLIPVisionModel(CLIPVisionConfig(**TINY)).save_pretrained(tmp_path)
    enc = encoder(vision_config=None, pretrained=str(tmp_path), freeze=True,
                  alpha_init='zeros', out_dim=8)
    alpha = enc.clip.embeddings.patch_embedding_alpha.weight
    assert not alpha.any()
    trainable = [n for n, p in enc.named_parameters() if p.requires_grad]
    assert trainable == ['clip.embeddings.patch_embedding_alpha.weight',
                         'proj.weight', 'proj.bias']
    enc.train()
    assert not enc.clip.training
    enc(make_prompts())[0].square().sum().backward()
    assert alpha.grad is not None and alpha.grad.abs().sum() > 0
    assert enc.clip.embeddings.patch_embedding.weight.grad is None
    # with the weights of a converted Alpha-CLIP it starts from them instead
    weight = torch.randn(32, 1, 8, 8)
    save_file({'patch_embedding_alpha.weight': weight},
              str(tmp_path / ALPHA_WEIGHTS_NAME))
    enc = encoder(vision_config=None, pretrained=str(tmp_path), freeze=True)
    assert torch.equal(enc.clip.embeddings.patch_embedding_alpha.weight,
                       weight)
    assert not any(p.requires_grad for p in enc.clip.parameters())


def test_pixel_norm_clip_feeds_clips_own_normalisation():
    """'sd' passes the [-1, 1] prompts as they are (the reference code);
    'clip' maps them to [0, 1] and applies CLIP's mean / std."""
    prompts = make_prompts(b=2, k=1)
    sd = encoder(pre_masking='none', use_cls_token=True)
    clip = encoder(pre_masking='none', use_cls_token=True, pixel_norm='clip')
    clip.load_state_dict(sd.state_dict())
    rgb = prompts[:, 0, :3]
    mean = torch.tensor([0.48145466, 0.4578275, 0.40821073])[:, None, None]
    std = torch.tensor([0.26862954, 0.26130258, 0.27577711])[:, None, None]
    with torch.no_grad():
        want_sd = sd.clip(pixel_values=rgb).last_hidden_state
        want_clip = sd.clip(
            pixel_values=((rgb + 1) / 2 - mean) / std).last_hidden_state
    torch.testing.assert_close(sd(prompts)[0], want_sd)
    torch.testing.assert_close(clip(prompts)[0], want_clip)
    with pytest.raises(ValueError, match="'clip'"):
        encoder(pixel_norm='imagenet')


def test_init_errors(tmp_path):
    missing = tmp_path / 'no_clip_here'
    with pytest.raises(FileNotFoundError, match='no_clip_here') as err:
        CLIPPromptEncoder(pretrained=str(missing))
    assert 'save_pretrained' in str(err.value)
    with pytest.raises(ValueError, match='exactly one'):
        CLIPPromptEncoder()
    with pytest.raises(ValueError, match='exactly one'):
        CLIPPromptEncoder(pretrained=str(tmp_path), vision_config=TINY)
    with pytest.raises(ValueError, match="'multiply'"):
        encoder(pre_masking='crop')
    with pytest.raises(ValueError, match="'nearest'"):
        encoder(post_mask_mode='max')
    with pytest.raises(ValueError, match="'zeros'"):
        encoder(alpha_init='random')


def test_bad_prompt_shapes():
    enc = encoder()
    for bad in [torch.zeros(2, 4, 32, 32), torch.zeros(2, 1, 3, 32, 32)]:
        with pytest.raises(ValueError, match=r'\(B, K, 4, h, w\)'):
            enc(bad)


def test_freeze_trains_only_projection():
    enc = encoder(freeze=True, out_dim=8)
    trainable = [n for n, p in enc.named_parameters() if p.requires_grad]
    assert trainable == ['proj.weight', 'proj.bias']
    enc.train()
    assert enc.training and enc.proj.training and not enc.clip.training
    tokens, _ = enc(make_prompts())
    tokens.sum().backward()
    assert all(p.grad is not None for p in enc.proj.parameters())
    assert all(p.grad is None for p in enc.clip.parameters())

    enc = encoder(out_dim=8)  # not frozen: CLIP gets gradients too
    enc.train()
    assert enc.clip.training
    enc(make_prompts())[0].sum().backward()
    assert enc.clip.embeddings.patch_embedding.weight.grad is not None


def test_every_trainable_parameter_gets_a_gradient():
    """DDP needs no find_unused_parameters: the pooled output's layer norm,
    which the tokens never pass, is frozen."""
    enc = encoder(out_dim=16, pre_masking='alpha')
    tokens, _ = enc(make_prompts(b=2, k=2))
    tokens.sum().backward()
    unused = [name for name, p in enc.named_parameters()
              if p.requires_grad and p.grad is None]
    assert unused == []
    assert not enc.clip.post_layernorm.weight.requires_grad
