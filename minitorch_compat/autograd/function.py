"""``torch.autograd.Function``: one differentiable operation, forward and backward together.

In torch, every operation that records history creates a *node* in the backward graph
(``t.grad_fn``). The node remembers what the backward formula needs (``ctx``) and the
edges to the nodes of its inputs (``next_functions``). Users write their own nodes by
subclassing ``Function`` with two static methods, ``forward(ctx, ...)`` and
``backward(ctx, *grad_outputs)``, and calling ``MyFn.apply(...)``.

How this file does it: the node *is* the ctx. ``apply`` creates one instance of the
Function subclass, runs ``forward`` with it as ``ctx``, and, when any input requires grad
and grad mode is on, wires the instance into the graph:

* ``ctx._next``: one edge per forward argument, ``(node, output_index)``, or
  ``(leaf_tensor, 0)`` for a leaf that requires grad, or ``None``.
* ``ctx.needs_input_grad``: one bool per forward argument, like torch's.

Every built-in op of minitorch_compat is written exactly this way (see ``_ops/``), with
one deliberate difference: built-ins set ``_raw = True``, so their ``forward`` and
``backward`` receive and return NumPy arrays instead of Tensors. That skips wrapping every
intermediate value in a Tensor, which is where a pure-Python autograd loses most of its
time. User-defined Functions (``_raw = False``) see Tensors, exactly as in torch.
"""
import numpy as np

from .grad_mode import _state, no_grad

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class FunctionCtx:
    """What ``forward`` can stash for ``backward`` (torch.autograd.function.FunctionCtx)."""

    _saved = ()
    _non_differentiable = ()
    materialize_grads = True

    def save_for_backward(self, *tensors):
        self._saved = tensors

    @property
    def saved_tensors(self):
        if self._saved is None:
            raise RuntimeError(_FREED)
        return self._saved

    saved_variables = saved_tensors

    def mark_non_differentiable(self, *outputs):
        self._non_differentiable = tuple(id(o) for o in outputs)

    def mark_dirty(self, *tensors):
        """Accepted for compatibility; in-place outputs need no special care here."""

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


class Function(FunctionCtx):
    """Base class of every differentiable operation (and of users' custom ones)."""

    _raw = False          # built-in ops: forward/backward work on NumPy arrays
    _next = ()
    _n_out = 1            # how many outputs forward returned (set by _wrap_outputs for a tuple)
    _hooks = None         # {output_index: [hook, ...]} from Tensor.register_hook/retain_grad
    needs_input_grad = ()

    def __init__(self, *args, **kwargs):
        # torch forbids instantiating Functions for use; apply() builds the node itself.
        pass

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.")

    setup_context = None  # torch 2.x style: forward(*args) without ctx, then setup_context(ctx, inputs, output)

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = object.__new__(cls)
        record = False
        if _state.enabled:
            for a in args:
                if isinstance(a, Tensor) and a._requires_grad:
                    record = True
                    break
        if cls._raw:
            try:
                out = cls.forward(ctx, *[a._data if isinstance(a, Tensor) else a for a in args], **kwargs)
            except ValueError as e:  # NumPy's broadcasting error, reworded as torch's RuntimeError
                err = _broadcast_error([a.shape for a in args if isinstance(a, Tensor)]) if "broadcast" in str(e) else None
                if err is None:
                    raise
                raise err from None
        else:
            out = _user_forward(cls, ctx, args, kwargs)
        if not record:
            return _wrap_outputs(out, None)
        # (list comprehensions, not generator expressions: this runs for every recorded op)
        ctx._next = edges = tuple([
            ((a.grad_fn, a._output_nr) if a.grad_fn is not None else (a, 0))
            if isinstance(a, Tensor) and a._requires_grad else None
            for a in args])
        ctx.needs_input_grad = tuple([e is not None for e in edges])
        return _wrap_outputs(out, ctx)

    # ---- what the engine and users see of a node ---------------------------------
    def name(self):
        """The node's name as torch prints it, e.g. ``MulBackward0``."""
        return getattr(type(self), "_backward_name", None) or type(self).__name__ + "Backward"

    @property
    def next_functions(self):
        return tuple((None, 0) if e is None else
                     ((_AccumulateGrad(e[0]), 0) if isinstance(e[0], Tensor) else e)
                     for e in self._next)

    def register_hook(self, fn):
        raise NotImplementedError("minitorch_compat does not implement Node.register_hook yet")

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    def _run_backward(self, grads):
        """Called by the engine with one gradient (array or None) per output."""
        if self._raw:
            res = type(self).backward(self, *grads)
        else:
            res = _user_backward(self, grads)
        return res if type(res) is tuple else (res,)


class _AccumulateGrad:
    """What torch shows in ``next_functions`` for a leaf: the node that fills ``.grad``."""

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"


def _wrap_outputs(out, ctx):
    if type(out) is tuple:
        if ctx is not None:
            ctx._n_out = len(out)
        return tuple(_wrap_one(o, ctx, i) for i, o in enumerate(out))
    return _wrap_one(out, ctx, 0)


def _wrap_one(o, ctx, i):
    if type(o) is np.ndarray:          # a built-in op's output (tested first: the usual case)
        t = object.__new__(Tensor)
        t._data = o
    elif isinstance(o, Tensor):        # user forward returned a Tensor
        t = o if ctx is None else o.detach()
        if ctx is not None and id(o) in ctx._non_differentiable:
            return t
    else:
        if o is None or isinstance(o, (int, float, bool, str)) and not isinstance(o, np.generic):
            return o
        t = object.__new__(Tensor)
        t._data = np.asarray(o)
    if ctx is not None and t._data.dtype.kind in "fc":
        t._requires_grad = True
        t.grad_fn = ctx
        t._output_nr = i
    return t


def _user_forward(cls, ctx, args, kwargs):
    """Run a user's forward on Tensors with grad mode off, as torch does."""
    with no_grad():
        if cls.setup_context is not None:
            out = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, out)
        else:
            out = cls.forward(ctx, *args, **kwargs)
    if isinstance(out, Tensor) and any(out is a for a in args):
        out = out.view_as(out)  # returning an input: torch gives back a new tensor object
    if type(out) is tuple:
        ctx._out_meta = tuple((o.shape, o.dtype) if isinstance(o, Tensor) else None for o in out)
    elif isinstance(out, Tensor):
        ctx._out_meta = ((out.shape, out.dtype),)
    return out


def _user_backward(ctx, grads):
    from .. import zeros
    wrapped = []
    for g, meta in zip(grads, ctx._out_meta):
        if g is None and ctx.materialize_grads and meta is not None:
            wrapped.append(zeros(meta[0], dtype=meta[1]))
        else:
            wrapped.append(None if g is None else _wrap_plain(g))
    with no_grad():
        res = type(ctx).backward(ctx, *wrapped)
    if type(res) is not tuple:
        res = (res,)
    n_in = len(ctx._next)
    if len(res) != n_in and not (len(res) > n_in and all(r is None for r in res[n_in:])):
        raise RuntimeError(f"function {ctx.name()} returned an incorrect number of gradients (expected {n_in}, got {len(res)})")
    return tuple(r._data if isinstance(r, Tensor) else r for r in res[:n_in])


def _wrap_plain(a):
    t = object.__new__(Tensor)
    t._data = a
    return t


class once_differentiable:  # noqa: N801 - torch's name
    """Decorator accepted for compatibility: backward here is never differentiated again."""

    def __new__(cls, fn):
        return fn


from .._tensor import Tensor, _broadcast_error  # noqa: E402  (Tensor's module imports this one too)
