"""All diffseg registries.

Children of mmengine's root registries build everything a Runner needs with
``default_scope='diffseg'``; the domain registries hold one pluggable kind each.
Every registry names the modules that fill it (``locations``), so a config
builds without calling ``register_all_modules`` first.
"""
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import Registry

# mmengine concepts
MODELS = Registry('model', parent=MMENGINE_MODELS,
                  locations=['diffseg.models'])
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS,
                    locations=['diffseg.datasets'])
DATA_SAMPLERS = Registry('data sampler', parent=MMENGINE_DATA_SAMPLERS,
                         locations=['diffseg.datasets'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS,
                      locations=['diffseg.datasets.transforms'])
METRICS = Registry('metric', parent=MMENGINE_METRICS,
                   locations=['diffseg.evaluation'])
HOOKS = Registry('hook', parent=MMENGINE_HOOKS,
                 locations=['diffseg.engine.hooks'])
VISUALIZERS = Registry('visualizer', parent=MMENGINE_VISUALIZERS,
                       locations=['diffseg.visualization'])
VISBACKENDS = Registry('vis_backend', parent=MMENGINE_VISBACKENDS,
                       locations=['diffseg.visualization'])
LOOPS = Registry('loop', parent=MMENGINE_LOOPS, locations=['diffseg.engine'])
OPTIM_WRAPPERS = Registry('optim wrapper', parent=MMENGINE_OPTIM_WRAPPERS,
                          locations=['diffseg.engine'])
PARAM_SCHEDULERS = Registry('param scheduler',
                            parent=MMENGINE_PARAM_SCHEDULERS,
                            locations=['diffseg.engine'])

# domain registries: one pluggable kind each. They are roots of their own
# (mmengine keys a registry's children by scope, so they cannot all be children
# of MODELS); out-of-tree components register into them directly.
PROMPT_ENCODERS = Registry('prompt encoder', scope='diffseg',
                           locations=['diffseg.models.prompt_encoders'])
MASK_CODECS = Registry('mask codec', scope='diffseg',
                       locations=['diffseg.models.mask_codecs'])
ID_CODECS = Registry('id codec', scope='diffseg',
                     locations=['diffseg.models.id_codecs'])
AUTOENCODERS = Registry('autoencoder', scope='diffseg',
                        locations=['diffseg.models.autoencoders'])
DENOISERS = Registry('denoiser', scope='diffseg',
                     locations=['diffseg.models.denoisers'])
SAMPLERS = Registry('sampler', scope='diffseg',
                    locations=['diffseg.models.samplers'])
GUIDANCE = Registry('guidance', scope='diffseg',
                    locations=['diffseg.models.guidance'])
TASKS = Registry('task', scope='diffseg', locations=['diffseg.models.tasks'])
FEATURE_EXTRACTORS = Registry('feature extractor', scope='diffseg',
                              locations=['diffseg.models.feature_extractors'])
HEADS = Registry('head', scope='diffseg', locations=['diffseg.models.heads'])
NOISE_SCHEDULERS = Registry('noise scheduler', scope='diffseg',
                            locations=['diffseg.models.noise_schedulers'])
IMAGE_ENCODERS = Registry('image encoder', scope='diffseg',
                          locations=['diffseg.models.image_encoders'])
