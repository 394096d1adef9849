from .one_step_sampler import OneStepSampler

__all__ = ['OneStepSampler']
