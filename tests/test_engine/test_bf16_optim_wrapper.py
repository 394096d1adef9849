import torch
import torch.nn.functional as F
from torch import nn

from diffseg.registry import MODELS, OPTIM_WRAPPERS
from _helpers.tiny_models import tiny_episode_batch, tiny_ldis1_cfg


def build_wrapper(model, kind='BF16OptimWrapper'):
    return OPTIM_WRAPPERS.build(dict(
        type=kind, optimizer=torch.optim.SGD(model.parameters(), lr=0.1)))


def test_forward_in_bf16_weights_and_grads_in_float32():
    torch.manual_seed(0)
    layer = nn.Linear(4, 3)
    x = torch.randn(5, 4)
    wrapper = build_wrapper(layer)
    with wrapper.optim_context(layer):
        out = layer(x)
    assert out.dtype == torch.bfloat16
    # what autocast does to a linear layer: bf16 inputs, bf16 matmul
    want = F.linear(x.bfloat16(), layer.weight.bfloat16(),
                    layer.bias.bfloat16())
    torch.testing.assert_close(out, want, rtol=0, atol=0)
    before = layer.weight.detach().clone()
    wrapper.update_params(out.float().pow(2).mean())
    assert layer.weight.dtype == torch.float32
    assert not torch.equal(layer.weight, before)
    assert not hasattr(wrapper, 'loss_scaler')  # bf16 needs no scaling


def test_ldis1_train_step_close_to_float32():
    torch.manual_seed(0)
    model = MODELS.build(tiny_ldis1_cfg())
    batch = tiny_episode_batch(model, n=2)
    dtypes = []
    model.denoiser.unet.conv_in.register_forward_hook(
        lambda module, args, out: dtypes.append(out.dtype))
    with torch.no_grad():
        fp32 = model(**batch, mode='loss')['loss_latent']
    wrapper = build_wrapper(model)
    with wrapper.optim_context(model), torch.no_grad():
        bf16 = model(**batch, mode='loss')['loss_latent']
    assert dtypes == [torch.float32, torch.bfloat16]
    assert bf16.dtype == torch.float32 and torch.isfinite(bf16)
    torch.testing.assert_close(bf16, fp32, rtol=0.05, atol=1e-3)
