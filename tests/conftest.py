"""Hypothesis profiles: ``dev`` (fast, the default) and ``ci`` (more examples).

Choose one with the environment variable ``HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", max_examples=50)
# Built on Hypothesis's own "ci" profile: no deadline and derandomized, which a
# noisy two-core machine needs.
settings.register_profile("ci", settings.get_profile("ci"), max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
