"""Runtime settings against torch: threads, determinism, matmul precision, compile,
``torch.backends`` flags, ``finfo``/``iinfo`` and ``torch.utils.swap_tensors``.

Each setting is global state in both libraries, so every test puts back what it changed.
(The thread counts live in ``minitorch_compat/_parallel.py``, the rest in ``_runtime.py``.)
"""
import contextlib
import inspect
import warnings
import weakref

import numpy as np
import pytest
import torch

import minitorch_compat as mt
from minitorch_compat import _parallel


def outcome(fn):
    """What a call does: its result, or the type and message of what it raised."""
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - comparing whatever both libraries raise
        return (type(e).__name__, str(e))


@contextlib.contextmanager
def restored(get, set_):
    """Put each library's setting back after the block."""
    saved = [get(T) for T in (mt, torch)]
    try:
        yield
    finally:
        for T, value in zip((mt, torch), saved):
            set_(T, value)


# ---------------------------------------------------------------------------- threads

@pytest.mark.parametrize("n", [0, -1, 1.5, "2", True, None, np.int64(2), 2, 1])
def test_set_num_threads_checks_its_argument(n):
    with restored(lambda T: T.get_num_threads(), lambda T, v: T.set_num_threads(v)):
        assert outcome(lambda: mt.set_num_threads(n)) == outcome(lambda: torch.set_num_threads(n))
        if isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0:
            assert mt.get_num_threads() == torch.get_num_threads() == n


def test_set_num_threads_limits_numpys_blas_when_threadpoolctl_is_installed():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    blas = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    assert blas, "NumPy's BLAS is not visible to threadpoolctl"
    with restored(lambda T: T.get_num_threads(), lambda T, v: T.set_num_threads(v)):
        mt.set_num_threads(1)
        assert all(p["num_threads"] == 1 for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas")
        assert mt.get_num_threads() == 1


def test_thread_functions_take_torchs_arguments():
    for name in ("set_num_threads", "set_num_interop_threads"):
        for args, kwargs in (((), {}), ((1, 2), {}), ((), {"n": 1})):
            ours = outcome(lambda: getattr(mt, name)(*args, **kwargs))
            theirs = outcome(lambda: getattr(torch, name)(*args, **kwargs))
            assert ours[0] == theirs[0] == "TypeError", (name, args, kwargs)
    assert outcome(lambda: mt.get_num_threads(1))[0] == outcome(lambda: torch.get_num_threads(1))[0] == "TypeError"


def test_set_num_interop_threads_only_once(monkeypatch):
    monkeypatch.setattr(_parallel, "_interop_threads", None)
    assert outcome(lambda: mt.set_num_interop_threads(0)) == outcome(lambda: torch.set_num_interop_threads(0))
    mt.set_num_interop_threads(3)
    assert mt.get_num_interop_threads() == 3
    outcome(lambda: torch.set_num_interop_threads(3))  # the first call may succeed or not, depending on the process
    assert outcome(lambda: mt.set_num_interop_threads(2)) == outcome(lambda: torch.set_num_interop_threads(2))


# ---------------------------------------------------------------------------- determinism

def _determinism(T):
    return (T.are_deterministic_algorithms_enabled(), T.is_deterministic_algorithms_warn_only_enabled(),
            T.get_deterministic_debug_mode())


@pytest.mark.parametrize("args, kwargs", [((True,), {}), ((False,), {"warn_only": True}), ((True,), {"warn_only": True}),
                                          (("x",), {}), ((1,), {}), ((True,), {"warn_only": 1}), ((), {}),
                                          ((True,), {"warn_only": None})])
def test_use_deterministic_algorithms(args, kwargs):
    with restored(lambda T: _determinism(T), lambda T, v: T.use_deterministic_algorithms(v[0], warn_only=v[1])):
        ours = outcome(lambda: mt.use_deterministic_algorithms(*args, **kwargs))
        theirs = outcome(lambda: torch.use_deterministic_algorithms(*args, **kwargs))
        assert ours[0] == theirs[0] and (ours == theirs or ours[0] == "TypeError" and not args)
        assert _determinism(mt) == _determinism(torch)


@pytest.mark.parametrize("mode", [0, 1, 2, "default", "warn", "error", 3, "x", 1.5])
def test_deterministic_debug_mode(mode):
    with restored(lambda T: _determinism(T), lambda T, v: T.use_deterministic_algorithms(v[0], warn_only=v[1])):
        assert outcome(lambda: mt.set_deterministic_debug_mode(mode)) == \
               outcome(lambda: torch.set_deterministic_debug_mode(mode))
        assert _determinism(mt) == _determinism(torch)


# ---------------------------------------------------------------------------- matmul precision

@pytest.mark.parametrize("precision", ["highest", "high", "medium", "low", "HIGH", 3])
def test_float32_matmul_precision(precision):
    def state(T):
        return T.get_float32_matmul_precision(), T.backends.cuda.matmul.allow_tf32

    with restored(lambda T: T.get_float32_matmul_precision(), lambda T, v: T.set_float32_matmul_precision(v)):
        with warnings.catch_warnings(record=True) as ours_w:
            warnings.simplefilter("always")
            ours = outcome(lambda: mt.set_float32_matmul_precision(precision))
        with warnings.catch_warnings(record=True) as theirs_w:
            warnings.simplefilter("always")
            theirs = outcome(lambda: torch.set_float32_matmul_precision(precision))
        assert ours == theirs
        # torch's C++ warning ends with the build's source location; ours stops before it
        assert [str(w.message) for w in ours_w] == [str(w.message).split(" (Triggered internally")[0] for w in theirs_w]
        assert state(mt) == state(torch)


def test_allow_tf32_is_the_matmul_precision():
    with restored(lambda T: T.get_float32_matmul_precision(), lambda T, v: T.set_float32_matmul_precision(v)):
        for value in (True, False, "x"):
            ours = outcome(lambda: setattr(mt.backends.cuda.matmul, "allow_tf32", value))
            theirs = outcome(lambda: setattr(torch.backends.cuda.matmul, "allow_tf32", value))
            assert ours == theirs
            assert mt.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    assert outcome(lambda: mt.backends.cuda.matmul.no_such_flag) == outcome(lambda: torch.backends.cuda.matmul.no_such_flag)


# ---------------------------------------------------------------------------- backends

FLAGS = {"cudnn": ["enabled", "benchmark", "deterministic", "allow_tf32", "benchmark_limit"],
         "mkldnn": ["enabled", "deterministic"]}


@pytest.mark.parametrize("module", sorted(FLAGS))
def test_backend_flags_read_set_and_check_like_torch(module):
    ours, theirs = getattr(mt.backends, module), getattr(torch.backends, module)
    for name in FLAGS[module]:
        assert getattr(ours, name) == getattr(theirs, name), name
        original = getattr(theirs, name)
        try:
            for value in ("x", 1.5, not original if isinstance(original, bool) else 3, original):
                assert outcome(lambda: setattr(ours, name, value)) == outcome(lambda: setattr(theirs, name, value))
                assert getattr(ours, name) == getattr(theirs, name), (name, value)
        finally:
            setattr(ours, name, original)
            setattr(theirs, name, original)


def test_cudnn_flags_context_manager():
    c_ours, c_theirs = mt.backends.cudnn, torch.backends.cudnn
    assert inspect.signature(c_ours.flags) == inspect.signature(c_theirs.flags)
    assert inspect.signature(c_ours.set_flags) == inspect.signature(c_theirs.set_flags)
    for c in (c_ours, c_theirs):
        before = (c.enabled, c.benchmark, c.deterministic)
        with c.flags(enabled=False, benchmark=True, deterministic=True):
            inside = (c.enabled, c.benchmark, c.deterministic)
        assert inside == (False, True, True) and (c.enabled, c.benchmark, c.deterministic) == before


def test_availability_of_accelerator_libraries():
    """CPU only, with none of torch's optional CPU libraries: every answer is False/None."""
    b = mt.backends
    assert (b.cudnn.is_available(), b.cudnn.version(), b.cuda.is_built(), b.mps.is_available(), b.mps.is_built(),
            b.mkldnn.is_available(), b.openmp.is_available(), b.mkl.is_available(), b.opt_einsum.is_available()) == \
           (False, None, False, False, False, False, False, False, False)
    assert (b.opt_einsum.enabled, b.opt_einsum.strategy) == (False, None)  # what torch shows without opt_einsum
    assert b.mkldnn.allow_tf32 is torch.backends.mkldnn.allow_tf32 is None  # a torch without Intel GPU support
    assert b.cuda.matmul.allow_fp16_reduced_precision_reduction is torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction


# ---------------------------------------------------------------------------- compile

def test_compile_signature_and_checks():
    assert inspect.signature(mt.compile).parameters.keys() == inspect.signature(torch.compile).parameters.keys()
    for name, p in inspect.signature(torch.compile).parameters.items():
        assert inspect.signature(mt.compile).parameters[name].default == p.default, name
    for args, kwargs in (((5,), {}), ((len,), {"mode": "default", "options": {}}), ((len,), {"mode": "bogus"}),
                         ((5,), {"mode": "bogus"}), ((None,), {"mode": "bogus", "options": {}})):
        ours, theirs = outcome(lambda: mt.compile(*args, **kwargs)), outcome(lambda: torch.compile(*args, **kwargs))
        assert ours[0] == theirs[0] and (ours[0] == "ok" or ours == theirs), (args, kwargs)


def test_compile_returns_the_model_and_works_as_a_decorator():
    model = mt.nn.Linear(2, 3)
    assert mt.compile(model) is model and mt.compile(model, mode="max-autotune", fullgraph=True) is model
    assert model.compile() is None

    @mt.compile
    def f(x):
        return x * 2

    @mt.compile(mode="reduce-overhead", dynamic=True)
    def g(x):
        return x + 1

    x = mt.ones(2)
    assert f(x).tolist() == [2.0, 2.0] and g(x).tolist() == [2.0, 2.0] and f.__name__ == "f"


# ---------------------------------------------------------------------------- finfo / iinfo

FLOATS = ["float16", "bfloat16", "float32", "float64", "complex64", "complex128"]
INTS = ["uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo(name):
    o, t = mt.finfo(getattr(mt, name)), torch.finfo(getattr(torch, name))
    assert repr(o) == repr(t) and str(o) == str(t)
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(o, attr) == getattr(t, attr), attr
        assert type(getattr(o, attr)) is type(getattr(t, attr)), attr


@pytest.mark.parametrize("name", INTS)
def test_iinfo(name):
    o, t = mt.iinfo(getattr(mt, name)), torch.iinfo(getattr(torch, name))
    assert repr(o) == repr(t)
    for attr in ("bits", "max", "min", "dtype"):
        assert getattr(o, attr) == getattr(t, attr) and type(getattr(o, attr)) is type(getattr(t, attr)), attr


def test_finfo_iinfo_defaults_and_errors():
    assert repr(mt.finfo()) == repr(torch.finfo()) and mt.finfo() == mt.finfo(mt.float32)
    with pytest.raises(TypeError):
        hash(mt.finfo())
    for cls, args in (("finfo", (mt.int32,)), ("finfo", ("float32",)), ("finfo", (None,)), ("iinfo", (mt.float32,)),
                      ("iinfo", (mt.bool,)), ("iinfo", ("int",)), ("finfo", (1,))):
        targs = tuple(getattr(torch, a._name if a._name != "bool" else "bool") if isinstance(a, mt.dtype) else a
                      for a in args)
        assert outcome(lambda: getattr(mt, cls)(*args)) == outcome(lambda: getattr(torch, cls)(*targs)), (cls, args)


# ---------------------------------------------------------------------------- swap_tensors

def test_swap_tensors():
    results = []
    for T in (mt, torch):
        a = T.ones(2, requires_grad=True)
        b = T.zeros(3, dtype=T.float64)
        p, q = T.nn.Parameter(T.ones(2)), T.zeros(2)
        ids = (id(a), id(b))
        T.utils.swap_tensors(a, b)
        T.utils.swap_tensors(p, q)
        results.append((ids == (id(a), id(b)), repr(a), repr(b), a.requires_grad, b.requires_grad,
                        type(p).__name__, type(q).__name__, repr(q)))
        c, d = T.ones(1), T.ones(1)
        keep = weakref.ref(c)  # noqa: F841 - a live weak reference forbids the swap
        results.append((outcome(lambda: T.utils.swap_tensors(c, d)), outcome(lambda: T.utils.swap_tensors(d, c)),
                        outcome(lambda: T.utils.swap_tensors(1, d))))
    assert results[0] == results[2] and results[1] == results[3]


def test_swapping_a_module_parameter_replaces_what_the_module_uses():
    for T in (mt, torch):
        layer = T.nn.Linear(2, 1)
        T.utils.swap_tensors(layer.weight, T.nn.Parameter(T.full((1, 2), 3.0)))
        assert layer(T.ones(1, 2)).item() == pytest.approx(6.0 + layer.bias.item())
