"""Random streams, ours vs torch: the same draws from the same seed (bit for bit equal),
timed in one process, alternating the engines.

Rows: the issue's combined row (after ``manual_seed(0)``: ``randn(1000, 1000)``,
``randperm(200_000)`` and ``empty(512, 784).normal_()``), then each kind of draw alone,
``nn.Linear(784, 512)``'s initialisation and torchvision's ``resnet18()`` construction
(kaiming_normal_ and uniform_ over 11.7M parameters).

Timing: CPU time of the process, least over the repeats (``compare(cpu=True)``) in both
thread settings: torch draws random numbers on one thread whatever its thread count.

Where our time goes (float32 ``randn`` of 1e6 elements, ~25-45 ms here against torch's
~5 ms): the Mersenne Twister itself (NumPy's, ~3 ms per 1e6 outputs), then torch's AVX2
Box-Muller replayed in NumPy -- ~100 array passes per pair of outputs for the Cephes
log and sin/cos polynomials, a dozen of them float64 multiply-adds standing in for the
fused instructions. ``randperm`` resolves torch's sequential swap loop with a sort and
pointer jumping (~15 passes of random memory access where torch makes one).

Run: ``python -m benchmarks.bench_random [--quick]``.
"""
import sys

from .harness import Row, compare, run_and_print


def combined(T, scale=1):
    def step():
        T.manual_seed(0)
        T.randn(1000 // scale, 1000)
        T.randperm(200_000 // scale)
        T.empty(512 // scale, 784).normal_()
    return step


CASES = [  # (label, make(T, scale) -> step)
    ("randn({n}, 1000)", lambda T, s: lambda: T.randn(1000 // s, 1000)),
    ("empty({n}, 1000).normal_()", lambda T, s: lambda: T.empty(1000 // s, 1000).normal_()),
    ("randn({n}, 1000, dtype=float64)", lambda T, s: lambda: T.randn(1000 // s, 1000, dtype=T.float64)),
    ("rand({n}, 1000)", lambda T, s: lambda: T.rand(1000 // s, 1000)),
    ("randint(0, 10, ({n}, 1000))", lambda T, s: lambda: T.randint(0, 10, (1000 // s, 1000))),
    ("randperm({n}000)", lambda T, s: lambda: T.randperm(1_000_000 // s)),
    ("nn.Linear(784, 512) init", lambda T, s: lambda: T.nn.Linear(784, 512 // s)),
]


def run(quick=False, tiny=False):
    import torch
    import minitorch_compat
    scale, repeats = (100, 1) if tiny else (1, 3) if quick else (1, 7)
    tt, to = compare(combined(torch, scale), combined(minitorch_compat, scale), repeats=repeats, cpu=True)
    rows = [Row("randn 1e6 + randperm 2e5 + normal_ 4e5, seeded", tt, to, 2.0, group="random")]
    for label, make in CASES:
        tt, to = compare(make(torch, scale), make(minitorch_compat, scale), repeats=repeats, cpu=True)
        rows.append(Row(label.format(n=1000 // scale), tt, to, group="random"))
    if not tiny:
        rows.append(resnet18_construction(repeats))
    return rows


def resnet18_construction(repeats):
    import torchvision
    import minitorch_compat
    import minitorch_compat.vision
    tt, to = compare(torchvision.models.resnet18, minitorch_compat.vision.models.resnet18,
                     repeats=max(1, repeats // 2), cpu=True)
    return Row("resnet18() construction (init)", tt, to, group="random")


def main(quick=False):
    return run_and_print(run, quick)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
