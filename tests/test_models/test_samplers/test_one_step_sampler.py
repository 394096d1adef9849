import pytest
import torch

from diffseg.models.samplers import OneStepSampler
from diffseg.registry import SAMPLERS


def affine_denoiser(calls):
    """output = 2 * first four channels + the rest summed + t; records."""

    def denoise(sample, t, tokens, token_mask=None):
        calls.append((sample, t, tokens, token_mask))
        rest = sample[:, 4:].sum(1, keepdim=True) if sample.shape[1] > 4 \
            else 0
        return 2 * sample[:, :4] + rest + t.float()[:, None, None, None]

    return denoise


def test_one_call_at_the_timestep_with_the_shared_arguments():
    s = SAMPLERS.build(dict(type='OneStepSampler', timestep=7))
    assert isinstance(s, OneStepSampler)
    assert s.prediction_type == 'sample' and not s.needs_null_tokens
    calls = []
    z = torch.randn(2, 4, 3, 3)
    tokens, mask = torch.randn(2, 5, 8), torch.ones(2, 5)
    # the same arguments as DiffusionSampler; null tokens are not used
    out = s(affine_denoiser(calls), z, tokens, mask, torch.zeros(2, 5, 8),
            return_x0=True)
    assert len(calls) == 1
    sample, t, got_tokens, got_mask = calls[0]
    assert torch.equal(sample, z) and t.tolist() == [7, 7]
    assert got_tokens is tokens and got_mask is mask
    torch.testing.assert_close(out, 2 * z + 7)


def test_self_conditioning_sees_zeros_and_known_cells_are_kept():
    calls = []
    z = torch.randn(1, 4, 2, 2)
    known = torch.full((1, 4, 2, 2), 5.0)
    mask = torch.tensor([[[[1.0, 0.0], [0.0, 0.0]]]])
    out = OneStepSampler()(affine_denoiser(calls), z, torch.zeros(1, 1, 8),
                           self_condition=True, known=known, known_mask=mask)
    sample = calls[0][0]
    assert sample.shape == (1, 8, 2, 2) and (sample[:, 4:] == 0).all()
    expected = 2 * z
    expected[..., 0, 0] = 5.0
    torch.testing.assert_close(out, expected)
    with pytest.raises(ValueError, match='both known and known_mask'):
        OneStepSampler()(affine_denoiser([]), z, torch.zeros(1, 1, 8),
                         known_mask=mask)
