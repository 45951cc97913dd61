"""What the SQLite stock store promises beyond the contract: real races."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.adapters.sqlite._inventory import (
    _ADD_ON_HAND,
    _BACKORDER,
    _HELD_BY_ORDINARY,
)
from commercekit.errors import ValidationError
from commercekit.inventory import (
    MAX_STOCK_QUANTITY,
    InsufficientStockError,
    MovementKind,
    ReservationId,
    StockLocationId,
)
from commercekit.values import Sku

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)
BERLIN = StockLocationId("berlin")


def rows(
    database: SQLiteDatabase, sql: str, *parameters: object
) -> list[tuple[object, ...]]:
    with database.connection() as conn:
        return conn.execute(sql, parameters).fetchall()


def race(path: Path, item: Sku, racers: int) -> dict[str, str]:
    """Reserve 1 unit of ``item`` from ``racers`` threads, all at once.

    Each racer opens its own database (its own connection to the file),
    waits at a barrier with the others, then reserves in its own unit of
    work and commits. Returns each reservation's outcome: "won", or the rule
    of the refusal.
    """
    barrier = threading.Barrier(racers)
    outcomes: dict[str, str] = {}

    def reserve(key: str) -> None:
        database = SQLiteDatabase(path)
        try:
            barrier.wait(timeout=10)
            with SQLiteUnitOfWork(database) as uow:
                uow.stock.reserve(
                    item,
                    1,
                    reservation_id=ReservationId(key),
                    reference=f"cart-{key}",
                    location=BERLIN,
                    expires_at=AT + timedelta(minutes=15),
                    at=AT,
                )
                uow.commit()
            outcomes[key] = "won"
        except InsufficientStockError as exc:
            outcomes[key] = exc.rule
        except Exception as exc:  # reported by the assertions
            outcomes[key] = repr(exc)
        finally:
            database.close()

    threads = [
        threading.Thread(target=reserve, args=(f"{item}-res-{n}",))
        for n in range(racers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_16_racers_for_10_units_get_exactly_10(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    database = SQLiteDatabase(path)
    for round_ in range(3):
        item = Sku(f"SNEAKER-42-{round_}")
        with SQLiteUnitOfWork(database) as uow:
            uow.stock.receive(item, BERLIN, 10, at=AT)
            uow.commit()
        outcomes = race(path, item, 16)
        assert len(outcomes) == 16
        assert sorted(outcomes.values()) == ["insufficient_stock"] * 6 + ["won"] * 10
        with SQLiteUnitOfWork(database) as uow:
            level = uow.stock.level(item, BERLIN)
            movements = uow.stock.movements(item)
        assert (level.on_hand, level.reserved, level.available) == (10, 10, 0)
        winners = sorted(key for key, outcome in outcomes.items() if outcome == "won")
        assert (
            sorted(
                str(m.reference)
                for m in movements
                if m.kind is MovementKind.RESERVATION
            )
            == winners
        )
        assert rows(
            database,
            "SELECT reservation_id FROM stock_reservations WHERE sku = ? "
            "ORDER BY reservation_id",
            item,
        ) == [(key,) for key in winners]


def test_the_database_itself_keeps_stock_at_zero_or_more(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    with SQLiteUnitOfWork(database) as uow:
        uow.stock.receive(Sku("A"), BERLIN, 1, at=AT)
        uow.commit()
    for statement in (
        "UPDATE stock_levels SET on_hand = -1",
        "UPDATE stock_levels SET reserved = -1",
    ):
        with (
            database.connection() as conn,
            pytest.raises(sqlite3.IntegrityError, match="CHECK"),
        ):
            conn.execute(statement)
    assert rows(
        database, "SELECT sku, location, on_hand, reserved FROM stock_levels"
    ) == [("A", "berlin", 1, 0)]


def test_levels_reservations_and_movements_are_columns(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    with SQLiteUnitOfWork(database) as uow:
        uow.stock.receive(Sku("A"), BERLIN, 3, at=AT, reason="delivery 17")
        uow.stock.reserve(
            Sku("A"),
            2,
            reservation_id=ReservationId("r-1"),
            reference="order-1",
            location=BERLIN,
            expires_at=None,
            at=AT,
        )
        uow.stock.commit(ReservationId("r-1"), at=AT + timedelta(hours=1))
        uow.commit()
    assert rows(database, "SELECT * FROM stock_levels") == [("A", "berlin", 1, 0)]
    assert rows(database, "SELECT * FROM stock_reservations") == [
        (
            "r-1",
            "A",
            "berlin",
            2,
            "order-1",
            0,
            "2026-06-01T09:00:00.000000+00:00",
            None,
            None,
            "2026-06-01T10:00:00.000000+00:00",
        )
    ]
    assert rows(
        database,
        "SELECT kind, quantity, reference, reason FROM stock_movements "
        "ORDER BY movement_id",
    ) == [
        ("receipt", 3, None, "delivery 17"),
        ("reservation", 2, "r-1", ""),
        ("commit", 2, "r-1", ""),
    ]


def test_the_sweep_finds_due_reservations_by_an_index(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    plan = rows(
        database,
        "EXPLAIN QUERY PLAN SELECT reservation_id FROM stock_reservations "
        "WHERE expires_at <= '2026' AND released_at IS NULL "
        "AND committed_at IS NULL",
    )
    assert "stock_reservations_expiry" in str(plan)


def test_a_backorder_commit_sums_the_active_reservations_by_index() -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        plan = uow.connection.execute(
            "EXPLAIN QUERY PLAN " + _HELD_BY_ORDINARY, ("SNEAKER-42", "berlin")
        ).fetchall()
    assert "USING INDEX stock_reservations_active" in plan[0][3]


def test_levels_stay_exact_integers_up_to_the_bound(tmp_path: Path) -> None:
    """Two receipts of 2**62 once left on hand a REAL, 9.223372036854776e18,
    and lost the next receipt. Now a level stops at MAX_STOCK_QUANTITY, and
    the column holds an exact INTEGER there, however the adding is refused:
    by the adapter's check, or by the conditional statement itself."""
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    item = Sku("SNEAKER-42")
    with SQLiteUnitOfWork(database) as uow:
        with pytest.raises(ValidationError):
            uow.stock.receive(item, BERLIN, 2**62, at=AT)
        uow.stock.receive(item, BERLIN, MAX_STOCK_QUANTITY - 1, at=AT)
        uow.stock.receive(item, BERLIN, 1, at=AT)
        with pytest.raises(ValidationError) as info:
            uow.stock.receive(item, BERLIN, 1, at=AT)
        assert info.value.field == "quantity"
        uow.commit()
    assert rows(
        database, "SELECT on_hand, typeof(on_hand), reserved FROM stock_levels"
    ) == [(MAX_STOCK_QUANTITY, "integer", 0)]
    assert rows(database, "SELECT count(*) FROM stock_movements") == [(2,)]
    with SQLiteUnitOfWork(database) as uow:
        # The statement adds nothing past the bound, whatever Python checked.
        added = uow.connection.execute(
            _ADD_ON_HAND,
            {"sku": item, "location": BERLIN, "delta": 1, "most": MAX_STOCK_QUANTITY},
        ).rowcount
        assert added == 0
        added = uow.connection.execute(
            _BACKORDER,
            {
                "sku": item,
                "location": BERLIN,
                "quantity": MAX_STOCK_QUANTITY + 1,
                "most": MAX_STOCK_QUANTITY,
            },
        ).rowcount
        assert added == 0
    assert rows(database, "SELECT on_hand, reserved FROM stock_levels") == [
        (MAX_STOCK_QUANTITY, 0)
    ]
