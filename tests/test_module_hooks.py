"""Module backward hooks against real torch: ``register_full_backward_hook``,
``register_full_backward_pre_hook``, the legacy ``register_backward_hook`` and the global
``torch.nn.modules.module.register_module_*`` hooks.

Each scenario runs once per library: the same modules (torch's weights copied into ours),
the same hooks, one backward. Every hook call is logged as (kind, module class, gradients
as arrays or None), and the logs, the warnings, the errors and the resulting ``.grad`` must
be torch's.
"""
import importlib
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt
from helpers import assert_close, graph_of

X = np.linspace(-1.0, 1.0, 24).reshape(2, 12)  # inputs: no randomness, both sides equal


def module_api(T):
    return importlib.import_module(f"{T.__name__}.nn.modules.module")


@pytest.fixture(autouse=True)
def no_global_hooks():
    """Global hooks live in module state (torch never resets the full/legacy flag): start
    and end every test without any, in both libraries."""
    yield
    for T in (mt, torch):
        m = module_api(T)
        m._global_backward_hooks.clear()
        m._global_backward_pre_hooks.clear()
        m._global_is_full_backward_hook = None
        getattr(m, "_global_hooks", {}).clear()


def build(T, kind):
    """A small model of ``kind`` with torch's weights in both libraries."""
    torch.manual_seed(0)
    make = {
        "linear": lambda nn: nn.Linear(12, 3),
        "relu": lambda nn: nn.ReLU(),
        "conv": lambda nn: nn.Sequential(nn.Unflatten(1, (3, 2, 2)), nn.Conv2d(3, 2, 2, padding=1), nn.Flatten()),
        "mlp": lambda nn: nn.Sequential(nn.Linear(12, 5), nn.ReLU(), nn.Linear(5, 3)),
        "linear relu": lambda nn: nn.Sequential(nn.Linear(12, 5), nn.ReLU()),
        "batchnorm": lambda nn: nn.Sequential(nn.Unflatten(1, (3, 2, 2)), nn.BatchNorm2d(3), nn.Flatten()),
        "residual add": lambda nn: ending_in(nn, lambda m, x: m.inner(x) + x, 12),
        "times two": lambda nn: ending_in(nn, lambda m, x: m.inner(x) * 2, 3),
    }[kind]
    reference = make(torch.nn)
    if T is torch:
        return reference
    model = make(mt.nn)
    model.load_state_dict({k: mt.tensor(v.numpy()) for k, v in reference.state_dict().items()})
    return model


def ending_in(nn, forward, out_features):
    """A module around a Linear whose forward ends in another op (``x + y``, ``x * 2``)."""
    class Ending(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Linear(12, out_features)

        def forward(self, x):
            return forward(self, x)
    return Ending()


def as_arrays(grads):
    return [None if g is None else g.detach().numpy().copy() for g in grads]


def recorder(log, kind):
    """A hook that logs its call; a full hook gets (module, grad_input, grad_output)."""
    def hook(module, *grads):
        log.append((kind, type(module).__name__, *[as_arrays(g) for g in grads]))
    return hook


def assert_same_log(ours, theirs):
    assert [e[:2] for e in ours] == [e[:2] for e in theirs]
    for o, t in zip(ours, theirs):
        for og, tg in zip(o[2:], t[2:]):
            assert [g is None for g in og] == [g is None for g in tg], (o[:2], "None entries differ")
            for a, b in zip(og, tg):
                if b is not None:
                    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=str(o[:2]))
                    assert a.shape == b.shape


def assert_same_grads(ours, theirs):
    for name, p in theirs.items():
        if p is None:
            assert ours[name] is None, name
        else:
            assert_close(ours[name], p, what=name)


def run(T, kind, x_grad, hooks, replace=None):
    """Register ``hooks`` (names of hook kinds) on every module of a ``kind`` model, run one
    forward/backward and return (log, grads of the input and every parameter)."""
    model, log = build(T, kind), []
    for m in model.modules():
        for h in hooks:
            if h == "pre":
                m.register_full_backward_pre_hook(recorder(log, "pre"))
            elif h == "pre_first":
                m.register_full_backward_pre_hook(recorder(log, "pre_first"), prepend=True)
            elif h == "full":
                m.register_full_backward_hook(recorder(log, "full"))
            elif h == "full_first":
                m.register_full_backward_hook(recorder(log, "full_first"), prepend=True)
    if replace is not None:
        replace(model)
    x = T.tensor(X, dtype=T.float32, requires_grad=x_grad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the no-input-requires-grad warning: tested below)
        y = model(x)
        (y * T.arange(float(y.shape[-1]))).sum().backward()
    grads = {name: p.grad for name, p in model.named_parameters()}
    grads["x"] = x.grad
    return log, grads


HOOK_SETS = st.lists(st.sampled_from(["pre", "pre_first", "full", "full_first"]), min_size=1, max_size=4)


@given(kind=st.sampled_from(["linear", "relu", "conv", "mlp"]), x_grad=st.booleans(), hooks=HOOK_SETS)
def test_hook_calls_order_and_gradients_match_torch(kind, x_grad, hooks):
    if kind == "relu" and not x_grad:
        x_grad = True  # nothing in a lone ReLU requires grad otherwise: no backward at all
    ours, theirs = run(mt, kind, x_grad, hooks), run(torch, kind, x_grad, hooks)
    assert_same_log(ours[0], theirs[0])
    assert_same_grads(ours[1], theirs[1])


@given(kind=st.sampled_from(["linear", "conv", "mlp"]), out_scale=st.sampled_from([None, 2.0, -0.5]),
       in_scale=st.sampled_from([None, 3.0, 0.0]))
def test_hooks_that_replace_gradients_give_torchs_grads(kind, out_scale, in_scale):
    def replace(model):
        first = next(iter(model.modules()))
        if out_scale is not None:
            first.register_full_backward_pre_hook(lambda m, go: tuple(g * out_scale for g in go))
        if in_scale is not None:
            first.register_full_backward_hook(lambda m, gi, go: [g * in_scale for g in gi])
    ours, theirs = run(mt, kind, True, ["full"], replace), run(torch, kind, True, ["full"], replace)
    assert_same_log(ours[0], theirs[0])
    assert_same_grads(ours[1], theirs[1])


@pytest.mark.parametrize("kind", ["linear", "mlp"])
@pytest.mark.parametrize("hook", ["pre", "full"])
@pytest.mark.parametrize("ret", ["None", "(None,)", "[g * 2]"])
def test_hooks_returning_none_or_a_list_match_torch(kind, hook, ret):
    """None keeps the gradients; ``(None,)`` makes them None (torch's undefined gradient:
    the input node then gets zeros, the parameters no gradient at all); a list is accepted."""
    def replace(model):
        log = logs[type(model).__module__.split(".")[0]]
        result = {"None": lambda gs: None, "(None,)": lambda gs: (None,), "[g * 2]": lambda gs: [gs[0] * 2]}[ret]
        if hook == "pre":
            model.register_full_backward_pre_hook(lambda m, go: result(go))
        else:
            model.register_full_backward_hook(lambda m, gi, go: result(gi))
        model.register_full_backward_hook(recorder(log, "full"))
    logs = {"minitorch_compat": [], "torch": []}
    ours, theirs = run(mt, kind, True, [], replace), run(torch, kind, True, [], replace)
    assert_same_log(logs["minitorch_compat"], logs["torch"])
    assert_same_grads(ours[1], theirs[1])


def test_grad_fn_is_torchs_identity_node():
    def graph(T):
        model = build(T, "linear")
        model.register_full_backward_hook(lambda *a: None)
        y = model(T.tensor(X, dtype=T.float32, requires_grad=True))
        return y.grad_fn.name(), graph_of(y)
    assert graph(mt) == graph(torch)
    assert graph(mt)[0] == "BackwardHookFunctionBackward"


# ---- several inputs and outputs, non-tensors, inputs that do not require grad -----------
def two_io(T, b_grad, use_second, n_arg):
    class TwoInTwoOut(T.nn.Module):
        def forward(self, a, b, n, k=3.0):
            return a * b * n, 7, (a + b * k).sum()

    log, m = [], TwoInTwoOut()
    m.register_full_backward_pre_hook(recorder(log, "pre"))
    m.register_full_backward_hook(recorder(log, "full"))
    a = T.tensor(X[0], requires_grad=True)
    b = T.tensor(X[1], requires_grad=b_grad)
    n = T.tensor(2.0) if n_arg == "tensor" else 2.0
    out = m(a, b, n)
    loss = out[0].sum() + (out[2] if use_second else 0)
    loss.backward()
    return log, {"a": a.grad, "b": b.grad}, type(out[1]).__name__


@given(b_grad=st.booleans(), use_second=st.booleans(), n_arg=st.sampled_from(["tensor", "float"]))
def test_several_inputs_and_outputs_match_torch(b_grad, use_second, n_arg):
    ours, theirs = two_io(mt, b_grad, use_second, n_arg), two_io(torch, b_grad, use_second, n_arg)
    assert_same_log(ours[0], theirs[0])
    assert_same_grads(ours[1], theirs[1])
    assert ours[2] == theirs[2] == "int"


def no_input_grad(T, ret):
    log, model = [], build(T, "linear")
    model.register_full_backward_pre_hook(recorder(log, "pre"))
    model.register_full_backward_hook(lambda m, gi, go: (log.append(("full", as_arrays(gi))), ret)[1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model(T.tensor(X, dtype=T.float32)).sum().backward()
            error = None
        except RuntimeError as e:
            error = str(e)
    return log, error, [(w.category, str(w.message), w.filename) for w in caught], model.weight.grad


@pytest.mark.parametrize("ret", [None, (None,), "tensor"])
def test_hook_fires_from_outputs_when_no_input_requires_grad(ret):
    ours = no_input_grad(mt, mt.ones(2, 12) if ret == "tensor" else ret)
    theirs = no_input_grad(torch, torch.ones(2, 12) if ret == "tensor" else ret)
    assert [e[0] for e in ours[0]] == [e[0] for e in theirs[0]] == ["pre", "full"]
    assert ours[0][1][1] == theirs[0][1][1] == [None]
    assert ours[1] == theirs[1]
    assert ours[2] == theirs[2] and len(ours[2]) == 1 and ours[2][0][2] == __file__
    if ret != "tensor":
        assert_close(ours[3], theirs[3])


def test_list_output_warns_and_hooks_never_fire():
    def scenario(T):
        class ListOut(T.nn.Module):
            def forward(self, a):
                return [a * 2]
        log, m = [], ListOut()
        m.register_full_backward_hook(recorder(log, "full"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = m(T.ones(2, requires_grad=True))
        out[0].sum().backward()
        return log, [str(w.message) for w in caught]
    assert scenario(mt) == scenario(torch) == ([], ["For backward hooks to be called, module output should be a "
                                                    "Tensor or a tuple of Tensors but received <class 'list'>"])


# ---- removal, registration order, global hooks ---------------------------------------------
def removal(T, when):
    log, model = [], build(T, "linear")
    handles = [model.register_full_backward_hook(recorder(log, "full")),
               model.register_full_backward_pre_hook(recorder(log, "pre"))]
    if when == "before forward":
        for h in handles:
            h.remove()
    y = model(T.tensor(X, dtype=T.float32, requires_grad=True))
    if when == "before backward":  # the call has already taken its hooks
        for h in handles:
            h.remove()
    y.sum().backward()
    return [e[:2] for e in log], len(model._backward_hooks), len(model._backward_pre_hooks)


@pytest.mark.parametrize("when", ["never", "before forward", "before backward"])
def test_removed_hooks_match_torch(when):
    assert removal(mt, when) == removal(torch, when)


def global_hooks(T, legacy):
    api, log = module_api(T), []
    model = build(T, "mlp")
    model[0].register_full_backward_pre_hook(recorder(log, "pre"))
    if legacy:
        handles = [api.register_module_backward_hook(recorder(log, "global legacy"))]
    else:
        handles = [api.register_module_full_backward_hook(recorder(log, "global full")),
                   api.register_module_full_backward_pre_hook(recorder(log, "global pre"))]
        model[2].register_full_backward_hook(recorder(log, "full"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        model(T.tensor(X, dtype=T.float32, requires_grad=True)).sum().backward()
        for h in handles:
            h.remove()
        model(T.tensor(X, dtype=T.float32, requires_grad=True)).sum().backward()
    return log


@pytest.mark.parametrize("legacy", [False, True])
def test_global_hooks_run_first_and_are_removable(legacy):
    assert_same_log(global_hooks(mt, legacy), global_hooks(torch, legacy))


def mixing(T, first, second):
    api = module_api(T)
    register = {"full": lambda: T.nn.ReLU().register_full_backward_hook,
                "legacy": lambda: T.nn.ReLU().register_backward_hook,
                "global full": lambda: api.register_module_full_backward_hook,
                "global legacy": lambda: api.register_module_backward_hook}
    m = T.nn.ReLU()
    one = {"full": m.register_full_backward_hook, "legacy": m.register_backward_hook}.get(first) or register[first]()
    two = {"full": m.register_full_backward_hook, "legacy": m.register_backward_hook}.get(second) or register[second]()
    one(lambda *a: None)
    try:
        two(lambda *a: None)
        return "ok", m._is_full_backward_hook, api._global_is_full_backward_hook
    except RuntimeError as e:
        return str(e), m._is_full_backward_hook, api._global_is_full_backward_hook


@pytest.mark.parametrize("first,second", [("full", "legacy"), ("legacy", "full"), ("global full", "global legacy"),
                                          ("global legacy", "global full"), ("global full", "legacy"),
                                          ("full", "full")])
def test_mixing_full_and_legacy_hooks_fails_as_in_torch(first, second):
    assert mixing(mt, first, second) == mixing(torch, first, second)


# ---- the legacy hook ---------------------------------------------------------------------
def legacy(T, kind, scale):
    log, model = [], build(T, kind) if kind != "two outputs" else None
    if kind == "two outputs":
        class Two(T.nn.Module):
            def forward(self, a):
                return a * 2, a.sin()
        model = Two()
    target = model[1] if kind in ("conv", "batchnorm") else model
    target.register_backward_hook(recorder(log, "legacy"))
    if scale is not None:
        target.register_backward_hook(lambda m, gi, go: tuple(None if g is None else g * scale for g in gi))
    x = T.tensor(X, dtype=T.float32, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = model(x * 1 if kind == "relu" else x)
    y = y[0] if isinstance(y, tuple) else y
    y.sum().backward()
    grads = {name: p.grad for name, p in model.named_parameters()}
    grads["x"] = x.grad
    return log, [(w.category, str(w.message)) for w in caught], grads


@pytest.mark.parametrize("kind", ["relu", "conv", "linear", "mlp", "linear relu", "two outputs", "batchnorm",
                                  "residual add", "times two"])
@pytest.mark.parametrize("scale", [None, 0.5])
def test_legacy_hook_sees_the_last_node_and_warns_as_torch(kind, scale):
    """grad_input is that of the module's last node: (x, weight, bias) for a convolution or
    a batch norm, both operands of ``a + b``, ``(grad, None)`` for ``x * 2``."""
    ours, theirs = legacy(mt, kind, scale), legacy(torch, kind, scale)
    assert_same_log(ours[0], theirs[0])
    assert ours[1] == theirs[1]
    assert_same_grads(ours[2], theirs[2])


# ---- what a hook may return: torch's errors ---------------------------------------------
def bad_return(T, register, value):
    m = T.nn.ReLU()
    ret = {"two": lambda g: (g[0], g[0]), "bare tensor": lambda g: g[0] * 2, "double": lambda g: (g[0].double(),),
           "wrong size": lambda g: (T.ones(3),), "str": lambda g: ("x",), "int": lambda g: 5}[value]

    def hook(module, *grads):  # (the name shows in torch's messages about legacy hooks)
        return ret(grads[0])
    getattr(m, register)(hook)
    x = T.ones(1, 2, requires_grad=True)
    try:
        m(x * 1).sum().backward()
        return "ok", x.grad.tolist()
    except (RuntimeError, TypeError) as e:
        return type(e).__name__, str(e)


@pytest.mark.parametrize("register", ["register_full_backward_hook", "register_full_backward_pre_hook",
                                      "register_backward_hook"])
@pytest.mark.parametrize("value", ["two", "bare tensor", "double", "wrong size", "str", "int"])
def test_wrong_hook_results_raise_torchs_errors(register, value):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        assert bad_return(mt, register, value) == bad_return(torch, register, value)


# ---- in place on the views a hooked module sees and returns ------------------------------
@pytest.mark.parametrize("hooked", ["relu", "linear before relu"])
def test_inplace_on_a_hooked_modules_views_fails_as_in_torch(hooked):
    def scenario(T):
        model = build(T, "mlp")
        model[1] = T.nn.ReLU(inplace=True)
        (model[1] if hooked == "relu" else model[0]).register_full_backward_hook(lambda *a: None)
        try:
            model(T.tensor(X, dtype=T.float32, requires_grad=True))
        except RuntimeError as e:
            return str(e)
    assert scenario(mt) == scenario(torch) is not None


def test_inplace_relu_between_hooked_modules_matches_torch():
    def inplace_relu(model):
        model[1] = type(model[1])(inplace=True)
        for m in (model, model[2]):
            m.register_full_backward_hook(recorder(log[type(m).__module__.split(".")[0]], "full"))
    log = {"minitorch_compat": [], "torch": []}
    ours, theirs = run(mt, "mlp", True, [], inplace_relu), run(torch, "mlp", True, [], inplace_relu)
    assert_same_log(ours[0], theirs[0])
    assert_same_log(log["minitorch_compat"], log["torch"])
    assert_same_grads(ours[1], theirs[1])


@pytest.mark.parametrize("case", ["list output", "number input"])
def test_legacy_hook_warns_about_non_tensor_inputs_and_outputs(case):
    def scenario(T):
        class ListOut(T.nn.Module):
            def forward(self, a, n=2):
                return [a * n] if case == "list output" else a * n
        log, m = [], ListOut()
        m.register_backward_hook(recorder(log, "legacy"))
        a = T.tensor(X[0], requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = m(a) if case == "list output" else m(a, 3)
        (out[0] if case == "list output" else out).sum().backward()
        return log, [(w.category, str(w.message)) for w in caught], {"a": a.grad}
    ours, theirs = scenario(mt), scenario(torch)
    assert_same_log(ours[0], theirs[0])
    assert ours[1] == theirs[1] and len(ours[1]) == 1
    assert_same_grads(ours[2], theirs[2])


@given(shape=st.sampled_from([(4,), (2, 4), (2, 3, 4), "transposed"]), bias=st.booleans(), x_grad=st.booleans(),
       scale=st.sampled_from([None, 2.0, "drop"]))
def test_legacy_hook_on_linear_sees_torchs_addmm_or_view(shape, bias, x_grad, scale):
    """torch's F.linear is addmm(bias, x, weight.t()) for a matrix, wrapped in views for
    other ranks (a non-contiguous batch: mm, then a separate add of the bias): a legacy
    hook sees that last node's gradients, and may replace them."""
    def scenario(T):
        torch.manual_seed(0)
        reference = torch.nn.Linear(4, 3, bias=bias)
        model = reference if T is torch else mt.nn.Linear(4, 3, bias=bias)
        if T is mt:
            model.load_state_dict({k: mt.tensor(v.numpy()) for k, v in reference.state_dict().items()})
        log = []
        model.register_backward_hook(recorder(log, "legacy"))
        if scale is not None:
            model.register_backward_hook(lambda m, gi, go: tuple(None if g is None or scale == "drop" else g * scale
                                                                 for g in gi))
        dims = (3, 2, 4) if shape == "transposed" else shape
        x = T.tensor(np.linspace(-1, 1, int(np.prod(dims))).reshape(dims), dtype=T.float32, requires_grad=x_grad)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            (model(x.transpose(0, 1) if shape == "transposed" else x) * T.arange(3.0)).sum().backward()
        return log, {"x": x.grad, **{name: p.grad for name, p in model.named_parameters()}}
    ours, theirs = scenario(mt), scenario(torch)
    assert_same_log(ours[0], theirs[0])
    assert_same_grads(ours[1], theirs[1])


def edge_case(T, case):
    log, x = [], T.tensor(X[:, :4], dtype=T.float32, requires_grad=True)

    class Ind(T.nn.Module):  # an output that does not depend on the input
        def __init__(self):
            super().__init__()
            self.w = T.nn.Parameter(T.ones(3))

        def forward(self, a):
            return self.w * 2

    class Take(T.nn.Module):  # an integer tensor argument
        def forward(self, a, idx):
            return a[idx]

    torch.manual_seed(0)
    reference = torch.nn.Linear(4, 3)
    lin = reference if T is torch else mt.nn.Linear(4, 3)
    if T is mt:
        lin.load_state_dict({k: mt.tensor(v.numpy()) for k, v in reference.state_dict().items()})
    m = {"independent output": Ind, "integer argument": Take, "identity": T.nn.Identity}.get(case, lambda: lin)()
    m.register_full_backward_hook(recorder(log, "full"))
    m.register_full_backward_pre_hook(recorder(log, "pre"))
    if case == "retain_graph twice":
        y = m(x).sum()
        y.backward(retain_graph=True)
        y.backward()
    elif case == "autograd.grad":
        log.append(("grad", "x", as_arrays(T.autograd.grad(m(x).sum(), x))))
    elif case == "no_grad":
        with T.no_grad():
            log.append(("no_grad", str(m(x).grad_fn)))
    elif case == "integer argument":
        m(x, T.tensor([1, 0])).sum().backward()
    elif case == "output used twice":
        y = m(x)
        (y.sum() + (y * 2).sum()).backward()
    else:
        y = m(x)
        log.append((f"grad_fn {y.grad_fn.name()}, the input itself: {y is x}", ""))
        y.sum().backward()
    return log


@pytest.mark.parametrize("case", ["retain_graph twice", "autograd.grad", "no_grad", "integer argument",
                                  "output used twice", "independent output", "identity"])
def test_edge_cases_match_torch(case):
    assert_same_log(edge_case(mt, case), edge_case(torch, case))


def test_modules_pickled_without_backward_hook_state_still_run():
    def scenario(T):
        m = T.nn.ReLU()
        state = {k: v for k, v in m.__dict__.items() if k not in ("_backward_pre_hooks", "_is_full_backward_hook")}
        restored = T.nn.ReLU.__new__(T.nn.ReLU)
        restored.__setstate__(state)
        return restored(T.tensor([-1.0, 2.0])).tolist(), restored._is_full_backward_hook, restored._backward_pre_hooks
    assert scenario(mt) == scenario(torch)
