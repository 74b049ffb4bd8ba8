"""Hypothesis profiles for the whole suite.

* ``ci`` (the default): no deadline, a modest number of examples, so ``make test`` stays fast.
* ``long``: many more examples, for a thorough run: ``HYPOTHESIS_PROFILE=long make test``.

Strategies and comparison helpers live in ``tests/helpers.py`` (a plain module, imported
explicitly by the tests that use it).
"""
import os
import sys

from hypothesis import HealthCheck, settings

sys.path.insert(0, os.path.dirname(__file__))  # so ``import helpers`` works under xdist too

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", deadline=None, max_examples=25, suppress_health_check=_QUIET,
                          print_blob=True)
settings.register_profile("long", deadline=None, max_examples=1000, suppress_health_check=_QUIET,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
