"""DataLoader epochs, ours vs torch, timed in one process.

Run: ``python -m benchmarks.bench_dataloader [--repeats N]``

Each case builds the same data for both libraries, then times whole epochs, alternating
ours and torch's run by run (so drifts in machine load hit both alike), and reports the
median of each and the ratio ours/torch (below 1 means we are faster).

Cases:
* TensorDataset, 60,000 x 784 float32 + int64 labels, batch 64, shuffle: the in-memory
  case, where our TensorDataset gathers each batch with one NumPy fancy-index.
* A per-sample Python dataset (NumPy rows + int labels, no ``__getitems__``), batch 64,
  shuffle: both libraries call ``__getitem__`` per sample and collate.
* The TensorDataset case with ``num_workers=2`` (worker start-up included).
"""
import argparse
import statistics
import time
import warnings

import numpy as np


class RowsDataset:
    """Per-sample access to NumPy rows: ``(row, label)``."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], int(self.y[i])


def _epoch(loader):
    n = 0
    for batch in loader:
        n += 1
    return n


def _cases(x, y, small_x, small_y):
    import torch

    import minitorch_compat as mt

    def tensor_loader(lib, n_rows, **kwargs):
        ds = lib.utils.data.TensorDataset(lib.from_numpy(x[:n_rows]), lib.from_numpy(y[:n_rows]))
        return lambda: lib.utils.data.DataLoader(ds, batch_size=64, shuffle=True, **kwargs)

    def rows_loader(lib):
        ds = RowsDataset(small_x, small_y)
        return lambda: lib.utils.data.DataLoader(ds, batch_size=64, shuffle=True)

    return [
        ("TensorDataset 60000x784 f32, bs 64, shuffle", tensor_loader(mt, len(x)), tensor_loader(torch, len(x))),
        (f"Python per-sample dataset {len(small_x)}x784, bs 64", rows_loader(mt), rows_loader(torch)),
        ("TensorDataset 60000x784, bs 64, num_workers=2",
         tensor_loader(mt, len(x), num_workers=2), tensor_loader(torch, len(x), num_workers=2)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import torch

    import minitorch_compat as mt

    rng = np.random.default_rng(0)
    x = rng.standard_normal((60000, 784), dtype=np.float32)
    y = rng.integers(0, 10, 60000)
    small_x, small_y = x[:10000], y[:10000]
    mt.manual_seed(0)
    torch.manual_seed(0)
    warnings.simplefilter("ignore")  # the too-many-workers warning on small machines

    print(f"{'case':<50} {'ours (s)':>10} {'torch (s)':>10} {'ours/torch':>11}")
    for name, make_ours, make_theirs in _cases(x, y, small_x, small_y):
        times = {"ours": [], "torch": []}
        _epoch(make_ours())  # warm-up: first-touch page faults, imports
        _epoch(make_theirs())
        for _ in range(args.repeats):
            for label, make in (("ours", make_ours), ("torch", make_theirs)):
                loader = make()
                start = time.perf_counter()
                _epoch(loader)
                times[label].append(time.perf_counter() - start)
        ours, theirs = statistics.median(times["ours"]), statistics.median(times["torch"])
        print(f"{name:<50} {ours:>10.3f} {theirs:>10.3f} {ours / theirs:>11.2f}")


if __name__ == "__main__":
    main()
