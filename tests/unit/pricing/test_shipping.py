"""Shipping rates: the table of methods, zones and weight bands, and its port.

The shop of these tests ships from Germany, in EUR:

============  ==========================  ===================================
method        zone                        rate
============  ==========================  ===================================
``standard``  DE                          4.90, free from 50.00
``standard``  EU (AT, FR, NL)             up to 2 kg 9.90, up to 10 kg 14.90,
                                          up to 31.5 kg 24.90; free from 100.00
``economy``   DE                          4.90
``express``   DE                          9.90
``express``   EU (AT, FR, NL)             19.90
``express``   rest of the world           up to 5 kg 29.90, heavier 49.90
``pickup``    DE                          0.00
============  ==========================  ===================================
"""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commercekit.errors import (
    BusinessRuleError,
    CurrencyMismatchError,
    ValidationError,
)
from commercekit.money import Money, minor_units, money, sum_money
from commercekit.pricing import (
    SHIPPING_RULES,
    EUTaxProvider,
    LineItem,
    PriceMode,
    ShippingMethod,
    ShippingMethodUnavailableError,
    ShippingQuote,
    ShippingRates,
    ShippingRequest,
    ShippingZone,
    TableRates,
    TaxContext,
    TaxSettings,
    WeightBand,
    ZoneRate,
    price_lines,
)
from commercekit.serialization import dumps, loads
from commercekit.testing import strategies as cks


def eur(amount: str) -> Money:
    return money(amount, "EUR")


GERMANY = ShippingZone("DE", ["DE"])
EU = ShippingZone("EU", ["AT", "FR", "NL"])
WORLD = ShippingZone("WORLD")

STANDARD = ShippingMethod(
    "standard",
    "DHL Paket",
    [
        ZoneRate(GERMANY, price=eur("4.90"), free_above=eur("50.00")),
        ZoneRate(
            EU,
            bands=[
                WeightBand(2000, eur("9.90")),
                WeightBand(10_000, eur("14.90")),
                WeightBand(31_500, eur("24.90")),
            ],
            free_above=eur("100.00"),
        ),
    ],
)
ECONOMY = ShippingMethod("economy", "Economy", [ZoneRate(GERMANY, price=eur("4.90"))])
EXPRESS = ShippingMethod(
    "express",
    "Express",
    [
        ZoneRate(GERMANY, price=eur("9.90")),
        ZoneRate(EU, price=eur("19.90")),
        ZoneRate(
            WORLD,
            bands=[WeightBand(5000, eur("29.90")), WeightBand(None, eur("49.90"))],
        ),
    ],
)
PICKUP = ShippingMethod(
    "pickup", "Abholung im Laden", [ZoneRate(GERMANY, price=eur("0.00"))]
)
SHOP = TableRates([STANDARD, ECONOMY, EXPRESS, PICKUP])


def request(
    country: str = "DE", goods: str = "39.98", grams: int = 1200
) -> ShippingRequest:
    return ShippingRequest(country=country, goods_total=eur(goods), weight_grams=grams)


def price(method: str, **facts: Any) -> Money:
    return SHOP.quote(method, request(**facts)).price


def unavailable(method: str, **facts: Any) -> ShippingMethodUnavailableError:
    with pytest.raises(ShippingMethodUnavailableError) as caught:
        SHOP.quote(method, request(**facts))
    return caught.value


# -- flat rates ---------------------------------------------------------------


def test_a_flat_rate_is_one_price_for_any_weight() -> None:
    quote = SHOP.quote("standard", request())
    assert quote == ShippingQuote(
        method="standard", name="DHL Paket", price=eur("4.90"), free_above=eur("50.00")
    )
    assert quote.free_because is None
    assert not quote.is_free
    assert price("standard", grams=0) == eur("4.90")
    assert price("standard", grams=1_000_000) == eur("4.90")


def test_a_rate_of_zero_is_free_without_a_threshold() -> None:
    quote = SHOP.quote("pickup", request())
    assert quote.price == eur("0.00")
    assert quote.is_free
    assert quote.free_above is None
    assert quote.free_because is None


# -- weight bands -------------------------------------------------------------


@pytest.mark.parametrize(
    ("grams", "expected"),
    [
        (0, "9.90"),
        (1, "9.90"),
        (2000, "9.90"),  # exactly at the bound: still in the band
        (2001, "14.90"),  # one gram over: the next band
        (10_000, "14.90"),
        (10_001, "24.90"),
        (31_500, "24.90"),
    ],
)
def test_a_parcel_takes_the_first_band_that_holds_its_weight(
    grams: int, expected: str
) -> None:
    assert price("standard", country="AT", grams=grams) == eur(expected)


def test_a_parcel_heavier_than_every_band_is_not_offered() -> None:
    error = unavailable("standard", country="AT", grams=31_501)
    assert error.rule == "parcel_too_heavy"
    assert (error.method, error.country) == ("standard", "AT")
    assert (error.weight_grams, error.max_grams) == (31_501, 31_500)
    assert "up to 31500 g, not 31501 g" in str(error)
    offered = [quote.method for quote in SHOP.quotes(request("AT", grams=31_501))]
    assert offered == ["express"]


def test_an_open_last_band_takes_every_heavier_parcel() -> None:
    assert price("express", country="US", grams=5000) == eur("29.90")
    assert price("express", country="US", grams=5001) == eur("49.90")
    assert price("express", country="US", grams=1_000_000) == eur("49.90")


def test_a_zone_rate_tells_its_limit_and_price_per_weight() -> None:
    rate = STANDARD.rates[1]
    assert rate.max_grams == 31_500
    assert rate.currency == "EUR"
    assert rate.price_for(31_501) is None
    assert STANDARD.rates[0].max_grams is None
    assert EXPRESS.rates[2].max_grams is None


# -- zones --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "expected"),
    [("DE", "9.90"), ("AT", "19.90"), ("fr", "19.90"), ("NL", "19.90")],
)
def test_a_country_takes_the_rate_of_its_zone(country: str, expected: str) -> None:
    assert price("express", country=country) == eur(expected)


@pytest.mark.parametrize("country", ["US", "CH", "JP", "PL"])
def test_the_rest_of_the_world_is_every_country_no_other_zone_lists(
    country: str,
) -> None:
    assert price("express", country=country, grams=1200) == eur("29.90")


def test_a_method_without_a_rate_for_the_country_is_not_offered() -> None:
    error = unavailable("standard", country="US")
    assert error.code == "shipping_method_unavailable"
    assert error.rule == "no_shipping_rate_for_country"
    assert error.country == "US"
    assert str(error) == (
        "shipping method 'standard' does not ship to US: choose another method"
    )
    assert [quote.method for quote in SHOP.quotes(request("US"))] == ["express"]


def test_the_rest_of_the_world_is_per_method() -> None:
    """A rest-of-the-world zone covers what the method's other zones leave."""
    domestic_and_world = ShippingMethod(
        "express",
        "Express",
        [ZoneRate(GERMANY, price=eur("9.90")), ZoneRate(WORLD, price=eur("39.90"))],
    )
    rates = TableRates([STANDARD, domestic_and_world])
    assert rates.quote("express", request("AT")).price == eur("39.90")
    assert domestic_and_world.rate_for("DE") is domestic_and_world.rates[0]
    assert domestic_and_world.rate_for("AT") is domestic_and_world.rates[1]
    assert STANDARD.rate_for("US") is None


def test_zones_keep_their_countries_sorted_and_once() -> None:
    zone = ShippingZone("DACH", ["ch", "DE", "AT", "de"])
    assert zone.countries == ("AT", "CH", "DE")
    assert not zone.is_rest_of_world
    assert WORLD.is_rest_of_world
    assert WORLD.countries is None


# -- free above a threshold ---------------------------------------------------


def test_a_goods_total_of_exactly_the_threshold_ships_free() -> None:
    quote = SHOP.quote("standard", request(goods="50.00"))
    assert quote.price == eur("0.00")
    assert quote.is_free
    assert quote.free_above == eur("50.00")
    assert quote.free_because == "free shipping from €50.00"


def test_one_cent_below_the_threshold_pays_the_rate() -> None:
    quote = SHOP.quote("standard", request(goods="49.99"))
    assert quote.price == eur("4.90")
    assert quote.free_because is None
    assert quote.free_above is not None
    assert quote.free_above - eur("49.99") == eur("0.01")  # what is missing


def test_a_threshold_is_per_zone_and_waives_every_band() -> None:
    assert price("standard", country="AT", goods="99.99", grams=20_000) == eur("24.90")
    assert price("standard", country="AT", goods="100.00", grams=20_000) == eur("0.00")
    assert price("standard", country="DE", goods="99.99") == eur("0.00")


def test_a_threshold_never_ships_a_parcel_too_heavy_for_the_method() -> None:
    error = unavailable("standard", country="AT", goods="500.00", grams=40_000)
    assert error.rule == "parcel_too_heavy"


def test_a_goods_total_with_more_decimals_is_compared_exactly() -> None:
    below = ShippingRequest(country="DE", goods_total=eur("49.995"), weight_grams=100)
    assert SHOP.quote("standard", below).price == eur("4.90")


# -- the list of quotes -------------------------------------------------------


def test_quotes_come_cheapest_first_then_by_code() -> None:
    quotes = SHOP.quotes(request())
    assert [(quote.method, quote.price) for quote in quotes] == [
        ("pickup", eur("0.00")),
        ("economy", eur("4.90")),  # the same price as standard: by code
        ("standard", eur("4.90")),
        ("express", eur("9.90")),
    ]


def test_quotes_sort_a_threshold_made_free_with_the_free_ones() -> None:
    quotes = SHOP.quotes(request(goods="50.00"))
    assert [(quote.method, quote.price) for quote in quotes] == [
        ("pickup", eur("0.00")),
        ("standard", eur("0.00")),
        ("economy", eur("4.90")),
        ("express", eur("9.90")),
    ]


def test_quotes_to_a_country_no_method_serves_are_empty() -> None:
    local = TableRates([PICKUP])
    assert local.quotes(request("AT")) == []


def test_the_table_is_a_shipping_rates_port() -> None:
    port: ShippingRates = SHOP
    assert ShippingRates in type(port).__mro__
    assert SHOP.currency == "EUR"
    assert SHOP.methods == (STANDARD, ECONOMY, EXPRESS, PICKUP)
    assert repr(SHOP) == (
        "TableRates(currency='EUR', methods=('standard', 'economy', 'express', "
        "'pickup'))"
    )
    assert TableRates([STANDARD, ECONOMY, EXPRESS, PICKUP]) == SHOP
    assert hash(TableRates([PICKUP])) == hash(TableRates([PICKUP]))
    assert TableRates([PICKUP]) != SHOP


def test_quotes_requests_and_methods_round_trip_through_json() -> None:
    """A chosen quote can be stored (in an order snapshot) and read back."""
    quote = SHOP.quote("standard", request(goods="50.00"))
    assert loads(dumps(quote), ShippingQuote) == quote
    assert loads(dumps(request("AT")), ShippingRequest) == request("AT")
    assert loads(dumps(EXPRESS), ShippingMethod) == EXPRESS


# -- the price breakdown takes the chosen rate --------------------------------

GERMAN_SALE = TaxContext(ship_to="DE", supplied_at=datetime(2026, 1, 5, tzinfo=UTC))
GERMAN_MERCHANT = EUTaxProvider(TaxSettings(merchant_country="DE"))


def test_the_breakdown_takes_the_quoted_price() -> None:
    """Shoes 34.99 and two pairs of socks at 4.99, gross, at 19%, by standard.

    Goods 34.99 + 2 x 4.99 = 44.97, below 50.00: shipping 4.90, total 49.87.
    VAT per rate total: the net of 49.87 is 49.87 / 1.19 = 41.907... -> 41.91,
    the VAT 49.87 - 41.91 = 7.96 (goods 7.18, shipping 0.78).
    """
    cart = [
        LineItem(sku="SHOE-42", quantity=1, unit_price=eur("34.99")),
        LineItem(sku="SOCKS", quantity=2, unit_price=eur("4.99")),
    ]
    goods = sum_money((line.unit_price * line.quantity for line in cart), "EUR")
    quote = SHOP.quote(
        "standard",
        ShippingRequest(country="DE", goods_total=goods, weight_grams=1300),
    )
    breakdown = price_lines(
        cart,
        currency="EUR",
        mode=PriceMode.GROSS,
        tax=GERMAN_MERCHANT,
        context=GERMAN_SALE,
        shipping=quote.price,
    )
    assert goods == eur("44.97")
    assert breakdown.shipping_total == eur("4.90")
    assert breakdown.grand_total == eur("49.87")
    assert breakdown.net_total == eur("41.91")
    assert breakdown.tax_total == eur("7.96")
    assert breakdown.shipping is not None
    assert breakdown.shipping.tax == eur("0.78")


def test_the_breakdown_of_a_cart_above_the_threshold_ships_free() -> None:
    """100.00 at 19% and 50.00 at 7%: 150.00 of goods ship free, total 150.00.

    VAT: 100.00 - 100.00 / 1.19 = 100.00 - 84.03 = 15.97; 50.00 - 50.00 / 1.07
    = 50.00 - 46.73 = 3.27; together 19.24.
    """
    cart = [
        LineItem(sku="SHOE-42", quantity=1, unit_price=eur("100.00")),
        LineItem(
            sku="BOOK-1",
            quantity=1,
            unit_price=eur("50.00"),
            tax_category="reduced",
        ),
    ]
    quote = SHOP.quote(
        "standard",
        ShippingRequest(country="DE", goods_total=eur("150.00"), weight_grams=2500),
    )
    breakdown = price_lines(
        cart,
        currency="EUR",
        mode=PriceMode.GROSS,
        tax=GERMAN_MERCHANT,
        context=GERMAN_SALE,
        shipping=quote.price,
    )
    assert quote.free_because == "free shipping from €50.00"
    assert breakdown.shipping_total == eur("0.00")
    assert breakdown.grand_total == eur("150.00")
    assert breakdown.tax_total == eur("19.24")


# -- errors -------------------------------------------------------------------


def test_an_unknown_method_is_unavailable() -> None:
    error = unavailable("overnight")
    assert isinstance(error, BusinessRuleError)
    assert error.code == "shipping_method_unavailable"
    assert error.rule == "unknown_shipping_method"
    assert error.method == "overnight"
    assert str(error) == (
        "there is no shipping method 'overnight': choose one of the methods offered"
    )


def test_every_rule_is_named_and_the_error_survives_pickle() -> None:
    assert {
        unavailable("overnight").rule,
        unavailable("standard", country="US").rule,
        unavailable("standard", country="AT", grams=40_000).rule,
    } == SHIPPING_RULES
    error = unavailable("standard", country="AT", grams=40_000)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ShippingMethodUnavailableError
    assert (copy.method, copy.rule, copy.max_grams) == ("standard", error.rule, 31_500)
    assert str(copy) == str(error)


def test_an_unknown_rule_still_reads_well() -> None:
    error = ShippingMethodUnavailableError(method="express", rule="strike")
    assert str(error) == (
        "shipping method 'express' cannot ship this parcel: refused by 'strike'"
    )


def test_a_request_in_another_currency_is_refused() -> None:
    in_dollars = ShippingRequest(
        country="DE", goods_total=money("39.98", "USD"), weight_grams=100
    )
    with pytest.raises(CurrencyMismatchError) as caught:
        SHOP.quotes(in_dollars)
    assert (caught.value.expected, caught.value.got) == ("EUR", "USD")
    assert "the shipping rates are in EUR, the goods total in USD" in str(caught.value)
    with pytest.raises(CurrencyMismatchError):
        SHOP.quote("standard", in_dollars)
    with pytest.raises(CurrencyMismatchError):
        SHOP.quote("overnight", in_dollars)


@pytest.mark.parametrize(
    "build",
    [
        lambda: TableRates(
            [
                PICKUP,
                ShippingMethod(
                    "us", "US", [ZoneRate(WORLD, price=money("5.00", "USD"))]
                ),
            ]
        ),
        lambda: ShippingMethod(
            "mixed",
            "Mixed",
            [
                ZoneRate(GERMANY, price=eur("4.90")),
                ZoneRate(WORLD, price=money("5.00", "USD")),
            ],
        ),
        lambda: ZoneRate(
            GERMANY,
            bands=[WeightBand(10, eur("1.00")), WeightBand(20, money("2", "USD"))],
        ),
        lambda: ZoneRate(GERMANY, price=eur("4.90"), free_above=money("50", "USD")),
        lambda: ShippingQuote(
            method="standard",
            name="Standard",
            price=eur("4.90"),
            free_above=money("50", "USD"),
        ),
    ],
    ids=["table", "method", "bands", "threshold", "quote"],
)
def test_amounts_in_two_currencies_are_refused(build: Any) -> None:
    with pytest.raises(CurrencyMismatchError):
        build()


def test_the_request_must_be_a_shipping_request() -> None:
    with pytest.raises(ValidationError, match="ShippingRequest"):
        SHOP.quotes({"country": "DE"})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="method must be"):
        SHOP.quote(None, request())  # type: ignore[arg-type]


# -- bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight_grams": -1}, "weight_grams"),
        ({"weight_grams": 1.5}, "weight_grams"),
        ({"weight_grams": 1000.0}, "weight_grams"),
        ({"weight_grams": True}, "weight_grams"),
        ({"weight_grams": "100"}, "weight_grams"),
        ({"goods_total": 39.98}, "goods_total"),
        ({"goods_total": "39.98"}, "goods_total"),
        ({"goods_total": eur("-0.01")}, "goods_total"),
        ({"country": "XX"}, "country"),
        ({"country": "Germany"}, "country"),
        ({"postal_code": ""}, "postal_code"),
        ({"postal_code": 10115}, "postal_code"),
    ],
)
def test_bad_requests_are_refused(changes: dict[str, Any], field: str) -> None:
    facts: dict[str, Any] = {
        "country": "DE",
        "goods_total": eur("39.98"),
        "weight_grams": 1200,
    }
    with pytest.raises(ValidationError) as caught:
        ShippingRequest(**(facts | changes))
    assert caught.value.field == field


def test_a_request_knows_its_currency_and_keeps_its_postal_code() -> None:
    given = ShippingRequest(
        country=" at ",
        goods_total=money("12", "JPY"),
        weight_grams=0,
        postal_code="1010",
    )
    assert (given.country, given.currency, given.postal_code) == ("AT", "JPY", "1010")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        given.weight_grams = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("build", "field", "words"),
    [
        (lambda: ShippingMethod("standard", "", [STANDARD.rates[0]]), "name", "name"),
        (lambda: ShippingMethod("standard", "  ", [STANDARD.rates[0]]), "name", "name"),
        (lambda: ShippingMethod("", "Standard", [STANDARD.rates[0]]), "code", "code"),
        (
            lambda: ShippingMethod(" standard", "Standard", [STANDARD.rates[0]]),
            "code",
            "surrounding space",
        ),
        (lambda: ShippingMethod("standard", "Standard", []), "rates", "at least one"),
        (
            lambda: ShippingMethod("standard", "Standard", STANDARD.rates[0]),
            "rates",
            "list of ZoneRate",
        ),
        (
            lambda: ShippingMethod(
                "standard",
                "Standard",
                [
                    ZoneRate(GERMANY, price=eur("4.90")),
                    ZoneRate(ShippingZone("DACH", ["DE", "AT"]), price=eur("9.90")),
                ],
            ),
            "rates",
            "DE is in two zones of a shipping method, 'DE' and 'DACH'",
        ),
        (
            lambda: ShippingMethod(
                "standard",
                "Standard",
                [
                    ZoneRate(WORLD, price=eur("4.90")),
                    ZoneRate(ShippingZone("ELSEWHERE"), price=eur("9.90")),
                ],
            ),
            "rates",
            "the rest of the world is in two zones",
        ),
        (
            lambda: ShippingMethod(
                "standard",
                "Standard",
                [
                    ZoneRate(GERMANY, price=eur("4.90")),
                    ZoneRate(GERMANY, price=eur("1")),
                ],
            ),
            "rates",
            "zone 'DE' has two",
        ),
        (lambda: ShippingZone("EU", []), "countries", "at least one country"),
        (lambda: ShippingZone("EU", "DE"), "countries", "list of country codes"),
        (lambda: ShippingZone("EU", ["DE", "XX"]), "country", "'XX'"),
        (lambda: ShippingZone("", ["DE"]), "code", "code"),
        (lambda: ZoneRate("DE", price=eur("4.90")), "zone", "ShippingZone"),
        (lambda: ZoneRate(GERMANY), "bands", "either a flat price or weight bands"),
        (
            lambda: ZoneRate(
                GERMANY, price=eur("4.90"), bands=[WeightBand(10, eur("4.90"))]
            ),
            "bands",
            "not both",
        ),
        (lambda: ZoneRate(GERMANY, price=4.90), "price", "Money"),
        (lambda: ZoneRate(GERMANY, price=eur("-1.00")), "price", "0 or more"),
        (lambda: ZoneRate(GERMANY, price=eur("4.899")), "price", "whole minor units"),
        (
            lambda: ZoneRate(GERMANY, price=eur("4.90"), free_above=eur("0")),
            "free_above",
            "more than 0",
        ),
        (
            lambda: ZoneRate(GERMANY, price=eur("4.90"), free_above=50.0),
            "free_above",
            "not 50.0",
        ),
        (
            lambda: ZoneRate(
                GERMANY,
                bands=[WeightBand(2000, eur("6.90")), WeightBand(1000, eur("4.90"))],
            ),
            "bands",
            "lightest first",
        ),
        (
            lambda: ZoneRate(
                GERMANY,
                bands=[WeightBand(2000, eur("4.90")), WeightBand(2000, eur("6.90"))],
            ),
            "bands",
            "2000 g follows 2000 g",
        ),
        (
            lambda: ZoneRate(
                GERMANY,
                bands=[WeightBand(None, eur("4.90")), WeightBand(2000, eur("6.90"))],
            ),
            "bands",
            "only the last weight band may be open",
        ),
        (
            lambda: ZoneRate(
                GERMANY,
                bands=[WeightBand(1000, eur("6.90")), WeightBand(None, eur("4.90"))],
            ),
            "bands",
            "the open band costs 4.90, the band up to 1000 g 6.90",
        ),
        (lambda: WeightBand(0, eur("4.90")), "up_to_grams", "1 or more"),
        (lambda: WeightBand(1000.0, eur("4.90")), "up_to_grams", "whole number"),
        (lambda: WeightBand(1000, 4.90), "price", "Money"),
        (lambda: TableRates([]), "methods", "at least one method"),
        (lambda: TableRates([STANDARD, STANDARD]), "methods", "'standard'"),
        (
            lambda: TableRates(
                [
                    STANDARD,
                    ShippingMethod(
                        "express",
                        "Express",
                        [ZoneRate(ShippingZone("EU", ["AT"]), price=eur("19.90"))],
                    ),
                ]
            ),
            "methods",
            "zone 'EU' has other countries",
        ),
        (
            lambda: ShippingQuote(
                method="standard",
                name="Standard",
                price=eur("4.90"),
                free_because="free from 50",
            ),
            "free_because",
            "price of 0",
        ),
        (
            lambda: ShippingQuote(method="standard", name="", price=eur("4.90")),
            "name",
            "name",
        ),
        (
            lambda: ShippingQuote(method="standard", name="S", price=eur("-4.90")),
            "price",
            "0 or more",
        ),
    ],
)
def test_bad_configuration_is_refused(build: Any, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.field == field
    assert words in str(caught.value)


# -- properties ---------------------------------------------------------------

CURRENCIES = st.sampled_from(["EUR", "JPY", "KWD"])


@st.composite
def tables_and_requests(draw: st.DrawFn) -> tuple[TableRates, ShippingRequest]:
    currency = draw(CURRENCIES)
    return draw(cks.table_rates(currency)), draw(cks.shipping_requests(currency))


@given(tables_and_requests())
def test_quotes_are_sorted_and_each_is_what_quote_gives(
    drawn: tuple[TableRates, ShippingRequest],
) -> None:
    """The list of quotes is cheapest first, then by code; every quote in it
    is the quote of its method; and every method left out says why: it does
    not ship to the country, or the parcel is too heavy for it."""
    rates, given_request = drawn
    quotes = rates.quotes(given_request)
    keys = [(quote.price.amount, quote.method) for quote in quotes]
    assert keys == sorted(keys)
    for quote in quotes:
        assert rates.quote(quote.method, given_request) == quote
    listed = {quote.method for quote in quotes}
    for method in rates.methods:
        if method.code in listed:
            continue
        with pytest.raises(ShippingMethodUnavailableError) as caught:
            rates.quote(method.code, given_request)
        assert caught.value.rule in {"no_shipping_rate_for_country", "parcel_too_heavy"}


@given(tables_and_requests(), st.integers(0, 20_000))
def test_a_heavier_parcel_never_ships_cheaper(
    drawn: tuple[TableRates, ShippingRequest], extra_grams: int
) -> None:
    """By weight bands, a heavier parcel costs at least as much by every
    method, and a method that takes the heavier parcel takes the lighter."""
    rates, lighter = drawn
    heavier = attrs.evolve(lighter, weight_grams=lighter.weight_grams + extra_grams)
    light = {quote.method: quote.price for quote in rates.quotes(lighter)}
    for quote in rates.quotes(heavier):
        assert quote.method in light
        assert light[quote.method] <= quote.price


@given(tables_and_requests(), st.integers(0, 200_000))
def test_buying_more_never_makes_shipping_dearer(
    drawn: tuple[TableRates, ShippingRequest], extra_minor_units: int
) -> None:
    """More goods in the cart (the same parcel) never cost more to ship, and
    never change which methods are offered."""
    rates, smaller = drawn
    currency = smaller.currency
    extra = Money(Decimal(extra_minor_units).scaleb(-minor_units(currency)), currency)
    larger = attrs.evolve(smaller, goods_total=smaller.goods_total + extra)
    small = {quote.method: quote.price for quote in rates.quotes(smaller)}
    large = {quote.method: quote.price for quote in rates.quotes(larger)}
    assert small.keys() == large.keys()
    for method, amount in large.items():
        assert amount <= small[method]


@given(tables_and_requests())
def test_a_threshold_reached_ships_free_and_says_so(
    drawn: tuple[TableRates, ShippingRequest],
) -> None:
    """A goods total at or above a method's threshold ships free by it, and
    the quote says why; below it, the quote has no reason to be free. Every
    price is in the request's currency, in whole minor units."""
    rates, given_request = drawn
    for quote in rates.quotes(given_request):
        assert quote.price.currency.code == given_request.currency
        places = minor_units(given_request.currency)
        assert quote.price.amount == round(quote.price.amount, places)
        reached = (
            quote.free_above is not None
            and given_request.goods_total >= quote.free_above
        )
        assert (quote.free_because is not None) == reached
        if reached:
            assert quote.is_free


@settings(max_examples=min(settings().max_examples, 50))
@given(data=st.data())
def test_the_customer_pays_the_goods_and_the_quoted_shipping(
    data: st.DataObject,
) -> None:
    """Priced gross with the chosen method's quote, a cart costs the goods
    after discounts plus exactly the quoted shipping."""
    currency = data.draw(CURRENCIES)
    lines = data.draw(
        st.lists(
            cks.line_items(currency),
            min_size=1,
            max_size=4,
            unique_by=lambda line: line.key,
        )
    )
    rates = data.draw(cks.table_rates(currency))
    without_shipping = price_lines(
        lines,
        currency=currency,
        mode=PriceMode.GROSS,
        tax=GERMAN_MERCHANT,
        context=GERMAN_SALE,
    )
    goods = without_shipping.grand_total
    shipping_request = data.draw(cks.shipping_requests(currency))
    quotes = rates.quotes(attrs.evolve(shipping_request, goods_total=goods))
    if not quotes:
        return
    quote = data.draw(st.sampled_from(quotes))
    breakdown = price_lines(
        lines,
        currency=currency,
        mode=PriceMode.GROSS,
        tax=GERMAN_MERCHANT,
        context=GERMAN_SALE,
        shipping=quote.price,
    )
    assert breakdown.shipping_total == quote.price
    assert breakdown.grand_total == goods + quote.price
