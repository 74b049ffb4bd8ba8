"""DataLoader epochs, ours vs torch, timed in one process.

Run: ``python -m benchmarks.bench_dataloader [--quick]``

Each case builds the same data for both libraries, then times whole epochs, alternating
torch's and ours run by run (so drifts in machine load hit both alike), and reports the
median of each and the ratio ours/torch (below 1 means we are faster).

Cases:
* TensorDataset, 60,000 x 784 float32 + int64 labels, batch 64, shuffle: the in-memory
  case, where our TensorDataset gathers each batch with one NumPy fancy-index.
* A per-sample Python dataset (NumPy rows + int labels, no ``__getitems__``), batch 64,
  shuffle: both libraries call ``__getitem__`` per sample and collate.
* The TensorDataset case with ``num_workers=2`` (worker start-up included).
"""
import sys
import warnings

import numpy as np

from .harness import Row, compare, run_and_print


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
    """(label, target, make ours, make torch): each ``make`` returns a fresh DataLoader."""
    import torch

    import minitorch_compat as mt

    def tensor_loader(lib, **kwargs):
        ds = lib.utils.data.TensorDataset(lib.from_numpy(x), lib.from_numpy(y))
        return lambda: lib.utils.data.DataLoader(ds, batch_size=64, shuffle=True, **kwargs)

    def rows_loader(lib):
        ds = RowsDataset(small_x, small_y)
        return lambda: lib.utils.data.DataLoader(ds, batch_size=64, shuffle=True)

    n, m = len(x), len(small_x)
    return [
        (f"TensorDataset {n}x784 f32, bs 64, shuffle", 0.33, tensor_loader(mt), tensor_loader(torch)),
        (f"Python per-sample dataset {m}x784, bs 64", 1.0, rows_loader(mt), rows_loader(torch)),
        (f"TensorDataset {n}x784, bs 64, num_workers=2", None,
         tensor_loader(mt, num_workers=2), tensor_loader(torch, num_workers=2)),
    ]


def run(quick=False, tiny=False):
    """One Row per case: whole epochs (a fresh DataLoader each), ours and torch alternately."""
    import torch

    import minitorch_compat as mt

    repeats = 1 if tiny else 3 if quick else 5
    n = 640 if tiny else 60000
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 784), dtype=np.float32)
    y = rng.integers(0, 10, n)
    small_x, small_y = x[:n // 6], y[:n // 6]
    mt.manual_seed(0)
    torch.manual_seed(0)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the too-many-workers warning on small machines
        for name, target, make_ours, make_theirs in _cases(x, y, small_x, small_y):
            # warm-up included: first-touch page faults, imports
            tt, to = compare(lambda: _epoch(make_theirs()), lambda: _epoch(make_ours()), repeats=repeats,
                             cpu=False)  # wall time: the worker processes' CPU time is not ours
            rows.append(Row(name, tt, to, target, group="data loading"))
    return rows


def main(quick=False):
    return run_and_print(run, quick)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
