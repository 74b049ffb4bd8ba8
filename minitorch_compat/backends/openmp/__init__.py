"""``torch.backends.openmp``: whether torch was built with OpenMP (its intra-op thread pool); not here."""


def is_available():
    return False
