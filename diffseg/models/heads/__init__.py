"""Training-free segmentation heads (HEADS)."""
