"""Refuse a checkpoint of another model before the runner loads it."""
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import find_latest_checkpoint
from torch.nn.parallel import DistributedDataParallel

from diffseg.engine.checkpoint_fit import (CheckpointMismatchError,
                                           compare_state_dicts,
                                           describe_mismatch)
from diffseg.registry import HOOKS


@HOOKS.register_module()
class CheckpointFitHook(Hook):
    """Check ``load_from`` and ``--resume`` checkpoints against the model.

    mmengine loads checkpoints non-strictly and only logs a warning for
    keys that do not fit, so a checkpoint of another model or config would
    train or evaluate random weights. This hook raises
    :class:`CheckpointMismatchError` listing the checkpoint keys the model
    lacks, the keys whose shapes differ and, unless the checkpoint holds
    only trained weights (``meta['trainable_only']``, LoRA runs) or
    ``allow_missing`` is set, the model keys the checkpoint lacks.

    Runs before hooks that edit the loaded checkpoint (EMAHook). Sharded
    models (FSDP, DeepSpeed) are not checked: their parameters are
    flattened.

    Args:
        allow_missing: accept checkpoints that cover part of the model
            (e.g. ``load_from`` a pretrained part for fine-tuning).
    """

    priority = 'VERY_HIGH'

    def __init__(self, allow_missing: bool = False):
        self.allow_missing = allow_missing

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = runner.model
        if is_model_wrapper(model):
            if not isinstance(model, DistributedDataParallel):
                print_log(f'{type(self).__name__}: {type(model).__name__} '
                          'shards the model; its checkpoint is not checked',
                          logger='current')
                return
            model = model.module
        mismatch = compare_state_dicts(model.state_dict(),
                                       checkpoint.get('state_dict',
                                                      checkpoint))
        allow_missing = self.allow_missing or checkpoint.get(
            'meta', {}).get('trainable_only', False)
        message = describe_mismatch(self._source(runner), mismatch,
                                    allow_missing)
        if message:
            raise CheckpointMismatchError(message)

    @staticmethod
    def _source(runner) -> str:
        """The path being loaded: ``load_from``, or with ``resume`` and no
        ``load_from`` the latest checkpoint of the work dir (mmengine
        0.10.7 keeps both as private attributes of either runner)."""
        path = getattr(runner, '_load_from', None)
        if path is None and getattr(runner, '_resume', False):
            path = find_latest_checkpoint(runner.work_dir)
        return repr(path) if path else '(being loaded)'
