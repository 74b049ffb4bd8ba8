"""Shared helpers for the torch.utils.data equivalence tests (no tests here).

``assert_same(ours, theirs)`` is the one comparison every test uses: the same container
types (list/tuple/dict/namedtuple, by type name), the same keys and lengths, and for
tensors the same dtype, shape and values (NaN equal to NaN).
"""
import re

import numpy as np
import torch

import minitorch_compat as mt


def assert_same(ours, theirs, path="batch"):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, mt.Tensor), f"{path}: expected a Tensor, got {type(ours)}"
        assert str(ours.dtype) == str(theirs.dtype), f"{path}: dtype {ours.dtype} != {theirs.dtype}"
        assert tuple(ours.shape) == tuple(theirs.shape), f"{path}: shape {tuple(ours.shape)} != {tuple(theirs.shape)}"
        np.testing.assert_array_equal(np.asarray(ours._data), theirs.numpy(), err_msg=path)
        return
    assert type(ours).__name__ == type(theirs).__name__, f"{path}: {type(ours)} != {type(theirs)}"
    if isinstance(theirs, dict):
        assert list(ours) == list(theirs), f"{path}: keys {list(ours)} != {list(theirs)}"
        for k in theirs:
            assert_same(ours[k], theirs[k], f"{path}[{k!r}]")
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs), f"{path}: length {len(ours)} != {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(theirs, np.ndarray):
        np.testing.assert_array_equal(ours, theirs, err_msg=path)
    elif isinstance(theirs, float) and np.isnan(theirs):
        assert np.isnan(ours), path
    else:
        assert ours == theirs, f"{path}: {ours!r} != {theirs!r}"


def both(fn):
    """``fn(lib)`` for torch and for minitorch_compat: (ours, theirs)."""
    return fn(mt), fn(torch)


def outcome(fn):
    """``("ok", value)`` or ``("raise", type name, message)`` for comparing errors."""
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - we compare whatever is raised
        return ("raise", type(e).__name__, normalise(str(e)))


def normalise(msg):
    """Hide what legitimately differs between the libraries in reprs: addresses and the
    module paths of our classes."""
    msg = re.sub(r" at 0x[0-9a-f]+", " at 0x?", msg)
    return msg.replace("minitorch_compat", "torch")


def tensor_pair(array):
    """The same array as (ours, torch's) tensors."""
    return mt.tensor(array), torch.tensor(array)
