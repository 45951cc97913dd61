"""VAT rates by country, tax category and date: the rate table."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Final

import attrs

from commercekit.errors import ValidationError
from commercekit.money import to_decimal
from commercekit.pricing._errors import TaxRateNotFoundError
from commercekit.pricing._eu_rates import (
    EU_MEMBER_STATES,
    EU_RATES_AS_OF,
    EU_VAT_RATE_ROWS,
)
from commercekit.values import CountryCode, country_code

__all__ = [
    "EU_MEMBER_STATES",
    "EU_RATES_AS_OF",
    "EU_VAT_RATES",
    "MAX_PERCENT",
    "TaxRate",
    "TaxRateTable",
]

MAX_PERCENT: Final = Decimal(100)
"""The highest VAT rate a table accepts, in percent."""


def _percent(value: object) -> Decimal:
    percent = to_decimal(value, field="percent")
    if not Decimal(0) <= percent <= MAX_PERCENT:
        msg = f"a VAT rate is a percentage from 0 to 100, not {percent}"
        raise ValidationError(msg, field="percent")
    return percent


def _category(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        msg = f"a tax category is non-empty text such as 'reduced', not {value!r}"
        raise ValidationError(msg, field="category")
    return str(value)


def _date(value: object) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            msg = f"{value!r} is not an ISO date such as '2020-07-01'"
            raise ValidationError(msg, field="valid_from") from exc
    if not isinstance(value, date):
        msg = f"expected a date, not {value!r}"
        raise ValidationError(msg, field="valid_from")
    return value


def _optional_date(value: object) -> date | None:
    return None if value is None else _date(value)


def _after_start(instance: TaxRate, _: object, value: date | None) -> None:
    if value is not None and value <= instance.valid_from:
        msg = (
            f"valid_until {value.isoformat()} must come after valid_from "
            f"{instance.valid_from.isoformat()}"
        )
        raise ValidationError(msg, field="valid_until")


@attrs.frozen
class TaxRate:
    """A VAT rate of a country for a tax category, valid for a span of dates.

    Args:
        country: The country (ISO 3166-1 alpha-2; Greece is ``GR``).
        category: The tax category (``"standard"``, ``"reduced"``, or one of
            your own, such as ``"reduced_2"`` or ``"books"``).
        percent: The rate in percent: ``Decimal("19")``, ``Decimal("5.5")``.
        valid_from: The first day of supply it applies to.
        valid_until: The first day it no longer applies; ``None`` while in force.

    >>> TaxRate("de", "reduced", "7", "2021-01-01").percent
    Decimal('7')
    """

    country: CountryCode = attrs.field(converter=country_code)
    category: str = attrs.field(converter=_category)
    percent: Decimal = attrs.field(converter=_percent)
    valid_from: date = attrs.field(converter=_date)
    valid_until: date | None = attrs.field(
        default=None, converter=_optional_date, validator=_after_start
    )

    def applies_on(self, day: date) -> bool:
        """Whether a supply on ``day`` takes this rate."""
        return self.valid_from <= day and (
            self.valid_until is None or day < self.valid_until
        )


class TaxRateTable:
    """The VAT rates of countries, by tax category and date of supply.

    Windows of one country and category must not overlap, so a date always
    has at most one rate. Tables are immutable; :meth:`with_rates` returns a
    new one with rates added.

    Raises:
        ValidationError: if two rates of a country and category overlap.

    >>> table = TaxRateTable([TaxRate("DE", "standard", "19", "2021-01-01")])
    >>> table.rate("DE", "standard", date(2026, 1, 5)).percent
    Decimal('19')
    """

    __slots__ = ("_rates",)

    def __init__(self, rates: Iterable[TaxRate] = ()) -> None:
        grouped: defaultdict[tuple[str, str], list[TaxRate]] = defaultdict(list)
        given: Iterable[object] = rates  # checked at run time too
        for rate in given:
            if not isinstance(rate, TaxRate):
                msg = f"a rate table holds TaxRate objects, not {rate!r}"
                raise ValidationError(msg, field="rates")
            grouped[rate.country, rate.category].append(rate)
        for windows in grouped.values():
            windows.sort(key=lambda rate: rate.valid_from)
            for before, after in itertools.pairwise(windows):
                if before.valid_until is None or before.valid_until > after.valid_from:
                    msg = (
                        f"the {before.category!r} rates of {before.country} from "
                        f"{before.valid_from} and from {after.valid_from} overlap"
                    )
                    raise ValidationError(msg, field="rates")
        self._rates: dict[tuple[str, str], tuple[TaxRate, ...]] = {
            key: tuple(windows) for key, windows in grouped.items()
        }

    def rate(self, country: str, category: str, on: date) -> TaxRate:
        """The rate of ``category`` in ``country`` for a supply on ``on``.

        Raises:
            TaxRateNotFoundError: if the table has none.
        """
        for rate in self._rates.get((country, category), ()):
            if rate.applies_on(on):
                return rate
        raise TaxRateNotFoundError(country=country, category=category, on=on)

    def with_rates(self, rates: Iterable[TaxRate]) -> TaxRateTable:
        """A new table with ``rates`` added to these.

        Raises:
            ValidationError: if an added rate overlaps one of the table's.
        """
        return TaxRateTable([*self, *rates])

    def countries(self) -> frozenset[CountryCode]:
        """The countries that have rates in the table."""
        return frozenset(windows[0].country for windows in self._rates.values())

    def __iter__(self) -> Iterator[TaxRate]:
        for key in sorted(self._rates):
            yield from self._rates[key]

    def __len__(self) -> int:
        return sum(len(windows) for windows in self._rates.values())

    def __repr__(self) -> str:
        return f"<TaxRateTable of {len(self)} rates>"


EU_VAT_RATES: Final = TaxRateTable(
    TaxRate(country, category, percent, valid_from, valid_until)
    for country, category, percent, valid_from, valid_until in EU_VAT_RATE_ROWS
)
"""The standard and reduced VAT rates of the 27 EU member states, dated.

Categories: ``standard``; ``reduced`` (the lower reduced rate of at least
5%); ``reduced_2`` (a second, higher reduced rate where a country has one);
``super_reduced`` (a rate below 5%). Current to ``EU_RATES_AS_OF``; see
the pricing page of the docs for the source. Add or correct rates with
:meth:`TaxRateTable.with_rates`.
"""
