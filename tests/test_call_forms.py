"""Every call form of the creation and random functions, run on real torch and on ours.

torch's Python binding accepts many spellings of one call: the size as varargs, a
tuple, a list or a ``torch.Size`` (or ``size=``), positional or keyword arguments, and
the options ``out=``, ``dtype=``, ``generator=``, ``requires_grad=``, ``device=``,
``layout=``, ``pin_memory=``. Each row below is one call, evaluated with ``T`` bound to
torch and then to minitorch_compat, from the same seed: both must give the same result
(dtype, shape, ``requires_grad``, the node name of ``grad_fn``, bit-identical values) or
raise the same exception type, and emit the same warnings.

A row starting with ``~`` compares dtype and shape only: ``empty`` is uninitialised in
torch.
A row ``(f(..., out=o) is o, o)`` checks that ``out=`` is returned and written.
"""
import re

import numpy as np
import pytest

from helpers import same_call


def _env(T):
    T.manual_seed(0)
    return dict(
        T=T, np=np, nan=float("nan"), inf=float("inf"),
        g=T.Generator().manual_seed(1),
        x=T.ones(2, 3), xi=T.ones(2, 3, dtype=T.int64), xd=T.ones(2, 3, dtype=T.float64),
        p=T.full((2, 3), 0.5), w=T.tensor([1.0, 2.0, 0.0, 4.0]), w2=T.tensor([[1.0, 2.0], [3.0, 0.5]]),
        m=T.zeros(2, 3), s=T.ones(3),
        o=T.empty(0), oi=T.empty(0, dtype=T.int64), od=T.empty(0, dtype=T.float64), o6=T.empty(6),
        o23=T.empty(2, 3),
    )


# ---------------------------------------------------------------------------- the table
SIZES = ["3", "2, 3", "(2, 3)", "[2, 3]", "T.Size([2, 3])", "size=(2, 3)", "size=[2]", "()", "[]", "0", "2, 0",
         "", "2.5", "(2, 3.0)", "None", "T.tensor(3)", "T.tensor([3, 2])", "T.tensor(3.0)", "np.int64(3)", "True",
         "2, size=(2,)", "-2", "2, -3", "(2, -3)", "2**63", "10**10, 10**10", "foo=1"]
OPTIONS = ["dtype=T.float64", "dtype=T.float16", "dtype=T.int64", "dtype=T.int32", "dtype=T.uint8",
           "dtype=T.bool", "dtype=T.complex64", "requires_grad=True", "dtype=T.int64, requires_grad=True",
           "dtype=T.float64, requires_grad=True", "device='cpu'", "device=T.device('cpu')", "pin_memory=False",
           "layout=None", "layout=T.strided", "out=o", "out=od", "out=oi", "out=o23", "out=o6", "out=o, dtype=T.float64",
           "out=o, dtype=T.float32", "out=o, requires_grad=True"]
GENERATOR = ["generator=g", "generator=None", "generator=1", "generator=g, dtype=T.float64"]


def _outify(call):
    """``f(..., out=o)`` -> ``(f(..., out=o) is o, o)``: the out tensor is returned and written."""
    found = re.search(r"\bout=(\w+)", call)
    return f"({call} is {found[1]}, {found[1]})" if found else call


def _sized(fn, extra=()):
    return ([f"T.{fn}({s})" for s in SIZES] + [_outify(f"T.{fn}(2, 3, {o})") for o in OPTIONS]
            + [f"T.{fn}(2, 3, {o})" for o in extra])


CALLS = (
    _sized("rand", GENERATOR) + _sized("randn", GENERATOR) + _sized("zeros") + _sized("ones")
    + ["~" + c for c in _sized("empty", ["memory_format=T.contiguous_format"])]
    + [_outify(c) for c in [
        # randint(high, size) / randint(low, high, size)
        "T.randint(5, (3,))", "T.randint(5, size=(3,))", "T.randint(high=5, size=(3,))", "T.randint(2, 5, (3,))",
        "T.randint(2, 5, size=(3,))", "T.randint(low=2, high=5, size=(3,))", "T.randint(2, high=5, size=(3,))",
        "T.randint(5, [2, 3])", "T.randint(5, T.Size([2]))", "T.randint(5, ())", "T.randint(5, 3)", "T.randint(5)",
        "T.randint()", "T.randint(5, (3,), dtype=T.int32)", "T.randint(5, (3,), dtype=T.float32)",
        "T.randint(5, (3,), dtype=T.float64)", "T.randint(2, (3,), dtype=T.bool)", "T.randint(5, (3,), dtype=T.uint8)",
        "T.randint(0, 300, (3,), dtype=T.uint8)", "T.randint(5, (3,), generator=g)", "T.randint(2, 5, (3,), generator=g)",
        "T.randint(5, (3,), out=oi)", "T.randint(5, (3,), out=o)", "T.randint(5, (3,), out=oi, dtype=T.int32)",
        "T.randint(5.5, (3,))", "T.randint(5, (3,), requires_grad=True)",
        "T.randint(5, (3,), dtype=T.float32, requires_grad=True)", "T.randint(low=2, size=(3,))",
        "T.randint(5, 2, (3,))", "T.randint(3, 3, (2,))", "T.randint(-5, (3,))", "T.randint(T.tensor(5), (3,))",
        "T.randint(np.int64(5), (3,))", "T.randint(0, 2**63 - 1, (2,))", "T.randint(-2**63, 2**63 - 1, (2,))",
        "T.randint(5, size=3)", "T.randint(5, (3,), device='cpu')", "T.randint(5, (-1,))", "T.randint(5, (3,), foo=1)",
        "T.randint(5, (3,), layout=T.strided)",
        # randperm
        "T.randperm(5)", "T.randperm(n=5)", "T.randperm(0)", "T.randperm(1)", "T.randperm(-1)", "T.randperm(5.0)",
        "T.randperm(5, dtype=T.int32)", "T.randperm(5, dtype=T.float32)", "T.randperm(5, dtype=T.float64)",
        "T.randperm(5, dtype=T.bool)", "T.randperm(5, dtype=T.uint8)", "T.randperm(300, dtype=T.uint8)",
        "T.randperm(5, dtype=T.float16)", "T.randperm(5, generator=g)", "T.randperm(5, out=oi)",
        "T.randperm(5, out=o)", "T.randperm(5, requires_grad=True)", "T.randperm(5, dtype=T.float32, requires_grad=True)",
        "T.randperm(5, device='cpu')", "T.randperm(T.tensor(5))", "T.randperm(5, 6)", "T.randperm(np.int64(4))",
        # rand_like, randn_like, randint_like
        "T.rand_like(x)", "T.rand_like(x, dtype=T.float64)", "T.rand_like(xi)", "T.rand_like(xi, dtype=T.float32)",
        "T.rand_like(input=x)", "T.rand_like(x, generator=g)", "T.rand_like(x, requires_grad=True)",
        "T.rand_like(x, device='cpu')", "T.rand_like(3)", "T.rand_like(x, memory_format=T.preserve_format)",
        "T.rand_like(x, out=o)", "T.randn_like(x)", "T.randn_like(xd)", "T.randn_like(xi)", "T.randn_like(x, generator=g)",
        "T.randn_like(x, dtype=T.float64, requires_grad=True)", "T.randint_like(x, 5)", "T.randint_like(x, 2, 5)",
        "T.randint_like(x, high=5)", "T.randint_like(x, low=2, high=5)", "T.randint_like(xi, 5)",
        "T.randint_like(xi, 5, dtype=T.int32)", "T.randint_like(x, 5, generator=g)", "T.randint_like(x, 5, requires_grad=True)",
        "T.randint_like(xi, 5, requires_grad=True)", "T.randint_like(x)", "T.randint_like(x, 5.5)", "T.randint_like(x, 5, 2)",
        # normal: (Tensor, Tensor), (Tensor, float), (float, Tensor), (float, float, size)
        "T.normal(m, T.ones(2, 3))", "T.normal(m)", "T.normal(m, 2.0)", "T.normal(0.0, s)", "T.normal(0.0, 1.0, (2, 3))",
        "T.normal(0.0, 1.0, size=(2, 3))", "T.normal(mean=0.0, std=1.0, size=(2,))", "T.normal(0, 1, (2,))",
        "T.normal(0.0, 1.0, [2])", "T.normal(0.0, 1.0, 3)", "T.normal(0.0, 1.0, (2,), dtype=T.float64)",
        "T.normal(0.0, 1.0, (2,), dtype=T.int64)", "T.normal(0.0, 1.0, (2,), generator=g)", "T.normal(m, s)",
        "T.normal(T.zeros(3), T.ones(2))", "T.normal(m, -1.0)", "T.normal(0.0, -1.0, (2,))", "T.normal(0.0, 1.0)",
        "T.normal(m, T.ones(2, 3), out=o)", "T.normal(0.0, 1.0, (2,), out=o)", "T.normal(0.0, 1.0, (2,), out=od)",
        "T.normal(m, 1.0, out=o23)", "T.normal(m, 1.0, out=o)", "T.normal(0.0, s, out=o23)",
        "T.normal(T.zeros(3, dtype=T.float64), T.ones(3))", "T.normal(m, T.ones(2, 3), generator=g)",
        "T.normal(mean=m, std=T.ones(2, 3))", "T.normal(mean=m)", "T.normal(T.zeros(3, requires_grad=True), 1.0)",
        "T.normal(1.0, T.ones(3, requires_grad=True))", "T.normal(T.zeros(3, requires_grad=True), T.ones(3))",
        "T.normal(T.zeros(3, dtype=T.int64), 1.0)", "T.normal(0.0, 1.0, (2,), requires_grad=True)",
        "T.normal(0.0, 1.0, (2,), device='cpu')", "T.normal(0.0, 1.0, (-2,))", "T.normal(m, T.ones(2, 3), 5)",
        "T.normal(T.zeros(0), 1.0)",
        # bernoulli
        "T.bernoulli(p)", "T.bernoulli(p, 0.3)", "T.bernoulli(p, p=0.3)", "T.bernoulli(input=p)",
        "T.bernoulli(p, generator=g)", "T.bernoulli(p, out=o)", "T.bernoulli(p, out=od)", "T.bernoulli(p, out=oi)",
        "T.bernoulli(xi)", "T.bernoulli(T.tensor([1.5]))", "T.bernoulli(T.tensor([-0.5]))", "T.bernoulli(p.double())",
        "T.bernoulli(T.full((3,), 0.5, requires_grad=True))", "T.bernoulli(0.5)", "T.bernoulli(p, 1.5)",
        # multinomial
        "T.multinomial(w, 2)", "T.multinomial(w, 2, True)", "T.multinomial(w, num_samples=2, replacement=True)",
        "T.multinomial(input=w, num_samples=2)", "T.multinomial(w, 2, generator=g)", "T.multinomial(w, 2, out=oi)",
        "T.multinomial(w, 2, out=o)", "T.multinomial(w2, 2)", "T.multinomial(w, 4)", "T.multinomial(w, 5, True)",
        "T.multinomial(w, 2.0)", "T.multinomial(w.long(), 2)", "T.multinomial(w, 0)", "T.multinomial(w, -1)",
        "T.multinomial(T.zeros(3), 1)", "T.multinomial(w.double(), 2)", "T.multinomial(T.ones(2, 2, 2), 1)",
        "T.multinomial(w)",
        # full
        "T.full((2, 3), 1.5)", "T.full([2], 1)", "T.full((2,), True)", "T.full(size=(2,), fill_value=3)",
        "T.full((2,), 1.5, dtype=T.int64)", "T.full(3, 1.0)", "T.full((2,), T.tensor(2.5))", "T.full((2,), T.tensor(2))",
        "T.full((2,), 1, out=o)", "T.full((2,), 1.5, out=oi)", "T.full((2,), 2**63)", "T.full((2,), 1+2j)",
        "T.full((2,), nan, dtype=T.int64)", "T.full((2,), inf, dtype=T.int32)", "T.full((2,), inf, dtype=T.float16)",
        "T.full((), 7)", "T.full(T.Size([2]), 7)", "T.full((2,), None)", "T.full((2,), 300, dtype=T.int8)",
        "T.full((2,), -1, dtype=T.uint8)", "T.full((2,), -300, dtype=T.uint8)", "T.full((2,), 255.9, dtype=T.uint8)",
        "T.full((2,), -0.5, dtype=T.uint8)", "T.full((2,), 1e5, dtype=T.float16)", "T.full((2,), 1e39)",
        "T.full((2,), 1+2j, dtype=T.float32)", "T.full((2,), 1.5, requires_grad=True)",
        "T.full((2,), 1, requires_grad=True)", "T.full((2,), np.float64(1.5))", "T.full((2,), np.int32(3))",
        "T.full((2,), 2.5, dtype=T.bool)", "T.full((-1,), 1.0)", "T.full((2,), 1.0, device='cpu')",
        "T.full((2,), 1.0, layout=T.strided)",
        # *_like
        "T.zeros_like(x)", "T.zeros_like(x, dtype=T.int64)", "T.zeros_like(input=x)", "T.zeros_like(x, requires_grad=True)",
        "T.zeros_like(xi, requires_grad=True)", "T.ones_like(xi)", "T.ones_like(x, dtype=T.bool)", "~T.empty_like(x)",
        "~T.empty_like(x, dtype=T.float64)", "T.full_like(x, 7)", "T.full_like(x, fill_value=7)", "T.full_like(xi, 2.5)",
        "T.full_like(x, 2.5, dtype=T.int32)", "T.full_like(xi, 300, dtype=T.int8)", "T.full_like(x, None)",
        "T.zeros_like(x, memory_format=T.preserve_format)", "T.zeros_like(x, device='cpu')", "T.zeros_like(3)",
        "T.zeros_like(x.t()).stride()", "T.ones_like(x, out=o)", "T.full_like(x)", "T.zeros_like()",
        # eye
        "T.eye(3)", "T.eye(2, 4)", "T.eye(n=3)", "T.eye(3, m=2)", "T.eye(3, dtype=T.int64)", "T.eye(3, dtype=T.bool)",
        "T.eye(3, out=o)", "T.eye(3, out=oi)", "T.eye(3, requires_grad=True)", "T.eye(-1)", "T.eye(2, -3)",
        "T.eye(3.0)", "T.eye(0)", "T.eye(2, 3.0)", "T.eye(n=2, m=None)", "T.eye(T.tensor(2))", "T.eye()",
        # arange
        "T.arange(5)", "T.arange(2, 5)", "T.arange(0, 1, 0.25)", "T.arange(end=5)", "T.arange(start=1, end=5)",
        "T.arange(1, end=5, step=2)", "T.arange(5, step=2)", "T.arange(start=2)", "T.arange(5, dtype=T.float64)",
        "T.arange(5.0)", "T.arange(T.tensor(5))", "T.arange(T.tensor(2), T.tensor(5.0))", "T.arange(5, out=o)",
        "T.arange(5, out=o6)", "T.arange(6, out=o6)", "T.arange(0, 5, 0)", "T.arange(5, requires_grad=True)",
        "T.arange(5.0, requires_grad=True)", "T.arange(5, dtype=T.bool)", "T.arange(0, 10, 0.3, dtype=T.int64)",
        "T.arange(True, 5)", "T.arange(0, 2**63)", "T.arange(0, nan)", "T.arange(0, inf)", "T.arange(10, 0)",
        "T.arange(10, 0, -3)", "T.arange(0, 5, 1, dtype=T.int8, out=o)", "T.arange(0, 300, dtype=T.uint8)",
        "T.arange(np.float32(0.5), 3)", "T.arange(5, dtype=T.complex64)", "T.arange(0.5, 3, dtype=T.float16)",
        "T.arange(0, 1e30, 1e-30)", "T.arange(5, layout=T.strided)", "T.arange()",
        # linspace, logspace
        "T.linspace(0, 1, 5)", "T.linspace(0, 1, steps=5)", "T.linspace(start=0, end=1, steps=5)", "T.linspace(0, 1)",
        "T.linspace(0, 1, 5, dtype=T.int64)", "T.linspace(0, 1, 5, out=o)", "T.linspace(0, 1, 5, out=oi)",
        "T.linspace(T.tensor(0.0), T.tensor(1.0), 5)", "T.linspace(T.tensor([0.0]), 1, 5)", "T.linspace(0, 1, 5.0)",
        "T.linspace(0, 1, -1)", "T.linspace(0, 1, 5, requires_grad=True)", "T.linspace(0, 1, 1)", "T.linspace(0, 1, 0)",
        "T.linspace(0, 300, 5, dtype=T.int8)", "T.linspace(-5, 5, 3, dtype=T.uint8)", "T.linspace(0, 1, 5, dtype=T.bool)",
        "T.linspace(nan, 1, 3, dtype=T.int64)", "T.linspace(0, 1e39, 3)", "T.linspace(0, 10, 4, dtype=T.float16)",
        "T.linspace(0, 1, 5, dtype=T.float64)", "T.linspace(0, 1, 5, dtype=T.float64, out=o)",
        "T.logspace(0, 1, 5)", "T.logspace(0, 1, 5, 2)", "T.logspace(0, 1, 5, base=2)",
        "T.logspace(0, 1, steps=5, base=2.0)", "T.logspace(0, 1, 5, dtype=T.float64)", "T.logspace(0, 2, 3, dtype=T.int64)",
        "T.logspace(0, 40, 3, dtype=T.int64)", "T.logspace(0.5, 1, 1, dtype=T.int64)", "T.logspace(0, 1, 5, out=o)",
        "T.logspace(0, 1, 0)", "T.logspace(0, 5, 4, dtype=T.uint8)", "T.logspace(0, 5, 4, dtype=T.float16)",
        "T.logspace(-2, 2, 5, base=0.5)", "T.logspace(0, 1)", "T.logspace(0, 1, 5, dtype=T.bool)",
        # tensor, as_tensor, from_numpy, scalar_tensor
        "T.tensor([1, 2])", "T.tensor(data=[1])", "T.tensor([1.0], dtype=T.float64)", "T.tensor([1.0], requires_grad=True)",
        "T.tensor([1], requires_grad=True)", "T.tensor([1.0], device='cpu')", "T.tensor([1.0], pin_memory=False)",
        "T.tensor([2**63])", "T.tensor([-2**63 - 1])", "T.tensor([-2**63])", "T.tensor([2**63], dtype=T.float64)",
        "T.tensor(2**63)", "T.tensor([2**70])", "T.tensor([2**63, 1.5])", "T.tensor([[2**63]])", "T.tensor([True, 2**63])",
        "T.tensor([2**63], dtype=T.int64)", "T.tensor([300], dtype=T.int8)", "T.tensor([-1], dtype=T.uint8)",
        "T.tensor([-300], dtype=T.uint8)", "T.tensor([2**31], dtype=T.int32)", "T.tensor([1e10], dtype=T.int32)",
        "T.tensor([255.9], dtype=T.uint8)", "T.tensor([-0.5], dtype=T.uint8)", "T.tensor([127.99, -128.0], dtype=T.int8)",
        "T.tensor([nan], dtype=T.int32)", "T.tensor([1e40], dtype=T.float32)", "T.tensor([2], dtype=T.bool)",
        "T.tensor()", "T.tensor([1], T.float64)", "T.tensor([1.5], dtype=T.int64)", "T.tensor([1, 2], layout=T.strided)",
        "T.as_tensor([1, 2])", "T.as_tensor([1, 2], T.float64)", "T.as_tensor(data=[1])", "T.as_tensor(np.arange(3))",
        "T.as_tensor(x, dtype=T.float64)", "T.as_tensor([1.0], device='cpu')", "T.as_tensor([1.0], requires_grad=True)",
        "T.as_tensor([2**63])", "T.as_tensor(x) is x",
        "T.from_numpy(np.arange(3))", "T.from_numpy([1])", "T.from_numpy(ndarray=np.arange(3))",
        "T.from_numpy(np.arange(3), np.arange(3))",
        "T.scalar_tensor(3)", "T.scalar_tensor(2.5)", "T.scalar_tensor(3, dtype=T.int64)", "T.scalar_tensor(True)",
        "T.scalar_tensor(s=3)", "T.scalar_tensor(2.5, requires_grad=True)", "T.scalar_tensor([1])",
        "T.scalar_tensor(3, out=o)", "T.scalar_tensor(1e5, dtype=T.float16)", "T.scalar_tensor(300, dtype=T.int8)",
        "T.scalar_tensor(2**63)", "T.scalar_tensor(1+2j)", "T.scalar_tensor(T.tensor(2.5))", "T.scalar_tensor(3, device='cpu')",
        # more memory than any machine has (2**50 elements: beyond the address space, so the
        # allocation fails even where the OS overcommits)
        "T.ones(2**50)", "T.zeros(2**50)", "T.empty(2**50)", "T.full((2**50,), 1.0)", "T.rand(2**50)",
        "T.randn(2**50)", "T.randint(5, (2**50,))",
    ]]
)


# ---------------------------------------------------------------------------- the check
@pytest.mark.parametrize("call", CALLS)
def test_call_form(call):
    same_call(call, _env)


def test_table_covers_every_function():
    """Each creation/random function of the task appears in the table."""
    names = {"rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like", "normal", "bernoulli",
             "multinomial", "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like",
             "eye", "arange", "linspace", "logspace", "tensor", "as_tensor", "from_numpy", "scalar_tensor"}
    assert {n for n in names if any(f"T.{n}(" in c for c in CALLS)} == names


def test_dataloader_rejects_a_non_generator():
    """``DataLoader(generator=123)``: accepted at construction, a TypeError when iterating."""
    from torch.utils.data import DataLoader as TorchLoader

    from minitorch_compat.utils.data import DataLoader
    for Loader in (DataLoader, TorchLoader):
        for shuffle in (False, True):
            loader = Loader(list(range(4)), generator=123, shuffle=shuffle)
            with pytest.raises(TypeError):
                next(iter(loader))
