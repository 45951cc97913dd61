"""Every product repository commercekit ships passes the repository contract."""

from __future__ import annotations

from pathlib import Path

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.ports import EventPublisher
from commercekit.testing.contracts import (
    CatalogUnitOfWorkFactory,
    ProductRepositoryContract,
)


class TestInMemoryProductRepository(ProductRepositoryContract):
    def make_catalog_uow_factory(self, tmp_path: Path) -> CatalogUnitOfWorkFactory:
        store = InMemoryStore()

        def make(publisher: EventPublisher | None) -> InMemoryUnitOfWork:
            return InMemoryUnitOfWork(store, publisher=publisher)

        return make


class TestSQLiteProductRepository(ProductRepositoryContract):
    def make_catalog_uow_factory(self, tmp_path: Path) -> CatalogUnitOfWorkFactory:
        database = SQLiteDatabase(tmp_path / "shop.sqlite3")

        def make(publisher: EventPublisher | None) -> SQLiteUnitOfWork:
            return SQLiteUnitOfWork(database, publisher=publisher)

        return make
