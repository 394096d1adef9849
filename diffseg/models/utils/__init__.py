from .panoptic_postprocess import panoptic_postprocess
from .postprocess import (class_prob_to_sample, fg_logits_to_samples,
                          stack_gt_masks, to_original_size)

__all__ = [
    'class_prob_to_sample', 'fg_logits_to_samples', 'panoptic_postprocess',
    'stack_gt_masks', 'to_original_size'
]
