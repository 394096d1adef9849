from .autoencoders import *  # noqa: F401,F403
from .data_preprocessors import *  # noqa: F401,F403
from .denoisers import *  # noqa: F401,F403
from .mask_codecs import *  # noqa: F401,F403
from .noise_schedulers import *  # noqa: F401,F403
from .prompt_encoders import *  # noqa: F401,F403
from .samplers import *  # noqa: F401,F403
from .segmentors import *  # noqa: F401,F403
