from .diffusers_unet import DiffusersUNet

__all__ = ['DiffusersUNet']
