"""Hypothesis profiles for the fuzz suites (tests/*/test_fuzz_*.py).

``quick`` (the default) keeps every fuzz suite to a few seconds in the normal test run;
``REPLAYDBG_FUZZ=long`` (as ``bench/fuzz.sh`` runs it) tries many more inputs. Both derandomise
nothing: each run explores new inputs, and a failure prints the input that reproduces it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "quick", max_examples=15, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile(
    "long", max_examples=2000, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile(
    "medium", max_examples=200, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("REPLAYDBG_FUZZ", "quick"))
