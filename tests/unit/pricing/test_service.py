"""The pricing use cases, over the in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.errors import NotFoundError, ValidationError
from commercekit.money import money
from commercekit.pricing import (
    PriceContext,
    PriceList,
    PriceListId,
    PriceMode,
    PriceNotFoundError,
    announce_reduction,
    resolve_prices,
)
from commercekit.values import Sku

MARCH = datetime(2026, 3, 1, tzinfo=UTC)


def store_with(*lists: PriceList) -> InMemoryStore:
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        for price_list in lists:
            uow.price_lists.add(price_list)
        uow.commit()
    return store


def shop_list(**terms: object) -> PriceList:
    return PriceList(
        list_id=PriceListId(str(terms.pop("list_id", "shop"))),
        currency="EUR",
        mode=PriceMode.GROSS,
        **terms,  # type: ignore[arg-type]
    )


def test_each_sku_gets_its_price_at_its_quantity() -> None:
    shop = shop_list()
    shop.set_price(
        "SOCKS", {1: money("10.00", "EUR"), 10: money("9.00", "EUR")}, at=MARCH
    )
    shop.set_price("SHOE", money("89.00", "EUR"), at=MARCH)
    store = store_with(shop)

    prices = resolve_prices(
        {"SOCKS": 12, "SHOE": 1},
        PriceContext(currency="EUR", at=MARCH),
        uow=InMemoryUnitOfWork(store),
    )

    assert list(prices) == ["SOCKS", "SHOE"]
    assert prices[Sku("SOCKS")].unit_price == money("9.00", "EUR")
    assert prices[Sku("SOCKS")].min_quantity == 10
    assert prices[Sku("SHOE")].unit_price == money("89.00", "EUR")


def test_a_group_list_wins_over_the_shop_list_for_its_group() -> None:
    shop = shop_list()
    shop.set_price("SOCKS", money("10.00", "EUR"), at=MARCH)
    staff = shop_list(list_id="staff", customer_group="staff")
    staff.set_price("SOCKS", money("7.00", "EUR"), at=MARCH)
    store = store_with(shop, staff)

    def price_for(group: str | None) -> object:
        context = PriceContext(currency="EUR", at=MARCH, customer_group=group)
        found = resolve_prices({"SOCKS": 1}, context, uow=InMemoryUnitOfWork(store))
        return found[Sku("SOCKS")].unit_price

    assert price_for("staff") == money("7.00", "EUR")
    assert price_for(None) == money("10.00", "EUR")


def test_a_sku_without_a_price_in_the_currency_is_named() -> None:
    shop = shop_list()
    shop.set_price("SOCKS", money("10.00", "EUR"), at=MARCH)
    store = store_with(shop)

    with pytest.raises(PriceNotFoundError) as caught:
        resolve_prices(
            {"SOCKS": 1},
            PriceContext(currency="CHF", at=MARCH),
            uow=InMemoryUnitOfWork(store),
        )

    assert (caught.value.sku, caught.value.currency) == ("SOCKS", "CHF")


def test_quantities_must_be_a_mapping_of_positive_ints() -> None:
    store = store_with()
    context = PriceContext(currency="EUR", at=MARCH)
    with pytest.raises(ValidationError):
        resolve_prices(["SOCKS"], context, uow=InMemoryUnitOfWork(store))  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        resolve_prices({"SOCKS": 0}, context, uow=InMemoryUnitOfWork(store))


def history_store() -> tuple[InMemoryStore, datetime]:
    # 12.00 from March 1st, 11.00 from the 10th, 15.00 from the 20th, and
    # 9.00 from April 5th.
    shop = shop_list()
    store = store_with(shop)
    steps = [(0, "12.00"), (9, "11.00"), (19, "15.00"), (35, "9.00")]
    for day, amount in steps:
        with InMemoryUnitOfWork(store) as uow:
            loaded = uow.price_lists.get(PriceListId("shop"))
            loaded.set_price(
                "SOCKS", money(amount, "EUR"), at=MARCH + timedelta(days=day)
            )
            uow.price_lists.save(loaded)
            uow.commit()
    return store, MARCH + timedelta(days=35)


def test_a_reduction_is_measured_against_the_lowest_price_of_30_days() -> None:
    store, reduced_at = history_store()

    reduction = announce_reduction(
        "shop", "SOCKS", uow=InMemoryUnitOfWork(store), at=reduced_at
    )

    # The window is March 6th to April 5th: 12.00 (until the 10th), 11.00 and
    # 15.00 were charged; the lowest is 11.00, not the "was" price 15.00.
    assert reduction.new_price == money("9.00", "EUR")
    assert reduction.reference_price == money("11.00", "EUR")
    # (11.00 - 9.00) / 11.00 = 18.2% -> 18
    assert reduction.percent_off == 18


def test_a_new_product_has_no_reference_price() -> None:
    shop = shop_list()
    shop.set_price("SOCKS", money("9.00", "EUR"), at=MARCH)
    store = store_with(shop)

    reduction = announce_reduction(
        "shop", "SOCKS", uow=InMemoryUnitOfWork(store), at=MARCH
    )

    assert reduction.reference_price is None
    assert reduction.percent_off is None


def test_a_reduction_of_an_unknown_price_is_not_found() -> None:
    store = store_with(shop_list())

    with pytest.raises(NotFoundError):
        announce_reduction("shop", "SOCKS", uow=InMemoryUnitOfWork(store), at=MARCH)
    with pytest.raises(NotFoundError):
        announce_reduction("other", "SOCKS", uow=InMemoryUnitOfWork(store), at=MARCH)


def regular_and_sale() -> InMemoryStore:
    """A regular list at 100, 80 (day 40), 100 (day 50), 70 (day 60)."""
    store = store_with(shop_list())
    for day, amount in [(0, "100.00"), (40, "80.00"), (50, "100.00"), (60, "70.00")]:
        with InMemoryUnitOfWork(store) as uow:
            loaded = uow.price_lists.get(PriceListId("shop"))
            loaded.set_price(
                "SOCKS", money(amount, "EUR"), at=MARCH + timedelta(days=day)
            )
            uow.price_lists.save(loaded)
            uow.commit()
    return store


def test_the_advertised_percentage_is_rounded_down() -> None:
    store = regular_and_sale()

    reduction = announce_reduction(
        "shop", "SOCKS", uow=InMemoryUnitOfWork(store), at=MARCH + timedelta(days=60)
    )

    # (80.00 - 70.00) / 80.00 = 12.5%: an advertisement may say 12%, not 13%.
    assert reduction.reference_price == money("80.00", "EUR")
    assert reduction.percent_off == 12


def test_a_price_rise_is_no_reduction() -> None:
    store = regular_and_sale()

    rise = announce_reduction(
        "shop", "SOCKS", uow=InMemoryUnitOfWork(store), at=MARCH + timedelta(days=50)
    )

    # The price in effect at day 50 is 100.00, not today's 70.00.
    assert rise.new_price == money("100.00", "EUR")
    assert rise.percent_off is None


def test_a_sale_list_is_compared_with_the_regular_list() -> None:
    store = regular_and_sale()
    start = MARCH + timedelta(days=70)
    sale = shop_list(
        list_id="sale", priority=1, valid_from=start, valid_until=start + timedelta(10)
    )
    sale.set_price("SOCKS", money("50.00", "EUR"), at=start - timedelta(days=5))
    with InMemoryUnitOfWork(store) as uow:
        uow.price_lists.add(sale)
        uow.commit()

    reduction = announce_reduction(
        "sale",
        "SOCKS",
        uow=InMemoryUnitOfWork(store),
        at=start,
        compare_with="shop",
    )

    # Days 40 to 70 at the regular list: 80.00, 100.00, then 70.00.
    assert reduction.new_price == money("50.00", "EUR")
    assert reduction.reference_price == money("70.00", "EUR")
    assert reduction.percent_off == 28  # 20/70 = 28.57%


def test_no_price_at_the_instant_is_not_found() -> None:
    store = regular_and_sale()

    with pytest.raises(NotFoundError):
        announce_reduction(
            "shop",
            "SOCKS",
            uow=InMemoryUnitOfWork(store),
            at=MARCH - timedelta(days=1),
        )


def test_two_keys_for_one_sku_are_refused() -> None:
    store = store_with()
    context = PriceContext(currency="EUR", at=MARCH)

    with pytest.raises(ValidationError, match="both name the SKU"):
        resolve_prices(
            {"SOCKS": 3, " SOCKS ": 3}, context, uow=InMemoryUnitOfWork(store)
        )
