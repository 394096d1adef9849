import copy

import torch

from diffseg.models.denoisers import DiffusersUNet
from _helpers.tiny_models import TINY_UNET


def grads_and_calls(unet, sample, tokens):
    """Parameter gradients of one backward pass, and how many times the
    first ResNet block ran (a checkpointed block reruns in backward)."""
    calls = []
    block = unet.unet.down_blocks[0].resnets[0]
    forward = block.forward

    def counted(*args, **kwargs):  # forward hooks do not see recomputation
        calls.append(1)
        return forward(*args, **kwargs)

    block.forward = counted
    out = unet(sample, torch.tensor([10]), tokens)
    out.pow(2).mean().backward()
    return {n: p.grad.clone() for n, p in unet.named_parameters()}, len(calls)


def test_checkpointing_recomputes_and_keeps_gradients():
    torch.manual_seed(0)
    plain = DiffusersUNet(config=TINY_UNET).train()
    checkpointed = copy.deepcopy(plain)
    checkpointed.unet.enable_gradient_checkpointing()
    flagged = DiffusersUNet(config=TINY_UNET, gradient_checkpointing=True)
    assert flagged.unet.is_gradient_checkpointing
    sample = torch.randn(2, 4, 16, 16)
    tokens = torch.randn(2, 5, TINY_UNET['cross_attention_dim'])
    want, plain_calls = grads_and_calls(plain, sample, tokens)
    got, checkpointed_calls = grads_and_calls(checkpointed, sample, tokens)
    assert (plain_calls, checkpointed_calls) == (1, 2)
    assert got.keys() == want.keys()
    for name in want:
        torch.testing.assert_close(got[name], want[name], rtol=1e-5,
                                   atol=1e-6, msg=name)
