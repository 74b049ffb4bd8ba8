"""CNN speed, ours vs torch in one process: a full MNIST-sized training step, a
Conv2d forward+backward alone, and torchvision's ResNet-18 forward+backward (batch 8 of
3x64x64, train mode, cross-entropy; both engines hold torch's weights).

Run: ``python -m benchmarks.bench_cnn`` (``--quick`` for a smoke run, ``--profile`` to
print where our training step spends its time).

The model is the classic MNIST example: batch 64 of 1x28x28 images, conv 32 3x3 -> relu
-> conv 64 3x3 -> relu -> max-pool 2 -> linear to 10, cross-entropy, SGD. Both engines
start from the same weights (torch's, copied through the state_dict).

Where our time goes (2-core AMD EPYC, one BLAS thread, ~100 ms per step): the three
GEMMs of the second convolution (forward, dW, dX: ~18 ms each) are over half of it --
together they take about as long as torch's whole fwd+bwd of that layer; the rest of the
convolution is memory traffic that torch's oneDNN kernels avoid: the im2col copy
(~8 ms), col2im (~10 ms) and layout transposes. Max-pooling (~11 ms fwd+bwd), ReLU,
linear and the loss are small and no slower than torch's.

That is close to NumPy's floor for this design: the three GEMMs run at 70-90 GFLOPS (one
thread; a 1024^3 product reaches ~130) and already take ~55 ms against torch's ~35 ms for
the layer's whole forward and backward. Tried and measured, not kept: im2col over whole
padded rows (contiguous copies; NumPy's strided copy was already bandwidth-bound, and
the 8% extra GEMM columns cost more); per-sample batched GEMMs writing (N, C, H, W)
directly (no transposes, as fast on one thread, but 5-10x slower for dX with two
OpenBLAS threads on a busy machine); Winograd F(2x2, 3x3) for dX (2.25x fewer
multiplications, but its tile transforms in NumPy cost 3x the GEMM path).

ResNet-18 (batch 8, 3x64x64; one thread, busy 2-core machine: ~0.53 s per step against
torch's ~0.36 s, ratio ~1.5): the 20 convolutions are almost all of it -- their forward,
input-gradient and weight-gradient GEMMs, the im2col copies and the col2im adds;
BatchNorm is ~10%, the rest small.

Noisy machines: NumPy's OpenBLAS threads wait for each other at every GEMM; when other
processes occupy the cores, a 2-thread GEMM can stall for whole scheduler time slices
and our numbers degrade much more than torch's. For stable numbers on a shared machine
run with ``OPENBLAS_NUM_THREADS=1`` (``match_threads`` then gives torch one thread too).
"""
import sys

import numpy as np

from .harness import Row, compare, cuda_device, match_threads, median_time, profile_step, run_and_print


def build(T, sd=None):
    nn = T.nn
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(64 * 12 * 12, 10))
    if sd is not None:
        model.load_state_dict({k: T.from_numpy(v.detach().numpy().copy()) for k, v in sd.items()})
    return model


def train_step(T, sd, batch=64, device=None):
    rng = np.random.default_rng(0)
    X = T.from_numpy(rng.standard_normal((batch, 1, 28, 28)).astype(np.float32))
    y = T.from_numpy(rng.integers(0, 10, batch))
    model = build(T, sd)
    if device is not None:  # real torch on a GPU, for reference
        model.to(device)
        X, y = X.to(device), y.to(device)
    opt = T.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = T.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
    return step


def conv_fwd_bwd(T, batch=64):
    """The second (heavier) convolution of the model alone: 32 -> 64 channels on 26x26."""
    rng = np.random.default_rng(0)
    x = T.from_numpy(rng.standard_normal((batch, 32, 26, 26)).astype(np.float32)).requires_grad_()
    w = T.from_numpy((rng.standard_normal((64, 32, 3, 3)) * 0.05).astype(np.float32)).requires_grad_()
    b = T.from_numpy(np.zeros(64, np.float32)).requires_grad_()
    g = T.from_numpy(rng.standard_normal((batch, 64, 24, 24)).astype(np.float32))

    def step():
        x.grad = w.grad = b.grad = None
        T.nn.functional.conv2d(x, w, b).backward(g)
    return step


def resnet18_fwd_bwd(T, V, sd, batch=8, size=64):
    """torchvision's resnet18 (ours: ``minitorch_compat.vision``), one forward+backward."""
    model = V.models.resnet18()
    model.load_state_dict({k: T.from_numpy(v.numpy().copy()) for k, v in sd.items()})
    rng = np.random.default_rng(0)
    X = T.from_numpy(rng.standard_normal((batch, 3, size, size)).astype(np.float32))
    y = T.from_numpy(rng.integers(0, 1000, batch))
    loss_fn = T.nn.CrossEntropyLoss()

    def step():
        model.zero_grad()
        loss_fn(model(X), y).backward()
    return step


def run(quick=False, tiny=False):
    import torch
    import minitorch_compat
    torch.manual_seed(0)
    sd = build(torch).state_dict()
    n, reps = (1, 1) if tiny else (1, 3) if quick else (3, 9)
    batch = 4 if tiny else 64
    rows = []
    tt, to = compare(train_step(torch, sd, batch), train_step(minitorch_compat, sd, batch), number=n, repeats=reps)
    t_cuda = None
    device = cuda_device()
    if device:
        step = train_step(torch, sd, batch, device)

        def cuda_step():
            step()
            torch.cuda.synchronize()
        t_cuda = median_time(cuda_step, number=n, repeats=reps)
    rows.append(Row(f"CNN train step (MNIST net, batch {batch})", tt, to, 1.5, cuda=t_cuda, group="cnn"))
    tt, to = compare(conv_fwd_bwd(torch, batch), conv_fwd_bwd(minitorch_compat, batch), number=n, repeats=reps)
    rows.append(Row(f"Conv2d 32->64 3x3 on 26x26 fwd+bwd, b{batch}", tt, to, 1.5, group="cnn"))
    rows.append(resnet18_row(n, reps, tiny))
    return rows


def resnet18_row(n, reps, tiny):
    import torch
    import torchvision
    import minitorch_compat
    import minitorch_compat.vision
    torch.manual_seed(0)
    sd = torchvision.models.resnet18().state_dict()
    batch, size = (2, 32) if tiny else (8, 64)
    tt, to = compare(resnet18_fwd_bwd(torch, torchvision, sd, batch, size),
                     resnet18_fwd_bwd(minitorch_compat, minitorch_compat.vision, sd, batch, size),
                     number=n, repeats=reps)
    return Row(f"resnet18 fwd+bwd, b{batch} 3x{size}x{size}", tt, to, 2.0, group="cnn")


def main(quick=False):
    return run_and_print(run, quick)


if __name__ == "__main__":
    if "--profile" in sys.argv:
        import torch
        torch.manual_seed(0)
        import minitorch_compat
        profile_step(train_step(minitorch_compat, build(torch).state_dict()), top=12)
    else:
        main(quick="--quick" in sys.argv)
