"""The legacy API still found in tutorials, against real torch: the ``torch.Tensor(...)``
constructor, the typed classes ``torch.FloatTensor``, ``torch.LongTensor``..., their
``isinstance`` checks, the ``torch.functional`` module, and the thread-count functions.

Each row of ``CALLS`` is evaluated on both libraries (see ``helpers.same_call``). The
constructors that allocate without data (``torch.Tensor(2, 3)``) give uninitialised memory
in torch, so those rows (marked ``~``) compare dtype and shape only.
"""
import numpy as np
import pytest
import torch

import minitorch_compat as mt
from helpers import same_call

TYPES = ["FloatTensor", "DoubleTensor", "HalfTensor", "ByteTensor", "CharTensor", "ShortTensor", "IntTensor",
         "LongTensor", "BoolTensor"]


def _env(T):
    return dict(T=T, np=np, x=T.tensor([1.5, -2.0]), xi=T.tensor([1, 2]))


CALLS = (
    ["~T.Tensor()", "~T.Tensor(2, 3)", "T.Tensor([1, 2])", "T.Tensor((2, 3))", "~T.Tensor(T.Size([2, 3]))",
     "T.Tensor(np.array([1, 2]))", "T.Tensor(xi)", "T.Tensor(x)", "T.Tensor(2.5)", "~T.Tensor(size=(2,))",
     "T.Tensor([[1, 2], [3, 4]])", "~T.Tensor(3)", "T.Tensor([])", "T.Tensor(-1)", "T.Tensor(2, dtype=T.float64)",
     "~T.Tensor(2, device='cpu')", "T.Tensor([1], device='cpu')", "T.Tensor('ab')", "T.Tensor([T.tensor(1.0)])",
     "~T.Tensor(T.tensor(2.0))", "T.Tensor(xi) is xi", "T.Tensor(2, 2.5)", "T.Tensor([1.7, True])",
     "type(T.Tensor([1])) is T.Tensor", "isinstance(T.Tensor(2), T.Tensor)"]
    + [row.replace("TYPE", t) for t in TYPES for row in [
        "T.TYPE([1, 0])", "~T.TYPE(2, 3)", "T.TYPE()", "~T.TYPE(T.Size([2]))", "T.TYPE(np.array([1, 0]))",
        "T.TYPE([[1], [0]])", "T.TYPE(2.5)", "T.TYPE([1], dtype=T.float32)", "T.TYPE(-1)",
        "type(T.TYPE([1])) is T.Tensor", "issubclass(T.TYPE, T.Tensor)", "str(T.TYPE.dtype)", "T.TYPE.is_cuda",
        "T.TYPE([1]).type()", "isinstance(T.TYPE([1]), T.TYPE)", "isinstance(T.TYPE([1]), T.Tensor)",
        "isinstance(x, T.TYPE)", "isinstance(xi, T.TYPE)", "isinstance([1], T.TYPE)", "T.TYPE is T.Tensor",
        "T.TYPE.__name__"]]
    + ["T.LongTensor(T.tensor([1.5]))", "T.LongTensor(xi)", "T.FloatTensor(x)", "T.FloatTensor(xi)",
       "T.IntTensor([1.7])", "T.ByteTensor([1, 255])", "T.ByteTensor([256])", "T.LongTensor([2**63])",
       "T.LongTensor(T.tensor([1]))"]
    # the thread count (torch.set_num_threads in many scripts)
    + ["T.set_num_threads(0)", "T.set_num_threads(1.5)", "T.set_num_interop_threads(0)",
       "isinstance(T.get_num_threads(), int) and T.get_num_threads() >= 1"]
)


@pytest.mark.parametrize("call", CALLS)
def test_legacy_call(call):
    same_call(call, _env)


def test_tensor_alias_shares_memory():
    for T in (torch, mt):
        src = T.tensor([1.0, 2.0])
        alias = T.FloatTensor(src)
        alias[0] = 5.0
        assert src[0].item() == 5.0


def test_legacy_tensor_respects_default_dtype():
    def fn(T):
        T.set_default_dtype(T.float64)
        try:
            return T.Tensor([1.5]).dtype, T.Tensor(2).dtype, T.FloatTensor([1.5]).dtype
        finally:
            T.set_default_dtype(T.float32)
    assert [repr(d) for d in fn(mt)] == [str(d) for d in fn(torch)]


def test_subclass_through_legacy_constructor():
    for T in (torch, mt):
        class MyTensor(T.Tensor):
            pass
        t = MyTensor([1.0, 2.0])
        assert type(t) is MyTensor and isinstance(t, T.Tensor) and t.tolist() == [1.0, 2.0]


def test_set_num_threads_round_trip():
    saved = [T.get_num_threads() for T in (torch, mt)]
    try:
        for T in (torch, mt):
            T.set_num_threads(3)
            assert T.get_num_threads() == 3
    finally:
        torch.set_num_threads(saved[0])
        mt.set_num_threads(saved[1])


# ---------------------------------------------------------------------------- torch.functional
def test_torch_functional_module():
    import torch.functional as tf

    import minitorch_compat.functional as mf
    for name in mf.__all__:
        assert name in tf.__all__  # only names torch keeps there
        assert getattr(mf, name) is getattr(mt, name)
    x = np.arange(12.0).reshape(3, 4)
    a, b = mf.norm(mt.from_numpy(x)), tf.norm(torch.from_numpy(x))
    assert a.item() == pytest.approx(b.item(), rel=1e-12)
    parts = mf.split(mt.from_numpy(x), 2)
    assert [p.tolist() for p in parts] == [p.tolist() for p in tf.split(torch.from_numpy(x), 2)]


def test_torch_functional_under_run(tmp_path):
    """``import torch.functional`` in a script run on our engine."""
    import subprocess
    import sys
    script = tmp_path / "script.py"
    script.write_text("import torch\nimport torch.functional as F\n"
                      "print(F.norm(torch.tensor([3.0, 4.0])).item(), [t.tolist() for t in F.split(torch.arange(4), 3)])\n")
    expected = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True).stdout
    ours = subprocess.run([sys.executable, "-m", "minitorch_compat", "run", str(script)], capture_output=True,
                          text=True, check=True).stdout
    assert ours == expected


def test_layout_and_memory_format_names():
    for name in ("strided", "sparse_coo", "contiguous_format", "preserve_format", "channels_last"):
        assert repr(getattr(mt, name)) == repr(getattr(torch, name))


@pytest.mark.parametrize("call", [
    lambda T, x: x.type(T.LongTensor),
    lambda T, x: x.type("torch.IntTensor"),
    lambda T, x: x.type(T.float64),
    lambda T, x: x.type(),
    lambda T, x: repr(x.layout),
    lambda T, x: x.layout is T.strided,
    lambda T, x: x.type("torch.NoSuchTensor"),
])
def test_tensor_type_and_layout(call):
    same_outcome = []
    for T in (mt, torch):
        try:
            r = call(T, T.ones(2))
            same_outcome.append(("ok", repr(r) if not isinstance(r, (str, bool)) else r))
        except Exception as e:  # noqa: BLE001 - the type and message are compared
            same_outcome.append((type(e).__name__, str(e)))
    assert same_outcome[0] == same_outcome[1]
