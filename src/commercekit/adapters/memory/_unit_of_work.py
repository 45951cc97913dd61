"""The in-memory store and its unit of work."""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Iterator, Sequence
from typing import Any, Final

from commercekit.adapters._unit_of_work import BaseUnitOfWork
from commercekit.adapters.memory._cart import (
    InMemoryCartRepository,
    InMemoryWishlistRepository,
)
from commercekit.adapters.memory._catalog import InMemoryProductRepository
from commercekit.adapters.memory._inventory import InMemoryStockStore
from commercekit.adapters.memory._orders import (
    InMemoryOrderNumberSequence,
    InMemoryOrderRepository,
)
from commercekit.adapters.memory._payments import InMemoryPaymentRepository
from commercekit.adapters.memory._pricing import InMemoryPriceListRepository
from commercekit.adapters.memory._promotions import (
    InMemoryCouponUsage,
    InMemoryPromotionRepository,
)
from commercekit.cart import CartRepository, WishlistRepository
from commercekit.catalog import ProductRepository
from commercekit.errors import DuplicateError, UsageError
from commercekit.inventory import StockStore
from commercekit.orders import OrderNumberSequence, OrderRepository, OrdersUnitOfWork
from commercekit.payments import PaymentRepository
from commercekit.ports import Clock, EventEnvelope, EventPublisher, IdFactory
from commercekit.pricing import PriceListRepository
from commercekit.promotions import (
    CouponUsage,
    PromotionRepository,
)

__all__ = ["InMemoryStore", "InMemoryUnitOfWork"]

_DELETED: Final = object()


class InMemoryStore:
    """Everything an in-memory adapter family stores, behind one lock.

    Tables are dicts of keys to values; the outbox keeps every envelope, oldest
    first, and ``dispatched`` the ids of those published. Share one store
    between the units of work that should see the same data; nothing else is
    shared, and nothing is global.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tables: dict[str, dict[str, Any]] = {}
        self.outbox: dict[str, EventEnvelope] = {}
        self.dispatched: set[str] = set()
        self._owner: int | None = None

    def begin(self) -> None:
        """Take the store for one transaction; wait while another thread has it.

        Raises:
            UsageError: if this thread has a transaction open already: nested
                transactions would see and overwrite each other's writes.
        """
        if self._owner == threading.get_ident():
            msg = (
                "this thread has a transaction open on the store already: "
                "finish it before starting another (nesting is not supported)"
            )
            raise UsageError(msg)
        self.lock.acquire()
        self._owner = threading.get_ident()

    def end(self) -> None:
        """Give the store back after :meth:`begin`."""
        self._owner = None
        self.lock.release()

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Hold the lock for a short read or write outside a transaction.

        A thread that has a transaction open holds the lock already, and goes
        on without waiting for itself.
        """
        if self._owner == threading.get_ident():
            yield
            return
        with self.lock:
            yield


class InMemoryUnitOfWork(
    BaseUnitOfWork,
    OrdersUnitOfWork,  # with every context's below: catalog to cart, payments
):
    """A unit of work over an :class:`InMemoryStore`.

    A transaction holds the store's lock from ``with`` to commit or rollback, so
    transactions run one after the other (serializable). Writes are staged and
    reach the store only at commit; reads see the block's own writes. Values are
    deep-copied on the way in and out, so no caller holds a reference into the
    store.

    It has every repository of commercekit (``products``, ``price_lists``,
    ``promotions``, ``coupons``, ``stock``, ``carts``, ``wishlists``,
    ``payments``, ``orders``, ``order_numbers``), so one transaction spans
    contexts.
    Repositories keep their rows with :meth:`read`, :meth:`write`,
    :meth:`remove` and :meth:`rows`, each naming a table.

    Args:
        store: The store this unit of work reads and writes.
        publisher: Receives events after commit; ``None`` keeps them in the outbox.
        clock: Stamps event envelopes.
        ids: Makes event ids.

    >>> from commercekit.testing import RecordingPublisher
    >>> store = InMemoryStore()
    >>> with InMemoryUnitOfWork(store) as uow:
    ...     uow.write("notes", "n-1", {"text": "hello"})
    ...     uow.commit()
    >>> with InMemoryUnitOfWork(store) as uow:
    ...     uow.read("notes", "n-1")
    {'text': 'hello'}
    """

    def __init__(
        self,
        store: InMemoryStore,
        *,
        publisher: EventPublisher | None = None,
        clock: Clock | None = None,
        ids: IdFactory | None = None,
    ) -> None:
        super().__init__(publisher=publisher, clock=clock, ids=ids)
        self.store = store
        self._staged: dict[str, dict[str, Any]] = {}
        self._holding = False
        self.products: ProductRepository = InMemoryProductRepository(self)
        self.price_lists: PriceListRepository = InMemoryPriceListRepository(self)
        self.promotions: PromotionRepository = InMemoryPromotionRepository(self)
        self.coupons: CouponUsage = InMemoryCouponUsage(self)
        self.stock: StockStore = InMemoryStockStore(self)
        self.carts: CartRepository = InMemoryCartRepository(self)
        self.wishlists: WishlistRepository = InMemoryWishlistRepository(self)
        self.payments: PaymentRepository = InMemoryPaymentRepository(self)
        self.orders: OrderRepository = InMemoryOrderRepository(self)
        self.order_numbers: OrderNumberSequence = InMemoryOrderNumberSequence(self)

    # -- storage hooks -----------------------------------------------------

    def _begin(self) -> None:
        self.store.begin()
        self._holding = True
        self._staged = {}

    def _unlock(self) -> None:
        self._staged = {}
        if self._holding:
            self._holding = False
            self.store.end()

    def _commit(self, envelopes: Sequence[EventEnvelope]) -> None:
        outbox = self.store.outbox
        for envelope in envelopes:
            if envelope.event_id in outbox:
                raise DuplicateError(kind="event", key=envelope.event_id)
        tables = self.store.tables
        for name, changes in self._staged.items():
            table = tables.setdefault(name, {})
            for key, value in changes.items():
                if value is _DELETED:
                    table.pop(key, None)
                else:
                    table[key] = value
        for envelope in envelopes:
            self.store.outbox[envelope.event_id] = envelope
        self._unlock()

    def _rollback(self) -> None:
        self._unlock()

    def _release(self) -> None:
        self._unlock()

    def _pending(self, limit: int | None) -> Iterator[EventEnvelope]:
        with self.store.guard():
            dispatched = self.store.dispatched
            pending = [
                envelope
                for event_id, envelope in self.store.outbox.items()
                if event_id not in dispatched
            ]
        yield from (pending if limit is None else pending[:limit])

    def _mark_dispatched(self, event_ids: Sequence[str]) -> None:
        with self.store.guard():
            self.store.dispatched.update(event_ids)

    # -- rows, for repositories ----------------------------------------------

    def _require_transaction(self) -> None:
        if not self._holding:
            msg = "the in-memory store is read and written inside `with uow:` only"
            raise UsageError(msg)

    def read(self, table: str, key: str) -> Any | None:
        """Return a copy of the row ``key`` of ``table``, or ``None``."""
        self._require_transaction()
        staged = self._staged.get(table, {})
        if key in staged:
            value = staged[key]
        else:
            value = self.store.tables.get(table, {}).get(key)
        return None if value is _DELETED else copy.deepcopy(value)

    def write(self, table: str, key: str, value: object) -> None:
        """Stage a copy of ``value`` as the row ``key`` of ``table``."""
        self._require_transaction()
        self._staged.setdefault(table, {})[key] = copy.deepcopy(value)

    def remove(self, table: str, key: str) -> None:
        """Stage the removal of the row ``key`` of ``table``."""
        self._require_transaction()
        self._staged.setdefault(table, {})[key] = _DELETED

    def rows(self, table: str) -> Iterator[tuple[str, Any]]:
        """Yield ``(key, copy of value)`` for every row of ``table``, by key."""
        self._require_transaction()
        merged = dict(self.store.tables.get(table, {}))
        merged.update(self._staged.get(table, {}))
        for key in sorted(merged):
            value = merged[key]
            if value is not _DELETED:
                yield key, copy.deepcopy(value)
