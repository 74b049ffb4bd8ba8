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

Run: ``python -m benchmarks.bench_training`` (``--quick``: 6400 samples instead of
60000); ``python -m benchmarks.run --only training --threads 1`` for single-threaded
numbers, far more stable on a busy machine.
"""
import sys

import numpy as np

from reference import numpy_quickstart

from .harness import Row, compare, cuda_device, median_time, run_and_print

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


def main(quick=False):
    return run_and_print(run, quick)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
