"""``torch.nn.utils.prune`` against real torch.

Each scenario runs with ``T = torch`` and ``T = minitorch_compat`` from the same seed, so the
modules start equal and the random methods draw the same numbers (``rand_like``/``rand``
reproduce torch's CPU stream): the masks must then be *identical*, and the names a user
sees (``weight_orig``, ``weight_mask``, hooks, state_dict keys, repr) the same. Values are
compared with the suite's tolerances.
"""
import numpy as np
import pytest
import torch
import torch.nn.utils.prune  # noqa: F401 - torch does not import it with torch.nn.utils
from hypothesis import given, settings, strategies as st

import minitorch_compat as mt
import minitorch_compat.nn.utils.prune  # noqa: F401
from helpers import assert_exact, check_op, raises_like, seeded_scenario


def facts(m):
    return {"repr": repr(m), "parameters": [n for n, _ in m.named_parameters()],
            "buffers": [n for n, _ in m.named_buffers()], "state_dict": list(m.state_dict()),
            "hooks": [type(h).__name__ for h in m._forward_pre_hooks.values()],
            "pruned": T_of(m).nn.utils.prune.is_pruned(m)}


def T_of(m):
    return mt if isinstance(m, mt.nn.Module) else torch


amounts = st.one_of(st.floats(0, 1), st.integers(0, 6))


@settings(deadline=None)
@given(amount=amounts, second=amounts, dim=st.sampled_from([0, 1, -1]))
def test_methods_and_containers(amount, second, dim):
    """Every method, then a second method on what is left (a PruningContainer), on a Linear
    and on a Conv2d; amounts as fractions or counts, too large counts refused as torch does."""
    def scenario(T):
        P = T.nn.utils.prune
        seen, tensors = [], []
        for first, then in [("random_unstructured", "l1_unstructured"), ("l1_unstructured", "random_structured"),
                            ("random_structured", "ln_structured"), ("ln_structured", "random_unstructured")]:
            for make in (lambda: T.nn.Linear(6, 4), lambda: T.nn.Conv2d(2, 3, 2)):
                m = make()
                for name, a in ((first, amount), (then, second)):
                    args = {"random_structured": (dim,), "ln_structured": (2, dim)}.get(name, ())
                    try:
                        getattr(P, name)(m, "weight", a, *args)
                        seen.append(name)
                    except (ValueError, IndexError) as e:
                        seen.append((type(e).__name__, str(e)))
                    tensors += [m.weight_mask, m.weight] if hasattr(m, "weight_mask") else [m.weight]
                seen.append(facts(m))
        return seen, tensors
    seeded_scenario(scenario)


@pytest.mark.parametrize("n", [1, 2, float("inf"), "fro", "nuc", -2])
def test_ln_structured_norms(n):
    def scenario(T):
        P = T.nn.utils.prune
        m = T.nn.Conv2d(3, 4, 2)
        P.ln_structured(m, "weight", amount=0.5, n=n, dim=0)
        P.ln_structured(m, "weight", amount=1, n=n, dim=1)
        l = T.nn.Linear(5, 4)
        if n == "nuc":  # of a matrix's rows: one norm for the whole matrix, and topk refuses k=3
            return [facts(m)], [m.weight_mask]
        P.ln_structured(l, "weight", amount=2, n=n, dim=-1, importance_scores=T.arange(20.0).view(4, 5) % 7)
        return [facts(m)], [m.weight_mask, l.weight_mask]
    seeded_scenario(scenario)
    raises_like(lambda T: T.nn.utils.prune.ln_structured(T.nn.Linear(5, 4), "weight", 2, "nuc", -1),
                match_message=True)


def test_global_unstructured_identity_custom_remove():
    def scenario(T):
        P = T.nn.utils.prune
        net = T.nn.Sequential(T.nn.Conv2d(1, 2, 2), T.nn.Flatten(), T.nn.Linear(8, 3))
        params = [(net[0], "weight"), (net[2], "weight"), (net[2], "bias")]
        P.global_unstructured(params, pruning_method=P.L1Unstructured, amount=0.4)
        masks = [getattr(m, n + "_mask").clone() for m, n in params]
        P.global_unstructured(params, pruning_method=P.RandomUnstructured, amount=5,
                              importance_scores={(net[2], "bias"): T.ones(3)})
        masks += [getattr(m, n + "_mask") for m, n in params]
        P.identity(net[0], "bias")
        P.custom_from_mask(net[0], "bias", T.tensor([0.0, 1.0]))
        seen = [facts(net[0]), facts(net[2]), P.is_pruned(net)]
        P.remove(net[0], "weight")
        P.remove(net[2], "bias")
        seen += [facts(net[0]), facts(net[2])]
        pruned = P.RandomUnstructured(0.5).prune(T.arange(6.0))
        return seen, masks + [net[0].weight, net[2].bias, net[0].bias, pruned]
    seeded_scenario(scenario)


def _errors(T):
    P = T.nn.utils.prune

    def global_structured():
        m = T.nn.Linear(2, 2)
        P.global_unstructured([(m, "weight")], P.RandomStructured, amount=1)

    def restored_after_failure():
        m = T.nn.Linear(2, 2)
        try:
            P.l1_unstructured(m, "weight", amount=5)
        finally:  # the parameter is put back before the error propagates
            assert [n for n, _ in m.named_parameters()] == ["bias", "weight"]

    return {
        "float_above_one": lambda: P.l1_unstructured(T.nn.Linear(2, 2), "weight", 1.5),
        "negative_int": lambda: P.random_unstructured(T.nn.Linear(2, 2), "weight", -1),
        "not_a_number": lambda: P.l1_unstructured(T.nn.Linear(2, 2), "weight", "0.5"),
        "too_many": restored_after_failure,
        "structured_vector": lambda: P.ln_structured(T.nn.Linear(2, 2), "bias", 1, 2, 0),
        "dim_out_of_range": lambda: P.random_structured(T.nn.Linear(2, 2), "weight", 1, 2),
        "scores_shape": lambda: P.l1_unstructured(T.nn.Linear(2, 2), "weight", 1, importance_scores=T.ones(3)),
        "remove_unpruned": lambda: P.remove(T.nn.Linear(2, 2), "weight"),
        "global_structured": global_structured,
        "global_not_iterable": lambda: P.global_unstructured(3, P.L1Unstructured, amount=1),
    }


@pytest.mark.parametrize("case", list(_errors(torch)))
def test_errors(case):
    ours, theirs = raises_like(lambda T: _errors(T)[case]())
    # torch names its own classes in one message; everything else is word for word
    assert str(ours).replace("minitorch_compat", "torch") == str(theirs)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_training_pruned_network(dtype):
    """SGD with momentum on a pruned Conv2d + Linear: the same loss at every step, pruned
    weights never move (their gradient is masked), and ``remove`` keeps the trained values;
    a pruned model's state_dict loads into another pruned model."""
    def scenario(T):
        P = T.nn.utils.prune
        def make():
            return T.nn.Sequential(T.nn.Conv2d(1, 3, 3), T.nn.ReLU(), T.nn.Flatten(), T.nn.Linear(12, 2)).to(
                getattr(T, dtype))
        net = make()
        P.ln_structured(net[0], "weight", amount=1, n=2, dim=0)
        P.random_unstructured(net[3], "weight", amount=0.5)
        P.l1_unstructured(net[3], "bias", amount=1)
        opt = T.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
        T.manual_seed(1)
        x, y = T.randn(4, 1, 4, 4).to(getattr(T, dtype)), T.tensor([0, 1, 1, 0])
        tensors = []
        for _ in range(4):
            opt.zero_grad()
            loss = T.nn.functional.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            tensors += [loss, net[3].weight_orig.grad.clone()]
        copy = make()
        P.identity(copy[0], "weight")
        P.identity(copy[3], "weight")
        P.identity(copy[3], "bias")
        seen = [str(copy.load_state_dict(net.state_dict())), list(net.state_dict())]
        tensors += [copy(x), net(x)]
        for m, name in ((net[0], "weight"), (net[3], "weight"), (net[3], "bias")):
            P.remove(m, name)
        seen.append([n for n, _ in net.named_parameters()])
        return seen, tensors + [net[0].weight, net[3].weight]
    seeded_scenario(scenario)


@settings(deadline=None)
@given(shapes=st.lists(st.lists(st.integers(1, 3), min_size=0, max_size=3), min_size=1, max_size=3))
def test_parameters_to_vector(shapes):
    arrays = [np.random.default_rng(i).standard_normal(s) for i, s in enumerate(shapes)]
    check_op(lambda T, *ps: T.nn.utils.parameters_to_vector(ps), *arrays)

    def back(T, *ps):
        params = [T.nn.Parameter(p.detach().clone()) for p in ps]
        T.nn.utils.vector_to_parameters(T.arange(float(sum(p.numel() for p in ps)), dtype=T.float64), params)
        return tuple(params)
    ours = back(mt, *[mt.from_numpy(a) for a in arrays])
    theirs = back(torch, *[torch.from_numpy(a) for a in arrays])
    for a, b in zip(ours, theirs):
        assert_exact(a.detach(), b.detach())
    raises_like(lambda T: T.nn.utils.vector_to_parameters([1.0], []), match_message=True)
