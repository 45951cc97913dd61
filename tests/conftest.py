"""Hypothesis profiles: ``dev`` (fast, the default) and ``ci`` (more examples).

Choose one with the environment variable ``HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Strategies that build whole carts take tens of milliseconds an example; on
# a busy two-core machine that trips the too_slow check now and then, which
# says nothing about the code under test. The ci profile skips it as well.
settings.register_profile(
    "dev", max_examples=50, suppress_health_check=[HealthCheck.too_slow]
)
# Built on Hypothesis's own "ci" profile: no deadline and derandomized, which a
# noisy two-core machine needs.
settings.register_profile("ci", settings.get_profile("ci"), max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
