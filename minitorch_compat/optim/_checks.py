"""torch's argument checks for optimizers, with torch's exact exceptions and messages.

Kept apart from the algorithms (``sgd.py``, ``adam.py``...), which call them once in
their constructor (and ``Optimizer.step`` calls ``_reject_options`` for options a CPU
step cannot honour).
"""
from .._tensor import Tensor


def _check_nonnegative(nan_ok=False, **values):
    """torch's hyperparameter checks, in the order given: ``Invalid learning rate: -1``,
    ``Invalid epsilon value: ...``, ``Invalid <name> value: ...``. SGD tests ``x < 0``
    (``nan_ok``: a NaN passes), the others ``not 0 <= x``."""
    for name, value in values.items():
        if name == "lr" and isinstance(value, Tensor) and value.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if value < 0.0 if nan_ok else not 0.0 <= value:
            what = {"lr": "learning rate", "eps": "epsilon value"}.get(name, name + " value")
            raise ValueError(f"Invalid {what}: {value}")


def _check_betas(betas):
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def _check_fused(fused, foreach, differentiable):
    """torch's errors for ``fused=True`` combined with options it cannot fuse."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def _reject_options(optimizer, group):
    """torch's errors for a CPU step with ``capturable=True`` (its check of the devices) or
    ``differentiable=True`` (an in-place update of a leaf that requires grad)."""
    params = [p for p in group["params"] if p._grad is not None]
    if not params:
        return
    if group.get("capturable"):
        raise AssertionError(f"If capturable=True, {optimizer._capturable_tensors} must be on supported devices: "
                             f"{optimizer._capturable_devices}.")
    if any(p.requires_grad and p.is_leaf for p in params):
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    raise NotImplementedError("minitorch_compat does not implement differentiable=True optimizer steps yet")


def _check_tensor_betas(betas, foreach, capturable):
    """torch's rules for ``betas``: both floats or both 1-element Tensors (kept as numbers)."""
    if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
            or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
        raise ValueError("betas must be either both floats or both Tensors")
    for i, beta in enumerate(betas):
        if isinstance(beta, Tensor):
            if not capturable and foreach:
                raise ValueError(f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True")
            if beta.numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")
    return tuple(b.squeeze() if isinstance(b, Tensor) and b.dim() != 0 else b for b in betas)
