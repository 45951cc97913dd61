"""The SQLite order repository and order number sequence."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, Final

from commercekit.adapters._checks import (
    _check_customer_id,
    _check_order,
    _check_page,
    _check_span,
)
from commercekit.adapters.sqlite._columns import (
    _aggregate,
    _document,
    _optional_text,
    _storage,
    _text,
)
from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    StorageError,
    VersionConflictError,
)
from commercekit.orders import (
    Order,
    OrderNumberSequence,
    OrderPage,
    OrderRepository,
    OrderStatus,
    order_id,
    order_status,
)
from commercekit.values import as_utc, identifier, positive_int

if TYPE_CHECKING:
    from commercekit.adapters.sqlite._unit_of_work import SQLiteUnitOfWork

__all__ = ["SQLiteOrderNumberSequence", "SQLiteOrderRepository"]

_COLUMNS: Final = "version, status, data"
_NEWEST_FIRST: Final = "ORDER BY placed_at DESC, order_id DESC"

# What a unique column is called in SQLite's refusal, and the error it means,
# in the order the in-memory adapter checks them.
_UNIQUE: Final = (
    ("order_id", "order"),
    ("checkout_token", "checkout token"),
    ("number", "order number"),
)


def _columns(order: Order) -> tuple[object, ...]:
    """The indexed columns of ``order``, in the order the statements name them."""
    return (
        order.number,
        order.checkout_token,
        order.customer_id,
        order.cart_id,
        str(order.status),
        _text(order.placed_at),
        _optional_text(order.payment_due_by),
    )


class SQLiteOrderRepository(OrderRepository):
    """Orders in a SQLite database.

    One table, ``orders``: the queried fields are columns (id; order number
    and checkout token, each unique; customer, status, placing time and
    payment deadline, indexed for the queries; version) and the rest of an
    order is one JSON document written by commercekit's converter. The
    status and version columns are the truth; a loaded status goes through
    the model's check, so an extended lifecycle's status needs no migration.
    Saving is a conditional ``UPDATE ... WHERE version = ?`` checked by its
    row count, so of two writers holding one version only one wins; the
    unique columns make two checkouts with one token one order, even when
    they race.

    Args:
        uow: The unit of work whose connection the store uses.
    """

    def __init__(self, uow: SQLiteUnitOfWork) -> None:
        self._uow = uow

    def _storage(
        self, action: str
    ) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return _storage(self._uow, action)

    def _dump(self, order: Order) -> str:
        return _document(self._uow, order, f"order {order.order_id!r}")

    def _load(self, version: int, status: str, data: str) -> Order:
        order = _aggregate(self._uow, Order, data, "order")
        # Through the model's converter: a status that is no identifier is a
        # ValidationError; an extended lifecycle's status stays text.
        order.status = status
        order.version = version
        return order

    def _one(self, where: str, key: str) -> Order | None:
        with self._storage("read an order from") as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM orders WHERE {where} = ?",  # noqa: S608 - names are ours
                (key,),
            ).fetchone()
        return None if row is None else self._load(*row)

    def _duplicate(
        self, order: Order, exc: sqlite3.IntegrityError, *, new: bool
    ) -> Exception:
        """The error of a write that a unique column refused.

        Read back which value is taken, in the order the in-memory adapter
        checks them: the id (of a new order), the checkout token, the number.
        """
        args: tuple[object, ...]
        with self._storage("read an order from") as conn:
            for column, kind in _UNIQUE:
                value = getattr(order, column)
                if column == "order_id":
                    if not new:
                        continue  # the row being saved has it
                    sql, args = "SELECT 1 FROM orders WHERE order_id = ?", (value,)
                else:
                    sql = f"SELECT 1 FROM orders WHERE {column} = ? AND order_id <> ?"  # noqa: S608 - names are ours
                    args = (value, order.order_id)
                if conn.execute(sql, args).fetchone() is not None:
                    return DuplicateError(kind=kind, key=value)
        msg = f"the database refused order {order.order_id!r}: {exc}"
        return StorageError(msg)

    def add(self, order: Order) -> None:
        """Store a new order at version 1."""
        _check_order(order)
        data = self._dump(order)
        with self._storage("add an order to") as conn:
            try:
                conn.execute(
                    "INSERT INTO orders (order_id, version, number, checkout_token, "
                    "customer_id, cart_id, status, placed_at, payment_due_by, data) "
                    "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (order.order_id, *_columns(order), data),
                )
            except sqlite3.IntegrityError as exc:
                raise self._duplicate(order, exc, new=True) from exc
        order.version = 1
        self._uow.track(order)

    def get(self, order_id_: str) -> Order:
        """A copy of the order with this id."""
        code = order_id(order_id_)
        order = self._one("order_id", code)
        if order is None:
            raise NotFoundError(kind="order", key=code)
        self._uow.track(order)
        return order

    def save(self, order: Order) -> None:
        """Store a changed order, if nobody saved it since it was loaded."""
        _check_order(order)
        data = self._dump(order)
        with self._storage("save an order in") as conn:
            try:
                updated = conn.execute(
                    "UPDATE orders SET version = version + 1, number = ?, "
                    "checkout_token = ?, customer_id = ?, cart_id = ?, status = ?, "
                    "placed_at = ?, payment_due_by = ?, data = ? "
                    "WHERE order_id = ? AND version = ?",
                    (*_columns(order), data, order.order_id, order.version),
                ).rowcount
            except sqlite3.IntegrityError as exc:
                raise self._duplicate(order, exc, new=False) from exc
        if updated != 1:
            raise self._conflict(order)
        order.version += 1
        self._uow.track(order)

    def _conflict(self, order: Order) -> Exception:
        """The error of a save that changed no row: unknown, or a stale copy."""
        with self._storage("read an order from") as conn:
            row = conn.execute(
                "SELECT version FROM orders WHERE order_id = ?", (order.order_id,)
            ).fetchone()
        if row is None:
            return NotFoundError(kind="order", key=order.order_id)
        return VersionConflictError(
            kind="order",
            key=order.order_id,
            expected_version=order.version,
            actual_version=int(row[0]),
        )

    def by_checkout_token(self, token: str) -> Order | None:
        """The order a checkout token placed, or ``None``."""
        order = self._one("checkout_token", identifier(token, field="checkout_token"))
        if order is not None:
            self._uow.track(order)
        return order

    def by_number(self, number: str) -> Order:
        """The order with this order number."""
        code = identifier(number, field="number")
        order = self._one("number", code)
        if order is None:
            raise NotFoundError(kind="order", key=code)
        self._uow.track(order)
        return order

    def _page(
        self, where: str, args: tuple[object, ...], limit: int, offset: int
    ) -> OrderPage:
        size, skip = _check_page(limit, offset)
        with self._storage("read orders from") as conn:
            (total,) = conn.execute(
                f"SELECT count(*) FROM orders WHERE {where}",  # noqa: S608 - ours
                args,
            ).fetchone()
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM orders WHERE {where} "  # noqa: S608 - ours
                f"{_NEWEST_FIRST} LIMIT ? OFFSET ?",
                (*args, size, skip),
            ).fetchall()
        return OrderPage(
            orders=tuple(self._load(*row) for row in rows),
            total=int(total),
            offset=skip,
            limit=size,
        )

    def placed_from_cart(self, cart_id: str) -> Order | None:
        """The cart's order still placed (awaiting its payment), or ``None``."""
        code = identifier(cart_id, field="cart_id")
        with self._storage("read an order from") as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM orders WHERE cart_id = ? AND status = ? "  # noqa: S608 - ours
                f"{_NEWEST_FIRST} LIMIT 1",
                (code, str(OrderStatus.PLACED)),
            ).fetchone()
        if row is None:
            return None
        order = self._load(*row)
        self._uow.track(order)
        return order

    def for_customer(
        self, customer_id: str, *, limit: int = 20, offset: int = 0
    ) -> OrderPage:
        """A customer's orders, newest first."""
        customer = _check_customer_id(customer_id)
        return self._page("customer_id = ?", (customer,), limit, offset)

    def with_status(
        self, status: str, *, limit: int = 20, offset: int = 0
    ) -> OrderPage:
        """The orders in a lifecycle status, newest first."""
        wanted = order_status(status)
        return self._page("status = ?", (str(wanted),), limit, offset)

    def placed_between(
        self, start: datetime, end: datetime, *, limit: int = 20, offset: int = 0
    ) -> OrderPage:
        """The orders placed from ``start`` (included) to ``end`` (excluded)."""
        first, last = _check_span(start, end)
        return self._page(
            "placed_at >= ? AND placed_at < ?",
            (_text(first), _text(last)),
            limit,
            offset,
        )

    def count_for_customer(self, customer_id: str) -> int:
        """How many orders the customer has that were not canceled."""
        customer = _check_customer_id(customer_id)
        with self._storage("count orders in") as conn:
            (count,) = conn.execute(
                "SELECT count(*) FROM orders WHERE customer_id = ? AND status <> ?",
                (customer, str(OrderStatus.CANCELED)),
            ).fetchone()
        return int(count)

    def awaiting_payment(self, at: datetime, *, limit: int | None = None) -> list[str]:
        """Ids of placed orders whose payment deadline passed by ``at``."""
        at = as_utc(at, field="at")
        if limit is not None:
            positive_int(limit, field="limit")
        with self._storage("read orders from") as conn:
            rows = conn.execute(
                "SELECT order_id FROM orders WHERE status = ? "
                "AND payment_due_by <= ? ORDER BY payment_due_by, order_id LIMIT ?",
                (str(OrderStatus.PLACED), _text(at), -1 if limit is None else limit),
            ).fetchall()
        return [row[0] for row in rows]


class SQLiteOrderNumberSequence(OrderNumberSequence):
    """Order numbers from one counter row, raised in the unit of work's transaction.

    The ``order_numbers`` table holds the last number given; :meth:`next_number`
    raises it by a conditional ``UPDATE`` inside the unit of work's
    ``BEGIN IMMEDIATE`` transaction, so two units of work never get one
    number, and a rolled-back unit of work gives its number back.

    Args:
        uow: The unit of work whose connection the sequence uses.
    """

    _NAME: Final = "orders"

    def __init__(self, uow: SQLiteUnitOfWork) -> None:
        self._uow = uow

    def next_number(self) -> int:
        """The next order number: 1, 2, 3, ..."""
        with _storage(self._uow, "take an order number from") as conn:
            raised = conn.execute(
                "UPDATE order_numbers SET last = last + 1 WHERE name = ?",
                (self._NAME,),
            ).rowcount
            row = conn.execute(
                "SELECT last FROM order_numbers WHERE name = ?", (self._NAME,)
            ).fetchone()
        if raised != 1 or row is None:
            msg = (
                f"the order number counter is missing from {self._uow.database.path!r}"
            )
            raise StorageError(msg)
        return int(row[0])
