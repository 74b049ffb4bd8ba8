"""torch.nn (filled in by the nn issue)."""
