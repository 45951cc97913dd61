"""The order use cases after placement: cancel, ship, move, expire, recover.

Each changes the order and what it holds (stock, coupons, an offline
payment) in one unit of work and commits; a payment that moves at the
provider (a void, a refund) is asked for afterwards, outside any
transaction, with an idempotency key derived from the order, by
:func:`settle_payment`, which any of them may be retried through.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TypeVar

from commercekit.errors import VersionConflictError
from commercekit.inventory import commit_stock_in
from commercekit.money import zero
from commercekit.orders._model import Order
from commercekit.orders._payment import (
    _RETRIES,
    _give_back,
    _now_of,
    _payment_key,
    _sku_units,
    follow_payment,
)
from commercekit.orders._ports import OrdersUnitOfWork
from commercekit.orders._settings import OrderSettings
from commercekit.orders._status import CancelReason, OrderStatus
from commercekit.payments import (
    Payment,
    PaymentGateway,
    PaymentMethodKind,
    PaymentStatus,
    cancel_prepayment,
    refresh_payment,
    refund_payment,
    void_payment,
)
from commercekit.ports import Clock, IdFactory
from commercekit.values import identifier

__all__ = [
    "advance_order",
    "cancel_order",
    "cancel_order_lines",
    "expire_unpaid_orders",
    "recover_placements",
    "settle_payment",
    "ship_order",
]

_T = TypeVar("_T")
_PAID = frozenset(
    {PaymentStatus.AUTHORIZED, PaymentStatus.PARTIALLY_CAPTURED, PaymentStatus.CAPTURED}
)


def _retrying(step: Callable[[], _T]) -> _T:
    """Run ``step`` again after a version conflict (it reloads), a few times."""
    for attempt in range(_RETRIES):
        try:
            return step()
        except VersionConflictError:
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError  # pragma: no cover - the loop returns or raises


def _kind(order: Order, settings: OrderSettings) -> PaymentMethodKind:
    if order.payment_method in settings.payment_methods:
        return settings.payment_methods.get(order.payment_method).kind
    return PaymentMethodKind.GATEWAY


def _settle_locally(
    order: Order, uow: OrdersUnitOfWork, settings: OrderSettings, at: datetime
) -> None:
    """End an offline payment of a canceled order in the same transaction."""
    if order.status != OrderStatus.CANCELED or order.payment_id is None:
        return
    kind = _kind(order, settings)
    payment = uow.payments.get(order.payment_id)
    if kind is PaymentMethodKind.PREPAYMENT and payment.status in {
        PaymentStatus.PENDING,
        PaymentStatus.REQUIRES_ACTION,
    }:
        cancel_prepayment(payment, at=at)
    elif (
        kind is not PaymentMethodKind.GATEWAY
        and payment.status is PaymentStatus.AUTHORIZED
    ):
        payment.void(at=at)
    elif kind is PaymentMethodKind.GATEWAY and payment.status in {
        PaymentStatus.PENDING,
        PaymentStatus.REQUIRES_ACTION,
    }:
        payment.fail(
            at=at,
            decline_code="order_canceled",
            message="The order was canceled before the payment completed.",
        )
    else:
        return
    uow.payments.save(payment)
    order.record_payment(payment.payment_id, payment.status)


def _change(
    order_id: str,
    change: Callable[[Order, datetime], Mapping[str, int]],
    *,
    uow: OrdersUnitOfWork,
    clock: Clock,
    ids: IdFactory | None,
    settings: OrderSettings,
) -> Order:
    def step() -> Order:
        at = _now_of(clock)
        with uow:
            order = uow.orders.get(order_id)
            canceled = change(order, at)
            _give_back(uow, order, canceled, at=at, ids=ids)
            _settle_locally(order, uow, settings, at)
            uow.orders.save(order)
            uow.commit()
        return order

    return _retrying(step)


def cancel_order(
    order_id: str,
    *,
    reason: str = CancelReason.CUSTOMER,
    uow: OrdersUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
    settings: OrderSettings,
    ids: IdFactory | None = None,
    actor: str = "system",
) -> Order:
    """Cancel a whole order before it ships (after a partial shipment: the rest).

    In one unit of work: the order is canceled, its stock released, its
    coupons given back (only when the whole order goes), an offline
    payment ended (an invoice voided, a prepayment given up). Then
    :func:`settle_payment` voids or refunds a provider's payment as its
    state requires. Canceling an order canceled already only settles its
    payment again: retry it after a provider's timeout.

    Raises:
        OrderRuleError: ``shipped_orders_are_returned`` once it shipped.
        InvalidTransitionError: for a completed order.
        GatewayUnavailableError: if the provider did not answer the void or
            refund: the order is canceled; call again.
        NotFoundError: for an unknown order.
    """
    reason = identifier(reason, field="reason")

    def change(order: Order, at: datetime) -> Mapping[str, int]:
        if order.status == OrderStatus.CANCELED:
            return {}
        return order.cancel(
            at=at, reason=reason, actor=actor, lifecycle=settings.lifecycle
        )

    order = _change(order_id, change, uow=uow, clock=clock, ids=ids, settings=settings)
    settle_payment(
        order.order_id, uow=uow, gateway=gateway, clock=clock, settings=settings
    )
    return _reload(order.order_id, uow)


def cancel_order_lines(
    order_id: str,
    units: Mapping[str, int],
    *,
    reason: str = CancelReason.CUSTOMER,
    uow: OrdersUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
    ids: IdFactory,
    settings: OrderSettings,
    actor: str = "system",
) -> Order:
    """Cancel some units of some lines (line key to units) before they ship.

    The units' stock is released (a reservation holding more is split);
    the order's totals are its active units' (each canceled unit takes its
    share of the line's discounts and VAT; promotions are not run again).
    Canceling every open unit cancels the order (and gives its coupons
    back). Then :func:`settle_payment` refunds what was captured above the
    new total; an authorization stays, and a later capture takes at most
    the new total.

    Raises:
        OrderRuleError: ``nothing_to_cancel``, ``shipped_orders_are_returned``.
        InvalidTransitionError: for a canceled or completed order.
        ValidationError: for an unknown line or bad units.
        NotFoundError: for an unknown order.
    """
    reason = identifier(reason, field="reason")
    wanted = dict(units)

    def change(order: Order, at: datetime) -> Mapping[str, int]:
        order.cancel_lines(
            wanted, at=at, reason=reason, actor=actor, lifecycle=settings.lifecycle
        )
        return wanted

    order = _change(order_id, change, uow=uow, clock=clock, ids=ids, settings=settings)
    settle_payment(
        order.order_id, uow=uow, gateway=gateway, clock=clock, settings=settings
    )
    return _reload(order.order_id, uow)


def _reload(order_id: str, uow: OrdersUnitOfWork) -> Order:
    with uow:
        return uow.orders.get(order_id)


def settle_payment(
    order_id: str,
    *,
    uow: OrdersUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
    settings: OrderSettings,
) -> Payment | None:
    """Bring a provider's payment in line with what the order still costs.

    * A canceled order whose payment is authorized: the authorization is
      voided.
    * An order whose payment captured more than its amount due now (after
      a cancel): the difference is refunded. The key is derived from the
      order and that amount, so a retry refunds once.
    * Anything else: nothing moves (an authorization is captured later, at
      most the amount due).

    The provider is asked outside any transaction; the order's mirror of
    the payment status is updated after. Offline payments are settled by
    the cancel itself.

    Returns:
        The payment after it, or ``None`` for an order without one.

    Raises:
        GatewayUnavailableError: if the provider did not answer; call again.
        PaymentError: if the provider refused.
    """
    with uow:
        order = uow.orders.get(order_id)
        if order.payment_id is None:
            return None
        payment = uow.payments.get(order.payment_id)
    if _kind(order, settings) is not PaymentMethodKind.GATEWAY:
        return payment
    held = payment.captured - payment.refunded
    owed = order.amount_due
    if (
        order.status == OrderStatus.CANCELED
        and payment.status is PaymentStatus.AUTHORIZED
    ):
        payment = void_payment(
            payment.payment_id,
            idempotency_key=_payment_key(order.order_id, "void"),
            uow=uow,
            gateway=gateway,
            clock=clock,
        )
    elif held > owed and held > zero(order.currency):
        back = held - owed
        payment = refund_payment(
            payment.payment_id,
            back,
            idempotency_key=_payment_key(order.order_id, "refund-to", owed.amount),
            uow=uow,
            gateway=gateway,
            clock=clock,
            reason="order canceled",
        )
    else:
        return payment
    _record(order.order_id, payment, uow=uow)
    return payment


def _record(order_id: str, payment: Payment, *, uow: OrdersUnitOfWork) -> None:
    def step() -> None:
        with uow:
            order = uow.orders.get(order_id)
            if order.payment_status is payment.status:
                return
            order.record_payment(payment.payment_id, payment.status)
            uow.orders.save(order)
            uow.commit()

    _retrying(step)


def ship_order(
    order_id: str,
    units: Mapping[str, int],
    *,
    uow: OrdersUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    settings: OrderSettings,
    actor: str = "system",
) -> Order:
    """Record that units of an order shipped, and take their stock off.

    In one unit of work: the lines count the units shipped (line key to
    units), the order moves to ``partially_shipped`` or ``shipped``, and
    the units' reservations are committed (a reservation holding more is
    split). Capturing the payment is the caller's (or the fulfillment
    context's) next step.

    Raises:
        OrderRuleError: ``payment_required``, ``nothing_to_ship``.
        InvalidTransitionError: before confirmation, or once shipped.
        NotFoundError: for an unknown order.
    """
    wanted = dict(units)

    def step() -> Order:
        at = _now_of(clock)
        with uow:
            order = uow.orders.get(order_id)
            order.ship(wanted, at=at, actor=actor, lifecycle=settings.lifecycle)
            stock = _sku_units(order, wanted)
            if stock:
                commit_stock_in(
                    uow, reference=order.order_id, at=at, units=stock, ids=ids
                )
            uow.orders.save(order)
            uow.commit()
        return order

    return _retrying(step)


def advance_order(
    order_id: str,
    event: str,
    *,
    uow: OrdersUnitOfWork,
    clock: Clock,
    settings: OrderSettings,
    actor: str = "system",
    reason: str | None = None,
) -> Order:
    """Send a lifecycle event that moves only the status, and store the order.

    For ``start_fulfillment``, ``deliver``, ``complete`` and an extended
    lifecycle's own events (``approve``). ``confirm``, ``ship`` and
    ``cancel`` have their own functions, which also move payments, lines
    and stock.

    Raises:
        InvalidTransitionError: if the lifecycle has no move for it now.
        OrderRuleError: if a rule refuses it.
        ValidationError: for ``confirm``, ``ship`` or ``cancel``.
        NotFoundError: for an unknown order.
    """
    event = identifier(event, field="event")
    if event in {"ship", "cancel"}:
        from commercekit.errors import ValidationError  # noqa: PLC0415

        msg = f"use {'ship_order' if event == 'ship' else 'cancel_order'} for {event!r}"
        raise ValidationError(msg, field="event")

    def step() -> Order:
        at = _now_of(clock)
        with uow:
            order = uow.orders.get(order_id)
            if event == "confirm":
                order.confirm(at=at, actor=actor, lifecycle=settings.lifecycle)
            else:
                order.fire(
                    event,
                    at=at,
                    actor=actor,
                    reason=reason,
                    lifecycle=settings.lifecycle,
                )
            uow.orders.save(order)
            uow.commit()
        return order

    return _retrying(step)


def expire_unpaid_orders(
    *,
    uow: OrdersUnitOfWork,
    clock: Clock,
    settings: OrderSettings,
    limit: int | None = None,
) -> list[str]:
    """Cancel the placed orders whose payment deadline passed: the periodic sweep.

    Each in its own unit of work: canceled with ``payment_expired``, stock
    released, coupons given back, the waiting payment ended (a prepayment
    given up, a provider's payment failed locally: the customer never
    finished it). Records :class:`~commercekit.orders.OrderCanceled`. An
    order paid meanwhile is left alone.

    Returns:
        The ids of the orders canceled, by deadline.
    """
    now = _now_of(clock)
    with uow:
        due = uow.orders.awaiting_payment(now, limit=limit)
    expired: list[str] = []
    for order_id in due:

        def change(order: Order, at: datetime) -> Mapping[str, int]:
            if order.status != OrderStatus.PLACED or (
                order.payment_id is not None
                and uow.payments.get(order.payment_id).status in _PAID
            ):
                return {}  # paid meanwhile: recover_placements confirms it
            expired.append(order.order_id)
            return order.cancel(
                at=at,
                reason=CancelReason.PAYMENT_EXPIRED,
                actor="system",
                lifecycle=settings.lifecycle,
            )

        _change(order_id, change, uow=uow, clock=clock, ids=None, settings=settings)
    return expired


def recover_placements(
    *,
    uow: OrdersUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
    settings: OrderSettings,
    limit: int = 100,
) -> list[str]:
    """Finish placements that stopped between their steps: the recovery sweep.

    For each order still placed for longer than ``settings.recovery_grace``
    (at most ``limit`` of them): a provider's payment still waiting is
    refreshed (:func:`~commercekit.payments.refresh_payment`: the provider
    is asked by reference or by the payment's id), and the order follows its
    payment: confirmed, canceled (declined, or ``payment_lost`` when the
    provider never got it: stock and coupons go back), or left waiting.

    Returns:
        The ids of the orders that moved.
    """
    now = _now_of(clock)
    cutoff = now - settings.recovery_grace
    waiting: list[Order] = []
    with uow:
        offset = 0
        while True:
            page = uow.orders.with_status(OrderStatus.PLACED, limit=100, offset=offset)
            waiting.extend(order for order in page.orders if order.placed_at <= cutoff)
            if not page.has_more:
                break
            offset += len(page.orders)
    waiting.sort(key=lambda order: order.placed_at)
    moved: list[str] = []
    for order in waiting[:limit]:
        if order.payment_id is None:
            continue
        if _kind(order, settings) is PaymentMethodKind.GATEWAY:
            refresh_payment(order.payment_id, uow=uow, gateway=gateway, clock=clock)
        after, _ = follow_payment(
            order.order_id, uow=uow, clock=clock, settings=settings
        )
        if after.status != OrderStatus.PLACED:
            moved.append(order.order_id)
    return moved
