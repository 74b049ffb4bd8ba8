"""One training step of the quickstart in plain NumPy: what the engine computes, by hand.

The step is the one in ``reference/pipeline.py``'s ``train()``::

    pred = model(X); loss = loss_fn(pred, y); loss.backward(); optimizer.step(); optimizer.zero_grad()

with the quickstart's model (Flatten -> Linear(784, 512) -> ReLU -> Linear(512, 512) ->
ReLU -> Linear(512, 10)), ``CrossEntropyLoss`` and ``SGD``. Read ``train_step`` top to
bottom beside the engine: each line names, as ``file::function``, the minitorch_compat
code that does the same arithmetic (the anchor syntax of ``docs/reading-guide.md``;
``tests/test_reading_guide.py`` checks that every anchor here still exists, and
``tests/test_numpy_quickstart.py`` that these losses are the engine's).

What the engine adds around this arithmetic is the bookkeeping that makes it automatic:
``Function.apply`` records each forward op as a node, ``run_backward`` visits the nodes
in reverse (here: the backward lines, in that order), and ``.grad`` holds each gradient
until ``zero_grad`` (here: local variables that simply go out of scope).

``benchmarks/bench_training.py`` times ``train_step`` as the NumPy floor of an epoch.
"""
import numpy as np


def init_params(state):
    """The six parameter arrays ``[W1, b1, W2, b2, W3, b3]`` of a quickstart model, copied
    from its ``state_dict`` (NumPy arrays, in the model's order): ``train_step`` updates
    them in place."""
    return [np.array(v, copy=True) for v in state.values()]


def train_step(params, X, y, lr):
    """One SGD step on the batch ``(X, y)``: updates ``params`` in place and returns the
    loss before the update, as ``loss.item()`` does."""
    W1, b1, W2, b2, W3, b3 = params
    n = len(X)
    rows = np.arange(n)

    # ---- pred = model(X)                                    # minitorch_compat/nn/modules/container.py::Sequential.forward
    x = X.reshape(n, -1)                                      # minitorch_compat/_ops/shape.py::flatten
    h1 = x @ W1.T + b1                                        # minitorch_compat/_ops/linalg.py::Linear.forward
    a1 = np.maximum(h1, 0)                                    # minitorch_compat/_ops/pointwise.py::relu (forward)
    h2 = a1 @ W2.T + b2                                       # minitorch_compat/_ops/linalg.py::Linear.forward
    a2 = np.maximum(h2, 0)                                    # minitorch_compat/_ops/pointwise.py::relu (forward)
    pred = a2 @ W3.T + b3                                     # minitorch_compat/_ops/linalg.py::Linear.forward

    # ---- loss = loss_fn(pred, y)                            # minitorch_compat/nn/functional.py::cross_entropy
    z = pred - pred.max(axis=1, keepdims=True)                # minitorch_compat/_ops/activation.py::log_softmax_array
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))   # minitorch_compat/_ops/activation.py::log_softmax_array
    loss = -logp[rows, y].mean()                              # minitorch_compat/_ops/loss_nll.py::CrossEntropy.forward

    # ---- loss.backward(): the nodes, last first             # minitorch_compat/autograd/engine.py::run_backward
    g = np.exp(logp)                                          # minitorch_compat/_ops/loss_nll.py::CrossEntropy.backward:
    g[rows, y] -= 1                                           # softmax minus the one-hot targets,
    g /= n                                                    # over n (the mean's gradient)
    gW3, gb3 = g.T @ a2, g.sum(axis=0)                        # minitorch_compat/_ops/linalg.py::Linear.backward
    g = g @ W3                                                # minitorch_compat/_ops/linalg.py::Linear.backward
    g *= a2 > 0                                               # minitorch_compat/_ops/pointwise.py::relu (backward)
    gW2, gb2 = g.T @ a1, g.sum(axis=0)                        # minitorch_compat/_ops/linalg.py::Linear.backward
    g = g @ W2                                                # minitorch_compat/_ops/linalg.py::Linear.backward
    g *= a1 > 0                                               # minitorch_compat/_ops/pointwise.py::relu (backward)
    gW1, gb1 = g.T @ x, g.sum(axis=0)                         # minitorch_compat/_ops/linalg.py::Linear.backward
    # (no gradient for x: X does not require grad, so the engine skips it too)

    # ---- optimizer.step()                                   # minitorch_compat/optim/sgd.py::SGD.step
    for p, grad in zip(params, [gW1, gb1, gW2, gb2, gW3, gb3]):
        grad *= lr                                            # (in place: no temporary the size of W)
        p -= grad                                             # minitorch_compat/optim/sgd.py::SGD.step

    # ---- optimizer.zero_grad()                              # minitorch_compat/optim/optimizer.py::Optimizer.zero_grad
    # (the gradients above are dropped when this function returns)
    return float(loss)
