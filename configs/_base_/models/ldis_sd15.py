# The Stable Diffusion 1.5 parts both LDIS models build from (arXiv
# 2403.09616): the SD VAE and UNet, a frozen Alpha-CLIP ViT-L/14
# (pre-masking through its alpha channel) on 224 px prompts and one shared
# projection 1024 -> 768 into the UNet's cross-attention. ldis1_sd15.py and
# ldisn_sd15.py add the segmentor type, codec, sampler and their options.
# Local directories, diffusers / transformers layout (nothing downloads):
sd_path = 'checkpoints/stable-diffusion-v1-5'  # holds vae/, unet/, scheduler/
# Alpha-CLIP ViT-L/14 (GRIT-20M), converted from the authors'
# clip_l14_grit20m_fultune_2xe.pth by
#   python tools/model_converters/alpha_clip_to_hf.py \
#       clip_l14_grit20m_fultune_2xe.pth checkpoints/alpha-clip-l14-grit20m
alpha_clip_path = 'checkpoints/alpha-clip-l14-grit20m'
# plain CLIP ViT-L/14, for the rows without pre-masking (Tab. 5)
clip_path = 'checkpoints/clip-vit-large-patch14'
model = dict(
    data_preprocessor=dict(type='InContextDataPreProcessor', size_divisor=8,
                           prompt_size=(224, 224)),
    prompt_encoder=dict(
        type='CLIPPromptEncoder',
        pretrained=alpha_clip_path,
        pre_masking='alpha',
        post_masking=True,
        post_mask_mode='nearest',
        out_dim=768,
        freeze=True),
    autoencoder=dict(type='SDVAE', pretrained=sd_path),
    denoiser=dict(type='DiffusersUNet', pretrained=sd_path))
