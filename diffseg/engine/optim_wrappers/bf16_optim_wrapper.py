"""bf16 mixed precision without loss scaling, on any device with bf16."""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper
from mmengine.runner.amp import autocast
from torch import nn

from diffseg.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(OptimWrapper):
    """Run the forward pass under bf16 autocast; weights, gradients and
    optimizer state stay float32.

    bf16 has float32's exponent range, so unlike float16 it needs no loss
    scaling: mmengine's ``AmpOptimWrapper(dtype='bfloat16')`` still runs a
    GradScaler, and refuses the CPU. This wrapper autocasts on the device of
    the model's parameters (CUDA with bf16 support, or the CPU) and is an
    ordinary :class:`OptimWrapper` otherwise (gradient accumulation,
    clipping, ``no_sync`` under DDP).
    """

    @contextmanager
    def optim_context(self, model: nn.Module):
        param = next(model.parameters(), None)
        device_type = 'cpu' if param is None else param.device.type
        with super().optim_context(model), autocast(device_type=device_type,
                                                    dtype=torch.bfloat16):
            yield
