"""Use cases of payments: each gateway call once per idempotency key.

Every operation runs in three steps, so that no transaction is held open
while the provider is asked, and a retry never moves money twice:

1. in a unit of work: load the payment, start the idempotency key (the
   same key with another request is refused), check the operation against
   the payment's rules on a copy, commit;
2. ask the gateway, outside any transaction, with the same key;
3. in a unit of work: if no earlier call applied the key's result yet,
   store the result with the key, apply it to the payment, commit.

A call that times out leaves the key started without a result: calling
again with the same key asks the provider again, which answers with the
first result (it moved the money once), and step 3 applies it once.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime

from commercekit.money import Money, as_money
from commercekit.payments._errors import (
    IdempotencyKeyReusedError,
    PaymentDeclinedError,
    PaymentError,
)
from commercekit.payments._gateway import (
    AuthorizeRequest,
    CaptureRequest,
    GatewayOutcome,
    GatewayResult,
    PaymentGateway,
    RefundRequest,
    VoidRequest,
)
from commercekit.payments._model import (
    Payment,
    PaymentStatus,
    TransactionKind,
    payment_id,
)
from commercekit.payments._ports import IdempotencyRecord, Operation, PaymentsUnitOfWork
from commercekit.ports import Clock, IdFactory
from commercekit.values import as_utc, identifier

__all__ = [
    "authorize_payment",
    "capture_payment",
    "create_payment",
    "expire_authorizations",
    "refund_payment",
    "void_payment",
]


def _now(clock: Clock) -> datetime:
    return as_utc(clock.now(), field="clock.now()")


def create_payment(
    order_id: str,
    amount: Money,
    *,
    method: str,
    uow: PaymentsUnitOfWork,
    ids: IdFactory,
    clock: Clock,
) -> Payment:
    """Create a pending payment of ``amount`` for an order, and store it.

    Raises:
        ValidationError: for a bad order id, method or amount.
    """
    payment = Payment(
        payment_id=ids.new_id(),
        order_id=order_id,
        method=method,
        amount=amount,
        created_at=_now(clock),
    )
    with uow:
        uow.payments.add(payment)
        uow.commit()
    return payment


def _fingerprint(*parts: object) -> str:
    text = "|".join(str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _declined(
    operation: Operation, payment: Payment, result: GatewayResult
) -> PaymentError:
    if operation is not Operation.AUTHORIZE:
        msg = (
            f"the provider refused to {operation} payment {payment.payment_id}: "
            f"{result.decline_code}"
        )
        return PaymentError(msg, payment_id=payment.payment_id)
    return PaymentDeclinedError(
        payment_id=payment.payment_id,
        order_id=payment.order_id,
        decline_code=result.decline_code or "declined",
        customer_message=result.decline_message
        or "The payment was declined. Please choose another payment method.",
    )


def _run(
    operation: Operation,
    payment_id_: str,
    key: str,
    parts: tuple[object, ...],
    *,
    uow: PaymentsUnitOfWork,
    clock: Clock,
    amount_of: Callable[[Payment], Money | None],
    check: Callable[[Payment, Money | None, datetime], None],
    send: Callable[[Payment, Money | None], GatewayResult],
    apply: Callable[[Payment, GatewayResult, Money | None, datetime], None],
) -> Payment:
    """The three steps shared by every operation (see the module docstring).

    The amount an operation moves is fixed when its key is first used and
    kept with the key, so a retry sends the provider the same request even
    when a notification has moved the payment since.
    """
    code, key = payment_id(payment_id_), identifier(key, field="idempotency_key")
    fingerprint = _fingerprint(operation, code, *parts)
    now = _now(clock)
    with uow:
        payment = uow.payments.get(code)
        record = uow.payments.recall(key)
        if record is None:
            amount = amount_of(payment)
            check(copy.deepcopy(payment), amount, now)  # refuse before asking
            record = uow.payments.start(
                IdempotencyRecord(
                    key=key,
                    operation=operation,
                    payment_id=code,
                    fingerprint=fingerprint,
                    created_at=now,
                    amount=amount,
                )
            )
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReusedError(
                key=key,
                first=f"the {record.operation} of payment {record.payment_id}",
                now=f"a {operation} of payment {code} on other terms",
            )
        if record.result is not None:
            # Applied by the first call: answer as it did, move nothing.
            if record.result.outcome is GatewayOutcome.DECLINED:
                raise _declined(operation, payment, record.result)
            return payment
        amount = record.amount
        uow.commit()
    result = send(payment, amount)
    with uow:
        payment = uow.payments.get(code)
        done = uow.payments.recall(key)
        if done is not None and done.result is not None:
            result = done.result  # another call applied it meanwhile
        else:
            uow.payments.finish(key, result)
            apply(payment, result, amount, _now(clock))
            uow.payments.save(payment)
        uow.commit()
    if result.outcome is GatewayOutcome.DECLINED:
        raise _declined(operation, payment, result)
    return payment


def _given(amount: Money | None) -> Money:
    assert amount is not None  # noqa: S101 - operations that move money set it
    return amount


def authorize_payment(
    payment_id: str,
    token: str,
    *,
    idempotency_key: str,
    uow: PaymentsUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
    capture: bool = False,
    return_url: str | None = None,
    metadata: Mapping[str, str] | None = None,
) -> Payment:
    """Ask the provider to hold the payment's amount (or take it, with ``capture``).

    The result moves the payment: approved to ``authorized`` (and with
    ``capture`` on to ``captured``), requires action to
    ``requires_action`` (its ``action`` says what the storefront hands the
    customer), pending stays ``pending`` until a notification, declined to
    ``failed`` and then :class:`~commercekit.payments.PaymentDeclinedError`
    is raised with the customer's words; the failed payment stays on
    record.

    Raises:
        PaymentDeclinedError: if the provider declined (also on a retry
            with the same key).
        GatewayUnavailableError: if the provider did not answer; retry with
            the same key.
        IdempotencyKeyReusedError: for a key used for another request.
        InvalidTransitionError: unless the payment is pending or requires
            action.
        CardDataError: for a token or metadata that looks like a card number.
    """
    extra = dict(metadata or {})

    def request(payment: Payment) -> AuthorizeRequest:
        return AuthorizeRequest(
            payment_id=payment.payment_id,
            amount=payment.amount,
            token=token,
            idempotency_key=idempotency_key,
            capture=capture,
            return_url=return_url,
            metadata=extra,
        )

    def check(payment: Payment, _: Money | None, now: datetime) -> None:
        request(payment)  # the token and metadata are checked here
        payment.authorize(payment.amount, at=now, reference="check")

    def apply(
        payment: Payment, result: GatewayResult, _: Money | None, now: datetime
    ) -> None:
        outcome = result.outcome
        if outcome is GatewayOutcome.APPROVED and not payment.allows("authorize"):
            return  # a notification told it first
        if outcome is GatewayOutcome.APPROVED:
            held = result.amount or payment.amount
            payment.authorize(
                held, at=now, reference=result.reference, expires_at=result.expires_at
            )
            if capture:
                payment.capture(held, at=now, reference=result.reference)
        elif outcome is GatewayOutcome.REQUIRES_ACTION:
            assert result.action is not None  # noqa: S101 - GatewayResult checks it
            payment.require_action(result.action, at=now, reference=result.reference)
        elif outcome is GatewayOutcome.DECLINED:
            payment.provider_reference = result.reference  # its webhooks find it
            payment.fail(
                at=now,
                decline_code=result.decline_code or "declined",
                message=result.decline_message or "declined",
            )
        else:
            payment.provider_reference = result.reference  # the answer comes later

    return _run(
        Operation.AUTHORIZE,
        payment_id,
        idempotency_key,
        (token, capture),
        uow=uow,
        clock=clock,
        amount_of=lambda payment: payment.amount,
        check=check,
        send=lambda payment, _: gateway.authorize(request(payment)),
        apply=apply,
    )


def _reference(payment: Payment) -> str:
    if payment.provider_reference is None:
        msg = f"payment {payment.payment_id} has no provider reference yet"
        raise PaymentError(msg, payment_id=payment.payment_id)
    return payment.provider_reference


def capture_payment(
    payment_id: str,
    amount: Money | None = None,
    *,
    idempotency_key: str,
    uow: PaymentsUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
) -> Payment:
    """Take ``amount`` of the authorization; all that is left by default.

    Raises:
        PaymentAmountError: for more than is capturable (before the provider
            is asked).
        InvalidTransitionError: unless authorized or partially captured.
        PaymentError: if the provider refused (the answer is kept with the
            key: a retry with it is refused the same way).
        GatewayUnavailableError: if the provider did not answer; retry with
            the same key.
        IdempotencyKeyReusedError: for a key used for another request.
    """
    wanted = None if amount is None else as_money(amount, field="amount")

    def check(payment: Payment, amount: Money | None, now: datetime) -> None:
        payment.capture(_given(amount), at=now)

    def send(payment: Payment, amount: Money | None) -> GatewayResult:
        return gateway.capture(
            CaptureRequest(
                payment_id=payment.payment_id,
                reference=_reference(payment),
                amount=_given(amount),
                idempotency_key=idempotency_key,
            )
        )

    def apply(
        payment: Payment, result: GatewayResult, amount: Money | None, now: datetime
    ) -> None:
        if result.outcome is GatewayOutcome.APPROVED and not payment.has_transaction(
            TransactionKind.CAPTURE, result.reference
        ):  # a notification may have told it first
            taken = result.amount or _given(amount)
            payment.capture(taken, at=now, reference=result.reference)

    return _run(
        Operation.CAPTURE,
        payment_id,
        idempotency_key,
        ("all" if wanted is None else wanted,),
        uow=uow,
        clock=clock,
        amount_of=lambda payment: payment.capturable if wanted is None else wanted,
        check=check,
        send=send,
        apply=apply,
    )


def refund_payment(
    payment_id: str,
    amount: Money,
    *,
    idempotency_key: str,
    uow: PaymentsUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
    reason: str | None = None,
) -> Payment:
    """Give ``amount`` of what was captured back to the customer.

    Raises:
        PaymentAmountError: for more than is refundable (before the provider
            is asked).
        InvalidTransitionError: if nothing was captured.
        PaymentError: if the provider refused (the answer is kept with the
            key: a retry with it is refused the same way).
        GatewayUnavailableError: if the provider did not answer; retry with
            the same key.
        IdempotencyKeyReusedError: for a key used for another request.
    """
    back = as_money(amount, field="amount")

    def check(payment: Payment, _: Money | None, now: datetime) -> None:
        payment.refund(back, at=now)
        if payment.provider_reference is not None:  # the reason is checked here
            RefundRequest(
                payment_id=payment.payment_id,
                reference=payment.provider_reference,
                amount=back,
                idempotency_key=idempotency_key,
                reason=reason,
            )

    def send(payment: Payment, _: Money | None) -> GatewayResult:
        return gateway.refund(
            RefundRequest(
                payment_id=payment.payment_id,
                reference=_reference(payment),
                amount=back,
                idempotency_key=idempotency_key,
                reason=reason,
            )
        )

    def apply(
        payment: Payment, result: GatewayResult, _: Money | None, now: datetime
    ) -> None:
        if result.outcome is GatewayOutcome.APPROVED and not payment.has_transaction(
            TransactionKind.REFUND, result.reference
        ):  # a notification may have told it first
            payment.refund(result.amount or back, at=now, reference=result.reference)

    return _run(
        Operation.REFUND,
        payment_id,
        idempotency_key,
        (back, reason),
        uow=uow,
        clock=clock,
        amount_of=lambda _: back,
        check=check,
        send=send,
        apply=apply,
    )


def void_payment(
    payment_id: str,
    *,
    idempotency_key: str,
    uow: PaymentsUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
) -> Payment:
    """Give the authorization up before anything was captured.

    Raises:
        InvalidTransitionError: unless authorized (before the provider is
            asked).
        PaymentError: if the provider refused (the answer is kept with the
            key: a retry with it is refused the same way).
        GatewayUnavailableError: if the provider did not answer; retry with
            the same key.
        IdempotencyKeyReusedError: for a key used for another request.
    """

    def check(payment: Payment, _: Money | None, now: datetime) -> None:
        payment.void(at=now)

    def send(payment: Payment, _: Money | None) -> GatewayResult:
        return gateway.void(
            VoidRequest(
                payment_id=payment.payment_id,
                reference=_reference(payment),
                idempotency_key=idempotency_key,
            )
        )

    def apply(
        payment: Payment, result: GatewayResult, _: Money | None, now: datetime
    ) -> None:
        if result.outcome is GatewayOutcome.APPROVED and (
            payment.status is not PaymentStatus.VOIDED
        ):  # a notification may have told it first
            payment.void(at=now, reference=result.reference)

    return _run(
        Operation.VOID,
        payment_id,
        idempotency_key,
        (),
        uow=uow,
        clock=clock,
        amount_of=lambda _: None,
        check=check,
        send=send,
        apply=apply,
    )


def expire_authorizations(
    *,
    uow: PaymentsUnitOfWork,
    clock: Clock,
    limit: int | None = None,
) -> list[str]:
    """Expire the authorizations that lapsed: the sweep to run periodically.

    A payment still ``authorized`` (nothing captured) whose
    ``authorization_expires_at`` has come moves to ``expired``, with a
    :class:`~commercekit.payments.PaymentExpired` event; one transaction
    for the batch. The provider has let the hold go by then; nothing is
    asked of it.

    Args:
        uow: A unit of work with the payments (not yet entered).
        clock: Tells the time the authorizations are measured against.
        limit: Expire at most this many, the earliest lapsed first.

    Returns:
        The ids of the expired payments.
    """
    now = _now(clock)
    with uow:
        lapsed = uow.payments.lapsed_authorizations(now, limit=limit)
        for code in lapsed:
            payment = uow.payments.get(code)
            payment.expire(at=now)
            uow.payments.save(payment)
        uow.commit()
    return lapsed
