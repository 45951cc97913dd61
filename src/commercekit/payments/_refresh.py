"""Ask the provider what became of a payment whose answer never came."""

from __future__ import annotations

from typing import Final

from commercekit.payments._gateway import GatewayOutcome, GatewayResult, PaymentGateway
from commercekit.payments._model import Payment, PaymentStatus, payment_id
from commercekit.payments._ports import PaymentsUnitOfWork
from commercekit.ports import Clock
from commercekit.values import as_utc

__all__ = ["refresh_payment"]

_WAITING: Final = frozenset({PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION})


def _apply(payment: Payment, result: GatewayResult, clock: Clock) -> None:
    at = as_utc(clock.now(), field="clock.now()")
    outcome, hint = result.outcome, result.status_hint
    if outcome is GatewayOutcome.DECLINED or hint == PaymentStatus.FAILED:
        payment.provider_reference = result.reference
        payment.fail(
            at=at,
            decline_code=result.decline_code or "declined",
            message=result.decline_message or "declined",
        )
    elif outcome is GatewayOutcome.REQUIRES_ACTION:
        if result.action is not None and payment.status is PaymentStatus.PENDING:
            payment.require_action(result.action, at=at, reference=result.reference)
    elif outcome is GatewayOutcome.PENDING:
        payment.provider_reference = result.reference
    else:
        # Held at some point: record the authorization. A hold given up since
        # (voided, expired) ends so here too; captures and refunds are told
        # by the provider's notifications, which carry their amounts.
        payment.authorize(
            result.amount or payment.amount,
            at=at,
            reference=result.reference,
            expires_at=result.expires_at,
        )
        if hint == PaymentStatus.VOIDED:
            payment.void(at=at, reference=result.reference)
        elif hint == PaymentStatus.EXPIRED:
            payment.expire(at=at)


def refresh_payment(
    payment_id_: str,
    *,
    uow: PaymentsUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
) -> Payment:
    """Ask the provider about a payment still waiting, and record its answer.

    For a payment left ``pending`` or ``requires_action`` (a crash or a
    lost reply between the authorization and its result, a notification
    that never came). The provider is asked outside any transaction: by its
    reference (:meth:`~commercekit.payments.PaymentGateway.status`), or, if
    the payment never learnt it, by the payment's id
    (:meth:`~commercekit.payments.PaymentGateway.find`). Its answer moves
    the payment: authorized, declined (failed), waiting for the customer,
    still pending. A payment the provider never received stays as it is:
    ``pending``, without a provider reference. It is not failed, because a
    request may still be on its way (a retry with the idempotency key) and
    its approval must find the payment able to take it; the caller decides
    what the order does (checkout's recovery cancels it, and voids a hold
    that arrives later). A payment that is not waiting is returned as it
    is.

    Raises:
        NotFoundError: for an unknown payment.
        GatewayUnavailableError: if the provider did not answer; ask again.
    """
    code = payment_id(payment_id_)
    with uow:
        payment = uow.payments.get(code)
    if payment.status not in _WAITING:
        return payment
    reference = payment.provider_reference
    result = gateway.status(reference) if reference else gateway.find(code)
    with uow:
        payment = uow.payments.get(code)
        if payment.status not in _WAITING:
            return payment  # told meanwhile
        if result is None:
            return payment  # the provider never received it (so far)
        _apply(payment, result, clock)
        uow.payments.save(payment)
        uow.commit()
    return payment
