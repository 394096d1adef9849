from .multi_step_ldis import MultiStepLDIS
from .one_step_ldis import OneStepLDIS

__all__ = ['MultiStepLDIS', 'OneStepLDIS']
