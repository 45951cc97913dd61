"""Every cart and wishlist repository commercekit ships passes the contracts."""

from __future__ import annotations

from pathlib import Path

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.ports import EventPublisher
from commercekit.testing.contracts import (
    CartRepositoryContract,
    CartUnitOfWorkFactory,
    WishlistRepositoryContract,
)


def _in_memory() -> CartUnitOfWorkFactory:
    store = InMemoryStore()

    def make(publisher: EventPublisher | None) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(store, publisher=publisher)

    return make


def _sqlite(tmp_path: Path) -> CartUnitOfWorkFactory:
    # A file: each thread gets its own connection, so racers are real.
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")

    def make(publisher: EventPublisher | None) -> SQLiteUnitOfWork:
        return SQLiteUnitOfWork(database, publisher=publisher)

    return make


class TestInMemoryCartRepository(CartRepositoryContract):
    def make_cart_uow_factory(self, tmp_path: Path) -> CartUnitOfWorkFactory:
        return _in_memory()


class TestSQLiteCartRepository(CartRepositoryContract):
    def make_cart_uow_factory(self, tmp_path: Path) -> CartUnitOfWorkFactory:
        return _sqlite(tmp_path)


class TestInMemoryWishlistRepository(WishlistRepositoryContract):
    def make_cart_uow_factory(self, tmp_path: Path) -> CartUnitOfWorkFactory:
        return _in_memory()


class TestSQLiteWishlistRepository(WishlistRepositoryContract):
    def make_cart_uow_factory(self, tmp_path: Path) -> CartUnitOfWorkFactory:
        return _sqlite(tmp_path)
