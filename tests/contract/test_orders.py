"""Every order repository and order number sequence commercekit ships passes."""

from __future__ import annotations

from pathlib import Path

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.ports import EventPublisher
from commercekit.testing.contracts import (
    OrderNumberSequenceContract,
    OrderRepositoryContract,
    OrdersUnitOfWorkFactory,
)


def _in_memory() -> OrdersUnitOfWorkFactory:
    # One store shared by every unit of work, so racers meet at its lock.
    store = InMemoryStore()

    def make(publisher: EventPublisher | None) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(store, publisher=publisher)

    return make


def _sqlite(tmp_path: Path) -> OrdersUnitOfWorkFactory:
    # A file: each thread gets its own connection, so racers are real.
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")

    def make(publisher: EventPublisher | None) -> SQLiteUnitOfWork:
        return SQLiteUnitOfWork(database, publisher=publisher)

    return make


class TestInMemoryOrderRepository(OrderRepositoryContract):
    def make_orders_uow_factory(self, tmp_path: Path) -> OrdersUnitOfWorkFactory:
        return _in_memory()


class TestSQLiteOrderRepository(OrderRepositoryContract):
    def make_orders_uow_factory(self, tmp_path: Path) -> OrdersUnitOfWorkFactory:
        return _sqlite(tmp_path)


class TestInMemoryOrderNumberSequence(OrderNumberSequenceContract):
    def make_orders_uow_factory(self, tmp_path: Path) -> OrdersUnitOfWorkFactory:
        return _in_memory()


class TestSQLiteOrderNumberSequence(OrderNumberSequenceContract):
    def make_orders_uow_factory(self, tmp_path: Path) -> OrdersUnitOfWorkFactory:
        return _sqlite(tmp_path)
