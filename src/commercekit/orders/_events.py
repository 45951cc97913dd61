"""The orders context's domain events: past tense, ids, amounts and counts only."""

from __future__ import annotations

from datetime import datetime

import attrs

from commercekit.money import Money
from commercekit.ports import DomainEvent
from commercekit.values import FrozenMap

__all__ = [
    "OrderCanceled",
    "OrderConfirmed",
    "OrderLinesCanceled",
    "OrderLinesShipped",
    "OrderPlaced",
    "OrderStatusChanged",
]


@attrs.frozen(kw_only=True)
class OrderPlaced(DomainEvent):
    """An order was stored from a cart: its stock is held, its coupons used.

    ``customer_id`` is ``None`` for a guest (whose e-mail the order holds:
    events carry no personal data).
    """

    order_id: str
    number: str
    cart_id: str
    customer_id: str | None
    total: Money
    payment_method: str
    at: datetime


@attrs.frozen(kw_only=True)
class OrderStatusChanged(DomainEvent):
    """The order's lifecycle moved (every move, also an extension's)."""

    order_id: str
    source: str
    target: str
    event: str
    actor: str
    at: datetime
    reason: str | None = None


@attrs.frozen(kw_only=True)
class OrderConfirmed(DomainEvent):
    """The order is paid, or paid by a method that ships first: it may ship."""

    order_id: str
    number: str
    at: datetime


@attrs.frozen(kw_only=True)
class OrderCanceled(DomainEvent):
    """The order was canceled.

    ``reason`` is a :class:`~commercekit.orders.CancelReason` value, or the
    caller's own.
    """

    order_id: str
    number: str
    reason: str
    at: datetime


@attrs.frozen(kw_only=True)
class OrderLinesCanceled(DomainEvent):
    """Units of some lines were canceled; ``total`` is the order's amount due now."""

    order_id: str
    units: FrozenMap[str, int]
    total: Money
    reason: str
    at: datetime


@attrs.frozen(kw_only=True)
class OrderLinesShipped(DomainEvent):
    """Units of some lines were shipped (line key to units)."""

    order_id: str
    units: FrozenMap[str, int]
    at: datetime
