"""The in-memory order repository and order number sequence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from commercekit.adapters._checks import (
    _check_customer_id,
    _check_order,
    _check_page,
    _check_span,
    _newest_first,
)
from commercekit.errors import DuplicateError, NotFoundError, VersionConflictError
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
    from commercekit.adapters.memory._unit_of_work import InMemoryUnitOfWork

__all__ = ["InMemoryOrderNumberSequence", "InMemoryOrderRepository"]

_ORDERS = "orders.orders"
_TOKENS = "orders.checkout_tokens"
_NUMBERS = "orders.numbers"
_SEQUENCE = "orders.sequence"


class InMemoryOrderRepository(OrderRepository):
    """Orders in an :class:`~commercekit.adapters.memory.InMemoryStore`.

    Three tables: the orders by id, and the ids by checkout token and by
    order number (each names one order). The queries read every order:
    fine for tests and demos, which is what this store is for.

    Args:
        uow: The unit of work whose staged tables hold the rows.
    """

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _stored(self, code: str) -> Order:
        order = self._uow.read(_ORDERS, code)
        if not isinstance(order, Order):
            raise NotFoundError(kind="order", key=code)
        return order

    def _write(self, order: Order) -> None:
        self._uow.write(_ORDERS, order.order_id, order)
        self._uow.track(order)

    def add(self, order: Order) -> None:
        """Store a new order at version 1."""
        _check_order(order)
        if self._uow.read(_ORDERS, order.order_id) is not None:
            raise DuplicateError(kind="order", key=order.order_id)
        if self._uow.read(_TOKENS, order.checkout_token) is not None:
            raise DuplicateError(kind="checkout token", key=order.checkout_token)
        if self._uow.read(_NUMBERS, order.number) is not None:
            raise DuplicateError(kind="order number", key=order.number)
        order.version = 1
        self._uow.write(_TOKENS, order.checkout_token, order.order_id)
        self._uow.write(_NUMBERS, order.number, order.order_id)
        self._write(order)

    def get(self, order_id_: str) -> Order:
        """A copy of the order with this id."""
        order = self._stored(order_id(order_id_))
        self._uow.track(order)
        return order

    def save(self, order: Order) -> None:
        """Store a changed order, if nobody saved it since it was loaded."""
        stored = self._stored(_check_order(order).order_id)
        if stored.version != order.version:
            raise VersionConflictError(
                kind="order",
                key=order.order_id,
                expected_version=order.version,
                actual_version=stored.version,
            )
        order.version += 1
        self._write(order)

    def by_checkout_token(self, token: str) -> Order | None:
        """The order a checkout token placed, or ``None``."""
        owner = self._uow.read(_TOKENS, identifier(token, field="checkout_token"))
        return None if owner is None else self.get(owner)

    def by_number(self, number: str) -> Order:
        """The order with this order number."""
        owner = self._uow.read(_NUMBERS, identifier(number, field="number"))
        if owner is None:
            raise NotFoundError(kind="order", key=number)
        return self.get(owner)

    def placed_from_cart(self, cart_id: str) -> Order | None:
        """The cart's order still placed (awaiting its payment), or ``None``."""
        code = identifier(cart_id, field="cart_id")
        found = sorted(
            (
                order
                for _, order in self._uow.rows(_ORDERS)
                if order.cart_id == code and order.status == OrderStatus.PLACED
            ),
            key=_newest_first,
            reverse=True,
        )
        if not found:
            return None
        newest: Order = found[0]
        self._uow.track(newest)
        return newest

    def _page(
        self, keep: Callable[[Order], bool], limit: int, offset: int
    ) -> OrderPage:
        size, skip = _check_page(limit, offset)
        found = sorted(
            (order for _, order in self._uow.rows(_ORDERS) if keep(order)),
            key=_newest_first,
            reverse=True,
        )
        return OrderPage(
            orders=tuple(found[skip : skip + size]),
            total=len(found),
            offset=skip,
            limit=size,
        )

    def for_customer(
        self, customer_id: str, *, limit: int = 20, offset: int = 0
    ) -> OrderPage:
        """A customer's orders, newest first."""
        customer = _check_customer_id(customer_id)
        return self._page(lambda order: order.customer_id == customer, limit, offset)

    def with_status(
        self, status: str, *, limit: int = 20, offset: int = 0
    ) -> OrderPage:
        """The orders in a lifecycle status, newest first."""
        wanted = order_status(status)
        return self._page(lambda order: order.status == wanted, limit, offset)

    def placed_between(
        self, start: datetime, end: datetime, *, limit: int = 20, offset: int = 0
    ) -> OrderPage:
        """The orders placed from ``start`` (included) to ``end`` (excluded)."""
        first, last = _check_span(start, end)
        return self._page(lambda order: first <= order.placed_at < last, limit, offset)

    def count_for_customer(self, customer_id: str) -> int:
        """How many orders the customer has that were not canceled."""
        customer = _check_customer_id(customer_id)
        return sum(
            1
            for _, order in self._uow.rows(_ORDERS)
            if order.customer_id == customer and order.status != OrderStatus.CANCELED
        )

    def awaiting_payment(self, at: datetime, *, limit: int | None = None) -> list[str]:
        """Ids of placed orders whose payment deadline passed by ``at``."""
        at = as_utc(at, field="at")
        if limit is not None:
            positive_int(limit, field="limit")
        due = sorted(
            (order.payment_due_by, order.order_id)
            for _, order in self._uow.rows(_ORDERS)
            if order.status == OrderStatus.PLACED
            and order.payment_due_by is not None
            and order.payment_due_by <= at
        )
        return [code for _, code in due][:limit]


class InMemoryOrderNumberSequence(OrderNumberSequence):
    """Order numbers from a counter in the store, taken in the transaction.

    Args:
        uow: The unit of work whose staged tables hold the counter.
    """

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def next_number(self) -> int:
        """The next order number: 1, 2, 3, ..."""
        last = self._uow.read(_SEQUENCE, "orders") or 0
        self._uow.write(_SEQUENCE, "orders", last + 1)
        return int(last) + 1
