from .weighted_dataset_sampler import WeightedDatasetSampler

__all__ = ['WeightedDatasetSampler']
