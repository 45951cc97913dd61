"""Every stock store commercekit ships passes the stock store contract."""

from __future__ import annotations

from pathlib import Path

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.testing.contracts import (
    InventoryUnitOfWorkFactory,
    StockStoreContract,
)


class TestInMemoryStockStore(StockStoreContract):
    def make_inventory_uow_factory(self, tmp_path: Path) -> InventoryUnitOfWorkFactory:
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store)


class TestSQLiteStockStore(StockStoreContract):
    def make_inventory_uow_factory(self, tmp_path: Path) -> InventoryUnitOfWorkFactory:
        database = SQLiteDatabase(tmp_path / "shop.sqlite3")
        return lambda: SQLiteUnitOfWork(database)
