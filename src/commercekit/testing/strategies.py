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
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import moneyed
from hypothesis import strategies as st
from stdnum import ean

from commercekit.catalog import (
    LocalizedText,
    NonReturnableReason,
    Product,
    ProductId,
    SearchQuery,
    Sort,
    Variant,
)
from commercekit.errors import ValidationError
from commercekit.money import Amount, Money, minor_units, to_decimal
from commercekit.values import Sku, TaxCategory

__all__ = [
    "currencies",
    "gtins",
    "localized_texts",
    "money",
    "products",
    "search_queries",
    "skus",
    "variants",
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


def gtins() -> st.SearchStrategy[str]:
    """Draw GTINs with a correct check digit: EAN-8, UPC-A or EAN-13."""
    return st.sampled_from([7, 11, 12]).flatmap(
        lambda size: st.text("0123456789", min_size=size, max_size=size).map(
            lambda digits: digits + ean.calc_check_digit(digits)
        )
    )


_WORDS = st.sampled_from(
    ["Sneaker", "weiß", "grün", "Größe", "Leder", "blue", "Café", "classic", "Öko"]
)


def localized_texts() -> st.SearchStrategy[LocalizedText]:
    """Draw texts of a few words, with translations for some locales."""
    words = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)
    return st.builds(
        LocalizedText,
        words,
        st.dictionaries(st.sampled_from(["en", "fr", "de_AT"]), words, max_size=2),
    )


_OPTIONS = st.dictionaries(
    st.sampled_from(["color", "size", "width"]),
    st.sampled_from(["white", "black", "grün", "41", "42", "43", "wide"]),
    max_size=3,
)


def variants(sku: st.SearchStrategy[Sku] | None = None) -> st.SearchStrategy[Variant]:
    """Draw variants with every field filled in some of the time."""
    return st.builds(
        Variant,
        sku=skus() if sku is None else sku,
        options=_OPTIONS,
        gtin=st.none() | gtins(),
        weight_grams=st.integers(0, 50_000),
        tax_category=st.sampled_from(TaxCategory),
        cost_price=st.none() | money("EUR", min_value=0, max_value=10_000),
        not_returnable=st.none() | st.sampled_from(NonReturnableReason),
    )


def products() -> st.SearchStrategy[Product]:
    """Draw products with up to four variants of distinct SKUs."""
    return st.builds(
        Product,
        product_id=st.text("abcdef0123456789-", min_size=1, max_size=12).map(ProductId),
        name=localized_texts(),
        description=localized_texts(),
        brand=st.sampled_from(["", "Nordlicht", "Südwind"]),
        categories=st.lists(
            st.sampled_from(["shoes", "shoes/sneakers", "bags"]), max_size=2
        ),
        attributes=st.dictionaries(
            st.sampled_from(["material", "sole"]),
            st.sampled_from(["leather", "rubber", "Öko-Baumwolle"]),
            max_size=2,
        ),
        variants=st.lists(variants(), max_size=4, unique_by=lambda v: v.sku),
        related=st.lists(st.sampled_from(["p-1", "p-2"]).map(ProductId), max_size=2),
        active=st.booleans(),
        created_at=st.integers(0, 10 * 365 * 24 * 3600).map(
            lambda seconds: (
                datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
            )
        ),
    )


_QUERY_WORDS = st.sampled_from(
    [
        "sneaker",
        "weiße",
        "WEISSE",
        "grün",
        "gruen",
        "leder",
        "socken",
        "Nordlicht",
        "südwind",
        "size:42",
        '"',
        "*",
        "schuh",
        "canvas",
    ]
)


def search_queries(currency: str = "EUR") -> st.SearchStrategy[SearchQuery]:
    """Draw valid search queries over the words of a shoe shop.

    Queries have up to three words (some with umlauts, some stray syntax such
    as ``size:42`` or ``"``), option filters, a category, price bounds in
    ``currency``, any sort, in-stock-only or not, and pages. The vocabulary
    fits the catalog of ``commercekit.testing.contracts.sample_catalog``, so
    many queries find something.
    """
    bounds = st.tuples(
        st.none() | money(currency, min_value=0, max_value=100),
        st.none() | money(currency, min_value=0, max_value=100),
    ).map(lambda pair: sorted(pair, key=lambda m: (m is None, m.amount if m else 0)))
    return st.builds(
        lambda words, options, category, price, sort, stock, page, per_page: (
            SearchQuery(
                text=" ".join(words),
                options=options,
                category=category,
                currency=currency,
                min_price=price[0],
                max_price=price[1],
                sort=sort,
                in_stock_only=stock,
                page=page,
                per_page=per_page,
            )
        ),
        st.lists(_QUERY_WORDS, max_size=3),
        st.dictionaries(
            st.sampled_from(["color", "size", "material"]),
            st.frozensets(
                st.sampled_from(["weiß", "grün", "schwarz", "41", "42", "Leder"]),
                min_size=1,
                max_size=2,
            ),
            max_size=2,
        ),
        st.none() | st.sampled_from(["shoes", "shoes/sneakers", "clothing", "sale"]),
        bounds,
        st.sampled_from(Sort),
        st.booleans(),
        st.integers(1, 3),
        st.integers(1, 4),
    )
