from .compat import install_mmcv_ops_shim, point_sample
from .setup_env import register_all_modules

__all__ = ['install_mmcv_ops_shim', 'point_sample', 'register_all_modules']
