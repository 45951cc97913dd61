"""Every payment repository commercekit ships passes the contract."""

from __future__ import annotations

from pathlib import Path

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.ports import EventPublisher
from commercekit.testing.contracts import (
    PaymentRepositoryContract,
    PaymentsUnitOfWorkFactory,
)


class TestInMemoryPaymentRepository(PaymentRepositoryContract):
    def make_payments_uow_factory(self, tmp_path: Path) -> PaymentsUnitOfWorkFactory:
        store = InMemoryStore()

        def make(publisher: EventPublisher | None) -> InMemoryUnitOfWork:
            return InMemoryUnitOfWork(store, publisher=publisher)

        return make


class TestSQLitePaymentRepository(PaymentRepositoryContract):
    def make_payments_uow_factory(self, tmp_path: Path) -> PaymentsUnitOfWorkFactory:
        # A file: each thread gets its own connection, so racers are real.
        database = SQLiteDatabase(tmp_path / "shop.sqlite3")

        def make(publisher: EventPublisher | None) -> SQLiteUnitOfWork:
            return SQLiteUnitOfWork(database, publisher=publisher)

        return make
