"""The SQLite unit of work and its outbox."""

from __future__ import annotations

import contextlib
import importlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime

import cattrs

from commercekit.adapters._unit_of_work import BaseUnitOfWork
from commercekit.adapters.sqlite._cart import (
    SQLiteCartRepository,
    SQLiteWishlistRepository,
)
from commercekit.adapters.sqlite._catalog import SQLiteProductRepository
from commercekit.adapters.sqlite._database import SQLiteDatabase
from commercekit.adapters.sqlite._inventory import SQLiteStockStore
from commercekit.adapters.sqlite._orders import (
    SQLiteOrderNumberSequence,
    SQLiteOrderRepository,
)
from commercekit.adapters.sqlite._payments import SQLitePaymentRepository
from commercekit.adapters.sqlite._pricing import SQLitePriceListRepository
from commercekit.adapters.sqlite._promotions import (
    SQLiteCouponUsage,
    SQLitePromotionRepository,
)
from commercekit.cart import CartRepository, WishlistRepository
from commercekit.catalog import ProductRepository
from commercekit.errors import DuplicateError, StorageError, UsageError
from commercekit.inventory import StockStore
from commercekit.orders import OrderNumberSequence, OrderRepository, OrdersUnitOfWork
from commercekit.payments import PaymentRepository
from commercekit.ports import (
    Clock,
    DomainEvent,
    EventEnvelope,
    EventPublisher,
    IdFactory,
)
from commercekit.pricing import PriceListRepository
from commercekit.promotions import (
    CouponUsage,
    PromotionRepository,
)

__all__ = ["SQLiteUnitOfWork", "event_type_name", "resolve_event_type"]


def event_type_name(cls: type[DomainEvent]) -> str:
    """The name under which events of ``cls`` are stored: ``module:QualName``.

    Moving an event class to another module needs an alias left behind, or the
    outbox cannot read the events already stored under the old name.
    """
    return f"{cls.__module__}:{cls.__qualname__}"


def resolve_event_type(name: str) -> type[DomainEvent]:
    """Find the event class that :func:`event_type_name` named.

    Raises:
        StorageError: if the name does not lead to a
            :class:`~commercekit.ports.DomainEvent` class.
    """
    module_name, _, qualname = name.partition(":")
    try:
        target: object = importlib.import_module(module_name)
        for part in qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError, ValueError) as exc:
        msg = f"the stored event type {name!r} cannot be found: {exc}"
        raise StorageError(msg) from exc
    if not (isinstance(target, type) and issubclass(target, DomainEvent)):
        msg = f"the stored event type {name!r} is not a DomainEvent class"
        raise StorageError(msg)
    return target


class SQLiteUnitOfWork(
    BaseUnitOfWork,
    OrdersUnitOfWork,  # with every context's below: catalog to cart, payments
):
    """A unit of work over a :class:`SQLiteDatabase`.

    ``with uow:`` takes a connection and runs ``BEGIN IMMEDIATE``, so a unit of
    work holds the write lock from its start and two writers never deadlock
    half-way (they queue, up to the database's busy timeout). ``commit()``
    writes the outbox rows and commits in one transaction; events are
    serialized as JSON by commercekit's cattrs converter.

    It has every repository of commercekit (``products``, ``price_lists``,
    ``promotions``, ``coupons``, ``stock``, ``carts``, ``wishlists``,
    ``payments``, ``orders``, ``order_numbers``), so one transaction spans
    contexts.

    Args:
        database: The database this unit of work reads and writes.
        publisher: Receives events after commit; ``None`` keeps them in the outbox.
        clock: Stamps event envelopes.
        ids: Makes event ids.

    >>> db = SQLiteDatabase()
    >>> with SQLiteUnitOfWork(db) as uow:
    ...     _ = uow.connection.execute("SELECT count(*) FROM outbox").fetchone()
    ...     uow.commit()
    """

    def __init__(
        self,
        database: SQLiteDatabase,
        *,
        publisher: EventPublisher | None = None,
        clock: Clock | None = None,
        ids: IdFactory | None = None,
    ) -> None:
        super().__init__(publisher=publisher, clock=clock, ids=ids)
        self.database = database
        self.converter: cattrs.Converter = database.converter
        self.products: ProductRepository = SQLiteProductRepository(self)
        self.price_lists: PriceListRepository = SQLitePriceListRepository(self)
        self.promotions: PromotionRepository = SQLitePromotionRepository(self)
        self.coupons: CouponUsage = SQLiteCouponUsage(self)
        self.stock: StockStore = SQLiteStockStore(self)
        self.carts: CartRepository = SQLiteCartRepository(self)
        self.wishlists: WishlistRepository = SQLiteWishlistRepository(self)
        self.payments: PaymentRepository = SQLitePaymentRepository(self)
        self.orders: OrderRepository = SQLiteOrderRepository(self)
        self.order_numbers: OrderNumberSequence = SQLiteOrderNumberSequence(self)
        self._lease: contextlib.ExitStack | None = None
        self._connection: sqlite3.Connection | None = None

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection of the open transaction, for repositories.

        Raises:
            UsageError: outside a ``with`` block or after its commit.
        """
        if self._connection is None:
            msg = "the SQLite connection is available inside `with uow:` only"
            raise UsageError(msg)
        return self._connection

    @contextlib.contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            msg = f"cannot {action} in {self.database.path!r}: {exc}"
            raise StorageError(msg) from exc

    # -- storage hooks -----------------------------------------------------

    def _begin(self) -> None:
        lease = contextlib.ExitStack()
        self._connection = lease.enter_context(self.database.transaction())
        self._lease = lease

    def _row(self, envelope: EventEnvelope) -> tuple[str, str, str, str]:
        try:
            payload = json.dumps(
                self.converter.unstructure(envelope.event),
                sort_keys=True,
                separators=(",", ":"),
            )
        except (TypeError, ValueError) as exc:
            msg = f"the event {envelope.name} cannot be stored as JSON: {exc}"
            raise StorageError(msg) from exc
        return (
            envelope.event_id,
            event_type_name(type(envelope.event)),
            envelope.recorded_at.isoformat(),
            payload,
        )

    def _commit(self, envelopes: Sequence[EventEnvelope]) -> None:
        conn = self.connection
        rows = [self._row(envelope) for envelope in envelopes]
        try:
            conn.executemany(
                "INSERT INTO outbox (event_id, event_type, recorded_at, payload) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )
        except sqlite3.IntegrityError as exc:
            taken = [
                row[0]
                for row in rows
                if conn.execute(
                    "SELECT 1 FROM outbox WHERE event_id = ?", (row[0],)
                ).fetchone()
            ]
            raise DuplicateError(kind="event", key=", ".join(taken)) from exc
        except sqlite3.Error as exc:
            msg = f"cannot commit in {self.database.path!r}: {exc}"
            raise StorageError(msg) from exc
        with self._errors("commit"):
            conn.execute("COMMIT")
        self._end()

    def _rollback(self) -> None:
        # Leaving the transaction's lease rolls back what is still open.
        self._end()

    def _end(self) -> None:
        self._connection = None
        if self._lease is not None:
            lease, self._lease = self._lease, None
            lease.close()

    def _release(self) -> None:
        self._end()

    _BATCH = 100

    def _pending(self, limit: int | None) -> Iterator[EventEnvelope]:
        # Read in small batches and hold no connection while the publisher
        # runs; decode one row at a time, so a bad row stops the dispatch only
        # where it stands.
        after, left = -1, limit
        while left is None or left > 0:
            size = self._BATCH if left is None else min(self._BATCH, left)
            with self.database.connection() as conn, self._errors("read the outbox"):
                rows = conn.execute(
                    "SELECT sequence, event_id, event_type, recorded_at, payload "
                    "FROM outbox WHERE dispatched_at IS NULL AND sequence > ? "
                    "ORDER BY sequence LIMIT ?",
                    (after, size),
                ).fetchall()
            for sequence, event_id, type_name, recorded_at, payload in rows:
                yield self._envelope(event_id, type_name, recorded_at, payload)
                after = sequence
            if left is not None:
                left -= len(rows)
            if len(rows) < size:
                return

    def _envelope(
        self, event_id: str, type_name: str, recorded_at: str, payload: str
    ) -> EventEnvelope:
        cls = resolve_event_type(type_name)
        try:
            event = self.converter.structure(json.loads(payload), cls)
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            msg = f"the stored event {event_id} ({type_name}) cannot be read"
            raise StorageError(msg) from exc
        return EventEnvelope(
            event_id=event_id,
            recorded_at=datetime.fromisoformat(recorded_at),
            event=event,
        )

    def _mark_dispatched(self, event_ids: Sequence[str]) -> None:
        now = self.clock.now().isoformat()
        with self.database.connection() as conn, self._errors("update the outbox"):
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "UPDATE outbox SET dispatched_at = ? WHERE event_id = ?",
                    [(now, event_id) for event_id in event_ids],
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
