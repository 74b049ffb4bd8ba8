"""``torch.use_deterministic_algorithms`` and its two queries.

torch keeps a global flag that makes nondeterministic kernels (some CUDA scatter/index
backward passes, cuDNN choices...) raise or warn. Every computation in minitorch_compat
is deterministic already, so the flag is only recorded and reported back; scripts such
as the DCGAN tutorial, which set it for reproducibility, run unchanged.
"""
_state = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    if not isinstance(mode, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, "
                        f"not {type(mode).__name__}")
    _state.update(mode=mode, warn_only=bool(warn_only))


def are_deterministic_algorithms_enabled():
    return _state["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    return _state["warn_only"]
