from .postprocess import (class_prob_to_sample, fg_prob_to_samples,
                          stack_gt_masks, to_original_size)

__all__ = [
    'class_prob_to_sample', 'fg_prob_to_samples', 'stack_gt_masks',
    'to_original_size'
]
