from .one_step_ldis import OneStepLDIS

__all__ = ['OneStepLDIS']
