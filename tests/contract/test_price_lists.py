"""Every price list repository commercekit ships passes the repository contract."""

from __future__ import annotations

from pathlib import Path

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.testing.contracts import (
    PriceListRepositoryContract,
    PricingUnitOfWorkFactory,
)


class TestInMemoryPriceListRepository(PriceListRepositoryContract):
    def make_pricing_uow_factory(self, tmp_path: Path) -> PricingUnitOfWorkFactory:
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store)


class TestSQLitePriceListRepository(PriceListRepositoryContract):
    def make_pricing_uow_factory(self, tmp_path: Path) -> PricingUnitOfWorkFactory:
        database = SQLiteDatabase(tmp_path / "shop.sqlite3")
        return lambda: SQLiteUnitOfWork(database)
