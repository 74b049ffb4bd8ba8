"""The first demo: the same autograd program run on torch and on minitorch_compat.

It is the polynomial-fitting example from PyTorch's "Learning PyTorch with Examples"
tutorial (fit ``y = a + b x + c x^2 + d x^3`` to ``sin(x)`` with hand-written gradient
descent on autograd gradients), written once against the torch API and executed with
each engine as ``torch``. Every 500 steps it prints both losses and, at the end, the
gradients of all four parameters side by side with their largest difference.
"""
import math

import numpy as np


def fit(torch, steps=2000, lr=1e-6):
    """The tutorial's training loop; ``torch`` is whichever engine module is passed in."""
    dtype = torch.float64
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    params = [torch.tensor(v, dtype=dtype, requires_grad=True) for v in (-0.1, 0.2, 0.05, -0.02)]
    losses = []
    for t in range(steps):
        a, b, c, d = params
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        if t == steps - 1:
            grads = [p.grad.item() for p in params]
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None
    return losses, grads, [p.item() for p in params]


def main():
    import torch
    import minitorch_compat
    ref_losses, ref_grads, ref_params = fit(torch)
    our_losses, our_grads, our_params = fit(minitorch_compat)
    print("step      torch loss        minitorch_compat loss")
    for t in range(0, len(ref_losses), 500):
        print(f"{t:>4}  {ref_losses[t]:>18.10f}  {our_losses[t]:>18.10f}")
    print("\nlast-step gradients      torch                 minitorch_compat")
    for name, g1, g2 in zip("abcd", ref_grads, our_grads):
        print(f"  d loss / d {name}   {g1:>20.12f}  {g2:>20.12f}")
    a, b, c, d = our_params
    print(f"\nResult: y = {a:.6f} + {b:.6f} x + {c:.6f} x^2 + {d:.6f} x^3")
    worst = max(abs(p - q) / max(abs(p), 1e-12) for p, q in zip(ref_losses, our_losses))
    print(f"largest relative loss difference over {len(ref_losses)} steps: {worst:.2e} (float64)")
    assert np.allclose(ref_losses, our_losses, rtol=1e-9), "engines disagree"


if __name__ == "__main__":
    main()
