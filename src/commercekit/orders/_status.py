"""The order's statuses and the audit record of its transitions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Final

import attrs

from commercekit.errors import ValidationError
from commercekit.payments import PaymentStatus
from commercekit.values import as_utc, identifier

__all__ = [
    "CancelReason",
    "FulfillmentStatus",
    "OrderStatus",
    "OrderTransition",
    "order_status",
]


_PAID: Final = frozenset(
    {
        PaymentStatus.AUTHORIZED,
        PaymentStatus.PARTIALLY_CAPTURED,
        PaymentStatus.CAPTURED,
        PaymentStatus.PARTIALLY_REFUNDED,
    }
)
"""The payment statuses that say the money is held (or was taken, and not all
of it given back): an order with such a payment is paid, and may ship."""


class OrderStatus(enum.StrEnum):
    """Where an order stands in :class:`~commercekit.orders.OrderLifecycle`.

    An application that extends the lifecycle
    (:func:`~commercekit.orders.extend_lifecycle`) adds statuses of its
    own; an order in one of them holds it as plain text.
    """

    PLACED = "placed"
    """Stored, stock held; awaiting payment (or the customer's action)."""
    CONFIRMED = "confirmed"
    """Paid (authorized), or paid by a method that ships first (invoice)."""
    IN_FULFILLMENT = "in_fulfillment"
    """The warehouse is picking and packing it."""
    PARTIALLY_SHIPPED = "partially_shipped"
    """Some units are on their way, others still to ship."""
    SHIPPED = "shipped"
    """Every unit that counts is on its way."""
    DELIVERED = "delivered"
    """The carrier delivered it."""
    COMPLETED = "completed"
    """Closed: nothing more happens to it but returns."""
    CANCELED = "canceled"
    """Canceled before anything shipped; see its cancel reason."""


def order_status(value: object) -> str:
    """Read a stored status: an :class:`OrderStatus`, or an extension's text.

    Raises:
        ValidationError: for a status that is not an identifier.
    """
    if isinstance(value, OrderStatus):
        return value
    text = identifier(value, field="status")
    try:
        return OrderStatus(text)
    except ValueError:
        return text


class FulfillmentStatus(enum.StrEnum):
    """How far an order's units have gone, read from its lines."""

    UNFULFILLED = "unfulfilled"
    """Nothing shipped yet."""
    PARTIALLY_SHIPPED = "partially_shipped"
    """Some active units shipped, some not."""
    SHIPPED = "shipped"
    """Every active unit shipped."""
    DELIVERED = "delivered"
    """Delivered (the order's status says so)."""
    NOTHING_TO_SHIP = "nothing_to_ship"
    """Every unit was canceled."""


class CancelReason(enum.StrEnum):
    """Why an order, or some of its units, was canceled."""

    CUSTOMER = "customer"
    """The customer asked."""
    MERCHANT = "merchant"
    """The merchant decided (out of stock, suspected fraud)."""
    PAYMENT_DECLINED = "payment_declined"
    """The payment provider declined the payment at checkout."""
    PAYMENT_EXPIRED = "payment_expired"
    """The order waited for its payment past its deadline."""
    PAYMENT_LOST = "payment_lost"
    """The payment never reached the provider (a crash at checkout)."""


def _event(value: object) -> str:
    return identifier(value, field="event")


def _actor(value: object) -> str:
    return identifier(value, field="actor")


def _at(value: object) -> datetime:
    if not isinstance(value, datetime):
        msg = f"at must be a datetime, not {value!r}"
        raise ValidationError(msg, field="at")
    return as_utc(value, field="at")


def _reason(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        msg = f"reason must be non-empty text or None, not {value!r}"
        raise ValidationError(msg, field="reason")
    return value.strip()


@attrs.frozen(kw_only=True)
class OrderTransition:
    """One entry of an order's audit history: a move of its lifecycle.

    Args:
        source: The status before.
        target: The status after (the same for a move that stays).
        event: The lifecycle event, such as ``"confirm"``.
        actor: Who or what moved it: ``"customer"``, ``"system"``, a
            staff member's id.
        at: When, in UTC.
        reason: Why, if said (a cancel reason, a note).
    """

    source: str = attrs.field(converter=order_status)
    target: str = attrs.field(converter=order_status)
    event: str = attrs.field(converter=_event)
    actor: str = attrs.field(converter=_actor)
    at: datetime = attrs.field(converter=_at)
    reason: str | None = attrs.field(default=None, converter=_reason)
