"""The in-context test loop: the test episodes, then the same episodes with
swapped prompts, a control a model that follows its prompt fails."""
import copy
from typing import Dict, List, Optional, Union

import torch
from mmengine.runner import TestLoop, autocast
from mmengine.runner.loops import _parse_losses
from torch.utils.data import DataLoader

from diffseg.registry import LOOPS


@LOOPS.register_module()
class InContextTestLoop(TestLoop):
    """mmengine's ``TestLoop``, then the swapped-prompt control.

    The control tests the same episodes with each prompt replaced by
    another class present in the query (the test dataset rebuilt with
    ``prompt_mode='swap'`` and without its ``episode_file``, whose episodes
    are the draws from the dataset's seed; the target stays), scores them
    with ``swapped_evaluator`` and adds its metrics (``swapped/mIoU``,
    ``swapped/FBIoU``) to the test metrics before the ``after_test_epoch``
    hooks see them. It calls no iteration hook: no panels are drawn, no
    predictions dumped.

    Args:
        runner, dataloader, evaluator, fp16: see ``TestLoop``; the
            dataloader must be a config (the control builds its copy).
        swapped_prompts: run the control.
        swapped_evaluator: the control's metrics; their prefix names them.
    """

    def __init__(self,
                 runner,
                 dataloader: Union[DataLoader, Dict],
                 evaluator: Union[Dict, List],
                 fp16: bool = False,
                 swapped_prompts: bool = True,
                 swapped_evaluator: Optional[Union[Dict, List]] = dict(
                     type='InContextIoU', prefix='swapped')):
        if swapped_prompts and not isinstance(dataloader, dict):
            raise TypeError('InContextTestLoop with swapped_prompts needs the '
                            'test dataloader as a config dict, to build its '
                            'swapped-prompt copy; got '
                            f'{type(dataloader).__name__}')
        super().__init__(runner, dataloader, evaluator, fp16)
        self.swapped_prompts = swapped_prompts
        self.swapped_dataloader = None
        if swapped_prompts:
            self.swapped_dataloader = copy.deepcopy(dataloader)
            dataset = self.swapped_dataloader['dataset']
            dataset['prompt_mode'] = 'swap'
            # an episode file stores the query-class prompts of the draws
            # from the dataset's seed; the swapped ones are drawn from it
            dataset.pop('episode_file', None)
        self.swapped_evaluator = swapped_evaluator

    def run(self) -> dict:
        """Test, run the control, then call the epoch-end hooks."""
        self.runner.call_hook('before_test')
        self.runner.call_hook('before_test_epoch')
        self.runner.model.eval()
        self.test_loss.clear()
        for idx, data_batch in enumerate(self.dataloader):
            self.run_iter(idx, data_batch)
        metrics = self.evaluator.evaluate(len(self.dataloader.dataset))
        if self.test_loss:
            metrics.update(_parse_losses(self.test_loss, 'test'))
        if self.swapped_prompts:
            metrics.update(self.run_swapped())
        self.runner.call_hook('after_test_epoch', metrics=metrics)
        self.runner.call_hook('after_test')
        return metrics

    @torch.no_grad()
    def run_swapped(self) -> dict:
        """The control's metrics on the swapped-prompt episodes."""
        diff_rank_seed = self.runner._randomness_cfg.get(
            'diff_rank_seed', False)
        loader = self.runner.build_dataloader(
            self.swapped_dataloader, seed=self.runner.seed,
            diff_rank_seed=diff_rank_seed)
        evaluator = self.runner.build_evaluator(self.swapped_evaluator)
        evaluator.dataset_meta = loader.dataset.metainfo
        for data_batch in loader:
            with autocast(enabled=self.fp16):
                outputs = self.runner.model.test_step(data_batch)
            evaluator.process(data_samples=outputs, data_batch=data_batch)
        return evaluator.evaluate(len(loader.dataset))
