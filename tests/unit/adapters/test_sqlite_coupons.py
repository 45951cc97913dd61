"""What the SQLite coupon store promises beyond the contract: real races."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import StorageError
from commercekit.promotions import Coupon, CouponUnavailableError
from commercekit.testing.contracts import sample_coupon

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)


def add(database: SQLiteDatabase, coupon: Coupon) -> None:
    with SQLiteUnitOfWork(database) as uow:
        uow.coupons.add(coupon)
        uow.commit()


def rows(
    database: SQLiteDatabase, sql: str, *parameters: object
) -> list[tuple[object, ...]]:
    with database.connection() as conn:
        return conn.execute(sql, parameters).fetchall()


def race(path: Path, code: str, customers: list[str]) -> dict[str, str]:
    """Redeem ``code`` from one thread per customer, all at once.

    Each racer opens its own database (its own connection to the file),
    waits at a barrier with the others, then redeems for its own order in
    its own unit of work and commits. Returns each order's outcome: "won",
    or the rule of the refusal.
    """
    barrier = threading.Barrier(len(customers))
    outcomes: dict[str, str] = {}

    def redeem(order_id: str, customer: str) -> None:
        database = SQLiteDatabase(path)
        try:
            barrier.wait(timeout=10)
            with SQLiteUnitOfWork(database) as uow:
                uow.coupons.redeem(code, order_id=order_id, customer=customer, at=AT)
                uow.commit()
            outcomes[order_id] = "won"
        except CouponUnavailableError as exc:
            outcomes[order_id] = exc.rule
        except Exception as exc:  # reported by the assertions
            outcomes[order_id] = repr(exc)
        finally:
            database.close()

    threads = [
        threading.Thread(target=redeem, args=(f"{code}-order-{n}", customer))
        for n, customer in enumerate(customers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_a_coupon_with_one_use_left_is_redeemed_exactly_once_by_8_racers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shop.sqlite3"
    database = SQLiteDatabase(path)
    for round_ in range(5):
        code = f"LAST-ONE-{round_}"
        add(database, sample_coupon(code, usage_limit=1))
        outcomes = race(path, code, [f"cust-{n}" for n in range(8)])
        assert len(outcomes) == 8
        assert sorted(outcomes.values()) == ["coupon_used_up"] * 7 + ["won"]
        with SQLiteUnitOfWork(database) as uow:
            assert uow.coupons.uses(code) == 1
        (winner,) = [order for order, outcome in outcomes.items() if outcome == "won"]
        assert rows(
            database,
            "SELECT order_id, released_at FROM coupon_redemptions WHERE code = ?",
            code,
        ) == [(winner, None)]
    assert rows(database, "SELECT code, uses FROM coupons ORDER BY code") == [
        (f"LAST-ONE-{n}", 1) for n in range(5)
    ]


def test_one_customer_racing_from_4_threads_gets_the_coupon_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shop.sqlite3"
    database = SQLiteDatabase(path)
    for round_ in range(3):
        code = f"ONCE-EACH-{round_}"
        add(database, sample_coupon(code, per_customer_limit=1))
        outcomes = race(path, code, ["anna@example.com"] * 4)
        assert sorted(outcomes.values()) == ["coupon_customer_limit"] * 3 + ["won"]
        with SQLiteUnitOfWork(database) as uow:
            assert uow.coupons.uses(code) == 1
            assert uow.coupons.uses_by(code, "anna@example.com") == 1
        assert rows(
            database,
            "SELECT count(*) FROM coupon_redemptions WHERE code = ?",
            code,
        ) == [(1,)]


def test_the_database_itself_refuses_a_use_over_the_limit(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    add(database, sample_coupon("LIMITED", usage_limit=1))
    with SQLiteUnitOfWork(database) as uow:
        uow.coupons.redeem("LIMITED", order_id="o-1", customer="c-1", at=AT)
        uow.commit()
    with (
        database.connection() as conn,
        pytest.raises(sqlite3.IntegrityError, match="coupon_within_limit"),
    ):
        conn.execute("UPDATE coupons SET uses = uses + 1 WHERE code = 'LIMITED'")
    with (
        database.connection() as conn,
        pytest.raises(sqlite3.IntegrityError, match="CHECK"),
    ):
        conn.execute("UPDATE coupons SET uses = -1 WHERE code = 'LIMITED'")
    assert rows(database, "SELECT uses FROM coupons") == [(1,)]


def test_terms_are_columns_and_instants_utc_text(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    add(
        database,
        sample_coupon(
            " summer-2026",
            valid_from=datetime(2026, 6, 1, tzinfo=UTC),
            valid_until=datetime(2026, 9, 1, tzinfo=UTC),
            usage_limit=100,
            per_customer_limit=2,
        ),
    )
    with SQLiteUnitOfWork(database) as uow:
        uow.coupons.redeem("SUMMER-2026", order_id="o-1", customer="c-1", at=AT)
        uow.commit()
    assert rows(
        database,
        "SELECT code, version, promotion_id, valid_from, valid_until, usage_limit, "
        "per_customer_limit, uses FROM coupons",
    ) == [
        (
            "SUMMER-2026",
            1,
            "summer-sale",
            "2026-06-01T00:00:00.000000+00:00",
            "2026-09-01T00:00:00.000000+00:00",
            100,
            2,
            1,
        )
    ]
    assert rows(database, "SELECT * FROM coupon_redemptions") == [
        ("SUMMER-2026", "o-1", "c-1", "2026-06-01T09:00:00.000000+00:00", None)
    ]


def test_release_stamps_the_redemption_with_the_clock(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    add(database, sample_coupon(usage_limit=1))
    with SQLiteUnitOfWork(database) as uow:
        uow.coupons.redeem("SUMMER-2026", order_id="o-1", customer="c-1", at=AT)
        uow.commit()
    before = datetime.now(UTC)
    with SQLiteUnitOfWork(database) as uow:
        assert uow.coupons.release("SUMMER-2026", "o-1") is True
        uow.commit()
    ((released_at, uses),) = rows(
        database,
        "SELECT r.released_at, c.uses FROM coupon_redemptions AS r "
        "JOIN coupons AS c ON c.code = r.code",
    )
    assert isinstance(released_at, str)
    assert datetime.fromisoformat(released_at) >= before
    assert uses == 0


def test_the_active_redemptions_of_a_customer_are_counted_by_an_index(
    tmp_path: Path,
) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    plan = rows(
        database,
        "EXPLAIN QUERY PLAN SELECT count(*) FROM coupon_redemptions "
        "WHERE code = 'X' AND customer = 'c' AND released_at IS NULL",
    )
    assert "COVERING INDEX coupon_redemptions_customer" in str(plan)


def test_a_stored_row_that_does_not_read_back_is_a_storage_error(
    tmp_path: Path,
) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    add(database, sample_coupon())
    with database.connection() as conn:
        conn.execute("UPDATE coupons SET valid_from = 'yesterday'")
    with SQLiteUnitOfWork(database) as uow:
        with pytest.raises(StorageError, match="coupon"):
            uow.coupons.get("SUMMER-2026")
        with pytest.raises(StorageError, match="coupon"):
            uow.coupons.redeem("SUMMER-2026", order_id="o-1", customer="c", at=AT)


def test_redemptions_are_tied_to_a_coupon(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    with (
        SQLiteUnitOfWork(database) as uow,
        pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"),
    ):
        uow.connection.execute(
            "INSERT INTO coupon_redemptions (code, order_id, customer, redeemed_at) "
            "VALUES ('NOPE', 'o-1', 'c', '2026-01-01')"
        )
