"""The contract of :class:`~commercekit.pricing.PriceListRepository`."""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    ValidationError,
    VersionConflictError,
)
from commercekit.money import Money, money
from commercekit.pricing import (
    PriceChange,
    PriceList,
    PriceListId,
    PriceMode,
    PricingUnitOfWork,
)
from commercekit.values import Sku

__all__ = [
    "PriceListRepositoryContract",
    "PricingUnitOfWorkFactory",
    "sample_price_list",
]

PricingUnitOfWorkFactory = Callable[[], PricingUnitOfWork]
"""Makes a unit of work with the pricing context's repository, over one store."""

_SINCE = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _eur(amount: str) -> Money:
    return money(amount, "EUR")


def sample_price_list(
    list_id: str,
    *skus: str,
    currency: str = "EUR",
    amount: str = "12.345",
    since: datetime = _SINCE,
    mode: PriceMode = PriceMode.GROSS,
    name: str = "",
    priority: int = 0,
    channel: str | None = None,
    customer_group: str | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> PriceList:
    """A price list with one price per SKU, for contract tests.

    Every SKU costs ``amount`` from one unit and 90% of it from ten units
    (``12.345`` and ``11.1105`` by default: more decimals than the currency
    has, which a store must keep), set at ``since`` (2026-01-05 09:00 UTC by
    default). The other arguments are the list's terms.

    >>> sample_price_list("shop", "SOCKS").prices["SOCKS"].base_price
    Money('12.345', 'EUR')
    """
    price_list = PriceList(
        list_id=PriceListId(list_id),
        currency=currency,
        mode=mode,
        name=name,
        priority=priority,
        channel=channel,
        customer_group=customer_group,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    unit = money(amount, currency)
    for code in skus:
        price_list.set_price(code, {1: unit, 10: unit * Decimal("0.9")}, at=since)
    return price_list


def _history(uow: PricingUnitOfWork, list_id: str, code: str) -> list[PriceChange]:
    return uow.price_lists.history(PriceListId(list_id), Sku(code))


class PriceListRepositoryContract(abc.ABC):
    """What every :class:`~commercekit.pricing.PriceListRepository` must do.

    The factory returns a function that makes units of work with a
    ``price_lists`` repository over one new, empty store. Each unit of work
    it makes must be usable from the thread that makes it: one test reads
    from a second thread while the first has a transaction open.
    """

    @abc.abstractmethod
    def make_pricing_uow_factory(self, tmp_path: Path) -> PricingUnitOfWorkFactory:
        """Return a maker of pricing units of work over a new, empty store."""

    @pytest.fixture
    def new_uow(self, tmp_path: Path) -> PricingUnitOfWorkFactory:
        """The factory of this test's store."""
        return self.make_pricing_uow_factory(tmp_path)

    def _add(self, new_uow: PricingUnitOfWorkFactory, *lists: PriceList) -> None:
        with new_uow() as uow:
            for price_list in lists:
                uow.price_lists.add(price_list)
            uow.commit()

    def _get(self, new_uow: PricingUnitOfWorkFactory, list_id: str) -> PriceList:
        with new_uow() as uow:
            return uow.price_lists.get(PriceListId(list_id))

    def _save(self, new_uow: PricingUnitOfWorkFactory, price_list: PriceList) -> None:
        with new_uow() as uow:
            uow.price_lists.save(price_list)
            uow.commit()

    def _history(
        self, new_uow: PricingUnitOfWorkFactory, list_id: str, code: str
    ) -> list[tuple[Money, datetime]]:
        with new_uow() as uow:
            changes = _history(uow, list_id, code)
        for change in changes:
            assert (change.list_id, change.sku) == (list_id, code)
        return [(change.unit_price, change.changed_at) for change in changes]

    # -- storing and loading -------------------------------------------------

    def test_an_added_list_reads_back_equal_at_version_1(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        price_list = sample_price_list(
            "b2b-sale",
            "SN-W-42",
            "SN-W-43",
            mode=PriceMode.NET,
            name="B2B winter sale",
            priority=5,
            channel="web",
            customer_group="b2b",
            valid_from=datetime(2026, 1, 10, tzinfo=UTC),
            valid_until=datetime(2026, 2, 1, 12, 30, tzinfo=UTC),
        )
        price_list.set_price("SOCKS-1", money("9.90", "EUR"), at=_SINCE)
        self._add(new_uow, price_list)
        assert price_list.version == 1
        loaded = self._get(new_uow, "b2b-sale")
        assert loaded == price_list
        assert loaded is not price_list
        assert loaded.version == 1
        tiers = loaded.prices[Sku("SN-W-42")].tiers
        assert [(tier.min_quantity, tier.unit_price) for tier in tiers] == [
            (1, money("12.345", "EUR")),
            (10, money("11.1105", "EUR")),
        ]
        assert loaded.prices[Sku("SOCKS-1")].base_price == money("9.90", "EUR")
        assert loaded.prices[Sku("SOCKS-1")].since == _SINCE
        assert (loaded.valid_from, loaded.valid_until) == (
            datetime(2026, 1, 10, tzinfo=UTC),
            datetime(2026, 2, 1, 12, 30, tzinfo=UTC),
        )
        assert (loaded.channel, loaded.customer_group, loaded.mode) == (
            "web",
            "b2b",
            PriceMode.NET,
        )

    def test_a_list_without_prices_or_terms_reads_back_equal(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        empty = sample_price_list("empty", currency="JPY")
        self._add(new_uow, empty)
        loaded = self._get(new_uow, "empty")
        assert loaded == empty
        assert (loaded.prices, loaded.channel, loaded.valid_from) == ({}, None, None)

    def test_a_taken_list_id_is_a_duplicate_and_changes_nothing(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_price_list("shop", "A-1"))
        with new_uow() as uow, pytest.raises(DuplicateError, match="shop"):
            uow.price_lists.add(sample_price_list("shop", "A-1", "B-1", amount="1"))
        stored = self._get(new_uow, "shop")
        assert list(stored.prices) == ["A-1"]
        assert stored.prices[Sku("A-1")].base_price == money("12.345", "EUR")
        assert len(self._history(new_uow, "shop", "A-1")) == 1
        assert self._history(new_uow, "shop", "B-1") == []

    def test_an_unknown_list_is_not_found(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        with new_uow() as uow:
            with pytest.raises(NotFoundError, match="nope"):
                uow.price_lists.get(PriceListId("nope"))
            with pytest.raises(NotFoundError, match="nope"):
                uow.price_lists.save(sample_price_list("nope", "A-1"))

    def test_save_raises_the_version_and_a_stale_copy_conflicts(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_price_list("shop", "A-1"))
        stale = self._get(new_uow, "shop")
        fresh = self._get(new_uow, "shop")
        fresh.set_price("A-1", money("15.00", "EUR"), at=_SINCE + timedelta(days=1))
        fresh.name = "fresh"
        self._save(new_uow, fresh)
        assert fresh.version == 2
        stale.set_price("A-1", money("1.00", "EUR"), at=_SINCE + timedelta(days=2))
        stale.set_price("B-1", money("2.00", "EUR"), at=_SINCE + timedelta(days=2))
        stale.name = "stale"
        with new_uow() as uow:
            with pytest.raises(VersionConflictError) as info:
                uow.price_lists.save(stale)
            uow.commit()
        assert (info.value.expected_version, info.value.actual_version) == (1, 2)
        assert stale.version == 1
        stored = self._get(new_uow, "shop")
        assert stored == fresh
        assert (stored.version, stored.name) == (2, "fresh")
        assert [price for price, _ in self._history(new_uow, "shop", "A-1")] == [
            _eur("12.345"),
            _eur("15.00"),
        ]
        assert self._history(new_uow, "shop", "B-1") == []

    def test_a_list_its_constructor_would_refuse_is_not_stored(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        """Fields assigned after construction must still make a valid list."""
        january = datetime(2026, 1, 10, tzinfo=UTC)
        price_list = sample_price_list(
            "shop", "A-1", valid_from=january, valid_until=january + timedelta(days=9)
        )
        self._add(new_uow, price_list)
        with new_uow() as uow:

            def invert_the_window() -> None:
                price_list.valid_from = january + timedelta(days=30)
                uow.price_lists.save(price_list)

            def change_the_currency() -> None:
                in_euros = sample_price_list("dollars", "A-1")
                in_euros.currency = "USD"
                uow.price_lists.add(in_euros)

            with pytest.raises(ValidationError, match="valid_until"):
                invert_the_window()
            with pytest.raises(ValidationError, match="EUR"):
                change_the_currency()
            uow.commit()
        assert price_list.version == 1
        with new_uow() as uow:
            stored = uow.price_lists.get(PriceListId("shop"))
            with pytest.raises(NotFoundError):
                uow.price_lists.get(PriceListId("dollars"))
            assert _history(uow, "dollars", "A-1") == []
        assert (stored.valid_from, stored.version) == (january, 1)

    def test_saving_twice_counts_the_versions_up(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        price_list = sample_price_list("shop", "A-1")
        self._add(new_uow, price_list)
        price_list.priority = 3
        self._save(new_uow, price_list)
        price_list.name = "renamed"
        self._save(new_uow, price_list)
        assert price_list.version == 3
        stored = self._get(new_uow, "shop")
        assert (stored.version, stored.priority, stored.name) == (3, 3, "renamed")

    def test_changing_a_loaded_copy_changes_nothing_until_saved(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_price_list("shop", "A-1", "B-1"))
        with new_uow() as uow:
            loaded = uow.price_lists.get(PriceListId("shop"))
            loaded.set_price("A-1", money("1.00", "EUR"), at=_SINCE)
            loaded.remove_price("B-1")
            loaded.name = "changed"
            again = uow.price_lists.get(PriceListId("shop"))
            assert again is not loaded
            assert (again.name, sorted(again.prices)) == ("", ["A-1", "B-1"])
            listed = uow.price_lists.prices_for([Sku("A-1")], "EUR")
            assert listed[0].entry.base_price == money("12.345", "EUR")
            uow.commit()
        expected = sample_price_list("shop", "A-1", "B-1")
        expected.version = 1
        assert self._get(new_uow, "shop") == expected

    def test_iterate_yields_every_list_by_id(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        lists = [
            sample_price_list("shop-b", "A-1"),
            sample_price_list("shop-a", "A-1", "B-1"),
            sample_price_list("shop-c", currency="USD"),
        ]
        self._add(new_uow, *lists)
        with new_uow() as uow:
            found = list(uow.price_lists.iterate())
        assert [price_list.list_id for price_list in found] == [
            "shop-a",
            "shop-b",
            "shop-c",
        ]
        assert found == sorted(lists, key=lambda price_list: price_list.list_id)

    # -- prices for a cart ---------------------------------------------------

    def test_prices_for_reads_the_asked_skus_in_the_currency_from_every_list(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        sale = sample_price_list(
            "b-sale",
            "B-1",
            "D-1",
            amount="9.90",
            mode=PriceMode.NET,
            priority=5,
            channel="web",
            customer_group="b2b",
            valid_from=datetime(2026, 1, 10, tzinfo=UTC),
            valid_until=datetime(2026, 2, 1, tzinfo=UTC),
        )
        shop = sample_price_list("a-shop", "C-1", "A-1", "B-1")
        dollars = sample_price_list("c-usd", "A-1", "B-1", currency="USD")
        self._add(new_uow, sale, dollars, shop)
        with new_uow() as uow:
            found = uow.price_lists.prices_for(
                [Sku("B-1"), Sku("A-1"), Sku("X-1"), Sku("B-1")], "EUR"
            )
            assert uow.price_lists.prices_for([], "EUR") == []
            assert uow.price_lists.prices_for([Sku("A-1")], "GBP") == []
            in_dollars = uow.price_lists.prices_for([Sku("B-1")], "USD")
        assert [(price.list_id, price.sku) for price in found] == [
            ("a-shop", "A-1"),
            ("a-shop", "B-1"),
            ("b-sale", "B-1"),
        ]
        assert found == [shop.listed("A-1"), shop.listed("B-1"), sale.listed("B-1")]
        terms = found[2]
        assert (terms.currency, terms.mode, terms.priority) == ("EUR", "net", 5)
        assert (terms.channel, terms.customer_group) == ("web", "b2b")
        assert (terms.valid_from, terms.valid_until) == (
            datetime(2026, 1, 10, tzinfo=UTC),
            datetime(2026, 2, 1, tzinfo=UTC),
        )
        assert terms.entry.base_price == money("9.90", "EUR")
        assert in_dollars == [dollars.listed("B-1")]

    def test_prices_for_reads_the_saved_prices(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        price_list = sample_price_list("shop", "A-1", "B-1")
        self._add(new_uow, price_list)
        price_list.set_price("A-1", money("3.00", "EUR"), at=_SINCE)
        price_list.remove_price("B-1")
        price_list.channel = "app"
        self._save(new_uow, price_list)
        with new_uow() as uow:
            found = uow.price_lists.prices_for([Sku("A-1"), Sku("B-1")], "EUR")
        assert found == [price_list.listed("A-1")]
        assert (found[0].entry.base_price, found[0].channel) == (
            money("3.00", "EUR"),
            "app",
        )

    # -- the price history ---------------------------------------------------

    def test_adding_a_list_records_one_change_per_sku(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_price_list("shop", "A-1", "B-1"))
        with new_uow() as uow:
            changes = _history(uow, "shop", "A-1")
            assert len(_history(uow, "shop", "B-1")) == 1
        assert changes == [
            PriceChange(
                list_id=PriceListId("shop"),
                sku=Sku("A-1"),
                unit_price=money("12.345", "EUR"),
                changed_at=_SINCE,
            )
        ]

    def test_a_changed_base_price_appends_one_change(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        price_list = sample_price_list("shop", "A-1", "B-1")
        self._add(new_uow, price_list)
        later = _SINCE + timedelta(days=3)
        price_list.set_price("A-1", money("10.00", "EUR"), at=later)
        self._save(new_uow, price_list)
        assert self._history(new_uow, "shop", "A-1") == [
            (_eur("12.345"), _SINCE),
            (_eur("10.00"), later),
        ]
        assert self._history(new_uow, "shop", "B-1") == [(_eur("12.345"), _SINCE)]

    def test_the_same_base_price_or_a_changed_higher_tier_appends_nothing(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        price_list = sample_price_list("shop", "A-1")
        self._add(new_uow, price_list)
        self._save(new_uow, price_list)
        later = _SINCE + timedelta(days=1)
        price_list.set_price(
            "A-1",
            {1: money("12.3450", "EUR"), 5: money("11.00", "EUR")},
            at=later,
        )
        self._save(new_uow, price_list)
        assert self._history(new_uow, "shop", "A-1") == [(_eur("12.345"), _SINCE)]
        stored = self._get(new_uow, "shop")
        assert stored.version == 3
        assert [tier.min_quantity for tier in stored.prices[Sku("A-1")].tiers] == [
            1,
            5,
        ]
        assert stored.prices[Sku("A-1")].since == later

    def test_removing_a_price_appends_nothing_and_a_new_one_appends_again(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        price_list = sample_price_list("shop", "A-1", "B-1")
        self._add(new_uow, price_list)
        price_list.remove_price("A-1")
        self._save(new_uow, price_list)
        assert self._history(new_uow, "shop", "A-1") == [(_eur("12.345"), _SINCE)]
        assert Sku("A-1") not in self._get(new_uow, "shop").prices
        back = _SINCE + timedelta(days=7)
        price_list.set_price("A-1", money("12.345", "EUR"), at=back)
        price_list.set_price("C-1", money("4.00", "EUR"), at=back)
        self._save(new_uow, price_list)
        assert self._history(new_uow, "shop", "A-1") == [
            (_eur("12.345"), _SINCE),
            (_eur("12.345"), back),
        ]
        assert self._history(new_uow, "shop", "C-1") == [(_eur("4.00"), back)]

    def test_history_is_oldest_first_and_kept_per_list(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        shop = sample_price_list("shop", "A-1")
        other = sample_price_list("other", "A-1", amount="20.00")
        self._add(new_uow, shop, other)
        march = datetime(2026, 3, 1, tzinfo=UTC)
        february = datetime(2026, 2, 1, tzinfo=UTC)
        shop.set_price("A-1", money("11.00", "EUR"), at=march)
        self._save(new_uow, shop)
        # A price entered late, for a date before the last change.
        shop.set_price("A-1", money("10.00", "EUR"), at=february)
        self._save(new_uow, shop)
        assert self._history(new_uow, "shop", "A-1") == [
            (_eur("12.345"), _SINCE),
            (_eur("10.00"), february),
            (_eur("11.00"), march),
        ]
        assert self._history(new_uow, "other", "A-1") == [(_eur("20.00"), _SINCE)]
        assert self._history(new_uow, "nope", "A-1") == []
        assert self._history(new_uow, "shop", "Z-9") == []

    # -- transactions ----------------------------------------------------------

    def test_a_block_left_without_commit_stores_nothing_and_records_no_history(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_price_list("shop", "A-1"))
        with new_uow() as uow:
            uow.price_lists.add(sample_price_list("new", "A-1"))
            shop = uow.price_lists.get(PriceListId("shop"))
            shop.set_price("A-1", money("1.00", "EUR"), at=_SINCE + timedelta(days=1))
            uow.price_lists.save(shop)
            # The block reads its own writes.
            assert len(_history(uow, "shop", "A-1")) == 2
            assert len(_history(uow, "new", "A-1")) == 1
            found = uow.price_lists.prices_for([Sku("A-1")], "EUR")
            assert [price.list_id for price in found] == ["new", "shop"]
        with new_uow() as uow:
            with pytest.raises(NotFoundError):
                uow.price_lists.get(PriceListId("new"))
            stored = uow.price_lists.get(PriceListId("shop"))
            assert [price.list_id for price in uow.price_lists.iterate()] == ["shop"]
        assert stored.version == 1
        assert stored.prices[Sku("A-1")].base_price == money("12.345", "EUR")
        assert self._history(new_uow, "shop", "A-1") == [(_eur("12.345"), _SINCE)]
        assert self._history(new_uow, "new", "A-1") == []

    def test_a_refused_add_or_save_writes_nothing_and_the_block_goes_on(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_price_list("shop", "A-1"))
        with new_uow() as uow:
            with pytest.raises(DuplicateError):
                uow.price_lists.add(sample_price_list("shop", "B-1"))
            stale = sample_price_list("shop", "C-1")
            with pytest.raises(VersionConflictError):
                uow.price_lists.save(stale)
            uow.price_lists.add(sample_price_list("second", "B-1"))
            uow.commit()
        with new_uow() as uow:
            assert [price.list_id for price in uow.price_lists.iterate()] == [
                "second",
                "shop",
            ]
            assert list(uow.price_lists.get(PriceListId("shop")).prices) == ["A-1"]
            assert _history(uow, "shop", "B-1") == []
            assert _history(uow, "shop", "C-1") == []

    def test_another_unit_of_work_does_not_see_uncommitted_changes(
        self, new_uow: PricingUnitOfWorkFactory
    ) -> None:
        """A reader in another thread, while a writer's block is open.

        An adapter that serializes units of work makes the reader wait until
        the writer is done; one that does not lets it read at once. Either
        way, it never sees what the writer did not commit.
        """
        self._add(new_uow, sample_price_list("shop", "A-1"))
        reading = threading.Event()
        done = threading.Event()
        seen: list[object] = []

        def read() -> None:
            try:
                reading.set()
                with new_uow() as uow:
                    found = uow.price_lists.prices_for([Sku("A-1")], "EUR")
                    seen.append([(p.list_id, p.entry.base_price) for p in found])
                    seen.append(len(_history(uow, "shop", "A-1")))
                    seen.append(uow.price_lists.get(PriceListId("shop")).version)
            except Exception as exc:  # the assertions report it
                seen.append(exc)
            finally:
                done.set()

        reader = threading.Thread(target=read)
        with new_uow() as uow:
            uow.price_lists.add(sample_price_list("new", "A-1"))
            shop = uow.price_lists.get(PriceListId("shop"))
            shop.set_price("A-1", money("1.00", "EUR"), at=_SINCE + timedelta(days=1))
            uow.price_lists.save(shop)
            reader.start()
            assert reading.wait(timeout=10)
            done.wait(timeout=0.2)  # time for an adapter that does not wait
        reader.join(timeout=10)
        assert seen == [[("shop", money("12.345", "EUR"))], 1, 1]
