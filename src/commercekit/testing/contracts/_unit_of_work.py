"""The contract of :class:`~commercekit.ports.UnitOfWork`."""

from __future__ import annotations

import abc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from commercekit.errors import (
    UsageError,
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

__all__ = ["SampleAggregate", "SampleEvent", "UnitOfWorkContract", "UnitOfWorkFactory"]

UnitOfWorkFactory = Callable[[EventPublisher | None], UnitOfWork]
"""Makes a unit of work with the given publisher (or none) over one store."""


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
