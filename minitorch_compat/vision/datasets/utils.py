"""``torchvision.datasets.utils``: checksums, argument checks and fetching files.

Datasets ship with the MD5 of each file, and torchvision refuses files whose checksum is
wrong ("Dataset not found or corrupted"); :func:`check_integrity` is that test. Fetching
uses the standard library only and works when the network is reachable; in this
project's tests it never is, so datasets are built from small files written locally.
"""
import hashlib
import os
import urllib.request

__all__ = ["calculate_md5", "check_md5", "check_integrity", "iterable_to_str", "verify_str_arg", "fetch"]


def calculate_md5(fpath, chunk_size=1024 * 1024):
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """True if ``fpath`` is a file and (when ``md5`` is given) has that checksum."""
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


def iterable_to_str(iterable):
    return "'" + "', '".join(str(item) for item in iterable) + "'"


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """``value`` if it is a string among ``valid_values``, else torchvision's ``ValueError``."""
    if not isinstance(value, str):
        where = "" if arg is None else f" for argument {arg}"
        raise ValueError(f"Expected type str{where}, but got type {type(value)}.")
    if valid_values is not None and value not in valid_values:
        raise ValueError(custom_msg or f"Unknown value '{value}' for argument {arg}. "
                                       f"Valid values are {{{iterable_to_str(valid_values)}}}.")
    return value


def fetch(url, path, md5=None, timeout=30):
    """Download ``url`` to ``path`` (checking ``md5``); a ``RuntimeError`` saying why if we cannot."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            payload = response.read()
    except OSError as e:  # URLError is an OSError
        raise RuntimeError(f"could not download {url}: {getattr(e, 'reason', e)}") from None
    if md5 is not None and hashlib.md5(payload, usedforsecurity=False).hexdigest() != md5:
        raise RuntimeError(f"could not download {url}: md5 mismatch")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(payload)
    return path
