import pytest

from diffseg.models.text_encoders import CLIPTextEncoder
from diffseg.utils.frozen import FrozenNetworkMixin
from _helpers.tiny_models import TINY_CLIP_TEXT


@pytest.mark.parametrize('freeze', [True, False])
def test_a_frozen_network_stays_in_eval_mode(freeze):
    encoder = CLIPTextEncoder(config=TINY_CLIP_TEXT, freeze=freeze)
    assert isinstance(encoder, FrozenNetworkMixin)
    assert encoder.train() is encoder and encoder.training
    assert all(m.training != freeze for m in encoder.text_model.modules())
    encoder.eval()
    assert not any(m.training for m in encoder.modules())


def test_a_user_without_its_network_is_named():
    from torch import nn

    class Incomplete(FrozenNetworkMixin, nn.Module):
        freeze = True

    with pytest.raises(NotImplementedError, match='Incomplete uses'):
        Incomplete().train()
