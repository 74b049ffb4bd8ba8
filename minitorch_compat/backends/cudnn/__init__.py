"""``torch.backends.cudnn``: the deterministic/benchmark flags scripts set for reproducibility.

There is no cuDNN here; the flags are stored so that reading them back gives what was set.
"""
enabled = True
deterministic = False
benchmark = False
allow_tf32 = True


def is_available():
    return False


def version():
    return None
