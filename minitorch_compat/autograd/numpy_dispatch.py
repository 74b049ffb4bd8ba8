"""NumPy functions called with Tensors: torch's behaviour, or our ops in a graph-recording backward.

Every built-in backward formula is written once, with operators and NumPy calls on arrays
(``g * np.cos(x)``, ``np.where(mask, g, 0)``). For higher-order gradients
(``create_graph=True``) the same formula must record a graph, so the engine runs it on
Tensors (``run_formula``): the gradients and the saved values as graph tensors. Operators
on Tensors are our ops already; a NumPy call given a Tensor lands here, through NumPy's
own override protocol (``Tensor.__array_ufunc__`` for ufuncs such as ``np.exp``,
``Tensor.__array_function__`` for the rest, such as ``np.where`` and ``np.sum``), and while
a formula runs it is answered by the differentiable op of the same meaning (``_UFUNCS``,
``_FUNCTIONS``). A formula that writes into an array in place (``np.add.at``, ``a[k] = g``)
cannot record a graph; instead of a silently wrong higher-order gradient it raises,
naming its node.

Outside that window the protocol keeps torch's behaviour: ``np.exp(t)`` computes on the
data and returns a Tensor (torch's ``__array_wrap__``; a bool result becomes uint8, and a
tensor that requires grad is refused), ``ndarray + t`` is the Tensor operator as before,
and any other NumPy function sees the data (torch defines no ``__array_function__``).
"""
import numpy as np

from .._tensor import Tensor, _wrap
from .._dtype import from_numpy_dtype

_state = {"node": None}  # the node whose formula runs on Tensors, or None


def run_formula(ctx, grads):
    """``type(ctx).backward(ctx, *grads)`` on Tensors: the saved values become graph tensors.
    (A few ops whose formula works on arrays only say it again with other differentiable ops,
    as ``_graph_backward``: a convolution's input gradient is a transposed convolution.)"""
    from . import saved_variable
    saved, epoch, outer = ctx._saved, ctx._epoch, _state["node"]
    _state["node"] = ctx
    try:
        graph_backward = getattr(type(ctx), "_graph_backward", None)
        if graph_backward is not None:  # (it reads the inputs it needs itself)
            return graph_backward(ctx, *grads)
        ctx._saved = saved_variable.graph_values(ctx)
        ctx._epoch = Tensor._inplace_epoch
        try:
            return type(ctx).backward(ctx, *grads)
        except TypeError as e:  # np.zeros(shape, g.dtype), g.transpose(0, 2, 1): array-only calls
            refuse("a NumPy buffer filled in place" if "as a data type" in str(e) else f"an array-only call ({e})")
    finally:
        ctx._saved, ctx._epoch, _state["node"] = saved, epoch, outer


def recording():
    return _state["node"] is not None


def refuse(what):
    """A formula tried something that cannot record a graph: say which node, loudly."""
    node = _state["node"]
    raise NotImplementedError(f"minitorch_compat: {node.name()} does not support create_graph=True (its backward "
                              f"uses {what}, which records no graph) yet")


# ---- the protocol -------------------------------------------------------------------------------
def on_ufunc(ufunc, method, inputs, kwargs):
    if method == "__call__" and not kwargs.get("out"):
        op = _tables()[1 if _state["node"] is not None else 0].get(ufunc)
        if op is not None:
            return op(*inputs)
    if method == "accumulate" and _state["node"] is not None:  # running sums and products: cumsum, cumprod...
        op = _tables()[1].get((ufunc, method))
        if op is not None:
            return op(*inputs, **kwargs)
    if _state["node"] is not None:
        refuse(f"np.{ufunc.__name__}{'' if method == '__call__' else '.' + method}")
    return _as_torch(getattr(ufunc, method), inputs, kwargs)


def on_function(func, args, kwargs):
    if _state["node"] is not None:
        op = _tables()[2].get(func)
        if op is None:
            refuse(f"np.{func.__name__}")
        return op(*args, **kwargs)
    return func._implementation(*args, **kwargs)


def _as_torch(fn, inputs, kwargs):
    """torch: NumPy computes on the data (which a tensor that requires grad refuses to give)
    and the array result comes back as a Tensor, bool as uint8."""
    arrays = []
    for x in inputs:
        if isinstance(x, Tensor):
            x = x.numpy()
        arrays.append(x)
    out = kwargs.get("out")
    if out is not None:
        kwargs = dict(kwargs, out=tuple(o._data if isinstance(o, Tensor) else o for o in out))
    r = fn(*arrays, **kwargs)
    if isinstance(r, np.ndarray) and out is None:
        return _wrap(r.astype(np.uint8) if r.dtype == np.bool_ else r)
    return r


# ---- what each NumPy call means on Tensors ---------------------------------------------------------
def _t(x):
    """A NumPy constant (a mask, an index array) as a Tensor operand; numbers stay numbers."""
    return _wrap(x) if isinstance(x, np.ndarray) else x


def _dtype(d):
    return None if d is None else from_numpy_dtype(np.dtype(d))


def _sum(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    r = _reduction.sum(_t(a), axis, keepdims)
    return r if dtype is None else r.to(_dtype(dtype))


def _mean(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    return _reduction.mean(_t(a), axis, keepdims, dtype=_dtype(dtype))


def _amax(a, axis=None, out=None, keepdims=False, **kw):
    return _reduction.amax(_t(a), () if axis is None else axis, keepdims)


def _amin(a, axis=None, out=None, keepdims=False, **kw):
    return _reduction.amin(_t(a), () if axis is None else axis, keepdims)


def _where(condition, x=None, y=None):
    if x is None and y is None:
        return np.nonzero(condition._data if isinstance(condition, Tensor) else condition)
    return _pointwise.where(condition if isinstance(condition, Tensor) else _wrap(np.asarray(condition)), _t(x), _t(y))


def _like(fill):
    def like(a, dtype=None, order="K", subok=True, shape=None):
        shape = tuple(a.shape) if shape is None else (shape,) if isinstance(shape, int) else tuple(shape)
        return _creation.full(shape, fill, dtype=a.dtype if dtype is None else _dtype(dtype))
    return like


def _expand_dims(a, axis):
    a = _t(a)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    nd = a.ndim + len(axes)
    for ax in sorted(x % nd for x in axes):
        a = _shape.unsqueeze(a, ax)
    return a


def _squeeze(a, axis=None):
    return _shape.squeeze(_t(a), axis)


def _transpose(a, axes=None):
    a = _t(a)
    return _shape.permute(a, tuple(range(a.ndim))[::-1] if axes is None else tuple(int(x) for x in axes))


def _moveaxis(a, source, destination):
    a = _t(a)
    order = [n for n in range(a.ndim) if n != source % a.ndim]
    order.insert(destination % a.ndim, source % a.ndim)
    return _shape.permute(a, tuple(order))


def _split(a, indices_or_sections, axis=0):
    a = _t(a)
    n = a.shape[axis]
    if isinstance(indices_or_sections, int):
        return list(_shape.split(a, n // indices_or_sections, axis))
    bounds = [0] + [int(i) for i in indices_or_sections] + [n]
    return list(_shape.split(a, [b - c for c, b in zip(bounds, bounds[1:])], axis))


def _concatenate(arrays, axis=0, **kw):
    return _shape.cat([_t(a) for a in arrays], axis)


def _stack(arrays, axis=0, **kw):
    return _shape.stack([_t(a) for a in arrays], axis)


def _take_along_axis(arr, indices, axis):
    return _shape.gather(_t(arr), axis, _wrap(np.asarray(indices, dtype=np.int64)))


def _on_data(fn):
    """A NumPy function whose result is never differentiable (an index, a truth value): computed on the data."""
    return lambda a, *args, **kwargs: fn(a._data if isinstance(a, Tensor) else a, *args, **kwargs)


def _clip(a, a_min=None, a_max=None, **kw):
    return _pointwise.clamp(_t(a), a_min, a_max)


def _flip(m, axis=None):
    m = _t(m)
    return _shape.flip(m, tuple(range(m.ndim)) if axis is None else axis)


def _count_nonzero(a, axis=None, keepdims=False):
    return np.count_nonzero(a._data if isinstance(a, Tensor) else a, axis=axis, keepdims=keepdims)


# ---- the few ndarray methods formulas call on their values, present only while they run ------------
class _ArrayMethod:
    """``g.astype(...)`` in a formula: a Tensor answers while a formula runs on it, and
    otherwise has no such attribute, as in torch."""

    def __init__(self, fn):
        self.fn = fn

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None or _state["node"] is None:
            raise AttributeError(f"'Tensor' object has no attribute '{self.name}'")
        return lambda *args, **kwargs: self.fn(obj, *args, **kwargs)


def add_array_methods(cls):
    cls.astype = _ArrayMethod(lambda t, dtype, copy=True: t.to(dtype if not isinstance(dtype, (np.dtype, type, str))
                                                               else _dtype(dtype)))
    cls.copy = _ArrayMethod(lambda t: t.clone())
    cls.ravel = _ArrayMethod(lambda t: t.reshape(-1))
    for name in ("astype", "copy", "ravel"):
        vars(cls)[name].__set_name__(cls, name)


def _binary(op):
    return lambda a, b: op(_t(a), _t(b))


def _unary(op):
    return lambda a: op(_t(a))


_TABLES = []


def _tables():
    """(operators, ufuncs, functions): what each NumPy call means on Tensors (built on first
    use: the ops import the autograd package, which imports this module)."""
    if not _TABLES:
        _TABLES.extend(_build_tables())
    return _TABLES


def _build_tables():
    global _pointwise, _reduction, _shape, _linalg, _creation, _transformations, _cumulative
    from .._ops import pointwise as _pointwise, reduction as _reduction, shape as _shape, transformations as _transformations
    from .._ops import cumulative as _cumulative
    from .._ops import linalg as _linalg, creation as _creation, einsum as _einsum, linalg_solve as _linalg_solve

    P = _pointwise
    # ``ndarray + tensor`` and friends: the Tensor's operator, as before this protocol existed.
    _OPERATORS = {np.add: _binary(P.add), np.subtract: _binary(P.sub), np.multiply: _binary(P.mul),
                  np.true_divide: _binary(P.div), np.power: _binary(P.pow), np.matmul: _binary(_linalg.matmul),
                  np.equal: _binary(P.eq), np.not_equal: _binary(P.ne), np.less: _binary(P.lt),
                  np.less_equal: _binary(P.le), np.greater: _binary(P.gt), np.greater_equal: _binary(P.ge),
                  np.floor_divide: _binary(P.floor_divide), np.remainder: _binary(P.remainder)}
    _UFUNCS = {**_OPERATORS, **{
        np.negative: _unary(P.neg), np.positive: _unary(lambda x: x), np.exp: _unary(P.exp), np.log: _unary(P.log),
        np.log2: _unary(P.log2), np.log10: _unary(P.log10), np.log1p: _unary(P.log1p), np.expm1: _unary(P.expm1),
        np.sqrt: _unary(P.sqrt), np.square: _unary(lambda x: x * x), np.reciprocal: _unary(P.reciprocal),
        np.sin: _unary(P.sin), np.cos: _unary(P.cos), np.tanh: _unary(P.tanh), np.abs: _unary(P.abs),
        np.tan: _unary(P.tan), np.sinh: _unary(P.sinh), np.cosh: _unary(P.cosh), np.arctan: _unary(P.atan),
        np.arcsin: _unary(P.asin), np.arccos: _unary(P.acos), np.arcsinh: _unary(P.asinh),
        np.arccosh: _unary(P.acosh), np.arctanh: _unary(P.atanh), np.arctan2: _binary(P.atan2),
        np.hypot: _binary(P.hypot), np.logaddexp: _binary(P.logaddexp),
        np.sign: _unary(P.sgn), np.floor: _unary(P.floor), np.ceil: _unary(P.ceil), np.trunc: _unary(P.trunc),
        np.maximum: _binary(P.maximum), np.minimum: _binary(P.minimum), np.isnan: _unary(P.isnan),
        np.isinf: _unary(P.isinf), np.isfinite: _unary(P.isfinite), np.logical_not: _unary(P.logical_not),
        np.logical_and: _binary(P.logical_and), np.logical_or: _binary(P.logical_or),
        np.bitwise_and: _binary(P.bitwise_and), np.bitwise_or: _binary(P.bitwise_or), np.invert: _unary(P.bitwise_not),
        (np.add, "accumulate"): lambda a, axis=0, dtype=None: _cumulative.cumsum(_t(a), axis),
        (np.multiply, "accumulate"): lambda a, axis=0, dtype=None: _cumulative.cumprod(_t(a), axis),
        (np.logaddexp, "accumulate"): lambda a, axis=0, dtype=None: _cumulative.logcumsumexp(_t(a), axis),
    }}
    _FUNCTIONS = {
        np.where: _where, np.sum: _sum, np.mean: _mean, np.max: _amax, np.amax: _amax, np.min: _amin, np.amin: _amin,
        np.zeros_like: _like(0), np.ones_like: _like(1), np.expand_dims: _expand_dims, np.squeeze: _squeeze,
        np.broadcast_to: lambda a, shape, subok=False: _shape.expand(_t(a), tuple(shape)),
        np.reshape: lambda a, shape, order="C", **kw: _shape.reshape(_t(a), shape),
        np.swapaxes: lambda a, i, j: _shape.transpose(_t(a), i, j), np.transpose: _transpose, np.moveaxis: _moveaxis,
        np.split: _split, np.concatenate: _concatenate, np.stack: _stack, np.take_along_axis: _take_along_axis,
        np.clip: _clip, np.flip: _flip, np.count_nonzero: _count_nonzero,
        np.cumsum: lambda a, axis=None, dtype=None, out=None: _cumulative.cumsum(_t(a), axis),
        np.cumprod: lambda a, axis=None, dtype=None, out=None: _cumulative.cumprod(_t(a), axis),
        np.any: _on_data(np.any), np.all: _on_data(np.all), np.argmax: _on_data(np.argmax),
        np.argmin: _on_data(np.argmin),
        np.prod: lambda a, axis=None, dtype=None, out=None, keepdims=False, **kw: _reduction.prod(_t(a), axis, keepdims),
        np.var: lambda a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw:
            _reduction.var(_t(a), axis, keepdim=keepdims, correction=ddof),
        np.ndim: lambda a: a.ndim, np.shape: lambda a: tuple(a.shape),
        np.result_type: lambda *args: np.result_type(*[a._data if isinstance(a, Tensor) else a for a in args]),
        np.roll: lambda a, shift, axis=None: _transformations.roll(_t(a), shift, axis),
        np.rot90: lambda m, k=1, axes=(0, 1): _transformations.rot90(_t(m), k, axes),
        np.tril: lambda m, k=0: _transformations.tril(_t(m), k), np.triu: lambda m, k=0: _transformations.triu(_t(m), k),
        np.cross: lambda a, b, axis=-1: _linalg.cross(_t(a), _t(b), dim=axis),
        np.einsum: lambda subscripts, *operands, optimize=False: _einsum.einsum(subscripts, *[_t(o) for o in operands]),
        np.linalg.inv: lambda a: _linalg_solve.Inv.apply(_t(a)),
        np.linalg.solve: lambda a, b: _linalg_solve.Solve.apply(_t(a), _t(b), left=True, vector=b.ndim == 1),
    }
    return _OPERATORS, _UFUNCS, _FUNCTIONS
