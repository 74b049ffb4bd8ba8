"""float16 and bfloat16 against torch: storage, rounding, printing, promotion, ops, gradients.

Both libraries start from the same float32 values and convert them to the 16-bit dtype
themselves, so the conversion is under test too. Values are compared bit for bit (NaN
with NaN): torch computes these dtypes in float32 and rounds each op's result once
(``minitorch_compat/_opmath.py``), which leaves no room for a tolerance.

Where torch's backward formula is several ops, torch rounds after each of them (up to
three times in the formulas below), while a node's backward here rounds once; those
gradients (``COMPOSITE_GRADS``) are checked to two units in the last place of the 16-bit
dtype, and every other gradient exactly. log_softmax's gradient joins them: its float32
``exp`` (NumPy's) and torch's vectorised one differ in the last float32 bit now and then,
which can move the 16-bit result by one unit. Two more kernels keep sums in 16 bits and are
checked the same way: ``nll_loss`` (a cascade of 16-bit partial sums) and bfloat16
``batch_norm``.
"""

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_compat as mt
from minitorch_compat import _bfloat16
from helpers import shapes

LOW = ["float16", "bfloat16"]


def finite32(lo=-20.0, hi=20.0):
    """float32 values: small integers (exact in 16 bits, so ties happen) and arbitrary floats."""
    return st.one_of(st.integers(int(lo), int(hi)).map(float),
                     st.floats(lo, hi, width=32, allow_nan=False, allow_infinity=False))


def arrays32(shape=None, **kw):
    return hnp.arrays(np.float32, shapes(max_side=5) if shape is None else shape, elements=finite32(**kw))


def pair(name, arr, requires_grad=False):
    """(ours, torch's): each library converts the same float32 values to dtype ``name``."""
    out = []
    for T in (mt, torch):
        t = T.from_numpy(arr.copy()).to(getattr(T, name))
        out.append(t.requires_grad_() if requires_grad else t)
    return out


def same(ours, theirs, what="value"):
    """Same dtype, same shape, bit-identical values (NaN matching NaN)."""
    assert isinstance(ours, mt.Tensor), what
    assert repr(ours.dtype) == str(theirs.dtype), f"{what}: dtype {ours.dtype} != torch {theirs.dtype}"
    assert tuple(ours.shape) == tuple(theirs.shape), f"{what}: shape"
    a = ours.detach().float().numpy() if ours.is_floating_point() else ours.numpy()
    b = theirs.detach().float().numpy() if theirs.is_floating_point() else theirs.numpy()
    np.testing.assert_array_equal(a, b, err_msg=what)


def within_two_ulp(ours, theirs, name, what):
    """At most two units in the last place of dtype ``name`` apart (see the module docstring)."""
    assert repr(ours.dtype) == str(theirs.dtype), what
    a, b = ours.float().numpy().astype(np.float64), theirs.float().numpy().astype(np.float64)
    bits = 8 if name == "bfloat16" else 11
    ulp = np.exp2(np.floor(np.log2(np.maximum(np.abs(b), np.finfo(np.float32).tiny))) - (bits - 1))
    with np.errstate(invalid="ignore"):  # inf - inf
        ok = (np.abs(a - b) <= 2 * ulp * (1 + 1e-9)) | (a == b) | (np.isnan(a) & np.isnan(b))
    assert ok.all(), f"{what}: {a[~ok]} vs torch {b[~ok]}"


# ---------------------------------------------------------------------------- storage and rounding

SPECIAL = np.array([0.0, -0.0, np.inf, -np.inf, 3.4e38, -3.4e38, 1e-40, -1e-40, 1.17e-38, 65504.0, 65520.0,
                    1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -20, 6e-8, 3e-8], dtype=np.float32)


@given(st.lists(st.floats(width=32, allow_nan=False), max_size=40))
def test_conversion_from_float32_rounds_as_torch(values):
    arr = np.concatenate([np.array(values, dtype=np.float32), SPECIAL])
    for name in LOW:
        same(*pair(name, arr))
    ours, theirs = pair("bfloat16", arr)
    np.testing.assert_array_equal(_bfloat16.to_bits(ours._data), theirs.view(torch.int16).numpy().view(np.uint16))


def test_nan_converts_to_nan():
    for name in LOW:
        ours, theirs = pair(name, np.array([np.nan, -np.nan, 1.0], dtype=np.float32))
        same(ours, theirs)


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-6e4, max_value=6e4), min_size=1, max_size=8))
def test_python_floats_round_through_float32_first(values):
    """torch converts a double to float32 and then to 16 bits (two roundings), as ``tensor``,
    ``full`` and ``.to`` from float64 all show."""
    values = values + [1 + 2 ** -8 + 2 ** -30]  # the case where rounding twice differs from once
    for name in LOW:
        same(mt.tensor(values, dtype=getattr(mt, name)), torch.tensor(values, dtype=getattr(torch, name)))
        same(mt.tensor(values, dtype=mt.float64).to(getattr(mt, name)),
             torch.tensor(values, dtype=torch.float64).to(getattr(torch, name)))
        same(mt.full((2,), values[0], dtype=getattr(mt, name)), torch.full((2,), values[0], dtype=getattr(torch, name)))


@pytest.mark.parametrize("name", LOW)
@pytest.mark.parametrize("make", [
    lambda T, d: T.zeros(2, 3, dtype=d), lambda T, d: T.ones(3, dtype=d), lambda T, d: T.full((2, 2), 0.1, dtype=d),
    lambda T, d: T.empty(2, dtype=d).zero_(), lambda T, d: T.eye(3, dtype=d), lambda T, d: T.arange(0, 3, 0.3, dtype=d),
    lambda T, d: T.scalar_tensor(0.7, dtype=d),
    lambda T, d: T.full_like(T.ones(2), 1.1, dtype=d), lambda T, d: T.zeros_like(T.ones(2, dtype=d)),
    lambda T, d: T.tensor([[1, 2], [3, 4]], dtype=d), lambda T, d: T.as_tensor([0.3, 1e4], dtype=d),
    lambda T, d: T.tensor([0.3, 2.7]).to(d), lambda T, d: T.tensor([3, 300000]).to(d),
    lambda T, d: T.ones(2, dtype=d).float(), lambda T, d: T.tensor([1.7, -2.5], dtype=d).long(),
    lambda T, d: T.tensor([0.1], dtype=d).to(T.float16 if d is T.bfloat16 else T.bfloat16),
])
def test_creation_and_casts(name, make):
    ours, theirs = make(mt, getattr(mt, name)), make(torch, getattr(torch, name))
    same(ours, theirs)
    assert repr(ours) == repr(theirs)


def test_tensor_metadata():
    o, t = mt.zeros(2, 3, dtype=mt.bfloat16), torch.zeros(2, 3, dtype=torch.bfloat16)
    assert (o.element_size(), o.stride(), o.nbytes, o.itemsize, o.type()) == \
           (t.element_size(), t.stride(), t.nbytes, t.itemsize, t.type())
    assert o.is_floating_point() and o.dtype.is_floating_point and o.dtype.itemsize == 2
    assert repr(mt.bfloat16) == "torch.bfloat16" and o.dtype is mt.bfloat16
    assert o.bfloat16() is o and o.half().dtype is mt.float16 and o.T.dtype is mt.bfloat16
    for T, x in ((mt, o), (torch, t)):
        with pytest.raises(TypeError, match="Got unsupported ScalarType BFloat16"):
            x.numpy()
        with pytest.raises(TypeError, match="Got unsupported ScalarType BFloat16"):
            np.asarray(x)
    assert o.sum().item() == 0.0 and mt.tensor([1.5], dtype=mt.bfloat16).tolist() == [1.5]


def test_views_share_memory():
    x = mt.arange(6, dtype=mt.bfloat16)
    v = x.view(2, 3).T[1]
    v.mul_(0.1)
    t = torch.arange(6, dtype=torch.bfloat16)
    t.view(2, 3).T[1].mul_(0.1)
    same(x, t)
    x[0] = 0.3
    t[0] = 0.3
    same(x, t)
    x.fill_(1 / 3)
    t.fill_(1 / 3)
    same(x, t)


# ---------------------------------------------------------------------------- printing and promotion

@given(arrays32(shapes(max_dims=3, max_side=5), lo=-1e4, hi=1e4), st.booleans())
def test_repr_matches_torch(arr, grad):
    for name in LOW:
        ours, theirs = pair(name, arr, requires_grad=grad)
        assert repr(ours) == repr(theirs)
        if grad:
            assert repr(ours * 2) == repr(theirs * 2)
            assert str(ours.sum()) == str(theirs.sum())


NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
         "complex64", "complex128"]


def test_promote_types_with_16_bit_floats():
    for a in ("float16", "bfloat16"):
        for b in NAMES:
            for x, y in ((a, b), (b, a)):
                assert repr(mt.promote_types(getattr(mt, x), getattr(mt, y))) == \
                       str(torch.promote_types(getattr(torch, x), getattr(torch, y))), (x, y)


@pytest.mark.parametrize("other", ["bfloat16", "float16", "float32", "float64", "int64", "uint8", "bool"])
@pytest.mark.parametrize("ndim", [0, 1])
def test_result_dtypes(other, ndim):
    """bfloat16 tensors meeting tensors of every kind, with and without dimensions, and numbers."""
    def dtypes(T):
        x = T.ones(3, dtype=T.bfloat16)
        y = T.ones((3,) if ndim else (), dtype=getattr(T, other))
        return [str(o.dtype) for o in (x + y, y * x, x > y, T.where(x > 0, x, y), x + 2, x * 2.5, True + x, x / 2)]
    assert dtypes(mt) == dtypes(torch)


# ---------------------------------------------------------------------------- ops: values

UNARY = {
    "neg": lambda x: -x, "abs": lambda x: x.abs(), "exp": lambda x: x.exp(), "log": lambda x: x.abs().log(),
    "log2": lambda x: x.abs().log2(), "log10": lambda x: x.abs().log10(), "log1p": lambda x: x.abs().log1p(),
    "expm1": lambda x: x.expm1(), "sqrt": lambda x: x.abs().sqrt(), "sin": lambda x: x.sin(), "cos": lambda x: x.cos(),
    "tanh": lambda x: x.tanh(), "sigmoid": lambda x: x.sigmoid(), "relu": lambda x: x.relu(), "square": lambda x: x.square(),
    "reciprocal": lambda x: x.reciprocal(), "floor": lambda x: x.floor(), "ceil": lambda x: x.ceil(), "round": lambda x: x.round(),
    "trunc": lambda x: x.trunc(), "frac": lambda x: x.frac(), "sign": lambda x: x.sign(), "clamp": lambda x: x.clamp(-0.5, 0.7),
    "pow2": lambda x: x ** 2, "pow_scalar": lambda x: x.abs() ** 1.7, "add_s": lambda x: x + 0.1, "sub_s": lambda x: x - 0.3,
    "rsub_s": lambda x: 0.1 - x, "mul_s": lambda x: x * 0.1, "div_s": lambda x: x / 3, "rdiv_s": lambda x: 3.3 / x,
    "gt_s": lambda x: x > 0.1, "eq_s": lambda x: x == 0.1, "clamp_min": lambda x: x.clamp(min=0.1),
    "masked_fill": lambda x: x.masked_fill(x > 0, 0.1),
    "sum": lambda x: x.sum(), "sum_last": lambda x: x.sum(-1), "sum_first": lambda x: x.sum(0), "mean": lambda x: x.mean(),
    "mean_last": lambda x: x.mean(-1), "amax": lambda x: x.amax(0), "max_dim": lambda x: x.max(-1)[0], "argmax": lambda x: x.argmax(),
    "var": lambda x: x.var(-1), "std": lambda x: x.std(), "norm": lambda x: x.norm(), "logsumexp": lambda x: x.logsumexp(-1),
    "cumsum": lambda x: x.cumsum(-1), "softmax_last": lambda x: x.softmax(-1), "log_softmax_last": lambda x: x.log_softmax(-1),
    "log_softmax_first": lambda x: x.log_softmax(0), "sort": lambda x: x.sort(-1)[0], "topk": lambda x: x.topk(1, -1)[0],
    "flip": lambda x: x.flip(0), "transpose": lambda x: x.transpose(0, -1).contiguous(), "cat": lambda x: mt_or_torch(x).cat([x, x * 2]),
    "float": lambda x: x.float(), "double": lambda x: x.double(), "int": lambda x: x.int(),
    "asin": lambda x: (x * 0.05).asin(), "atan": lambda x: x.atan(), "sinh": lambda x: (x * 0.3).sinh(),
    "cosh": lambda x: (x * 0.3).cosh(), "tan": lambda x: x.tan(), "asinh": lambda x: x.asinh(), "exp2": lambda x: x.exp2(),
    "deg2rad": lambda x: x.deg2rad(), "sgn": lambda x: x.sgn(), "round_decimals": lambda x: x.round(decimals=1),
    "fmod_s": lambda x: x.fmod(0.7), "remainder_s": lambda x: x.remainder(0.7), "logcumsumexp": lambda x: x.logcumsumexp(-1),
    "cummax": lambda x: x.cummax(-1)[0], "diff": lambda x: x.diff(), "tril": lambda x: x.tril() if x.ndim > 1 else x,
    "roll": lambda x: x.roll(1, -1), "nan_to_num": lambda x: (x / 0).nan_to_num(),
}


def mt_or_torch(t):
    return mt if isinstance(t, mt.Tensor) else torch


BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
    "pow": lambda a, b: a.abs() ** b, "maximum": lambda a, b: mt_or_torch(a).maximum(a, b),
    "minimum": lambda a, b: mt_or_torch(a).minimum(a, b), "lt": lambda a, b: a < b, "where": lambda a, b: mt_or_torch(a).where(a > b, a, b),
    "add_alpha": lambda a, b: mt_or_torch(a).add(a, b, alpha=2), "atan2": lambda a, b: mt_or_torch(a).atan2(a, b),
    "hypot": lambda a, b: mt_or_torch(a).hypot(a, b), "logaddexp": lambda a, b: mt_or_torch(a).logaddexp(a, b),
    "fmod": lambda a, b: mt_or_torch(a).fmod(a, b), "remainder": lambda a, b: mt_or_torch(a).remainder(a, b),
    "addcdiv": lambda a, b: mt_or_torch(a).addcdiv(a, a, b.abs() + 1, value=0.7),
}


@given(arr=arrays32(shapes(min_dims=1, max_dims=3, max_side=5)))
def test_unary_ops_and_reductions(arr):
    for name in LOW:
        ours, theirs = pair(name, arr)
        for op, fn in UNARY.items():
            same(fn(ours), fn(theirs), f"{op} {name}")


@given(arrs=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4).flatmap(
    lambda s: st.tuples(arrays32(s.input_shapes[0]), arrays32(s.input_shapes[1]))))
def test_binary_ops_with_broadcasting(arrs):
    for name in LOW:
        (oa, ta), (ob, tb) = pair(name, arrs[0]), pair(name, arrs[1])
        for op, fn in BINARY.items():
            same(fn(oa, ob), fn(ta, tb), f"{op} {name}")


def nn_cases(T, name):
    """Layers of a small training step in a 16-bit dtype (same seed: same float32 values)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 8)).astype(np.float32)
    w = (rng.standard_normal((5, 8)) * 0.3).astype(np.float32)
    img = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    k = (rng.standard_normal((4, 3, 3, 3)) * 0.3).astype(np.float32)
    d = getattr(T, name)
    x, w, img, k = (T.from_numpy(a).to(d) for a in (x, w, img, k))
    F = T.nn.functional
    target = T.tensor([0, 4, 2, 1])
    return {
        "linear": F.linear(x, w, w[0, :5]), "matmul": x @ w.T, "conv2d": F.conv2d(img, k, padding=1),
        "max_pool": F.max_pool2d(img, 2), "avg_pool": F.avg_pool2d(img, 2), "layer_norm": F.layer_norm(x, (8,)),
        "cross_entropy": F.cross_entropy(x @ w.T, target), "nll": F.nll_loss((x @ w.T).log_softmax(1), target),
        "mse": F.mse_loss(x, x.flip(0)), "silu": F.silu(x), "softplus": F.softplus(x), "leaky_relu": F.leaky_relu(x, 0.1),
        "elu": F.elu(x), "dropout_eval": F.dropout(x, 0.5, training=False),
        "batch_norm": F.batch_norm(img * 3, None, None, training=True),
    }


SUMS_IN_16_BITS = {"cross_entropy", "nll", "batch_norm"}


@pytest.mark.parametrize("name", LOW)
def test_layers(name):
    ours, theirs = nn_cases(mt, name), nn_cases(torch, name)
    for key in theirs:
        if key in SUMS_IN_16_BITS:
            within_two_ulp(ours[key], theirs[key], name, key)
        else:
            same(ours[key], theirs[key], key)


# ---------------------------------------------------------------------------- gradients

GRADS = {  # (function, number of inputs); torch's backward is one op or one fused kernel
    "add": (lambda a, b: a + b, 2), "mul": (lambda a, b: a * b, 2), "div_numerator": (lambda a, b: a / b.detach(), 2),
    "exp": (lambda a: a.exp(), 1), "tanh": (lambda a: a.tanh(), 1), "relu": (lambda a: a.relu(), 1),
    "sqrt": (lambda a: (a * a + 1).sqrt(), 1), "log": (lambda a: (a * a + 1).log(), 1), "sum": (lambda a: a.sum(-1), 1),
    "mean": (lambda a: a.mean(), 1), "softmax": (lambda a: a.softmax(-1), 1),
    "matmul": (lambda a, b: a @ b.mT, 2), "mul_scalar": (lambda a: a * 0.3, 1), "pow2": (lambda a: a ** 2, 1),
    "max": (lambda a: a.amax(-1), 1), "cast": (lambda a: a.float() * 3, 1), "index": (lambda a: a[..., :1] * 2, 1),
}
COMPOSITE_GRADS = {  # torch's backward formula is several ops, each rounded (or an exp in float32: below)
    "div": (lambda a, b: a / b, 2), "log_softmax": (lambda a: a.log_softmax(-1), 1), "sin": (lambda a: a.sin(), 1), "cos": (lambda a: a.cos(), 1),
    "reciprocal": (lambda a: a.reciprocal(), 1), "log1p": (lambda a: a.abs().log1p(), 1),
    "pow_scalar": (lambda a: a.abs() ** 1.5, 1), "mse": (lambda a, b: mt_or_torch(a).nn.functional.mse_loss(a, b), 2),
}


def _grad_case(fn, n, arrs, name):
    outs = []
    for T in (mt, torch):
        leaves = [T.from_numpy(a.copy()).to(getattr(T, name)).requires_grad_() for a in arrs[:n]]
        out = fn(*leaves)
        g = T.from_numpy(np.random.default_rng(1).uniform(-1, 1, tuple(out.shape)).astype(np.float32)).to(out.dtype)
        out.backward(g)
        outs.append((out, [x.grad for x in leaves]))
    return outs


@given(arrs=shapes(min_dims=2, max_dims=3, max_side=4).flatmap(lambda s: st.tuples(arrays32(s), arrays32(s))))
def test_gradients(arrs):
    for name, (op, (fn, n)) in ((name, case) for name in LOW for case in GRADS.items()):
        (o, o_grads), (t, t_grads) = _grad_case(fn, n, arrs, name)
        same(o, t, f"{op} {name}")
        for i, (og, tg) in enumerate(zip(o_grads, t_grads)):
            assert (og is None) == (tg is None), f"{op} {name} grad {i}"
            if tg is not None:
                same(og, tg, f"{op} {name} grad {i}")


@given(arrs=shapes(min_dims=1, max_dims=3, max_side=4).flatmap(
    lambda s: st.tuples(arrays32(s, lo=0.5, hi=8), arrays32(s, lo=0.5, hi=8))))
def test_gradients_of_composite_backward_formulas(arrs):
    for name, (op, (fn, n)) in ((name, case) for name in LOW for case in COMPOSITE_GRADS.items()):
        (o, o_grads), (t, t_grads) = _grad_case(fn, n, arrs, name)
        same(o, t, f"{op} {name}")
        for i, (og, tg) in enumerate(zip(o_grads, t_grads)):
            within_two_ulp(og, tg, name, f"{op} {name} grad {i}")


def test_training_step_in_bfloat16():
    """Linear + ReLU + CrossEntropy with bfloat16 parameters: the same loss and the same
    gradients, bit for bit; after an SGD step the parameters are still bfloat16 and agree to
    the optimizer's rounding (optim/ rounds its updates; two ulps here)."""
    results = []
    for T in (mt, torch):
        T.manual_seed(0)
        model = T.nn.Sequential(T.nn.Linear(8, 16), T.nn.ReLU(), T.nn.Linear(16, 3)).to(T.bfloat16)
        opt = T.optim.SGD(model.parameters(), lr=0.1)
        x = T.from_numpy(np.linspace(-1, 1, 32, dtype=np.float32).reshape(4, 8)).to(T.bfloat16)
        y = T.tensor([0, 2, 1, 2])
        loss = T.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        grads = [p.grad.clone() for p in model.parameters()]
        before = [p.detach().clone() for p in model.parameters()]
        opt.step()
        results.append((loss.detach(), grads, before, [p.detach() for p in model.parameters()]))
    (o_loss, o_grads, _, o_params), (t_loss, t_grads, before, t_params) = results
    same(o_loss, t_loss, "loss")
    for o, t in zip(o_grads, t_grads):
        same(o, t, "grad")
    for o, t, b in zip(o_params, t_params, before):
        assert o.dtype is mt.bfloat16
        ulp = np.abs(b.float().numpy()) * 2 ** -7  # of the updated value: p - lr * g may cancel
        assert (np.abs(o.float().numpy() - t.float().numpy()) <= 2 * ulp).all()


# ---------------------------------------------------------------------------- checkpoints

def _checkpoint(T, arr):
    x = T.from_numpy(arr.copy()).to(T.bfloat16)
    model = T.nn.Linear(3, 2).to(T.bfloat16)
    return {"x": x, "view": x[1:, ::2], "param": T.nn.Parameter(x.clone()), "empty": T.zeros(0, 2, dtype=T.bfloat16),
            "special": T.tensor([float("inf"), -0.0, 1e-40, 3.4e38], dtype=T.bfloat16), "model": model.state_dict()}


@pytest.mark.parametrize("weights_only", [True, False])
def test_bfloat16_checkpoints_load_across_libraries(tmp_path, weights_only):
    """bfloat16 tensors saved by torch load here with the same values and views, and ours
    load in torch: the file holds torch's 2-byte encodings either way."""
    arr = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    torch.save(_checkpoint(torch, arr), tmp_path / "theirs.pt")
    mt.save(_checkpoint(mt, arr), tmp_path / "ours.pt")
    for path in ("theirs.pt", "ours.pt"):
        for loaded_by, other in ((mt, torch), (torch, mt)):
            got = loaded_by.load(tmp_path / path, weights_only=weights_only)
            want = other.load(tmp_path / path, weights_only=weights_only)
            for key in ("x", "view", "param", "empty", "special"):
                assert repr(got[key]) == repr(want[key]), (path, key)
            assert list(got["model"]) == list(want["model"])
            got["x"][2, 0] = 7.0  # the view still shares the loaded storage
            assert got["view"][1, 0].item() == 7.0
    encoded = torch.from_numpy(arr).to(torch.bfloat16).view(torch.int16).numpy().tobytes()
    with open(tmp_path / "theirs.pt", "rb") as a, open(tmp_path / "ours.pt", "rb") as b:
        assert a.read().count(encoded) == b.read().count(encoded) == 2  # x (with its view) and param


# ---------------------------------------------------------------------------- random numbers

@pytest.mark.parametrize("name", LOW)
@pytest.mark.parametrize("n", [5, 16, 37])
def test_random_tensors_follow_torchs_stream(name, n):
    """Same seed, same calls: the same 16-bit values, and the stream left where torch leaves it."""
    def draws(T):
        d = getattr(T, name)
        T.manual_seed(7)
        w = T.empty(3, n, dtype=d)
        T.nn.init.kaiming_uniform_(w)
        out = [T.rand(n, dtype=d), T.randn(n, dtype=d), T.normal(0.5, 2.0, (n,), dtype=d), w,
               T.empty(n, dtype=d).uniform_(-2, 3), T.empty(n, dtype=d).normal_(1, 0.5), T.randn_like(w),
               T.nn.functional.dropout(T.ones(n, dtype=d), 0.3), T.rand(3)]
        return [repr(t) for t in out]
    assert draws(mt) == draws(torch)


@pytest.mark.parametrize("name", LOW)
def test_16_bit_default_dtype(name):
    def run(T):
        old = T.get_default_dtype()
        T.set_default_dtype(getattr(T, name))
        try:
            T.manual_seed(0)
            x = [T.tensor([0.1, 2.5]), T.tensor(0.3) * 2, T.ones(2) / 3, 2 / T.ones(2, dtype=T.int32), T.arange(3.0),
                 T.randn(3), T.nn.Linear(2, 2).weight, T.zeros(2, dtype=T.int64) + 0.7, T.Tensor(2).zero_()]
            return [repr(t) for t in x]
        finally:
            T.set_default_dtype(old)
    assert run(mt) == run(torch)


@pytest.mark.parametrize("make", [
    lambda tmp: mt.zeros(2, dtype=mt.float16), lambda tmp: mt.ones(2).to(mt.bfloat16),
    lambda tmp: mt.from_numpy(np.ones(2, np.float16)), lambda tmp: mt.tensor(np.ones(2, np.float16)),
    lambda tmp: mt.ones(2, dtype=mt.int16).view(mt.float16), lambda tmp: mt.nn.Linear(2, 2).half().weight,
    lambda tmp: __import__("pickle").loads(__import__("pickle").dumps(half_made_unseen())),
    lambda tmp: (torch.save({"h": torch.ones(2, dtype=torch.float16)}, tmp / "h.pt"), mt.load(tmp / "h.pt")["h"])[1],
    lambda tmp: (torch.save({"b": torch.ones(2, dtype=torch.bfloat16)}, tmp / "b.pt"), mt.load(tmp / "b.pt")["b"])[1],
])
def test_every_way_a_16_bit_tensor_appears_turns_on_the_16_bit_path(tmp_path, make):
    """``Function.apply`` looks for 16-bit inputs only once one has appeared
    (``_dtype.low_precision_seen``); each way to make a 16-bit tensor must say so."""
    from minitorch_compat import _dtype
    _dtype.forget_low_precision()
    t = make(tmp_path)
    assert _dtype.low_precision_seen and t.dtype in (mt.float16, mt.bfloat16)
    _dtype.forget_low_precision()
    (mt.ones(2) + 1).sum().dtype
    assert not _dtype.low_precision_seen  # float32 work never turns it on


def half_made_unseen():
    """A float16 tensor, with the flag turned off again: only unpickling it may turn it on."""
    from minitorch_compat import _dtype
    t = mt.ones(2, dtype=mt.float16)
    _dtype.forget_low_precision()
    return t
