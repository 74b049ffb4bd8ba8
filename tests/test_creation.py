"""Creating tensors and reading them back, against real torch: dtype inference of
``tensor()``, memory sharing of ``from_numpy``/``as_tensor``/``numpy()``, the factory
functions, and the metadata/conversion methods of Tensor.
"""
import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

import minitorch_compat as mt
from helpers import ALL_DTYPES, arrays, assert_close, assert_same_result, dtype_name, same, shapes



def exact(fn):
    """Same dtype, shape and bit-identical values."""
    o, t = fn(mt), fn(torch)
    assert dtype_name(o.dtype) == dtype_name(t.dtype)
    np.testing.assert_array_equal(o.numpy(), t.numpy())


# ---------------------------------------------------------------------------- tensor()

def nested(leaves, max_depth=3):
    """Rectangular nested lists of ``leaves``."""
    return st.recursive(st.lists(leaves, min_size=0, max_size=4),
                        lambda inner: st.integers(1, 3).flatmap(
                            lambda n: st.lists(inner, min_size=n, max_size=n).filter(
                                lambda xs: len({repr(np.shape(x)) for x in xs}) <= 1)),
                        max_leaves=12)


SCALARS = st.one_of(st.integers(-100, 100), st.floats(-100, 100, allow_nan=False, width=32), st.booleans())


@given(data=st.one_of(SCALARS, nested(st.integers(-5, 5)), nested(st.floats(-5, 5, width=32)),
                      nested(st.booleans()), nested(st.one_of(st.integers(-5, 5), st.floats(-5, 5, width=32)))))
def test_tensor_dtype_inference(data):
    try:
        t = torch.tensor(data)
    except (ValueError, TypeError) as e:
        with pytest.raises(type(e)):
            mt.tensor(data)
        return
    o = mt.tensor(data)
    assert_close(o, t, rtol=0, atol=0)


@pytest.mark.parametrize("data", [
    [], [[]], 3, 2.5, True, [1, 2.5], [True, 2], [[1, 2], [3, 4]], [1.0, float("nan"), float("inf")],
    [1 + 2j, 3], (1, 2, 3), [(1, 2), (3, 4)], np.float64(2.5), np.int32(3), [np.float32(1.5), np.float32(2)],
    np.array([1, 2], dtype=np.int16), np.array([[1.5]]), [np.array([1.0]), np.array([2.0])], 10 ** 12,
])
def test_tensor_from_various_data(data):
    exact(lambda T: T.tensor(data))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "int64", "uint8", "bool", "float16", "int8"])
def test_tensor_with_dtype(dtype):
    exact(lambda T: T.tensor([0, 1.7, -2.5, 3], dtype=getattr(T, dtype)) if dtype not in ("uint8",)
          else T.tensor([0, 1.7, 2.5, 3], dtype=getattr(T, dtype)))
    exact(lambda T: T.tensor(np.array([1.5, 2.25]), dtype=getattr(T, dtype)))


def test_tensor_copies_and_requires_grad():
    for T in (torch, mt):
        a = np.array([1.0, 2.0])
        t = T.tensor(a, requires_grad=True)
        a[0] = 9.0
        assert t.tolist() == [1.0, 2.0] and t.requires_grad and t.is_leaf
        src = T.tensor([1.0, 2.0])
        with pytest.warns(UserWarning, match="copy construct"):
            c = T.tensor(src)
        src[0] = 5.0
        assert c.tolist() == [1.0, 2.0]


def test_tensor_from_tensors_list():
    exact(lambda T: T.tensor([T.tensor(1.5), T.tensor(2.0)]))
    exact(lambda T: T.tensor([T.tensor(1), T.tensor(2)]))
    exact(lambda T: T.tensor([[T.tensor(3)], [T.tensor(4)]]))


# ---------------------------------------------------------------------------- NumPy bridges

@given(a=st.sampled_from(ALL_DTYPES).flatmap(lambda d: arrays(d, shapes())))
def test_from_numpy_shares_memory_both_ways(a):
    for T in (torch, mt):
        arr = a.copy()
        t = T.from_numpy(arr)
        assert dtype_name(t.dtype) == dtype_name(torch.from_numpy(a.copy()).dtype)
        assert tuple(t.shape) == a.shape
        if a.size:
            flat = arr.reshape(-1)
            flat[0] = not flat[0] if a.dtype == np.bool_ else 7
            assert t.reshape(-1)[0].item() == flat[0].item()
            t.view(-1)[-1] = 1
            assert flat[-1] == 1
        assert t.numpy() is arr or np.shares_memory(t.numpy(), arr)


def test_from_numpy_non_contiguous_and_errors():
    a = np.arange(12.0).reshape(3, 4)[:, ::2]
    exact(lambda T: T.from_numpy(a))
    for T in (torch, mt):
        with pytest.raises(TypeError):
            T.from_numpy([1, 2])
        with pytest.raises(TypeError):
            T.from_numpy(np.array(["a"]))


def test_as_tensor_sharing_rules():
    for T in (torch, mt):
        a = np.array([1.0, 2.0])
        t = T.as_tensor(a)
        a[0] = 5.0
        assert t[0].item() == 5.0  # shared: no conversion was needed
        t2 = T.as_tensor(a, dtype=T.float32)
        a[1] = 7.0
        assert t2[1].item() == 2.0  # converted: a copy
        base = T.ones(2)
        assert T.as_tensor(base) is base
        assert T.as_tensor([1, 2]).dtype == T.int64
        assert T.asarray(a) is not None


def test_numpy_method_shares_memory():
    for T in (torch, mt):
        t = T.zeros(3)
        n = t.numpy()
        n[1] = 4.0
        assert t[1].item() == 4.0
        t[2] = 8.0
        assert n[2] == 8.0
        assert T.ones(2, requires_grad=True).detach().numpy().tolist() == [1.0, 1.0]


# ---------------------------------------------------------------------------- factories

SIZES = [(), (0,), (3,), (2, 3), (1, 2, 1)]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
def test_zeros_ones_empty(size, fn):
    exact(lambda T: getattr(T, fn)(size) if fn != "empty" else T.empty(size).zero_())
    if size:  # torch.zeros() with no size at all is an error
        exact(lambda T: getattr(T, fn)(*size) if fn != "empty" else T.empty(*size).zero_())
    exact(lambda T: getattr(T, fn)(list(size), dtype=T.int32) if fn != "empty" else T.empty(list(size), dtype=T.int32).zero_())
    exact(lambda T: getattr(T, fn)(T.Size(size), dtype=T.float64) if fn != "empty" else T.empty(T.Size(size), dtype=T.float64).zero_())
    same(lambda T: getattr(T, fn)(size, requires_grad=True).requires_grad)


@pytest.mark.parametrize("value", [1, 2.5, True, -3, 0.1])
def test_full(value):
    exact(lambda T: T.full((2, 3), value))
    exact(lambda T: T.full((2,), value, dtype=T.float64))
    exact(lambda T: T.full([3], value, dtype=T.int16))


@given(a=st.sampled_from(ALL_DTYPES).flatmap(lambda d: arrays(d, shapes())), dt=st.sampled_from([None, "float64", "int32", "bool"]))
def test_like_functions(a, dt):
    for fn in ("zeros_like", "ones_like"):
        exact(lambda T: getattr(T, fn)(T.from_numpy(a.copy()), dtype=None if dt is None else getattr(T, dt)))
    exact(lambda T: T.full_like(T.from_numpy(a.copy()), 1, dtype=None if dt is None else getattr(T, dt)))
    exact(lambda T: T.empty_like(T.from_numpy(a.copy())).zero_())


@pytest.mark.parametrize("n, m", [(0, None), (1, None), (3, None), (2, 4), (4, 2)])
def test_eye(n, m):
    exact(lambda T: T.eye(n) if m is None else T.eye(n, m))
    exact(lambda T: T.eye(n, dtype=T.int64))


# arange/linspace/logspace: bit-exact, every dtype. torch computes each element in its own
# way (see range_factories.py), so these draw many ranges and compare every bit.
RANGE_DTYPES = [None, "float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8"]
STEPS = st.one_of(st.sampled_from([1, 2, 3, -1, -2, 0.1, 0.25, 0.3, 0.37, 1.5, -0.1, -0.5, -0.7, 0.013, 1e-3]),
                  st.floats(-5, 5).filter(lambda v: abs(v) > 1e-2).map(lambda v: round(v, 3)))


def same_or_same_error(fn):
    try:
        t = fn(torch)
    except Exception as e:  # noqa: BLE001 - the type is compared
        with pytest.raises(type(e)):
            fn(mt)
        return
    o = fn(mt)
    assert dtype_name(o.dtype) == dtype_name(t.dtype)
    np.testing.assert_array_equal(o.numpy(), t.numpy())


@given(start=st.one_of(st.integers(-10, 10), st.floats(-10, 10).map(lambda v: round(v, 2))),
       count=st.one_of(st.integers(0, 40), st.integers(40, 400)), step=STEPS,
       dt=st.sampled_from(RANGE_DTYPES), as_float=st.booleans())
@example(start=0, count=20, step=0.1, dt=None, as_float=False)   # the issue: arange(0, 2, 0.1)[9]
@example(start=0, count=34, step=0.3, dt=None, as_float=False)   # arange(0, 10, 0.3): 7 elements differed
@example(start=0, count=34, step=0.3, dt="int64", as_float=False)
def test_arange_bit_exact(start, count, step, dt, as_float):
    end = start + count * step
    end = round(end, 3) if isinstance(end, float) else end
    start = float(start) if as_float else start
    same_or_same_error(lambda T: T.arange(start, end, step, **({} if dt is None else {"dtype": getattr(T, dt)})))


@pytest.mark.parametrize("args", [(5,), (2, 7), (0, 1, 0.1), (1, 0, -0.1), (0.0, 5), (-3, 3, 2), (0, 10, 3),
                                  (1.5, 4.5, 0.5), (0, 0), (0, 2, 0.1), (0, 10, 0.3), (0.1, 100.0, 0.1),
                                  (-1e3, 1e3, 0.7), (10, 0, -0.3), (0, 300, 1.5)])
def test_arange_cases(args):
    exact(lambda T: T.arange(*args))
    exact(lambda T: T.arange(*args, dtype=T.float64))
    exact(lambda T: T.arange(*args, dtype=T.float16))


def test_arange_issue_values():
    assert mt.arange(0, 2, 0.1)[9].item() == torch.arange(0, 2, 0.1)[9].item() == 0.9000000357627869


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_arange_parallel_chunks(threads):
    """Above at::internal::GRAIN_SIZE elements torch splits the work between threads, and
    each chunk starts its own vectorised loop: the bits depend on the thread count."""
    saved = torch.get_num_threads(), mt.get_num_threads()
    try:
        torch.set_num_threads(threads)
        mt.set_num_threads(threads)
        for args in [(0, 4000.1, 0.1), (1.7, 33000.9, 1.0001), (-3.3, 5e4, 0.7), (0.5, 7000.3, 0.1)]:
            for dt in ("float32", "float64", "float16"):
                exact(lambda T: T.arange(*args, dtype=getattr(T, dt)))
    finally:
        torch.set_num_threads(saved[0])
        mt.set_num_threads(saved[1])


ENDS = st.one_of(st.integers(-100, 100), st.floats(-100, 100).map(lambda v: round(v, 3)))


@given(start=ENDS, end=ENDS, steps=st.one_of(st.integers(0, 50), st.integers(50, 3000)),
       dt=st.sampled_from(RANGE_DTYPES))
def test_linspace_bit_exact(start, end, steps, dt):
    same_or_same_error(lambda T: T.linspace(start, end, steps, **({} if dt is None else {"dtype": getattr(T, dt)})))


@given(start=ENDS.map(lambda v: v / 20), end=ENDS.map(lambda v: v / 20), steps=st.integers(0, 200),
       base=st.sampled_from([10.0, 2.0, 0.5, 3.3, 2.718281828459045]), dt=st.sampled_from(RANGE_DTYPES))
def test_logspace_bit_exact(start, end, steps, base, dt):
    same_or_same_error(lambda T: T.logspace(start, end, steps, base,
                                            **({} if dt is None else {"dtype": getattr(T, dt)})))


@pytest.mark.parametrize("args", [(0, 1, 5), (-1, 1, 1), (0, 10, 11), (3, -3, 4), (0, 1, 0), (-5, 5, 3),
                                  (0.1, 0.7, 7), (1e-3, 1e3, 25)])
@pytest.mark.parametrize("dt", RANGE_DTYPES)
def test_linspace_logspace_cases(args, dt):
    kw = {} if dt is None else {"dtype": dt}
    same_or_same_error(lambda T: T.linspace(*args, **{k: getattr(T, v) for k, v in kw.items()}))
    same_or_same_error(lambda T: T.logspace(*args, **{k: getattr(T, v) for k, v in kw.items()}))


@pytest.mark.parametrize("fn", ["rand", "randn"])
def test_random_factories_shape_and_dtype(fn):
    for size in SIZES:
        same(lambda T: (tuple(getattr(T, fn)(size).shape), dtype_name(getattr(T, fn)(size, dtype=T.float64).dtype)))
        if size:
            same(lambda T: tuple(getattr(T, fn)(*size).shape))
    same(lambda T: dtype_name(T.randint(0, 5, (3,)).dtype))
    same(lambda T: dtype_name(T.rand_like(T.ones(2, dtype=T.float64)).dtype))
    same(lambda T: T.randperm(5).sort().values)


# ---------------------------------------------------------------------------- metadata and conversion

@given(a=st.sampled_from(ALL_DTYPES).flatmap(lambda d: arrays(d, shapes(min_side=0))))
def test_metadata(a):
    def fn(T):
        t = T.from_numpy(a.copy())
        dims = tuple(t.size(d) for d in range(-t.dim(), t.dim()))
        return (tuple(t.shape), tuple(t.size()), dims, t.dim(), t.ndim, t.numel(), dtype_name(t.dtype), str(t.device),
                t.is_floating_point(), t.element_size(), t.is_contiguous(), t.stride(), len(t.shape), T.numel(t),
                t.nelement(), t.ndimension(), t.is_leaf, t.requires_grad, t.device.type)
    same(fn)


def test_size_is_a_torch_size():
    for T in (torch, mt):
        s = T.zeros(2, 3).shape
        assert isinstance(s, tuple) and s == (2, 3) and s[1:] == (3,) and s.numel() == 6
        assert repr(s) == "torch.Size([2, 3])" and repr(s[1:]) == "torch.Size([3])"
        assert isinstance(s[1:], T.Size) and s == T.Size([2, 3])


@pytest.mark.parametrize("method", ["float", "double", "half", "long", "int", "short", "char", "byte", "bool"])
def test_conversion_methods(method):
    src = np.array([[-1.5, 0.0], [2.7, 3.0]], dtype=np.float32)
    exact(lambda T: getattr(T.from_numpy(np.abs(src) if method == "byte" else src.copy()), method)())


def test_to_and_type():
    def fn(T):
        t = T.tensor([1.7, -2.2])
        return (t.to(T.float64), t.to(T.int32), t.to("cpu").dtype == t.dtype, t.to("cpu") is t,
                t.to(T.float32) is t, t.to(T.float32, copy=True) is not t, t.type(T.int64), t.type(),
                T.tensor([1]).type(), t.double().type(), t.type("torch.DoubleTensor"),
                t.to(T.zeros(1, dtype=T.int16)), t.to(device="cpu", dtype=T.float64), t.type_as(T.tensor([1])),
                t.cpu() is t, t.long().float())
    same(fn)


def test_item_tolist():
    def fn(T):
        return (T.tensor(2.5).item(), T.tensor([3]).item(), T.tensor([[True]]).item(), T.tensor([[1, 2], [3, 4]]).tolist(),
                T.tensor(1.5).tolist(), T.tensor([1.5, 2.0], dtype=T.float64).tolist(), type(T.tensor(2).item()),
                type(T.tensor(2.0).item()), type(T.tensor(True).item()), float(T.tensor([2.5])), int(T.tensor(3.9)),
                bool(T.tensor([0.0])), T.tensor([]).tolist(), T.zeros(2, 0).tolist())
    same(fn)


@given(a=arrays(np.float64, shapes(min_dims=0, max_dims=3)))
def test_clone_detach_contiguous(a):
    def fn(T):
        x = T.from_numpy(a.copy()).requires_grad_()
        c, d = x.clone(), x.detach()
        tr = x.t() if x.dim() == 2 else x
        ct = tr.contiguous()
        c_shares = np.shares_memory(c.detach().numpy(), x.detach().numpy())
        d_shares = np.shares_memory(d.numpy(), x.detach().numpy())
        return (c.requires_grad, c.is_leaf, d.requires_grad, d.is_leaf, c_shares and a.size > 0, d_shares or a.size == 0,
                ct.is_contiguous(), x.contiguous() is x, ct.detach(), c.detach())
    same(fn)


def test_device_handling():
    for T in (torch, mt):
        t = T.ones(2, device="cpu")
        assert t.device == T.device("cpu") and str(t.device) == "cpu" and t.is_cuda is False
        assert T.zeros(1, device=T.device("cpu")).device.type == "cpu"
        assert repr(T.device("cpu")) == "device(type='cpu')"
        assert T.device("cuda:1").index == 1
    assert mt.cuda.is_available() is False
    with pytest.raises((AssertionError, RuntimeError)):
        mt.ones(2).cuda()
    with pytest.raises((AssertionError, RuntimeError)):
        mt.ones(2).to("cuda")
