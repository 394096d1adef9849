"""UNet feature and attention extractors (FEATURE_EXTRACTORS)."""
