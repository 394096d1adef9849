"""Components holding a pretrained network that ``freeze`` keeps fixed."""
from torch import nn


class FrozenNetworkMixin:
    """``train()`` for a component whose ``freeze`` flag keeps the network
    :meth:`frozen_network` returns in eval mode whatever the mode asked
    (dropout off, normalisation statistics as pretrained). The component
    sets ``requires_grad`` itself: what stays trainable next to a frozen
    network differs between components. List the mixin before the
    ``nn.Module`` base."""

    freeze: bool

    def frozen_network(self) -> nn.Module:
        """The network ``freeze`` keeps fixed; every user defines it."""
        raise NotImplementedError(
            f'{type(self).__name__} uses FrozenNetworkMixin without '
            'defining frozen_network()')

    def train(self, mode: bool = True):
        super().train(mode)
        if self.freeze:
            self.frozen_network().eval()
        return self
