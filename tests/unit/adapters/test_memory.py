"""What the in-memory adapter family promises beyond the unit-of-work contract."""

from __future__ import annotations

import threading

import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.errors import DuplicateError, UsageError
from commercekit.testing import RecordingPublisher, SequentialIds
from commercekit.testing.contracts import SampleAggregate, SampleEvent


def test_writes_reach_the_store_only_at_commit() -> None:
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        uow.write("notes", "b", {"text": "bee"})
        uow.write("notes", "a", {"text": "ay"})
        assert uow.read("notes", "a") == {"text": "ay"}  # the block sees its writes
        assert store.tables == {}
        uow.commit()
    assert store.tables == {"notes": {"a": {"text": "ay"}, "b": {"text": "bee"}}}
    with InMemoryUnitOfWork(store) as uow:
        uow.remove("notes", "a")
        uow.write("notes", "c", {"text": "sea"})
        assert list(uow.rows("notes")) == [
            ("b", {"text": "bee"}),
            ("c", {"text": "sea"}),
        ]
        assert uow.read("notes", "a") is None
    assert set(store.tables["notes"]) == {"a", "b"}  # rolled back


def test_values_are_copied_in_and_out() -> None:
    store = InMemoryStore()
    original = {"lines": [1, 2]}
    with InMemoryUnitOfWork(store) as uow:
        uow.write("carts", "c-1", original)
        original["lines"].append(3)
        loaded = uow.read("carts", "c-1")
        assert loaded == {"lines": [1, 2]}
        loaded["lines"].append(4)
        assert uow.read("carts", "c-1") == {"lines": [1, 2]}
        uow.commit()
    assert store.tables["carts"]["c-1"] == {"lines": [1, 2]}


def test_rows_are_read_inside_a_block_only() -> None:
    uow = InMemoryUnitOfWork(InMemoryStore())
    with pytest.raises(UsageError, match="inside `with uow:` only"):
        uow.read("notes", "a")
    with pytest.raises(UsageError, match="inside `with uow:` only"):
        uow.write("notes", "a", 1)


def test_transactions_run_one_after_the_other() -> None:
    """Real racers: four threads, each with its own unit of work, one store."""
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        uow.write("counter", "hits", 0)
        uow.commit()
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        for _ in range(200):
            with InMemoryUnitOfWork(store) as uow:
                value = uow.read("counter", "hits")
                assert isinstance(value, int)
                uow.write("counter", "hits", value + 1)
                uow.commit()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.tables["counter"]["hits"] == 800


def test_a_stored_aggregate_does_not_carry_its_pending_events() -> None:
    """A repository writes before commit drains the events; the copy has none."""
    store = InMemoryStore()
    publisher = RecordingPublisher()
    with InMemoryUnitOfWork(store, publisher=publisher) as uow:
        aggregate = SampleAggregate("order")
        uow.track(aggregate)
        aggregate.happen("placed")
        uow.write("aggregates", "order", aggregate)
        uow.commit()
    with InMemoryUnitOfWork(store, publisher=publisher) as uow:
        loaded = uow.read("aggregates", "order")
        assert isinstance(loaded, SampleAggregate)
        uow.track(loaded)
        loaded.happen("paid")
        uow.commit()
    notes = [e.note for e in publisher.events if isinstance(e, SampleEvent)]
    assert notes == ["order: placed", "order: paid"]


def test_a_nested_transaction_in_one_thread_is_refused_not_merged() -> None:
    store = InMemoryStore()
    with (
        InMemoryUnitOfWork(store),
        pytest.raises(UsageError, match="nesting is not supported"),
    ):
        InMemoryUnitOfWork(store).__enter__()
    with InMemoryUnitOfWork(store) as uow:  # the store is free again
        uow.commit()


def test_a_repeated_event_id_fails_the_commit_and_stores_nothing() -> None:
    store = InMemoryStore()
    publisher = RecordingPublisher()
    for name in ("a", "b"):
        aggregate = SampleAggregate(name)
        uow = InMemoryUnitOfWork(store, publisher=publisher, ids=SequentialIds())
        with uow:
            uow.track(aggregate)
            aggregate.happen("x")
            uow.write("notes", name, name)
            if name == "a":
                uow.commit()
            else:
                with pytest.raises(DuplicateError, match="event 'id-1' exists"):
                    uow.commit()
    assert store.tables["notes"] == {"a": "a"}
    assert [e.note for e in publisher.events if isinstance(e, SampleEvent)] == ["a: x"]
    with InMemoryUnitOfWork(store) as uow:  # the lock was given back
        assert uow.read("notes", "b") is None
