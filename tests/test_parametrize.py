"""``torch.nn.utils.parametrize``, ``parametrizations`` and the hook versions of ``weight_norm``
and ``spectral_norm``, against real torch.

Each scenario runs once with ``T = torch`` and once with ``T = minitorch_compat`` from the
same seed (module initialisation and ``randn``/``normal_`` reproduce torch's CPU streams),
and the two must agree on everything a user sees: printed module, class name, parameter,
buffer and state_dict names, values, gradients, error types and messages. Tolerances are
the suite's (``helpers.TOL``): float64 1e-10 relative, float32 1e-5. ``matrix_exp`` is
computed in float64 here for every dtype, so float32 results are closer to the exact
value than torch's float32 ones; measured differences stay below 5e-6 relative.
"""
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from helpers import check_graph, check_op, raises_like, seeded_scenario

DTYPES = ["float64", "float32"]


def facts(m):
    """What a user sees of a module without looking at values."""
    return {"repr": repr(m), "class": type(m).__name__,
            "parameters": [n for n, _ in m.named_parameters()], "buffers": [n for n, _ in m.named_buffers()],
            "state_dict": list(m.state_dict())}


def symmetric(T):
    class Symmetric(T.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).T

        def right_inverse(self, A):
            return A.triu()
    return Symmetric()


def rank_one(T):
    class RankOne(T.nn.Module):
        def forward(self, x, y):
            return x.unsqueeze(-1) @ y.unsqueeze(-2)

        def right_inverse(self, Z):
            return Z[:, 0].clone(), Z[0, :].clone()
    return RankOne()


# ---- parametrize ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_register_chain_cache_assign_remove(dtype):
    def scenario(T):
        P = T.nn.utils.parametrize
        m = T.nn.Linear(3, 3).to(getattr(T, dtype))
        weight = m.weight
        P.register_parametrization(m, "weight", symmetric(T))
        seen = [facts(m), P.is_parametrized(m), P.is_parametrized(m, "bias"),
                P.type_before_parametrizations(m).__name__, m.parametrizations.weight.original is weight]
        x = T.arange(6.0, dtype=m.bias.dtype).view(2, 3)
        (m(x) ** 2).sum().backward()
        grad = m.parametrizations.weight.original.grad.clone()
        P.register_parametrization(m, "weight", symmetric(T))  # a chain of two
        seen.append(facts(m))
        with P.cached():
            seen.append(m.weight is m.weight)
        seen.append(m.weight is m.weight)
        m.weight = T.eye(3, dtype=m.bias.dtype) * 2  # right_inverse of both, last first
        original = m.parametrizations.weight.original.detach().clone()
        P.remove_parametrizations(m, "weight")
        seen += [facts(m), m.weight is weight, P.is_parametrized(m)]
        return seen, [grad, original, m.weight]

    seeded_scenario(scenario)


def test_tuple_right_inverse_and_buffers():
    def scenario(T):
        P = T.nn.utils.parametrize
        m = T.nn.Linear(3, 3).double()
        P.register_parametrization(m, "weight", rank_one(T))
        seen = [facts(m), m.parametrizations.weight.ntensors]
        m(T.ones(1, 3, dtype=T.float64)).sum().backward()
        grads = [m.parametrizations.weight.original0.grad, m.parametrizations.weight.original1.grad, m.weight]
        P.remove_parametrizations(m, "weight")  # several originals: leaves the value, as a new Parameter
        seen.append(facts(m))
        b = T.nn.BatchNorm1d(3)
        P.register_parametrization(b, "running_var", T.nn.Softplus())
        seen.append(facts(b))
        P.remove_parametrizations(b, "running_var", leave_parametrized=False)
        seen.append(facts(b))
        return seen, grads

    seeded_scenario(scenario)


def test_transfer_parametrizations_and_params():
    def scenario(T):
        P = T.nn.utils.parametrize
        src = T.nn.Linear(3, 3)
        P.register_parametrization(src, "weight", symmetric(T))
        P.register_parametrization(src, "bias", T.nn.Softplus())
        dst = P.transfer_parametrizations_and_params(src, T.nn.Linear(3, 3))
        shared = dst.parametrizations.weight.original is src.parametrizations.weight.original
        bare = P.transfer_parametrizations_and_params(src, T.nn.Module(), "weight")
        two = T.nn.Linear(3, 3)
        P.register_parametrization(two, "weight", rank_one(T))
        dst2 = P.transfer_parametrizations_and_params(two, T.nn.Linear(3, 3))
        unchanged = P.transfer_parametrizations_and_params(T.nn.Linear(2, 2), T.nn.Linear(2, 2))
        return [facts(dst), shared, facts(bare), facts(dst2), facts(unchanged)], [dst.weight, bare.weight, dst2.weight]
    seeded_scenario(scenario)


def _errors(T):
    P = T.nn.utils.parametrize

    class Widen(T.nn.Module):
        def forward(self, X):
            return T.cat([X, X])

    class ToDouble(T.nn.Module):
        def forward(self, X):
            return X.double()

    class NoInverse(T.nn.Module):
        def forward(self, X):
            return X * 2

    class TupleThenWrong(T.nn.Module):
        def forward(self, x, y):
            return x + y

        def right_inverse(self, X):
            return X, X, X

    def tuple_wrong_length():
        m = T.nn.Linear(2, 2)
        P.register_parametrization(m, "weight", rank_one(T))
        m.parametrizations.weight[0].right_inverse = lambda Z: (Z[:, 0],)
        m.weight = T.ones(2, 2)

    def assign_without_inverse():
        m = T.nn.Linear(2, 2)
        P.register_parametrization(m, "weight", NoInverse())
        m.weight = T.ones(2, 2)

    def leave_unparametrized_tuple():
        m = T.nn.Linear(2, 2)
        P.register_parametrization(m, "weight", rank_one(T))
        P.remove_parametrizations(m, "weight", leave_parametrized=False)

    def second_widens():
        m = T.nn.Linear(2, 2)
        P.register_parametrization(m, "weight", symmetric(T))
        P.register_parametrization(m, "weight", Widen())

    def pickle_it():
        m = T.nn.Linear(2, 2)
        P.register_parametrization(m, "weight", symmetric(T))
        pickle.dumps(m)

    return {
        "missing": lambda: P.register_parametrization(T.nn.Linear(2, 2), "foo", symmetric(T)),
        "shape": lambda: P.register_parametrization(T.nn.Linear(2, 2), "bias", Widen()),
        "dtype": lambda: P.register_parametrization(T.nn.Linear(2, 2), "weight", ToDouble()),
        "second_widens": second_widens,
        "no_inverse": assign_without_inverse,
        "tuple_length": tuple_wrong_length,
        "leave_tuple": leave_unparametrized_tuple,
        "not_parametrized": lambda: P.remove_parametrizations(T.nn.Linear(2, 2), "weight"),
        "pickle": pickle_it,
        "bad_right_inverse": lambda: P.register_parametrization(T.nn.Linear(2, 2), "weight", TupleThenWrong()),
    }


@pytest.mark.parametrize("case", list(_errors(torch)))
def test_errors(case):
    raises_like(lambda T: _errors(T)[case](), match_message=True)


def test_unsafe_changes_shape_and_deepcopy():
    def scenario(T):
        P = T.nn.utils.parametrize

        class Widen(T.nn.Module):
            def forward(self, X):
                return T.cat([X, X])
        m = T.nn.Linear(2, 2)
        P.register_parametrization(m, "bias", Widen(), unsafe=True)
        c = copy.deepcopy(m)
        copied = c.parametrizations.bias.original is not m.parametrizations.bias.original
        return [facts(m), facts(c), tuple(c.bias.shape), copied], [c.bias]
    seeded_scenario(scenario)


# ---- parametrizations.weight_norm and the hook version -------------------------------------
@settings(deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=4), data=st.data())
def test_weight_norm_ops(shape, data):
    dim = data.draw(st.sampled_from([-1] + list(range(len(shape)))))
    v = np.random.default_rng(len(shape)).standard_normal(shape) + 0.5
    g_shape = [s if i == dim else 1 for i, s in enumerate(shape)] if dim >= 0 else []
    g = np.random.default_rng(1).standard_normal(g_shape)
    check_op(lambda T, v, g: T._weight_norm(v, g, dim), v, g)
    check_op(lambda T, v: T.norm_except_dim(v, 2, dim), v)
    check_graph(lambda T, v, g: T._weight_norm(v, g, dim), v, g)  # one fused node only for the first/last dim
    check_graph(lambda T, v: T.norm_except_dim(v, 2, dim), v)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_parametrization(dim):
    def scenario(T):
        m = T.nn.Conv2d(2, 3, 2).double()
        T.nn.utils.parametrizations.weight_norm(m, dim=dim)
        y = m(T.ones(1, 2, 3, 3, dtype=T.float64))
        (y ** 2).sum().backward()
        p = m.parametrizations.weight
        return facts(m), [p.original0, p.original1, p.original0.grad, p.original1.grad, m.weight, y]
    seeded_scenario(scenario)


def test_weight_norm_legacy_hook_and_checkpoint_compat():
    def scenario(T):
        m = T.nn.Linear(4, 3).double()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            T.nn.utils.weight_norm(m)
        seen = [[(w.category, str(w.message)) for w in caught], facts(m)]
        (m(T.ones(2, 4, dtype=T.float64)) ** 2).sum().backward()
        tensors = [m.weight_g, m.weight_v.grad, m.weight_g.grad, m.weight]
        old = m.state_dict()
        new = T.nn.utils.parametrizations.weight_norm(T.nn.Linear(4, 3).double())
        seen.append(str(new.load_state_dict(old)))  # weight_g/weight_v keys accepted
        tensors.append(new.weight)
        T.nn.utils.remove_weight_norm(m)
        seen.append(facts(m))
        return seen, tensors
    seeded_scenario(scenario)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(lambda T: T.nn.utils.weight_norm(T.nn.utils.weight_norm(T.nn.Linear(2, 2))), match_message=True)
        raises_like(lambda T: T.nn.utils.remove_weight_norm(T.nn.Linear(2, 2)), match_message=True)


# ---- spectral norm: both versions --------------------------------------------------------------
SPECTRAL_MODULES = {
    "linear": (lambda T: T.nn.Linear(5, 4), (2, 5)),
    "conv": (lambda T: T.nn.Conv2d(2, 3, 2), (1, 2, 3, 3)),
    "conv_transpose": (lambda T: T.nn.ConvTranspose2d(2, 3, 2), (1, 2, 2, 2)),
}


@pytest.mark.parametrize("legacy", [False, True], ids=["parametrization", "hook"])
@pytest.mark.parametrize("kind", list(SPECTRAL_MODULES))
def test_spectral_norm_steps(kind, legacy):
    """u and v from the global stream, power iterations in training mode only, gradients into
    the original weight, three forwards and SGD steps."""
    make, shape = SPECTRAL_MODULES[kind]

    def scenario(T):
        m = make(T).double()
        if legacy:
            T.nn.utils.spectral_norm(m, n_power_iterations=2)
            vectors = lambda: [m.weight_u, m.weight_v]  # noqa: E731
            orig = m.weight_orig
        else:
            T.nn.utils.parametrizations.spectral_norm(m, n_power_iterations=2)
            vectors = lambda: [m.parametrizations.weight[0]._u, m.parametrizations.weight[0]._v]  # noqa: E731
            orig = m.parametrizations.weight.original
        seen, tensors = [facts(m)], [t.clone() for t in vectors()]
        opt = T.optim.SGD(m.parameters(), lr=0.1)
        x = T.arange(float(np.prod(shape)), dtype=T.float64).view(shape) / 10
        for step in range(3):
            m.train(step != 1)
            opt.zero_grad()
            loss = (m(x) ** 2).sum()
            loss.backward()
            opt.step()
            tensors += [loss, orig.grad.clone()] + [t.clone() for t in vectors()]
        sd = m.state_dict()
        seen.append(list(sd))
        seen.append(getattr(sd, "_metadata", None).get(""))
        return seen, tensors
    seeded_scenario(scenario)


def test_spectral_norm_remove_load_and_errors():
    def scenario(T):
        m = T.nn.Linear(3, 2)
        T.nn.utils.spectral_norm(m)
        m(T.ones(1, 3))
        other = T.nn.utils.spectral_norm(T.nn.Linear(3, 2))
        seen = [str(other.load_state_dict(m.state_dict()))]
        T.nn.utils.remove_spectral_norm(m)
        seen.append(facts(m))
        vec = T.nn.Module()
        vec.w = T.nn.Parameter(T.tensor([3.0, 4.0]))
        T.nn.utils.parametrizations.spectral_norm(vec, "w")
        return seen, [m.weight, other.weight_v, vec.w]
    seeded_scenario(scenario)
    for call in (lambda T: T.nn.utils.parametrizations.spectral_norm(T.nn.Linear(2, 2), dim=2),
                 lambda T: T.nn.utils.parametrizations.spectral_norm(T.nn.Linear(2, 2), n_power_iterations=0),
                 lambda T: T.nn.utils.spectral_norm(T.nn.Linear(2, 2), n_power_iterations=0),
                 lambda T: T.nn.utils.spectral_norm(T.nn.utils.spectral_norm(T.nn.Linear(2, 2))),
                 lambda T: T.nn.utils.remove_spectral_norm(T.nn.Linear(2, 2))):
        raises_like(call, match_message=True)


# ---- orthogonal ---------------------------------------------------------------------------------
ORTHOGONAL_CASES = [((4, 4), None, True), ((3, 5), None, True), ((5, 3), None, True), ((4, 4), "cayley", True),
                    ((5, 3), "matrix_exp", True), ((3, 5), "cayley", True), ((4, 4), "householder", False),
                    ((5, 3), "householder", False), ((4, 4), "matrix_exp", False), ((5, 2), "householder", True)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,orthogonal_map,trivialization", ORTHOGONAL_CASES)
def test_orthogonal(shape, orthogonal_map, trivialization, dtype):
    """Each map as torch picks it, the initial value (QR of the weight, completed with random
    columns when it is not square), gradients, an SGD step and assigning a new matrix."""
    def scenario(T):
        m = T.nn.Linear(shape[1], shape[0]).to(getattr(T, dtype))
        T.nn.utils.parametrizations.orthogonal(m, orthogonal_map=orthogonal_map, use_trivialization=trivialization)
        seen = [facts(m), m.parametrizations.weight[0].orthogonal_map.name]
        opt = T.optim.SGD(m.parameters(), lr=0.1)
        x = T.arange(2.0 * shape[1], dtype=m.bias.dtype).view(2, shape[1]) / 4
        tensors = [m.weight]
        for _ in range(2):
            opt.zero_grad()
            loss = (m(x) ** 2).sum()
            loss.backward()
            opt.step()
            tensors += [loss, m.parametrizations.weight.original.grad.clone()]
        tensors.append(m.weight)
        if trivialization:
            m.weight = T.eye(*shape, dtype=m.bias.dtype)
            tensors += [m.weight, m.parametrizations.weight[0].base]
        return seen, tensors
    seeded_scenario(scenario)


@settings(deadline=None)
@given(batch=st.sampled_from([(), (2,)]), n=st.integers(1, 4), k=st.integers(1, 4),
       orthogonal_map=st.sampled_from([None, "matrix_exp", "cayley", "householder"]), trivialization=st.booleans())
def test_orthogonal_shapes(batch, n, k, orthogonal_map, trivialization):
    """Any (batch of) matrices: tall, wide or square, through every map."""
    def scenario(T):
        m = T.nn.Module()
        m.weight = T.nn.Parameter(T.randn(*batch, n, k, dtype=T.float64))
        T.nn.utils.parametrizations.orthogonal(m, orthogonal_map=orthogonal_map, use_trivialization=trivialization)
        W = m.weight
        (W * T.arange(float(W.numel()), dtype=T.float64).view(W.shape)).sum().backward()
        return [facts(m)], [W, m.parametrizations.weight.original.grad]
    seeded_scenario(scenario)


def test_orthogonal_errors():
    PZ = lambda T: T.nn.utils.parametrizations  # noqa: E731
    raises_like(lambda T: PZ(T).orthogonal(T.nn.Linear(3, 3), orthogonal_map="foo"), match_message=True)
    raises_like(lambda T: PZ(T).orthogonal(T.nn.Linear(3, 3), "bias"), match_message=True)

    def assign(T):
        m = PZ(T).orthogonal(T.nn.Linear(3, 3), use_trivialization=False)
        m.weight = T.eye(3)
    raises_like(assign, match_message=True)


# ---- the linear algebra underneath ---------------------------------------------------------------
@settings(deadline=None)
@given(n=st.integers(1, 5), batch=st.sampled_from([(), (2,)]), dtype=st.sampled_from([np.float64, np.float32]),
       scale=st.sampled_from([0.1, 1.0, 4.0]))
def test_matrix_exp(n, batch, dtype, scale):
    a = (np.random.default_rng(n).standard_normal(batch + (n, n)) * scale).astype(dtype)
    check_op(lambda T, a: T.matrix_exp(a), a, rtol=2e-5 if dtype == np.float32 else 1e-10,
             atol=1e-4 if dtype == np.float32 else 1e-10)
    check_op(lambda T, a: T.linalg.matrix_exp(a), a, rtol=2e-5 if dtype == np.float32 else 1e-10,
             atol=1e-4 if dtype == np.float32 else 1e-10)


@settings(deadline=None)
@given(m=st.integers(1, 5), data=st.data(), dtype=st.sampled_from([np.float64, np.float32]))
def test_householder_product_geqrf_diagonal(m, data, dtype):
    n = data.draw(st.integers(1, m))
    k = data.draw(st.integers(0, n))
    rng = np.random.default_rng(m * 10 + n)
    a = rng.standard_normal((m, n)).astype(dtype)
    tau = rng.uniform(0, 2, k).astype(dtype)
    check_op(lambda T, a, tau: T.linalg.householder_product(a, tau), a, tau)
    check_op(lambda T, a: T.geqrf(a), a, grad=False)
    offset = data.draw(st.integers(-2, 2))
    check_op(lambda T, a: T.diagonal(a, offset), a)
    check_op(lambda T, a: a.diagonal(offset, dim1=-1, dim2=-2) * 2, a)
    check_op(lambda T, a: T.nn.functional.normalize(a, dim=0), a)
