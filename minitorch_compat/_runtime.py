"""Runtime settings scripts set at the top: determinism, matmul precision, compile.

These live in ``torch/__init__.py``. None of them changes a result here, so each is
recorded with torch's argument checks and messages, and read back as torch reads it back.
(The thread counts, which do matter for some of torch's bits, are in ``_parallel.py``.)

* ``use_deterministic_algorithms(mode, *, warn_only=False)`` and its readers, with
  ``set_deterministic_debug_mode``: every op here is deterministic already, so the flags
  only remember what was asked.
* ``set_float32_matmul_precision("highest" | "high" | "medium")``: whether float32
  products may use TF32/bfloat16 internally (on GPUs). Recorded; "high" and "medium" also
  read back as ``torch.backends.cuda.matmul.allow_tf32 == True``, as in torch.
* ``compile(model, ...)``: TorchDynamo's JIT compiler, an optimisation that must not change
  results. Here it returns ``model`` itself (also as a decorator, with or without
  arguments), after torch's argument checks. Deliberate difference: torch wraps an
  ``nn.Module`` in an ``OptimizedModule`` (whose ``state_dict`` keys start with
  ``_orig_mod.``); we return the module unchanged.
"""
__all__ = ["use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode", "set_float32_matmul_precision", "get_float32_matmul_precision",
           "compile"]


# ---- determinism ------------------------------------------------------------------------
_deterministic = False
_warn_only = False


def _check_bool(name, value, position=""):
    if not isinstance(value, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument '{name}'{position} must be bool, "
                        f"not {type(value).__name__}")


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Ask for deterministic algorithms (every op here is deterministic; only recorded)."""
    global _deterministic, _warn_only
    _check_bool("mode", mode, " (position 1)")
    _check_bool("warn_only", warn_only)
    _deterministic, _warn_only = mode, warn_only


def are_deterministic_algorithms_enabled():
    return _deterministic


def is_deterministic_algorithms_warn_only_enabled():
    return _warn_only


def set_deterministic_debug_mode(debug_mode):
    """0/"default": off; 1/"warn": deterministic, warn only; 2/"error": deterministic."""
    if isinstance(debug_mode, str):
        modes = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in modes:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`, "
                               f"but got {debug_mode}")
        debug_mode = modes[debug_mode]
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    return 0 if not _deterministic else 1 if _warn_only else 2


# ---- float32 matmul precision ---------------------------------------------------------------
_matmul_precision = "highest"


def set_float32_matmul_precision(precision):
    """Record "highest", "high" or "medium" (torch warns and ignores anything else)."""
    global _matmul_precision
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}")
    if precision not in ("highest", "high", "medium"):
        import warnings
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _matmul_precision = precision


def get_float32_matmul_precision():
    return _matmul_precision


# ---- compile ------------------------------------------------------------------------------
_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def compile(model=None, *, fullgraph=False, dynamic=None, backend=None, mode=None, options=None,  # noqa: A001
            name=None, disable=False, recompile_limit=None, isolate_recompiles=False, dynamic_shapes=None):
    """``torch.compile``: returns ``model`` unchanged (see the module docstring). Without a
    model it returns a decorator, so ``@torch.compile`` and ``@torch.compile(mode=...)`` work."""
    if model is None:  # checked when the decorator gets its function, as in torch
        return lambda fn: compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                  options=options, name=name, disable=disable, recompile_limit=recompile_limit,
                                  isolate_recompiles=isolate_recompiles, dynamic_shapes=dynamic_shapes)
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model
