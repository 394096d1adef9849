"""Local pretrained directories (nothing is ever downloaded) and the
diffusers models built from them or from inline architectures."""
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


def build_diffusers_model(cls, pretrained: Optional[str],
                          config: Optional[dict], subfolder: str, what: str,
                          example: str, random_init: bool = False,
                          **overrides):
    """Build ``cls`` (a diffusers ``ModelMixin``) from a local pretrained
    directory or an inline architecture ``config`` (random init).

    Args:
        cls: the model class, e.g. ``AutoencoderKL``.
        pretrained, config: exactly one of a directory (``subfolder`` inside
            or the model directory itself) and a dict of ``cls`` kwargs.
        subfolder, what, example: see :func:`resolve_pretrained_dir`.
        random_init: build the architecture of ``pretrained`` (its
            ``config.json``) without loading its weights: the control that
            tells what the pretrained weights bring.
        **overrides: kwargs that replace the config's values.
    """
    if (pretrained is None) == (config is None):
        raise ValueError(f'{what}: give exactly one of `pretrained` (a local '
                         'directory) and `config` (an inline architecture)')
    if config is not None:
        if random_init:
            raise ValueError(f'{what}: random_init applies to `pretrained`; '
                             'an inline `config` is always randomly '
                             'initialised')
        return cls(**{**config, **overrides})
    folder = resolve_pretrained_dir(pretrained, subfolder, what, example)
    if random_init:
        return cls.from_config(cls.load_config(folder), **overrides)
    return cls.from_pretrained(folder, local_files_only=True,
                               low_cpu_mem_usage=False, **overrides)
