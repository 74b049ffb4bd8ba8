"""End to end: the quickstart MLP trained on both engines from the same state_dict.

Both libraries get the same initial weights (copied from torch's state_dict into ours
with ``load_state_dict``), the same batches and the same optimizer, and run the seed
tutorials' loop (``model(X)``, ``loss_fn``, ``zero_grad``, ``backward``, ``step``, with a
manual learning-rate schedule through ``param_groups``). Tolerances, per step:

* float64: losses agree to 1e-10 relative (the math is the same; only summation order
  differs);
* float32: losses agree to 2e-5 relative over 30 steps of SGD with momentum (one-ulp
  differences per operation -- BLAS summation order, torch's fused multiply-adds --
  compound slowly through training; measured: ~4e-6); final weights to 2e-5 in relative
  Frobenius norm, ``|ours - torch| / |torch|`` per tensor (measured: ~1e-7). A norm, not
  an elementwise bound, because Adam divides by ``sqrt(v)``: for the few weights whose
  gradient is itself at rounding-noise level the normalised step differs by up to ``lr``.
"""
import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Speed only: on a busy 2-core machine torch's thread pool contends with NumPy's BLAS."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)

import minitorch_compat as mt


def quickstart(T, dtype):
    nn = T.nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                                                   nn.Linear(512, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))
    return NeuralNetwork().to(getattr(T, dtype))


def train(T, model, X, y, make_opt, steps, batch=32):
    loss_fn = T.nn.CrossEntropyLoss()
    optimizer = make_opt(T, model.parameters())
    Xt, yt = T.from_numpy(X), T.from_numpy(y)
    losses = []
    model.train()
    for step in range(steps):
        for group in optimizer.param_groups:  # the seed tutorial's adjust_learning_rate
            group["lr"] = group["initial"] * (0.5 if step >= steps // 2 else 1.0)
        i = (step * batch) % len(X)
        pred = model(Xt[i:i + batch])
        loss = loss_fn(pred, yt[i:i + batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with T.no_grad():
        pred = model(Xt[:64])
        correct = (pred.argmax(1) == yt[:64]).type(T.float).sum().item()
    return np.array(losses), correct, model.state_dict()


def sgd(T, params):
    opt = T.optim.SGD(params, lr=0.05, momentum=0.9)
    opt.param_groups[0]["initial"] = 0.05
    return opt


def adam(T, params):
    opt = T.optim.Adam(params, lr=1e-3)
    opt.param_groups[0]["initial"] = 1e-3
    return opt


@pytest.mark.parametrize("dtype,make_opt,steps,rtol", [
    ("float32", sgd, 30, 2e-5), ("float64", sgd, 12, 1e-10), ("float32", adam, 10, 2e-5)])
def test_same_mlp_same_losses(dtype, make_opt, steps, rtol):
    rng = np.random.default_rng(0)
    X = rng.random((256, 1, 28, 28)).astype(dtype)
    y = rng.integers(0, 10, 256)
    X[np.arange(256), 0, y, y] += 3.0  # a learnable signal: the label is written into the image
    torch.manual_seed(0)
    theirs = quickstart(torch, dtype)
    ours = quickstart(mt, dtype)
    ours.load_state_dict({k: mt.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    lo, co, so = train(mt, ours, X, y, make_opt, steps)
    lt, ct, st = train(torch, theirs, X, y, make_opt, steps)
    np.testing.assert_allclose(lo, lt, rtol=rtol)
    assert lt[-5:].mean() < lt[:5].mean()  # it did learn something
    assert abs(co - ct) <= 1  # eval accuracy on 64 samples: at most one borderline sample differs
    for k in st:
        a, b = so[k].numpy().astype(np.float64), st[k].numpy().astype(np.float64)
        assert np.linalg.norm(a - b) <= rtol * np.linalg.norm(b), k


def test_default_init_models_are_identical_under_the_same_seed():
    """With the same manual_seed, our freshly built quickstart model *is* torch's: same
    weights bit for bit, same first forward, same first loss."""
    torch.manual_seed(42)
    mt.manual_seed(42)
    theirs, ours = quickstart(torch, "float32"), quickstart(mt, "float32")
    for (k, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)
    x_t, x_o = torch.rand(8, 1, 28, 28), mt.rand(8, 1, 28, 28)
    np.testing.assert_array_equal(x_o.numpy(), x_t.numpy())
    y = np.arange(8) % 10
    lo = mt.nn.CrossEntropyLoss()(ours(x_o), mt.tensor(y))
    lt = torch.nn.CrossEntropyLoss()(theirs(x_t), torch.tensor(y))
    np.testing.assert_allclose(lo.item(), lt.item(), rtol=1e-6)
    assert repr(lo.grad_fn).split()[0] == repr(lt.grad_fn).split()[0] == "<NllLossBackward0"
