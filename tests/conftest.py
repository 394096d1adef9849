"""Shared test set-up: offline hubs, diffseg's default scope, tiny models."""
import os

os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')

import torch  # noqa: E402

from diffseg.utils import register_all_modules  # noqa: E402

register_all_modules()
torch.set_num_threads(min(2, torch.get_num_threads()))
