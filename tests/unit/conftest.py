"""Hypothesis profiles for the on-call core's property tests.

- `oncall-default` (used when HYPOTHESIS_PROFILE is unset or names no profile
  registered here): modest, so the unit suite stays quick.
- `ci`: HYPOTHESIS_PROFILE=ci, 500 examples per property: what `.ci/run` uses, bounded so the
  whole CI run stays under its 15 minutes on this 2-core machine (about a minute of it).
- `full`: HYPOTHESIS_PROFILE=full, 10,000 examples per property, for a run by hand (twenty times as long as `ci`).

The property tests apply the chosen profile themselves (see
`tests/unit/test_render_property.py`), so registering these does not change the
settings of anybody else's tests unless HYPOTHESIS_PROFILE asks for one of them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# the property tests import the oracle as a plain module, whatever pytest's import mode
sys.path.insert(0, str(Path(__file__).parent))

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile("oncall-default", max_examples=100, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("ci", max_examples=500, deadline=None, suppress_health_check=_QUIET, print_blob=True)
settings.register_profile(
    "full", max_examples=10_000, deadline=None, suppress_health_check=_QUIET, print_blob=True
)

if os.environ.get("HYPOTHESIS_PROFILE") in ("oncall-default", "ci", "full"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
