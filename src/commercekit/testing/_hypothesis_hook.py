"""Registers commercekit's strategies with Hypothesis when Hypothesis starts.

Hypothesis calls :func:`register_strategies` through the ``hypothesis`` entry
point in commercekit's package metadata, so ``st.from_type(Money)`` works in
any project that has commercekit installed, without an import.
"""

from __future__ import annotations

from typing import Any

__all__ = ["register_strategies"]


def _money_strategy(_: type[Any]) -> Any:
    from commercekit.testing.strategies import money  # noqa: PLC0415 - lazily

    return money()


def register_strategies() -> None:
    """Register a strategy for every public commercekit type Hypothesis cannot infer."""
    from hypothesis import strategies as st  # noqa: PLC0415 - only when called

    from commercekit.money import Money  # noqa: PLC0415 - keeps the hook light

    st.register_type_strategy(Money, _money_strategy)
