"""Hypothesis strategies for commercekit's public types.

Each public type has a strategy here, and the ones Hypothesis cannot build by
itself are registered for ``st.from_type`` through Hypothesis's entry point, so
``st.from_type(Money)`` just works. Needs ``commercekit[testing]``.

Amounts are drawn as whole minor units of their currency, so they are exact,
finite, and shrink toward zero.
"""

from __future__ import annotations

import functools
import math
from decimal import Decimal

import moneyed
from hypothesis import strategies as st

from commercekit.errors import ValidationError
from commercekit.money import Amount, Money, minor_units, to_decimal

__all__ = ["currencies", "money"]

_DEFAULT_BOUND = Decimal(1_000_000_000)


@functools.cache
def _codes_in_use() -> tuple[str, ...]:
    usable = []
    for code, currency in moneyed.CURRENCIES.items():
        try:
            minor_units(code)
        except ValidationError:
            continue  # gold, test codes: no minor unit
        if currency.country_codes:  # legal tender somewhere today
            usable.append(code)
    return tuple(sorted(usable, key=lambda code: (code != "EUR", code)))


def currencies() -> st.SearchStrategy[str]:
    """Draw codes of the ISO 4217 currencies in use today, such as ``"EUR"``.

    Withdrawn currencies (``DEM``) and codes without a minor unit (``XAU``) are
    left out. Shrinks toward ``"EUR"``.
    """
    return st.sampled_from(_codes_in_use())


def _units(value: Decimal, places: int, *, upper: bool) -> int:
    scaled = value.scaleb(places)
    return math.floor(scaled) if upper else math.ceil(scaled)


def money(
    currency: str | st.SearchStrategy[str] | None = None,
    min_value: Amount | None = None,
    max_value: Amount | None = None,
) -> st.SearchStrategy[Money]:
    """Draw :class:`~commercekit.money.Money` in whole minor units.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
        min_value: The smallest amount; minus one billion by default.
        max_value: The largest amount; one billion by default.

    Raises:
        ValidationError: for a float bound, or ``min_value > max_value``.
    """
    low = (
        -_DEFAULT_BOUND
        if min_value is None
        else to_decimal(min_value, field="min_value")
    )
    high = (
        _DEFAULT_BOUND
        if max_value is None
        else to_decimal(max_value, field="max_value")
    )
    if low > high:
        msg = f"min_value {low} is above max_value {high}"
        raise ValidationError(msg, field="min_value")

    def in_currency(code: str) -> st.SearchStrategy[Money]:
        places = minor_units(code)
        lowest = _units(low, places, upper=False)
        highest = _units(high, places, upper=True)
        if lowest > highest:
            msg = f"no amount in {code} lies between {low} and {high}"
            raise ValidationError(msg, field="min_value")
        return st.integers(lowest, highest).map(
            lambda units: Money(Decimal(units).scaleb(-places), code)
        )

    if isinstance(currency, str):
        return in_currency(currency.strip().upper())
    return (currencies() if currency is None else currency).flatmap(in_currency)
