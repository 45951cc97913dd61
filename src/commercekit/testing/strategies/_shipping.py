"""Strategies for shipping rates: bands, zones, methods, tables, requests, quotes."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from hypothesis import strategies as st

from commercekit.money import Money, minor_units
from commercekit.pricing import (
    ShippingMethod,
    ShippingQuote,
    ShippingRequest,
    ShippingZone,
    TableRates,
    WeightBand,
    ZoneRate,
)
from commercekit.testing.strategies._money import money

__all__ = [
    "shipping_methods",
    "shipping_quotes",
    "shipping_requests",
    "shipping_zones",
    "table_rates",
    "weight_bands",
    "zone_rates",
]

_SHIPPING_COUNTRIES: Final = ("DE", "AT", "FR", "NL", "PL", "CH", "GB", "US", "JP")
_METHOD_CODES: Final = ("standard", "express", "economy", "pickup", "freight")
_METHOD_NAMES: Final = ("Standard", "DHL Paket", "Express", "Spedition", "Abholung")


def weight_bands(currency: str = "EUR") -> st.SearchStrategy[WeightBand]:
    """Draw weight bands up to 1 g to 40 kg, or open, at 0 to 50.

    Args:
        currency: The currency code of the price.
    """
    return st.builds(
        WeightBand,
        st.none() | st.integers(1, 40_000),
        money(currency, min_value=0, max_value=50),
    )


def shipping_zones(
    *, rest_of_world: bool | None = None
) -> st.SearchStrategy[ShippingZone]:
    """Draw zones of one to four of a few countries, or the rest of the world.

    A zone's code is made of its countries (``"AT-DE"``; ``"WORLD"`` for the
    rest of the world), so zones with one code have the same countries, as
    :class:`~commercekit.pricing.TableRates` wants.

    Args:
        rest_of_world: ``True`` for rest-of-the-world zones only, ``False``
            for zones with countries only, ``None`` for both.
    """
    listed = st.lists(
        st.sampled_from(_SHIPPING_COUNTRIES), min_size=1, max_size=4, unique=True
    ).map(lambda codes: ShippingZone("-".join(sorted(codes)), codes))
    world = st.just(ShippingZone("WORLD"))
    if rest_of_world is None:
        return listed | world
    return world if rest_of_world else listed


def zone_rates(
    currency: str = "EUR", zone: st.SearchStrategy[ShippingZone] | None = None
) -> st.SearchStrategy[ZoneRate]:
    """Draw rates of a zone: a flat price or one to four weight bands.

    Prices are 0 to 50; bands are 1 g to 40 kg, rising, their prices never
    falling, the last one sometimes open. Half of the rates ship free from a
    goods total of up to 200.

    Args:
        currency: The currency code of the amounts.
        zone: The zones to draw from; :func:`shipping_zones` by default.
    """

    @st.composite
    def build(draw: st.DrawFn) -> ZoneRate:
        drawn_zone = draw(shipping_zones() if zone is None else zone)
        free_above = draw(st.none() | money(currency, min_value=1, max_value=200))
        if draw(st.booleans()):
            price = draw(money(currency, min_value=0, max_value=50))
            return ZoneRate(drawn_zone, price=price, free_above=free_above)
        size = draw(st.integers(1, 4))
        drawn = st.lists(
            st.integers(1, 40_000), min_size=size, max_size=size, unique=True
        )
        bounds: list[int | None] = [*sorted(draw(drawn))]
        if draw(st.booleans()):
            bounds[-1] = None
        prices = draw(
            st.lists(
                money(currency, min_value=0, max_value=50), min_size=size, max_size=size
            )
        )
        prices.sort(key=lambda price: price.amount)
        bands = [
            WeightBand(bound, price)
            for bound, price in zip(bounds, prices, strict=True)
        ]
        return ZoneRate(drawn_zone, bands=bands, free_above=free_above)

    return build()


def _disjoint(zones: list[ShippingZone]) -> list[ShippingZone]:
    """The zones, leaving out each that shares a country with one before it."""
    kept: list[ShippingZone] = []
    served: set[str | None] = set()
    for zone in zones:
        countries = set(zone.countries or (None,))
        if not countries & served:
            kept.append(zone)
            served |= countries
    return kept


def shipping_methods(currency: str = "EUR") -> st.SearchStrategy[ShippingMethod]:
    """Draw shipping methods with rates for one to four zones.

    Codes are a few such as ``"standard"`` and ``"express"``; a country is in
    one zone of a method at most, and some methods have a rest-of-the-world
    zone.

    Args:
        currency: The currency code of the amounts.
    """

    @st.composite
    def build(draw: st.DrawFn) -> ShippingMethod:
        zones = _disjoint(draw(st.lists(shipping_zones(), min_size=1, max_size=4)))
        rates = [draw(zone_rates(currency, st.just(zone))) for zone in zones]
        return ShippingMethod(
            draw(st.sampled_from(_METHOD_CODES)),
            draw(st.sampled_from(_METHOD_NAMES)),
            rates,
        )

    return build()


def table_rates(currency: str = "EUR") -> st.SearchStrategy[TableRates]:
    """Draw tables of one to four shipping methods with distinct codes.

    Args:
        currency: The currency code of every amount in the table.
    """
    return st.lists(
        shipping_methods(currency), min_size=1, max_size=4, unique_by=lambda m: m.code
    ).map(TableRates)


def shipping_requests(currency: str = "EUR") -> st.SearchStrategy[ShippingRequest]:
    """Draw requests to a few countries (and Brazil, which no listed zone has).

    Goods totals are 0 to 300 (most of the thresholds :func:`zone_rates`
    draws lie below), weights 0 g to 45 kg (some above every band), and some
    requests have a postal code.

    Args:
        currency: The currency code of the goods total.
    """
    return st.builds(
        ShippingRequest,
        country=st.sampled_from((*_SHIPPING_COUNTRIES, "BR")),
        goods_total=money(currency, min_value=0, max_value=300),
        weight_grams=st.integers(0, 45_000),
        postal_code=st.none() | st.from_regex(r"[0-9]{5}", fullmatch=True),
    )


def shipping_quotes(currency: str = "EUR") -> st.SearchStrategy[ShippingQuote]:
    """Draw quotes: priced, free by their threshold, or free by their rate.

    Args:
        currency: The currency code of the amounts.
    """

    @st.composite
    def build(draw: st.DrawFn) -> ShippingQuote:
        free_above = draw(st.none() | money(currency, min_value=1, max_value=200))
        price = draw(money(currency, min_value=0, max_value=50))
        free_because = None
        if free_above is not None and draw(st.booleans()):
            price = Money(Decimal(0).scaleb(-minor_units(currency)), currency)
            free_because = f"free shipping from {free_above.amount} {currency}"
        return ShippingQuote(
            method=draw(st.sampled_from(_METHOD_CODES)),
            name=draw(st.sampled_from(_METHOD_NAMES)),
            price=price,
            free_above=free_above,
            free_because=free_because,
        )

    return build()
