"""Save only the trained weights (LoRA, partial fine-tuning) in checkpoints."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from diffseg.registry import HOOKS


@HOOKS.register_module()
class TrainableWeightsCheckpointHook(Hook):
    """Drop frozen weights from every checkpoint the runner saves.

    ``checkpoint['state_dict']`` keeps the parameters that require grad plus
    the buffers of the modules owning them (e.g. BatchNorm statistics), and
    ``checkpoint['meta']['trainable_only']`` is set to True. Load such a
    checkpoint non-strictly (``load_from``, ``--resume``, ``init_model``)
    into a model built from the same config: the config's pretrained
    weights give the frozen part, the checkpoint the trained one.

    Priority LOW: runs after hooks that edit the state dict (EMAHook swaps
    in its averaged weights first).
    """

    priority = 'LOW'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        keep = set()
        for prefix, module in model.named_modules(remove_duplicate=False):
            params = dict(module.named_parameters(recurse=False))
            if not any(p.requires_grad for p in params.values()):
                continue
            prefix = prefix + '.' if prefix else ''
            keep.update(prefix + n for n, p in params.items()
                        if p.requires_grad)
            keep.update(prefix + n
                        for n, _ in module.named_buffers(recurse=False))
        if not keep:
            raise RuntimeError('TrainableWeightsCheckpointHook: the model '
                               'has no trainable parameters to save')
        state = checkpoint['state_dict']  # in place: keeps its _metadata
        for key in [k for k in state if k not in keep]:
            del state[key]
        checkpoint.setdefault('meta', {})['trainable_only'] = True
