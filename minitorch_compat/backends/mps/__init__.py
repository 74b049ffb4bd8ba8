"""``torch.backends.mps``: Apple GPUs; never available here."""


def is_available():
    return False


def is_built():
    return False
