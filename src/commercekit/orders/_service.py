"""The order use cases after placement: cancel, ship, move, expire, recover.

Each changes the order and what it holds (stock, coupons, an offline
payment) in one unit of work and commits; a payment that moves at the
provider (a void, a refund) is asked for afterwards, outside any
transaction, with an idempotency key derived from the order, by
:func:`settle_payment`, which any of them may be retried through.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TypeVar

from commercekit.errors import CommerceError, VersionConflictError
from commercekit.inventory import commit_stock_in
from commercekit.orders._model import Order
from commercekit.orders._payment import (
    _RETRIES,
    _give_back,
    _now_of,
    _sku_units,
)
from commercekit.orders._ports import OrdersUnitOfWork
from commercekit.orders._settings import OrderSettings
from commercekit.orders._settle import (
    _settle_locally,
    follow_payment,
    settle_payment,
)
from commercekit.orders._status import CancelReason, OrderStatus
from commercekit.payments import (
    PaymentGateway,
    PaymentMethodKind,
    PaymentStatus,
    refresh_payment,
)
from commercekit.ports import Clock, IdFactory
from commercekit.values import identifier

__all__ = [
    "advance_order",
    "cancel_order",
    "cancel_order_lines",
    "expire_unpaid_orders",
    "recover_placements",
    "ship_order",
]

_T = TypeVar("_T")
logger = logging.getLogger("commercekit.orders")


def _retrying(step: Callable[[], _T]) -> _T:
    """Run ``step`` again after a version conflict (it reloads), a few times."""
    for attempt in range(_RETRIES):
        try:
            return step()
        except VersionConflictError:
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError  # pragma: no cover - the loop returns or raises


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
            before = order.status
            canceled = change(order, at)
            if not canceled and order.status == before:
                return order  # nothing to cancel: a repeat, or paid meanwhile
            _give_back(uow, order, canceled, at=at, ids=ids)
            _settle_locally(order, uow, at)
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
    new amount due; an authorization stays, and :func:`capture_order` takes
    at most the new amount due.

    The units are canceled even when the provider does not answer the
    refund: :class:`~commercekit.payments.GatewayUnavailableError` says so.
    Finish with :func:`settle_payment` then, not by canceling again (that
    would cancel more units).

    Raises:
        OrderRuleError: ``nothing_to_cancel``, ``shipped_orders_are_returned``.
        GatewayUnavailableError: if the provider did not answer the refund.
        PaymentError: if the provider refused the refund (the units are
            canceled; the refund is noted on the order).
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
    gateway: PaymentGateway,
    clock: Clock,
    settings: OrderSettings,
    limit: int | None = None,
) -> list[str]:
    """Cancel the placed orders whose payment deadline passed: the periodic sweep.

    For each, the provider is asked first what became of a provider's
    payment (:func:`~commercekit.payments.refresh_payment`): one the
    customer finished after all (its webhook lost) confirms the order
    instead. Otherwise, in one unit of work, the order is canceled with
    ``payment_expired``, its stock released, coupons and promotion budgets
    given back, an offline payment ended (a prepayment given up; money that
    came in toward it noted as an offline refund); then
    :func:`settle_payment` gives back what the provider holds for it. Records
    :class:`~commercekit.orders.OrderCanceled`. An order whose provider does
    not answer stays placed and is tried again by the next sweep; errors
    of one order are logged on ``commercekit.orders`` and do not stop the
    others.

    Returns:
        The ids of the orders canceled, by deadline.
    """
    now = _now_of(clock)
    with uow:
        due = uow.orders.awaiting_payment(now, limit=limit)
    expired: list[str] = []
    for order_id in due:
        try:
            if _expire(
                order_id, uow=uow, gateway=gateway, clock=clock, settings=settings
            ):
                expired.append(order_id)
                settle_payment(
                    order_id, uow=uow, gateway=gateway, clock=clock, settings=settings
                )
        except CommerceError:
            logger.exception(
                "expiring order %s failed; the next sweep tries again", order_id
            )
    return expired


def _expire(
    order_id: str,
    *,
    uow: OrdersUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
    settings: OrderSettings,
) -> bool:
    """Cancel one unpaid order past its deadline; whether it was canceled."""
    with uow:
        order = uow.orders.get(order_id)
    if order.status != OrderStatus.PLACED:
        return False
    if order.payment_id is not None and order.payment_kind is PaymentMethodKind.GATEWAY:
        with uow:
            known = uow.payments.get(order.payment_id).provider_reference is not None
        if known:  # never "not received": a retried checkout may be on its way
            refresh_payment(order.payment_id, uow=uow, gateway=gateway, clock=clock)
    followed, _ = follow_payment(order_id, uow=uow, clock=clock, settings=settings)
    if followed.status != OrderStatus.PLACED:
        return False  # paid after all (confirmed), or declined meanwhile
    canceled: list[str] = []

    def change(order: Order, at: datetime) -> Mapping[str, int]:
        canceled.clear()  # a retry after a version conflict starts over
        if order.status != OrderStatus.PLACED:
            return {}
        canceled.append(order.order_id)
        return order.cancel(
            at=at,
            reason=CancelReason.PAYMENT_EXPIRED,
            actor="system",
            lifecycle=settings.lifecycle,
        )

    _change(order_id, change, uow=uow, clock=clock, ids=None, settings=settings)
    return bool(canceled)


def _lose(
    order_id: str, *, uow: OrdersUnitOfWork, clock: Clock, settings: OrderSettings
) -> Order:
    """Cancel a placed order whose payment never reached the provider.

    The payment stays pending: should the request arrive after all (a
    retried checkout), its approval is taken, and the hold voided when the
    order follows it (:func:`follow_payment` with the gateway).
    """

    def change(order: Order, at: datetime) -> Mapping[str, int]:
        if order.status != OrderStatus.PLACED:
            return {}
        return order.cancel(
            at=at,
            reason=CancelReason.PAYMENT_LOST,
            actor="system",
            lifecycle=settings.lifecycle,
        )

    return _change(order_id, change, uow=uow, clock=clock, ids=None, settings=settings)


def recover_placements(
    *,
    uow: OrdersUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
    settings: OrderSettings,
    limit: int = 100,
) -> list[str]:
    """Finish placements that stopped between their steps: the recovery sweep.

    For each order still placed for longer than ``settings.recovery_grace``:
    a provider's payment still waiting is refreshed (at most ``limit`` of
    them, the oldest first; the provider is asked by reference or by the
    payment's id, :func:`~commercekit.payments.refresh_payment`), and every
    such order follows its payment (:func:`follow_payment`): confirmed,
    canceled (declined, or ``payment_lost`` when the provider never got
    it: stock and coupons go back), or left waiting. An offline payment
    recorded without its order being told (a bank transfer, then a crash)
    is followed too. Errors of one order are logged on
    ``commercekit.orders`` and do not stop the others.

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
            waiting.extend(
                order
                for order in page.orders
                if order.placed_at <= cutoff and order.payment_id is not None
            )
            if not page.has_more:
                break
            offset += len(page.orders)
    waiting.sort(key=lambda order: (order.placed_at, order.order_id))
    asked = 0
    moved: list[str] = []
    for order in waiting:
        through_provider = order.payment_kind is PaymentMethodKind.GATEWAY
        if through_provider and asked >= limit:
            continue
        try:
            lost = False
            if through_provider:
                asked += 1
                assert order.payment_id is not None  # noqa: S101 - filtered above
                payment = refresh_payment(
                    order.payment_id, uow=uow, gateway=gateway, clock=clock
                )
                lost = (
                    payment.status is PaymentStatus.PENDING
                    and payment.provider_reference is None
                )
            if lost:
                after = _lose(order.order_id, uow=uow, clock=clock, settings=settings)
            else:
                after, _ = follow_payment(
                    order.order_id,
                    uow=uow,
                    clock=clock,
                    settings=settings,
                    gateway=gateway,
                )
        except CommerceError:
            logger.exception("recovering order %s failed", order.order_id)
            continue
        if after.status != OrderStatus.PLACED:
            moved.append(order.order_id)
    return moved
