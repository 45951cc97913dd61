"""What the SQLite adapter family promises beyond the unit-of-work contract."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import attrs
import pytest

from commercekit.adapters.sqlite import (
    MIGRATIONS,
    Migration,
    SQLiteDatabase,
    SQLiteUnitOfWork,
    event_type_name,
    resolve_event_type,
)
from commercekit.errors import (
    DuplicateError,
    SchemaVersionError,
    StorageError,
    UsageError,
    ValidationError,
)
from commercekit.ports import DomainEvent, EventRecorder
from commercekit.testing import RecordingPublisher, SequentialIds
from commercekit.testing.contracts import SampleAggregate, SampleEvent

COUNTER = Migration(
    len(MIGRATIONS) + 1,
    "a counter for tests",
    (
        "CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL "
        "CHECK (value >= 0))",
        "INSERT INTO counter VALUES ('hits', 0)",
    ),
)
WITH_COUNTER = (*MIGRATIONS, COUNTER)


def hits(database: SQLiteDatabase) -> int:
    with database.connection() as conn:
        return int(conn.execute("SELECT value FROM counter").fetchone()[0])


def test_a_new_database_is_migrated_to_the_latest_schema(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    assert database.schema_version == len(MIGRATIONS)
    with database.connection() as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "outbox" in tables


def test_connections_use_wal_foreign_keys_a_busy_timeout_and_autocommit(
    tmp_path: Path,
) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3", busy_timeout=2.5)
    with database.connection() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 2500
        assert conn.isolation_level is None


def test_reopening_runs_only_the_missing_steps(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    SQLiteDatabase(path)
    upgraded = SQLiteDatabase(path, migrations=WITH_COUNTER)
    assert upgraded.schema_version == len(WITH_COUNTER)
    assert hits(upgraded) == 0
    assert SQLiteDatabase(path, migrations=WITH_COUNTER).schema_version == len(
        WITH_COUNTER
    )


def test_a_database_from_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    SQLiteDatabase(path, migrations=WITH_COUNTER)
    with pytest.raises(SchemaVersionError, match="upgrade commercekit") as info:
        SQLiteDatabase(path)
    assert (info.value.found, info.value.supported) == (
        len(WITH_COUNTER),
        len(MIGRATIONS),
    )


def test_migrations_must_count_from_one(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="numbered 1, 2, 3"):
        SQLiteDatabase(tmp_path / "x.sqlite3", migrations=[Migration(2, "gap", ())])


def test_a_failing_step_leaves_the_schema_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    broken = Migration(len(MIGRATIONS) + 1, "broken", ("CREATE TABLE t (x)", "NOT SQL"))
    with pytest.raises(StorageError, match="cannot migrate"):
        SQLiteDatabase(path, migrations=(*MIGRATIONS, broken))
    database = SQLiteDatabase(path)
    assert database.schema_version == len(MIGRATIONS)
    with database.connection() as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "t" not in names


def test_a_file_that_is_not_a_database_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just some text that is long enough" * 20)
    with pytest.raises(StorageError, match="cannot"):
        SQLiteDatabase(path)


def test_commit_keeps_and_rollback_discards_writes(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3", migrations=WITH_COUNTER)
    with SQLiteUnitOfWork(database) as uow:
        uow.connection.execute("UPDATE counter SET value = value + 5")
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        uow.connection.execute("UPDATE counter SET value = value + 100")
    assert hits(database) == 5


def test_the_connection_exists_only_inside_the_block() -> None:
    uow = SQLiteUnitOfWork(SQLiteDatabase())
    with pytest.raises(UsageError, match="inside `with uow:` only"):
        _ = uow.connection
    with uow:
        uow.commit()
        with pytest.raises(UsageError, match="inside `with uow:` only"):
            _ = uow.connection


def test_concurrent_writers_queue_instead_of_failing(tmp_path: Path) -> None:
    """Real racers: a file database, one connection per thread, a common start."""
    database = SQLiteDatabase(tmp_path / "shop.sqlite3", migrations=WITH_COUNTER)
    threads_count, rounds = 4, 25
    barrier = threading.Barrier(threads_count)
    failures: list[BaseException] = []

    def work() -> None:
        barrier.wait()
        try:
            for _ in range(rounds):
                with SQLiteUnitOfWork(database) as uow:
                    # Read, then write: without BEGIN IMMEDIATE two readers
                    # would both upgrade to writers and one would fail.
                    value = uow.connection.execute(
                        "SELECT value FROM counter"
                    ).fetchone()[0]
                    uow.connection.execute("UPDATE counter SET value = ?", (value + 1,))
                    uow.commit()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert hits(database) == threads_count * rounds


def test_concurrent_first_opens_migrate_once(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    barrier = threading.Barrier(4)
    versions: list[int] = []
    failures: list[BaseException] = []

    def open_it() -> None:
        barrier.wait()
        try:
            versions.append(
                SQLiteDatabase(path, migrations=WITH_COUNTER).schema_version
            )
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert versions == [len(WITH_COUNTER)] * 4
    database = SQLiteDatabase(path, migrations=WITH_COUNTER)
    assert hits(database) == 0
    with database.connection() as conn:
        assert conn.execute("SELECT count(*) FROM counter").fetchone()[0] == 1


def test_a_writer_that_waits_too_long_gets_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    SQLiteDatabase(path)
    impatient = SQLiteDatabase(path, busy_timeout=0.05)
    with SQLiteUnitOfWork(SQLiteDatabase(path)):
        with pytest.raises(StorageError, match="database is locked") as info:
            SQLiteUnitOfWork(impatient).__enter__()
        assert isinstance(info.value.__cause__, sqlite3.OperationalError)


def test_the_database_enforces_check_constraints(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3", migrations=WITH_COUNTER)
    with SQLiteUnitOfWork(database) as uow, pytest.raises(sqlite3.IntegrityError):
        uow.connection.execute("UPDATE counter SET value = -1")


def test_events_are_stored_as_json_under_their_type_name(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    aggregate = SampleAggregate("order")
    with SQLiteUnitOfWork(database) as uow:
        uow.track(aggregate)
        aggregate.happen("placed", "19.99")
        uow.commit()
    with database.connection() as conn:
        event_type, payload = conn.execute(
            "SELECT event_type, payload FROM outbox"
        ).fetchone()
    assert event_type == "commercekit.testing.contracts._unit_of_work:SampleEvent"
    assert payload == (
        '{"amount":{"amount":"19.99","currency":"EUR"},'
        '"at":"2026-01-05T09:30:00+00:00","note":"order: placed"}'
    )
    assert resolve_event_type(event_type_name(SampleEvent)) is SampleEvent


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no.such.module:Event", "cannot be found"),
        ("commercekit.testing.contracts:Missing", "cannot be found"),
        ("commercekit.testing.contracts:SampleAggregate", "not a DomainEvent"),
    ],
)
def test_an_unreadable_stored_event_stops_the_dispatch_loudly(
    tmp_path: Path, name: str, message: str
) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    with SQLiteUnitOfWork(database) as uow:
        uow.connection.execute(
            "INSERT INTO outbox (event_id, event_type, recorded_at, payload) "
            "VALUES ('e-1', ?, '2026-01-05T09:00:00+00:00', '{}')",
            (name,),
        )
        uow.commit()
    with pytest.raises(StorageError, match=message):
        SQLiteUnitOfWork(database, publisher=RecordingPublisher()).dispatch_pending()


def test_a_stored_event_with_a_bad_payload_is_a_storage_error(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    with SQLiteUnitOfWork(database) as uow:
        uow.connection.execute(
            "INSERT INTO outbox (event_id, event_type, recorded_at, payload) "
            "VALUES ('e-1', ?, '2026-01-05T09:00:00+00:00', '{\"note\": 1}')",
            (event_type_name(SampleEvent),),
        )
        uow.commit()
    with pytest.raises(StorageError, match=r"e-1 .* cannot be read"):
        SQLiteUnitOfWork(database, publisher=RecordingPublisher()).dispatch_pending()


def test_a_closed_database_lends_no_connection() -> None:
    database = SQLiteDatabase()
    database.close()
    with pytest.raises(UsageError, match="is closed"), SQLiteUnitOfWork(database):
        pass


def test_a_nested_transaction_in_one_thread_is_refused(tmp_path: Path) -> None:
    for database in (SQLiteDatabase(), SQLiteDatabase(tmp_path / "shop.sqlite3")):
        with (
            SQLiteUnitOfWork(database),
            pytest.raises(UsageError, match="nesting is not supported"),
        ):
            SQLiteUnitOfWork(database).__enter__()
        with SQLiteUnitOfWork(database) as uow:  # free again
            uow.commit()


def test_a_repeated_event_id_fails_the_commit_and_stores_nothing(
    tmp_path: Path,
) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3", migrations=WITH_COUNTER)
    for name in ("a", "b"):
        aggregate = SampleAggregate(name)
        with SQLiteUnitOfWork(database, ids=SequentialIds()) as uow:
            uow.track(aggregate)
            aggregate.happen("x")
            uow.connection.execute("UPDATE counter SET value = value + 1")
            if name == "a":
                uow.commit()
            else:
                with pytest.raises(DuplicateError, match="event 'id-1' exists"):
                    uow.commit()
    assert hits(database) == 1


@attrs.frozen
class Opaque(DomainEvent):
    """An event whose field JSON cannot hold."""

    thing: object


def test_an_event_that_cannot_be_stored_fails_the_commit(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3", migrations=WITH_COUNTER)
    publisher = RecordingPublisher()

    @attrs.define
    class Odd(EventRecorder):
        pass

    odd = Odd()
    with SQLiteUnitOfWork(database, publisher=publisher) as uow:
        uow.track(odd)
        odd.record(Opaque(object()))
        uow.connection.execute("UPDATE counter SET value = value + 1")
        with pytest.raises(StorageError, match="cannot be stored as JSON"):
            uow.commit()
    assert hits(database) == 0
    assert publisher.published == []


def test_a_bad_row_stops_the_dispatch_where_it_stands(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    aggregate = SampleAggregate("order")
    with SQLiteUnitOfWork(database) as uow:
        uow.track(aggregate)
        good = aggregate.happen("before")
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        uow.connection.execute(
            "INSERT INTO outbox (event_id, event_type, recorded_at, payload) "
            "VALUES ('bad', 'no.such:Event', '2026-01-05T09:00:00+00:00', '{}')"
        )
        uow.commit()
    publisher = RecordingPublisher()
    relay = SQLiteUnitOfWork(database, publisher=publisher)
    with pytest.raises(StorageError, match="cannot be found"):
        relay.dispatch_pending()
    assert publisher.events == [good]
    with pytest.raises(StorageError, match="cannot be found"):
        relay.dispatch_pending()
    assert publisher.events == [good]  # published once, marked


def test_a_long_backlog_is_dispatched_in_batches_and_in_order(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    aggregate = SampleAggregate("order")
    with SQLiteUnitOfWork(database) as uow:
        uow.track(aggregate)
        events = [aggregate.happen(str(n)) for n in range(250)]
        uow.commit()
    publisher = RecordingPublisher()
    relay = SQLiteUnitOfWork(database, publisher=publisher)
    assert relay.dispatch_pending(limit=120) == 120
    assert relay.dispatch_pending() == 130
    assert publisher.events == events


def test_the_database_closes_as_a_context_manager() -> None:
    with SQLiteDatabase() as database:
        assert database.schema_version == len(MIGRATIONS)
    with pytest.raises(UsageError, match="is closed"):
        _ = database.schema_version
