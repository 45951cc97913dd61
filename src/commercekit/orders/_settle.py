"""Keeping an order's payment in line with the order.

:func:`follow_payment` moves an order after its payment (confirm, or
cancel and give back); :func:`settle_payment` moves the payment after its
order (void, refund) at the provider, outside any transaction;
:func:`capture_order` takes the order's amount due, never more.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from commercekit.errors import VersionConflictError
from commercekit.money import Money, zero
from commercekit.orders._model import Order
from commercekit.orders._payment import (
    _RETRIES,
    _follow,
    _now_of,
    _payment_key,
)
from commercekit.orders._ports import OrdersUnitOfWork
from commercekit.orders._settings import OrderSettings
from commercekit.orders._status import _PAID, OrderStatus
from commercekit.orders._values import RefundDue
from commercekit.payments import (
    Payment,
    PaymentGateway,
    PaymentMethodKind,
    PaymentStatus,
    cancel_prepayment,
    capture_payment,
    refresh_payment,
    refund_payment,
    void_payment,
)
from commercekit.ports import Clock

__all__ = ["capture_order", "follow_payment", "settle_payment"]

_WAITING: Final = frozenset({PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION})
_REASON: Final = "order canceled"


def _reload(order_id: str, uow: OrdersUnitOfWork) -> Order:
    with uow:
        return uow.orders.get(order_id)


def _settle_locally(order: Order, uow: OrdersUnitOfWork, at: datetime) -> None:
    """End an offline payment of a canceled order in the same transaction.

    A provider's payment is not touched here: whether the provider holds
    money for it is the provider's to say (:func:`settle_payment` asks).
    """
    if order.status != OrderStatus.CANCELED or order.payment_id is None:
        return
    kind = order.payment_kind
    if kind is PaymentMethodKind.GATEWAY:
        return
    payment = uow.payments.get(order.payment_id)
    if kind is PaymentMethodKind.PREPAYMENT and payment.status in _WAITING:
        cancel_prepayment(payment, at=at)
    elif payment.status is PaymentStatus.AUTHORIZED:
        payment.void(at=at)
    else:
        return
    uow.payments.save(payment)
    order.record_payment(payment.payment_id, payment.status)


def follow_payment(
    order_id: str,
    *,
    uow: OrdersUnitOfWork,
    clock: Clock,
    settings: OrderSettings,
    gateway: PaymentGateway | None = None,
    actor: str = "system",
) -> tuple[Order, Payment | None]:
    """Bring an order in step with its payment, in one unit of work.

    Call it after the payment moved outside checkout: a webhook
    (:func:`~commercekit.payments.handle_notification`), a 3-D Secure
    challenge the customer finished, a bank transfer that came in. The
    order records the payment's status; a placed order moves:
    authorized (or captured): confirmed, and its cart removed unless it
    changed since; failed, expired or voided: canceled (``payment_declined``,
    ``payment_lost`` or ``payment_expired``), its stock released and its
    coupons given back. Anything else leaves it placed. Safe to repeat: an
    order in step is left as it is. A version conflict (another process
    moved the order) is retried with the order reloaded.

    With ``gateway``, money the provider holds for a canceled order (an
    authorization told after the order expired) is given back too, by
    :func:`settle_payment`: pass it when you follow a webhook.

    Returns:
        The order and its payment, as stored (``None`` for an order that
        costs nothing).

    Raises:
        NotFoundError: for an unknown order.
    """
    order, payment = _follow_once(
        order_id, uow=uow, clock=clock, settings=settings, actor=actor
    )
    canceled = order.status == OrderStatus.CANCELED
    holds = payment is not None and (
        payment.status in _PAID or payment.status in _WAITING
    )
    if gateway is not None and canceled and holds:
        payment = settle_payment(
            order_id, uow=uow, gateway=gateway, clock=clock, settings=settings
        )
        order = _reload(order_id, uow)
    return order, payment


def _follow_once(
    order_id: str,
    *,
    uow: OrdersUnitOfWork,
    clock: Clock,
    settings: OrderSettings,
    actor: str,
) -> tuple[Order, Payment | None]:
    for attempt in range(_RETRIES):
        at = _now_of(clock)
        try:
            with uow:
                order = uow.orders.get(order_id)
                if order.payment_id is None:
                    return order, None  # it costs nothing
                payment = uow.payments.get(order.payment_id)
                if _follow(
                    order, payment, uow=uow, settings=settings, at=at, actor=actor
                ):
                    uow.orders.save(order)
                    uow.commit()
                return order, payment
        except VersionConflictError:
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError  # pragma: no cover - the loop returns or raises


def _record(order_id: str, payment: Payment, uow: OrdersUnitOfWork) -> Order:
    for attempt in range(_RETRIES):
        try:
            with uow:
                order = uow.orders.get(order_id)
                if order.payment_status is not payment.status:
                    order.record_payment(payment.payment_id, payment.status)
                    uow.orders.save(order)
                    uow.commit()
                return order
        except VersionConflictError:
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError  # pragma: no cover - the loop returns or raises


def _finish_refunds(
    order: Order,
    payment: Payment,
    *,
    uow: OrdersUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
) -> Payment:
    """Send again every noted refund that has no answer yet, with its key."""
    for due in order.refunds:
        with uow:
            record = uow.payments.recall(due.key)
        if record is None or record.result is None:
            payment = refund_payment(
                payment.payment_id,
                due.amount,
                idempotency_key=due.key,
                uow=uow,
                gateway=gateway,
                clock=clock,
                reason=_REASON,
            )
    return payment


def _note_refund(order: Order, back: Money, uow: OrdersUnitOfWork) -> RefundDue:
    """Note a refund on the order as it was read.

    Raises:
        VersionConflictError: if someone changed the order since (another
            settlement may have noted the same refund): read it again.
    """
    with uow:
        stored = uow.orders.get(order.order_id)
        if stored.version != order.version:
            raise VersionConflictError(
                kind="order",
                key=order.order_id,
                expected_version=order.version,
                actual_version=stored.version,
            )
        due = stored.note_refund(back)
        uow.orders.save(stored)
        uow.commit()
    return due


def settle_payment(
    order_id: str,
    *,
    uow: OrdersUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
    settings: OrderSettings,
) -> Payment | None:
    """Bring a provider's payment in line with what the order still costs.

    * A canceled order whose payment still waits (3-D Secure, pending): the
      provider is asked what became of it
      (:func:`~commercekit.payments.refresh_payment`).
    * Refunds noted before and not answered are sent again with their keys.
    * A canceled order whose payment is authorized: the authorization is
      voided (key ``order-<id>-void``).
    * A payment that took more than the order's amount due now: the
      difference is noted on the order (a :class:`RefundDue` with a key of
      its own), then refunded.
    * Anything else moves nothing: an authorization is captured later
      (:func:`capture_order` takes at most the amount due).

    The provider is asked outside any transaction; the order records the
    payment's status after. Safe to repeat, also after a timeout or from
    two processes at once: every refund is noted with its key before it is
    sent, and sent again with it until answered. Offline payments are
    settled by the cancel itself.

    Returns:
        The payment after it, or ``None`` for an order without one.

    Raises:
        GatewayUnavailableError: if the provider did not answer; call again.
        PaymentError: if the provider refused.
    """
    del settings  # the order knows its method's kind; kept for a uniform call
    for attempt in range(_RETRIES):
        with uow:
            order = uow.orders.get(order_id)
            if order.payment_id is None:
                return None
            payment = uow.payments.get(order.payment_id)
        if order.payment_kind is not PaymentMethodKind.GATEWAY:
            return payment
        canceled = order.status == OrderStatus.CANCELED
        if canceled and payment.status in _WAITING:
            payment = refresh_payment(
                payment.payment_id, uow=uow, gateway=gateway, clock=clock
            )
        payment = _finish_refunds(order, payment, uow=uow, gateway=gateway, clock=clock)
        if canceled and payment.status is PaymentStatus.AUTHORIZED:
            payment = void_payment(
                payment.payment_id,
                idempotency_key=_payment_key(order.order_id, "void"),
                uow=uow,
                gateway=gateway,
                clock=clock,
            )
        held = payment.captured - payment.refunded
        back = min(held - order.amount_due, payment.refundable)
        if back > zero(order.currency):
            try:
                due = _note_refund(order, back, uow)
            except VersionConflictError:
                if attempt == _RETRIES - 1:
                    raise
                continue  # another settlement may have noted it: look again
            payment = refund_payment(
                payment.payment_id,
                due.amount,
                idempotency_key=due.key,
                uow=uow,
                gateway=gateway,
                clock=clock,
                reason=_REASON,
            )
        _record(order_id, payment, uow)
        return payment
    raise AssertionError  # pragma: no cover - the loop returns or raises


def capture_order(
    order_id: str,
    *,
    uow: OrdersUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
) -> Payment:
    """Capture what the order still costs of its authorization, never more.

    Takes ``amount_due - (captured - refunded)``, at most what the
    authorization has left, with a key derived from the order, what was
    taken so far and the amount (a retry after a timeout sends the same): a
    canceled line's share is never captured (the authorization was made for
    the whole order). Call it when the goods ship.

    Returns:
        The payment after it (unchanged if nothing is left to capture).

    Raises:
        InvalidTransitionError: for a payment that is not authorized.
        GatewayUnavailableError: if the provider did not answer; call again.
        PaymentError: if the provider refused, or for an order without a
            payment.
    """
    with uow:
        order = uow.orders.get(order_id)
        if order.payment_id is None:
            from commercekit.payments import PaymentError  # noqa: PLC0415

            msg = f"order {order_id} has no payment to capture"
            raise PaymentError(msg)
        payment = uow.payments.get(order.payment_id)
    taken = payment.captured - payment.refunded
    wanted = min(order.amount_due - taken, payment.capturable)
    if wanted <= zero(order.currency):
        return payment
    payment = capture_payment(
        payment.payment_id,
        wanted,
        idempotency_key=_payment_key(
            order.order_id, "capture", taken.amount, wanted.amount
        ),
        uow=uow,
        gateway=gateway,
        clock=clock,
    )
    _record(order_id, payment, uow)
    return payment
