"""Core autograd overhead: a small-op graph and an MLP forward/backward, ours vs torch.

Run: ``python -m benchmarks.bench_core`` (``--quick`` for a smoke run).
"""
import sys

import numpy as np

from .harness import compare, match_threads, print_table


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


def main(quick=False):
    import torch
    import minitorch_compat
    threads = match_threads()
    scale = 10 if quick else 1
    rows = []
    tt, to = compare(small_graph(torch), small_graph(minitorch_compat), number=2000 // scale, repeats=3 if quick else 7)
    rows.append(("small-op graph (10 ops + backward)", tt, to, 1.0))
    tt, to = compare(mlp_step(torch), mlp_step(minitorch_compat), number=50 // scale, repeats=3 if quick else 7)
    rows.append(("MLP 784-512-512-10 fwd+bwd, batch 64", tt, to, 1.0))
    print(f"threads: {threads}")
    print_table(rows)
    return rows


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
