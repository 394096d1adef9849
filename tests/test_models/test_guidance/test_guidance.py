import pytest
import torch

from diffseg.models.guidance import ConditionalOnly, DualGuidance
from diffseg.registry import GUIDANCE


def inputs(b=2, length=5, seed=0):
    """z_t, t (B,), z_q, tokens, a mask dropping some tokens, null tokens."""
    g = torch.Generator().manual_seed(seed)
    z_t, z_q = torch.randn(2, b, 4, 8, 8, generator=g)
    tokens, null_tokens = torch.randn(2, b, length, 16, generator=g)
    mask = torch.ones(b, length)
    mask[0, 3:] = 0
    mask[1, 1] = 0
    t = torch.tensor([500] * b)
    return z_t, t, z_q, tokens, mask, null_tokens


class LinearDenoiser:
    """eps = mask latent + 2 query latent + mean of the attended tokens;
    records every call."""

    def __init__(self):
        self.calls = []

    def __call__(self, sample, t, tokens, mask):
        self.calls.append((sample, t, tokens, mask))
        w = torch.ones(tokens.shape[:2]) if mask is None else mask
        pooled = (tokens * w[..., None]).sum(1) / w.sum(1, keepdim=True)
        return sample[:, :4] + 2 * sample[:, 4:] + pooled.mean(
            1)[:, None, None, None]


def eq10(e_full, e_q, e_none, g_q=1.5, g_tau=7.0):
    return e_none + g_tau * (e_full - e_q) + g_q * (e_q - e_none)


def test_build():
    guidance = GUIDANCE.build(dict(type='DualGuidance', batched=False))
    assert isinstance(guidance, DualGuidance) and not guidance.batched
    assert (guidance.query_scale, guidance.prompt_scale) == (1.5, 7.0)
    assert isinstance(GUIDANCE.build(dict(type='ConditionalOnly')),
                      ConditionalOnly)


@pytest.mark.parametrize('batched', [True, False])
def test_eq10_real_unet(ldisn_unet, batched):
    z_t, t, z_q, tokens, mask, null = inputs()
    with torch.no_grad():
        got = DualGuidance(batched=batched)(ldisn_unet, z_t, t, z_q, tokens,
                                            mask, null)
        e_full = ldisn_unet(torch.cat([z_t, z_q], 1), t, tokens, mask)
        e_q = ldisn_unet(torch.cat([z_t, z_q], 1), t, null, mask)
        e_none = ldisn_unet(torch.cat([z_t, 0 * z_q], 1), t, null, mask)
    assert got.shape == z_t.shape
    torch.testing.assert_close(got, eq10(e_full, e_q, e_none), rtol=1e-5,
                               atol=1e-5)
    # the three branches differ, so each term of Eq. 10 is exercised
    assert (e_full - e_q).abs().max() > 1e-3
    assert (e_q - e_none).abs().max() > 1e-3


def test_batched_equals_sequential_with_mask(ldisn_unet):
    z_t, t, z_q, tokens, mask, null = inputs(seed=1)
    with torch.no_grad():
        batched = DualGuidance(0.5, 3.0)(ldisn_unet, z_t, t, z_q, tokens,
                                         mask, null)
        sequential = DualGuidance(0.5, 3.0, batched=False)(
            ldisn_unet, z_t, t, z_q, tokens, mask, null)
        unmasked = DualGuidance(0.5, 3.0)(ldisn_unet, z_t, t, z_q, tokens,
                                          None, null)
    torch.testing.assert_close(batched, sequential, rtol=1e-5, atol=1e-5)
    assert (batched - unmasked).abs().max() > 1e-4  # the mask matters


@pytest.mark.parametrize('batched', [True, False])
def test_branches_linear_denoiser(batched):
    z_t, t, z_q, tokens, mask, null = inputs()
    denoiser = LinearDenoiser()
    got = DualGuidance(batched=batched)(denoiser, z_t, t, z_q, tokens, mask,
                                        null)
    assert len(denoiser.calls) == (1 if batched else 3)
    if batched:
        sample, t3, prompts, masks = denoiser.calls[0]
        samples, prompts, masks = (x.chunk(3) for x in (sample, prompts,
                                                        masks))
        assert torch.equal(t3, t.repeat(3))
    else:
        samples, _, prompts, masks = zip(*denoiser.calls)
    for sample in samples:
        assert torch.equal(sample[:, :4], z_t)
    assert torch.equal(samples[0][:, 4:], z_q)
    assert torch.equal(samples[1][:, 4:], z_q)
    assert torch.equal(samples[2][:, 4:], torch.zeros_like(z_q))
    for prompt, want in zip(prompts, (tokens, null, null)):
        assert torch.equal(prompt, want)
    for m in masks:
        assert torch.equal(m, mask)
    # by hand: e_full - e_q = pooled(tokens) - pooled(null),
    # e_q - e_none = 2 z_q
    pooled = LinearDenoiser()(torch.zeros(2, 8, 1, 1), t, tokens, mask)
    pooled_null = LinearDenoiser()(torch.zeros(2, 8, 1, 1), t, null, mask)
    want = z_t + pooled_null + 7.0 * (pooled - pooled_null) + 1.5 * 2 * z_q
    torch.testing.assert_close(got, want)


def test_conditional_only():
    z_t, t, z_q, tokens, mask, null = inputs()
    denoiser = LinearDenoiser()
    got = ConditionalOnly()(denoiser, z_t, t, z_q, tokens, mask)
    assert len(denoiser.calls) == 1
    torch.testing.assert_close(
        got, LinearDenoiser()(torch.cat([z_t, z_q], 1), t, tokens, mask))


def test_errors():
    z_t, t, z_q, tokens, mask, null = inputs()
    guidance, denoiser = DualGuidance(), LinearDenoiser()
    with pytest.raises(ValueError, match='needs null_tokens'):
        guidance(denoiser, z_t, t, z_q, tokens, mask, None)
    with pytest.raises(ValueError, match='shape of tokens'):
        guidance(denoiser, z_t, t, z_q, tokens, mask, null[:1])
    with pytest.raises(ValueError, match='token_mask'):
        guidance(denoiser, z_t, t, z_q, tokens, mask[:, :2], null)
    with pytest.raises(ValueError, match='query latent'):
        guidance(denoiser, z_t, t, z_q[..., :4], tokens, mask, null)
    with pytest.raises(ValueError, match=r'\(B, L, D\)'):
        ConditionalOnly()(denoiser, z_t, t, z_q, tokens[:1])
    assert not denoiser.calls
