"""Core autograd overhead, ours vs torch: a small-op graph, an MLP forward/backward, and
forward+backward of single ops at a few sizes (where the time goes as arrays grow).

Run: ``python -m benchmarks.bench_core`` (``--quick`` for a smoke run).
"""
import sys

import numpy as np

from .harness import Row, compare, run_and_print


def small_graph(torch):
    """Ten scalar-sized ops and a backward: pure per-op overhead."""
    x = torch.tensor(1.5, requires_grad=True)
    w = torch.tensor(0.5, requires_grad=True)

    def step():
        y = (x * w + 1.0).exp() * x - w
        y = ((y.tanh() * 2.0).sigmoid() + x).log()
        y.backward()
    return step


def mlp_step(torch, batch=64):
    """784-512-512-10 MLP forward + cross-entropy-style loss + backward (no optimizer)."""
    rng = np.random.default_rng(0)
    X = torch.tensor(rng.standard_normal((batch, 784)).astype(np.float32))
    y = torch.tensor(rng.integers(0, 10, batch))
    shapes = [(512, 784), (512, 512), (10, 512)]
    W = [torch.tensor((rng.standard_normal(s) * 0.05).astype(np.float32), requires_grad=True) for s in shapes]
    B = [torch.zeros(s[0], requires_grad=True) for s in shapes]

    def step():
        h = (X @ W[0].t() + B[0]).relu()
        h = (h @ W[1].t() + B[1]).relu()
        out = h @ W[2].t() + B[2]
        loss = -out.log_softmax(1)[torch.arange(batch), y].mean()
        loss.backward()
    return step


# ---- single ops: forward + backward ----------------------------------------------------
# Each case: (label, sizes for full / quick / tiny runs, make(torch, size) -> step function).
def _leaf(torch, rng, shape):
    return torch.from_numpy(rng.standard_normal(shape).astype(np.float32)).requires_grad_()


def _elementwise(torch, n):
    rng = np.random.default_rng(0)
    a, b = _leaf(torch, rng, (n, n)), _leaf(torch, rng, (n, n))
    g = torch.from_numpy(rng.standard_normal((n, n)).astype(np.float32))

    def step():
        a.grad = b.grad = None
        (a * b + a).backward(g)
    return step


def _matmul(torch, n):
    rng = np.random.default_rng(0)
    a, b = _leaf(torch, rng, (n, n)), _leaf(torch, rng, (n, n))
    g = torch.from_numpy(rng.standard_normal((n, n)).astype(np.float32))

    def step():
        a.grad = b.grad = None
        (a @ b).backward(g)
    return step


def _cross_entropy(torch, n):
    rows, classes = n
    rng = np.random.default_rng(0)
    x = _leaf(torch, rng, (rows, classes))
    t = torch.from_numpy(rng.integers(0, classes, rows))

    def step():
        x.grad = None
        torch.nn.functional.cross_entropy(x, t).backward()
    return step


def _softmax(torch, n):
    rows, classes = n
    rng = np.random.default_rng(0)
    x = _leaf(torch, rng, (rows, classes))
    g = torch.from_numpy(rng.standard_normal((rows, classes)).astype(np.float32))

    def step():
        x.grad = None
        torch.softmax(x, 1).backward(g)
    return step


def _indexing(torch, n):
    """Gather ``n`` random rows of a (n, 64) matrix; backward scatters-adds them back."""
    rng = np.random.default_rng(0)
    x = _leaf(torch, rng, (n, 64))
    idx = torch.from_numpy(rng.integers(0, n, n))
    g = torch.from_numpy(rng.standard_normal((n, 64)).astype(np.float32))

    def step():
        x.grad = None
        x[idx].backward(g)
    return step


OP_CASES = [
    ("a*b+a {n}x{n}", ((32, 256, 1024), (32, 512), (8,)), _elementwise),
    ("matmul {n}x{n}", ((32, 128, 512), (32, 256), (8,)), _matmul),
    ("softmax {n[0]}x{n[1]}", (((64, 10), (1024, 1000)), ((64, 10), (256, 1000)), ((4, 3),)), _softmax),
    ("cross_entropy {n[0]}x{n[1]}", (((64, 10), (256, 100), (1024, 1000)), ((64, 10), (256, 1000)), ((4, 3),)),
     _cross_entropy),
    ("index rows x[idx] {n}x64", ((64, 1024, 16384), (64, 4096), (8,)), _indexing),
]


def run(quick=False, tiny=False):
    import torch
    import minitorch_compat
    level = 2 if tiny else 1 if quick else 0
    repeats = (7, 3, 1)[level]
    scale = (1, 10, 200)[level]
    rows = []
    tt, to = compare(small_graph(torch), small_graph(minitorch_compat), number=2000 // scale, repeats=repeats)
    rows.append(Row("small-op graph (10 ops + backward)", tt, to, 1.0, group="autograd"))
    tt, to = compare(mlp_step(torch), mlp_step(minitorch_compat), number=max(1, 50 // scale), repeats=repeats)
    rows.append(Row("MLP 784-512-512-10 fwd+bwd, batch 64", tt, to, group="autograd"))
    budget = (0.05, 0.02, 0.001)[level]
    for label, sizes, make in OP_CASES:
        for n in sizes[level]:
            tt, to = compare(make(torch, n), make(minitorch_compat, n), repeats=repeats, budget=budget)
            rows.append(Row(label.format(n=n) + " fwd+bwd", tt, to, group="single ops"))
    return rows


def main(quick=False):
    return run_and_print(run, quick)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
