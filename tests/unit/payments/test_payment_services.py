"""Payment use cases against the fake gateway, in memory and on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import InvalidTransitionError, ValidationError
from commercekit.money import Money, money
from commercekit.payments import (
    CardDataError,
    GatewayUnavailableError,
    HmacSignatureVerifier,
    IdempotencyKeyReusedError,
    InvalidSignatureError,
    NotificationResult,
    Payment,
    PaymentAmountError,
    PaymentDeclinedError,
    PaymentStatus,
    PaymentsUnitOfWork,
    TransactionKind,
    authorize_payment,
    capture_payment,
    create_payment,
    expire_authorizations,
    handle_notification,
    refund_payment,
    void_payment,
)
from commercekit.payments import PaymentGateway as Gateway
from commercekit.testing import (
    FakePaymentGateway,
    FixedClock,
    GatewayCall,
    Script,
    SequentialIds,
)

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
Factory = Callable[[], PaymentsUnitOfWork]


def eur(amount: str) -> Money:
    return money(amount, "EUR")


@pytest.fixture(params=["memory", "sqlite"])
def uow(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    if request.param == "memory":
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store)
    database = SQLiteDatabase(tmp_path / "pay.db")
    return lambda: SQLiteUnitOfWork(database)


CLOCK = FixedClock(T0)


def _new(uow: Factory, amount: str = "100.00") -> Payment:
    return create_payment(
        "order-1",
        eur(amount),
        method="card",
        uow=uow(),
        ids=SequentialIds("pay-"),
        clock=CLOCK,
    )


def _authorized(uow: Factory, gateway: Gateway, amount: str = "100.00") -> Payment:
    payment = _new(uow, amount)
    return authorize_payment(
        payment.payment_id,
        "tok_visa",
        idempotency_key="auth-1",
        uow=uow(),
        gateway=gateway,
        clock=CLOCK,
    )


def _load(uow: Factory, payment_id: str) -> Payment:
    with uow() as work:
        return work.payments.get(payment_id)


def test_authorize_capture_and_refund_move_money_at_the_provider(uow: Factory) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _authorized(uow, fake)
    assert payment.status is PaymentStatus.AUTHORIZED
    reference = payment.provider_reference
    assert reference is not None
    kw = {"uow": uow(), "gateway": fake, "clock": CLOCK}
    capture_payment(payment.payment_id, eur("60.00"), idempotency_key="c-1", **kw)  # type: ignore[arg-type]
    capture_payment(payment.payment_id, idempotency_key="c-2", **kw)  # type: ignore[arg-type]
    refund_payment(payment.payment_id, eur("30.00"), idempotency_key="r-1", **kw)  # type: ignore[arg-type]
    stored = _load(uow, payment.payment_id)
    assert stored.status is PaymentStatus.PARTIALLY_REFUNDED
    assert (stored.captured, stored.refunded) == (eur("100.00"), eur("30.00"))
    assert (fake.captured(reference), fake.refunded(reference)) == (
        eur("100.00"),
        eur("30.00"),
    )
    # Captured 100.00 - refunded 30.00 = 70.00 left: 80.00 is refused before
    # the provider is asked, and nothing changes on either side.
    with pytest.raises(PaymentAmountError) as error:
        refund_payment(payment.payment_id, eur("80.00"), idempotency_key="r-2", **kw)  # type: ignore[arg-type]
    assert error.value.rule == "refund_exceeds_captured"
    assert fake.refunded(reference) == eur("30.00")
    assert _load(uow, payment.payment_id) == stored


def test_a_capture_retried_five_times_after_a_lost_reply_captures_once(
    uow: Factory,
) -> None:
    def lose_first_capture(call: GatewayCall) -> Script | None:
        if call.operation == "capture" and call.attempt == 1:
            return Script.lose_reply()
        return None

    fake = FakePaymentGateway(lose_first_capture, clock=CLOCK)
    payment = _authorized(uow, fake)
    kw = {"uow": uow(), "gateway": fake, "clock": CLOCK}
    with pytest.raises(GatewayUnavailableError) as error:
        capture_payment(payment.payment_id, idempotency_key="cap-1", **kw)  # type: ignore[arg-type]
    assert error.value.retryable
    results = [
        capture_payment(payment.payment_id, idempotency_key="cap-1", **kw)  # type: ignore[arg-type]
        for _ in range(5)
    ]
    result = results[-1]
    assert all(r.captured == eur("100.00") for r in results)
    assert result.status is PaymentStatus.CAPTURED
    assert result.captured == eur("100.00")
    captures = [e for e in fake.ledger if e.kind is TransactionKind.CAPTURE]
    assert len(captures) == 1
    stored = _load(uow, payment.payment_id)
    assert [e.kind for e in stored.transactions].count(TransactionKind.CAPTURE) == 1


def test_a_key_used_again_for_another_amount_is_refused(uow: Factory) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _authorized(uow, fake)
    kw = {"uow": uow(), "gateway": fake, "clock": CLOCK}
    capture_payment(payment.payment_id, eur("10.00"), idempotency_key="cap-1", **kw)  # type: ignore[arg-type]
    with pytest.raises(IdempotencyKeyReusedError):
        capture_payment(payment.payment_id, eur("20.00"), idempotency_key="cap-1", **kw)  # type: ignore[arg-type]
    assert _load(uow, payment.payment_id).captured == eur("10.00")


def test_a_decline_fails_the_payment_and_says_why(uow: Factory) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _new(uow)
    kw = {"uow": uow(), "gateway": fake, "clock": CLOCK}
    for _ in range(2):  # the retry with the same key answers the same way
        with pytest.raises(PaymentDeclinedError) as error:
            authorize_payment(
                payment.payment_id,
                "tok_insufficient_funds",
                idempotency_key="auth-1",
                **kw,  # type: ignore[arg-type]
            )
        assert error.value.decline_code == "insufficient_funds"
        assert error.value.order_id == "order-1"
    stored = _load(uow, payment.payment_id)
    assert stored.status is PaymentStatus.FAILED
    assert stored.decline_code == "insufficient_funds"
    # The retry is answered from the stored result: the provider is asked once.
    assert len([c for c in fake.calls if c.operation == "authorize"]) == 1
    assert fake.ledger == []


def test_three_d_secure_waits_for_the_customer_then_a_notification(
    uow: Factory,
) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _new(uow)
    waiting = authorize_payment(
        payment.payment_id,
        "tok_3ds",
        idempotency_key="auth-1",
        uow=uow(),
        gateway=fake,
        clock=CLOCK,
    )
    assert waiting.status is PaymentStatus.REQUIRES_ACTION
    assert waiting.action is not None
    reference = waiting.provider_reference
    assert reference is not None
    fake.complete(reference)
    note = fake.notification(reference, "authorized")
    verifier = HmacSignatureVerifier(fake.webhook_secret)
    outcome = handle_notification(
        note.body, note.signature, uow=uow(), verifier=verifier, clock=CLOCK
    )
    assert outcome is NotificationResult.APPLIED
    assert _load(uow, payment.payment_id).status is PaymentStatus.AUTHORIZED


def test_a_webhook_delivered_twice_and_one_before_the_reply_apply_once(
    uow: Factory,
) -> None:
    def lose_capture_reply(call: GatewayCall) -> Script | None:
        if call.operation == "capture" and call.attempt == 1:
            return Script.lose_reply()
        return None

    fake = FakePaymentGateway(lose_capture_reply, clock=CLOCK)
    payment = _authorized(uow, fake)
    reference = payment.provider_reference
    assert reference is not None
    kw = {"uow": uow(), "gateway": fake, "clock": CLOCK}
    with pytest.raises(GatewayUnavailableError):
        capture_payment(payment.payment_id, idempotency_key="cap-1", **kw)  # type: ignore[arg-type]
    # The provider captured; its notification comes before the retry's reply.
    note = fake.notification(reference, "captured")
    verifier = HmacSignatureVerifier(fake.webhook_secret)
    first = handle_notification(
        note.body, note.signature, uow=uow(), verifier=verifier, clock=CLOCK
    )
    again = handle_notification(
        note.body, note.signature, uow=uow(), verifier=verifier, clock=CLOCK
    )
    assert (first, again) == (NotificationResult.APPLIED, NotificationResult.DUPLICATE)
    retried = capture_payment(payment.payment_id, idempotency_key="cap-1", **kw)  # type: ignore[arg-type]
    assert retried.status is PaymentStatus.CAPTURED
    assert retried.captured == eur("100.00")
    kinds = [entry.kind for entry in retried.transactions]
    assert kinds.count(TransactionKind.CAPTURE) == 1


def test_a_capture_notified_before_the_authorization_is_handled(
    uow: Factory,
) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _new(uow, "25.00")
    pending = authorize_payment(
        payment.payment_id,
        "tok_pending",
        idempotency_key="auth-1",
        uow=uow(),
        gateway=fake,
        clock=CLOCK,
    )
    assert pending.status is PaymentStatus.PENDING
    reference = pending.provider_reference
    assert reference is not None
    fake.complete(reference)
    verifier = HmacSignatureVerifier(fake.webhook_secret)
    authorized = fake.notification(reference, "authorized")
    captured = fake.notification(
        reference,
        "captured",
        amount="25.00",
        currency="EUR",
        operation_reference=f"{reference}-capture-1",
    )
    results = [
        handle_notification(
            note.body, note.signature, uow=uow(), verifier=verifier, clock=CLOCK
        )
        for note in (captured, authorized)
    ]
    assert results == [NotificationResult.APPLIED, NotificationResult.ALREADY_KNOWN]
    stored = _load(uow, payment.payment_id)
    assert (stored.status, stored.captured) == (PaymentStatus.CAPTURED, eur("25.00"))


def test_a_notification_with_a_bad_signature_is_refused(uow: Factory) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _authorized(uow, fake)
    assert payment.provider_reference is not None
    note = fake.notification(payment.provider_reference, "captured")
    with pytest.raises(InvalidSignatureError):
        handle_notification(
            note.body,
            "0" * 64,
            uow=uow(),
            verifier=HmacSignatureVerifier(fake.webhook_secret),
            clock=CLOCK,
        )
    assert _load(uow, payment.payment_id).status is PaymentStatus.AUTHORIZED


def test_void_only_before_a_capture(uow: Factory) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _authorized(uow, fake)
    kw = {"uow": uow(), "gateway": fake, "clock": CLOCK}
    voided = void_payment(payment.payment_id, idempotency_key="v-1", **kw)  # type: ignore[arg-type]
    assert voided.status is PaymentStatus.VOIDED
    with pytest.raises(InvalidTransitionError):
        capture_payment(payment.payment_id, idempotency_key="c-1", **kw)  # type: ignore[arg-type]


def test_a_card_number_in_the_metadata_never_reaches_the_provider(
    uow: Factory,
) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _new(uow)
    with pytest.raises(ValidationError, match="card number"):
        authorize_payment(
            payment.payment_id,
            "tok_visa",
            idempotency_key="auth-1",
            uow=uow(),
            gateway=fake,
            clock=CLOCK,
            metadata={"note": "4111 1111 1111 1111"},
        )
    assert fake.calls == []


def test_the_sweep_expires_lapsed_authorizations_only(uow: Factory) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    first = _authorized(uow, fake)
    second = create_payment(
        "order-2",
        eur("10.00"),
        method="card",
        uow=uow(),
        ids=SequentialIds("pay-b-"),
        clock=CLOCK,
    )
    authorize_payment(
        second.payment_id,
        "tok_visa",
        idempotency_key="auth-2",
        uow=uow(),
        gateway=fake,
        clock=CLOCK,
    )
    capture_payment(
        second.payment_id, idempotency_key="cap-2", uow=uow(), gateway=fake, clock=CLOCK
    )
    expiry = _load(uow, first.payment_id).authorization_expires_at
    assert expiry is not None  # the fake holds for 7 days
    early = FixedClock(expiry - timedelta(seconds=1))
    assert expire_authorizations(uow=uow(), clock=early) == []
    swept = expire_authorizations(uow=uow(), clock=FixedClock(expiry))
    # The captured payment is not authorized any more: it does not lapse.
    assert swept == [first.payment_id]
    assert _load(uow, first.payment_id).status is PaymentStatus.EXPIRED
    assert _load(uow, second.payment_id).status is PaymentStatus.CAPTURED


def test_a_card_number_as_refund_reason_is_refused_before_anything_is_kept(
    uow: Factory,
) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _authorized(uow, fake)
    kw = {"uow": uow(), "gateway": fake, "clock": CLOCK}
    capture_payment(payment.payment_id, idempotency_key="c-1", **kw)  # type: ignore[arg-type]
    with pytest.raises(CardDataError) as error:
        refund_payment(
            payment.payment_id,
            eur("5.00"),
            idempotency_key="r-1",
            reason="card 4111 1111 1111 1111",
            **kw,  # type: ignore[arg-type]
        )
    assert error.value.field == "reason"
    with uow() as work:
        assert work.payments.recall("r-1") is None
    assert [c.operation for c in fake.calls].count("refund") == 0


def test_a_reused_key_is_named_without_the_token(uow: Factory) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _authorized(uow, fake)
    with pytest.raises(IdempotencyKeyReusedError) as error:
        capture_payment(
            payment.payment_id,
            idempotency_key="auth-1",
            uow=uow(),
            gateway=fake,
            clock=CLOCK,
        )
    assert "tok_visa" not in str(error.value)
    assert "the authorize of payment pay-1" in str(error.value)


def test_a_dispute_outcome_told_again_is_already_known(uow: Factory) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _authorized(uow, fake)
    capture_payment(
        payment.payment_id, idempotency_key="c-1", uow=uow(), gateway=fake, clock=CLOCK
    )
    reference = payment.provider_reference
    assert reference is not None
    verifier = HmacSignatureVerifier(fake.webhook_secret)
    notes = [
        fake.notification(
            reference,
            "dispute_opened",
            dispute_id="dp-1",
            amount="40.00",
            currency="EUR",
        ),
        fake.notification(reference, "dispute_won", dispute_id="dp-1"),
        fake.notification(reference, "dispute_won", dispute_id="dp-1"),
    ]
    results = [
        handle_notification(
            n.body, n.signature, uow=uow(), verifier=verifier, clock=CLOCK
        )
        for n in notes
    ]
    assert results == [
        NotificationResult.APPLIED,
        NotificationResult.APPLIED,
        NotificationResult.ALREADY_KNOWN,
    ]
    assert _load(uow, payment.payment_id).balance == eur("100.00")
