"""Strategies for the kernel's values, and the instants and ids others draw.

Money, currencies, SKUs, customer facts and postal addresses.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final

import moneyed
from hypothesis import strategies as st

from commercekit.errors import ValidationError
from commercekit.money import Amount, Money, minor_units, to_decimal
from commercekit.testing.strategies._common import _GROUPS
from commercekit.values import Address, CustomerFacts, Sku

__all__ = [
    "addresses",
    "currencies",
    "customer_facts",
    "money",
    "skus",
]

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


_SKU_FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def skus() -> st.SearchStrategy[Sku]:
    """Draw valid SKUs such as ``"SN-W-42"``."""
    return st.builds(
        lambda first, rest: Sku(first + rest),
        st.sampled_from(_SKU_FIRST),
        st.text(_SKU_FIRST + "._/-", max_size=20),
    )


_START: Final = datetime(2019, 1, 1, tzinfo=UTC)
_END: Final = datetime(2028, 1, 1, tzinfo=UTC)


def _instants() -> st.SearchStrategy[datetime]:
    """UTC instants, to the second, from 2019 to the end of 2027."""
    span = int((_END - _START).total_seconds()) - 1
    return st.integers(0, span).map(lambda seconds: _START + timedelta(seconds=seconds))


_VALID_VAT_IDS: Final = (
    "DE136695976",
    "FR40303265045",
    "ATU57194903",
    "EL094259216",
    "BE0697449992",
    "NL004495445B01",
    "IT00743110157",
)


def customer_facts() -> st.SearchStrategy[CustomerFacts]:
    """Draw what the rules may know of a customer.

    The VAT id, if any, is one of a few ids valid in form and checksum (of
    Germany, France, Austria, Greece, Belgium, the Netherlands and Italy, in
    compact form), confirmed by a VAT id service or not; without a VAT id the
    facts never claim a confirmation. Customers are consumers or
    businesses, in no group or in ``b2b`` or ``staff``, with up to 20 orders.
    """
    return st.builds(
        lambda group, business, vat, confirmed, count: CustomerFacts(
            customer_group=group,
            business=business,
            vat_id=vat,
            vat_id_confirmed=confirmed and vat is not None,
            order_count=count,
        ),
        _GROUPS,
        st.booleans(),
        st.none() | st.sampled_from(_VALID_VAT_IDS),
        st.booleans(),
        st.integers(0, 20),
    )


_NAMES: Final = (
    "Ada Lovelace",
    "Jörg Müller",
    "Zoë Øster",
    "Mehmet Yilmaz",
    "Ana María García López",
    "Li Wang",
)
_STREETS: Final = (
    "Hauptstraße",
    "Rue de Rivoli",
    "Keizersgracht",
    "Ringstraße",
    "Ulica Długa",
    "Main Street",
)
# Countries whose postal codes have a fixed form: the form, as a pattern to
# draw from, and a few cities. Ireland needs no code (an Eircode may be given).
_POSTAL_FORMS: Final = {
    "DE": (r"[0-9]{5}", ("Berlin", "München", "Köln")),
    "AT": (r"[1-9][0-9]{3}", ("Wien", "Graz")),
    "FR": (r"[0-9]{5}", ("Paris", "Lyon")),
    "NL": (r"[1-9][0-9]{3} [A-Z]{2}", ("Amsterdam", "Utrecht")),
    "PL": (r"[0-9]{2}-[0-9]{3}", ("Kraków", "Gdańsk")),
    "US": (r"[0-9]{5}(-[0-9]{4})?", ("New York", "Austin")),
    "IE": (r"[A-Z][0-9]{2} [A-Z0-9]{4}", ("Dublin", "Cork")),
}


def addresses(countries: Iterable[str] | None = None) -> st.SearchStrategy[Address]:
    """Draw valid postal addresses, with postal codes of their country's form.

    Countries are Germany (5 digits), Austria (4), France (5), the
    Netherlands (``"1011 AB"``), Poland (``"00-950"``), the United States
    (``"10001"`` or ``"10001-0001"``) and Ireland (no code, or an Eircode).
    Names and streets have letters beyond ASCII; company, second line,
    region and phone are filled some of the time.

    Args:
        countries: Draw only from these (codes of the list above).

    Raises:
        ValidationError: for a country not in the list.
    """
    chosen = tuple(_POSTAL_FORMS if countries is None else countries)
    unknown = [code for code in chosen if code not in _POSTAL_FORMS]
    if unknown or not chosen:
        msg = f"addresses() draws from {sorted(_POSTAL_FORMS)}, not {unknown or chosen}"
        raise ValidationError(msg, field="countries")

    @st.composite
    def build(draw: st.DrawFn) -> Address:
        country = draw(st.sampled_from(chosen))
        form, cities = _POSTAL_FORMS[country]
        code: str | None = draw(st.from_regex(form, fullmatch=True))
        if country == "IE" and draw(st.booleans()):
            code = None
        return Address(
            name=draw(st.sampled_from(_NAMES)),
            company=draw(st.none() | st.sampled_from(["Nordlicht GmbH", "ACME Ltd"])),
            street=f"{draw(st.sampled_from(_STREETS))} {draw(st.integers(1, 250))}",
            street_2=draw(st.none() | st.sampled_from(["c/o Schmidt", "3rd floor"])),
            postal_code=code,
            city=draw(st.sampled_from(cities)),
            region=draw(st.sampled_from([None, "NY"])) if country == "US" else None,
            country=country,
            phone=draw(
                st.none()
                | st.integers(1_000_000, 99_999_999).map(lambda n: f"+49 30 {n}")
            ),
        )

    return build()


def _in_units(code: str, units: int) -> Money:
    """``units`` minor units of the currency ``code``."""
    return Money(Decimal(units).scaleb(-minor_units(code)), code)


@functools.cache
def _numbered(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(1, 99_999).map(lambda n: f"{prefix}-{n}")
