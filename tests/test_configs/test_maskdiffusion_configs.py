"""Every MaskDiffusion config builds: the SD 1.5 ones on a tiny SD-shaped
pipeline saved with save_pretrained, their datasets without data."""
import glob
import os
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmseg.structures import SegDataSample

from _helpers.paths import REPO_ROOT, load_tool
from _helpers.stable_diffusion import save_tiny_sd
from diffseg.registry import DATASETS, MODELS

CONFIGS = sorted(glob.glob(osp.join(REPO_ROOT, 'configs/maskdiffusion/*.py')))
REAL = [p for p in CONFIGS if '_sd15_' in p]
SD_PATH = 'checkpoints/stable-diffusion-v1-5'


@pytest.fixture(scope='module')
def tiny_sd(tmp_path_factory):
    """SD 1.5's block layout (the configs name its blocks), 8 wide."""
    benchmark = load_tool('analysis_tools/benchmark.py')
    return save_tiny_sd(str(tmp_path_factory.mktemp('sd')),
                        benchmark.sd15_shaped_unet_config(8))


def test_every_config_parses():
    assert len(REAL) >= 5
    for path in CONFIGS:
        cfg = Config.fromfile(path)
        assert cfg.default_scope == 'diffseg'
        # the page's baselines cluster pixels without any network
        assert cfg.model.type in ('MaskDiffusion', 'PixelClustering')
        assert 'train_cfg' not in cfg  # training-free
        assert cfg.test_cfg.type == 'TestLoop'
        wrapper = cfg.model_wrapper_cfg.type
        assert wrapper == 'MMSeparateDistributedDataParallel'


@pytest.mark.parametrize('path', REAL, ids=osp.basename)
def test_real_config_builds_and_segments(path, tiny_sd, tmp_path):
    cfg = Config.fromfile(path)
    text = cfg.pretty_text.replace(SD_PATH, tiny_sd)
    cfg = Config.fromstring(text, '.py')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    head = cfg.model.head.type
    dataset_cls = DATASETS.get(cfg.test_dataloader.dataset.type)
    if head == 'MaskDiffusionHead':  # one prompt name a dataset class
        assert len(cfg.model.class_names) == len(
            dataset_cls.METAINFO['classes'])
    sample = SegDataSample(metainfo=dict(img_shape=(64, 64),
                                         ori_shape=(96, 80)))
    with torch.no_grad():
        out = model.segment(torch.rand(1, 3, 64, 64) * 2 - 1, [sample])[0]
    assert out.pred_sem_seg.data.shape == (1, 96, 80)
    if head == 'MaskDiffusionHead':
        assert out.seg_logits.data.shape[0] == len(cfg.model.class_names)
    # the dataset and its pipeline build (no files read)
    dataset = dict(cfg.test_dataloader.dataset, data_root=str(tmp_path),
                   lazy_init=True)
    for folder in dataset['data_prefix'].values():
        os.makedirs(osp.join(tmp_path, folder), exist_ok=True)
    if dataset.get('ann_file'):
        ann = osp.join(tmp_path, dataset['ann_file'])
        os.makedirs(osp.dirname(ann), exist_ok=True)
        open(ann, 'w').close()
    built = DATASETS.build(dataset)
    assert len(built.metainfo['classes']) >= 6


def test_real_configs_name_missing_weights():
    cfg = Config.fromfile(REAL[0])
    with pytest.raises(FileNotFoundError, match='stable-diffusion-v1-5'):
        MODELS.build(cfg.model)


def test_real_config_loads_the_saved_weights(tiny_sd):
    from diffusers import UNet2DConditionModel
    from transformers import CLIPTextModel
    cfg = Config.fromstring(
        Config.fromfile(REAL[0]).pretty_text.replace(SD_PATH, tiny_sd), '.py')
    model = MODELS.build(cfg.model)
    unet = UNet2DConditionModel.from_pretrained(osp.join(tiny_sd, 'unet'))
    text = CLIPTextModel.from_pretrained(osp.join(tiny_sd, 'text_encoder'))
    assert torch.equal(model.denoiser.unet.conv_in.weight,
                       unet.conv_in.weight)
    assert torch.equal(
        model.text_encoder.text_model.get_input_embeddings().weight,
        text.get_input_embeddings().weight)
