import copy

import pytest
import torch
from diffusers import DDPMScheduler, UNet2DConditionModel

from diffseg.models.feature_extractors import (UNetFeatureExtractor,
                                              attention_from_queries)
from _helpers.tiny_models import TINY_UNET

ATTN = ('down_blocks.1', 'mid_block', 'up_blocks.0')
FEATS = ('up_blocks.0', 'up_blocks.1')


@pytest.fixture(scope='module')
def unet():
    torch.manual_seed(0)
    return UNet2DConditionModel(**TINY_UNET).eval()


@pytest.fixture
def inputs():
    g = torch.Generator().manual_seed(1)
    return (torch.randn(2, 4, 16, 12, generator=g),
            torch.randn(3, 77, 16, generator=g))  # latent, 3 prompts


def extractor(unet, **kwargs):
    """An extractor on a copy of ``unet`` (processors stay installed)."""
    kwargs = dict(dict(feature_blocks=FEATS, attention_blocks=ATTN),
                  **kwargs)
    return UNetFeatureExtractor(copy.deepcopy(unet), **kwargs)


def hand_attention(attn, hidden, text):
    """Head-averaged softmax(q k^T / sqrt(d)) in float64, from scratch."""
    b, n, _ = hidden.shape
    q = attn.to_q(hidden).double().view(b, n, attn.heads, -1).transpose(1, 2)
    k = attn.to_k(text).double()
    k = k.view(k.shape[0], -1, attn.heads, q.shape[-1]).transpose(1, 2)
    logits = q @ k.transpose(-1, -2) / q.shape[-1]**0.5
    return logits, logits.softmax(-1).mean(1)


def test_capture_keeps_the_unet_output(unet, inputs):
    z, text = inputs
    ex = extractor(unet, stop_early=False)
    names = [k for k in ex.unet.attn_processors if 'attn2' in k]
    assert sorted(ex.attention_layers) == sorted(k[:-10] for k in names)
    ref = unet(z, 1, text[:1].expand(2, -1, -1)).sample
    out = ex.unet(z, 1, text[:1].expand(2, -1, -1)).sample
    assert torch.allclose(ref, out, atol=1e-5)


def test_only_cross_attention_blocks_capture_both_layers(inputs):
    z, text = inputs
    torch.manual_seed(0)
    unet = UNet2DConditionModel(**dict(TINY_UNET, only_cross_attention=True))
    ex = extractor(unet.eval(), stop_early=False)
    captured = {name.rsplit('.', 1)[1] for name in ex.attention_layers}
    assert captured == {'attn1', 'attn2'}
    ref = unet(z, 1, text[:1].expand(2, -1, -1)).sample
    out = ex.unet(z, 1, text[:1].expand(2, -1, -1)).sample
    assert torch.allclose(ref, out, atol=1e-5)


def test_recorded_maps_are_softmax_over_77_tokens(unet, inputs):
    z, text = inputs
    ex = extractor(unet)
    grabbed = {}
    layer = ex.unet.get_submodule(
        'up_blocks.0.attentions.1.transformer_blocks.0.attn2')
    layer.register_forward_pre_hook(
        lambda m, args, kwargs: grabbed.update(h=args[0],
                                               text=kwargs['encoder_'
                                                           'hidden_states']),
        with_kwargs=True)
    ex.store.recording = True
    ex.unet(z, 1, text[:1].expand(2, -1, -1))
    ex.store.recording = False
    record = ex.store.records[
        'up_blocks.0.attentions.1.transformer_blocks.0.attn2'][0]
    _, expected = hand_attention(layer, grabbed['h'], grabbed['text'])
    assert record.maps.shape == (2, 8 * 6, 77)
    assert torch.allclose(record.maps.double(), expected, atol=1e-5)
    # another prompt's maps from the recorded queries: its keys, same q
    _, other = hand_attention(layer, grabbed['h'], text[1:2])
    from_queries = attention_from_queries(layer, record.query, text[1:2],
                                          'softmax')
    assert torch.allclose(from_queries.double(), other, atol=1e-5)
    for records in ex.store.records.values():
        sums = records[0].maps.sum(-1)
        assert torch.allclose(sums, torch.ones_like(sums), atol=1e-5)


def test_exp_value_records_the_unnormalised_maps(unet, inputs):
    z, text = inputs
    ex = extractor(unet, attention_value='exp')
    grabbed = {}
    layer = ex.unet.get_submodule(
        'mid_block.attentions.0.transformer_blocks.0.attn2')
    layer.register_forward_pre_hook(
        lambda m, args, kwargs: grabbed.update(h=args[0]), with_kwargs=True)
    ex.store.recording = True
    ex.unet(z, 1, text[:1].expand(2, -1, -1))
    record = ex.store.records[
        'mid_block.attentions.0.transformer_blocks.0.attn2'][0]
    logits, _ = hand_attention(layer, grabbed['h'], text[:1])
    assert torch.allclose(record.maps.double(), logits.exp().mean(1),
                          rtol=1e-4)


def test_aggregated_attention_and_prompt_modes(unet, inputs):
    z, text = inputs
    queries = extractor(unet)(z, text[:1], text)
    batch = extractor(unet, prompt_mode='batch')(z, text[:1], text)
    att = queries['attention']
    # (P, B, L, h, w) at the finest attention grid (8 x 6 on a 16 x 12 latent)
    assert att.shape == (3, 2, 77, 8, 6)
    assert torch.allclose(att.sum(2), torch.ones(3, 2, 8, 6), atol=1e-5)
    # the prompt the UNet saw: identical both ways; features too
    assert torch.allclose(att[0], batch['attention'][0], atol=1e-5)
    assert torch.allclose(queries['features'], batch['features'], atol=1e-5)
    # other prompts: batch mode conditions the UNet on each, so it differs
    assert not torch.allclose(att[1], batch['attention'][1], atol=1e-5)


def test_batch_items_are_independent(unet, inputs):
    z, text = inputs
    ex = extractor(unet, noise_timestep=10)
    both = ex(z, text[:1], text)
    for i in range(2):
        one = ex(z[i:i + 1], text[:1], text)
        assert torch.allclose(both['features'][i], one['features'][0],
                              atol=1e-5)
        assert torch.allclose(both['attention'][:, i],
                              one['attention'][:, 0], atol=1e-5)


def test_features_are_normalised_block_maps(unet, inputs):
    z, text = inputs
    ex = extractor(unet, feature_weights=(2.0, 1.0))
    out = ex(z, text[:1])
    assert out['attention'] is None
    # up_blocks.0: 16 channels upsampled to 16 x 12; up_blocks.1: 8 channels
    assert out['features'].shape == (2, 24, 16, 12)
    norms = out['features'][:, 16:].norm(dim=1)
    assert torch.allclose(norms, torch.ones_like(norms), atol=1e-5)
    raw = {}
    ex.unet.up_blocks[1].register_forward_hook(
        lambda m, a, o: raw.update(x=o))
    ex(z, text[:1])
    expected = raw['x'] / raw['x'].norm(dim=1, keepdim=True)
    assert torch.allclose(out['features'][:, 16:], expected, atol=1e-5)


def test_input_capture_and_early_stop(unet, inputs):
    z, text = inputs
    seen = {}
    ex = extractor(unet, feature_blocks=('down_blocks.1.resnets.0', ),
                   feature_capture='input', attention_blocks=(),
                   normalize_blocks=False)
    assert ex.stop_module is ex.unet.down_blocks[1]
    ex.unet.down_blocks[1].resnets[0].register_forward_pre_hook(
        lambda m, args: seen.update(x=args[0]))
    ran = []
    ex.unet.up_blocks[0].register_forward_hook(lambda *a: ran.append(1))
    out = ex(z, text[:1])
    assert torch.equal(out['features'], seen['x'])
    assert not ran  # the UNet stopped after down_blocks.1


def test_noise_is_the_seeded_forward_process(unet, inputs):
    z, _ = inputs
    ex = extractor(unet, noise_timestep=200, seed=3)
    g = torch.Generator().manual_seed(3)
    noise = torch.randn(1, 4, 16, 12, generator=g)
    scheduler = DDPMScheduler(beta_schedule='scaled_linear',
                              beta_start=0.00085, beta_end=0.012)
    expected = scheduler.add_noise(z, noise.expand_as(z),
                                   torch.tensor([200, 200]))
    assert torch.allclose(ex.noisy_latent(z), expected)
    assert torch.equal(extractor(unet).noisy_latent(z), z)


def test_bad_blocks_are_named(unet):
    with pytest.raises(ValueError, match="no module 'up_blocks.7'"):
        extractor(unet, feature_blocks=('up_blocks.7', ))
    with pytest.raises(ValueError, match="'down_blocks.0' has no cross-att"):
        extractor(unet, attention_blocks=('down_blocks.0', ))
    with pytest.raises(ValueError, match='prompt_mode'):
        extractor(unet, prompt_mode='rerun')
