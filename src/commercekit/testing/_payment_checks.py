"""Checks a tester runs on a payment: what its status says of its amounts."""

from __future__ import annotations

from commercekit.money import zero
from commercekit.payments import Payment, PaymentStatus

__all__ = ["payment_status_fits_amounts"]


def payment_status_fits_amounts(payment: Payment) -> bool:
    """Whether a payment's status agrees with its amounts, read by hand.

    The lifecycle's reading of the amounts (see
    :class:`~commercekit.payments.PaymentLifecycle`), written out
    independently of it so a stateful test or an adapter's test can check
    any stored payment.

    Nothing is authorized, taken or given back before an authorization
    (pending, requires action, failed); an authorization that was never
    captured (held, voided or lapsed) took nothing; ``captured`` means all
    that was held was taken and nothing given back, ``partially_captured``
    that part was; a refund ends ``refunded`` only when it returned all the
    money still held (what the customer's bank did not take back, with no
    open dispute holding any) and the authorization has nothing left to
    capture: all that was held was taken and went back. Any other refund
    leaves ``partially_refunded``, where refunds and chargebacks may add up
    to what was taken while the authorization has more to capture (a capture
    told late).
    """
    nothing = zero(payment.currency)
    authorized, captured = payment.authorized, payment.captured
    refunded, charged_back = payment.refunded, payment.charged_back
    never = authorized == captured == refunded == charged_back == nothing
    held = authorized > nothing and captured == refunded == charged_back == nothing
    kept = refunded == nothing
    back = refunded + charged_back
    status = PaymentStatus
    rules = {
        status.PENDING: never,
        status.REQUIRES_ACTION: never,
        status.FAILED: never,
        status.AUTHORIZED: held,
        status.VOIDED: held,
        status.EXPIRED: held,
        status.CAPTURED: nothing < captured == authorized and kept,
        status.PARTIALLY_CAPTURED: nothing < captured < authorized and kept,
        status.REFUNDED: refunded > nothing and back == captured == authorized,
        status.PARTIALLY_REFUNDED: refunded > nothing and back <= captured,
    }
    return rules[payment.status]
