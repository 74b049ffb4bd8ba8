"""Hypothesis profiles for the whole suite.

* ``ci`` (the default, what ``make test`` runs): **derandomized**. Every run draws the
  same examples (hypothesis seeds its search from each test's source), and no example
  database is read or written, so the suite gives the same result on every machine and
  every run -- a fresh clone included. Modest ``max_examples`` keeps it fast.
* ``explore``: new random examples on every run, many of them, remembered in the local
  example database (``.hypothesis/``) so a failure replays first next time.
  ``make test-long`` runs it; ``HYPOTHESIS_PROFILE=explore`` does the same for one file.
* ``long``: as ``explore`` with even more examples (``HYPOTHESIS_PROFILE=long``).

When exploring finds a failure
------------------------------
Hypothesis prints the shrunk failing input ("Falsifying example: test_x(a=..., b=...)").
Fix the bug, then pin that input into the deterministic suite, so ``make test`` checks it
on every run from then on::

    @given(start=..., step=...)
    @example(start=0, step=0.1)      # found by make test-long: arange(0, 2, 0.1)[9]
    def test_arange(start, step): ...

(``from hypothesis import example``; a failure that is not about one drawn value becomes
a ``pytest.mark.parametrize`` case instead.) ``print_blob=True`` also prints a
``@reproduce_failure(...)`` line that replays the exact example while you debug; it is
tied to the hypothesis version, so it never stays in a committed test.

Strategies and comparison helpers live in ``tests/helpers.py`` (a plain module, imported
explicitly by the tests that use it).
"""
import os
import sys

import pytest
from hypothesis import HealthCheck, settings

from minitorch_compat import _dtype

sys.path.insert(0, os.path.dirname(__file__))  # so ``import helpers`` works under xdist too

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
_COMMON = dict(deadline=None, suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("ci", max_examples=25, derandomize=True, database=None, **_COMMON)
settings.register_profile("explore", max_examples=300, **_COMMON)
settings.register_profile("long", max_examples=1000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _no_16_bit_array_seen_yet():
    """Each test starts as a fresh process does: no float16/bfloat16 array seen yet, so
    float32 tests take float32's path (``low_precision_seen`` in minitorch_compat/_dtype.py)."""
    _dtype.forget_low_precision()
