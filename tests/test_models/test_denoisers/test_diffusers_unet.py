import pytest
import torch
from diffusers import UNet2DConditionModel

from diffseg.models.denoisers import DiffusersUNet
from diffseg.registry import DENOISERS
from _helpers.tiny_models import TINY_UNET


def inputs(b=2, length=6, seed=0):
    g = torch.Generator().manual_seed(seed)
    sample = torch.randn(b, 4, 8, 8, generator=g)
    tokens = torch.randn(b, length, 16, generator=g)
    return sample, torch.zeros(b, dtype=torch.long), tokens


def test_build_from_config():
    unet = DENOISERS.build(dict(type='DiffusersUNet', config=TINY_UNET))
    assert isinstance(unet, DiffusersUNet)
    assert unet.cross_attention_dim == 16 and unet.in_channels == 4
    sample, t, tokens = inputs()
    out = unet(sample, t, tokens)
    assert out.shape == sample.shape
    with torch.no_grad():
        want = unet.unet(sample, t, tokens).sample
    torch.testing.assert_close(out, want)


@pytest.mark.parametrize('layout', ['pipeline', 'folder'])
def test_pretrained_matches_config(tmp_path, layout):
    torch.manual_seed(0)
    ref = UNet2DConditionModel(**TINY_UNET).eval()
    ref.save_pretrained(str(tmp_path / 'unet'))
    path = tmp_path if layout == 'pipeline' else tmp_path / 'unet'
    unet = DiffusersUNet(pretrained=str(path)).eval()
    sample, t, tokens = inputs(seed=1)
    with torch.no_grad():
        want = ref(sample, t, tokens).sample
        got = unet(sample, t, tokens)
    torch.testing.assert_close(got, want, rtol=0, atol=0)


def test_pretrained_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match='unet'):
        DiffusersUNet(pretrained=str(tmp_path))


def test_post_masking():
    torch.manual_seed(0)
    unet = DiffusersUNet(config=TINY_UNET).eval()
    sample, t, tokens = inputs(b=2, length=6, seed=2)
    mask = torch.tensor([[1, 1, 0, 1, 0, 0], [0, 1, 1, 1, 1, 1]],
                        dtype=torch.bool)
    with torch.no_grad():
        out = unet(sample, t, tokens, mask)
        # change the dropped tokens: output unchanged
        changed = tokens.clone()
        changed[~mask] = torch.randn(int((~mask).sum()), 16) * 5
        same = unet(sample, t, changed, mask)
        # the mask makes a difference without it
        unmasked = unet(sample, t, tokens)
        unmasked_changed = unet(sample, t, changed)
        # change one kept token: output changes (only for that sample)
        kept = tokens.clone()
        kept[0, 3] += 3
        other = unet(sample, t, kept, mask)
        # a float mask gives the same as a bool one
        float_mask = unet(sample, t, tokens, mask.float())
    torch.testing.assert_close(same, out, rtol=1e-6, atol=1e-6)
    assert not torch.allclose(unmasked, unmasked_changed, atol=1e-4)
    assert not torch.allclose(unmasked, out, atol=1e-4)
    assert (other[0] - out[0]).abs().max() > 1e-4
    torch.testing.assert_close(other[1], out[1])
    torch.testing.assert_close(float_mask, out)


def test_post_masking_equals_dropping_tokens():
    """Masked tokens are as good as absent: same output as the kept subset."""
    torch.manual_seed(0)
    unet = DiffusersUNet(config=TINY_UNET).eval()
    sample, t, tokens = inputs(b=1, length=5, seed=3)
    mask = torch.tensor([[1, 0, 1, 0, 1]], dtype=torch.bool)
    with torch.no_grad():
        masked = unet(sample, t, tokens, mask)
        subset = unet(sample, t, tokens[:, mask[0]])
    torch.testing.assert_close(masked, subset, rtol=1e-5, atol=1e-5)


def test_wrong_token_width():
    unet = DiffusersUNet(config=TINY_UNET)
    sample, t, _ = inputs()
    with pytest.raises(ValueError, match='out_dim'):
        unet(sample, t, torch.randn(2, 6, 32))


def test_timestep_matters_and_grads():
    torch.manual_seed(0)
    unet = DiffusersUNet(config=TINY_UNET)
    sample, t, tokens = inputs(seed=4)
    out0 = unet(sample, t, tokens)
    out1 = unet(sample, t + 500, tokens)
    assert not torch.allclose(out0, out1, atol=1e-4)
    out0.pow(2).mean().backward()
    grads = [p.grad for p in unet.parameters() if p.requires_grad]
    assert grads and all(g is not None for g in grads[:5])


def test_gradient_checkpointing_flag():
    unet = DiffusersUNet(config=TINY_UNET, gradient_checkpointing=True)
    assert unet.unet.is_gradient_checkpointing
