"""What the SQLite price list repository promises beyond the contract."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import StorageError, VersionConflictError
from commercekit.money import money
from commercekit.pricing import PriceList, PriceListId
from commercekit.testing.contracts import sample_price_list
from commercekit.values import Sku

SINCE = datetime(2026, 1, 5, 9, tzinfo=UTC)
SHOP = PriceListId("shop")


def add(database: SQLiteDatabase, price_list: PriceList) -> None:
    with SQLiteUnitOfWork(database) as uow:
        uow.price_lists.add(price_list)
        uow.commit()


def load(database: SQLiteDatabase) -> PriceList:
    with SQLiteUnitOfWork(database) as uow:
        return uow.price_lists.get(SHOP)


def rows(database: SQLiteDatabase, sql: str) -> list[tuple[object, ...]]:
    with database.connection() as conn:
        return conn.execute(sql).fetchall()


def test_saving_one_changed_price_of_a_large_list_writes_one_row(
    tmp_path: Path,
) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    skus = [f"SKU-{n:04}" for n in range(2000)]
    add(database, sample_price_list("shop", *skus))
    prices_sql = "SELECT sku, tiers, since, base_amount FROM list_prices ORDER BY sku"
    before = rows(database, prices_sql)
    price_list = load(database)
    later = SINCE + timedelta(days=1)
    price_list.set_price("SKU-1234", money("7.50", "EUR"), at=later)
    with SQLiteUnitOfWork(database) as uow:
        start = uow.connection.total_changes
        uow.price_lists.save(price_list)
        # The list's version, one price row and one history row.
        assert uow.connection.total_changes - start == 3
        uow.commit()
    after = rows(database, prices_sql)
    assert len(before) == len(after) == 2000
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert len(changed) == 1
    (old, new) = changed[0]
    assert (old[0], old[3], new[0], new[3]) == (
        "SKU-1234",
        "12.345",
        "SKU-1234",
        "7.50",
    )
    assert new[2] == "2026-01-06T09:00:00.000000+00:00"
    assert rows(database, "SELECT count(*) FROM price_history") == [(2001,)]
    assert rows(
        database,
        "SELECT amount, changed_at FROM price_history WHERE sku = 'SKU-1234' "
        "ORDER BY id",
    ) == [
        ("12.345", "2026-01-05T09:00:00.000000+00:00"),
        ("7.50", "2026-01-06T09:00:00.000000+00:00"),
    ]
    with SQLiteUnitOfWork(database) as uow:
        listed = uow.price_lists.prices_for([Sku(code) for code in skus], "EUR")
        unchanged = uow.price_lists.get(SHOP)
        start = uow.connection.total_changes
        uow.price_lists.save(unchanged)
        assert uow.connection.total_changes - start == 1  # the version only
    assert len(listed) == 2000  # more SKUs than SQLite's bound parameters
    assert listed[1234].entry.base_price == money("7.50", "EUR")


def test_amounts_are_exact_text_and_keep_their_exponent(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    price_list = sample_price_list("shop", "A-1")
    price_list.set_price("B-1", money("9.90", "EUR"), at=SINCE)
    add(database, price_list)
    assert rows(database, "SELECT sku, base_amount FROM list_prices ORDER BY sku") == [
        ("A-1", "12.345"),
        ("B-1", "9.90"),
    ]
    assert rows(
        database, "SELECT sku, amount, currency FROM price_history ORDER BY sku"
    ) == [("A-1", "12.345", "EUR"), ("B-1", "9.90", "EUR")]
    loaded = load(database)
    assert str(loaded.prices[Sku("B-1")].base_price.amount) == "9.90"
    tiers = loaded.prices[Sku("A-1")].tiers
    assert [str(tier.unit_price.amount) for tier in tiers] == ["12.345", "11.1105"]
    with SQLiteUnitOfWork(database) as uow:
        (change,) = uow.price_lists.history(SHOP, Sku("B-1"))
    assert str(change.unit_price.amount) == "9.90"


def test_terms_are_columns_and_instants_utc_text(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    berlin = ZoneInfo("Europe/Berlin")
    add(
        database,
        sample_price_list(
            "shop",
            "A-1",
            priority=2,
            channel="web",
            customer_group="b2b",
            valid_from=datetime(2026, 7, 1, tzinfo=berlin),
        ),
    )
    assert rows(
        database,
        "SELECT list_id, version, currency, mode, priority, channel, "
        "customer_group, valid_from, valid_until FROM price_lists",
    ) == [
        (
            "shop",
            1,
            "EUR",
            "gross",
            2,
            "web",
            "b2b",
            "2026-06-30T22:00:00.000000+00:00",
            None,
        )
    ]


def test_a_stored_row_that_does_not_read_back_is_a_storage_error(
    tmp_path: Path,
) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    add(database, sample_price_list("shop", "A-1"))
    with database.connection() as conn:
        conn.execute("UPDATE price_lists SET mode = 'bogus'")
    with SQLiteUnitOfWork(database) as uow:
        with pytest.raises(StorageError, match="price list"):
            uow.price_lists.get(SHOP)
        with pytest.raises(StorageError, match="price"):
            uow.price_lists.prices_for([Sku("A-1")], "EUR")
    with database.connection() as conn:
        conn.execute("UPDATE price_lists SET mode = 'gross'")
        conn.execute("UPDATE list_prices SET tiers = '[{\"min_quantity\": 1}]'")
    with SQLiteUnitOfWork(database) as uow, pytest.raises(StorageError):
        uow.price_lists.get(SHOP)


def test_the_schema_keeps_history_rows_tied_to_a_list(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    with (
        SQLiteUnitOfWork(database) as uow,
        pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"),
    ):
        uow.connection.execute(
            "INSERT INTO price_history (list_id, sku, amount, currency, changed_at) "
            "VALUES ('nope', 'A-1', '1', 'EUR', '2026-01-01')"
        )


def test_two_racers_saving_one_version_one_wins(tmp_path: Path) -> None:
    """Real racers: one file, a connection per thread, a common start."""
    path = tmp_path / "shop.sqlite3"
    add(SQLiteDatabase(path), sample_price_list("shop", "A-1"))
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def reprice(amount: str) -> None:
        database = SQLiteDatabase(path)  # its own connection to the file
        try:
            price_list = load(database)
            assert price_list.version == 1
            price_list.set_price(
                "A-1", money(amount, "EUR"), at=SINCE + timedelta(days=1)
            )
            barrier.wait(timeout=10)
            with SQLiteUnitOfWork(database) as uow:
                uow.price_lists.save(price_list)
                uow.commit()
            outcomes[amount] = "saved"
        except VersionConflictError as exc:
            outcomes[amount] = f"conflict {exc.expected_version}->{exc.actual_version}"
        finally:
            database.close()

    threads = [threading.Thread(target=reprice, args=(a,)) for a in ("5.00", "6.00")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["conflict 1->2", "saved"]
    (winner,) = [amount for amount, outcome in outcomes.items() if outcome == "saved"]
    database = SQLiteDatabase(path)
    stored = load(database)
    assert stored.version == 2
    assert stored.prices[Sku("A-1")].base_price == money(winner, "EUR")
    assert rows(database, "SELECT amount FROM price_history ORDER BY id") == [
        ("12.345",),
        (winner,),
    ]
