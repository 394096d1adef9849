# The paper's noisy LDIS-1 input z_t = sqrt(a_t) z_q + sqrt(1 - a_t) eps
# instead of the reference code's clean latent (t = 0), here at t = 500 of
# the SD 1.5 schedule.
# the ablation recipe: ldis1_sd15_1shot_160k_coco-ablation_256.py
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/coco_ablation_256.py',
    '../_base_/models/ldis1_sd15.py',
    '../_base_/schedules/adamw_warmup_constant_160k.py',
]
model = dict(
    input_timestep=500,
    noise_scheduler=dict(type='DDPMScheduler',
                         pretrained='checkpoints/stable-diffusion-v1-5'))
