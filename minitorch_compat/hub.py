"""``torch.hub``'s checkpoint cache: ``load_state_dict_from_url`` and friends.

What torch does: pretrained weights live at a URL; ``load_state_dict_from_url`` keeps a
copy under ``$TORCH_HOME/hub/checkpoints`` (``TORCH_HOME`` defaults to
``$XDG_CACHE_HOME/torch``, else ``~/.cache/torch``). If the file is missing it prints
``Downloading: "<url>" to <path>`` on stdout, streams the URL into a ``.partial`` file
beside the target (checking, with ``check_hash``, that the SHA-256 digest starts with
the hex run between the last ``-`` and the ``.`` of the file name), moves it into place,
and finally ``torch.load``\\ s it. Without network access the ``urlopen`` call raises
``urllib.error.URLError``, and that is the error a user sees.

How we do it: the same steps with the standard library, and our ``load`` for the
checkpoint (torch's zip format). torchvision's ``weights=...`` goes through here.

Where we differ: no progress bar, no ``hub.load`` of GitHub repositories, and the legacy
(pre-1.6) zipped checkpoints are not read.
"""
import hashlib
import os
import re
import shutil
import sys
import uuid
from urllib.parse import urlparse
from urllib.request import Request, urlopen

__all__ = ["get_dir", "set_dir", "download_url_to_file", "load_state_dict_from_url"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_hub_dir = None


def _get_torch_home():
    return os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(os.getenv("XDG_CACHE_HOME", "~/.cache"), "torch")))


def get_dir():
    """The hub cache directory: ``set_dir``'s value, else ``$TORCH_HOME/hub``."""
    return _hub_dir if _hub_dir is not None else os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Stream ``url`` into ``dst`` through a temporary ``.partial`` file, checking the hash."""
    dst = os.path.expanduser(dst)
    tmp = f"{dst}.{uuid.uuid4().hex}.partial"
    try:
        with open(tmp, "w+b") as f, urlopen(Request(url, headers={"User-Agent": "torch.hub"})) as u:
            sha256 = hashlib.sha256()
            for chunk in iter(lambda: u.read(8192), b""):
                f.write(chunk)
                sha256.update(chunk)
        if hash_prefix is not None:
            digest = sha256.hexdigest()
            if digest[:len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
        shutil.move(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False, file_name=None,
                             weights_only=False):
    """The checkpoint at ``url``, from the cache when it is there (see the module docstring)."""
    from .serialization import load
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        match = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached_file, match.group(1) if match else None, progress=progress)
    return load(cached_file, map_location=map_location, weights_only=weights_only)
