from unittest.mock import Mock

import cv2
import pytest
from mmengine.structures import PixelData

from diffseg.datasets import ShapesInContextDataset
from diffseg.datasets.transforms.formatting import PackInContextInputs
from diffseg.engine.hooks import InContextVisualizationHook
from diffseg.registry import HOOKS
from diffseg.visualization import InContextVisualizer


def make_batch(num, drop_episode_idx=False):
    dataset = ShapesInContextDataset(split='val', num_episodes=num,
                                     lazy_init=True)
    pack = PackInContextInputs()
    inputs, outputs = [], []
    for i in range(num):
        packed = pack(dataset.generate_episode(i))
        sample = packed['data_samples']
        sample.pred_sem_seg = PixelData(data=sample.gt_objects.data)
        if drop_episode_idx:
            del sample.episode_idx
        inputs.append(packed['inputs'])
        outputs.append(sample)
    return dict(inputs=inputs, data_samples=outputs), outputs


def make_runner(tmp_path, visualizer=None):
    runner = Mock()
    runner.work_dir = str(tmp_path)
    runner.timestamp = 't'
    runner.iter = 4
    runner.visualizer = visualizer or Mock()
    return runner


def test_test_iter_writes_one_png_per_episode(tmp_path):
    hook_cls = HOOKS.get('InContextVisualizationHook')
    assert hook_cls is InContextVisualizationHook
    hook = InContextVisualizationHook(draw=True, out_dir='vis')
    runner = make_runner(tmp_path)
    data_batch, outputs = make_batch(2)
    hook.before_test_epoch(runner)
    hook.after_test_iter(runner, 0, data_batch, outputs)

    out_dir = tmp_path / 't' / 'vis'
    assert sorted(p.name for p in out_dir.iterdir()) == [
        'episode_000000.png', 'episode_000001.png']
    img = cv2.imread(str(out_dir / 'episode_000000.png'))
    assert img.shape[0] > 128 and img.shape[1] == 3 * 128  # K=1, pred, gt


def test_running_index_and_absolute_dir(tmp_path):
    hook = InContextVisualizationHook(draw=True, out_dir=str(tmp_path / 'abs'))
    runner = make_runner(tmp_path / 'work')
    data_batch, outputs = make_batch(2, drop_episode_idx=True)
    hook.before_test_epoch(runner)
    hook.after_test_iter(runner, 0, data_batch, outputs)
    hook.after_test_iter(runner, 1, data_batch, outputs)
    assert sorted(p.name for p in (tmp_path / 'abs').iterdir()) == [
        f'episode_{i:06d}.png' for i in range(4)]


def test_val_iter_draws_every_interval(tmp_path):
    hook = InContextVisualizationHook(draw=True, interval=2, out_dir='vis')
    runner = make_runner(tmp_path)
    data_batch, outputs = make_batch(1)
    hook.before_val_epoch(runner)
    hook.after_val_iter(runner, 0, data_batch, outputs)
    out_dir = tmp_path / 't' / 'vis' / 'val_iter_4'
    assert not out_dir.exists()
    hook.after_val_iter(runner, 1, data_batch, outputs)
    assert [p.name for p in out_dir.iterdir()] == ['episode_000000.png']


def test_uses_incontext_visualizer_and_backends(tmp_path):
    visualizer = InContextVisualizer(name='test_incontext_hook')
    visualizer.add_datasample = Mock()
    hook = InContextVisualizationHook(draw=True)
    runner = make_runner(tmp_path, visualizer)
    data_batch, outputs = make_batch(1)
    hook.after_test_iter(runner, 0, data_batch, outputs)
    visualizer.add_datasample.assert_called_once()
    args, kwargs = visualizer.add_datasample.call_args
    assert args[0] == 'test_episode_000000' and kwargs['out_file'] is None

    plain = Mock()
    hook.after_test_iter(make_runner(tmp_path, plain), 0, data_batch, outputs)
    plain.add_image.assert_called_once()


def test_draw_false_does_nothing(tmp_path):
    with pytest.warns(UserWarning, match='draw is False'):
        hook = InContextVisualizationHook(out_dir='vis')
    data_batch, outputs = make_batch(1)
    hook.after_test_iter(make_runner(tmp_path), 0, data_batch, outputs)
    assert not (tmp_path / 't').exists()
