"""Keeping an order's payment in line with the order.

:func:`follow_payment` moves an order after its payment (confirm, or
cancel and give back); :func:`settle_payment` moves the payment after its
order (void, refund) at the provider, outside any transaction;
:func:`capture_order` takes the order's amount due, never more.
"""

from __future__ import annotations

import contextlib
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
    IdempotencyKeyReusedError,
    Payment,
    PaymentAmountError,
    PaymentError,
    PaymentGateway,
    PaymentMethodKind,
    PaymentStatus,
    TransactionKind,
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
    """Bring an offline payment in line with its order, in the same transaction.

    A canceled order's invoice or cash-on-delivery payment is voided, its
    prepayment given up. Money the customer paid that the order no longer
    costs (a transfer toward a canceled prepayment, a paid invoice whose
    lines were canceled) is noted on the order as an offline
    :class:`RefundDue` for the merchant to pay back. A provider's payment is
    not touched here: whether the provider holds money for it is the
    provider's to say (:func:`settle_payment` asks).
    """
    if order.payment_id is None or order.payment_kind is PaymentMethodKind.GATEWAY:
        return
    payment = uow.payments.get(order.payment_id)
    canceled = order.status == OrderStatus.CANCELED
    received = zero(order.currency)
    if (
        canceled
        and order.payment_kind is PaymentMethodKind.PREPAYMENT
        and (payment.status in _WAITING)
    ):
        received = cancel_prepayment(payment, at=at)
    elif canceled and payment.status is PaymentStatus.AUTHORIZED:
        payment.void(at=at)
    noted = sum(
        (due.amount for due in order.refunds if due.offline), zero(order.currency)
    )
    kept = payment.captured - payment.refunded + received - noted
    if kept > order.amount_due:
        order.note_refund(kept - order.amount_due, offline=True)
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
        if due.offline:
            continue
        with uow:
            record = uow.payments.recall(due.key)
        if record is not None and record.result is not None:
            continue  # answered
        try:
            payment = refund_payment(
                payment.payment_id,
                due.amount,
                idempotency_key=due.key,
                uow=uow,
                gateway=gateway,
                clock=clock,
                reason=_REASON,
            )
        except PaymentAmountError:
            if record is not None:
                raise
            # Noted, never sent (a crash), and no longer possible as noted
            # (money went back another way, a dispute holds it): the refund
            # worked out below replaces it.
            continue
    return payment


def _pending(uow: OrdersUnitOfWork, order: Order) -> Money:
    """What the order's noted refunds still owe: those without an answer yet."""
    owed = zero(order.currency)
    for due in order.refunds:
        if due.offline:
            continue
        record = uow.payments.recall(due.key)
        if record is None or record.result is None:
            owed += due.amount
    return owed


def _note_refund(order_id: str, uow: OrdersUnitOfWork) -> RefundDue | None:
    """Note the refund the order's payment owes now, in one transaction.

    What was taken, the refunds noted and not yet answered, and the amount
    due are all read in the transaction that notes the refund, so two
    settlements at once note it once (the second sees the first's note).
    ``None`` when nothing is owed.
    """
    with uow:
        order = uow.orders.get(order_id)
        assert order.payment_id is not None  # noqa: S101 - the caller checked
        payment = uow.payments.get(order.payment_id)
        pending = _pending(uow, order)
        kept = payment.captured - payment.refunded - pending
        back = min(kept - order.amount_due, payment.refundable - pending)
        if back <= zero(order.currency):
            return None
        due = order.note_refund(back)
        uow.orders.save(order)
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
      provider is asked what became of it, by its reference
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
    order, payment = _read(order_id, uow)
    if payment is None or order.payment_kind is not PaymentMethodKind.GATEWAY:
        return payment
    canceled = order.status == OrderStatus.CANCELED
    known = payment.provider_reference is not None
    if canceled and payment.status in _WAITING and known:
        # Asked by its reference only: a payment the provider has not
        # answered yet may still be on its way (a retried checkout), and
        # "never received" is the recovery sweep's to conclude.
        refresh_payment(payment.payment_id, uow=uow, gateway=gateway, clock=clock)
    _finish_refunds(order, payment, uow=uow, gateway=gateway, clock=clock)
    order, payment = _read(order_id, uow)
    assert payment is not None  # noqa: S101 - read above
    if canceled and payment.status is PaymentStatus.AUTHORIZED:
        payment = void_payment(
            payment.payment_id,
            idempotency_key=_payment_key(order.order_id, "void"),
            uow=uow,
            gateway=gateway,
            clock=clock,
        )
    due = _note_refund(order_id, uow)
    if due is not None:
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


def _read(order_id: str, uow: OrdersUnitOfWork) -> tuple[Order, Payment | None]:
    with uow:
        order = uow.orders.get(order_id)
        if order.payment_id is None:
            return order, None
        return order, uow.payments.get(order.payment_id)


def capture_order(
    order_id: str,
    *,
    uow: OrdersUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
    settings: OrderSettings,
) -> Payment:
    """Capture what the order still costs of its authorization, never more.

    Takes ``amount_due - (captured - refunded)``, at most what the
    authorization has left: a canceled line's share is never captured (the
    authorization was made for the whole order). Call it when the goods
    ship. Captures are keyed ``order-<id>-capture-<n>``, the n-th of the
    payment: a capture whose answer was lost is sent again with its key and
    amount before a new one is worked out, so it is taken once. A cancel
    that came in meanwhile is settled after it (:func:`settle_payment`
    refunds what was taken above the amount due).

    Returns:
        The payment after it (unchanged if nothing is left to capture).

    Raises:
        InvalidTransitionError: for a payment that is not authorized.
        GatewayUnavailableError: if the provider did not answer; call again.
        PaymentError: if the provider refused, or for an order without a
            payment.
    """
    order, payment = _read(order_id, uow)
    if payment is None:
        msg = f"order {order_id} has no payment to capture"
        raise PaymentError(msg)
    for _ in range(_RETRIES):
        done = sum(
            1 for entry in payment.transactions if entry.kind is TransactionKind.CAPTURE
        )
        key = _payment_key(order.order_id, "capture", done + 1)
        with uow:
            started = uow.payments.recall(key)
        if started is not None and started.result is None and started.amount:
            # a capture whose answer was lost: finish it as it was asked
            wanted = started.amount
        else:
            taken = payment.captured - payment.refunded
            wanted = min(order.amount_due - taken, payment.capturable)
            if wanted <= zero(order.currency):
                break
        # IdempotencyKeyReusedError: another capture took the key first;
        # read again, and go on.
        with contextlib.suppress(IdempotencyKeyReusedError):
            capture_payment(
                payment.payment_id,
                wanted,
                idempotency_key=key,
                uow=uow,
                gateway=gateway,
                clock=clock,
            )
        order, read = _read(order_id, uow)
        assert read is not None  # noqa: S101 - it has one
        payment = read
        if started is None or started.result is not None:
            break
    _record(order_id, payment, uow)
    settled = settle_payment(
        order_id, uow=uow, gateway=gateway, clock=clock, settings=settings
    )
    return settled or payment
