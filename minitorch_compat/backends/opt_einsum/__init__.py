"""``torch.backends.opt_einsum``: the ``opt_einsum`` package, which torch uses to order the
contractions of a long ``einsum``. Not used here (NumPy's ``einsum`` orders its own), so it
reads as torch does when the package is not installed."""

enabled = False
strategy = None


def is_available():
    return False


def get_opt_einsum():
    return None
