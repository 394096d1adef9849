"""diffseg: segmentation with latent diffusion models."""
from .utils import compat  # noqa: F401  (must run before anything imports mmseg)
from .version import __version__

__all__ = ['__version__']
