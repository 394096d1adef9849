# The control of maskdiffusion-spectral-codebook_tiny-sd_captioned-shapes_64.py:
# the prior's UNet and text encoder at random initialisation (same
# architectures, seeded), its own codebook fitted by
#   python tools/analysis_tools/fit_cluster_codebook.py THIS_CONFIG \
#       --num-clusters 10 --num-images 200 \
#       --out work_dirs/codebooks/tiny-sd-random.pth \
#       --cfg-options test_dataloader.dataset.split=train
_base_ = ['./maskdiffusion-spectral-codebook_tiny-sd_captioned-shapes_64.py']
model = dict(
    denoiser=dict(random_init=True),
    text_encoder=dict(
        _delete_=True,
        type='CLIPTextEncoder',
        config={{_base_.tiny_sd_text_encoder}},
        prefix='',
        separator=' and '),
    head=dict(codebook='work_dirs/codebooks/tiny-sd-random.pth'))
