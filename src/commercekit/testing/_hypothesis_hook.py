"""Registers commercekit's strategies with Hypothesis when Hypothesis starts.

Hypothesis calls :func:`register_strategies` through the ``hypothesis`` entry
point in commercekit's package metadata, so ``st.from_type(Money)`` works in
any project that has commercekit installed, without an import.
"""

from __future__ import annotations

from typing import Any

__all__ = ["register_strategies"]


def _lazy(name: str) -> Any:
    def strategy(_: type[Any]) -> Any:
        from commercekit.testing import strategies  # noqa: PLC0415 - lazily

        return getattr(strategies, name)()

    return strategy


def register_strategies() -> None:
    """Register a strategy for every public commercekit type Hypothesis cannot infer."""
    from hypothesis import strategies as st  # noqa: PLC0415 - only when called

    # Imported here, not at the top, to keep Hypothesis's start-up light.
    from commercekit.catalog import (  # noqa: PLC0415
        LocalizedText,
        Product,
        SearchQuery,
        Variant,
    )
    from commercekit.money import Money  # noqa: PLC0415

    st.register_type_strategy(Money, _lazy("money"))
    st.register_type_strategy(LocalizedText, _lazy("localized_texts"))
    st.register_type_strategy(Variant, _lazy("variants"))
    st.register_type_strategy(Product, _lazy("products"))
    st.register_type_strategy(SearchQuery, _lazy("search_queries"))
