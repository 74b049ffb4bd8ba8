"""``torch.accelerator``: the device-agnostic accelerator API (torch 2.6+). None here."""


def is_available():
    return False


def current_accelerator(check_available=False):
    return None


def device_count():
    return 0
