from . import checkpoint_loader  # noqa: F401  (clear checkpoint errors)
from .hooks import *  # noqa: F401,F403
from .optim_wrappers import *  # noqa: F401,F403
from .runner import *  # noqa: F401,F403
