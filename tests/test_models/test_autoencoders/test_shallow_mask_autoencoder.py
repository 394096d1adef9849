import pytest
import torch

from diffseg.models.autoencoders import ShallowMaskAutoencoder

TINY_MASK_AE = dict(in_channels=4, num_ids=16, block_out_channels=(8, 16, 16),
                    mid_channels=16, latent_channels=4, decoder_channels=8,
                    num_upscalers=1, norm_num_groups=4)


def test_shapes_and_downsampling():
    ae = ShallowMaskAutoencoder(config=TINY_MASK_AE, freeze=False)
    assert ae.downsample_factor == 4
    planes = torch.randn(2, 4, 32, 24)
    z = ae.encode(planes)
    assert z.shape == (2, 4, 8, 6)
    # one upscaler (x2) then bilinear x2 back to the input size
    assert ae.decode(z).shape == (2, 16, 32, 24)
    with pytest.raises(ValueError, match='takes 4 bit planes'):
        ae.encode(torch.randn(1, 7, 32, 32))


def test_reference_architecture_has_about_2m_parameters():
    ae = ShallowMaskAutoencoder(config=dict(), freeze=True)
    count = sum(p.numel() for p in ae.parameters())
    # the notes count ~2.02 M for the default (512 px -> 64 x 64 x 4)
    assert 1.9e6 < count < 2.1e6
    assert not any(p.requires_grad for p in ae.parameters())
    assert ae.downsample_factor == 8
