"""What the SQLite cart store does beyond the contract: schema, JSON, indexes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from commercekit.adapters.sqlite import MIGRATIONS, SQLiteDatabase, SQLiteUnitOfWork
from commercekit.cart import CartSettings
from commercekit.errors import StorageError
from commercekit.testing.contracts import sample_cart, sample_wishlist


def _plan(uow: SQLiteUnitOfWork, sql: str, *args: object) -> str:
    return str(uow.connection.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall())


def test_a_cart_is_stored_as_columns_and_plain_json(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    with SQLiteUnitOfWork(database) as uow:
        uow.carts.add(sample_cart("c-1", customer_id="cust-7"))
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        row = uow.connection.execute(
            "SELECT version, customer_id, updated_at, data FROM carts"
        ).fetchone()
    version, customer, updated_at, data = row
    assert (version, customer) == (1, "cust-7")
    assert updated_at == "2026-01-05T09:00:00.000000+00:00"
    body = json.loads(data)
    assert "version" not in body  # the column is the truth
    assert body["shipping_address"]["street"] == "Unter den Linden 1"
    assert body["lines"][0]["unit_price_seen"] == {"amount": "89.90", "currency": "EUR"}


def test_the_customers_cart_and_the_sweep_use_indexes() -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        customer = _plan(
            uow,
            "SELECT version, data FROM carts WHERE customer_id = ? "
            "ORDER BY updated_at DESC, cart_id LIMIT 1",
            "cust-7",
        )
        sweep = _plan(
            uow,
            "SELECT cart_id FROM carts WHERE updated_at <= ? "
            "ORDER BY updated_at, cart_id LIMIT ?",
            "2026",
            10,
        )
        owner = _plan(
            uow, "SELECT version, data FROM wishlists WHERE customer_id = ?", "c"
        )
    assert "carts_customer" in customer
    assert "carts_updated" in sweep
    assert "USING INDEX sqlite_autoindex_wishlists" in owner  # the UNIQUE one


def test_an_unreadable_stored_cart_is_a_storage_error() -> None:
    database = SQLiteDatabase()
    with SQLiteUnitOfWork(database) as uow:
        uow.carts.add(sample_cart("c-1"))
        uow.connection.execute("UPDATE carts SET data = '{\"lines\": 3}'")
        uow.commit()
    with SQLiteUnitOfWork(database) as uow, pytest.raises(StorageError, match="cart"):
        uow.carts.get("c-1")


def test_schema_9_upgrades_a_database_of_schema_8(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    SQLiteDatabase(path, migrations=MIGRATIONS[:8]).close()
    database = SQLiteDatabase(path)
    assert database.schema_version == len(MIGRATIONS) >= 9
    with SQLiteUnitOfWork(database) as uow:
        uow.carts.add(sample_cart("c-1"))
        uow.wishlists.add(sample_wishlist("w-1", customer_id="cust-7"))
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        later = sample_cart("c-1").updated_at + timedelta(days=31)
        assert uow.carts.expired(later, CartSettings()) == ["c-1"]
        assert uow.wishlists.for_customer("cust-7") is not None
