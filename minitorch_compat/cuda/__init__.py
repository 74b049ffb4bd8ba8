"""``torch.cuda`` on a machine without CUDA: everything answers "not available".

Seeding functions are accepted silently (torch's CPU-only builds do the same: CUDA
seeding is lazy), so the usual ``fix_seed`` helpers run unchanged.
"""


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def manual_seed(seed):
    pass


def manual_seed_all(seed):
    pass


def seed():
    pass


def seed_all():
    pass


def synchronize(device=None):
    raise AssertionError("Torch not compiled with CUDA enabled")


def empty_cache():
    pass


def current_device():
    raise AssertionError("Torch not compiled with CUDA enabled")


def get_device_name(device=None):
    raise AssertionError("Torch not compiled with CUDA enabled")


def set_device(device):
    raise AssertionError("Torch not compiled with CUDA enabled")


def memory_allocated(device=None):
    return 0


def max_memory_allocated(device=None):
    return 0
