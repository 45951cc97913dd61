"""Price lists, quantity tiers, which price applies, and the Omnibus rule."""

from __future__ import annotations

import itertools
import pickle
import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from commercekit.errors import NotFoundError, ValidationError
from commercekit.money import Money, money
from commercekit.pricing import (
    ListedPrice,
    PriceChange,
    PriceContext,
    PriceEntry,
    PriceList,
    PriceListId,
    PriceMode,
    PriceNotFoundError,
    PriceTier,
    lowest_prior_price,
    resolve_price,
)
from commercekit.values import Sku

MONDAY = datetime(2026, 1, 5, 9, tzinfo=UTC)
CONTEXT = PriceContext(currency="EUR", at=MONDAY)


def eur(amount: str) -> Money:
    return money(amount, "EUR")


def socks_list(list_id: str, amount: str = "10.00", **terms: Any) -> PriceList:
    """A list in EUR with one price for SOCKS, on the given terms."""
    price_list = PriceList(
        list_id=PriceListId(list_id), currency="EUR", mode=PriceMode.GROSS, **terms
    )
    price_list.set_price("SOCKS", eur(amount), at=MONDAY - timedelta(days=100))
    return price_list


def price_of(
    lists: list[PriceList],
    quantity: int = 1,
    context: PriceContext = CONTEXT,
) -> Money:
    candidates = [listed for each in lists for listed in each.listed_prices()]
    return resolve_price(candidates, "SOCKS", quantity, context).unit_price


def winner(lists: list[PriceList], context: PriceContext = CONTEXT) -> str:
    candidates = [listed for each in lists for listed in each.listed_prices()]
    return resolve_price(candidates, "SOCKS", 1, context).list_id


# -- quantity tiers -----------------------------------------------------------

TIERED = {1: eur("10.00"), 10: eur("9.00")}


@pytest.mark.parametrize(
    ("quantity", "unit_price", "min_quantity"),
    [(1, "10.00", 1), (9, "10.00", 1), (10, "9.00", 10), (500, "9.00", 10)],
)
def test_quantity_tiers_one_to_nine_at_ten_then_nine(
    quantity: int, unit_price: str, min_quantity: int
) -> None:
    shop = PriceList(list_id=PriceListId("shop"), currency="EUR", mode="gross")
    shop.set_price("SOCKS", TIERED, at=MONDAY)
    resolved = resolve_price(shop.listed_prices(), "SOCKS", quantity, CONTEXT)
    assert resolved.unit_price == eur(unit_price)
    assert resolved.min_quantity == min_quantity
    assert resolved.quantity == quantity
    assert resolved.sku == "SOCKS"
    assert resolved.list_id == "shop"
    assert resolved.mode is PriceMode.GROSS


def test_tiers_given_as_a_list_in_any_order_are_stored_sorted() -> None:
    shop = PriceList(list_id=PriceListId("shop"), currency="EUR", mode="gross")
    shop.set_price(
        "SOCKS",
        [
            PriceTier(10, eur("9.00")),
            PriceTier(50, eur("8.00")),
            PriceTier(1, eur("10.00")),
        ],
        at=MONDAY,
    )
    entry = shop.prices[Sku("SOCKS")]
    assert [tier.min_quantity for tier in entry.tiers] == [1, 10, 50]
    assert entry.base_price == eur("10.00")
    assert price_of([shop], 9) == eur("10.00")
    assert price_of([shop], 49) == eur("9.00")
    assert price_of([shop], 50) == eur("8.00")


def test_a_mapping_and_a_list_of_tiers_make_the_same_entry() -> None:
    from_mapping = PriceEntry(TIERED, MONDAY)
    from_list = PriceEntry(
        [PriceTier(10, eur("9.00")), PriceTier(1, eur("10.00"))],
        MONDAY,
    )
    assert from_mapping == from_list
    assert from_mapping.tiers == (
        PriceTier(1, eur("10.00")),
        PriceTier(10, eur("9.00")),
    )


def test_one_money_is_one_tier_from_quantity_one() -> None:
    shop = PriceList(list_id=PriceListId("shop"), currency="EUR", mode="net")
    shop.set_price("SOCKS", eur("4.99"), at=MONDAY)
    assert shop.prices[Sku("SOCKS")].tiers == (PriceTier(1, eur("4.99")),)
    assert price_of([shop], 1) == eur("4.99")
    assert price_of([shop], 1000) == eur("4.99")


def test_a_unit_price_may_have_more_decimals_than_the_currency() -> None:
    tier = PriceTier(1, eur("0.125"))
    assert tier.unit_price.amount == eur("0.125").amount


def test_tier_for_answers_none_below_the_first_tier() -> None:
    entry = PriceEntry({10: eur("9.00")}, MONDAY)
    assert entry.tier_for(9) is None
    assert entry.tier_for(10) == PriceTier(10, eur("9.00"))


def test_a_list_starting_at_ten_does_not_price_five_so_another_list_does() -> None:
    bulk = PriceList(
        list_id=PriceListId("bulk"), currency="EUR", mode="gross", priority=10
    )
    bulk.set_price("SOCKS", {10: eur("7.00")}, at=MONDAY)
    retail = socks_list("retail", "10.00")
    assert winner([bulk, retail]) == "retail"
    assert price_of([bulk, retail], 5) == eur("10.00")
    assert price_of([bulk, retail], 10) == eur("7.00")


def test_a_list_starting_at_ten_alone_does_not_price_five() -> None:
    bulk = PriceList(list_id=PriceListId("bulk"), currency="EUR", mode="gross")
    bulk.set_price("SOCKS", {10: eur("7.00")}, at=MONDAY)
    with pytest.raises(PriceNotFoundError) as info:
        price_of([bulk], 5)
    assert info.value.quantity == 5


# -- precedence ---------------------------------------------------------------

SALE = {
    "valid_from": MONDAY - timedelta(days=1),
    "valid_until": MONDAY + timedelta(days=1),
}


def test_the_higher_priority_wins_over_everything_else() -> None:
    lists = [
        socks_list("a-specific", "7.00", channel="web", customer_group="b2b", **SALE),
        socks_list("z-priority", "9.00", priority=1),
    ]
    context = PriceContext(
        currency="EUR", at=MONDAY, channel="web", customer_group="b2b"
    )
    assert winner(lists, context) == "z-priority"
    assert price_of(lists, context=context) == eur("9.00")


def test_a_negative_priority_loses_to_the_default() -> None:
    lists = [socks_list("a-low", "7.00", priority=-1), socks_list("z-plain", "9.00")]
    assert winner(lists) == "z-plain"


@pytest.mark.parametrize(
    ("more", "less"),
    [
        ({"channel": "web", "customer_group": "b2b"}, {"channel": "web"}),
        ({"channel": "web", "customer_group": "b2b"}, {"customer_group": "b2b"}),
        ({"channel": "web"}, {}),
        ({"customer_group": "b2b"}, {}),
    ],
)
def test_the_more_specific_list_wins(
    more: dict[str, str], less: dict[str, str]
) -> None:
    context = PriceContext(
        currency="EUR", at=MONDAY, channel="web", customer_group="b2b"
    )
    # The less specific list has a window and the smaller id: specificity comes first.
    lists = [socks_list("a-less", "7.00", **less, **SALE), socks_list("z-more", **more)]
    assert winner(lists, context) == "z-more"


def test_a_channel_list_and_a_group_list_tie_on_specificity() -> None:
    context = PriceContext(
        currency="EUR", at=MONDAY, channel="web", customer_group="b2b"
    )
    lists = [
        socks_list("z-channel", channel="web"),
        socks_list("a-group", customer_group="b2b"),
    ]
    assert winner(lists, context) == "a-group"


@pytest.mark.parametrize(
    "window",
    [
        SALE,
        {"valid_from": MONDAY - timedelta(days=1)},
        {"valid_until": MONDAY + timedelta(days=1)},
    ],
)
def test_a_list_with_a_validity_window_beats_one_without(
    window: dict[str, datetime],
) -> None:
    lists = [socks_list("a-always", "10.00"), socks_list("z-sale", "8.00", **window)]
    assert winner(lists) == "z-sale"
    assert price_of(lists) == eur("8.00")


def test_the_later_valid_from_wins() -> None:
    lists = [
        socks_list("a-earlier", "8.00", valid_from=MONDAY - timedelta(days=7)),
        socks_list("z-later", "9.00", valid_from=MONDAY - timedelta(days=1)),
    ]
    assert winner(lists) == "z-later"


def test_a_window_that_only_ends_loses_to_one_that_starts() -> None:
    lists = [
        socks_list("a-until", "8.00", valid_until=MONDAY + timedelta(days=1)),
        socks_list("z-from", "9.00", valid_from=MONDAY - timedelta(days=400)),
    ]
    assert winner(lists) == "z-from"


def test_the_smaller_list_id_breaks_the_last_tie() -> None:
    lists = [socks_list("b", "9.00"), socks_list("a", "10.00"), socks_list("c", "8.00")]
    assert winner(lists) == "a"
    assert price_of(lists) == eur("10.00")


PRECEDENCE_LADDER = [
    # From the winner down, each loses to the one before by exactly one step.
    socks_list("m-top", "1.00", priority=2),
    socks_list("m-both", "2.00", priority=1, channel="web", customer_group="b2b"),
    socks_list("m-one", "3.00", priority=1, channel="web", **SALE),
    socks_list("m-late", "4.00", priority=1, valid_from=MONDAY - timedelta(days=1)),
    socks_list("m-early", "5.00", priority=1, valid_from=MONDAY - timedelta(days=2)),
    socks_list("a-plain", "6.00", priority=1),
    socks_list("b-plain", "7.00", priority=1),
]
LADDER_CONTEXT = PriceContext(
    currency="EUR", at=MONDAY, channel="web", customer_group="b2b"
)


def test_the_ladder_falls_one_step_at_a_time() -> None:
    for place, expected in enumerate(PRECEDENCE_LADDER):
        assert winner(PRECEDENCE_LADDER[place:], LADDER_CONTEXT) == expected.list_id


def test_the_result_does_not_depend_on_the_order_of_the_candidates() -> None:
    candidates = [
        listed for each in PRECEDENCE_LADDER for listed in each.listed_prices()
    ]
    expected = resolve_price(candidates, "SOCKS", 1, LADDER_CONTEXT)
    assert expected.list_id == "m-top"
    assert resolve_price(candidates[::-1], "SOCKS", 1, LADDER_CONTEXT) == expected
    shuffler = random.Random(20260105)  # noqa: S311 - a reproducible shuffle
    for _ in range(50):
        shuffled = candidates[:]
        shuffler.shuffle(shuffled)
        assert resolve_price(shuffled, "SOCKS", 1, LADDER_CONTEXT) == expected
    for rest in itertools.permutations(candidates[1:5]):
        found = resolve_price(list(rest), "SOCKS", 1, LADDER_CONTEXT)
        assert found.list_id == "m-both"


def test_prices_of_other_skus_are_ignored() -> None:
    shop = socks_list("a-shop", "1.00")
    shop.set_price("SHOES", eur("50.00"), at=MONDAY)
    candidates = shop.listed_prices()
    assert resolve_price(candidates, "SHOES", 1, CONTEXT).unit_price == eur("50.00")
    assert resolve_price(candidates, " SOCKS ", 1, CONTEXT).unit_price == eur("1.00")


# -- lists that do not apply --------------------------------------------------


def test_a_list_in_another_currency_does_not_apply() -> None:
    dollars = PriceList(list_id=PriceListId("a-usd"), currency="USD", mode="gross")
    dollars.set_price("SOCKS", money("5.00", "USD"), at=MONDAY)
    assert winner([dollars, socks_list("z-eur")]) == "z-eur"
    with pytest.raises(PriceNotFoundError):
        price_of([dollars])
    usd = PriceContext(currency="usd", at=MONDAY)
    assert price_of([dollars, socks_list("z-eur")], context=usd) == money("5", "USD")


@pytest.mark.parametrize(
    ("terms", "context"),
    [
        ({"channel": "app"}, PriceContext(currency="EUR", at=MONDAY, channel="web")),
        ({"channel": "app"}, CONTEXT),
        (
            {"customer_group": "staff"},
            PriceContext(currency="EUR", at=MONDAY, customer_group="b2b"),
        ),
        ({"customer_group": "staff"}, CONTEXT),
    ],
)
def test_a_list_for_another_channel_or_group_does_not_apply(
    terms: dict[str, str], context: PriceContext
) -> None:
    lists = [socks_list("a-other", "1.00", priority=5, **terms), socks_list("z-all")]
    assert winner(lists, context) == "z-all"
    with pytest.raises(PriceNotFoundError):
        winner(lists[:1], context)


@pytest.mark.parametrize(
    ("window", "applies"),
    [
        ({"valid_from": MONDAY}, True),  # valid_from is inclusive
        ({"valid_from": MONDAY + timedelta(microseconds=1)}, False),
        ({"valid_until": MONDAY}, False),  # valid_until is exclusive
        ({"valid_until": MONDAY + timedelta(microseconds=1)}, True),
        (
            {
                "valid_from": MONDAY - timedelta(days=9),
                "valid_until": MONDAY - timedelta(days=2),
            },
            False,
        ),
        (
            {
                "valid_from": MONDAY + timedelta(days=2),
                "valid_until": MONDAY + timedelta(days=9),
            },
            False,
        ),
    ],
)
def test_a_list_applies_only_inside_its_window(
    window: dict[str, datetime], applies: bool
) -> None:
    lists = [socks_list("a-sale", "8.00", **window), socks_list("z-always", "10.00")]
    assert winner(lists) == ("a-sale" if applies else "z-always")


def test_windows_compare_instants_whatever_the_time_zone() -> None:
    berlin_winter = timezone(timedelta(hours=1))
    # 10:00 in Berlin is 09:00 UTC, the instant of CONTEXT: the sale has begun.
    sale = socks_list(
        "a-sale", "8.00", valid_from=datetime(2026, 1, 5, 10, tzinfo=berlin_winter)
    )
    assert sale.valid_from == MONDAY
    assert winner([sale, socks_list("z-always")]) == "a-sale"


# -- PriceNotFoundError -------------------------------------------------------


def test_no_price_names_the_sku_currency_and_quantity() -> None:
    with pytest.raises(PriceNotFoundError) as info:
        resolve_price([], "SOCKS", 3, CONTEXT)
    error = info.value
    assert (error.sku, error.currency, error.quantity) == ("SOCKS", "EUR", 3)
    assert "'SOCKS'" in str(error)
    assert "EUR" in str(error)
    assert "quantity 3" in str(error)
    assert error.code == "price_not_found"
    assert error.kind == "price"
    assert error.key == "SOCKS"
    assert isinstance(error, NotFoundError)
    assert isinstance(error, LookupError)


def test_price_not_found_survives_pickle() -> None:
    error = PriceNotFoundError(sku="SOCKS", currency="EUR", quantity=3)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is PriceNotFoundError
    assert (copy.sku, copy.currency, copy.quantity) == ("SOCKS", "EUR", 3)
    assert str(copy) == str(error)
    assert copy.key == error.key


def test_resolve_price_refuses_a_quantity_below_one() -> None:
    with pytest.raises(ValidationError) as info:
        resolve_price(socks_list("shop").listed_prices(), "SOCKS", 0, CONTEXT)
    assert info.value.field == "quantity"


def test_resolve_price_refuses_a_bad_sku() -> None:
    with pytest.raises(ValidationError) as info:
        resolve_price(socks_list("shop").listed_prices(), "no spaces", 1, CONTEXT)
    assert info.value.field == "sku"


# -- PriceList validation -----------------------------------------------------


def expect_invalid(field: str, make: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        make()
    assert info.value.field == field, info.value
    return info.value


def empty_list(**terms: Any) -> PriceList:
    return PriceList(list_id=PriceListId("shop"), currency="EUR", mode="gross", **terms)


def test_a_price_in_another_currency_is_refused() -> None:
    dollars = PriceEntry(money("5.00", "USD"), MONDAY)
    error = expect_invalid("prices", lambda: empty_list(prices={"SOCKS": dollars}))
    assert "USD" in str(error)
    shop = empty_list()
    expect_invalid(
        "prices", lambda: shop.set_price("SOCKS", money("5", "USD"), at=MONDAY)
    )
    assert shop.prices == {}


def test_tiers_of_one_price_cannot_mix_currencies() -> None:
    mixed = {1: eur("10.00"), 10: money("9.00", "USD")}
    expect_invalid("tiers", lambda: empty_list().set_price("SOCKS", mixed, at=MONDAY))


@pytest.mark.parametrize(
    "price",
    [eur("-0.01"), {1: eur("1.00"), 10: eur("-1.00")}],
)
def test_a_negative_price_is_refused(price: Any) -> None:
    shop = empty_list()
    expect_invalid("unit_price", lambda: shop.set_price("SOCKS", price, at=MONDAY))
    expect_invalid("unit_price", lambda: PriceTier(1, eur("-5")))


def test_a_price_of_zero_is_allowed() -> None:
    shop = empty_list()
    shop.set_price("FREEBIE", eur("0.00"), at=MONDAY)
    assert shop.listed("FREEBIE").entry.base_price == eur("0")


def test_a_unit_price_must_be_money() -> None:
    expect_invalid("unit_price", lambda: PriceTier(1, "9.99"))


def test_duplicate_tier_quantities_are_refused() -> None:
    tiers = [PriceTier(1, eur("10.00")), PriceTier(1, eur("9.00"))]
    error = expect_invalid(
        "tiers", lambda: empty_list().set_price("SOCKS", tiers, at=MONDAY)
    )
    assert "quantity 1" in str(error)


@pytest.mark.parametrize("tiers", [[], {}, ()])
def test_empty_tiers_are_refused(tiers: Any) -> None:
    expect_invalid("tiers", lambda: empty_list().set_price("SOCKS", tiers, at=MONDAY))


@pytest.mark.parametrize("tiers", ["10.00", 10, [eur("10.00")], None])
def test_tiers_of_another_kind_are_refused(tiers: Any) -> None:
    expect_invalid("tiers", lambda: empty_list().set_price("SOCKS", tiers, at=MONDAY))


@pytest.mark.parametrize("min_quantity", [0, -1, True, 1.0])
def test_a_tier_starts_at_a_positive_int(min_quantity: Any) -> None:
    expect_invalid("min_quantity", lambda: PriceTier(min_quantity, eur("1.00")))
    price = {min_quantity: eur("1.00")}
    expect_invalid(
        "min_quantity", lambda: empty_list().set_price("SOCKS", price, at=MONDAY)
    )


@pytest.mark.parametrize("days", [0, -1])
def test_valid_until_must_come_after_valid_from(days: int) -> None:
    until = MONDAY + timedelta(days=days)
    error = expect_invalid(
        "valid_until", lambda: empty_list(valid_from=MONDAY, valid_until=until)
    )
    assert "after valid_from" in str(error)


@pytest.mark.parametrize("field", ["valid_from", "valid_until"])
def test_a_window_needs_aware_datetimes(field: str) -> None:
    naive = datetime(2026, 1, 5, 9)  # noqa: DTZ001 - the point of the test
    expect_invalid(field, lambda: empty_list(**{field: naive}))


def test_set_price_needs_an_aware_instant() -> None:
    naive = datetime(2026, 1, 5, 9)  # noqa: DTZ001 - the point of the test
    expect_invalid("at", lambda: empty_list().set_price("SOCKS", eur("1"), at=naive))


def test_a_price_context_needs_an_aware_instant() -> None:
    naive = datetime(2026, 1, 5, 9)  # noqa: DTZ001 - the point of the test
    expect_invalid("at", lambda: PriceContext(currency="EUR", at=naive))


@pytest.mark.parametrize("list_id", ["", "   ", "a\x00b", None, 7])
def test_a_bad_list_id_is_refused(list_id: Any) -> None:
    expect_invalid(
        "list_id", lambda: PriceList(list_id=list_id, currency="EUR", mode="gross")
    )


@pytest.mark.parametrize("priority", [True, "1", 1.0, None])
def test_priority_must_be_an_int(priority: Any) -> None:
    expect_invalid("priority", lambda: empty_list(priority=priority))


@pytest.mark.parametrize("field", ["channel", "customer_group"])
@pytest.mark.parametrize("value", ["", "  ", 3])
def test_channel_and_group_are_names_or_none(field: str, value: Any) -> None:
    expect_invalid(field, lambda: empty_list(**{field: value}))


def test_an_unknown_currency_is_refused() -> None:
    with pytest.raises(ValidationError):
        PriceList(list_id=PriceListId("shop"), currency="EUX", mode="gross")


def test_a_bad_sku_is_refused() -> None:
    expect_invalid(
        "sku", lambda: empty_list().set_price("no spaces", eur("1"), at=MONDAY)
    )


def test_prices_must_map_skus_to_entries() -> None:
    expect_invalid("prices", lambda: empty_list(prices=[]))
    expect_invalid("prices", lambda: empty_list(prices={"SOCKS": eur("1.00")}))


def test_skus_in_given_prices_are_normalised() -> None:
    entry = PriceEntry(eur("1.00"), MONDAY)
    assert list(empty_list(prices={" SOCKS ": entry}).prices) == ["SOCKS"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("currency", "USD"), ("list_id", "other"), ("prices", {})],
)
def test_the_identity_currency_and_prices_of_a_list_cannot_be_replaced(
    field: str, value: object
) -> None:
    shop = socks_list("shop")
    expect_invalid(field, lambda: setattr(shop, field, value))
    assert shop.currency == "EUR"
    assert shop.list_id == "shop"
    assert list(shop.prices) == ["SOCKS"]


def test_moving_valid_from_past_valid_until_is_refused() -> None:
    sale = socks_list("sale", "8.00", **SALE)
    later = MONDAY + timedelta(days=5)
    expect_invalid("valid_from", lambda: setattr(sale, "valid_from", later))
    expect_invalid(
        "valid_until", lambda: setattr(sale, "valid_until", MONDAY - timedelta(days=5))
    )
    assert (sale.valid_from, sale.valid_until) == (
        SALE["valid_from"],
        SALE["valid_until"],
    )


# -- set_price, remove_price, listed ------------------------------------------


def test_setting_the_same_tiers_keeps_since() -> None:
    shop = empty_list()
    shop.set_price("SOCKS", TIERED, at=MONDAY)
    later = MONDAY + timedelta(days=3)
    shop.set_price(
        "SOCKS", [PriceTier(10, eur("9.00")), PriceTier(1, eur("10.00"))], at=later
    )
    assert shop.prices[Sku("SOCKS")].since == MONDAY


def test_setting_one_money_as_a_tier_mapping_keeps_since() -> None:
    shop = empty_list()
    shop.set_price("SOCKS", eur("10.00"), at=MONDAY)
    shop.set_price("SOCKS", {1: eur("10.00")}, at=MONDAY + timedelta(days=1))
    assert shop.prices[Sku("SOCKS")].since == MONDAY


def test_a_changed_price_replaces_since() -> None:
    shop = empty_list()
    shop.set_price("SOCKS", TIERED, at=MONDAY)
    later = MONDAY + timedelta(days=3)
    shop.set_price("SOCKS", {1: eur("10.00"), 10: eur("8.50")}, at=later)
    entry = shop.prices[Sku("SOCKS")]
    assert entry.since == later
    assert entry.tiers[1].unit_price == eur("8.50")


def test_since_is_stored_in_utc() -> None:
    shop = empty_list()
    shop.set_price(
        "SOCKS",
        eur("1"),
        at=datetime(2026, 1, 5, 10, tzinfo=timezone(timedelta(hours=1))),
    )
    since = shop.prices[Sku("SOCKS")].since
    assert since == MONDAY
    assert since.tzinfo is UTC


def test_remove_price_removes_it() -> None:
    shop = socks_list("shop")
    shop.remove_price("SOCKS")
    assert shop.prices == {}
    with pytest.raises(PriceNotFoundError):
        price_of([shop])


def test_removing_a_missing_price_raises_not_found() -> None:
    shop = empty_list()
    with pytest.raises(NotFoundError) as info:
        shop.remove_price("SOCKS")
    assert info.value.kind == "price"
    assert info.value.key == "shop/SOCKS"
    assert info.value.code == "not_found"


def test_listed_of_a_missing_price_raises_not_found() -> None:
    with pytest.raises(NotFoundError) as info:
        empty_list().listed("SOCKS")
    assert info.value.key == "shop/SOCKS"


def test_listed_prices_carry_the_terms_and_are_sorted_by_sku() -> None:
    shop = PriceList(
        list_id=PriceListId("b2b-web"),
        currency="EUR",
        mode="net",
        priority=3,
        channel="web",
        customer_group="b2b",
        valid_from=MONDAY,
        valid_until=MONDAY + timedelta(days=7),
    )
    for code in ["socks", "SOCKS", "BELT", "Z-1", "A-9"]:
        shop.set_price(code, eur("2.00"), at=MONDAY)
    listed = shop.listed_prices()
    assert [price.sku for price in listed] == ["A-9", "BELT", "SOCKS", "Z-1", "socks"]
    expected = ListedPrice(
        list_id=PriceListId("b2b-web"),
        sku=Sku("BELT"),
        currency="EUR",
        mode=PriceMode.NET,
        entry=shop.prices[Sku("BELT")],
        priority=3,
        channel="web",
        customer_group="b2b",
        valid_from=MONDAY,
        valid_until=MONDAY + timedelta(days=7),
    )
    assert listed[1] == expected
    assert shop.listed(" BELT ") == expected


def test_the_mode_of_the_list_travels_to_the_resolved_price() -> None:
    net = PriceList(list_id=PriceListId("net"), currency="EUR", mode="net")
    net.set_price("SOCKS", eur("8.40"), at=MONDAY)
    assert resolve_price(net.listed_prices(), "SOCKS", 1, CONTEXT).mode is PriceMode.NET


# -- lowest_prior_price (Omnibus) ---------------------------------------------

REDUCTION = datetime(2026, 3, 25, tzinfo=UTC)


def change(amount: str, days_before: float, *, at: datetime = REDUCTION) -> PriceChange:
    return PriceChange(
        list_id=PriceListId("shop"),
        sku=Sku("SOCKS"),
        unit_price=eur(amount),
        changed_at=at - timedelta(days=days_before),
    )


def test_the_docstring_case_lowest_of_the_thirty_days() -> None:
    history = [change("12.00", 24), change("11.00", 15), change("15.00", 5)]
    assert lowest_prior_price(history, before=REDUCTION) == eur("11.00")
    assert lowest_prior_price(history[::-1], before=REDUCTION) == eur("11.00")


def test_a_price_set_forty_days_before_and_unchanged_counts() -> None:
    assert lowest_prior_price([change("9.00", 40)], before=REDUCTION) == eur("9.00")
    history = [change("9.00", 40), change("12.00", 10)]
    assert lowest_prior_price(history, before=REDUCTION) == eur("9.00")


def test_a_price_that_ended_before_the_window_does_not_count() -> None:
    history = [change("5.00", 50), change("10.00", 40), change("12.00", 10)]
    assert lowest_prior_price(history, before=REDUCTION) == eur("10.00")


def test_the_reductions_own_price_and_later_prices_do_not_count() -> None:
    history = [change("10.00", 20), change("7.00", 0), change("6.00", -5)]
    assert lowest_prior_price(history, before=REDUCTION) == eur("10.00")


def test_no_price_before_the_reduction_gives_none() -> None:
    assert lowest_prior_price([], before=REDUCTION) is None
    assert lowest_prior_price([change("7.00", 0)], before=REDUCTION) is None


def test_a_change_exactly_at_the_window_start() -> None:
    # The window is [before - 30 days, before): 8.00 ended as it opened.
    history = [change("8.00", 40), change("10.00", 30)]
    assert lowest_prior_price(history, before=REDUCTION) == eur("10.00")
    # A change a microsecond later: 8.00 was still in effect when it opened.
    later = REDUCTION + timedelta(microseconds=1)
    history = [change("8.00", 40), change("10.00", 30, at=later)]
    assert lowest_prior_price(history, before=REDUCTION) == eur("8.00")


def test_a_window_of_seven_days() -> None:
    history = [change("8.00", 20), change("12.00", 10), change("15.00", 3)]
    assert lowest_prior_price(history, before=REDUCTION, days=7) == eur("12.00")
    assert lowest_prior_price(history, before=REDUCTION) == eur("8.00")


def test_a_rise_then_a_fall_inside_the_window_counts_the_lowest() -> None:
    history = [change("10.00", 60), change("14.00", 25), change("9.50", 12)]
    assert lowest_prior_price(history, before=REDUCTION) == eur("9.50")


def test_before_must_be_aware() -> None:
    naive = datetime(2026, 3, 25)  # noqa: DTZ001 - the point of the test
    expect_invalid("before", lambda: lowest_prior_price([change("1", 3)], before=naive))


@pytest.mark.parametrize("days", [0, -7, True])
def test_the_window_is_at_least_a_day(days: Any) -> None:
    expect_invalid("days", lambda: lowest_prior_price([], before=REDUCTION, days=days))
