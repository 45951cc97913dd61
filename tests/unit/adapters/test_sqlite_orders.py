"""What the SQLite order store does beyond the contract: schema, JSON, races."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commercekit.adapters.sqlite import (
    MIGRATIONS,
    SQLiteDatabase,
    SQLiteOrderNumberSequence,
    SQLiteOrderRepository,
    SQLiteUnitOfWork,
)
from commercekit.errors import DuplicateError, StorageError, ValidationError
from commercekit.orders import OrderNumberSequence, OrderRepository, OrdersUnitOfWork
from commercekit.testing.contracts import sample_order

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)


def _plan(uow: SQLiteUnitOfWork, sql: str, *args: object) -> str:
    return str(uow.connection.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall())


def test_the_unit_of_work_has_the_orders_stores() -> None:
    uow = SQLiteUnitOfWork(SQLiteDatabase())
    # The protocols are subclassed explicitly, so mypy checks the adapters.
    assert OrdersUnitOfWork in type(uow).__mro__
    assert isinstance(uow.orders, SQLiteOrderRepository)
    assert OrderRepository in SQLiteOrderRepository.__mro__
    assert isinstance(uow.order_numbers, SQLiteOrderNumberSequence)
    assert OrderNumberSequence in SQLiteOrderNumberSequence.__mro__


def test_an_order_is_stored_as_columns_and_plain_json(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    with SQLiteUnitOfWork(database) as uow:
        uow.orders.add(sample_order("o-1", payment_due_by=AT + timedelta(days=7)))
        uow.orders.add(sample_order("o-2", customer_id=None, status="on_hold"))
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        rows = uow.connection.execute(
            "SELECT order_id, version, number, checkout_token, customer_id, status, "
            "placed_at, payment_due_by, data FROM orders ORDER BY order_id"
        ).fetchall()
    stamp = "2026-06-01T09:00:00.000000+00:00"
    assert [row[:8] for row in rows] == [
        (
            "o-1",
            1,
            "N-o-1",
            "token-o-1",
            "customer-1",
            "placed",
            stamp,
            "2026-06-08T09:00:00.000000+00:00",
        ),
        ("o-2", 1, "N-o-2", "token-o-2", None, "on_hold", stamp, None),
    ]
    body = json.loads(rows[0][8])
    assert "version" not in body  # the columns are the truth
    assert "status" not in body
    assert body["lines"][0]["unit_price"] == {"amount": "89.95", "currency": "EUR"}
    assert body["lines"][1]["tax"]["percent"] == "7.0"
    assert body["payment_status"] == "pending"
    assert body["shipping_address"]["city"] == "Köln"  # not escaped


def test_the_status_and_version_columns_are_the_truth() -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        uow.orders.add(sample_order("o-1"))
        uow.connection.execute("UPDATE orders SET status = 'confirmed', version = 4")
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        order = uow.orders.get("o-1")
    assert (order.status, order.version) == ("confirmed", 4)


def test_a_stored_status_that_is_no_identifier_is_a_validation_error() -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        uow.orders.add(sample_order("o-1"))
        uow.connection.execute("UPDATE orders SET status = ' lost in space'")
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        with pytest.raises(ValidationError) as info:
            uow.orders.get("o-1")
        assert info.value.field == "status"
        with pytest.raises(ValidationError):
            uow.orders.for_customer("customer-1")


@pytest.mark.parametrize(
    "data", ["{not json", "[1, 2]", '{"order_id": "o-1"}', '{"lines": "none"}']
)
def test_an_unreadable_stored_order_is_a_storage_error(data: str) -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        uow.orders.add(sample_order("o-1"))
        uow.connection.execute("UPDATE orders SET data = ?", (data,))
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        with pytest.raises(StorageError, match="order"):
            uow.orders.get("o-1")
        with pytest.raises(StorageError, match="order"):
            uow.orders.with_status("placed")


def test_queries_use_indexes_for_their_filter_and_order() -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        plans = {
            "orders_customer": _plan(
                uow,
                "SELECT data FROM orders WHERE customer_id = ? "
                "ORDER BY placed_at DESC, order_id DESC LIMIT 20",
                "c-1",
            ),
            "orders_status": _plan(
                uow,
                "SELECT data FROM orders WHERE status = ? "
                "ORDER BY placed_at DESC, order_id DESC LIMIT 20",
                "placed",
            ),
            "orders_placed": _plan(
                uow,
                "SELECT data FROM orders WHERE placed_at >= ? AND placed_at < ? "
                "ORDER BY placed_at DESC, order_id DESC LIMIT 20",
                "a",
                "b",
            ),
            "orders_payment_due": _plan(
                uow,
                "SELECT order_id FROM orders WHERE status = ? "
                "AND payment_due_by <= ? ORDER BY payment_due_by, order_id LIMIT 5",
                "placed",
                "b",
            ),
        }
        by_number = _plan(uow, "SELECT data FROM orders WHERE number = ?", "1")
        by_token = _plan(uow, "SELECT data FROM orders WHERE checkout_token = ?", "t")
    for index, plan in plans.items():
        assert index in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # the index gives the order too
    assert "sqlite_autoindex_orders" in by_number
    assert "sqlite_autoindex_orders" in by_token


def test_schema_11_upgrades_a_database_of_schema_10(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    SQLiteDatabase(path, migrations=MIGRATIONS[:10]).close()
    database = SQLiteDatabase(path)
    assert database.schema_version == len(MIGRATIONS) >= 11
    with SQLiteUnitOfWork(database) as uow:
        assert uow.order_numbers.next_number() == 1
        uow.orders.add(sample_order("o-1"))
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        assert uow.orders.by_number("N-o-1").order_id == "o-1"
        assert uow.order_numbers.next_number() == 2


def test_a_missing_counter_is_a_storage_error() -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        uow.connection.execute("DELETE FROM order_numbers")
        with pytest.raises(StorageError, match="counter"):
            uow.order_numbers.next_number()


def _race(
    path: Path, racers: int, run: Callable[[SQLiteUnitOfWork, int], object]
) -> dict[int, object]:
    """Run ``run(uow, n)`` from ``racers`` threads, each on its own database.

    Each racer opens its own database (its own connection to the file),
    waits at a barrier with the others, then runs in its own unit of work
    and commits. Returns what each returned, or its error.
    """
    barrier = threading.Barrier(racers)
    outcomes: dict[int, object] = {}

    def race(n: int) -> None:
        database = SQLiteDatabase(path)
        try:
            barrier.wait(timeout=10)
            with SQLiteUnitOfWork(database) as uow:
                outcomes[n] = run(uow, n)
                uow.commit()
        except Exception as exc:  # reported by the assertions
            outcomes[n] = exc
        finally:
            database.close()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_one_checkout_token_added_by_6_racers_is_one_order(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    SQLiteDatabase(path).close()

    def add(uow: SQLiteUnitOfWork, n: int) -> str:
        uow.orders.add(sample_order(f"o-{n}", checkout="tok-1"))
        return "added"

    outcomes = _race(path, 6, add)
    assert sorted(map(type, outcomes.values()), key=repr) == sorted(
        [DuplicateError] * 5 + [str], key=repr
    ), outcomes
    assert {
        (error.kind, error.key)
        for error in outcomes.values()
        if isinstance(error, DuplicateError)
    } == {("checkout token", "tok-1")}
    database = SQLiteDatabase(path)
    with database.connection() as conn:
        count = conn.execute("SELECT count(*) FROM orders").fetchone()
    assert count == (1,)


def test_6_racers_taking_numbers_each_get_their_own(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    SQLiteDatabase(path).close()

    def take(uow: SQLiteUnitOfWork, n: int) -> list[int]:
        return [uow.order_numbers.next_number() for _ in range(3)]

    outcomes = _race(path, 6, take)
    numbers = sorted(
        number
        for taken in outcomes.values()
        if isinstance(taken, list)
        for number in taken
    )
    # Each racer's transaction takes three in a row; none is lost or shared.
    assert numbers == list(range(1, 19)), outcomes
    for taken in outcomes.values():
        assert isinstance(taken, list)
        assert taken == list(range(taken[0], taken[0] + 3))
