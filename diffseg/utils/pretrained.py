"""Resolution of local pretrained directories (nothing is ever downloaded)."""
import os.path as osp
from typing import Optional


def resolve_pretrained_dir(path: str, subfolder: Optional[str], what: str,
                           example: str,
                           config_name: str = 'config.json') -> str:
    """Return the directory holding ``config_name`` for ``what``.

    ``config_name`` is ``config.json`` for models and
    ``scheduler_config.json`` for diffusers schedulers.

    ``path`` is either that directory or a pipeline directory with
    ``subfolder`` in it (diffusers layout: ``vae/``, ``unet/``).

    Raises:
        FileNotFoundError: naming the path, what to place there and an example.
    """
    candidates = [osp.join(path, subfolder)] if subfolder else []
    candidates.append(path)
    for candidate in candidates:
        if osp.isfile(osp.join(candidate, config_name)):
            return candidate
    where = (f"'{osp.join(path, subfolder)}' or '{path}'"
             if subfolder else f"'{path}'")
    raise FileNotFoundError(
        f'{what} weights not found: no {config_name} in {where}. Place a '
        f'model saved with save_pretrained there ({config_name} + weights), '
        f'e.g. {example}; diffseg never downloads weights.')
