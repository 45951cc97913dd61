"""What the SQLite promotion store promises beyond the contract: real races."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from commercekit.adapters.sqlite import MIGRATIONS, SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import StorageError
from commercekit.money import Money, money
from commercekit.promotions import (
    MinQuantity,
    PercentOff,
    Promotion,
    PromotionBudgetExceededError,
    Scope,
)
from commercekit.testing.contracts import sample_promotion


def eur(amount: str) -> Money:
    return money(amount, "EUR")


def add(database: SQLiteDatabase, promotion: Promotion) -> None:
    with SQLiteUnitOfWork(database) as uow:
        uow.promotions.add(promotion)
        uow.commit()


def spend(database: SQLiteDatabase, promotion_id: str, amount: Money) -> Money:
    with SQLiteUnitOfWork(database) as uow:
        total = uow.promotions.record_spent(promotion_id, amount)
        uow.commit()
    return total


def spent(database: SQLiteDatabase, promotion_id: str) -> Money | None:
    with SQLiteUnitOfWork(database) as uow:
        return uow.promotions.spent(promotion_id)


def rows(
    database: SQLiteDatabase, sql: str, *parameters: object
) -> list[tuple[object, ...]]:
    with database.connection() as conn:
        return conn.execute(sql, parameters).fetchall()


def race(path: Path, promotion_id: str, amount: Money, racers: int) -> list[str]:
    """Record ``amount`` for the promotion from ``racers`` threads at once.

    Each racer opens its own database (its own connection to the file),
    waits at a barrier with the others, then records in its own unit of work
    and commits. Returns the outcomes: "won", "refused" or the error.
    """
    barrier = threading.Barrier(racers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def record() -> None:
        database = SQLiteDatabase(path)
        try:
            barrier.wait(timeout=10)
            with SQLiteUnitOfWork(database) as uow:
                uow.promotions.record_spent(promotion_id, amount)
                uow.commit()
            outcome = "won"
        except PromotionBudgetExceededError:
            outcome = "refused"
        except Exception as exc:  # reported by the assertions
            outcome = repr(exc)
        finally:
            database.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=record) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_a_budget_with_room_for_one_more_spend_takes_exactly_one_of_8_racers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shop.sqlite3"
    database = SQLiteDatabase(path)
    for round_ in range(5):
        key = f"LAST-ONE-{round_}"
        add(database, sample_promotion(key, budget=eur("100.00")))
        spend(database, key, eur("90.00"))
        outcomes = race(path, key, eur("10.00"), racers=8)
        assert sorted(outcomes) == ["refused"] * 7 + ["won"]
        assert spent(database, key) == eur("100.00")
    assert rows(
        database, "SELECT promotion_id, spent_minor FROM promotions ORDER BY 1"
    ) == [(f"LAST-ONE-{n}", 10000) for n in range(5)]


def test_racing_spends_add_up_without_losing_one(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    database = SQLiteDatabase(path)
    add(database, sample_promotion("ROOM-FOR-3", budget=eur("100.00")))
    outcomes = race(path, "ROOM-FOR-3", eur("30.00"), racers=8)
    assert sorted(outcomes) == ["refused"] * 5 + ["won"] * 3
    assert spent(database, "ROOM-FOR-3") == eur("90.00")
    add(database, sample_promotion("NO-LIMIT"))
    assert race(path, "NO-LIMIT", eur("0.01"), racers=8) == ["won"] * 8
    assert spent(database, "NO-LIMIT") == eur("0.08")


def test_the_database_itself_refuses_a_spend_over_the_budget(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    add(database, sample_promotion("SPRING", budget=eur("100.00")))
    spend(database, "SPRING", eur("100.00"))
    for statement in (
        "UPDATE promotions SET spent_minor = spent_minor + 1",
        "UPDATE promotions SET budget_minor = 9999",
        "UPDATE promotions SET spent_currency = 'USD'",
    ):
        with (
            database.connection() as conn,
            pytest.raises(sqlite3.IntegrityError, match="promotion_within_budget"),
        ):
            conn.execute(statement)
    with (
        database.connection() as conn,
        pytest.raises(sqlite3.IntegrityError, match="promotion_spent"),
    ):
        conn.execute("UPDATE promotions SET spent_minor = -1")
    assert spent(database, "SPRING") == eur("100.00")


def test_terms_are_columns_instants_utc_text_and_the_rest_json(
    tmp_path: Path,
) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    berlin = timezone(timedelta(hours=2))
    promotion = Promotion(
        promotion_id="SPRING",
        name="10% off shoes",
        action=PercentOff(percent=10, scope=Scope(categories={"shoes", "boots"})),
        conditions=[MinQuantity(quantity=2)],
        priority=5,
        valid_from=datetime(2026, 4, 1, tzinfo=berlin),
        valid_until=datetime(2026, 6, 1, tzinfo=UTC),
        budget=eur("100.00"),
    )
    add(database, promotion)
    spend(database, "SPRING", eur("12.34"))
    ((*columns, data),) = rows(
        database,
        "SELECT promotion_id, version, priority, valid_from, valid_until, "
        "budget_currency, budget_minor, spent_currency, spent_minor, data "
        "FROM promotions",
    )
    assert columns == [
        "SPRING",
        1,
        5,
        "2026-03-31T22:00:00.000000+00:00",
        "2026-06-01T00:00:00.000000+00:00",
        "EUR",
        10000,
        "EUR",
        1234,
    ]
    assert isinstance(data, str)
    stored = json.loads(data)
    assert stored["action"]["kind"] == "percent_off"
    assert stored["action"]["scope"]["categories"] == ["boots", "shoes"]
    assert stored["conditions"] == [
        {
            "kind": "min_quantity",
            "quantity": 2,
            "scope": {
                "categories": [],
                "exclude_categories": [],
                "exclude_products": [],
                "exclude_skus": [],
                "products": [],
                "skus": [],
            },
        }
    ]
    assert stored["budget"] == {"amount": "100.00", "currency": "EUR"}
    with SQLiteUnitOfWork(database) as uow:
        assert uow.promotions.get("SPRING").promotion == promotion


def test_active_promotions_are_found_by_the_index_on_valid_until(
    tmp_path: Path,
) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    with SQLiteUnitOfWork(database) as uow:
        uow.promotions.active_at(datetime(2026, 1, 1, tzinfo=UTC))
        # The query the store runs, as the planner sees it.
        from commercekit.adapters.sqlite._promotions import _ACTIVE  # noqa: PLC0415

        plan = uow.connection.execute(
            "EXPLAIN QUERY PLAN " + _ACTIVE, {"at": "2026-01-01"}
        ).fetchall()
    assert "INDEX promotions_valid_until" in str(plan)
    assert "SCAN promotions" not in str(plan)


def test_a_stored_row_that_does_not_read_back_is_a_storage_error(
    tmp_path: Path,
) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    add(database, sample_promotion("SPRING"))
    with database.connection() as conn:
        conn.execute(
            "UPDATE promotions SET data = json_set(data, '$.action.kind', 'percent_of')"
        )
    with SQLiteUnitOfWork(database) as uow:
        with pytest.raises(StorageError, match="promotion"):
            uow.promotions.get("SPRING")
        with pytest.raises(StorageError, match="promotion"):
            list(uow.promotions.iterate())
        with pytest.raises(StorageError, match="promotion"):
            uow.promotions.active_at(datetime(2026, 1, 1, tzinfo=UTC))


def test_a_database_of_schema_5_gains_the_promotions_table(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    SQLiteDatabase(path, migrations=MIGRATIONS[:5]).close()
    database = SQLiteDatabase(path)
    assert database.schema_version == len(MIGRATIONS)
    add(database, sample_promotion("SPRING", budget=eur("10.00")))
    assert spend(database, "SPRING", eur("10.00")) == eur("10.00")
