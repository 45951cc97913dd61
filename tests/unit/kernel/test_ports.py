"""The shared ports, their defaults and the testing doubles for them."""

from __future__ import annotations

import copy
import threading
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest

from commercekit.errors import ExternalServiceError, ValidationError
from commercekit.ports import (
    Clock,
    DomainEvent,
    EventEnvelope,
    EventPublisher,
    EventRecorder,
    EventSource,
    IdFactory,
    SystemClock,
    ULIDIdFactory,
)
from commercekit.testing import FixedClock, RecordingPublisher, SequentialIds
from commercekit.values import as_utc

BERLIN_SUMMER = timezone(timedelta(hours=2))


@attrs.frozen
class Noted(DomainEvent):
    text: str


@attrs.define
class Notebook(EventRecorder):
    owner: str

    def note(self, text: str) -> None:
        self.record(Noted(text))


def test_as_utc_converts_aware_instants_and_refuses_naive_ones() -> None:
    # Germany's 16% VAT began at 2020-07-01 00:00 in Berlin: 22:00 UTC the day before.
    start = as_utc(datetime(2020, 7, 1, tzinfo=BERLIN_SUMMER))
    assert start == datetime(2020, 6, 30, 22, 0, tzinfo=UTC)
    assert start.tzinfo is UTC
    with pytest.raises(ValidationError, match="has no time zone"):
        as_utc(datetime(2020, 7, 1))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValidationError, match="must be a datetime"):
        as_utc("2020-07-01")  # type: ignore[arg-type]


def test_system_clock_tells_aware_utc_time() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)
    assert isinstance(SystemClock(), Clock)


def test_fixed_clock_stands_still_until_moved() -> None:
    clock = FixedClock(datetime(2026, 3, 1, 12, tzinfo=BERLIN_SUMMER))
    assert clock.now() == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert clock.now() == clock.now()
    assert clock.advance(timedelta(days=14)) == datetime(2026, 3, 15, 10, tzinfo=UTC)
    assert clock.set(datetime(2027, 1, 1, tzinfo=UTC)) == datetime(
        2027, 1, 1, tzinfo=UTC
    )
    with pytest.raises(ValidationError, match="positive delta"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValidationError, match="no time zone"):
        FixedClock(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValidationError, match="no time zone"):
        clock.set(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def test_ulids_are_26_crockford_characters_that_sort_by_time() -> None:
    clock = FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    ids = ULIDIdFactory(clock)
    earlier = ids.new_id()
    clock.advance(timedelta(milliseconds=1))
    later = ids.new_id()
    assert len(earlier) == 26
    assert set(earlier) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert earlier < later
    # The first 10 characters hold the milliseconds since the epoch.
    millis = int(datetime(2026, 1, 5, 9, tzinfo=UTC).timestamp() * 1000)
    digits = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    decoded = 0
    for char in earlier[:10]:
        decoded = decoded * 32 + digits.index(char)
    assert decoded == millis
    assert len({ids.new_id() for _ in range(1000)}) == 1000
    assert isinstance(ids, IdFactory)


def test_sequential_ids_count_up_without_gaps_across_threads() -> None:
    ids = SequentialIds("order-")
    made: list[str] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        made.extend(ids.new_id() for _ in range(250))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(made) == sorted(f"order-{n}" for n in range(1, 1001))


def test_an_event_recorder_hands_out_its_events_once_and_hides_them() -> None:
    book = Notebook("ada")
    book.note("one")
    book.note("two")
    assert "one" not in repr(book)
    assert book == Notebook("ada")  # pending events take no part in equality
    assert book.pull_events() == [Noted("one"), Noted("two")]
    assert book.pull_events() == []
    assert isinstance(book, EventSource)


def test_copies_of_an_aggregate_leave_the_pending_events_behind() -> None:
    book = Notebook("ada")
    book.note("one")
    for clone in (copy.copy(book), copy.deepcopy(book)):
        assert clone == book
        assert clone is not book
        assert clone.pull_events() == []
    assert book.pull_events() == [Noted("one")]


@attrs.define
class Basket(EventRecorder):
    """An aggregate with what __init__ does not take, and a validator."""

    basket_id: str = attrs.field(validator=attrs.validators.min_len(1))
    lines: list[str] = attrs.field(factory=list, init=False)
    version: int = attrs.field(default=0, init=False)
    parent: Basket | None = attrs.field(default=None, init=False)


def test_copies_keep_every_field_and_survive_cycles() -> None:
    basket = Basket("b-1")
    basket.lines.append("SNEAKER-42")
    basket.version = 3
    basket.parent = basket  # refers to itself
    basket.record(Noted("added"))
    clone = copy.deepcopy(basket)
    assert (clone.basket_id, clone.lines, clone.version) == ("b-1", ["SNEAKER-42"], 3)
    assert clone.parent is clone
    assert clone.lines is not basket.lines
    assert clone.pull_events() == []
    shallow = copy.copy(basket)
    assert shallow.lines is basket.lines
    assert shallow.pull_events() == []
    assert basket.pull_events() == [Noted("added")]


def test_an_envelope_names_its_event_and_keeps_utc() -> None:
    envelope = EventEnvelope(
        event_id="e-1",
        recorded_at=datetime(2026, 1, 5, 11, tzinfo=BERLIN_SUMMER),
        event=Noted("hi"),
    )
    assert envelope.name == "Noted"
    assert envelope.recorded_at == datetime(2026, 1, 5, 9, tzinfo=UTC)
    with pytest.raises(ValidationError):
        EventEnvelope(event_id="e-2", recorded_at=datetime(2026, 1, 5), event=Noted(""))  # noqa: DTZ001


def test_the_recording_publisher_records_and_fails_on_demand() -> None:
    publisher = RecordingPublisher()
    envelope = EventEnvelope(
        event_id="e-1", recorded_at=FixedClock().now(), event=Noted("hi")
    )
    publisher.fail_next(2)
    for _ in range(2):
        with pytest.raises(
            ExternalServiceError, match="Noted was not delivered"
        ) as info:
            publisher.publish(envelope)
        assert info.value.retryable
    publisher.publish(envelope)
    assert publisher.published == [envelope]
    assert publisher.events == [Noted("hi")]
    assert isinstance(publisher, EventPublisher)
