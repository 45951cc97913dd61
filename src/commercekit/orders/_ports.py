"""The ports the orders context needs: its repository, its numbers, its unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import attrs

from commercekit.cart import CartUnitOfWork
from commercekit.orders._model import Order
from commercekit.payments import PaymentsUnitOfWork

__all__ = [
    "OrderNumberSequence",
    "OrderPage",
    "OrderRepository",
    "OrdersUnitOfWork",
]


@attrs.frozen(kw_only=True)
class OrderPage:
    """One page of a query's orders, newest first, and how many there are.

    Args:
        orders: The orders on this page (placed last first, then by id).
        total: How many orders the query finds in all.
        offset: How many came before this page.
        limit: The page size asked for.
    """

    orders: tuple[Order, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        """Whether a later page has orders."""
        return self.offset + len(self.orders) < self.total


class OrderRepository(Protocol):
    """Stores orders and finds them for the queries a shop needs.

    Contract (checked by ``commercekit.testing.contracts.OrderRepositoryContract``):

    * :meth:`add` stores a new order at version 1 and sets ``order.version``;
      an order id, or a checkout token, that is stored already raises
      :class:`~commercekit.errors.DuplicateError` (``kind="order"`` or
      ``kind="checkout token"``): two checkouts with one token make one
      order, even when they race.
    * :meth:`get` returns a copy tracked by the unit of work (its events are
      collected at commit); an unknown id raises
      :class:`~commercekit.errors.NotFoundError`.
    * :meth:`save` stores a changed order if its stored version is still
      ``order.version``, and raises the version by one; else
      :class:`~commercekit.errors.VersionConflictError` and nothing is
      stored: of two processes that loaded one order, the second to save
      must reload and retry; no update is lost.
    * Queries return copies, newest first (``placed_at`` descending, then
      ``order_id`` descending), in pages of ``limit`` (1 or more) after
      ``offset`` (0 or more). Bad arguments raise
      :class:`~commercekit.errors.ValidationError`.
    * Nothing is visible to other units of work before the commit.
    """

    def add(self, order: Order) -> None:
        """Store a new order.

        Raises:
            DuplicateError: for an id or checkout token stored already.
        """
        ...

    def get(self, order_id: str) -> Order:
        """The order with this id.

        Raises:
            NotFoundError: if there is none.
        """
        ...

    def save(self, order: Order) -> None:
        """Store a changed order, if nobody saved it since it was loaded.

        Raises:
            VersionConflictError: if someone did.
            NotFoundError: for an order never added.
        """
        ...

    def by_checkout_token(self, token: str) -> Order | None:
        """The order a checkout token placed, or ``None``."""
        ...

    def placed_from_cart(self, cart_id: str) -> Order | None:
        """The cart's order that is still placed (awaiting its payment), or ``None``.

        The newest, if there were several. Tracked like :meth:`get`.
        """
        ...

    def by_number(self, number: str) -> Order:
        """The order with this order number.

        Raises:
            NotFoundError: if there is none.
        """
        ...

    def for_customer(
        self, customer_id: str, *, limit: int = 20, offset: int = 0
    ) -> OrderPage:
        """A customer's orders, newest first."""
        ...

    def with_status(
        self, status: str, *, limit: int = 20, offset: int = 0
    ) -> OrderPage:
        """The orders in a lifecycle status, newest first."""
        ...

    def placed_between(
        self, start: datetime, end: datetime, *, limit: int = 20, offset: int = 0
    ) -> OrderPage:
        """The orders placed from ``start`` (included) to ``end`` (excluded)."""
        ...

    def count_for_customer(self, customer_id: str) -> int:
        """How many orders the customer has that were not canceled."""
        ...

    def awaiting_payment(self, at: datetime, *, limit: int | None = None) -> list[str]:
        """Ids of placed orders whose payment deadline passed by ``at``.

        The earliest deadline first.
        """
        ...


class OrderNumberSequence(Protocol):
    """Hands out order numbers: 1, 2, 3, ... in the unit of work's transaction.

    Contract: every call returns a number greater than every number returned
    by a committed unit of work before; two units of work never get the
    same number. Numbers of a rolled-back unit of work may be given again
    (order numbers may have gaps, unlike invoice numbers).
    """

    def next_number(self) -> int:
        """The next order number."""
        ...


class OrdersUnitOfWork(CartUnitOfWork, PaymentsUnitOfWork, Protocol):
    """A unit of work with every store checkout touches.

    Beside the cart's (catalog, prices, promotions, coupons, stock, carts)
    and the payments', it has ``orders`` and ``order_numbers``.
    """

    orders: OrderRepository
    order_numbers: OrderNumberSequence
