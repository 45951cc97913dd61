"""Drawing helpers that the strategies of several contexts share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from hypothesis import strategies as st

__all__: list[str] = []

_CHANNELS: Final = st.none() | st.sampled_from(["web", "app"])
_GROUPS: Final = st.none() | st.sampled_from(["b2b", "staff"])
# Promotion windows and sale instants lie around one instant, so a window
# holds the sale as often as not.
_AROUND: Final = datetime(2026, 1, 5, 9, tzinfo=UTC)
_HOURS_AROUND: Final = 72
# False three times in four; shrinks to False.
_NOW_AND_THEN: Final = st.integers(0, 3).map(lambda n: n == 3)  # noqa: PLR2004
