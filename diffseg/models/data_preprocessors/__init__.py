from .incontext_data_preprocessor import InContextDataPreProcessor

__all__ = ['InContextDataPreProcessor']
