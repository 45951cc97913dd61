"""Contract suites: the behaviour every adapter of a port must show.

Each suite is a class named ``<Port>Contract`` with one abstract factory. To
check an adapter, subclass the suite in a test module under a name pytest
collects (``Test...``) and implement the factory; every test of the suite then
runs against that adapter. commercekit runs the same suites against its own
adapters, so an application's adapter that passes them behaves like those.

Example, for a unit of work of your own::

    class TestMyUnitOfWork(UnitOfWorkContract):
        def make_unit_of_work_factory(self, tmp_path):
            database = MyDatabase(tmp_path / "shop.db")
            return lambda publisher: MyUnitOfWork(database, publisher=publisher)

Needs pytest.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from commercekit.catalog import (
    CatalogUnitOfWork,
    LocalizedText,
    Product,
    ProductId,
    Variant,
)
from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    UsageError,
    VersionConflictError,
)
from commercekit.money import Money, money
from commercekit.ports import (
    DomainEvent,
    EventEnvelope,
    EventPublisher,
    EventRecorder,
    UnitOfWork,
)
from commercekit.testing._helpers import RecordingPublisher

__all__ = [
    "CatalogUnitOfWorkFactory",
    "ProductRepositoryContract",
    "SampleAggregate",
    "SampleEvent",
    "UnitOfWorkContract",
    "UnitOfWorkFactory",
    "sample_product",
]

UnitOfWorkFactory = Callable[[EventPublisher | None], UnitOfWork]
"""Makes a unit of work with the given publisher (or none) over one store."""

CatalogUnitOfWorkFactory = Callable[[EventPublisher | None], CatalogUnitOfWork]
"""Makes a unit of work with the catalog's repository, over one store."""


@attrs.frozen
class SampleEvent(DomainEvent):
    """An event for contract tests; it holds text, money and an instant."""

    note: str
    amount: Money
    at: datetime


@attrs.define
class SampleAggregate(EventRecorder):
    """An aggregate for contract tests that records :class:`SampleEvent`."""

    name: str

    def happen(self, note: str, amount: str = "9.99") -> SampleEvent:
        """Record a :class:`SampleEvent` and return it."""
        event = SampleEvent(
            note=f"{self.name}: {note}",
            amount=money(amount, "EUR"),
            at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
        )
        self.record(event)
        return event


class UnitOfWorkContract(abc.ABC):
    """What every :class:`~commercekit.ports.UnitOfWork` must do.

    The factory returns a function that makes units of work over one store,
    fresh for each test: every unit of work it makes must see what the others
    committed.
    """

    @abc.abstractmethod
    def make_unit_of_work_factory(self, tmp_path: Path) -> UnitOfWorkFactory:
        """Return a maker of units of work over a new, empty store."""

    @pytest.fixture
    def new_uow(self, tmp_path: Path) -> UnitOfWorkFactory:
        """The factory of this test's store."""
        return self.make_unit_of_work_factory(tmp_path)

    # -- commit and publish ------------------------------------------------

    def test_commit_publishes_the_events_in_the_order_they_happened(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        first, second = SampleAggregate("first"), SampleAggregate("second")
        with new_uow(publisher) as uow:
            uow.track(first)
            uow.track(second)
            expected = [first.happen("a"), second.happen("b"), first.happen("c")]
            assert publisher.published == []
            uow.commit()
        # Tracked aggregates are drained in the order they were tracked.
        assert publisher.events == [expected[0], expected[2], expected[1]]
        ids = [envelope.event_id for envelope in publisher.published]
        assert len(set(ids)) == 3
        assert all(envelope.event_id for envelope in publisher.published)

    def test_the_publisher_runs_only_after_the_commit_is_visible_to_others(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        seen_by_another: list[DomainEvent] = []

        class LookingPublisher(EventPublisher):
            def publish(self, envelope: EventEnvelope) -> None:
                witness = RecordingPublisher()
                new_uow(witness).dispatch_pending()
                seen_by_another.extend(witness.events)

        aggregate = SampleAggregate("order")
        with new_uow(LookingPublisher()) as uow:
            uow.track(aggregate)
            event = aggregate.happen("placed")
            uow.commit()
        assert seen_by_another == [event]

    def test_an_aggregate_tracked_twice_publishes_its_events_once(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        aggregate = SampleAggregate("cart")
        with new_uow(publisher) as uow:
            uow.track(aggregate)
            uow.track(aggregate)
            event = aggregate.happen("changed")
            uow.commit()
        assert publisher.events == [event]

    def test_a_commit_without_events_publishes_nothing(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        with new_uow(publisher) as uow:
            uow.track(SampleAggregate("quiet"))
            uow.commit()
        assert publisher.published == []

    # -- rollback ----------------------------------------------------------

    def test_an_exception_rolls_back_and_publishes_nothing(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        aggregate = SampleAggregate("order")

        class BoomError(Exception):
            pass

        with pytest.raises(BoomError), new_uow(publisher) as uow:
            uow.track(aggregate)
            aggregate.happen("placed")
            raise BoomError
        assert publisher.published == []
        assert new_uow(publisher).dispatch_pending() == 0
        assert publisher.published == []

    def test_leaving_the_block_without_commit_rolls_back(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        aggregate = SampleAggregate("order")
        with new_uow(publisher) as uow:
            uow.track(aggregate)
            aggregate.happen("placed")
        assert new_uow(publisher).dispatch_pending() == 0
        assert publisher.published == []

    def test_an_explicit_rollback_discards_the_events(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        aggregate = SampleAggregate("order")
        with new_uow(publisher) as uow:
            uow.track(aggregate)
            aggregate.happen("placed")
            uow.rollback()
        assert new_uow(publisher).dispatch_pending() == 0
        assert publisher.published == []

    def test_events_of_a_rolled_back_block_never_come_back(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        aggregate = SampleAggregate("order")
        with new_uow(publisher) as uow:
            uow.track(aggregate)
            aggregate.happen("rolled back")
        with new_uow(publisher) as uow:
            uow.track(aggregate)  # the same object, in a later block
            kept = aggregate.happen("committed")
            uow.commit()
        assert publisher.events == [kept]

    # -- the outbox ----------------------------------------------------------

    def test_committed_events_wait_in_the_outbox_without_a_publisher(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        aggregate = SampleAggregate("order")
        with new_uow(None) as uow:
            uow.track(aggregate)
            expected = [aggregate.happen("placed", "19.99"), aggregate.happen("paid")]
            uow.commit()
        relay = RecordingPublisher()
        assert new_uow(relay).dispatch_pending() == 2
        assert relay.events == expected
        assert new_uow(relay).dispatch_pending() == 0

    def test_a_failed_publish_keeps_the_event_for_a_later_dispatch(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        publisher.fail_next()
        aggregate = SampleAggregate("order")
        with new_uow(publisher) as uow:
            uow.track(aggregate)
            event = aggregate.happen("placed")
            uow.commit()  # the data are stored even though publishing failed
        assert publisher.published == []
        assert new_uow(publisher).dispatch_pending() == 1
        assert publisher.events == [event]
        assert new_uow(publisher).dispatch_pending() == 0
        assert publisher.events == [event]

    def test_after_a_failed_publish_older_events_still_come_first(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        aggregate = SampleAggregate("order")
        publisher.fail_next()
        with new_uow(publisher) as uow:
            uow.track(aggregate)
            first = aggregate.happen("first")
            uow.commit()
        with new_uow(publisher) as uow:
            uow.track(aggregate)
            second = aggregate.happen("second")
            uow.commit()
        assert publisher.events == [first, second]
        assert new_uow(publisher).dispatch_pending() == 0

    def test_dispatch_pending_keeps_order_and_limit(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        aggregate = SampleAggregate("order")
        with new_uow(None) as uow:
            uow.track(aggregate)
            events = [aggregate.happen(str(n)) for n in range(3)]
            uow.commit()
        relay = RecordingPublisher()
        uow = new_uow(relay)
        assert uow.dispatch_pending(limit=2) == 2
        assert relay.events == events[:2]
        assert uow.dispatch_pending(limit=2) == 1
        assert relay.events == events

    def test_a_failure_mid_dispatch_keeps_the_rest_in_order(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        aggregate = SampleAggregate("order")
        with new_uow(None) as uow:
            uow.track(aggregate)
            events = [aggregate.happen(str(n)) for n in range(3)]
            uow.commit()
        relay = RecordingPublisher()
        relay.fail_next()
        assert new_uow(relay).dispatch_pending() == 0
        assert new_uow(relay).dispatch_pending() == 3
        assert relay.events == events

    # -- misuse --------------------------------------------------------------

    def test_a_unit_of_work_serves_one_block_after_another(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        uow = new_uow(publisher)
        aggregate = SampleAggregate("order")
        for note in ("one", "two"):
            with uow:
                uow.track(aggregate)
                aggregate.happen(note)
                uow.commit()
        notes = [e.note for e in publisher.events if isinstance(e, SampleEvent)]
        assert notes == ["order: one", "order: two"]

    def test_work_after_commit_needs_a_new_block(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow:
            uow.commit()
            with pytest.raises(UsageError, match="new `with uow:` block"):
                uow.track(SampleAggregate("late"))
            with pytest.raises(UsageError, match="new `with uow:` block"):
                uow.commit()

    def test_a_block_cannot_be_nested_in_itself(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        uow = new_uow(None)
        with uow, pytest.raises(UsageError, match="already in a transaction"):
            uow.__enter__()

    def test_tracking_and_committing_need_a_block(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        uow = new_uow(None)
        with pytest.raises(UsageError, match="outside a `with uow:` block"):
            uow.track(SampleAggregate("stray"))
        with pytest.raises(UsageError, match="outside a `with uow:` block"):
            uow.commit()

    def test_dispatch_pending_runs_outside_a_block_and_needs_a_publisher(
        self, new_uow: UnitOfWorkFactory
    ) -> None:
        uow = new_uow(RecordingPublisher())
        with uow, pytest.raises(UsageError, match="outside a `with uow:` block"):
            uow.dispatch_pending()
        with pytest.raises(UsageError, match="no publisher"):
            new_uow(None).dispatch_pending()


def sample_product(product_id: str, *skus: str, brand: str = "Nordlicht") -> Product:
    """A product with one variant per SKU, for contract tests."""
    return Product(
        product_id=ProductId(product_id),
        name=LocalizedText(f"Sneaker {product_id}", {"en": f"Sneaker {product_id}"}),
        brand=brand,
        categories=["shoes/sneakers"],
        attributes={"material": "leather"},
        variants=[
            Variant(sku=code, options={"size": str(40 + n)}, weight_grams=900)
            for n, code in enumerate(skus)
        ],
        created_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
    )


class ProductRepositoryContract(abc.ABC):
    """What every :class:`~commercekit.catalog.ProductRepository` must do.

    The factory returns a function that makes units of work with a
    ``products`` repository over one new, empty store.
    """

    @abc.abstractmethod
    def make_catalog_uow_factory(self, tmp_path: Path) -> CatalogUnitOfWorkFactory:
        """Return a maker of catalog units of work over a new, empty store."""

    @pytest.fixture
    def new_uow(self, tmp_path: Path) -> CatalogUnitOfWorkFactory:
        """The factory of this test's store."""
        return self.make_catalog_uow_factory(tmp_path)

    def _add(self, new_uow: CatalogUnitOfWorkFactory, *products: Product) -> None:
        with new_uow(None) as uow:
            for product in products:
                uow.products.add(product)
            uow.commit()

    def test_an_added_product_reads_back_equal_at_version_1(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        product = sample_product("p-1", "SN-W-42", "SN-W-43")
        self._add(new_uow, product)
        assert product.version == 1
        with new_uow(None) as uow:
            loaded = uow.products.get(ProductId("p-1"))
        assert loaded == product
        assert loaded is not product

    def test_a_product_is_found_by_any_of_its_skus(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_product("p-1", "SN-W-42", "SN-W-43"))
        with new_uow(None) as uow:
            assert uow.products.get_by_sku("SN-W-43").product_id == "p-1"
            with pytest.raises(NotFoundError, match="SKU 'NOPE'"):
                uow.products.get_by_sku("NOPE")
            with pytest.raises(NotFoundError, match="product 'p-9'"):
                uow.products.get(ProductId("p-9"))

    def test_a_taken_product_id_or_sku_is_a_duplicate(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_product("p-1", "SN-W-42"))
        with new_uow(None) as uow, pytest.raises(DuplicateError, match="product"):
            uow.products.add(sample_product("p-1", "OTHER-1"))
        with new_uow(None) as uow, pytest.raises(DuplicateError, match="SN-W-42"):
            uow.products.add(sample_product("p-2", "SN-W-42"))
        with new_uow(None) as uow:
            with pytest.raises(NotFoundError):
                uow.products.get(ProductId("p-2"))
            with pytest.raises(NotFoundError):
                uow.products.get_by_sku("OTHER-1")

    def test_save_raises_the_version_and_a_stale_copy_conflicts(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_product("p-1", "SN-W-42"))
        with new_uow(None) as uow:
            stale = uow.products.get(ProductId("p-1"))
        with new_uow(None) as uow:
            fresh = uow.products.get(ProductId("p-1"))
            fresh.brand = "Südwind"
            uow.products.save(fresh)
            uow.commit()
        assert fresh.version == 2
        with new_uow(None) as uow:
            stale.brand = "Ostwind"
            with pytest.raises(VersionConflictError) as info:
                uow.products.save(stale)
        assert (info.value.expected_version, info.value.actual_version) == (1, 2)
        with new_uow(None) as uow:
            assert uow.products.get(ProductId("p-1")).brand == "Südwind"

    def test_saving_an_unknown_product_is_not_found(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow, pytest.raises(NotFoundError):
            uow.products.save(sample_product("p-1", "SN-W-42"))

    def test_skus_move_between_products_only_when_released(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow, sample_product("p-1", "SN-W-42"), sample_product("p-2", "SN-B-42")
        )
        with new_uow(None) as uow:
            second = uow.products.get(ProductId("p-2"))
            second.put_variant(Variant(sku="SN-W-42"))
            with pytest.raises(DuplicateError, match="SN-W-42"):
                uow.products.save(second)
        with new_uow(None) as uow:
            first = uow.products.get(ProductId("p-1"))
            first.remove_variant("SN-W-42")
            uow.products.save(first)
            second = uow.products.get(ProductId("p-2"))
            second.put_variant(Variant(sku="SN-W-42"))
            uow.products.save(second)
            uow.commit()
        with new_uow(None) as uow:
            assert uow.products.get_by_sku("SN-W-42").product_id == "p-2"
            assert uow.products.get(ProductId("p-1")).skus == ()

    def test_nothing_is_stored_before_the_commit(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow:
            uow.products.add(sample_product("p-1", "SN-W-42"))
            assert uow.products.get_by_sku("SN-W-42").product_id == "p-1"
        with new_uow(None) as uow:
            with pytest.raises(NotFoundError):
                uow.products.get(ProductId("p-1"))
            with pytest.raises(NotFoundError):
                uow.products.get_by_sku("SN-W-42")

    def test_changing_a_loaded_copy_changes_nothing_until_saved(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_product("p-1", "SN-W-42"))
        with new_uow(None) as uow:
            loaded = uow.products.get(ProductId("p-1"))
            loaded.brand = "changed"
            loaded.remove_variant("SN-W-42")
            uow.commit()
        with new_uow(None) as uow:
            again = uow.products.get(ProductId("p-1"))
        assert (again.brand, again.skus) == ("Nordlicht", ("SN-W-42",))

    def test_iterate_yields_every_product_by_id(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_product("p-2", "B-1"),
            sample_product("p-1", "A-1"),
            sample_product("p-3", "C-1"),
        )
        with new_uow(None) as uow:
            ids = [product.product_id for product in uow.products.iterate()]
        assert ids == ["p-1", "p-2", "p-3"]

    def test_events_of_a_saved_product_are_published(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_product("p-1", "SN-W-42"))
        publisher = RecordingPublisher()
        with new_uow(publisher) as uow:
            product = uow.products.get(ProductId("p-1"))
            event = SampleEvent(
                note="repriced", amount=money("79.90", "EUR"), at=product.created_at
            )
            product.record(event)
            uow.products.save(product)
            uow.commit()
        assert publisher.events == [event]
