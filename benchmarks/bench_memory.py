"""Peak memory of a training run: the quickstart MLP epoch, one engine per process.

Each engine (torch, minitorch_compat, the hand-written NumPy floor) trains in a fresh
Python process that imports only what it needs (the minitorch_compat process never
imports torch; the NumPy one imports neither), so the numbers do not mix. The measure is
``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the process's peak resident set size,
which counts every allocation -- NumPy's, torch's own allocator's, the interpreter's
(``tracemalloc`` would see NumPy's arrays but not torch's tensors). Reported:

* growth: the peak minus the resident size once the engine is imported and the data set
  made (what the model, the optimizer and one training epoch add). For torch this is
  mostly one-time initialisation on its first ops (library pages, thread pools, its
  allocator's caches): ~180 MB, where a second epoch in the same process adds ~3 MB;
* peak: the whole process's peak, imports and the data set included.

Run: ``python -m benchmarks.bench_memory [--quick]``.
"""
import json
import os
import resource
import subprocess
import sys

import numpy as np

from .harness import Row, print_table

ENGINES = ("torch", "minitorch_compat", "numpy")


def _rss_now():
    """Current resident set size in bytes (Linux: /proc; elsewhere: the peak so far)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return _rss_peak()


def _rss_peak():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere


def _numpy_state(seed=0):
    """Initial weights for the quickstart model, made with NumPy (no engine needed)."""
    rng = np.random.default_rng(seed)
    state = {}
    for i, (n_in, n_out) in zip((1, 3, 5), ((784, 512), (512, 512), (512, 10))):
        bound = np.float32(1 / np.sqrt(n_in))
        state[f"{i}.weight"] = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
        state[f"{i}.bias"] = rng.uniform(-bound, bound, n_out).astype(np.float32)
    return state


def measure_here(engine, samples):
    """Train one epoch with ``engine`` in this process; return growth and peak in bytes."""
    from .bench_training import framework_epoch, make_data, numpy_epoch
    lib = None if engine == "numpy" else __import__(engine)
    X, y = make_data(samples)
    state = _numpy_state()
    before = _rss_now()  # imports and data in; model, optimizer and training not yet
    epoch = numpy_epoch(X, y, state) if lib is None else framework_epoch(lib, X, y, state)
    epoch()
    peak = _rss_peak()
    return {"growth": max(0, peak - before), "peak": peak}


def measure(engine, samples):
    """Run ``measure_here`` in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_memory", "--engine", engine,
                          "--samples", str(samples)], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick=False, tiny=False):
    samples = 256 if tiny else 6400 if quick else 60000
    results = {engine: measure(engine, samples) for engine in ENGINES}
    labels = {"growth": f"training epoch: peak RSS growth ({samples} samples)",
              "peak": "training epoch: process peak RSS (all included)"}
    return [Row(label, results["torch"][key], results["minitorch_compat"][key], numpy=results["numpy"][key],
                group="memory", unit="bytes")
            for key, label in labels.items()]


def main(argv):
    if "--engine" in argv:  # the child process
        engine = argv[argv.index("--engine") + 1]
        samples = int(argv[argv.index("--samples") + 1])
        print(json.dumps(measure_here(engine, samples)))
        return
    print_table(run(quick="--quick" in argv))


if __name__ == "__main__":
    main(sys.argv[1:])
