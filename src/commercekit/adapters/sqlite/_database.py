"""Opening SQLite databases and migrating their schema."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Self

import cattrs

from commercekit.adapters.sqlite._migrations import MIGRATIONS, Migration
from commercekit.errors import (
    SchemaVersionError,
    StorageError,
    UsageError,
    ValidationError,
)
from commercekit.serialization import make_converter

__all__ = ["SQLiteDatabase"]


def _check_migrations(migrations: Sequence[Migration]) -> None:
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            msg = (
                f"migrations must be numbered 1, 2, 3, ... in order; "
                f"step {expected} has version {migration.version}"
            )
            raise ValidationError(msg, field="migrations")


class SQLiteDatabase:
    """A SQLite database that commercekit's SQLite adapters share.

    Opening it brings its schema up to date (tracked by ``PRAGMA user_version``,
    one transaction per step). Every connection it hands out is in autocommit
    mode (``isolation_level=None``) so that units of work control their
    transactions with an explicit ``BEGIN IMMEDIATE``, and has a busy timeout
    and foreign keys on. File databases use write-ahead logging (WAL), so
    readers do not wait for a writer.

    A file database gives every unit of work its own connection, so threads and
    processes each work on their own. ``":memory:"`` (the default) is one
    private database on one connection, which units of work take in turn.

    Args:
        path: A file path, or ``":memory:"``.
        busy_timeout: Seconds a writer waits for another writer's lock before
            the unit of work fails with :class:`~commercekit.errors.StorageError`.
        migrations: The schema steps; commercekit's own by default.

    Raises:
        SchemaVersionError: if the file was written by a newer schema version.
        StorageError: if the file cannot be opened as a SQLite database.

    >>> with SQLiteDatabase() as db:
    ...     db.schema_version == len(MIGRATIONS)
    True
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = ":memory:",
        *,
        busy_timeout: float = 5.0,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> None:
        _check_migrations(migrations)
        self.path = os.fspath(path)
        self.busy_timeout = busy_timeout
        self.migrations = tuple(migrations)
        self._lock = threading.RLock()
        self._shared: sqlite3.Connection | None = None
        self._closed = False
        self._local = threading.local()
        self._opened: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self.converter: cattrs.Converter = make_converter()
        """The JSON converter of this database's units of work (made once)."""
        if self.in_memory:
            self._shared = self._open(check_same_thread=False)
        else:
            self._use_wal()
        self._migrate()

    def _use_wal(self) -> None:
        # Switching a new file to WAL needs an exclusive lock, and SQLite does
        # not wait for it with the busy handler: several processes opening one
        # new file at once get "database is locked" at once. Retry until the
        # busy timeout has passed.
        deadline = time.monotonic() + self.busy_timeout
        with self._wrap_errors("open"), contextlib.closing(self._open()) as conn:
            while True:
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                except sqlite3.OperationalError as exc:
                    locked = "locked" in str(exc) or "busy" in str(exc)
                    if not locked or time.monotonic() > deadline:
                        raise
                    time.sleep(0.01)
                else:
                    return

    @property
    def in_memory(self) -> bool:
        """Whether the database lives in memory only."""
        return self.path == ":memory:"

    @property
    def schema_version(self) -> int:
        """The schema version stored in the database."""
        with self.connection() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    @contextlib.contextmanager
    def _wrap_errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            msg = f"cannot {action} the SQLite database {self.path!r}: {exc}"
            raise StorageError(msg) from exc

    def _open(self, *, check_same_thread: bool = True) -> sqlite3.Connection:
        with self._wrap_errors("open"):
            conn = sqlite3.connect(
                self.path,
                timeout=self.busy_timeout,
                isolation_level=None,
                check_same_thread=check_same_thread,
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """Lend a connection for the duration of the ``with`` block.

        A file database gives each thread a connection of its own, opened on
        first use and kept for the thread's later units of work (opening one
        per unit of work costs a WAL checkpoint each time it closes). An
        in-memory database lends its only connection and holds its lock
        meanwhile.
        """
        if self._closed:
            msg = f"the SQLite database {self.path!r} is closed"
            raise UsageError(msg)
        if self._shared is not None:
            with self._lock:
                yield self._shared
            return
        yield self._thread_connection()

    def _thread_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if conn is None:
            # Usable from this thread only; check_same_thread is off so that
            # close() may close it from another.
            conn = self._open(check_same_thread=False)
            self._local.connection = conn
            with self._lock:
                # Close the connections of threads that have ended.
                alive = []
                for thread, other in self._opened:
                    if thread.is_alive():
                        alive.append((thread, other))
                    else:
                        other.close()
                alive.append((threading.current_thread(), conn))
                self._opened = alive
        return conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Lend a connection in a ``BEGIN IMMEDIATE`` transaction.

        The caller commits with ``COMMIT``; a transaction still open when the
        block ends is rolled back.

        Raises:
            UsageError: if this thread has a transaction open on this database
                already (a nested one would wait for itself, or share it).
            StorageError: if the write lock is not had within the busy timeout.
        """
        if getattr(self._local, "busy", False):
            msg = (
                "this thread has a transaction open on the database already: "
                "finish it before starting another (nesting is not supported)"
            )
            raise UsageError(msg)
        self._local.busy = True
        try:
            with self.connection() as conn:
                with self._wrap_errors("begin a transaction in"):
                    conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        with self._wrap_errors("roll back a transaction in"):
                            conn.execute("ROLLBACK")
        finally:
            self._local.busy = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _migrate(self) -> None:
        latest = len(self.migrations)
        with self.connection() as conn, self._wrap_errors("migrate"):
            found = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if found > latest:
                raise SchemaVersionError(found=found, supported=latest)
            for migration in self.migrations[found:]:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    # Another process may have migrated while we waited.
                    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
                    if current < migration.version:
                        for statement in migration.statements:
                            conn.execute(statement)
                        conn.execute(f"PRAGMA user_version = {int(migration.version)}")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise

    def close(self) -> None:
        """Close the database and every connection it opened.

        An in-memory database loses its data. Call it when no unit of work of
        the database is open.
        """
        self._closed = True
        with self._lock:
            for _, conn in self._opened:
                conn.close()
            self._opened = []
        if self._shared is not None:
            with self._lock:
                self._shared.close()
                self._shared = None
