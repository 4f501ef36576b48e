"""Test configuration: hypothesis profiles for the fuzz tests (docs/RELIABILITY.md).

- ``ci`` (the default): a few hundred examples across all fuzz tests, derandomised so every run of
  the suite draws the same examples, and no example database written into the repository.
- ``long``: a deliberate search, ``HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py``;
  random examples, and failures are saved in ``.hypothesis/`` so a rerun replays them first.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile("ci", max_examples=120, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_SLOW_OK, print_blob=True)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=_SLOW_OK,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
