"""torch accepts NumPy's ``axis``/``keepdims`` as aliases of ``dim``/``keepdim``; so must we."""
import numpy as np
import pytest
import torch

import minitorch_compat as mt

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7


@pytest.mark.parametrize("call", [
    lambda T, x: T.cat([x, x], axis=1),
    lambda T, x: T.stack([x, x], axis=2),
    lambda T, x: T.sum(x, axis=1, keepdims=True),
    lambda T, x: x.sum(axis=(0, 2)),
    lambda T, x: x.mean(axis=-1, keepdims=True),
    lambda T, x: T.max(x, axis=1).values,
    lambda T, x: x.argmax(axis=2),
    lambda T, x: x.softmax(axis=0),
    lambda T, x: T.log_softmax(x, axis=1),
    lambda T, x: x.std(axis=1),
    lambda T, x: x.unsqueeze(axis=0),
    lambda T, x: x.cumsum(axis=2),
    lambda T, x: T.amax(x, axis=1, keepdims=True),
])
def test_numpy_names_match_torch(call):
    ours = call(mt, mt.tensor(X))
    theirs = call(torch, torch.tensor(X))
    assert ours.dtype.__repr__() == repr(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_both_spellings_at_once_is_a_type_error():
    for T in (torch, mt):
        with pytest.raises(TypeError):
            T.sum(T.ones(2), dim=0, axis=0)
