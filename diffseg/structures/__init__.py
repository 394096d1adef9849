from .incontext_data_sample import InContextDataSample

__all__ = ['InContextDataSample']
