"""Peak and held memory: a training epoch, loading a checkpoint, a loop that keeps its losses.

Each measurement runs in a fresh Python process per engine (torch, minitorch_compat, and
where there is one a hand-written NumPy floor) that imports only what it needs (the
minitorch_compat process never imports torch; the NumPy one imports neither), so the
numbers do not mix. Memory is the resident set size: ``resource.getrusage`` for the
process's peak (``ru_maxrss``), ``/proc/self/statm`` for what it holds now. Both count
every allocation -- NumPy's, torch's own allocator's, the interpreter's (``tracemalloc``
would see NumPy's arrays but not torch's tensors). Reported:

* training epoch, growth: the peak minus the resident size once the engine is imported
  and the data set made (what the model, the optimizer and one quickstart epoch add). For
  torch this is mostly one-time initialisation on its first ops (library pages, thread
  pools, its allocator's caches): ~180 MB, where a second epoch in the same process adds
  ~3 MB; and the whole process's peak, imports and the data set included.
* checkpoint load, growth: the peak while loading a checkpoint of a few hundred MB
  (``write_checkpoint``: float32 tensors like a model's state_dict, one of them half the
  file, written by ``minitorch_compat.save``) minus the resident size before. Reading each storage once
  into its final array costs the file's size; the NumPy floor is ``np.fromfile`` of the
  whole file. The target, 1.3 times torch, is the issue's "at most 1.3 times the file"
  goal, as torch also reads each byte once.
* kept losses, growth: a training step (an MLP with Dropout, cross-entropy, SGD) run
  2,000 times with ``losses.append(loss)`` keeping every loss tensor, and so every graph,
  alive: the resident size after the loop minus before it (after a few warm-up steps),
  BLAS and torch on one thread.
  After ``backward()`` without ``retain_graph`` a graph should hold no saved tensors, so
  this is what each kept graph still holds, times 2,000.
* randn, growth: ``randn(1e8)`` (float32, 381 MiB) in a fresh process, the output
  included -- torch needs just the output. The target, 3 times torch, is the issue's
  "the output plus at most one output-sized float64 buffer".
* std, growth: ``x.std()`` of 1e8 float32 values: torch reduces without any copy; ours
  works in float64 one slice at a time (a few MiB).

Run: ``python -m benchmarks.bench_memory [--quick]``.
"""
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile

import numpy as np

from .harness import Row, print_table

ENGINES = ("torch", "minitorch_compat", "numpy")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


# ---- what each child process measures -----------------------------------------------------
def epoch_here(engine, samples):
    """Train one quickstart epoch with ``engine``; growth and peak in bytes."""
    from .bench_training import framework_epoch, make_data, numpy_epoch
    lib = None if engine == "numpy" else __import__(engine)
    X, y = make_data(samples)
    state = _numpy_state()
    before = _rss_now()  # imports and data in; model, optimizer and training not yet
    epoch = numpy_epoch(X, y, state) if lib is None else framework_epoch(lib, X, y, state)
    epoch()
    peak = _rss_peak()
    return {"growth": max(0, peak - before), "peak": peak}


def load_here(engine, path):
    """Load the checkpoint at ``path``; peak growth in bytes."""
    lib = None if engine == "numpy" else __import__(engine)
    before = _rss_now()
    obj = np.fromfile(path, dtype=np.uint8) if lib is None else lib.load(path, weights_only=True)
    growth = _rss_peak() - before
    assert obj is not None
    return {"growth": max(0, growth)}


def kept_losses_here(engine, steps, warmup=20):
    """Run ``steps`` training steps keeping every loss; how much more memory is held after."""
    lib = __import__(engine)
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 10))
    optimizer = lib.optim.SGD(model.parameters(), lr=1e-2)
    rng = np.random.default_rng(0)
    X = lib.from_numpy(rng.standard_normal((64, 1, 28, 28), dtype=np.float32))
    y = lib.from_numpy(rng.integers(0, 10, 64))
    losses = []

    def step():
        loss = nn.functional.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss)

    for _ in range(warmup):
        step()
    gc.collect()
    before = _rss_now()
    for _ in range(steps):
        step()
    gc.collect()
    return {"growth": max(0, _rss_now() - before)}


def randn_here(engine, n):
    """``randn(n)`` (float32), after a small warm-up draw; peak growth in bytes (the output
    included)."""
    lib = __import__(engine)
    lib.manual_seed(0)
    lib.randn(1000)
    before = _rss_now()
    x = lib.randn(n)
    growth = _rss_peak() - before
    assert x.shape == (n,)
    return {"growth": max(0, growth)}


def std_here(engine, n):
    """``x.std()`` of ``n`` float32 normals (made by NumPy in place); peak growth in bytes."""
    lib = __import__(engine)
    x = lib.from_numpy(np.random.default_rng(0).standard_normal(n, dtype=np.float32))
    lib.from_numpy(np.ones(1000, np.float32)).std()  # warm-up
    before = _rss_now()
    s = x.std()
    growth = _rss_peak() - before
    assert s.item() > 0
    return {"growth": max(0, growth)}


TASKS = {"epoch": epoch_here, "load": load_here, "kept": kept_losses_here, "randn": randn_here, "std": std_here}


# Only memory is measured; one thread each keeps the kept-losses loop quick on a busy machine.
SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def measure(task, engine, arg):
    """Run ``TASKS[task](engine, arg)`` in a fresh interpreter."""
    env = dict(os.environ, **(SINGLE_THREAD_ENV if task == "kept" else {}))
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_memory", "--child", task, engine, str(arg)],
                         capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- the report ---------------------------------------------------------------------------
def write_checkpoint(path, megabytes):
    """A state_dict-like checkpoint of about ``megabytes`` MB of float32: 8 MB weights, each
    with a small bias, then one tensor of half the size (an output embedding). A loader that
    reads a record through a temporary buffer holds that last one twice, on top of the rest."""
    import minitorch_compat as mt
    sizes = [8] * ((megabytes - megabytes // 2) // 8) + [megabytes // 2]  # the big one last: loaded last
    state = {}
    for i, mb in enumerate(sizes):
        state[f"layer{i}.weight"] = mt.from_numpy(np.full((mb << 20) // 4, i, dtype=np.float32))
        state[f"layer{i}.bias"] = mt.zeros(64)
    mt.save(state, path)
    return os.path.getsize(path)


def run(quick=False, tiny=False):
    samples = 256 if tiny else 6400 if quick else 60000
    megabytes = 8 if tiny else 96 if quick else 320
    steps = 300 if tiny else 500 if quick else 2000
    epoch = {engine: measure("epoch", engine, samples) for engine in ENGINES}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "checkpoint.pt")
        size = write_checkpoint(path, megabytes)
        load = {engine: measure("load", engine, path)["growth"] for engine in ENGINES}
    kept = {engine: measure("kept", engine, steps)["growth"] for engine in ENGINES[:2]}
    rows = [Row(label, epoch["torch"][key], epoch["minitorch_compat"][key], numpy=epoch["numpy"][key],
                group="memory", unit="bytes")
            for key, label in (("growth", f"training epoch: peak RSS growth ({samples} samples)"),
                               ("peak", "training epoch: process peak RSS (all included)"))]
    rows.append(Row(f"checkpoint load ({size / 2**20:.0f} MB file): peak RSS growth", load["torch"],
                    load["minitorch_compat"], target=1.3, numpy=load["numpy"], group="memory", unit="bytes"))
    rows.append(Row(f"{steps} steps keeping every loss: RSS growth", kept["torch"], kept["minitorch_compat"],
                    group="memory", unit="bytes"))
    n = 10 ** 6 if tiny else 2 * 10 ** 7 if quick else 10 ** 8
    for task, label, target in (("randn", f"randn({n:.0e}) float32: peak RSS growth", 3.0),
                                ("std", f"std() of {n:.0e} float32: peak RSS growth", None)):
        torch_b, ours_b = (measure(task, engine, n)["growth"] for engine in ENGINES[:2])
        rows.append(Row(label, torch_b, ours_b, target=target, group="memory", unit="bytes"))
    return rows


def main(argv):
    if "--child" in argv:  # one measurement, in this fresh process
        task, engine, arg = argv[argv.index("--child") + 1:][:3]
        print(json.dumps(TASKS[task](engine, arg if task == "load" else int(arg))))
        return
    print_table(run(quick="--quick" in argv))


if __name__ == "__main__":
    main(sys.argv[1:])
