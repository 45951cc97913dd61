"""Every unit of work commercekit ships passes the unit-of-work contract."""

from __future__ import annotations

from pathlib import Path

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.ports import EventPublisher
from commercekit.testing import FixedClock, SequentialIds
from commercekit.testing.contracts import UnitOfWorkContract, UnitOfWorkFactory


class TestInMemoryUnitOfWork(UnitOfWorkContract):
    def make_unit_of_work_factory(self, tmp_path: Path) -> UnitOfWorkFactory:
        store = InMemoryStore()
        ids = SequentialIds("event-")

        def make(publisher: EventPublisher | None) -> InMemoryUnitOfWork:
            return InMemoryUnitOfWork(
                store, publisher=publisher, clock=FixedClock(), ids=ids
            )

        return make


class TestSQLiteFileUnitOfWork(UnitOfWorkContract):
    def make_unit_of_work_factory(self, tmp_path: Path) -> UnitOfWorkFactory:
        database = SQLiteDatabase(tmp_path / "shop.sqlite3")
        return lambda publisher: SQLiteUnitOfWork(database, publisher=publisher)


class TestSQLiteInMemoryUnitOfWork(UnitOfWorkContract):
    def make_unit_of_work_factory(self, tmp_path: Path) -> UnitOfWorkFactory:
        database = SQLiteDatabase(":memory:")
        return lambda publisher: SQLiteUnitOfWork(database, publisher=publisher)
