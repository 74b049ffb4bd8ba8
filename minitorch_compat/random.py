"""The global random state, as in ``torch/random.py``.

torch keeps one process-wide CPU generator, ``torch.default_generator``; the
functions here are thin wrappers around it (torch's versions also forward the seed
to CUDA/MPS/XPU generators, which this CPU-only project does not have).

* ``manual_seed(seed)`` converts with ``int(seed)`` first -- so ``1.7``, ``"3"`` and
  NumPy integers are accepted here although ``Generator.manual_seed`` rejects them --
  then seeds the default generator and returns it.
* ``seed()`` reseeds it from the OS entropy pool and returns the new 64-bit seed.
* ``get_rng_state()`` / ``set_rng_state(t)`` save and restore it as a uint8 tensor in
  torch's byte layout (states move freely between torch and us).
* ``fork_rng()`` saves the state on entry and restores it on exit.

Like torch, the default generator is seeded from the OS at import, so an unseeded
program draws different numbers on every run.
"""
import contextlib

from ._generator import default_generator

__all__ = [
    "set_rng_state",
    "get_rng_state",
    "manual_seed",
    "seed",
    "initial_seed",
    "fork_rng",
    "thread_safe_generator",
]


def set_rng_state(new_state):
    """Restore the default generator from a uint8 tensor made by ``get_rng_state``."""
    default_generator.set_state(new_state)


def get_rng_state():
    """The default generator's state as a uint8 tensor (5056 bytes, torch's layout)."""
    return default_generator.get_state()


def manual_seed(seed):
    """Seed the default generator with ``int(seed)`` and return it.

    Values must lie in [-2**63, 2**64); negative ones are taken mod 2**64.
    """
    return default_generator.manual_seed(int(seed))


def seed():
    """Seed the default generator non-deterministically; return the 64-bit seed used."""
    return default_generator.seed()


def initial_seed():
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type=None):
    """Run a block and then put the default generator back as it was.

    torch also forks the generators of the accelerator ``devices``; there are none
    here, so ``devices`` and ``device_type`` are accepted and ignored (``"meta"``
    skips forking, as in torch).  With ``enabled=False`` nothing is saved.
    """
    if device_type == "meta" or not enabled:
        yield
        return
    saved = default_generator._state_bytes()  # raw bytes: no tensor needed
    try:
        yield
    finally:
        default_generator.set_state(saved)


def thread_safe_generator():
    """The calling DataLoader thread worker's generator, or ``None`` elsewhere.

    torch returns a per-thread ``Generator`` inside thread-based DataLoader workers
    and ``None`` in the main process and process workers (``None`` means "use the
    global generator").
    """
    try:
        from .utils.data import get_worker_info
    except ImportError:
        return None
    info = get_worker_info()
    if info is not None and getattr(info, "worker_method", None) == "thread":
        rng = getattr(info, "rng", None)
        if rng is not None:
            return getattr(rng, "torch_generator", None)
    return None
