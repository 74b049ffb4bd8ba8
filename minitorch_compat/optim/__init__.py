"""torch.optim (filled in by the nn/optim issue)."""
