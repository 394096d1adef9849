import os.path as osp
import pprint

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from diffseg.datasets.transforms import SampleKnownSegments
from diffseg.registry import MODELS
from diffseg.utils import register_all_modules
from _helpers.paths import REPO_ROOT
from _helpers.tiny_ldmseg import tiny_ldmseg_cfg

TINY_CONFIG = osp.join(REPO_ROOT, 'configs', 'ldmseg',
                       'ldmseg_tiny_2k_shapes-panoptic_64.py')


def panoptic_results(image_id=3):
    ids = np.zeros((6, 8), np.int32)
    ids[:2], ids[2:4, :4], ids[2:4, 4:], ids[4:, :3] = 11, 12, 13, 14
    return dict(gt_panoptic_seg=ids, image_id=image_id)  # row 4-5 partly void


@pytest.mark.parametrize('fraction,count', [(0, 0), (0.25, 1), (0.5, 2),
                                            (0.6, 2), (1, 4)])
def test_round_fraction_of_segments_keeps_their_ids(fraction, count):
    results = SampleKnownSegments(fraction)(panoptic_results())
    ids, known = results['gt_panoptic_seg'], results['known_panoptic_seg']
    given = set(np.unique(known).tolist()) - {0}
    assert len(given) == count and given <= {11, 12, 13, 14}
    for seg in given:  # whole segments, nothing else
        assert np.array_equal(known == seg, ids == seg)
    assert (known[~np.isin(ids, list(given))] == 0).all()


def test_draw_depends_on_seed_and_image_only():
    def draw(seed, image_id):
        out = SampleKnownSegments(0.5, seed)(panoptic_results(image_id))
        return tuple(np.unique(out['known_panoptic_seg']).tolist())
    assert draw(0, 3) == draw(0, 3)
    assert len({draw(s, i) for s in range(4) for i in range(4)}) > 1


def test_bad_input_is_named():
    with pytest.raises(ValueError, match='fraction is 1.5'):
        SampleKnownSegments(1.5)
    with pytest.raises(KeyError, match='LoadPanopticAnnotations before'):
        SampleKnownSegments(0.5)(dict(img=np.zeros((4, 4, 3), np.uint8)))


class KeepOutputs(Hook):

    def __init__(self):
        self.outputs = []

    def after_test_iter(self, runner, batch_idx, data_batch=None,
                        outputs=None):
        self.outputs.extend(outputs)


def test_test_loop_inpaints_the_drawn_segments(tmp_path):
    """The test pipeline's known segments reach LDMSeg: every prediction
    lists which segments were given, with the ids the draw chose."""
    register_all_modules()
    pipeline = [dict(type='LoadImageFromFile'),
                dict(type='LoadPanopticAnnotations'),
                dict(type='SampleKnownSegments', fraction=0.5),
                dict(type='ResizePanoptic', scale=(32, 32), resize_gt=False),
                dict(type='PackPanopticInputs')]
    dataset = dict(data_root=str(tmp_path / 'data'), num_images=3,
                   img_size=32, pipeline=pipeline)
    # every pixel takes its argmax id: the random model gives segments
    model = tiny_ldmseg_cfg(postprocess=dict(
        mask_threshold=0.0, min_area=1, overlap_threshold=0.0))
    config = tmp_path / 'inpaint.py'
    config.write_text(
        f'_base_ = [{TINY_CONFIG!r}]\n'
        f'model = {pprint.pformat(dict(model, _delete_=True))}\n'
        f'test_dataloader = dict(batch_size=2, num_workers=0, '
        f'persistent_workers=False, dataset={dataset!r})\n')
    cfg = Config.fromfile(str(config))
    cfg.work_dir = str(tmp_path / 'work')
    cfg.experiment_name = f'inpaint_{tmp_path.name}'
    torch.manual_seed(0)
    checkpoint = tmp_path / 'tiny.pth'
    torch.save(dict(state_dict=MODELS.build(cfg.model).state_dict(),
                    meta={}), checkpoint)
    cfg.load_from = str(checkpoint)
    runner = Runner.from_cfg(cfg)
    keep = KeepOutputs()
    runner.register_hook(keep)
    metrics = runner.test()
    assert 0 <= metrics['panoptic/PQ'] <= 100
    assert len(keep.outputs) == 3
    given = []
    for out in keep.outputs:
        gt = out.gt_panoptic_seg.data[0]
        drawn = set(out.known_panoptic_seg.data.unique().tolist()) - {0}
        present = set(gt.unique().tolist()) - {0}
        assert len(drawn) == int(np.floor(0.5 * len(present) + 0.5))
        assert drawn <= present
        known = {s['id'] for s in out.pred_panoptic_seg.segments_info
                 if s['known']}
        assert known <= drawn
        given.append(len(known))
    assert sum(given) > 0


@pytest.mark.parametrize('fraction', [25, 50])
def test_inpainting_configs_add_only_the_draw(fraction):
    path = TINY_CONFIG.replace('ldmseg_tiny',
                               f'ldmseg-inpaint{fraction}_tiny')
    cfg, base = Config.fromfile(path), Config.fromfile(TINY_CONFIG)
    pipeline = cfg.test_dataloader.dataset.pipeline
    drawn = [step for step in pipeline
             if step['type'] == 'SampleKnownSegments']
    assert [step['fraction'] for step in drawn] == [fraction / 100]
    assert [s for s in pipeline if s not in drawn] == \
        base.test_dataloader.dataset.pipeline
    assert cfg.val_dataloader == base.val_dataloader
