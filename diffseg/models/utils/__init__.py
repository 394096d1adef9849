from .postprocess import fg_prob_to_samples, stack_gt_masks

__all__ = ['fg_prob_to_samples', 'stack_gt_masks']
