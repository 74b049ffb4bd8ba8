"""torch's intra-op thread count, and how ``at::parallel_for`` splits work by it.

NumPy does the arithmetic here, so threads never run; the count matters only where
torch's *results* depend on it. One such place: a CPU kernel that is vectorised inside
each chunk of ``parallel_for`` (``arange``) rounds differently at chunk boundaries, so
reproducing its bits needs the same chunks (``ATen/Parallel.h``, ``ParallelOpenMP.h``).

* The default count is ``$OMP_NUM_THREADS`` (or ``$MKL_NUM_THREADS``), else the number
  of physical cores, as in torch; ``set_num_threads`` changes it. The only threads our
  ops do run are NumPy's BLAS library's (matrix products): when ``threadpoolctl`` is
  installed, ``set_num_threads`` also limits that pool to ``n`` threads; without it the
  count is only recorded.
* ``set_num_interop_threads`` (torch's pool for running independent ops concurrently)
  is recorded; as in torch it can be called only once.
* ``parallel_for(0, n, GRAIN_SIZE, f)`` calls ``f`` once on ``[0, n)`` when ``n <
  GRAIN_SIZE``; else it uses ``min(threads, ceil(n / GRAIN_SIZE))`` threads, each taking
  one chunk of ``ceil(n / threads)`` elements.
"""
import os

GRAIN_SIZE = 32768  # at::internal::GRAIN_SIZE

_threads = None
_interop_threads = None


def get_num_threads():
    """The number of threads torch uses for intra-op parallelism."""
    global _threads
    if _threads is None:
        _threads = _default_threads()
    return _threads


def set_num_threads(n, /):
    """Set the intra-op thread count (``n`` >= 1), as ``torch.set_num_threads``."""
    global _threads
    _threads = _positive("set_num_threads", n)
    try:
        import threadpoolctl
    except ImportError:
        return
    threadpoolctl.threadpool_limits(limits=_threads, user_api="blas")


def get_num_interop_threads():
    return _interop_threads or get_num_threads()


def set_num_interop_threads(n, /):
    global _interop_threads
    n = _positive("set_num_interop_threads", n)
    if _interop_threads is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has started "
                           "or set_num_interop_threads called")
    _interop_threads = n


def _positive(fn, n):
    """torch's check of its one int argument: ints (NumPy's too), never bools or floats."""
    if isinstance(n, bool) or not hasattr(n, "__index__") or hasattr(n, "_data"):
        raise RuntimeError(f"{fn} expects an int, but got {type(n).__name__}")
    if n.__index__() <= 0:
        raise RuntimeError(f"{fn} expects a positive integer")
    return n.__index__()


def _default_threads():
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var, "").isdigit() and int(os.environ[var]) > 0:
            return int(os.environ[var])
    cores = set()
    for cpu in range(os.cpu_count() or 1):
        try:
            with open(f"/sys/devices/system/cpu/cpu{cpu}/topology/core_id") as f:
                core = f.read().strip()
            with open(f"/sys/devices/system/cpu/cpu{cpu}/topology/physical_package_id") as f:
                cores.add((f.read().strip(), core))
        except OSError:
            return os.cpu_count() or 1
    return len(cores) or 1


def parallel_chunks(n):
    """The ``[begin, end)`` ranges ``at::parallel_for(0, n, GRAIN_SIZE, f)`` hands to ``f``."""
    if n < GRAIN_SIZE or get_num_threads() == 1:
        return [(0, n)]
    threads = min(get_num_threads(), -(-n // GRAIN_SIZE))
    chunk = -(-n // threads)
    return [(b, min(n, b + chunk)) for b in range(0, n, chunk)]
