"""Write a trained component in the diffusers layout at the end of training."""
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from diffseg.registry import HOOKS


@HOOKS.register_module()
class ExportPretrainedHook(Hook):
    """Call ``model.save_pretrained(out_dir)`` after training.

    ``out_dir`` relative paths are taken from the current directory, so a
    later config can point its ``pretrained=`` at the same place.
    """

    priority = 'VERY_LOW'

    def __init__(self, out_dir: str):
        self.out_dir = out_dir

    def after_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if not hasattr(model, 'save_pretrained'):
            raise TypeError(f'{type(model).__name__} has no save_pretrained; '
                            'ExportPretrainedHook cannot export it')
        if is_main_process():
            path = model.save_pretrained(self.out_dir)
            runner.logger.info(f'exported pretrained weights to '
                               f'{osp.abspath(path)}')
