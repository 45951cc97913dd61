"""Every promotion store commercekit ships passes the promotion repository contract."""

from __future__ import annotations

from pathlib import Path

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.testing.contracts import (
    PromotionRepositoryContract,
    PromotionsUnitOfWorkFactory,
)


class TestInMemoryPromotionRepository(PromotionRepositoryContract):
    def make_promotions_uow_factory(
        self, tmp_path: Path
    ) -> PromotionsUnitOfWorkFactory:
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store)


class TestSQLitePromotionRepository(PromotionRepositoryContract):
    def make_promotions_uow_factory(
        self, tmp_path: Path
    ) -> PromotionsUnitOfWorkFactory:
        database = SQLiteDatabase(tmp_path / "shop.sqlite3")
        return lambda: SQLiteUnitOfWork(database)
