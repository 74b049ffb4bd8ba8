"""The default device: ``torch.set_default_device``, ``torch.get_default_device`` and
``with torch.device(...)`` (also as a decorator), against real torch.

minitorch_compat behaves like a CPU-only build of torch. The installed torch is a CUDA
build, which fails differently without a GPU, so the fixture ``cpu_only`` makes it a
CPU-only build for one test: torch decides "not compiled with CUDA" by the absence of
``torch._C._cuda_getDeviceCount`` (``torch.cuda._lazy_init``), and that attribute is
removed for the duration of the test.
"""
import pytest
import torch

import minitorch_compat as mt

FACTORIES = ["T.zeros(2)", "T.ones(2, 3)", "T.empty(2)", "T.full((2,), 1.5)", "T.rand(2)", "T.randn(2)",
             "T.randint(5, (2,))", "T.randperm(3)", "T.arange(3)", "T.linspace(0, 1, 3)", "T.logspace(0, 1, 3)",
             "T.eye(2)", "T.tensor([1.0])", "T.as_tensor([1.0])", "T.scalar_tensor(2.0)"]
NOT_AFFECTED = ["T.zeros_like(x)", "T.ones_like(x)", "T.full_like(x, 2)", "T.rand_like(x)", "T.randn_like(x)",
                "T.randint_like(x, 5)", "T.empty_like(x)", "T.normal(x, 1.0)", "T.from_numpy(x.numpy())",
                "T.bernoulli(x * 0)", "x + 1"]


@pytest.fixture
def cpu_only(monkeypatch):
    monkeypatch.delattr(torch._C, "_cuda_getDeviceCount")
    yield
    for T in (torch, mt):
        T.set_default_device(None)


def outcome(T, code, x):
    try:
        r = eval(code, {"T": T, "x": x})
        return "ok", str(r.device)
    except Exception as e:  # noqa: BLE001 - the type is compared
        return type(e).__name__, str(e)


def run_under(code, setup):
    """``code`` evaluated under ``setup(T)`` (a context manager) for each library."""
    results = []
    for T in (mt, torch):
        x = T.ones(2)
        with setup(T):
            results.append(outcome(T, code, x))
    return results  # ours, torch's


@pytest.mark.parametrize("code", FACTORIES + NOT_AFFECTED)
@pytest.mark.parametrize("device", ["cpu", "cuda", "cuda:0"])
def test_with_device_block(code, device, cpu_only):
    ours, theirs = run_under(code, lambda T: T.device(device))
    assert ours == theirs


@pytest.mark.parametrize("code", FACTORIES + NOT_AFFECTED)
@pytest.mark.parametrize("device", ["cpu", "cuda", None])
def test_set_default_device(code, device, cpu_only):
    class Default:
        def __init__(self, T):
            self.T = T

        def __enter__(self):
            self.T.set_default_device(device)

        def __exit__(self, *exc):
            self.T.set_default_device(None)
    ours, theirs = run_under(code, Default)
    assert ours == theirs


def test_get_default_device(cpu_only):
    for T in (torch, mt):
        assert repr(T.get_default_device()) == "device(type='cpu')"
        T.set_default_device("cpu")
        assert T.get_default_device() == T.device("cpu")
        T.set_default_device("cuda:1")
        assert repr(T.get_default_device()) == "device(type='cuda', index=1)"
        with T.device("cpu"):  # a block wins over the global default
            assert T.get_default_device().type == "cpu"
            assert T.ones(1).device.type == "cpu"
        assert T.get_default_device().index == 1
        T.set_default_device("cuda")  # no index: torch resolves it by creating a tensor there
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            T.get_default_device()
        T.set_default_device(None)
        assert T.get_default_device().type == "cpu"


def test_explicit_device_wins_over_the_default(cpu_only):
    for T in (torch, mt):
        with T.device("cuda"):
            assert T.zeros(2, device="cpu").device.type == "cpu"
            with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
                T.zeros(2)
        assert T.zeros(2).device.type == "cpu"  # the block is over


def test_device_is_no_decorator():
    for T in (torch, mt):
        with pytest.raises(TypeError):
            T.device("cpu")(lambda: None)


def test_nested_blocks_restore(cpu_only):
    def fn(T):
        seen = []
        with T.device("cuda:0"):
            seen.append(str(T.get_default_device()))
            with T.device("cpu"):
                seen.append(str(T.get_default_device()))
            seen.append(str(T.get_default_device()))
        seen.append(str(T.get_default_device()))
        return seen
    assert fn(mt) == fn(torch)


def test_device_from_int_is_the_accelerator():
    for T in (torch, mt):
        assert repr(T.device(0)) == "device(type='cuda', index=0)"
