"""``torch.autograd.gradcheck``: compare analytical gradients with finite differences.

For a function ``f`` of float64 inputs, the numerical Jacobian is built column by
column with central differences ``(f(x + eps) - f(x - eps)) / (2 eps)``; the analytical
Jacobian row by row by back-propagating a one-hot gradient for each output element.
They must agree within ``atol + rtol * |numerical|`` (torch's defaults: eps=1e-6,
atol=1e-5, rtol=1e-3). Like torch, a mismatch raises ``GradcheckError`` unless
``raise_exception=False``, in which case it returns False.
"""
import numpy as np


class GradcheckError(RuntimeError):
    pass


def _outputs(fn, inputs):
    out = fn(*inputs)
    return (out,) if isinstance(out, Tensor) else tuple(o for o in out if isinstance(o, Tensor))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    from . import grad
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x._requires_grad]
    for i in diff:
        if inputs[i]._data.dtype != np.float64:
            import warnings
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point. "
                          "As a result, the check may fail due to the lack of precision.", UserWarning, stacklevel=2)
    outs = _outputs(func, inputs)
    for k, out in enumerate(outs):
        if not out._requires_grad:
            continue
        for i in diff:
            x = inputs[i]
            numerical = np.zeros((x._data.size, out._data.size))
            flat = x._data.reshape(-1)  # a view: writes move the input in place
            with no_grad():
                for j in range(flat.size):
                    orig = flat[j]
                    flat[j] = orig + eps
                    plus = _outputs(func, inputs)[k]._data.reshape(-1).astype(np.float64)
                    flat[j] = orig - eps
                    minus = _outputs(func, inputs)[k]._data.reshape(-1).astype(np.float64)
                    flat[j] = orig
                    numerical[j] = (plus - minus) / (2 * eps)
            analytical = np.zeros_like(numerical)
            for r in range(out._data.size):
                onehot = np.zeros(out._data.size, dtype=out._data.dtype)
                onehot[r] = 1
                out_k = _outputs(func, inputs)[k]
                g, = grad(out_k, x, _wrap(onehot.reshape(out._data.shape)), allow_unused=True)
                if g is not None:
                    analytical[:, r] = g._data.reshape(-1)
            if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {k} with respect to input {i},\n"
                    f"numerical:{_wrap(numerical)!r}\nanalytical:{_wrap(analytical)!r}\n")
    return True


def gradgradcheck(*args, **kwargs):
    raise NotImplementedError("minitorch_compat does not implement gradgradcheck (higher-order gradients) yet")


from .._tensor import Tensor, _wrap  # noqa: E402
from .grad_mode import no_grad  # noqa: E402
