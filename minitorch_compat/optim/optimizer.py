"""``torch.optim.Optimizer``: parameter groups, per-parameter state, their checkpoints, and
the one loop every optimizer's ``step`` runs.

What torch does
---------------
An optimizer holds ``param_groups``, a list of plain dicts: ``{"params": [...], "lr": ...,
"momentum": ...}``. Every hyperparameter the constructor received is a default copied
into each group that does not set its own, and users edit the dicts directly (a manual
learning-rate schedule writes ``group["lr"]``). ``state`` maps each parameter tensor to a
dict of its buffers (SGD's ``momentum_buffer``, Adam's ``step``/``exp_avg``/...).

``step()`` gathers, per group, the parameters that have a gradient and runs the
algorithm's ``_single_tensor_<name>`` loop over them (the default on CPU) under
``no_grad``, updating each parameter in place.

``state_dict()`` replaces parameter objects by integer ids (their position across all
groups) so the result can be saved; ``load_state_dict`` maps the ids back onto this
optimizer's parameters, casting floating state tensors to each parameter's dtype (except
``step``).

How this file does it
---------------------
The same structures, keys and error messages. ``Optimizer.step`` is the loop; each
optimizer (``sgd.py``, ``adam.py``, ...) writes only ``_update(p, grad, group)``: torch's
loop body for one parameter, line for line, on the NumPy arrays (``p._data``, which is
"under no_grad, in place"), rounded as ``_pointwise.py`` documents. State is created on
first use by ``_init_state``, as torch's ``_init_group`` does.

Where we differ: every optimizer runs torch's single-tensor algorithm, torch's default
on CPU. ``foreach=True`` and ``fused=True`` are accepted and stored, but not followed:
measured over 30 steps, torch's for-each kernels give the same bits except for NAdam and
RAdam (a few ulps) and ASGD (a differently rounded formula: 4e-7 relative in float32,
5e-9 in float64); its fused kernels (SGD, Adam, AdamW, Adagrad) differ by a few ulps.
``capturable=True`` (CUDA graphs) and ``differentiable=True`` raise at ``step`` the errors
torch raises for CPU parameters that are leaves (``_reject_options``).
"""
import functools
import warnings
from collections import defaultdict
from copy import deepcopy
from itertools import chain

import numpy as np

from .. import _dtype
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import enable_grad
from ..nn.modules.module import RemovableHandle, _typename
from ._checks import _reject_options

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Marks a hyperparameter with no default (it must come from each group)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _to_scalar(x):
    """A 1-element tensor hyperparameter (``lr=torch.tensor(0.1)``) as a Python number."""
    return x.item() if isinstance(x, Tensor) else x


def _run_closure(closure):
    """``step(closure)``: re-evaluate the loss with grad mode on, as every torch optimizer does."""
    with enable_grad():
        return closure()


def _scalar_dtype():
    """torch keeps ``step`` (and NAdam's, ASGD's scalars) in float64 only when that is the default dtype."""
    return np.float64 if _dtype.get_default_dtype() == _dtype.float64 else np.float32


def _scalar(value):
    """A 0-d state tensor in the scalar dtype (``torch.tensor(value, dtype=_get_scalar_dtype())``)."""
    return _wrap(np.array(value, dtype=_scalar_dtype()))


def _zeros_like(p):
    return _wrap(np.zeros_like(p._data))


def _real(a):
    """A complex parameter is optimised as its real and imaginary parts (torch's view_as_real)."""
    return a.view(a.real.dtype) if a.dtype.kind == "c" else a


def _zero_grad_in_place(g):
    """``zero_grad(set_to_none=False)``: keep the tensor, detached, filled with zeros."""
    if g.grad_fn is not None:
        g.detach_()
    else:
        g._requires_grad = False
    g._data[...] = 0


def _wrap_step(step):
    """Run the optimizer's step pre- and post-hooks around ``step`` (as torch's profile hook)."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        if self._optimizer_step_pre_hooks or self._optimizer_step_post_hooks:
            return _step_with_hooks(step, self, args, kwargs)
        return step(self, *args, **kwargs)
    wrapper._hooked = True
    return wrapper


def _step_with_hooks(step, self, args, kwargs):
    for hook in tuple(self._optimizer_step_pre_hooks.values()):
        result = hook(self, args, kwargs)
        if result is not None:
            if not (isinstance(result, tuple) and len(result) == 2):
                raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), but got {result}.")
            args, kwargs = result
    out = step(self, *args, **kwargs)
    for hook in tuple(self._optimizer_step_post_hooks.values()):
        hook(self, args, kwargs)
    return out


class Optimizer:
    """Base class of all optimizers.

    Args:
        params: an iterable of tensors, or of dicts (parameter groups, each with a
            ``"params"`` entry and optional per-group hyperparameters).
        defaults: hyperparameter defaults for groups that do not set them.
    """

    # Options that checkpoints from older torch versions may lack (``__setstate__`` fills them in).
    _group_defaults = {}
    # The wording of torch's ``capturable=True`` error on CPU (``_reject_options``).
    _capturable_tensors = "params and state_steps"
    _capturable_devices = ["cuda", "xpu", "hpu", "privateuseone", "xla"]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__ and not getattr(cls.__dict__["step"], "_hooked", False):
            cls.step = _wrap_step(cls.__dict__["step"])

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = {}
        self._optimizer_step_post_hooks = {}
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_optimizer_step_pre_hooks", {})
        self.__dict__.setdefault("_optimizer_step_post_hooks", {})
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            for key, default in self._group_defaults.items():
                group.setdefault(key, default)

    def __repr__(self):
        s = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    def add_param_group(self, param_group):
        """Append a group (``{"params": [...], "lr": ...}``); missing options take the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):  # named parameters: (name, tensor)
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param._retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        param_set = set()
        for group in self.param_groups:
            param_set.update(set(group["params"]))
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {txt} to the optimizer")
        if not param_set.isdisjoint(set(param_group["params"])):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized tensors (to ``None`` by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p._grad = None
                elif p._grad is not None:
                    _zero_grad_in_place(p._grad)

    @_wrap_step
    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns ``closure()``'s loss."""
        loss = None if closure is None else _run_closure(closure)
        for group in self.param_groups:
            if group.get("capturable") or group.get("differentiable"):
                _reject_options(self, group)
            for p in group["params"]:
                if p._grad is not None:
                    self._update(p, p._grad._data, group)
                    p._version += 1
        return loss

    def _update(self, p, grad, group):
        """The algorithm for one parameter: torch's ``_single_tensor_<name>`` loop body."""
        raise NotImplementedError

    def _state(self, p, group):
        """``self.state[p]``, created by ``_init_state(p, group)`` on first use."""
        state = self.state[p]
        if not state:
            state.update(self._init_state(p, group))
        return state

    # ---- hooks -------------------------------------------------------------------------
    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` before each ``step``; may return new ``(args, kwargs)``."""
        handle = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` after each ``step``."""
        handle = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    # ---- checkpoints -------------------------------------------------------------------
    def state_dict(self):
        """``{"state": {id: {...}}, "param_groups": [{..., "params": [ids]}]}``; ids count
        parameters across groups in order, as torch numbers them."""
        param_mappings = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            param_mappings.update({id(p): i for i, p in enumerate(group["params"], start_index)
                                   if id(p) not in param_mappings})
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": packed_state, "param_groups": param_groups}

    @staticmethod
    def _cast_state_value(param, value, key=None):
        """Floating state follows the parameter's dtype; ``step`` is kept as saved."""
        if isinstance(value, Tensor):
            if key == "step" or not param.is_floating_point():
                return value
            return value.to(dtype=param.dtype)
        if isinstance(value, dict):
            return {k: Optimizer._cast_state_value(param, v, key=k) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(Optimizer._cast_state_value(param, v) for v in value)
        return value

    def load_state_dict(self, state_dict):
        """Restore ``state`` and the groups' hyperparameters from ``state_dict()``'s output."""
        state_dict = state_dict.copy()
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = self._cast_state_value(param, v)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
