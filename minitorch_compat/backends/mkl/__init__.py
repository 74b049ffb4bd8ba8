"""``torch.backends.mkl``: whether torch was built with Intel MKL (BLAS and vector math); not here."""


def is_available():
    return False
