"""Fixtures shared by the model tests."""
import pytest
import torch

from diffseg.models.denoisers import DiffusersUNet
from _helpers.tiny_models import TINY_UNET


@pytest.fixture(scope='module')
def ldisn_unet():
    """The tiny UNet with LDIS-n's 8 input channels (noisy latent + query
    latent), in eval mode."""
    torch.manual_seed(0)
    return DiffusersUNet(config=dict(TINY_UNET, in_channels=8)).eval()
