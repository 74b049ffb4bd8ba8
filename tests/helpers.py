"""Shared strategies and comparisons for the torch-equivalence tests.

Every equivalence test follows one pattern: draw NumPy arrays with hypothesis, build a
real torch tensor and a minitorch_compat tensor from the *same* array, run the same
function on both (``fn(T, *tensors)``, where ``T`` is the ``torch`` module or ours), and
compare the results: values, dtype, shape and, for differentiable inputs, the gradients
that ``backward`` leaves in ``.grad``.
"""
import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minitorch_compat as mt

# ---------------------------------------------------------------------------- dtypes

FLOAT_DTYPES = [np.float32, np.float64]
INT_DTYPES = [np.int64, np.int32, np.int16, np.int8, np.uint8]
ALL_DTYPES = FLOAT_DTYPES + INT_DTYPES + [np.bool_]

# float64 must agree to rounding; float32 to about 1e-5 relative (summation orders differ).
TOL = {np.dtype(np.float64): (1e-10, 1e-12), np.dtype(np.float32): (1e-5, 1e-5),
       np.dtype(np.float16): (1e-3, 1e-3)}


def dtype_name(d):
    """'torch.float32' for either library's dtype object."""
    return repr(d) if isinstance(d, mt.dtype) else str(d)


# ---------------------------------------------------------------------------- strategies

def shapes(min_dims=0, max_dims=4, min_side=1, max_side=4):
    """Tensor shapes, 0-d included by default."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcast_pair(min_dims=0, max_dims=4, max_side=4):
    """Two shapes that broadcast against each other (either may be 0-d or shorter)."""
    return hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=min_dims, max_dims=max_dims,
                                             max_side=max_side).map(lambda r: r.input_shapes)


def elements(dtype, lo=-10, hi=10, positive=False, subnormal=True):
    """Values for ``dtype``: small integers (so ties and exact zeros happen) mixed with floats."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return st.booleans()
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return st.integers(max(lo, int(info.min), 1 if positive else lo), min(hi, int(info.max)))
    width = 32 if dtype == np.float32 else 64
    lo_f = 0.125 if positive else float(lo)
    return st.one_of(st.integers(max(int(lo_f), 1) if positive else lo, hi).map(float),
                     st.floats(lo_f, float(hi), width=width, allow_nan=False, allow_infinity=False,
                               allow_subnormal=None if subnormal else False))


def arrays(dtype, shape, **kw):
    """A NumPy array of ``dtype`` and ``shape`` (a shape or a shape strategy)."""
    return hnp.arrays(np.dtype(dtype), shape, elements=elements(dtype, **kw))


def float_arrays(shape=None, dtypes=FLOAT_DTYPES, **kw):
    """(array) of a float dtype drawn from ``dtypes``."""
    shape = shapes() if shape is None else shape
    return st.sampled_from(dtypes).flatmap(lambda d: arrays(d, shape, **kw))


@st.composite
def array_pair(draw, dtypes=FLOAT_DTYPES, same_dtype=True, max_dims=4, **kw):
    """Two arrays whose shapes broadcast together."""
    sa, sb = draw(broadcast_pair(max_dims=max_dims))
    da = draw(st.sampled_from(dtypes))
    db = da if same_dtype else draw(st.sampled_from(dtypes))
    return draw(arrays(da, sa, **kw)), draw(arrays(db, sb, **kw))


@st.composite
def array_and_dim(draw, dtypes=FLOAT_DTYPES, min_dims=1, max_dims=4, **kw):
    """An array and one valid dimension of it (negative dims included)."""
    shape = draw(shapes(min_dims=min_dims, max_dims=max_dims))
    n = max(len(shape), 1)
    dim = draw(st.integers(-n, n - 1))
    return draw(arrays(draw(st.sampled_from(dtypes)), shape, **kw)), dim


def python_scalars(kinds=("int", "float", "bool")):
    opts = {"int": st.integers(-5, 5), "float": st.floats(-5, 5, allow_nan=False).map(lambda v: float(round(v, 3))),
            "bool": st.booleans()}
    return st.one_of(*[opts[k] for k in kinds])


# ---------------------------------------------------------------------------- building both

def make(T, arr, requires_grad=False):
    """A leaf tensor of library ``T`` holding a copy of ``arr``."""
    arr = np.array(arr, copy=True)
    t = T.from_numpy(arr) if isinstance(arr, np.ndarray) else T.tensor(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _can_grad(a):
    return isinstance(a, np.ndarray) and a.dtype.kind == "f"


def assert_same_structure(ours, theirs, path="obj"):
    """Deep, exact comparison of one of our results with torch's: the same container types
    (by type name: list, tuple, namedtuple, dict, OrderedDict), dict keys in the same order,
    the same ``_metadata`` on state dicts, and for tensors the same class (Tensor or
    Parameter), dtype, shape, ``requires_grad`` and values (NaN equal to NaN)."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, mt.Tensor), f"{path}: expected a Tensor, got {type(ours)}"
        assert isinstance(ours, mt.nn.Parameter) == isinstance(theirs, torch.nn.Parameter), f"{path}: Parameter or not"
        assert dtype_name(ours.dtype) == dtype_name(theirs.dtype), f"{path}: dtype {ours.dtype} != {theirs.dtype}"
        assert tuple(ours.shape) == tuple(theirs.shape), f"{path}: shape {tuple(ours.shape)} != {tuple(theirs.shape)}"
        assert ours.requires_grad == theirs.requires_grad, f"{path}: requires_grad"
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy(), err_msg=path)
        return
    assert type(ours).__name__ == type(theirs).__name__, f"{path}: {type(ours)} != {type(theirs)}"
    if isinstance(theirs, dict):
        assert list(ours) == list(theirs), f"{path}: keys {list(ours)} != {list(theirs)}"
        assert getattr(ours, "_metadata", None) == getattr(theirs, "_metadata", None), f"{path}: _metadata"
        for k in theirs:
            assert_same_structure(ours[k], theirs[k], f"{path}[{k!r}]")
    elif isinstance(theirs, (list, tuple)) and not isinstance(theirs, torch.Size):
        assert len(ours) == len(theirs), f"{path}: length {len(ours)} != {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same_structure(a, b, f"{path}[{i}]")
    elif isinstance(theirs, np.ndarray):
        np.testing.assert_array_equal(ours, theirs, err_msg=path)
    elif isinstance(theirs, float) and np.isnan(theirs):
        assert np.isnan(ours), path
    elif isinstance(theirs, torch.dtype):
        assert dtype_name(ours) == dtype_name(theirs), path
    else:
        assert ours == theirs, f"{path}: {ours!r} != {theirs!r}"


def same(fn):
    """Run a scenario ``fn(T)`` with ``T`` = each library and compare everything it returns."""
    assert_same_result(fn(mt), fn(torch))


def both(fn, *args, grad=True):
    """Run ``fn(T, *tensors)`` for torch and for us; arrays in ``args`` become leaf tensors
    (requiring grad when ``grad`` and floating), everything else is passed unchanged.
    Returns ((our result, our leaves), (torch result, torch leaves))."""
    out = []
    for T in (mt, torch):
        leaves = [make(T, a, grad and _can_grad(a)) if isinstance(a, np.ndarray) else a for a in args]
        out.append((fn(T, *leaves), leaves))
    return out[0], out[1]


def assert_close(ours, theirs, rtol=None, atol=None, check_dtype=True, what="value"):
    """Same shape, same dtype, same values (exact for integers/bools, tolerant for floats)."""
    assert isinstance(ours, mt.Tensor), f"{what}: expected a Tensor, got {type(ours).__name__}"
    assert tuple(ours.shape) == tuple(theirs.shape), f"{what}: shape {tuple(ours.shape)} != torch {tuple(theirs.shape)}"
    if check_dtype:
        assert dtype_name(ours.dtype) == dtype_name(theirs.dtype), f"{what}: dtype {ours.dtype} != torch {theirs.dtype}"
    a = ours.detach().numpy()
    b = theirs.detach().numpy(force=True)  # (force: torch's gradient may be a ZeroTensor)
    if b.dtype.kind in "fc" or a.dtype.kind in "fc":
        dflt = TOL.get(np.dtype(b.dtype), (1e-5, 1e-5))
        np.testing.assert_allclose(a, b, rtol=dflt[0] if rtol is None else rtol,
                                   atol=dflt[1] if atol is None else atol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


def assert_exact(ours, theirs, what="value"):
    """Same shape, same dtype and exactly the same values (NaN equal to NaN)."""
    assert_close(ours, theirs, rtol=0, atol=0, what=what)


def assert_same_result(ours, theirs, **kw):
    """Compare results of any kind: Tensors, (named) tuples/lists of them, Python values."""
    if isinstance(theirs, torch.Tensor):
        assert_close(ours, theirs, **kw)
    elif isinstance(theirs, (tuple, list)):
        assert type(ours).__name__ == type(theirs).__name__ or not hasattr(theirs, "_fields"), \
            f"{type(ours).__name__} != {type(theirs).__name__}"
        assert len(ours) == len(theirs), f"{len(ours)} results != torch's {len(theirs)}"
        if hasattr(theirs, "_fields") or hasattr(type(theirs), "n_fields"):
            for name in ("values", "indices"):
                if hasattr(theirs, name):
                    assert_same_result(getattr(ours, name), getattr(theirs, name), **kw)
        for o, t in zip(ours, theirs):
            assert_same_result(o, t, **kw)
    elif isinstance(theirs, float):
        assert isinstance(ours, float) and (np.isclose(ours, theirs, equal_nan=True))
    else:
        assert type(ours) is type(theirs), f"{type(ours).__name__} != torch {type(theirs).__name__}"
        assert ours == theirs


def _tensor_outputs(res):
    kinds = (torch.Tensor, mt.Tensor)
    if isinstance(res, kinds):
        return [res]
    if isinstance(res, (tuple, list)):
        return [r for r in res if isinstance(r, kinds)]
    return []


def check_op(fn, *args, grad=True, seed=0, **kw):
    """The whole equivalence check for one call: forward results, then gradients.

    The backward pass starts from a fixed pseudo-random ``gradient`` of the output's shape
    (not just ones), so every output element's contribution is distinguishable.
    """
    (ours, our_leaves), (theirs, their_leaves) = both(fn, *args, grad=grad)
    assert_same_result(ours, theirs, **kw)
    if not grad:
        return ours, theirs
    pairs = [(o, t) for o, t in zip(_tensor_outputs(ours), _tensor_outputs(theirs)) if t.requires_grad]
    if not pairs:
        return ours, theirs
    rng = np.random.default_rng(seed)
    t_grads, o_grads = [], []
    for o, t in pairs:
        assert o.requires_grad, "torch's output requires grad, ours does not"
        g = np.asarray(rng.uniform(-1, 1, tuple(t.shape)), dtype=t.detach().numpy().dtype)
        t_grads.append(torch.from_numpy(g.copy()))
        o_grads.append(mt.from_numpy(g.copy()))
    torch.autograd.backward([t for _, t in pairs], t_grads)
    mt.autograd.backward([o for o, _ in pairs], o_grads)
    # A float64 leaf whose gradient flowed through float32 values is only float32-accurate.
    floats = [np.dtype(a.dtype) for a in args if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    floats += [g.numpy().dtype for g in t_grads]
    if floats and not {"rtol", "atol"} & set(kw):
        kw = dict(kw, **dict(zip(("rtol", "atol"), TOL[min(floats, key=lambda d: d.itemsize)])))
    for i, (o, t) in enumerate(zip(our_leaves, their_leaves)):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            if t.grad is None:
                assert o.grad is None or not np.any(o.grad.numpy()), f"grad of input {i}: torch has none"
            else:
                assert o.grad is not None, f"grad of input {i}: ours is None, torch's is not"
                assert_close(o.grad, t.grad, what=f"grad of input {i}", **kw)
    return ours, theirs


def raises_like(fn, *args, match_message=False):
    """Call ``fn(T, *tensors)`` on both libraries: ours must raise exactly torch's exception type
    (and, with ``match_message``, the same message)."""
    import pytest
    T_args = [make(torch, a) if isinstance(a, np.ndarray) else a for a in args]
    with pytest.raises(Exception) as expected:
        fn(torch, *T_args)
    O_args = [make(mt, a) if isinstance(a, np.ndarray) else a for a in args]
    with pytest.raises(Exception) as got:
        fn(mt, *O_args)
    assert type(got.value) is type(expected.value), \
        f"ours raised {type(got.value).__name__}({got.value}), torch raised {type(expected.value).__name__}({expected.value})"
    if match_message:
        assert str(got.value) == str(expected.value)
    return got.value, expected.value


# ---------------------------------------------------------------------------- one call, as code

def same_call(code, env):
    """Evaluate the expression ``code`` with ``env(T)`` as its names (``T`` is the library)
    for torch and for us: the same result -- dtype, shape, ``requires_grad``, ``grad_fn``
    name and bit-identical values of every tensor in it -- or the same exception type,
    and the same warnings. A leading ``~`` compares tensors' dtype and shape only."""
    theirs, their_error, their_warnings = _eval_call(torch, code, env)
    ours, our_error, our_warnings = _eval_call(mt, code, env)
    if their_error is not None:
        assert type(our_error) is type(their_error), \
            f"torch raised {type(their_error).__name__}: {their_error}; ours gave {our_error!r} / {ours!r}"
        return
    assert our_error is None, f"ours raised {type(our_error).__name__}: {our_error}"
    _same_value(ours, theirs, values=not code.startswith("~"))
    assert our_warnings == their_warnings


def _eval_call(T, code, env):
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = eval(code.lstrip("~"), env(T)), None
        except Exception as e:  # noqa: BLE001 - the exception type is what is compared
            result, error = None, e
    return result, error, [(w.category, str(w.message).split(" (Triggered internally")[0]) for w in caught]


def _same_value(ours, theirs, values, where="result"):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, mt.Tensor), f"{where}: {type(ours).__name__}, torch gave a Tensor"
        assert dtype_name(ours.dtype) == dtype_name(theirs.dtype), f"{where}: dtype {ours.dtype} != {theirs.dtype}"
        assert tuple(ours.shape) == tuple(theirs.shape), f"{where}: shape {tuple(ours.shape)} != {tuple(theirs.shape)}"
        assert ours.requires_grad == theirs.requires_grad, f"{where}: requires_grad differs"
        names = [None if t.grad_fn is None else t.grad_fn.name() for t in (ours, theirs)]
        assert names[0] == names[1], f"{where}: grad_fn {names[0]} != {names[1]}"
        if values:
            a, b = ours.detach().numpy(), theirs.detach().numpy()
            assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), f"{where}: values\n{a}\n!= torch's\n{b}"
    elif isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), f"{where}: {ours!r} != {theirs!r}"
        for i, (o, t) in enumerate(zip(ours, theirs)):
            _same_value(o, t, values, f"{where}[{i}]")
    else:
        assert ours == theirs, f"{where}: {ours!r} != torch's {theirs!r}"


# ---------------------------------------------------------------------------- graphs

def graph_of(t):
    """``t``'s backward graph as nested tuples ``(node name, *inputs)``; a leaf's
    AccumulateGrad is ``"AccumulateGrad"`` and an input that needs no gradient ``None``."""
    def node(fn):
        if fn is None:
            return None
        if fn.name() == "torch::autograd::AccumulateGrad":
            return "AccumulateGrad"
        return (fn.name(),) + tuple(node(f) for f, _ in fn.next_functions)
    return node(t.grad_fn)


def check_graph(fn, *args):
    """``fn(T, *tensors)`` records torch's graph (node names and edges), and a second
    backward through it is refused exactly when torch refuses it (saved values freed)."""
    (ours, _), (theirs, _) = both(fn, *args)
    ours, theirs = _tensor_outputs(ours)[0], _tensor_outputs(theirs)[0]
    assert graph_of(ours) == graph_of(theirs)
    outcomes = []
    for t in (ours, theirs):
        t.sum().backward()
        try:
            t.sum().backward()
            outcomes.append("allowed")
        except RuntimeError as e:
            outcomes.append(type(e).__name__ if "second time" in str(e) else str(e))
    assert outcomes[0] == outcomes[1], f"second backward: ours {outcomes[0]}, torch {outcomes[1]}"


# ---------------------------------------------------------------------------- whole scenarios

def seeded_scenario(scenario, seed=0):
    """Run ``scenario(T)`` for us and for torch, each right after ``T.manual_seed(seed)`` (so
    module initialisation and random draws agree). It returns ``(seen, tensors)``: plain
    values that must be equal (names, reprs, messages) and tensors compared with
    ``assert_close``, in order."""
    results = []
    for T in (mt, torch):
        T.manual_seed(seed)
        results.append(scenario(T))
    (our_seen, our_tensors), (their_seen, their_tensors) = results
    assert our_seen == their_seen
    assert len(our_tensors) == len(their_tensors), f"{len(our_tensors)} tensors != torch's {len(their_tensors)}"
    for i, (a, b) in enumerate(zip(our_tensors, their_tensors)):
        assert_close(a, b, what=f"tensor {i}")
