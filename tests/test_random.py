"""Our CPU generator against real torch, bit for bit.

The kernels are tested directly (``Generator._uniform`` and friends return NumPy
arrays), each against the torch op that uses the same recipe, for many seeds and
shapes, alone and in mixed sequences on one generator.  States are compared byte for
byte with ``torch.Generator.get_state()`` and exchanged in both directions.
"""
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_compat.random as mrandom
from minitorch_compat import _generator as mgen
from minitorch_compat._generator import Generator

torch.set_num_threads(1)

# One torch CPU path depends on the machine (see the module doc of _generator): float32
# randn for >= 16 elements follows torch's x86 AVX2 kernel.
AVX2_NORMAL = torch.backends.cpu.get_cpu_capability() in ("AVX2", "AVX512")
needs_avx2 = pytest.mark.skipif(not AVX2_NORMAL, reason="torch runs its non-AVX2 randn here")

seeds = st.one_of(st.integers(0, 2**32 - 1), st.integers(-2**63, 2**64 - 1))
shapes = st.one_of(
    st.just(()),
    st.lists(st.integers(0, 40), min_size=1, max_size=3).map(tuple),
)
FLOATS = [(np.float32, torch.float32), (np.float64, torch.float64), (np.float16, torch.float16)]


def tgen(seed):
    return torch.Generator().manual_seed(seed)


def mgen_(seed):
    return Generator().manual_seed(seed)


def assert_bits_equal(ours, theirs):
    """Same dtype, shape and bits (NaNs included)."""
    theirs = theirs.numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    bits = [np.ascontiguousarray(a).reshape(-1).view(np.uint8) for a in (ours, theirs)]
    assert np.array_equal(*bits), \
        "first differences at %s" % (np.argwhere(ours != theirs)[:5].tolist(),)


# --------------------------------------------------------------------------- seeding

def test_fresh_generator_matches_torch():
    assert Generator().initial_seed() == torch.Generator().initial_seed() == 67280421310721
    assert_bits_equal(Generator()._uniform((20,), np.float32), torch.rand(20, generator=torch.Generator()))
    assert np.array_equal(Generator()._state_bytes(), torch.Generator().get_state().numpy())


@pytest.mark.parametrize("seed", [0, 1, -1, -2**63, 2**63, 2**64 - 1, 2**32, 2**32 + 5,
                                  123456789123456789])
def test_manual_seed_values(seed):
    g, t = Generator(), torch.Generator()
    assert g.manual_seed(seed) is g
    t.manual_seed(seed)
    assert g.initial_seed() == t.initial_seed()
    assert_bits_equal(g._uniform((50,), np.float32), torch.rand(50, generator=t))


@pytest.mark.parametrize("bad", [2**64, -2**63 - 1, 2**70, -2**64])
def test_manual_seed_overflow_is_value_error(bad):
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        torch.Generator().manual_seed(bad)
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        Generator().manual_seed(bad)
    with pytest.raises(ValueError):
        mrandom.manual_seed(bad)


@pytest.mark.parametrize("bad", [1.5, 2.0, "3", None, True, np.float64(2.0), [1]])
def test_manual_seed_non_int(bad):
    with pytest.raises(RuntimeError) as theirs:
        torch.Generator().manual_seed(bad)
    with pytest.raises(RuntimeError) as ours:
        Generator().manual_seed(bad)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("bad", [np.int64(5), np.uint8(3)])
def test_manual_seed_numpy_int_type_error(bad):
    with pytest.raises(TypeError, match="an integer is required"):
        torch.Generator().manual_seed(bad)
    with pytest.raises(TypeError, match="an integer is required"):
        Generator().manual_seed(bad)


@pytest.mark.parametrize("value", [np.int64(5), 7.9, "11", True, -3])
def test_module_manual_seed_converts_with_int(value):
    assert mrandom.manual_seed(value) is mgen.default_generator
    assert mrandom.initial_seed() == torch.manual_seed(value).initial_seed()


def test_seed_is_random_and_recorded():
    g = Generator()
    a, b = g.seed(), g.seed()
    assert 0 <= a < 2**64 and 0 <= b < 2**64 and a != b
    assert g.initial_seed() == b
    assert mrandom.seed() == mrandom.initial_seed()


def test_default_generator_starts_nondeterministic():
    # torch 2.14 seeds its default generator from /dev/urandom at startup.
    assert mgen.default_generator is mrandom.default_generator
    assert isinstance(mrandom.initial_seed(), int)


def test_global_generator_matches_torch_global():
    for s in (0, 7, 2**40):
        torch.manual_seed(s)
        mrandom.manual_seed(s)
        assert_bits_equal(mgen.default_generator._uniform((3, 4), np.float32), torch.rand(3, 4))
        assert_bits_equal(mgen.default_generator._normal((5,), np.float32), torch.randn(5))
        assert_bits_equal(mgen.default_generator._randperm(10), torch.randperm(10))
        assert mgen.default_generator._random_int64_scalar() == \
            int(torch.empty((), dtype=torch.int64).random_().item())


# --------------------------------------------------------------------------- uniform

@given(seed=seeds, shape=shapes, kind=st.sampled_from(FLOATS))
def test_rand(seed, shape, kind):
    np_dt, t_dt = kind
    assert_bits_equal(mgen_(seed)._uniform(shape, np_dt), torch.rand(shape, dtype=t_dt, generator=tgen(seed)))


@given(seed=seeds, n=st.integers(0, 300), kind=st.sampled_from(FLOATS),
       bounds=st.tuples(st.floats(-1e3, 1e3), st.floats(0, 1e3)))
def test_uniform_bounds(seed, n, kind, bounds):
    np_dt, t_dt = kind
    low, width = bounds
    high = low + width
    theirs = torch.empty(n, dtype=t_dt).uniform_(low, high, generator=tgen(seed))
    assert_bits_equal(mgen_(seed)._uniform((n,), np_dt, low, high), theirs)


@pytest.mark.parametrize("low,high", [(-1 / 28, 1 / 28), (-3.0, 5.5), (1e-3, 2.0)])
def test_uniform_fma_shortcut_where_every_sum_is_exact(low, high):
    """``_uniform_fma32`` drops the halfway check when x*(to-from)+from is exact in double
    for every float32 uniform x; then the unchecked fma must agree on all 2**24 of them."""
    f, t = np.float32(low), np.float32(high)
    assert mgen._uniform_fma32(t - f, f) is mgen._fma32_once
    for start in range(0, 1 << 24, 1 << 21):
        x = np.arange(start, start + (1 << 21), dtype=np.int32).astype(np.float32) * np.float32(2.0 ** -24)
        assert_bits_equal(mgen._fma32_once(x, t - f, f), mgen._fma32(x, t - f, f))
    assert_bits_equal(mgen_(7)._uniform((1000,), np.float32, low, high),
         torch.empty(1000).uniform_(low, high, generator=tgen(7)))
    # a narrow range far from zero spans too many bits: the checked fma stays
    f, t = np.float32(1000.0), np.float32(1000.001)
    assert mgen._uniform_fma32(t - f, f) is mgen._fma32


@pytest.mark.parametrize("np_dt,t_dt", FLOATS)
def test_uniform_rounding_onto_upper_bound_returns_lower(np_dt, t_dt):
    # a range of one unit in the last place: about half the values round up to `to`
    low, high = 1.0, float(np.nextafter(np_dt(1.0), np_dt(2.0)))
    ours = mgen_(3)._uniform((500,), np_dt, low, high)
    assert_bits_equal(ours, torch.empty(500, dtype=t_dt).uniform_(low, high, generator=tgen(3)))
    assert (ours == np_dt(low)).all()


def test_uniform_errors():
    with pytest.raises(RuntimeError, match=r"found from=2 > to=1"):
        Generator()._uniform((3,), np.float32, 2, 1)
    with pytest.raises(RuntimeError, match="exceed the limit"):
        Generator()._uniform((3,), np.float32, -3e38, 3e38)


# --------------------------------------------------------------------------- integers

RANGES = [(0, 10), (-5, 5), (0, 1), (3, 2**20), (0, 2**28 - 1), (0, 2**28), (-2**27, 2**27),
          (0, 2**31), (0, 2**32), (-2**40, 2**40), (0, 2**25), (-(2**25) - 3, 2**25 + 9),
          (0, 2**63 - 1), (-2**63, 2**63 - 1), (-2**40, -2**39)]
INT_TYPES = [(np.int64, torch.int64), (np.int32, torch.int32), (np.int16, torch.int16),
             (np.int8, torch.int8), (np.uint8, torch.uint8), (np.bool_, torch.bool),
             (np.float32, torch.float32), (np.float64, torch.float64),
             (np.float16, torch.float16)]


@given(seed=seeds, shape=shapes, bounds=st.sampled_from(RANGES), kind=st.sampled_from(INT_TYPES))
def test_randint(seed, shape, bounds, kind):
    np_dt, t_dt = kind
    low, high = bounds
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            theirs = torch.randint(low, high, shape, dtype=t_dt, generator=tgen(seed))
        except RuntimeError:  # bounds outside the dtype: the tensor layer's check
            return
    assert_bits_equal(mgen_(seed)._randint(low, high, shape, np_dt), theirs)


@given(seed=seeds, low=st.integers(-2**62, 2**62), width=st.integers(1, 2**62 - 1))
def test_randint_any_int64_range(seed, low, width):
    assert_bits_equal(mgen_(seed)._randint(low, low + width, (7,)),
         torch.randint(low, low + width, (7,), generator=tgen(seed)))


def test_randint_empty_range_error():
    with pytest.raises(RuntimeError, match="from=5 >= to=5"):
        Generator()._randint(5, 5, (3,))


@given(seed=seeds, shape=shapes, kind=st.sampled_from(INT_TYPES))
def test_random_no_bounds(seed, shape, kind):
    np_dt, t_dt = kind
    assert_bits_equal(mgen_(seed)._random_(shape, np_dt),
         torch.empty(shape, dtype=t_dt).random_(generator=tgen(seed)))


@pytest.mark.parametrize("np_dt,t_dt", [(np.uint16, torch.uint16), (np.uint32, torch.uint32),
                                        (np.uint64, torch.uint64)])
def test_random_unsigned_not_implemented(np_dt, t_dt):
    with pytest.raises(NotImplementedError) as theirs:
        torch.empty(3, dtype=t_dt).random_()
    with pytest.raises(NotImplementedError) as ours:
        Generator()._random_((3,), np_dt)
    assert str(ours.value) == str(theirs.value)


@given(seed=seeds)
def test_random_int64_scalar_and_full_range(seed):
    assert mgen_(seed)._random_int64_scalar() == \
        int(torch.empty((), dtype=torch.int64).random_(generator=tgen(seed)).item())
    assert_bits_equal(mgen_(seed)._random_full_64((9,)),
         torch.empty(9, dtype=torch.int64).random_(-2**63, None, generator=tgen(seed)))


# --------------------------------------------------------------------------- randperm

@given(seed=seeds, n=st.integers(0, 3000))
def test_randperm(seed, n):
    assert_bits_equal(mgen_(seed)._randperm(n), torch.randperm(n, generator=tgen(seed)))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 60000])
def test_randperm_edges(n):
    g, t = mgen_(11), tgen(11)
    assert_bits_equal(g._randperm(n), torch.randperm(n, generator=t))
    assert_bits_equal(g._uniform((4,), np.float32), torch.rand(4, generator=t))  # same draws consumed


def test_randperm_matches_the_swap_loop():
    rng = np.random.default_rng(0)
    for n in (2, 3, 7, 50, 400):
        j = np.array([rng.integers(i, n) for i in range(n - 1)] + [n - 1])
        a = list(range(n))
        for i in range(n - 1):
            a[i], a[j[i]] = a[j[i]], a[i]
        assert mgen._fisher_yates(j).tolist() == a


# --------------------------------------------------------------------------- normal

@given(seed=seeds, n=st.integers(0, 15), kind=st.sampled_from(FLOATS),
       params=st.sampled_from([(0.0, 1.0), (0.3, 2.7), (-1.1, 0.37), (5.0, 0.0)]))
def test_normal_small_scalar_path(seed, n, kind, params):
    np_dt, t_dt = kind
    mean, std = params
    assert_bits_equal(mgen_(seed)._normal((n,), np_dt, mean, std),
         torch.empty(n, dtype=t_dt).normal_(mean, std, generator=tgen(seed)))


@needs_avx2
@given(seed=seeds, n=st.integers(16, 400), kind=st.sampled_from(FLOATS),
       params=st.sampled_from([(0.0, 1.0), (0.3, 2.7), (-1.1, 0.37)]))
def test_normal_vector_path(seed, n, kind, params):
    np_dt, t_dt = kind
    mean, std = params
    assert_bits_equal(mgen_(seed)._normal((n,), np_dt, mean, std),
         torch.empty(n, dtype=t_dt).normal_(mean, std, generator=tgen(seed)))


@needs_avx2
@pytest.mark.parametrize("np_dt,t_dt", FLOATS)
def test_randn_large(np_dt, t_dt):
    assert_bits_equal(mgen_(5)._normal((300, 101), np_dt), torch.randn(300, 101, dtype=t_dt, generator=tgen(5)))


@given(seed=seeds, sizes=st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_normal_cached_value_carries_across_calls(seed, sizes):
    # odd-sized small calls leave the spare Box-Muller value for the next one
    g, t = mgen_(seed), tgen(seed)
    for n in sizes:
        if n >= 16 and not AVX2_NORMAL:
            continue
        assert_bits_equal(g._normal((n,), np.float64), torch.randn(n, dtype=torch.float64, generator=t))
        assert_bits_equal(g._normal((n % 7,), np.float32), torch.randn(n % 7, generator=t))


@given(seed=seeds, n=st.integers(16, 60))
def test_normal_strided_uses_scalar_path(seed, n):
    theirs = torch.empty(2 * n)[::2].normal_(generator=tgen(seed))
    assert_bits_equal(mgen_(seed)._normal((n,), np.float32, contiguous=False), theirs)


def test_normal_std_error():
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0, but found std -1"):
        Generator()._normal((3,), np.float32, 0.0, -1.0)


def test_fma_emulation_is_correctly_rounded():
    from fractions import Fraction
    rng = np.random.default_rng(2)
    a = rng.standard_normal(3000) * 10.0 ** rng.integers(-5, 5, 3000)
    b = rng.standard_normal(3000) * 10.0 ** rng.integers(-5, 5, 3000)
    c = np.concatenate([rng.standard_normal(1500), -(a[1500:] * b[1500:])])
    exact = [float(Fraction(x) * Fraction(y) + Fraction(z))
             for x, y, z in zip(a.tolist(), b.tolist(), c.tolist())]
    assert np.array_equal(mgen._fma64(a, b, c), np.array(exact))
    # float32: odd*1.5 sits on a halfway point; a tiny addend decides the rounding
    x = np.arange(2**23 + 1, 2**23 + 2001, 2, dtype=np.float32)
    tiny = np.float32(2.0**-30)
    halfway = x.astype(np.float64) * 1.5  # k + 0.5, and float32's spacing here is 1
    assert np.array_equal(mgen._fma32(x, np.float32(1.5), tiny), np.ceil(halfway))
    assert np.array_equal(mgen._fma32(x, np.float32(1.5), -tiny), np.floor(halfway))
    # b == 1 and c == 0 skip the halfway check: a lone addition or product is exact
    # after one rounding from double (the halfway cases above need both)
    rng32 = np.random.default_rng(3)
    a32, c32 = (rng32.standard_normal(4000).astype(np.float32) * np.float32(10.0) ** rng32.integers(-30, 30, 4000)
                .astype(np.float32) for _ in range(2))
    for b, c in ((np.float32(1.0), c32), (np.float32(0.37), np.float32(0.0))):
        exact = [np.float32(Fraction(float(x)) * Fraction(float(b)) + Fraction(float(y)))
                 for x, y in np.broadcast(a32, c)]
        assert np.array_equal(mgen._fma32(a32, b, c).view(np.int32), np.array(exact, np.float32).view(np.int32))


def test_box_muller_shortcut_is_exact_for_every_uniform():
    """The float32 Box-Muller evaluates torch's fused steps with ``_fma32_once`` (no
    halfway check); its inputs are one of 2**24 uniforms, so we compare all of them
    with the checked ``_fma32``: the radius side (log of 1 - u) and the angle side."""
    step = 1 << 16  # slices small enough to stay in cache
    for start in range(0, 1 << 24, step):
        u = np.arange(start, start + step, dtype=np.int32).astype(np.float32) * np.float32(2.0 ** -24)
        u1, theta = np.float32(1.0) - u, mgen._TWO_PI_F * u
        assert_bits_equal(mgen._log256(u1), mgen._log256(u1, fma=mgen._fma32))
        for fast, checked in zip(mgen._sincos256(theta), mgen._sincos256(theta, fma=mgen._fma32)):
            assert_bits_equal(fast, checked)


# --------------------------------------------------------------------------- bernoulli etc.

@given(seed=seeds, shape=shapes, p=st.sampled_from([0.0, 0.1, 0.5, 0.7, 0.999, 1.0]),
       kind=st.sampled_from(FLOATS + [(np.int64, torch.int64), (np.bool_, torch.bool)]))
def test_bernoulli_scalar(seed, shape, p, kind):
    np_dt, t_dt = kind
    assert_bits_equal(mgen_(seed)._bernoulli(p, shape, np_dt),
         torch.empty(shape, dtype=t_dt).bernoulli_(p, generator=tgen(seed)))


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_dropout_mask(p):
    for s in range(3):
        torch.manual_seed(s)
        out = torch.nn.functional.dropout(torch.ones(2000), p, True)
        mrandom.manual_seed(s)
        keep = mgen.default_generator._bernoulli(1 - p, (2000,), np.float32)
        assert np.array_equal(out.numpy() != 0, keep != 0)


@given(seed=seeds, shape=st.lists(st.integers(1, 9), min_size=1, max_size=2).map(tuple),
       kind=st.sampled_from(FLOATS[:2]))
def test_bernoulli_probability_tensor(seed, shape, kind):
    np_dt, t_dt = kind
    p = np.random.default_rng(abs(seed) % 1000).random(shape).astype(np_dt)
    assert_bits_equal(mgen_(seed)._bernoulli(p, shape, np_dt), torch.bernoulli(torch.from_numpy(p),
                                                                  generator=tgen(seed)))


@given(seed=seeds, shape=shapes, kind=st.sampled_from(FLOATS), lam=st.sampled_from([1.0, 0.5, 3.0]))
def test_exponential(seed, shape, kind, lam):
    np_dt, t_dt = kind
    assert_bits_equal(mgen_(seed)._exponential(shape, np_dt, lam),
         torch.empty(shape, dtype=t_dt).exponential_(lam, generator=tgen(seed)))


@given(seed=seeds, rows=st.sampled_from([None, 1, 3]), ncat=st.integers(1, 30),
       k=st.integers(1, 40), replacement=st.booleans(), kind=st.sampled_from(FLOATS[:2]))
def test_multinomial(seed, rows, ncat, k, replacement, kind):
    np_dt, _ = kind
    if not replacement:
        k = min(k, ncat)
    shape = (ncat,) if rows is None else (rows, ncat)
    p = np.random.default_rng(abs(seed) % 997).random(shape).astype(np_dt) + np_dt(0.01)
    theirs = torch.multinomial(torch.from_numpy(p), k, replacement, generator=tgen(seed))
    assert_bits_equal(mgen_(seed)._multinomial(p, k, replacement), theirs)


def test_multinomial_with_zero_weights_picks_positive_first():
    p = np.array([0, 1, 0, 2, 0, 0, 3, 0], np.float64)
    for s in range(5):
        theirs = torch.multinomial(torch.from_numpy(p), 8, False, generator=tgen(s)).numpy()
        ours = mgen_(s)._multinomial(p, 8, False)
        # the three positive categories come first, in the same order; torch's topk
        # orders the tied zero-probability ones in its own way
        assert ours[:3].tolist() == theirs[:3].tolist()
        assert sorted(ours[3:].tolist()) == sorted(theirs[3:].tolist())


def test_weighted_sampler_style_call():
    w = torch.as_tensor([0.1, 0.9, 0.4, 0.7, 3.0, 0.2], dtype=torch.double)
    theirs = torch.multinomial(w, 100, True, generator=tgen(9))
    assert_bits_equal(mgen_(9)._multinomial(w.numpy(), 100, True), theirs)


@pytest.mark.parametrize("probs,k,repl", [([0.0, 0.0], 1, False), ([0.0, 0.0], 2, True),
                                          ([-1.0, 1.0], 2, True), ([np.inf, 1.0], 2, True),
                                          ([1.0, 1.0], 3, False), ([1.0, 1.0], 0, True)])
def test_multinomial_errors(probs, k, repl):
    with pytest.raises(RuntimeError) as theirs:
        torch.multinomial(torch.tensor(probs), k, repl)
    with pytest.raises(RuntimeError) as ours:
        Generator()._multinomial(np.array(probs, np.float32), k, repl)
    assert str(ours.value) == str(theirs.value)


# --------------------------------------------------------------------------- sequences

OPS = ["rand", "rand64", "randn_small", "randn", "randperm", "randint", "randint64", "bernoulli",
       "exponential", "multinomial", "random_", "uniform"]


def _run(op, arg, g, t):
    n = arg % 50
    if op == "rand":
        assert_bits_equal(g._uniform((n,), np.float32), torch.rand(n, generator=t))
    elif op == "rand64":
        assert_bits_equal(g._uniform((n,), np.float64), torch.rand(n, dtype=torch.float64, generator=t))
    elif op == "randn_small":
        assert_bits_equal(g._normal((n % 16,), np.float32), torch.randn(n % 16, generator=t))
    elif op == "randn":
        if AVX2_NORMAL:
            assert_bits_equal(g._normal((n + 16,), np.float32), torch.randn(n + 16, generator=t))
    elif op == "randperm":
        assert_bits_equal(g._randperm(arg), torch.randperm(arg, generator=t))
    elif op == "randint":
        assert_bits_equal(g._randint(-3, n + 1, (n,)), torch.randint(-3, n + 1, (n,), generator=t))
    elif op == "randint64":
        assert_bits_equal(g._randint(0, 2**33, (n,)), torch.randint(0, 2**33, (n,), generator=t))
    elif op == "bernoulli":
        assert_bits_equal(g._bernoulli(0.3, (n,), np.float32), torch.empty(n).bernoulli_(0.3, generator=t))
    elif op == "exponential":
        assert_bits_equal(g._exponential((n,), np.float32), torch.empty(n).exponential_(generator=t))
    elif op == "multinomial":
        p = np.linspace(0.1, 1.0, 7)
        assert_bits_equal(g._multinomial(p, n + 1, True),
             torch.multinomial(torch.from_numpy(p), n + 1, True, generator=t))
    elif op == "random_":
        assert_bits_equal(g._random_((n,), np.int64), torch.empty(n, dtype=torch.int64).random_(generator=t))
    elif op == "uniform":
        assert_bits_equal(g._uniform((n,), np.float32, -0.2, 0.2),
             torch.empty(n).uniform_(-0.2, 0.2, generator=t))


@settings(max_examples=40)
@given(seed=seeds, program=st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 2000)),
                                     min_size=1, max_size=10))
def test_mixed_sequences_and_states(seed, program):
    g, t = mgen_(seed), tgen(seed)
    for op, arg in program:
        _run(op, arg, g, t)
        assert np.array_equal(g._state_bytes(), t.get_state().numpy())


# --------------------------------------------------------------------------- state

@given(seed=seeds, program=st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 700)),
                                     max_size=5))
def test_state_exchange_with_torch(seed, program):
    g, t = mgen_(seed), tgen(seed)
    for op, arg in program:
        _run(op, arg, g, t)
    # torch -> ours
    g2 = Generator()
    g2.set_state(t.get_state().numpy())
    assert_bits_equal(g2._normal((5,), np.float64), torch.randn(5, dtype=torch.float64, generator=t))
    # ours -> torch
    t2 = torch.Generator()
    t2.set_state(torch.from_numpy(g2._state_bytes()))
    assert_bits_equal(g2._uniform((9,), np.float32), torch.rand(9, generator=t2))
    assert g2.initial_seed() == t2.initial_seed()


def test_get_state_round_trip_and_tensor_wrapping():
    g = mgen_(4)
    g._normal((3,), np.float64)  # leave a cached normal in the state
    state = g.get_state()
    assert state.dtype.__repr__() == "torch.uint8" and tuple(state.shape) == (5056,)
    expect = g._uniform((6,), np.float32), g._normal((3,), np.float64)
    g.set_state(state)
    assert np.array_equal(g._uniform((6,), np.float32), expect[0])
    assert np.array_equal(g._normal((3,), np.float64), expect[1])


def test_rng_state_functions_and_fork_rng():
    mrandom.manual_seed(21)
    saved = mrandom.get_rng_state()
    first = mgen.default_generator._uniform((5,), np.float32)
    mrandom.set_rng_state(saved)
    assert np.array_equal(mgen.default_generator._uniform((5,), np.float32), first)
    before = mgen.default_generator._state_bytes()
    with mrandom.fork_rng(devices=[]):
        mgen.default_generator._randperm(100)
    assert np.array_equal(mgen.default_generator._state_bytes(), before)
    with mrandom.fork_rng(enabled=False):
        mgen.default_generator._randperm(100)
    assert not np.array_equal(mgen.default_generator._state_bytes(), before)


def test_set_state_errors():
    g = Generator()
    with pytest.raises(RuntimeError, match="Expected a CPUGeneratorImplState of size 5056 but "
                                           "found the input RNG state size to be 10"):
        g.set_state(np.zeros(10, np.uint8))
    with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
        g.set_state(np.zeros(5056, np.float32))
    with pytest.raises(TypeError, match="expected a torch.ByteTensor, but got list"):
        g.set_state([1, 2])
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(np.zeros(5056, np.uint8))


def test_clone_pickle_deepcopy_offset():
    g = mgen_(8)
    g._uniform((700,), np.float32)
    for h in (g.clone_state(), pickle.loads(pickle.dumps(g)), copy.deepcopy(g)):
        assert h.initial_seed() == 8
        assert np.array_equal(h._state_bytes(), g._state_bytes())
        assert np.array_equal(h._randperm(50), g.clone_state()._randperm(50))
    with pytest.raises(RuntimeError, match="CPU Generator does not use offset"):
        g.get_offset()
    assert str(g.device) == "cpu"
