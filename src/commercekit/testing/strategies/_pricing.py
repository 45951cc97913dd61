"""Strategies for pricing: price lists, discounts, lines and breakdowns."""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Final

from hypothesis import strategies as st

from commercekit.money import Amount, Money, Rounding, minor_units, quantize
from commercekit.pricing import (
    Discount,
    EUTaxProvider,
    LineItem,
    ListedPrice,
    PriceBreakdown,
    PriceChange,
    PriceContext,
    PricedLine,
    PricedShipping,
    PriceEntry,
    PriceList,
    PriceListId,
    PriceMode,
    PriceReduction,
    PriceTier,
    ResolvedPrice,
    RoundingPolicy,
    ShippingBasis,
    ShippingPart,
    SupplyKind,
    TaxRateTotal,
    TaxRounding,
    TaxSettings,
    price_lines,
)
from commercekit.testing.strategies._common import _CHANNELS, _GROUPS
from commercekit.testing.strategies._money import (
    _END,
    _START,
    _instants,
    currencies,
    money,
    skus,
)
from commercekit.testing.strategies._tax import tax_contexts
from commercekit.values import TaxCategory

__all__ = [
    "discounts",
    "line_items",
    "listed_prices",
    "price_breakdowns",
    "price_changes",
    "price_contexts",
    "price_entries",
    "price_lists",
    "price_reductions",
    "price_tiers",
    "priced_lines",
    "priced_shippings",
    "resolved_prices",
    "rounding_policies",
    "shipping_parts",
    "tax_rate_totals",
]


def _one_more_decimal(currency: str, max_value: int) -> st.SearchStrategy[Money]:
    places = minor_units(currency) + 1
    return st.integers(0, max_value * 10**places).map(
        lambda units: Money(Decimal(units).scaleb(-places), currency)
    )


def _unit_prices(currency: str, max_value: int = 1000) -> st.SearchStrategy[Money]:
    """Unit prices from 0 to ``max_value``: whole minor units, or one decimal more."""
    return money(currency, min_value=0, max_value=max_value) | _one_more_decimal(
        currency, max_value
    )


_TIER_STARTS: Final = st.sampled_from([1, 5, 10, 25, 50, 100]) | st.integers(1, 200)


def price_tiers(currency: str = "EUR") -> st.SearchStrategy[PriceTier]:
    """Draw quantity tiers: a minimum quantity and a unit price in ``currency``.

    Unit prices lie between 0 and 1000, in whole minor units of the currency
    or with one decimal more (``12.345`` EUR), as price lists allow.

    Args:
        currency: The currency code of the unit price.
    """
    return st.builds(PriceTier, _TIER_STARTS, _unit_prices(currency))


def price_entries(currency: str = "EUR") -> st.SearchStrategy[PriceEntry]:
    """Draw the price of one SKU: one to three tiers, given in any order.

    Args:
        currency: The currency code of every tier.
    """
    return st.builds(
        PriceEntry,
        tiers=st.lists(
            price_tiers(currency),
            min_size=1,
            max_size=3,
            unique_by=lambda tier: tier.min_quantity,
        ),
        since=_instants(),
    )


def _window(
    start: datetime | None, length: int | None
) -> tuple[datetime | None, datetime | None]:
    if length is None:
        return start, None
    return start, (_START if start is None else start) + timedelta(seconds=length)


_WINDOWS: Final = st.builds(
    _window,
    st.none() | _instants(),
    st.none() | st.integers(1, 400 * 24 * 3600),
)
_LIST_IDS: Final = st.text("abcdef0123456789-", min_size=1, max_size=12).map(
    PriceListId
)


@st.composite
def _price_list(
    draw: st.DrawFn, currency: str, min_prices: int = 0, max_prices: int = 5
) -> PriceList:
    valid_from, valid_until = draw(_WINDOWS)
    return PriceList(
        list_id=draw(_LIST_IDS),
        currency=currency,
        mode=draw(st.sampled_from(PriceMode)),
        name=draw(st.sampled_from(["", "Shop", "Sommer-Sale", "B2B"])),
        priority=draw(st.integers(-3, 3)),
        channel=draw(_CHANNELS),
        customer_group=draw(_GROUPS),
        valid_from=valid_from,
        valid_until=valid_until,
        prices=draw(
            st.dictionaries(
                skus(),
                price_entries(currency),
                min_size=min_prices,
                max_size=max_prices,
            )
        ),
    )


def _codes(currency: str | st.SearchStrategy[str] | None) -> st.SearchStrategy[str]:
    if isinstance(currency, str):
        return st.just(currency.strip().upper())
    return currencies() if currency is None else currency


def price_lists(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PriceList]:
    """Draw valid price lists of up to five SKUs, each with one to three tiers.

    Lists are gross or net, for all or for a channel (``web``, ``app``) or a
    customer group (``b2b``, ``staff``), with or without a validity window
    (either end may be open), at priorities from -3 to 3, at version 0.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return _codes(currency).flatmap(_price_list)


def price_contexts(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PriceContext]:
    """Draw the facts of a sale that choose a price list.

    Instants lie between 2019 and 2027; channels and customer groups are those
    of :func:`price_lists`, or ``None``.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return st.builds(
        PriceContext,
        currency=_codes(currency),
        at=_instants(),
        channel=_CHANNELS,
        customer_group=_GROUPS,
    )


def listed_prices(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[ListedPrice]:
    """Draw one SKU's price with the terms of its list, as repositories return it.

    Each is taken from a list of :func:`price_lists` holding that one price
    (:meth:`~commercekit.pricing.PriceList.listed`), so its tiers are in the
    list's currency and its validity window is ordered.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return _codes(currency).flatmap(
        lambda code: _price_list(code, min_prices=1, max_prices=1).map(
            lambda price_list: price_list.listed_prices()[0]
        )
    )


@st.composite
def _resolved_price(draw: st.DrawFn, currency: str) -> ResolvedPrice:
    tier = draw(price_tiers(currency))
    return ResolvedPrice(
        sku=draw(skus()),
        quantity=tier.min_quantity + draw(st.integers(0, 100)),
        unit_price=tier.unit_price,
        mode=draw(st.sampled_from(PriceMode)),
        list_id=draw(_LIST_IDS),
        min_quantity=tier.min_quantity,
    )


def resolved_prices(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[ResolvedPrice]:
    """Draw unit prices as :func:`~commercekit.pricing.resolve_price` returns them.

    The unit price is a tier's (see :func:`price_tiers`), and the quantity
    priced is at or up to 100 above the tier's minimum quantity.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return _codes(currency).flatmap(_resolved_price)


def price_changes(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PriceChange]:
    """Draw rows of a price history: a new base price of a SKU in a list.

    Prices are unit prices as in :func:`price_tiers`; instants lie between
    2019 and 2027. Rows drawn separately belong to any list and SKU, which
    :func:`~commercekit.pricing.lowest_prior_price` does not mind, but draw a
    history in one currency.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return st.builds(
        PriceChange,
        list_id=_LIST_IDS,
        sku=skus(),
        unit_price=_codes(currency).flatmap(_unit_prices),
        changed_at=_instants(),
    )


_SOURCES: Final = st.sampled_from(["SUMMER10", "WELCOME", "promo-42", "bundle"])
_LABELS: Final = st.sampled_from(["", "10% off", "Sommerrabatt", "3 for 2"])


def discounts(
    currency: str = "EUR", max_value: Amount = 100
) -> st.SearchStrategy[Discount]:
    """Draw discounts of one minor unit up to ``max_value``, in whole minor units.

    Args:
        currency: The currency code of the amount.
        max_value: The largest amount.
    """
    smallest = Decimal(1).scaleb(-minor_units(currency))
    return st.builds(
        Discount,
        money(currency, min_value=smallest, max_value=max_value),
        _SOURCES,
        _LABELS,
    )


_LINE_CATEGORIES: Final = st.sampled_from(
    [TaxCategory.STANDARD, TaxCategory.REDUCED, TaxCategory.ZERO, TaxCategory.EXEMPT]
)


@st.composite
def _line_item(draw: st.DrawFn, currency: str, rounding: Rounding) -> LineItem:
    places = minor_units(currency)
    unit_price = draw(_unit_prices(currency))
    quantity = draw(st.integers(1, 50))
    subtotal = quantize(unit_price * quantity, rounding)
    remaining = int(subtotal.amount.scaleb(places))
    given: list[Discount] = []
    for _ in range(draw(st.integers(0, 3))):
        if remaining < 1:
            break
        units = draw(st.integers(1, remaining))
        remaining -= units
        amount = Money(Decimal(units).scaleb(-places), currency)
        given.append(Discount(amount, draw(_SOURCES), draw(_LABELS)))
    return LineItem(
        sku=draw(skus()),
        quantity=quantity,
        unit_price=unit_price,
        tax_category=draw(_LINE_CATEGORIES),
        supply=draw(st.sampled_from(SupplyKind)),
        discounts=given,
    )


def line_items(
    currency: str = "EUR", rounding: Rounding = Rounding.HALF_UP
) -> st.SearchStrategy[LineItem]:
    """Draw lines to price, in one currency.

    Quantities run from 1 to 50, unit prices from 0 to 1000 in whole minor
    units or with one decimal more; the tax category is ``standard``,
    ``reduced``, ``zero`` or ``exempt``, for goods or services. Up to three
    discounts never add up to more than the line's subtotal, computed as
    :func:`~commercekit.pricing.price_lines` does: ``unit_price * quantity``
    rounded to the minor unit by ``rounding``. Each line's key is its SKU, so
    draw a cart with ``st.lists(line_items(), unique_by=lambda line: line.key)``.

    Args:
        currency: The currency code of every amount.
        rounding: The rounding of the breakdown's policy the lines are for;
            with another, a line's discounts may exceed its subtotal.
    """
    return _line_item(currency.strip().upper(), Rounding(rounding))


def rounding_policies(currency: str = "EUR") -> st.SearchStrategy[RoundingPolicy]:
    """Draw rounding policies: any tax rounding and mode, cash rounding or none.

    A cash increment, when there is one, is 5, 10, 50 or 100 minor units of
    ``currency`` (``0.05`` EUR, ``5`` JPY), so the breakdown accepts it.

    Args:
        currency: The currency whose minor unit the cash increments are in.
    """
    places = minor_units(currency)
    return st.builds(
        RoundingPolicy,
        tax=st.sampled_from(TaxRounding),
        rounding=st.sampled_from(Rounding),
        cash_increment=st.none()
        | st.sampled_from([5, 10, 50, 100]).map(
            lambda units: Decimal(units).scaleb(-places)
        ),
    )


# The EU's rate table starts on 2020-01-01, in Berlin a little before midnight
# UTC: start a day later.
_EU_RATES_START: Final = datetime(2020, 1, 2, tzinfo=UTC)


def _eu_rate_instants() -> st.SearchStrategy[datetime]:
    span = int((_END - _EU_RATES_START).total_seconds()) - 1
    return st.integers(0, span).map(
        lambda seconds: _EU_RATES_START + timedelta(seconds=seconds)
    )


@functools.cache
def _german_merchant() -> EUTaxProvider:
    return EUTaxProvider(TaxSettings(merchant_country="DE"))


@st.composite
def _price_breakdown(
    draw: st.DrawFn,
    currency: str,
    *,
    min_lines: int = 0,
    shipped: bool = False,
    ship_to: tuple[str, ...] | None = None,
) -> PriceBreakdown:
    policy = draw(rounding_policies(currency))
    lines = draw(
        st.lists(
            line_items(currency, policy.rounding),
            min_size=min_lines,
            max_size=5,
            unique_by=lambda line: line.key,
        )
    )
    charges = money(currency, min_value=0, max_value=30)
    shipping = draw(charges if shipped else st.none() | charges) if lines else None
    return price_lines(
        lines,
        currency=currency,
        mode=draw(st.sampled_from(PriceMode)),
        tax=_german_merchant(),
        context=draw(
            tax_contexts(
                ship_to=None if ship_to is None else st.sampled_from(ship_to),
                supplied_at=_eu_rate_instants(),
            )
        ),
        shipping=shipping,
        order_discounts=draw(st.lists(discounts(currency, max_value=500), max_size=2)),
        shipping_basis=draw(st.sampled_from(ShippingBasis)),
        policy=policy,
    )


def price_breakdowns(currency: str = "EUR") -> st.SearchStrategy[PriceBreakdown]:
    """Draw breakdowns of carts, computed by :func:`~commercekit.pricing.price_lines`.

    A cart has up to five lines of :func:`line_items` with distinct keys, no
    shipping or up to 30 in ``currency`` (only with lines), and up to two
    order discounts of :func:`discounts` up to 500. It is priced gross or
    net, with shipping split either way, under any of
    :func:`rounding_policies`, for a :func:`tax_contexts` supplied from
    2020-01-02 to 2027, by :class:`~commercekit.pricing.EUTaxProvider` for a
    merchant in Germany.

    Args:
        currency: The currency code of every amount.
    """
    return _price_breakdown(currency.strip().upper())


def priced_lines(currency: str = "EUR") -> st.SearchStrategy[PricedLine]:
    """Draw lines of breakdowns of :func:`price_breakdowns`, as priced there.

    The breakdown has at least one line, and the line drawn is any of them,
    so its amounts (with its share of the order discounts and its VAT) are
    what :func:`~commercekit.pricing.price_lines` computed.

    Args:
        currency: The currency code of every amount.
    """
    return _price_breakdown(currency.strip().upper(), min_lines=1).flatmap(
        lambda breakdown: st.sampled_from(breakdown.lines)
    )


def _shipping_of(breakdown: PriceBreakdown) -> PricedShipping:
    if breakdown.shipping is None:  # pragma: no cover - drawn with shipping
        msg = "the breakdown was drawn with shipping and has none"
        raise AssertionError(msg)
    return breakdown.shipping


def priced_shippings(currency: str = "EUR") -> st.SearchStrategy[PricedShipping]:
    """Draw the shipping of breakdowns of :func:`price_breakdowns`.

    The breakdown has at least one line and 0 to 30 of shipping in
    ``currency``, split over the goods' rates by either basis, so the parts
    add up to the whole as :func:`~commercekit.pricing.price_lines` split it.

    Args:
        currency: The currency code of every amount.
    """
    code = currency.strip().upper()
    return _price_breakdown(code, min_lines=1, shipped=True).map(_shipping_of)


def shipping_parts(currency: str = "EUR") -> st.SearchStrategy[ShippingPart]:
    """Draw one rate's share of shipping, from :func:`priced_shippings`.

    Args:
        currency: The currency code of every amount.
    """
    return priced_shippings(currency).flatmap(
        lambda shipping: st.sampled_from(shipping.parts)
    )


def tax_rate_totals(currency: str = "EUR") -> st.SearchStrategy[TaxRateTotal]:
    """Draw one rate's totals from a breakdown of :func:`price_breakdowns`.

    The breakdown has at least one line, so it has at least one rate; the
    totals drawn are any of its rates'.

    Args:
        currency: The currency code of every amount.
    """
    return _price_breakdown(currency.strip().upper(), min_lines=1).flatmap(
        lambda breakdown: st.sampled_from(breakdown.rates)
    )


def _percent_off(new_price: Money, reference: Money | None) -> int | None:
    """The reduction in whole percent, rounded down, as the library computes it."""
    if reference is None or reference.amount <= 0 or new_price >= reference:
        return None
    saved = Fraction(reference.amount) - Fraction(new_price.amount)
    return math.floor(saved * 100 / Fraction(reference.amount))


@st.composite
def _price_reduction(draw: st.DrawFn, currency: str) -> PriceReduction:
    prices = _unit_prices(currency)
    low, high = sorted(draw(st.tuples(prices, prices)), key=lambda p: p.amount)
    reference = draw(st.sampled_from([high, None, low]))
    return PriceReduction(
        new_price=low,
        reference_price=reference,
        percent_off=_percent_off(low, reference),
    )


def price_reductions(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PriceReduction]:
    """Draw price reductions as :func:`~commercekit.pricing.announce_reduction` does.

    The new price and the reference price (the lowest of the 30 days before)
    are unit prices as in :func:`price_tiers`. The reference is ``None`` (a
    new product), the new price itself, or a price at or above it; the
    percentage off is computed from it and rounded down, and is ``None``
    without a reduction from a reference above zero.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return _codes(currency).flatmap(_price_reduction)
