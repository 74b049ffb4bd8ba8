"""The quickstart training epoch, timed on torch, on minitorch_compat, and in plain NumPy.

The model, loss and optimizer are the PyTorch quickstart's: Flatten -> Linear(784, 512)
-> ReLU -> Linear(512, 512) -> ReLU -> Linear(512, 10), CrossEntropyLoss, SGD(lr=1e-3),
batch 64, on random FashionMNIST-shaped data. One "epoch" is the loop

    pred = model(X[i:i+64]); loss = loss_fn(pred, y[i:i+64])
    optimizer.zero_grad(); loss.backward(); optimizer.step()

over the data set. The NumPy version (``reference/numpy_quickstart.py``) does the same
arithmetic by hand (forward, the cross-entropy gradient, the three matmul backward
passes, the SGD update): it is the floor any NumPy-based framework can reach, so
``minitorch/numpy`` is our overhead.

Where CUDA is available, torch's epoch is also timed on the GPU (model and data moved
there first), for reference beside the CPU numbers.

Run: ``python -m benchmarks.bench_training`` (``--quick``: fewer samples and repeats;
``--samples N``: data set size, at most 60000; ``--threads N``: limit both torch and
NumPy's BLAS to N threads, which makes numbers on a busy machine far more stable).
"""
import sys

import numpy as np

from reference import numpy_quickstart

from .harness import Row, compare, cuda_device, fmt_time, match_threads, median_time

BATCH = 64


def make_data(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, n).astype(np.int64)
    return X, y


def framework_epoch(torch, X, y, state, device=None):
    """One quickstart epoch on ``torch`` (real torch or minitorch_compat), on ``device``
    (real torch only: ``"cuda"``) when given."""
    nn = torch.nn
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                          nn.Linear(512, 10))
    model.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    if device is not None:
        model.to(device)
        Xt, yt = Xt.to(device), yt.to(device)
    n = len(X)

    def epoch():
        for i in range(0, n, BATCH):
            pred = model(Xt[i:i + BATCH])
            loss = loss_fn(pred, yt[i:i + BATCH])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return loss.item()  # on CUDA this also waits for the queued kernels
    return epoch


def numpy_epoch(X, y, state, lr=1e-3):
    """The same epoch in plain NumPy: ``reference/numpy_quickstart.py``'s step, batch by batch."""
    params = numpy_quickstart.init_params(state)
    n = len(X)

    def epoch():
        for i in range(0, n, BATCH):
            loss = numpy_quickstart.train_step(params, X[i:i + BATCH], y[i:i + BATCH], lr)
        return loss
    return epoch


def initial_state(torch):
    """The quickstart model's initial weights (torch's init, seed 0) as NumPy arrays."""
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 512), torch.nn.ReLU(),
                              torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    return {k: v.detach().numpy().copy() for k, v in ref.state_dict().items()}


def measure(n, repeats):
    """One Row: a quickstart epoch over ``n`` samples, torch vs ours (alternating), the
    NumPy floor, and torch on CUDA where there is a GPU."""
    import torch
    import minitorch_compat
    X, y = make_data(n)
    state = initial_state(torch)
    run_torch = framework_epoch(torch, X, y, state)
    run_ours = framework_epoch(minitorch_compat, X, y, state)
    t_torch, t_ours, t_np = compare(run_torch, run_ours, numpy_epoch(X, y, state), repeats=repeats)
    device = cuda_device()
    t_cuda = median_time(framework_epoch(torch, X, y, state, device), repeats=repeats) if device else None
    return Row(f"quickstart MLP epoch ({n} samples, batch {BATCH})", t_torch, t_ours, 1.0,
               numpy=t_np, cuda=t_cuda, group="training")


def run(quick=False, tiny=False):
    n, repeats = (256, 1) if tiny else (6400, 3) if quick else (60000, 3)
    return [measure(n, repeats)]


def main(argv=()):
    import torch
    quick = "--quick" in argv
    n = 6400 if quick else 19200
    if "--samples" in argv:
        n = min(int(argv[list(argv).index("--samples") + 1]), 60000)
    repeats = 3 if quick else 5
    limiter = None
    if "--threads" in argv:
        n_threads = int(argv[list(argv).index("--threads") + 1])
        torch.set_num_threads(n_threads)
        try:
            from threadpoolctl import threadpool_limits
            limiter = threadpool_limits(n_threads, user_api="blas")
        except ImportError:
            print("threadpoolctl is not installed: NumPy's BLAS thread count is unchanged")
    threads = match_threads()
    row = measure(n, repeats)
    t_torch, t_ours, t_np = row.torch, row.ours, row.numpy
    steps = -(-n // BATCH)
    print(f"quickstart epoch: {n} samples, {steps} steps of batch {BATCH}, threads: {threads}")
    print(f"{'engine':<18} {'epoch':>12} {'per step':>12} {'vs torch':>9}")
    engines = [("torch", t_torch), ("minitorch_compat", t_ours), ("numpy (by hand)", t_np)]
    if row.cuda is not None:
        engines.append(("torch on cuda", row.cuda))
    for name, t in engines:
        print(f"{name:<18} {fmt_time(t):>12} {fmt_time(t / steps):>12} {t / t_torch:9.2f}")
    print(f"ratio minitorch/torch: {t_ours / t_torch:.2f} (target <= 1.00); "
          f"minitorch/numpy: {t_ours / t_np:.2f}; numpy/torch: {t_np / t_torch:.2f}")
    if limiter is not None:
        limiter.restore_original_limits()
    return t_torch, t_ours, t_np


if __name__ == "__main__":
    main(sys.argv[1:])
