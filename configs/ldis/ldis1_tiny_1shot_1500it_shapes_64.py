# The demo: LDIS-1 at toy scale on generated shapes episodes (CPU, minutes).
# Needs the tiny VAE of configs/vae/vae_tiny_300it_shapes_64.py first
# (`make demo` runs both).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/shapes_incontext_64.py',
    '../_base_/models/ldis1_tiny.py',
    '../_base_/schedules/adamw_cosine_1500it.py',
]
