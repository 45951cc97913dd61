"""Every coupon store commercekit ships passes the coupon usage contract."""

from __future__ import annotations

from pathlib import Path

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.testing.contracts import (
    CouponUsageContract,
    PromotionsUnitOfWorkFactory,
)


class TestInMemoryCouponUsage(CouponUsageContract):
    def make_promotions_uow_factory(
        self, tmp_path: Path
    ) -> PromotionsUnitOfWorkFactory:
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store)


class TestSQLiteCouponUsage(CouponUsageContract):
    def make_promotions_uow_factory(
        self, tmp_path: Path
    ) -> PromotionsUnitOfWorkFactory:
        database = SQLiteDatabase(tmp_path / "shop.sqlite3")
        return lambda: SQLiteUnitOfWork(database)
