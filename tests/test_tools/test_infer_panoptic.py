"""tools/infer.py panoptic (--inpaint) and inference_panoptic."""
import json
import os.path as osp
import pprint

import numpy as np
import pytest
import torch

from diffseg.apis import inference_panoptic, init_model
from diffseg.datasets.shapes_panoptic import render_panoptic_image
from diffseg.fileio import read_panoptic_png, write_image
from diffseg.registry import MODELS
from _helpers.tiny_ldmseg import tiny_ldmseg_cfg
from _helpers.tools import run_tool

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY_CONFIG = osp.join(ROOT, 'configs', 'ldmseg',
                       'ldmseg_tiny_2k_shapes-panoptic_64.py')


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    """A config file of the tiny shapes config with random 32 px parts, a
    checkpoint of it and a 40 x 48 shapes image."""
    root = tmp_path_factory.mktemp('ldmseg_infer')
    # every pixel takes its argmax id: the random model gives segments
    cfg = tiny_ldmseg_cfg(postprocess=dict(mask_threshold=0.0, min_area=1,
                                           overlap_threshold=0.0))
    model_cfg = dict(cfg, _delete_=True)
    pipeline = [dict(type='ResizePanoptic', scale=(32, 32), resize_gt=False),
                dict(type='PackPanopticInputs')]
    config = root / 'tiny_ldmseg.py'
    config.write_text(
        f'_base_ = [{TINY_CONFIG!r}]\n'
        f'model = {pprint.pformat(model_cfg, sort_dicts=False)}\n'
        f'test_dataloader = dict(dataset=dict(pipeline={pipeline!r}))\n')
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    checkpoint = root / 'tiny.pth'
    torch.save(dict(state_dict=model.state_dict(), meta={}), checkpoint)
    img, ids, _, _ = render_panoptic_image(np.random.default_rng(0), 48)
    image = root / 'shapes.png'
    write_image(str(image), img[:40])
    return dict(config=str(config), checkpoint=str(checkpoint),
                image=str(image), ids=ids[:40])


def _check_outputs(out_dir, stem='shapes'):
    ids = read_panoptic_png(str(out_dir / f'{stem}_panoptic.png'))
    assert ids.shape == (40, 48)
    info = json.load(open(out_dir / f'{stem}_segments.json'))
    listed = {s['id'] for s in info['segments_info']}
    assert listed == set(np.unique(ids).tolist()) - {0}
    for seg in info['segments_info']:
        assert seg['area'] == int((ids == seg['id']).sum())
    assert (out_dir / f'{stem}_overlay.png').is_file()
    assert not [p.name for p in out_dir.iterdir() if p.name.startswith('.')]
    return ids, info


def test_infer_inpaint_writes_png_segments_and_overlay(tiny, tmp_path):
    partial = np.zeros((40, 48), np.uint16)
    partial[:20] = 4200  # a single-channel id PNG: the top half is known
    write_image(str(tmp_path / 'partial.png'), partial)
    out = tmp_path / 'out'
    proc = run_tool('infer.py', 'panoptic', tiny['config'],
                    tiny['checkpoint'], '--image', tiny['image'], '--inpaint',
                    tmp_path / 'partial.png', '--out-dir', out)
    assert str(out / 'shapes_panoptic.png') in proc.stdout
    _, info = _check_outputs(out)
    assert info['segments_info']
    assert all(s['known'] == (s['id'] == 4200) for s in info['segments_info'])


def test_inference_panoptic_api(tiny):
    model = init_model(tiny['config'], tiny['checkpoint'])
    sample = inference_panoptic(model, tiny['image'])
    assert sample.pred_panoptic_seg.data.shape == (1, 40, 48)
    assert sample.img_shape == (32, 32) and sample.ori_shape == (40, 48)
    known = np.zeros((40, 48), np.int64)
    known[:, :24] = 77
    inpainted = inference_panoptic(model, tiny['image'], known)
    assert all(s['known'] == (s['id'] == 77)
               for s in inpainted.pred_panoptic_seg.segments_info)
    with pytest.raises(ValueError, match=r'is \(8, 8\) but the image'):
        inference_panoptic(model, tiny['image'], np.zeros((8, 8), np.int64))
    with pytest.raises(ValueError, match='integer ids'):
        inference_panoptic(model, tiny['image'], np.zeros((40, 48)))
