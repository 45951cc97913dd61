"""What the SQLite payment store does beyond the contract: schema, JSON, races."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commercekit.adapters.sqlite import MIGRATIONS, SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import StorageError, ValidationError
from commercekit.money import money
from commercekit.payments import (
    GatewayOutcome,
    GatewayResult,
    IdempotencyRecord,
    Operation,
)
from commercekit.testing.contracts import sample_payment

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)


def _record(key: str, fingerprint: str = "fp-1") -> IdempotencyRecord:
    return IdempotencyRecord(
        key=key,
        operation=Operation.CAPTURE,
        payment_id="p-1",
        fingerprint=fingerprint,
        created_at=AT,
    )


def _plan(uow: SQLiteUnitOfWork, sql: str, *args: object) -> str:
    return str(uow.connection.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall())


def test_a_payment_is_stored_as_columns_and_plain_json(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    with SQLiteUnitOfWork(database) as uow:
        uow.payments.add(sample_payment("p-1", reference="psp-1"))
        uow.payments.add(sample_payment("p-2", stage="pending"))
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        rows = uow.connection.execute(
            "SELECT payment_id, version, order_id, provider_reference, status, "
            "currency, created_at, data FROM payments ORDER BY payment_id"
        ).fetchall()
    stamp = "2026-06-01T09:00:00.000000+00:00"
    assert [row[:7] for row in rows] == [
        ("p-1", 1, "order-1", "psp-1", "partially_refunded", "EUR", stamp),
        (
            "p-2",
            1,
            "order-1",
            None,
            "pending",
            "EUR",
            "2026-06-01T09:00:00.000000+00:00",
        ),
    ]
    body = json.loads(rows[0][7])
    assert "version" not in body  # the columns are the truth
    assert "status" not in body
    assert body["charged_back"] == {"amount": "20.00", "currency": "EUR"}
    assert body["disputes"][1] == {
        "dispute_id": "dp-2",
        "amount": {"amount": "15.00", "currency": "EUR"},
        "status": "open",
        "opened_at": "2026-06-04T09:01:00+00:00",
    }


def test_an_idempotency_record_is_stored_as_columns_and_json(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    result = GatewayResult(
        outcome=GatewayOutcome.APPROVED, reference="cap-1", amount=money("5.00", "EUR")
    )
    with SQLiteUnitOfWork(database) as uow:
        uow.payments.start(_record("key-1"))
        uow.payments.start(_record("key-2"))
        uow.payments.finish("key-2", result)
        uow.payments.note_notification("evt-1", at=AT)
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        keys = uow.connection.execute(
            "SELECT key, operation, payment_id, fingerprint, created_at, result "
            "FROM payment_idempotency ORDER BY key"
        ).fetchall()
        seen = uow.connection.execute(
            "SELECT event_id, received_at FROM payment_notifications"
        ).fetchall()
    stamp = "2026-06-01T09:00:00.000000+00:00"
    assert keys[0] == ("key-1", "capture", "p-1", "fp-1", stamp, None)
    assert keys[1][:5] == ("key-2", "capture", "p-1", "fp-1", stamp)
    assert json.loads(keys[1][5])["amount"] == {"amount": "5.00", "currency": "EUR"}
    assert json.loads(keys[1][5])["outcome"] == "approved"
    assert seen == [("evt-1", stamp)]


def test_lookups_use_indexes() -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        of_order = _plan(
            uow,
            "SELECT version, status, data FROM payments WHERE order_id = ? "
            "ORDER BY created_at, payment_id",
            "order-1",
        )
        by_reference = _plan(
            uow,
            "SELECT version, status, data FROM payments WHERE provider_reference = ?",
            "psp-1",
        )
        by_key = _plan(
            uow, "SELECT result FROM payment_idempotency WHERE key = ?", "key-1"
        )
    assert "payments_order" in of_order
    assert "TEMP B-TREE" not in of_order  # the index gives the order too
    assert "payments_provider_reference" in by_reference
    assert "sqlite_autoindex_payment_idempotency" in by_key


def test_a_stored_unknown_status_is_a_validation_error() -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        uow.payments.add(sample_payment("p-1", reference="psp-1"))
        uow.connection.execute("UPDATE payments SET status = 'lost_in_space'")
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        for load in (
            lambda: uow.payments.get("p-1"),
            lambda: uow.payments.by_reference("psp-1"),
            lambda: uow.payments.for_order("order-1"),
        ):
            with pytest.raises(ValidationError, match="lost_in_space") as info:
                load()
            assert info.value.field == "status"
            assert not isinstance(info.value, KeyError)


def test_the_status_column_is_the_truth() -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        uow.payments.add(sample_payment("p-1"))
        uow.connection.execute("UPDATE payments SET status = 'refunded'")
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        assert uow.payments.get("p-1").status == "refunded"


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", '{"amount": 3}'])
def test_an_unreadable_stored_payment_is_a_storage_error(data: str) -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        uow.payments.add(sample_payment("p-1"))
        uow.connection.execute("UPDATE payments SET data = ?", (data,))
        uow.commit()
    with (
        SQLiteUnitOfWork(database) as uow,
        pytest.raises(StorageError, match="payment"),
    ):
        uow.payments.get("p-1")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("result", '{"outcome": "maybe"}'),
        ("result", "{not json"),
        ("operation", "borrow"),
        ("created_at", "yesterday"),
    ],
)
def test_an_unreadable_stored_record_is_a_storage_error(
    column: str, value: str
) -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        uow.payments.start(_record("key-1"))
        uow.connection.execute(
            f"UPDATE payment_idempotency SET {column} = ?",  # noqa: S608 - names are ours
            (value,),
        )
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        with pytest.raises(StorageError, match="idempotency record"):
            uow.payments.recall("key-1")
        with pytest.raises(StorageError, match="idempotency record"):
            uow.payments.start(_record("key-1"))


def _race(
    path: Path, racers: int, run: Callable[[SQLiteUnitOfWork, int], object]
) -> dict[int, object]:
    """Run ``run(uow, n)`` from ``racers`` threads, each on its own connection.

    Each racer opens its own database (its own connection to the file),
    waits at a barrier with the others, then runs in its own unit of work
    and commits. Returns what each returned, or the repr of its error.
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
            outcomes[n] = repr(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_one_key_started_by_6_racers_is_stored_once(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    database = SQLiteDatabase(path)
    for round_ in range(3):
        key = f"key-{round_}"
        records = [_record(key, fingerprint=f"fp-{n}") for n in range(6)]

        def start(
            uow: SQLiteUnitOfWork, n: int, records: list[IdempotencyRecord] = records
        ) -> IdempotencyRecord:
            return uow.payments.start(records[n])

        outcomes = _race(path, 6, start)
        got = set(outcomes.values())
        assert len(got) == 1, outcomes  # every racer holds the one stored record
        (stored,) = got
        assert stored in records
        with database.connection() as conn:
            count = conn.execute(
                "SELECT count(*) FROM payment_idempotency WHERE key = ?", (key,)
            ).fetchone()
        assert count == (1,)


def test_one_notification_noted_by_6_racers_is_new_once(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    SQLiteDatabase(path).close()
    outcomes = _race(
        path, 6, lambda uow, n: uow.payments.note_notification("evt-1", at=AT)
    )
    assert sorted(outcomes.values(), key=repr) == [False] * 5 + [True]


def test_schema_10_upgrades_a_database_of_schema_9(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    SQLiteDatabase(path, migrations=MIGRATIONS[:9]).close()
    database = SQLiteDatabase(path)
    assert database.schema_version == len(MIGRATIONS) >= 10
    with SQLiteUnitOfWork(database) as uow:
        uow.payments.add(sample_payment("p-1", reference="psp-1"))
        uow.payments.start(_record("key-1"))
        assert uow.payments.note_notification("evt-1", at=AT)
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        assert uow.payments.by_reference("psp-1").payment_id == "p-1"
        assert uow.payments.recall("key-1") == _record("key-1")
