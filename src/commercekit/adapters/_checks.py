"""Input checks the adapter families share, so each refuses the same input."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from commercekit.cart import CartSettings
from commercekit.errors import DuplicateError, ValidationError
from commercekit.inventory import MovementKind, Reservation, StockMovement
from commercekit.money import Money, minor_units
from commercekit.orders import Order
from commercekit.payments import GatewayResult, IdempotencyRecord, Payment
from commercekit.promotions import Promotion
from commercekit.values import as_utc, identifier, positive_int

__all__: list[str] = []

_T = TypeVar("_T")


def _check_promotion(value: object) -> Promotion:
    if not isinstance(value, Promotion):
        msg = f"promotion must be a Promotion, not {value!r}"
        raise ValidationError(msg, field="promotion")
    return value


def _check_expected_version(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"expected_version must be a whole number from 1, not {value!r}"
        raise ValidationError(msg, field="expected_version")
    return value


def _whole_minor_units(value: object) -> tuple[Money, int]:
    """``value`` and its count of minor units, if it is a whole number of them."""
    if not isinstance(value, Money):
        msg = f"amount must be Money, such as money('5.00', 'EUR'), not {value!r}"
        raise ValidationError(msg, field="amount")
    units = value.amount.scaleb(minor_units(value.currency))
    if units != units.to_integral_value():
        msg = (
            f"amount must be whole minor units of {value.currency.code}, "
            f"not {value.amount}"
        )
        raise ValidationError(msg, field="amount")
    return value, int(units)


def _check_delta(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value == 0:
        msg = f"delta must be a non-zero int, not {value!r}"
        raise ValidationError(msg, field="delta")
    return value


def _check_reason(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        msg = f"an adjustment needs a reason: non-empty text, not {value!r}"
        raise ValidationError(msg, field="reason")
    return value


def _same_reservation(stored: Reservation, wanted: Reservation) -> Reservation:
    """The stored reservation, if ``wanted`` asks for the same one."""
    if (stored.sku, stored.location, stored.quantity, stored.reference) != (
        wanted.sku,
        wanted.location,
        wanted.quantity,
        wanted.reference,
    ):
        raise DuplicateError(kind="stock reservation", key=wanted.reservation_id)
    return stored


def _reservation_movement(
    reservation: Reservation, kind: MovementKind, at: datetime, reason: str = ""
) -> StockMovement:
    """The ledger entry of a reservation's ``kind`` of change."""
    return StockMovement(
        sku=reservation.sku,
        location=reservation.location,
        kind=kind,
        quantity=reservation.quantity,
        reference=reservation.reservation_id,
        reason=reason,
        at=at,
    )


def _check_customer_id(value: object) -> str:
    """A customer id is non-empty text, as on a cart or a wishlist."""
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        msg = f"customer_id must be non-empty text, not {value!r}"
        raise ValidationError(msg, field="customer_id")
    return value


def _check_a(value: object, cls: type[_T], field: str) -> _T:
    """``value``, if it is a ``cls``."""
    if not isinstance(value, cls):
        msg = f"{field} must be a {cls.__name__}, not {value!r}"
        raise ValidationError(msg, field=field)
    return value


def _cutoff(at: datetime, settings: CartSettings, limit: int | None) -> datetime | None:
    """The last ``updated_at`` expired at ``at``; ``None`` if none can be.

    An ``at`` within ``expires_after`` of the first instant there is has no
    cutoff: no cart can have expired by then.
    """
    at = as_utc(at, field="at")
    _check_a(settings, CartSettings, "settings")
    if limit is not None:
        positive_int(limit, field="limit")
    try:
        return at - settings.expires_after
    except OverflowError:
        return None


def _check_payment(value: object) -> Payment:
    """``value``, if it is a :class:`~commercekit.payments.Payment`."""
    return _check_a(value, Payment, "payment")


def _check_record(value: object) -> IdempotencyRecord:
    """``value``, if it is an idempotency record."""
    return _check_a(value, IdempotencyRecord, "record")


def _check_result(value: object) -> GatewayResult:
    """``value``, if it is a gateway's result."""
    return _check_a(value, GatewayResult, "result")


def _check_reference(value: object) -> str:
    """A provider's reference of a payment: an identifier."""
    return identifier(value, field="reference")


def _check_order_id(value: object) -> str:
    """The order a payment pays: an identifier, as on the payment."""
    return identifier(value, field="order_id")


def _check_key(value: object) -> str:
    """An idempotency key: an identifier, as on the record."""
    return identifier(value, field="key")


def _check_notification(event_id: object, at: object) -> tuple[str, datetime]:
    """A provider's event id and when it was received (UTC)."""
    return identifier(event_id, field="event_id"), as_utc(at, field="at")  # type: ignore[arg-type]


def _check_order(value: object) -> Order:
    if not isinstance(value, Order):
        msg = f"order must be an Order, not {value!r}"
        raise ValidationError(msg, field="order")
    return value


def _check_page(limit: object, offset: object) -> tuple[int, int]:
    """A page's size (1 or more) and offset (0 or more), checked."""
    size = positive_int(limit, field="limit")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        msg = f"offset must be a whole number, 0 or more, not {offset!r}"
        raise ValidationError(msg, field="offset")
    return size, offset


def _check_span(start: object, end: object) -> tuple[datetime, datetime]:
    """A query's instants, UTC-aware, ``start`` not after ``end``."""
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime):
            msg = f"{name} must be a datetime, not {value!r}"
            raise ValidationError(msg, field=name)
    first = as_utc(start, field="start")  # type: ignore[arg-type]
    last = as_utc(end, field="end")  # type: ignore[arg-type]
    if first > last:
        msg = f"start {first.isoformat()} comes after end {last.isoformat()}"
        raise ValidationError(msg, field="start")
    return first, last


def _newest_first(order: Order) -> tuple[datetime, str]:
    return order.placed_at, order.order_id
