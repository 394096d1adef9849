"""Pretraining the prior -> export -> MaskDiffusion on it, through the
tools, on a few images."""
import json

from diffusers import AutoencoderKL

from _helpers.tools import run_tool

PRIOR_CFG = 'configs/prior/t2i-ldm_tiny_4k_captioned-shapes_64.py'
MASKDIFFUSION_CFG = ('configs/maskdiffusion/'
                     'maskdiffusion_tiny-sd_captioned-shapes_64.py')


def test_pretrain_export_and_segment(tmp_path):
    sd = tmp_path / 'tiny-sd'
    AutoencoderKL(block_out_channels=(8, 16, 16), latent_channels=4,
                  down_block_types=('DownEncoderBlock2D', ) * 3,
                  up_block_types=('UpDecoderBlock2D', ) * 3,
                  layers_per_block=1, norm_num_groups=4,
                  mid_block_add_attention=False).save_pretrained(sd / 'vae')
    work = tmp_path / 'prior'
    run_tool(
        'train.py', PRIOR_CFG, '--work-dir', work, '--cfg-options',
        'max_iters=2', 'train_cfg.max_iters=2', 'param_scheduler.0.end=1',
        'param_scheduler.1.begin=1', 'param_scheduler.1.end=2',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'model.autoencoder.pretrained={sd}', f'custom_hooks.0.out_dir={sd}',
        "custom_hooks.1.captions=['red circle and background']",
        'custom_hooks.1.per_caption=1',
        'model.generation.num_inference_steps=2', timeout=300)
    assert (work / 'samples.png').is_file()
    assert json.loads((sd / 'model_index.json').read_text())[
        '_class_name'] == 'StableDiffusionPipeline'
    proc = run_tool(
        'test.py', MASKDIFFUSION_CFG, '--work-dir', tmp_path / 'md',
        '--cfg-options', f'model.autoencoder.pretrained={sd}',
        f'model.denoiser.pretrained={sd}',
        f'model.text_encoder.pretrained={sd}',
        'test_dataloader.dataset.num_images=2',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False', timeout=300)
    summary = json.loads((tmp_path / 'md' / 'test_summary.json').read_text())
    assert 0 <= summary['metrics']['mIoU'] <= 100
    assert 'CaptionedShapesDataset val (2 images)' in proc.stdout
