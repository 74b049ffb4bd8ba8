"""nn.Module and the containers behave like torch's: registration, traversal, state_dict
keys and load errors, modes, hooks, and ``print(model)`` character for character.

Pattern: build the same model with ``torch.nn`` and with ``minitorch_compat.nn`` (the
builder takes the library as ``T``), then compare what each reports.
"""
import re
from collections import OrderedDict

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import minitorch_compat as mt


def quickstart(T):
    """The quickstart tutorial's model, written once for either library."""
    nn = T.nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))
    return NeuralNetwork()


def nested(T):
    nn = T.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 3)
            self.act = nn.Tanh()
            self.register_buffer("running", T.zeros(3))
            self.register_buffer("scratch", T.ones(2), persistent=False)
            self.scale = nn.Parameter(T.ones(()))

        def forward(self, x):
            return self.act(self.fc(x)) * self.scale + self.running

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([Block(), Block()])
            self.heads = nn.ModuleDict({"b": nn.Linear(3, 2), "a": nn.Linear(3, 1, bias=False)})
            self.shared = self.heads["b"]  # the same module twice: listed once

        def forward(self, x):
            for b in self.blocks:
                x = b(x)
            return self.heads["b"](x)
    return Net()


# ------------------------------------------------------------------------- printing
def test_print_quickstart_model_identical():
    assert repr(quickstart(mt)) == repr(quickstart(torch))
    assert repr(nested(mt)) == repr(nested(torch))


LAYERS = [
    lambda T: T.nn.Linear(3, 5), lambda T: T.nn.Linear(2, 7, bias=False), lambda T: T.nn.ReLU(),
    lambda T: T.nn.ReLU(inplace=True), lambda T: T.nn.Sigmoid(), lambda T: T.nn.Tanh(), lambda T: T.nn.Identity(),
    lambda T: T.nn.Softmax(dim=1), lambda T: T.nn.Softmax(), lambda T: T.nn.LogSoftmax(dim=-1),
    lambda T: T.nn.Flatten(), lambda T: T.nn.Flatten(0, 2), lambda T: T.nn.Unflatten(1, (2, 3)),
    lambda T: T.nn.Dropout(), lambda T: T.nn.Dropout(0.25, inplace=True), lambda T: T.nn.LeakyReLU(0.2),
    lambda T: T.nn.GELU(), lambda T: T.nn.GELU("tanh"), lambda T: T.nn.SiLU(), lambda T: T.nn.ELU(),
    lambda T: T.nn.Softplus(), lambda T: T.nn.CrossEntropyLoss(), lambda T: T.nn.MSELoss(),
]


@st.composite
def model_specs(draw, depth=0):
    """A random nesting of Sequential / ModuleList / ModuleDict around the layers above."""
    n = draw(st.integers(0, 4))
    items = []
    for _ in range(n):
        if depth < 2 and draw(st.integers(0, 4)) == 0:
            items.append(("nest", draw(st.sampled_from(["Sequential", "ModuleList", "ModuleDict"])),
                          draw(model_specs(depth + 1))))
        else:
            items.append(("layer", draw(st.integers(0, len(LAYERS) - 1))))
    return items


def build(T, spec, kind="Sequential"):
    mods = [LAYERS[item[1]](T) if item[0] == "layer" else build(T, item[2], item[1]) for item in spec]
    if kind == "ModuleDict":
        return T.nn.ModuleDict({f"k{i}": m for i, m in enumerate(mods)})
    return getattr(T.nn, kind)(*([mods] if kind == "ModuleList" else mods))


@given(model_specs(), st.sampled_from(["Sequential", "ModuleList", "ModuleDict"]))
def test_print_random_models_identical(spec, kind):
    ours, theirs = build(mt, spec, kind), build(torch, spec, kind)
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)


def test_parameter_repr_and_identity():
    data = mt.tensor([1.0, 2.0])
    p = mt.nn.Parameter(data)
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert repr(mt.nn.Parameter(data, requires_grad=False)) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0]),
                                                                                       requires_grad=False))
    assert repr(mt.nn.Parameter()) == repr(torch.nn.Parameter())
    p.data[0] = 5.0  # storage is shared with the wrapped tensor
    assert data[0].item() == 5.0
    assert type(p * 2) is mt.Tensor and p.requires_grad and p.is_leaf
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        mt.nn.Parameter(mt.tensor([1, 2]))


# ------------------------------------------------------------------------- traversal
def test_named_parameters_buffers_modules_match_torch():
    torch.manual_seed(0)
    mt.manual_seed(0)
    ours, theirs = nested(mt), nested(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [tuple(p.shape) for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [type(m).__name__ for m in ours.modules()] == [type(m).__name__ for m in theirs.modules()]
    assert [n for n, _ in ours.named_parameters(remove_duplicate=False)] == \
        [n for n, _ in theirs.named_parameters(remove_duplicate=False)]
    assert [n for n, _ in ours.named_parameters(prefix="m", recurse=False)] == \
        [n for n, _ in theirs.named_parameters(prefix="m", recurse=False)]
    assert list(ours.state_dict().keys()) == list(theirs.state_dict().keys())
    assert ours.state_dict()._metadata == theirs.state_dict()._metadata
    assert ours.get_submodule("blocks.1.fc").out_features == 3
    assert ours.get_parameter("blocks.0.scale").shape == ()


def test_quickstart_state_dict_keys_and_values_match_torch():
    torch.manual_seed(3)
    mt.manual_seed(3)
    ours, theirs = quickstart(mt), quickstart(torch)
    sd_o, sd_t = ours.state_dict(), theirs.state_dict()
    assert list(sd_o) == list(sd_t) == ["linear_relu_stack.0.weight", "linear_relu_stack.0.bias",
                                        "linear_relu_stack.2.weight", "linear_relu_stack.2.bias",
                                        "linear_relu_stack.4.weight", "linear_relu_stack.4.bias"]
    for k in sd_t:  # the default init is bit-exact under the same seed
        np.testing.assert_array_equal(sd_o[k].numpy(), sd_t[k].numpy())
        assert not sd_o[k].requires_grad and sd_o[k].grad_fn is None
    sd_o["linear_relu_stack.0.bias"][0] = 7.0  # state_dict tensors share storage, as in torch
    assert ours.linear_relu_stack[0].bias[0].item() == 7.0


@given(st.integers(0, 2 ** 31), st.integers(1, 40), st.integers(1, 40), st.booleans())
def test_linear_default_init_bit_exact(seed, fan_in, fan_out, bias):
    torch.manual_seed(seed)
    mt.manual_seed(seed)
    a, b = mt.nn.Linear(fan_in, fan_out, bias=bias), torch.nn.Linear(fan_in, fan_out, bias=bias)
    np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())
    if bias:
        np.testing.assert_array_equal(a.bias.detach().numpy(), b.bias.detach().numpy())
    np.testing.assert_array_equal(mt.rand(3).numpy(), torch.rand(3).numpy())  # same generator position after


# ------------------------------------------------------------------------- load_state_dict
def _load_both(mutate, strict=True):
    torch.manual_seed(0)
    mt.manual_seed(0)
    ours, theirs = quickstart(mt), quickstart(torch)
    sd_t = theirs.state_dict()
    sd_o = OrderedDict((k, mt.tensor(v.numpy())) for k, v in sd_t.items())
    mutate(sd_t, torch)
    mutate(sd_o, mt)
    results = []
    for model, sd in ((ours, sd_o), (theirs, sd_t)):
        try:
            results.append(("ok", repr(model.load_state_dict(sd, strict=strict))))
        except Exception as e:
            results.append((type(e).__name__, str(e)))
    return results


def _drop(key):
    return lambda sd, T: sd.pop(key)


def _add(key):
    return lambda sd, T: sd.__setitem__(key, T.zeros(2))


def _resize(key):
    return lambda sd, T: sd.__setitem__(key, T.zeros(3, 4))


@pytest.mark.parametrize("mutate", [
    lambda sd, T: None, _drop("linear_relu_stack.2.bias"), _add("extra.weight"), _add("linear_relu_stack.9.w"),
    _add("linear_relu_stack.0.foo"), _resize("linear_relu_stack.4.weight"),
    lambda sd, T: (sd.pop("linear_relu_stack.0.weight"), sd.__setitem__("bogus", T.ones(1)),
                   sd.__setitem__("linear_relu_stack.4.bias", T.zeros(3))),
])
@pytest.mark.parametrize("strict", [True, False])
def test_load_state_dict_results_and_errors_match_torch(mutate, strict):
    ours, theirs = _load_both(mutate, strict)
    assert ours == theirs


def test_load_state_dict_copies_values_and_casts():
    torch.manual_seed(0)
    theirs = torch.nn.Linear(3, 2)
    ours = mt.nn.Linear(3, 2)
    w = ours.weight
    ours.load_state_dict({k: mt.tensor(v.double().numpy()) for k, v in theirs.state_dict().items()})
    assert ours.weight is w and ours.weight.dtype == mt.float32  # copied in place, cast to the param dtype
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        ours.load_state_dict([1, 2])


# ------------------------------------------------------------------------- registration errors
@pytest.mark.parametrize("action", [
    lambda T, m: setattr(m, "weight", T.ones(2)),
    lambda T, m: m.register_buffer("weight", T.ones(2)),
    lambda T, m: m.register_parameter("a.b", None),
    lambda T, m: m.register_parameter("", None),
    lambda T, m: m.register_parameter("p", T.ones(2)),
    lambda T, m: m.register_buffer("b", 3),
    lambda T, m: m.add_module("x", 3),
    lambda T, m: m.add_module("a.b", T.nn.ReLU()),
    lambda T, m: m.nope,
    lambda T, m: m.train("yes"),
    lambda T, m: m.to(T.int64),
    lambda T, m: T.nn.Module().forward(1),
    lambda T, m: setattr(m, "weight", T.nn.Parameter(T.ones(2)) * 2),
])
def test_registration_errors_match_torch(action):
    msgs = []
    for T in (mt, torch):
        with pytest.raises(Exception) as e:
            action(T, T.nn.Linear(2, 2))
        msgs.append((type(e.value).__name__, str(e.value)))
    assert msgs[0] == msgs[1]


def test_attribute_routing():
    m = mt.nn.Module()
    m.p = mt.nn.Parameter(mt.ones(2))
    m.sub = mt.nn.ReLU()
    m.register_buffer("buf", mt.zeros(1))
    m.plain = 3
    assert list(m._parameters) == ["p"] and list(m._modules) == ["sub"] and list(m._buffers) == ["buf"]
    m.buf = mt.ones(1)  # reassigning a buffer keeps it a buffer
    assert m._buffers["buf"].item() == 1.0
    m.p = None
    assert m._parameters["p"] is None and list(m.parameters()) == []
    m.b2 = mt.nn.Buffer(mt.ones(3), persistent=False)
    assert "b2" in m._buffers and "b2" not in m.state_dict()
    del m.sub
    assert "sub" not in m._modules
    assert "plain" in dir(m) and "buf" in dir(m)


# ------------------------------------------------------------------------- modes, grads, apply, to
def test_train_eval_zero_grad_requires_grad_apply_to():
    model = nested(mt)
    assert model.training and all(m.training for m in model.modules())
    assert model.eval() is model and not any(m.training for m in model.modules())
    model.train()
    out = model(mt.randn(5, 3)).sum()
    out.backward()
    assert all(p.grad is not None for p in model.blocks.parameters())
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in model.blocks.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    seen = []
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    assert seen[-1] == "Net" and seen[0] == "Linear"  # children first, like torch
    w = model.blocks[0].fc.weight
    model.double()
    assert w.dtype == mt.float64 and model.blocks[0].fc.weight is w  # same Parameter object
    assert model.blocks[0].running.dtype == mt.float64
    model.to(mt.float32).to("cpu")
    assert w.dtype == mt.float32 and model.cpu() is model
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        model.cuda()


def test_forward_hooks():
    lin = mt.nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    out = lin(mt.ones(3, 2))
    np.testing.assert_allclose(out.detach().numpy(), (lin.bias.detach().numpy() + 1)[None].repeat(3, 0))
    assert calls == [mt.Size([3, 2])]
    h1.remove()
    h2.remove()
    assert not lin._forward_hooks and not lin._forward_pre_hooks
    h3 = lin.register_forward_hook(lambda m, args, kwargs, out: calls.append(kwargs), with_kwargs=True)
    lin(input=mt.ones(1, 2))
    assert list(calls[-1]) == ["input"]
    h3.remove()


# ------------------------------------------------------------------------- containers
def test_sequential_indexing_slicing_mutation_match_torch():
    def ops(T):
        nn = T.nn
        s = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.Identity())
        out = [repr(s[1:]), repr(s[-1]), repr(s[::2]), len(s), [type(m).__name__ for m in s]]
        del s[1]
        out.append(repr(s))
        s.append(nn.ReLU()).insert(0, nn.Tanh())
        out.append(repr(s))
        out.append(repr(s.pop(2)))
        s[0] = nn.Softmax(dim=0)
        out.append(repr(s))
        out.append(repr(s + nn.Sequential(nn.ReLU())))
        out.append(repr(s * 2))
        s += nn.Sequential(nn.Flatten())
        out.append(repr(s))
        s.extend([nn.ReLU()])
        out.append(repr(s))
        od = nn.Sequential(OrderedDict([("first", nn.ReLU()), ("second", nn.Tanh())]))
        out.append((repr(od), repr(od[1]), repr(od[0:1])))
        ml = nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Tanh()])
        ml.append(nn.ReLU())
        ml.insert(1, nn.Sigmoid())
        del ml[0]
        out.append((repr(ml), len(ml), repr(ml[-1]), repr(ml[1:])))
        md = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Tanh()})
        md["c"] = nn.Sigmoid()
        md.pop("b")
        out.append((repr(md), list(md), list(md.keys()), "a" in md, len(md)))
        for bad in (lambda: s[10], lambda: ml[7], lambda: ml(1), lambda: nn.Sequential(1), lambda: md["zz"]):
            try:
                bad()
            except Exception as e:
                out.append((type(e).__name__, str(e)))
        return out
    assert ops(mt) == ops(torch)


def test_sequential_forward_chains():
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2))
    ours = mt.nn.Sequential(mt.nn.Linear(4, 3), mt.nn.Tanh(), mt.nn.Linear(3, 2))
    ours.load_state_dict({k: mt.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(mt.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    assert re.match(r"<AddmmBackward0", repr(ours(mt.tensor(x)).grad_fn))
