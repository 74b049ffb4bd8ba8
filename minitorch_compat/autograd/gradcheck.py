"""``torch.autograd.gradcheck``: compare analytical gradients with finite differences.

torch's algorithm (``torch/autograd/gradcheck.py``, backward mode), step by step:

1. Check the inputs: at least one must require grad (ValueError); each one that does and
   is not float64/complex128 gets a warning (the default tolerances assume double).
2. Run ``func`` once. Its outputs that require grad are the *differentiable outputs*.
3. Numerical Jacobian, one column per input element: the central difference
   ``(f(x + eps) - f(x - eps)) / (2 eps)``, computed in the output's dtype.
4. Analytical Jacobian, one row per output element: a backward pass with a one-hot
   ``grad_output`` (keeping the graph), done twice -- the two runs must agree within
   ``nondet_tol`` ("reentrant").
5. ``allclose(analytical, numerical, rtol, atol)`` for every (output, input) pair, else
   ``GradcheckError`` "Jacobian mismatch for output i with respect to input j".
6. The backward must scale with ``grad_output``: a zero ``grad_output`` gives zero input
   gradients ("backward not multiplied by grad_output"); with ``check_undefined_grad``,
   a fresh run must handle all-zero output gradients too.

``fast_mode`` replaces steps 3-5 by scalars: with random unit vectors ``u`` (one per
input) and ``v`` (one per output), compare ``v^T (J u)`` -- ``J u`` as one directional
finite difference -- with ``(v^T J) u`` -- one backward pass -- allowing ``atol *
sum(u) * sum(v)``. The vectors come from a fresh ``Generator`` as in torch, so they are
torch's own. ``raise_exception=False`` turns a GradcheckError into ``False``.

Where we differ: the inputs are detached first (leaves sharing memory with the given
tensors), so a non-leaf input's own history is never walked or freed; torch achieves
the same by stopping its backward pass at the inputs. Forward-mode AD and vmap checks
(``check_forward_ad``, ``check_batched_grad``...) are not implemented.

``gradgradcheck`` is torch's: the gradcheck of the function ``(inputs, grad_outputs) ->
grad(func(inputs), inputs, grad_outputs, create_graph=True)``.
"""
import warnings

import numpy as np


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` (and ``gradgradcheck``) when a check fails."""


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True,
              fast_mode=False, masked=None):
    """True when ``func``'s backward agrees with finite differences at ``inputs``."""
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    if check_forward_ad or check_batched_grad or check_batched_forward_grad:
        raise NotImplementedError("minitorch_compat's gradcheck has no forward-mode AD or batched (vmap) checks")
    try:
        return _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad, fast_mode)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad, fast_mode):
    inputs = _check_inputs(_as_tuple(inputs))                                     # 1
    diff = [x for x in inputs if isinstance(x, Tensor) and x._requires_grad]
    outputs = _as_tuple(func(*inputs))                                            # 2
    positions = [k for k, o in enumerate(outputs) if o._requires_grad]
    diff_out = [outputs[k] for k in positions]
    if not diff_out:
        if any(np.any(n != 0) for per_input in _numerical(func, inputs, diff, eps, outputs) for n in per_input):
            raise GradcheckError("Numerical gradient for function expected to be zero")
    elif fast_mode:
        _fast_check(func, inputs, diff, outputs, positions, eps, atol, rtol, nondet_tol)
    else:
        numerical = _numerical(func, inputs, diff, eps, outputs)                  # 3
        for i, k in enumerate(positions):
            analytical = _analytical(outputs[k], diff, nondet_tol)                # 4
            for j, a in enumerate(analytical):
                if not _allclose(a, numerical[j][k], rtol, atol):                 # 5
                    raise GradcheckError(_mismatch(_wrap(a), _wrap(numerical[j][k]), i, j))
    _check_zero_grad_output(diff_out, diff)                                       # 6
    if check_undefined_grad and diff_out:
        _check_zero_grad_output([o for o in _as_tuple(func(*inputs)) if o._requires_grad], diff, undefined=True)
    return True


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _check_inputs(inputs):
    """Step 1, and the detaching described in the module docstring."""
    if not any(isinstance(x, Tensor) and x._requires_grad for x in inputs):
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    detached = []
    for idx, x in enumerate(inputs):
        if isinstance(x, Tensor) and x._requires_grad:
            if x._data.dtype not in (np.float64, np.complex128):
                warnings.warn(f"Input #{idx} requires gradient and is not a double precision floating point or "
                              "complex. This check will likely fail if all the inputs are not of double precision "
                              "floating point or complex. ", UserWarning, stacklevel=4)
            if any(st == 0 and sz > 1 for st, sz in zip(x._data.strides, x._data.shape)):
                raise RuntimeError(f"The {idx}th input has a dimension with stride 0. gradcheck only supports "
                                   "inputs that are non-overlapping to be able to compute the numerical gradients "
                                   "correctly. You should call .contiguous on the input before passing it to "
                                   "gradcheck.")
            x = x.detach().requires_grad_()
        detached.append(x)
    return tuple(detached)


# ---- step 3: finite differences --------------------------------------------------------------
def _perturbed(func, inputs, x, index, delta):
    """``(f(x + delta) - f(x - delta))`` per output, perturbing ``x`` in place at ``index``."""
    orig = x._data[index].copy()
    try:
        x._data[index] = orig - delta
        with no_grad():
            lo = [o._data for o in _as_tuple(func(*inputs))]
        x._data[index] = orig + delta
        with no_grad():
            hi = [o._data for o in _as_tuple(func(*inputs))]
    finally:
        x._data[index] = orig
    for a, b in zip(lo, hi):
        if a.shape != b.shape or a.dtype != b.dtype:
            raise AssertionError(f"Expected `func` to return outputs with the same shape and dtype when inputs "
                                 f"are perturbed by {delta}")
    return [b - a for a, b in zip(lo, hi)]


def _numerical(func, inputs, diff, eps, outputs):
    """``[input][output]`` Jacobians of shape (input numel, output numel), output dtype."""
    jacobians = []
    for x in diff:
        per_output = [np.zeros((x._data.size, o._data.size), o._data.dtype) for o in outputs]
        for col in range(x._data.size):
            diffs = _perturbed(func, inputs, x, np.unravel_index(col, x._data.shape), eps)
            for jac, d in zip(per_output, diffs):
                jac[col] = (d / (2 * eps)).reshape(-1)
        jacobians.append(per_output)
    return jacobians


# ---- step 4: backward passes -------------------------------------------------------------------
def _vjp(out, diff, grad_output):
    from . import grad
    grads = grad(out, diff, _wrap(grad_output), retain_graph=True, allow_unused=True)
    return [np.zeros(x._data.size, x._data.dtype) if g is None else g._data.reshape(-1) for g, x in zip(grads, diff)]


def _analytical(out, diff, nondet_tol):
    """``[input]`` Jacobians of ``out`` (input numel, output numel), row by row."""
    def rows():
        onehot = np.zeros(out._data.size, out._data.dtype)
        columns = [np.zeros((x._data.size, out._data.size), x._data.dtype) for x in diff]
        for r in range(out._data.size):
            onehot[:] = 0
            onehot[r] = 1
            for jac, g in zip(columns, _vjp(out, diff, onehot.reshape(out._data.shape))):
                jac[:, r] = g
        return columns
    return _reentrant(rows, nondet_tol)


def _reentrant(backward, nondet_tol):
    """Run ``backward`` twice: its arrays must agree within ``nondet_tol``."""
    first, second = backward(), backward()
    if any(a.size and np.abs(a - b).max() > nondet_tol for a, b in zip(first, second)):
        raise GradcheckError("Backward is not reentrant, i.e., running backward with same input and grad_output "
                             "multiple times gives different values, although analytical gradient matches "
                             f"numerical gradient.The tolerance for nondeterminism was {nondet_tol}." + _NONDET_NOTE)
    return first


def _allclose(a, n, rtol, atol):
    dt = np.promote_types(a.dtype, n.dtype)
    return bool(np.allclose(a.astype(dt), n.astype(dt), rtol=rtol, atol=atol))


def _mismatch(analytical, numerical, out_idx, in_idx):
    return (f"Jacobian mismatch for output {out_idx:d} with respect to input {in_idx:d},\n"
            f"numerical:{numerical}\nanalytical:{analytical}\n")


# ---- fast mode -------------------------------------------------------------------------------
def _fast_check(func, inputs, diff, outputs, positions, eps, atol, rtol, nondet_tol):
    from .._generator import Generator
    g = Generator()  # a fresh generator: torch's vectors, and the user's stream untouched
    all_u = [_unit_vector(x, g) for x in diff]
    all_v = [_unit_vector(outputs[k], g) for k in positions]
    numerical = []  # [input][output]: v^T (J u)
    for x, u in zip(diff, all_u):
        ju = _perturbed(func, inputs, x, Ellipsis, (u * eps).reshape(x._data.shape))
        numerical.append([float(np.dot(v, (ju[k] / (2 * eps)).reshape(-1))) for k, v in zip(positions, all_v)])
    analytical = [_reentrant(lambda: _vjp(outputs[k], diff, v.reshape(outputs[k]._data.shape)), nondet_tol)
                  for k, v in zip(positions, all_v)]  # [output][input]: v^T J
    for j, u in enumerate(all_u):
        for i, v in enumerate(all_v):
            a, n = float(np.dot(analytical[i][j], u)), numerical[j][i]
            if not abs(a - n) <= atol * float(u.sum()) * float(v.sum()) + rtol * abs(n):
                raise GradcheckError(_mismatch(a, n, i, j) + _slow_report(func, inputs, diff, positions[i], j,
                                                                          eps, atol, rtol))


def _unit_vector(t, g):
    from .._ops.sampling import rand
    vec = rand(t._data.size, generator=g)._data.astype(t._data.dtype)
    return vec / np.sqrt(np.sum(vec * vec))


def _slow_report(func, inputs, diff, k, j, eps, atol, rtol):
    """What fast mode appends to its error: the same pair's Jacobians, computed slowly."""
    outputs = _as_tuple(func(*inputs))
    numerical = _numerical(func, inputs, [diff[j]], eps, outputs)[0][k]
    analytical = _analytical(outputs[k], diff, 0.0)[j]
    msg = ("\nThe above quantities relating the numerical and analytical jacobians are computed \n"
           "in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \n"
           "about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n"
           f"Numerical:\n {_wrap(numerical)}\nAnalytical:\n{_wrap(analytical)}\n\n"
           f"The max per-element difference (slow mode) is: {float(np.abs(numerical - analytical).max())}.\n")
    return msg + _FAST_FAIL_SLOW_OK if _allclose(analytical, numerical, rtol, atol) else msg


# ---- step 6 ----------------------------------------------------------------------------------
def _check_zero_grad_output(outputs, diff, undefined=False):
    from . import grad
    if not outputs:
        return
    try:
        grads = grad(outputs, diff, [_wrap(np.zeros_like(o._data)) for o in outputs], allow_unused=True)
    except RuntimeError as e:
        if not undefined:
            raise
        warnings.warn(_UNDEFINED_WARNING, UserWarning, stacklevel=4)
        raise GradcheckError("Expected backward function to handle undefined output grads. Please look at "
                             "\"Notes about undefined output gradients\" in \"tools/autograd/derivatives.yaml\"") from e
    for g, x in zip(grads, diff):
        if g is None:
            continue
        if np.any(g._data != 0):
            if undefined:
                warnings.warn(_UNDEFINED_WARNING, UserWarning, stacklevel=4)
                raise GradcheckError("Expected all input grads to be undefined or zero when all output grads are "
                                     "undefined or zero. Please look at \"Notes about undefined output gradients\" "
                                     "in \"tools/autograd/derivatives.yaml\"")
            raise GradcheckError("backward not multiplied by grad_output")
        if g._data.dtype != x._data.dtype:
            raise GradcheckError("grad is incorrect type")
        if g._data.shape != x._data.shape:
            raise GradcheckError("grad is incorrect size")


_UNDEFINED_WARNING = ("Backwards compatibility: New undefined gradient support checking feature is enabled by "
                      "default, but it may break existing callers of this function. If this is true for you, you can "
                      "call this function with \"check_undefined_grad=False\" to disable the feature")

_NONDET_NOTE = """\n
NOTE: If your op relies on non-deterministic operations i.e., it is listed here:
https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html
this failure might be expected.

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.
If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `nondet_tol=<tol>` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_nondet_tol=<tol>`.
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_nondet_tol=<tol>`
"""

_FAST_FAIL_SLOW_OK = """Fast gradcheck failed but element-wise differences are small. This means that the
test might've passed in slow_mode!

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck:

If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `fast_mode=False` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_fast_mode=False`
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_fast_mode=False`"""


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False, masked=False):
    """True when the *gradients* of ``func`` have correct gradients: torch's algorithm is
    ``gradcheck`` of the function ``(inputs, grad_outputs) -> grad(func(inputs), inputs,
    grad_outputs, create_graph=True)``, with random ``grad_outputs`` in [-1, 1) when none
    are given (torch's ``make_tensor``: drawn from the global generator)."""
    from . import grad
    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError("Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True")
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outputs = [o for o in _as_tuple(func(*inputs)) if o._requires_grad]
        grad_outputs = tuple(empty(o.shape, dtype=o.dtype if o._data.dtype.kind in "fc" else float64).uniform_(-1, 1)
                             .requires_grad_() for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    n_out = len(grad_outputs)
    diff_inputs = {i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x._requires_grad}

    def grads_of_func(*args):
        with enable_grad():  # (gradcheck's finite differences run without grad: this needs it)
            xs = args[:-n_out]
            outputs = [o for o in _as_tuple(func(*xs)) if o._requires_grad]
            grads = grad(outputs, [x for i, x in enumerate(xs) if i in diff_inputs], args[-n_out:],
                          create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(grads_of_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol, check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, check_batched_grad=check_batched_grad, fast_mode=fast_mode,
                     check_forward_ad=check_fwd_over_rev, check_backward_ad=check_rev_over_rev, masked=masked)


from .._tensor import Tensor, _wrap  # noqa: E402
from .grad_mode import no_grad, enable_grad  # noqa: E402
from .._ops.creation import empty  # noqa: E402
from .._dtype import float64  # noqa: E402
