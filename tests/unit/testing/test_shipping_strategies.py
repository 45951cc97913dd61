"""The shipping strategies, and their registration for ``st.from_type``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commercekit.money import minor_units
from commercekit.pricing import (
    ShippingMethod,
    ShippingMethodUnavailableError,
    ShippingQuote,
    ShippingRequest,
    ShippingZone,
    TableRates,
    WeightBand,
    ZoneRate,
)
from commercekit.testing import strategies as cks


def _rises(rate: ZoneRate) -> bool:
    bounds = [band.up_to_grams for band in rate.bands if band.up_to_grams is not None]
    prices = [band.price.amount for band in rate.bands]
    return bounds == sorted(set(bounds)) and prices == sorted(prices)


def _is_consistent(quote: ShippingQuote) -> bool:
    return quote.free_because is None or (
        quote.is_free and quote.free_above is not None
    )


REGISTERED: dict[type[Any], Callable[[Any], bool]] = {
    ShippingMethod: lambda method: 1 <= len(method.rates) <= 4,
    ShippingQuote: _is_consistent,
    ShippingRequest: lambda request: 0 <= request.weight_grams <= 45_000,
    ShippingZone: lambda zone: zone.is_rest_of_world or 1 <= len(zone.countries) <= 4,
    TableRates: lambda rates: 1 <= len(rates.methods) <= 4,
    WeightBand: lambda band: band.up_to_grams is None or band.up_to_grams >= 1,
    ZoneRate: _rises,
}


@pytest.mark.parametrize("kind", list(REGISTERED), ids=lambda kind: kind.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_from_type_builds_the_shipping_types_through_the_entry_point(
    kind: type[Any], data: st.DataObject
) -> None:
    """Each shipping type comes from commercekit's strategy, so it keeps its rules."""
    value = data.draw(st.from_type(kind))
    assert isinstance(value, kind)
    assert REGISTERED[kind](value)


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
@settings(max_examples=30)
@given(data=st.data())
def test_tables_keep_to_their_currency_and_rebuild_from_their_methods(
    currency: str, data: st.DataObject
) -> None:
    """A drawn table is in one currency, its methods have distinct codes, and
    it passes the checks again when rebuilt from its parts."""
    rates = data.draw(cks.table_rates(currency))
    assert rates.currency == currency
    codes = [method.code for method in rates.methods]
    assert len(codes) == len(set(codes))
    for method in rates.methods:
        assert method.currency == currency
        assert attrs.evolve(method) == method
        for rate in method.rates:
            assert _rises(rate)
            if rate.free_above is not None:
                assert rate.free_above.currency.code == currency
    assert TableRates(rates.methods) == rates


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
@settings(max_examples=30)
@given(data=st.data())
def test_drawn_requests_quote_or_say_why_not(
    currency: str, data: st.DataObject
) -> None:
    """A drawn request in the table's currency gets quotes in whole minor
    units, and every method left out says why."""
    rates = data.draw(cks.table_rates(currency))
    request = data.draw(cks.shipping_requests(currency))
    quoted = {quote.method for quote in rates.quotes(request)}
    for method in rates.methods:
        if method.code in quoted:
            quote = rates.quote(method.code, request)
            places = minor_units(currency)
            assert quote.price.amount == round(quote.price.amount, places)
            continue
        with pytest.raises(ShippingMethodUnavailableError) as caught:
            rates.quote(method.code, request)
        assert caught.value.method == method.code


@given(cks.shipping_zones(rest_of_world=False))
def test_listed_zones_are_named_by_their_countries(zone: ShippingZone) -> None:
    assert zone.countries is not None
    assert zone.code == "-".join(zone.countries)


@given(cks.shipping_zones(rest_of_world=True))
def test_rest_of_the_world_zones_have_no_countries(zone: ShippingZone) -> None:
    assert zone.is_rest_of_world
    assert zone.code == "WORLD"


@given(cks.weight_bands("JPY"), cks.shipping_quotes("KWD"))
def test_bands_and_quotes_keep_to_their_currency(
    band: WeightBand, quote: ShippingQuote
) -> None:
    assert band.price.currency.code == "JPY"
    assert quote.price.currency.code == "KWD"
    assert _is_consistent(quote)
