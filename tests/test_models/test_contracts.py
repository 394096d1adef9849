"""Every component implements its registry's base, and the top-level
models read only what the bases declare."""
import inspect
import os.path as osp
import re

import pytest

import diffseg.models
from diffseg.models.autoencoders import BaseAutoencoder
from diffseg.models.denoisers import BaseDenoiser
from diffseg.models.feature_extractors import BaseFeatureExtractor
from diffseg.models.guidance import BaseGuidance
from diffseg.models.heads import BaseHead
from diffseg.models.id_codecs import BaseIdCodec
from diffseg.models.image_encoders import BaseImageEncoder
from diffseg.models.mask_codecs import BaseMaskCodec
from diffseg.models.prompt_encoders import BasePromptEncoder
from diffseg.models.samplers import BaseSampler
from diffseg.models.tasks import BaseTask
from diffseg.registry import (AUTOENCODERS, DENOISERS, FEATURE_EXTRACTORS,
                              GUIDANCE, HEADS, ID_CODECS, IMAGE_ENCODERS,
                              MASK_CODECS, PROMPT_ENCODERS, SAMPLERS, TASKS)

BASES = [(PROMPT_ENCODERS, BasePromptEncoder), (AUTOENCODERS, BaseAutoencoder),
         (DENOISERS, BaseDenoiser), (SAMPLERS, BaseSampler),
         (GUIDANCE, BaseGuidance), (MASK_CODECS, BaseMaskCodec),
         (ID_CODECS, BaseIdCodec), (IMAGE_ENCODERS, BaseImageEncoder),
         (FEATURE_EXTRACTORS, BaseFeatureExtractor), (HEADS, BaseHead),
         (TASKS, BaseTask)]
MODELS_DIR = osp.dirname(diffseg.models.__file__)


@pytest.mark.parametrize('registry,base', BASES,
                         ids=[r.name for r, _ in BASES])
def test_every_registered_component_implements_its_base(registry, base):
    registry.import_from_location()
    assert registry.module_dict, f'{registry.name} is empty'
    for name, cls in registry.module_dict.items():
        assert issubclass(cls, base), f'{name} is no {base.__name__}'
        left = sorted(getattr(cls, '__abstractmethods__', ()))
        assert not inspect.isabstract(cls), f'{name} leaves {left} abstract'


# what each top-level model (and task) calls a component, and its base
LDIS = dict(prompt_encoder=BasePromptEncoder, autoencoder=BaseAutoencoder,
            denoiser=BaseDenoiser, sampler=BaseSampler,
            mask_codec=BaseMaskCodec)
READERS = {
    'segmentors/ldis_base.py': LDIS,
    'segmentors/one_step_ldis.py': LDIS,
    'segmentors/multi_step_ldis.py': LDIS,
    'segmentors/ldmseg.py': dict(
        image_encoder=BaseImageEncoder, mask_autoencoder=BaseAutoencoder,
        denoiser=BaseDenoiser, sampler=BaseSampler, mask_codec=BaseIdCodec,
        task=BaseTask),
    'segmentors/maskdiffusion.py': dict(
        autoencoder=BaseAutoencoder, denoiser=BaseDenoiser,
        feature_extractor=BaseFeatureExtractor, head=BaseHead),
    'pretrainers/vae_pretrainer.py': dict(autoencoder=BaseAutoencoder,
                                          mask_codec=BaseMaskCodec),
    'pretrainers/mask_ae_pretrainer.py': dict(autoencoder=BaseAutoencoder,
                                              mask_codec=BaseIdCodec),
    'pretrainers/text_to_image_ldm.py': dict(autoencoder=BaseAutoencoder,
                                             denoiser=BaseDenoiser),
    'segmentors/pixel_clustering.py': dict(head=BaseHead),
    'tasks/id_map_task.py': dict(autoencoder=BaseAutoencoder,
                                 codec=BaseIdCodec),
    'tasks/semantic_task.py': dict(autoencoder=BaseAutoencoder,
                                   codec=BaseIdCodec),
    'tasks/panoptic_task.py': dict(autoencoder=BaseAutoencoder,
                                   codec=BaseIdCodec),
    'tasks/depth_task.py': dict(autoencoder=BaseAutoencoder),
}


@pytest.mark.parametrize('path', sorted(READERS))
def test_models_read_only_declared_members(path):
    with open(osp.join(MODELS_DIR, path)) as f:
        source = f.read()
    read = set()
    for component, base in READERS[path].items():
        pattern = rf'(?:self\.|\b(?<!\.)){component}\.(\w+)'
        for member in re.findall(pattern, source):
            read.add(member)
            assert hasattr(base, member), (
                f'{path} reads {component}.{member}, which '
                f'{base.__name__} does not declare')
    assert read, f'{path} reads none of its components'
