"""The fake payment provider: its books, its rules, its scripts and its tokens."""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from commercekit.errors import DuplicateError, UsageError
from commercekit.money import Money, money
from commercekit.payments import (
    AuthorizeRequest,
    CaptureRequest,
    GatewayOutcome,
    GatewayResult,
    GatewayUnavailableError,
    IdempotencyKeyReusedError,
    PaymentError,
    RefundRequest,
    RequiredAction,
    TransactionKind,
    VoidRequest,
)
from commercekit.testing import (
    FakePaymentGateway,
    FixedClock,
    GatewayCall,
    GatewayLedgerEntry,
    ProviderKeyReusedError,
    Script,
)

APPROVED = GatewayOutcome.APPROVED
DECLINED = GatewayOutcome.DECLINED


def eur(amount: str) -> Money:
    return money(amount, "EUR")


def authorize_request(
    amount: str = "100.00",
    *,
    token: str = "tok_visa",  # noqa: S107 - a test token, no secret
    key: str = "auth-1",
    capture: bool = False,
    payment: str = "pay-1",
) -> AuthorizeRequest:
    return AuthorizeRequest(
        payment_id=payment,
        amount=eur(amount),
        token=token,
        idempotency_key=key,
        capture=capture,
    )


def capture_request(
    amount: str, *, key: str, reference: str = "fake-pay-1"
) -> CaptureRequest:
    return CaptureRequest(
        payment_id="pay-1", reference=reference, amount=eur(amount), idempotency_key=key
    )


def refund_request(
    amount: str, *, key: str, reference: str = "fake-pay-1"
) -> RefundRequest:
    return RefundRequest(
        payment_id="pay-1", reference=reference, amount=eur(amount), idempotency_key=key
    )


def void_request(*, key: str, reference: str = "fake-pay-1") -> VoidRequest:
    return VoidRequest(payment_id="pay-1", reference=reference, idempotency_key=key)


def moves(fake: FakePaymentGateway) -> list[tuple[str, str, str]]:
    """The ledger as (kind, operation reference, amount) rows."""
    return [
        (entry.kind.value, entry.operation_reference, str(entry.amount.amount))
        for entry in fake.ledger
    ]


def hint(fake: FakePaymentGateway, reference: str = "fake-pay-1") -> str | None:
    return fake.status(reference).status_hint


# -- approvals and the provider's books ---------------------------------------------


def test_authorize_holds_the_amount_under_a_new_reference() -> None:
    fake = FakePaymentGateway()
    result = fake.authorize(authorize_request("100.00"))
    assert result.outcome is APPROVED
    assert result.reference == "fake-pay-1"
    assert result.amount == eur("100.00")
    # the default clock shows 2026-01-05 09:00 UTC; a hold lasts 7 days
    assert result.expires_at == datetime(2026, 1, 12, 9, tzinfo=UTC)
    assert fake.held("fake-pay-1") == eur("100.00")
    assert fake.captured("fake-pay-1") == eur("0")
    assert fake.refunded("fake-pay-1") == eur("0")
    assert fake.ledger == [
        GatewayLedgerEntry(
            kind=TransactionKind.AUTHORIZATION,
            reference="fake-pay-1",
            operation_reference="fake-pay-1",
            amount=eur("100.00"),
            idempotency_key="auth-1",
        )
    ]
    assert hint(fake) == "authorized"


def test_references_count_up_per_gateway_declines_included() -> None:
    fake = FakePaymentGateway()
    first = fake.authorize(authorize_request(key="a"))
    declined = fake.authorize(authorize_request(key="b", token="tok_declined"))
    third = fake.authorize(authorize_request(key="c"))
    assert [first.reference, declined.reference, third.reference] == [
        "fake-pay-1",
        "fake-pay-2",
        "fake-pay-3",
    ]
    assert FakePaymentGateway().authorize(authorize_request()).reference == (
        "fake-pay-1"
    )  # no state shared between gateways


def test_authorize_with_capture_takes_the_amount_at_once() -> None:
    fake = FakePaymentGateway()
    result = fake.authorize(authorize_request("49.90", capture=True))
    assert (result.outcome, result.amount, result.expires_at) == (
        APPROVED,
        eur("49.90"),
        None,
    )
    assert moves(fake) == [
        ("authorization", "fake-pay-1", "49.90"),
        ("capture", "fake-pay-1-capture-1", "49.90"),
    ]
    assert fake.captured("fake-pay-1") == eur("49.90")
    assert fake.held("fake-pay-1") == eur("0")
    assert hint(fake) == "captured"


def test_partial_captures_up_to_the_held_amount() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    first = fake.capture(capture_request("60.00", key="cap-1"))
    assert (first.outcome, first.reference, first.amount) == (
        APPROVED,
        "fake-pay-1-capture-1",
        eur("60.00"),
    )
    assert hint(fake) == "partially_captured"
    fake.capture(capture_request("30.00", key="cap-2"))
    assert fake.held("fake-pay-1") == eur("10.00")  # 100.00 - 60.00 - 30.00

    too_much = fake.capture(capture_request("10.01", key="cap-3"))
    assert too_much.outcome is DECLINED
    assert too_much.decline_code == "amount_too_large"
    assert too_much.decline_message
    assert too_much.reference == "fake-pay-1"
    assert fake.captured("fake-pay-1") == eur("90.00")

    last = fake.capture(capture_request("10.00", key="cap-4"))
    assert last.reference == "fake-pay-1-capture-3"
    assert fake.captured("fake-pay-1") == eur("100.00")
    assert fake.held("fake-pay-1") == eur("0")
    assert hint(fake) == "captured"
    assert moves(fake) == [
        ("authorization", "fake-pay-1", "100.00"),
        ("capture", "fake-pay-1-capture-1", "60.00"),
        ("capture", "fake-pay-1-capture-2", "30.00"),
        ("capture", "fake-pay-1-capture-3", "10.00"),
    ]


def test_refunds_up_to_captured_minus_refunded() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    fake.capture(capture_request("80.00", key="cap-1"))

    first = fake.refund(refund_request("30.00", key="ref-1"))
    assert (first.outcome, first.reference, first.amount) == (
        APPROVED,
        "fake-pay-1-refund-1",
        eur("30.00"),
    )
    assert hint(fake) == "partially_refunded"

    too_much = fake.refund(refund_request("50.01", key="ref-2"))  # 80 - 30 = 50
    assert (too_much.outcome, too_much.decline_code) == (DECLINED, "amount_too_large")
    assert fake.refunded("fake-pay-1") == eur("30.00")

    fake.refund(refund_request("50.00", key="ref-3"))
    assert fake.refunded("fake-pay-1") == eur("80.00")
    assert hint(fake) == "refunded"

    again = fake.refund(refund_request("0.01", key="ref-4"))
    assert (again.outcome, again.decline_code) == (DECLINED, "already_refunded")
    assert [row for row in moves(fake) if row[0] == "refund"] == [
        ("refund", "fake-pay-1-refund-1", "30.00"),
        ("refund", "fake-pay-1-refund-2", "50.00"),
    ]


def test_a_refund_before_any_capture_is_declined() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    result = fake.refund(refund_request("10.00", key="ref-1"))
    assert (result.outcome, result.decline_code) == (DECLINED, "not_captured")
    assert moves(fake) == [("authorization", "fake-pay-1", "100.00")]


def test_void_releases_the_hold_and_ends_the_payment() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    result = fake.void(void_request(key="void-1"))
    assert (result.outcome, result.reference, result.amount) == (
        APPROVED,
        "fake-pay-1-void-1",
        eur("100.00"),
    )
    assert fake.held("fake-pay-1") == eur("0")
    assert hint(fake) == "voided"
    assert moves(fake) == [
        ("authorization", "fake-pay-1", "100.00"),
        ("void", "fake-pay-1-void-1", "100.00"),
    ]

    capture = fake.capture(capture_request("10.00", key="cap-1"))
    assert (capture.outcome, capture.decline_code) == (
        DECLINED,
        "authorization_voided",
    )
    again = fake.void(void_request(key="void-2"))
    assert (again.outcome, again.decline_code) == (DECLINED, "already_voided")
    assert len(fake.ledger) == 2


@pytest.mark.parametrize("captured", ["40.00", "100.00"])
def test_a_void_after_a_capture_is_declined(captured: str) -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    fake.capture(capture_request(captured, key="cap-1"))
    result = fake.void(void_request(key="void-1"))
    assert (result.outcome, result.decline_code) == (DECLINED, "already_captured")
    assert fake.captured("fake-pay-1") == eur(captured)


def test_a_capture_after_the_full_capture_is_declined() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00", capture=True))
    result = fake.capture(capture_request("1.00", key="cap-1"))
    assert (result.outcome, result.decline_code) == (DECLINED, "already_captured")


def test_a_hold_lapses_after_seven_days_unless_something_was_captured() -> None:
    clock = FixedClock(datetime(2026, 3, 2, 12, tzinfo=UTC))
    fake = FakePaymentGateway(clock=clock)
    fake.authorize(authorize_request("100.00", key="a"))
    fake.authorize(authorize_request("100.00", key="b"))
    fake.capture(capture_request("10.00", key="cap-b", reference="fake-pay-2"))

    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert hint(fake) == "authorized"
    clock.advance(timedelta(seconds=1))
    assert hint(fake) == "expired"
    assert fake.held("fake-pay-1") == eur("0")
    late = fake.capture(capture_request("10.00", key="cap-a"))
    assert (late.outcome, late.decline_code) == (DECLINED, "authorization_expired")
    void = fake.void(void_request(key="void-a"))
    assert (void.outcome, void.decline_code) == (DECLINED, "authorization_expired")
    assert hint(fake, "fake-pay-2") == "partially_captured"  # a capture stops the clock


@pytest.mark.parametrize(
    "call",
    [
        lambda f: f.capture(capture_request("1.00", key="k", reference="fake-pay-9")),
        lambda f: f.refund(refund_request("1.00", key="k", reference="fake-pay-9")),
        lambda f: f.void(void_request(key="k", reference="fake-pay-9")),
        lambda f: f.status("fake-pay-9"),
        lambda f: f.held("fake-pay-9"),
        lambda f: f.captured("fake-pay-9"),
        lambda f: f.refunded("fake-pay-9"),
        lambda f: f.complete("fake-pay-9"),
    ],
    ids=[
        "capture",
        "refund",
        "void",
        "status",
        "held",
        "captured",
        "refunded",
        "complete",
    ],
)
def test_an_unknown_reference_is_a_payment_error(
    call: Callable[[FakePaymentGateway], object],
) -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request())
    with pytest.raises(PaymentError, match="fake-pay-9"):
        call(fake)


def test_another_currency_is_a_payment_error() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    request = CaptureRequest(
        payment_id="pay-1",
        reference="fake-pay-1",
        amount=money("10.00", "USD"),
        idempotency_key="cap-1",
    )
    with pytest.raises(PaymentError, match="EUR, not USD"):
        fake.capture(request)
    assert fake.captured("fake-pay-1") == eur("0")


# -- idempotency at the provider -----------------------------------------------------


def test_the_same_key_and_request_return_the_first_answer_and_move_nothing() -> None:
    fake = FakePaymentGateway()
    first_auth = fake.authorize(authorize_request("100.00"))
    assert fake.authorize(authorize_request("100.00")) == first_auth
    first_capture = fake.capture(capture_request("60.00", key="cap-1"))
    assert fake.capture(capture_request("60.00", key="cap-1")) == first_capture
    first_refund = fake.refund(refund_request("20.00", key="ref-1"))
    assert fake.refund(refund_request("20.00", key="ref-1")) == first_refund
    assert moves(fake) == [
        ("authorization", "fake-pay-1", "100.00"),
        ("capture", "fake-pay-1-capture-1", "60.00"),
        ("refund", "fake-pay-1-refund-1", "20.00"),
    ]
    with pytest.raises(PaymentError):  # no second payment was made
        fake.held("fake-pay-2")


def test_a_repeated_void_returns_the_first_answer() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request())
    first = fake.void(void_request(key="void-1"))
    assert fake.void(void_request(key="void-1")) == first
    assert first.outcome is APPROVED
    assert [row[0] for row in moves(fake)] == ["authorization", "void"]


def test_a_repeated_decline_is_the_same_decline() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    first = fake.capture(capture_request("150.00", key="cap-1"))
    assert fake.capture(capture_request("150.00", key="cap-1")) == first
    assert first.decline_code == "amount_too_large"


def test_a_key_reused_with_another_amount_is_refused() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    fake.capture(capture_request("60.00", key="cap-1"))
    with pytest.raises(ProviderKeyReusedError) as caught:
        fake.capture(capture_request("70.00", key="cap-1"))
    error = caught.value
    assert isinstance(error, PaymentError)
    assert isinstance(error, IdempotencyKeyReusedError)
    assert isinstance(error, DuplicateError)
    assert error.code == "idempotency_key_reused"
    assert error.key == "cap-1"
    assert error.payment_id == "pay-1"
    assert "60.00" in error.first
    assert "70.00" in error.now
    assert "cap-1" in str(error)
    assert fake.captured("fake-pay-1") == eur("60.00")


def test_a_key_reused_for_another_operation_is_refused() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00", key="k-1"))
    with pytest.raises(ProviderKeyReusedError, match="authorize"):
        fake.capture(capture_request("100.00", key="k-1"))
    assert fake.captured("fake-pay-1") == eur("0")


def test_a_key_reused_with_other_metadata_is_refused() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request())
    changed = AuthorizeRequest(
        payment_id="pay-1",
        amount=eur("100.00"),
        token="tok_visa",
        idempotency_key="auth-1",
        metadata={"order": "order-2"},
    )
    with pytest.raises(ProviderKeyReusedError):
        fake.authorize(changed)


def test_the_refusal_pickles() -> None:
    error = ProviderKeyReusedError(key="k", first="a", now="b", payment_id="pay-1")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ProviderKeyReusedError
    assert (copy.key, copy.first, copy.now, str(copy)) == ("k", "a", "b", str(error))


# -- lost replies and timeouts --------------------------------------------------------


def test_a_capture_retried_five_times_after_a_lost_reply_is_captured_once() -> None:
    def handler(call: GatewayCall) -> Script | None:
        if call.operation == "capture" and call.attempt == 1:
            return Script.lose_reply()
        return None

    fake = FakePaymentGateway(handler)
    fake.authorize(authorize_request("100.00"))
    request = capture_request("60.00", key="cap-1")
    with pytest.raises(GatewayUnavailableError) as caught:
        fake.capture(request)
    assert caught.value.retryable
    assert fake.captured("fake-pay-1") == eur("60.00")  # it happened regardless

    answers = [fake.capture(request) for _ in range(5)]
    assert {answer.reference for answer in answers} == {"fake-pay-1-capture-1"}
    assert {answer.amount for answer in answers} == {eur("60.00")}
    assert [row for row in moves(fake) if row[0] == "capture"] == [
        ("capture", "fake-pay-1-capture-1", "60.00")
    ]
    assert fake.captured("fake-pay-1") == eur("60.00")
    assert fake.held("fake-pay-1") == eur("40.00")
    assert [c.attempt for c in fake.calls if c.operation == "capture"] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]


def test_every_reply_lost_five_times_still_captures_once() -> None:
    def handler(call: GatewayCall) -> Script | None:
        if call.operation == "capture" and call.attempt <= 5:
            return Script.lose_reply()
        return None

    fake = FakePaymentGateway(handler)
    fake.authorize(authorize_request("100.00"))
    for _ in range(4):  # attempts 1 to 4 of the capture key
        with pytest.raises(GatewayUnavailableError):
            fake.capture(capture_request("25.00", key="cap-1"))
    with pytest.raises(GatewayUnavailableError):
        fake.capture(capture_request("25.00", key="cap-1"))  # attempt 5
    answer = fake.capture(capture_request("25.00", key="cap-1"))  # attempt 6
    assert (answer.outcome, answer.amount) == (APPROVED, eur("25.00"))
    assert fake.captured("fake-pay-1") == eur("25.00")
    assert sum(1 for e in fake.ledger if e.kind is TransactionKind.CAPTURE) == 1


def test_a_lost_authorize_reply_gives_the_same_reference_on_retry() -> None:
    def handler(call: GatewayCall) -> Script | None:
        return Script.lose_reply() if call.attempt == 1 else None

    fake = FakePaymentGateway(handler)
    with pytest.raises(GatewayUnavailableError, match="reply was lost"):
        fake.authorize(authorize_request("100.00"))
    assert fake.held("fake-pay-1") == eur("100.00")
    assert fake.authorize(authorize_request("100.00")).reference == "fake-pay-1"
    assert moves(fake) == [("authorization", "fake-pay-1", "100.00")]


def test_a_timeout_happens_before_processing_and_a_retry_moves_the_money_once() -> None:
    def handler(call: GatewayCall) -> Script | None:
        if call.operation == "refund" and call.attempt <= 2:
            return Script.timeout()
        return None

    fake = FakePaymentGateway(handler)
    fake.authorize(authorize_request("100.00", capture=True))
    request = refund_request("15.00", key="ref-1")
    for _ in range(2):
        with pytest.raises(GatewayUnavailableError, match="did nothing") as caught:
            fake.refund(request)
        assert caught.value.retryable
        assert caught.value.payment_id == "pay-1"
        assert fake.refunded("fake-pay-1") == eur("0")
    assert fake.refund(request).amount == eur("15.00")
    assert fake.refund(request).amount == eur("15.00")
    assert fake.refunded("fake-pay-1") == eur("15.00")
    assert [row[0] for row in moves(fake)] == ["authorization", "capture", "refund"]


def test_fail_raises_a_payment_error_and_moves_nothing() -> None:
    fake = FakePaymentGateway(lambda call: Script.fail("internal error at the bank"))
    with pytest.raises(PaymentError, match="internal error at the bank") as caught:
        fake.authorize(authorize_request())
    assert not isinstance(caught.value, GatewayUnavailableError)
    assert fake.ledger == []


# -- the handler ---------------------------------------------------------------------


def test_the_handler_sees_each_call_and_its_attempt() -> None:
    seen: list[tuple[str, str | None, str | None, int]] = []

    def handler(call: GatewayCall) -> None:
        seen.append(
            (call.operation, call.reference, call.idempotency_key, call.attempt)
        )

    fake = FakePaymentGateway(handler)
    fake.authorize(authorize_request(key="auth-1"))
    fake.authorize(authorize_request(key="auth-1"))
    fake.capture(capture_request("10.00", key="cap-1"))
    fake.capture(capture_request("10.00", key="cap-1"))
    fake.capture(capture_request("10.00", key="cap-1"))
    fake.capture(capture_request("10.00", key="cap-2"))
    fake.status("fake-pay-1")
    fake.status("fake-pay-1")
    assert seen == [
        ("authorize", None, "auth-1", 1),
        ("authorize", None, "auth-1", 2),
        ("capture", "fake-pay-1", "cap-1", 1),
        ("capture", "fake-pay-1", "cap-1", 2),
        ("capture", "fake-pay-1", "cap-1", 3),
        ("capture", "fake-pay-1", "cap-2", 1),
        ("status", "fake-pay-1", None, 1),
        ("status", "fake-pay-1", None, 2),
    ]
    assert [
        (c.operation, c.reference, c.idempotency_key, c.attempt) for c in fake.calls
    ] == seen
    assert fake.captured("fake-pay-1") == eur("20.00")


def test_a_call_shows_its_request_and_amount() -> None:
    fake = FakePaymentGateway()
    request = authorize_request("12.34")
    fake.authorize(request)
    fake.void(void_request(key="void-1"))
    fake.status("fake-pay-1")
    authorize, void, status = fake.calls
    assert (authorize.request, authorize.amount) == (request, eur("12.34"))
    assert (void.amount, void.idempotency_key) == (None, "void-1")
    assert (status.request, status.amount, status.idempotency_key) == (
        None,
        None,
        None,
    )


def test_a_result_from_the_handler_is_the_answer_and_is_kept_under_the_key() -> None:
    scripted = GatewayResult(
        outcome=GatewayOutcome.PENDING, reference="psp-77", amount=eur("5.00")
    )
    answers = iter([scripted, None])
    fake = FakePaymentGateway(lambda call: next(answers))
    assert fake.authorize(authorize_request("5.00")) is scripted
    assert fake.authorize(authorize_request("5.00")) is scripted  # the key's answer
    assert fake.ledger == []


def test_a_scripted_decline_of_an_authorization_fails_the_payment() -> None:
    def handler(call: GatewayCall) -> Script | None:
        if call.operation == "authorize":
            return Script.decline("do_not_honor", "Ask your bank.")
        return None

    fake = FakePaymentGateway(handler)
    result = fake.authorize(authorize_request())
    assert (result.outcome, result.reference) == (DECLINED, "fake-pay-1")
    assert (result.decline_code, result.decline_message) == (
        "do_not_honor",
        "Ask your bank.",
    )
    status = fake.status("fake-pay-1")
    assert (status.outcome, status.status_hint, status.decline_code) == (
        DECLINED,
        "failed",
        "do_not_honor",
    )
    assert fake.ledger == []
    assert fake.held("fake-pay-1") == eur("0")


def test_a_scripted_decline_of_a_capture_moves_nothing() -> None:
    def handler(call: GatewayCall) -> Script | None:
        return (
            Script.decline("processing_error") if call.operation == "capture" else None
        )

    fake = FakePaymentGateway(handler)
    fake.authorize(authorize_request("100.00"))
    result = fake.capture(capture_request("100.00", key="cap-1"))
    assert (result.outcome, result.decline_code, result.decline_message) == (
        DECLINED,
        "processing_error",
        "The payment was declined.",
    )
    assert fake.held("fake-pay-1") == eur("100.00")
    assert hint(fake) == "authorized"


def test_a_scripted_action_carries_its_url_and_data() -> None:
    action = Script.require_action(
        "redirect", url="https://bank.test/approve", data={"session": "s-1"}
    )
    fake = FakePaymentGateway(
        lambda call: action if call.operation == "authorize" else None
    )
    result = fake.authorize(authorize_request())
    assert result.outcome is GatewayOutcome.REQUIRES_ACTION
    assert result.action == RequiredAction(
        kind="redirect", url="https://bank.test/approve", data={"session": "s-1"}
    )
    assert fake.status("fake-pay-1").action == result.action


@pytest.mark.parametrize("script", [Script.pending(), Script.require_action()])
def test_only_an_authorization_can_wait(script: Script) -> None:
    def handler(call: GatewayCall) -> Script | None:
        return script if call.operation != "authorize" else None

    fake = FakePaymentGateway(handler)
    fake.authorize(authorize_request())
    with pytest.raises(UsageError, match=script.kind):
        fake.capture(capture_request("1.00", key="cap-1"))
    with pytest.raises(UsageError, match=script.kind):
        fake.status("fake-pay-1")


def test_a_handler_that_returns_something_else_is_a_usage_error() -> None:
    fake = FakePaymentGateway(lambda call: "approve")  # type: ignore[arg-type, return-value]
    with pytest.raises(UsageError, match="'approve'"):
        fake.authorize(authorize_request())


def test_status_can_be_scripted() -> None:
    answers = iter([Script.timeout(), Script.fail("maintenance"), None])
    fake = FakePaymentGateway(
        lambda call: next(answers) if call.operation == "status" else None
    )
    fake.authorize(authorize_request())
    with pytest.raises(GatewayUnavailableError):
        fake.status("fake-pay-1")
    with pytest.raises(PaymentError, match="maintenance"):
        fake.status("fake-pay-1")
    assert hint(fake) == "authorized"


def test_the_handler_may_read_the_books() -> None:
    fake: FakePaymentGateway

    def handler(call: GatewayCall) -> Script | None:
        if call.operation == "capture" and fake.captured("fake-pay-1").amount > 0:
            return Script.decline("one_capture_only")
        return None

    fake = FakePaymentGateway(handler)
    fake.authorize(authorize_request("100.00"))
    assert fake.capture(capture_request("10.00", key="cap-1")).outcome is APPROVED
    second = fake.capture(capture_request("10.00", key="cap-2"))
    assert second.decline_code == "one_capture_only"


# -- test tokens ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("tok_declined", "card_declined"),
        ("tok_insufficient_funds", "insufficient_funds"),
        ("tok_expired_card", "expired_card"),
    ],
)
def test_decline_tokens(token: str, code: str) -> None:
    fake = FakePaymentGateway()
    result = fake.authorize(authorize_request(token=token))
    assert (result.outcome, result.decline_code) == (DECLINED, code)
    assert result.decline_message
    assert hint(fake) == "failed"
    assert fake.ledger == []


@pytest.mark.parametrize("token", ["tok_visa", "tok_mastercard", "tok_anything"])
def test_other_tokens_approve(token: str) -> None:
    result = FakePaymentGateway().authorize(authorize_request(token=token))
    assert result.outcome is APPROVED


def test_tok_3ds_requires_a_challenge_that_complete_approves() -> None:
    fake = FakePaymentGateway()
    first = fake.authorize(authorize_request("70.00", token="tok_3ds"))
    assert (first.outcome, first.reference) == (
        GatewayOutcome.REQUIRES_ACTION,
        "fake-pay-1",
    )
    assert first.action == RequiredAction(
        kind="three_d_secure",
        url="https://fake-pay.test/action/fake-pay-1",
        data={"reference": "fake-pay-1"},
    )
    assert fake.held("fake-pay-1") == eur("0")
    assert hint(fake) == "requires_action"
    assert fake.ledger == []

    done = fake.complete("fake-pay-1")
    assert (done.outcome, done.amount) == (APPROVED, eur("70.00"))
    assert fake.held("fake-pay-1") == eur("70.00")
    assert hint(fake) == "authorized"
    assert fake.ledger[0].idempotency_key is None
    # the first request's key keeps its first answer
    assert fake.authorize(authorize_request("70.00", token="tok_3ds")) == first
    with pytest.raises(UsageError, match="authorized"):
        fake.complete("fake-pay-1")


def test_complete_takes_the_amount_when_the_authorization_asked_to_capture() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("70.00", token="tok_3ds", capture=True))
    fake.complete("fake-pay-1")
    assert fake.captured("fake-pay-1") == eur("70.00")
    assert hint(fake) == "captured"


def test_complete_with_a_decline_code_fails_the_payment() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request(token="tok_3ds"))
    result = fake.complete("fake-pay-1", decline_code="authentication_failed")
    assert (result.outcome, result.decline_code, result.decline_message) == (
        DECLINED,
        "authentication_failed",
        "The card's authentication failed.",
    )
    assert hint(fake) == "failed"
    assert fake.status("fake-pay-1").action is None
    assert fake.ledger == []


def test_tok_pending_waits_for_complete() -> None:
    fake = FakePaymentGateway()
    result = fake.authorize(authorize_request("30.00", token="tok_pending"))
    assert (result.outcome, result.reference) == (GatewayOutcome.PENDING, "fake-pay-1")
    status = fake.status("fake-pay-1")
    assert (status.outcome, status.status_hint, status.amount) == (
        GatewayOutcome.PENDING,
        "pending",
        eur("30.00"),
    )
    capture = fake.capture(capture_request("30.00", key="cap-1"))
    assert (capture.outcome, capture.decline_code) == (DECLINED, "not_authorized")
    fake.complete("fake-pay-1")
    assert hint(fake) == "authorized"
    assert fake.capture(capture_request("30.00", key="cap-2")).outcome is APPROVED


def test_a_waiting_payment_can_be_voided_without_moving_money() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request(token="tok_3ds"))
    result = fake.void(void_request(key="void-1"))
    assert (result.outcome, result.amount) == (APPROVED, None)
    assert hint(fake) == "voided"
    assert fake.ledger == []


def test_tok_timeout_times_out_the_first_attempt_of_each_key() -> None:
    fake = FakePaymentGateway()
    with pytest.raises(GatewayUnavailableError) as caught:
        fake.authorize(authorize_request(token="tok_timeout", key="a"))
    assert caught.value.retryable
    assert fake.ledger == []
    retry = fake.authorize(authorize_request(token="tok_timeout", key="a"))
    assert retry.reference == "fake-pay-1"
    with pytest.raises(GatewayUnavailableError):
        fake.authorize(authorize_request(token="tok_timeout", key="b"))
    assert moves(fake) == [("authorization", "fake-pay-1", "100.00")]


def test_tok_lost_reply_approves_but_loses_the_first_reply() -> None:
    fake = FakePaymentGateway()
    with pytest.raises(GatewayUnavailableError):
        fake.authorize(authorize_request(token="tok_lost_reply"))
    assert fake.held("fake-pay-1") == eur("100.00")
    retry = fake.authorize(authorize_request(token="tok_lost_reply"))
    assert (retry.outcome, retry.reference) == (APPROVED, "fake-pay-1")
    assert len(fake.ledger) == 1


def test_the_handler_overrides_a_token() -> None:
    fake = FakePaymentGateway(lambda call: Script.decline("fraudulent"))
    assert fake.authorize(authorize_request(token="tok_visa")).decline_code == (
        "fraudulent"
    )


# -- status --------------------------------------------------------------------------


def test_status_reports_the_providers_view() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    status = fake.status("fake-pay-1")
    assert (status.outcome, status.reference, status.amount, status.expires_at) == (
        APPROVED,
        "fake-pay-1",
        eur("100.00"),
        datetime(2026, 1, 12, 9, tzinfo=UTC),
    )
    fake.capture(capture_request("100.00", key="cap-1"))
    status = fake.status("fake-pay-1")
    assert (status.status_hint, status.expires_at) == ("captured", None)


# -- notifications -------------------------------------------------------------------


def test_a_notification_carries_the_latest_movement_and_a_valid_signature() -> None:
    clock = FixedClock(datetime(2026, 2, 1, 10, 30, tzinfo=UTC))
    fake = FakePaymentGateway(clock=clock, webhook_secret=b"whsec_123")
    fake.authorize(authorize_request("100.00"))
    fake.capture(capture_request("60.00", key="cap-1"))
    fake.capture(capture_request("15.00", key="cap-2"))

    note = fake.notification("fake-pay-1", "captured")
    assert note.payload == {
        "event_id": "evt-1",
        "kind": "captured",
        "reference": "fake-pay-1",
        "occurred_at": "2026-02-01T10:30:00+00:00",
        "amount": "15.00",
        "currency": "EUR",
        "operation_reference": "fake-pay-1-capture-2",
    }
    assert json.loads(note.body) == dict(note.payload)
    assert note.body.startswith(b'{"amount":"15.00","currency":"EUR","event_id"')
    expected = hmac.new(b"whsec_123", note.body, hashlib.sha256).hexdigest()
    assert note.signature == expected
    assert fake.sign(note.body) == expected


def test_notification_event_ids_count_up_unless_given() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request())
    ids = [
        fake.notification("fake-pay-1", "authorized").payload["event_id"],
        fake.notification("fake-pay-1", "authorized", event_id="evt-x").payload[
            "event_id"
        ],
        fake.notification("fake-pay-1", "authorized").payload["event_id"],
    ]
    assert ids == ["evt-1", "evt-x", "evt-2"]


@pytest.mark.parametrize(
    ("kind", "facts"),
    [
        ("authorized", {"amount": "100.00", "currency": "EUR"}),
        (
            "refunded",
            {
                "amount": "25.00",
                "currency": "EUR",
                "operation_reference": "fake-pay-1-refund-1",
            },
        ),
        ("expired", {}),
    ],
)
def test_a_notification_takes_its_facts_from_the_books(
    kind: str, facts: dict[str, str]
) -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    fake.capture(capture_request("100.00", key="cap-1"))
    fake.refund(refund_request("25.00", key="ref-1"))
    payload = dict(fake.notification("fake-pay-1", kind).payload)
    for common in ("event_id", "kind", "reference", "occurred_at"):
        del payload[common]
    assert payload == facts


def test_notifications_of_a_void_and_a_failure() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request(key="a"))
    fake.void(void_request(key="v"))
    fake.authorize(authorize_request(key="b", token="tok_insufficient_funds"))
    voided = fake.notification("fake-pay-1", "voided").payload
    assert voided["operation_reference"] == "fake-pay-1-void-1"
    assert "amount" not in voided
    failed = fake.notification("fake-pay-2", "failed").payload
    assert failed["decline_code"] == "insufficient_funds"


def test_notification_fields_add_and_replace() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00", capture=True))
    note = fake.notification(
        "fake-pay-1", "dispute_opened", dispute_id="dp-1", amount="40.00"
    )
    assert note.payload["dispute_id"] == "dp-1"
    assert note.payload["amount"] == "40.00"
    assert note.signature == fake.sign(note.body)


def test_a_notification_for_an_unknown_reference_has_no_facts() -> None:
    note = FakePaymentGateway().notification("psp-404", "captured")
    assert set(note.payload) == {"event_id", "kind", "reference", "occurred_at"}


def test_another_secret_gives_another_signature() -> None:
    one = FakePaymentGateway(webhook_secret=b"one").notification("r", "captured")
    two = FakePaymentGateway(webhook_secret=b"two").notification("r", "captured")
    assert one.body == two.body
    assert one.signature != two.signature


# -- scripts --------------------------------------------------------------------------


def test_script_constructors() -> None:
    assert Script.decline().decline_code == "card_declined"
    assert Script.decline().decline_message == "The card was declined."
    assert Script.decline("weird_code").decline_message == "The payment was declined."
    assert Script.timeout().decline_message is None
    assert Script.fail().message == "the provider reported an error"
    action = Script.require_action()
    assert (action.kind, action.action_kind, action.url) == (
        "require_action",
        "three_d_secure",
        None,
    )
    assert dict(action.data) == {}
    assert [s.kind for s in (Script.pending(), Script.lose_reply())] == [
        "pending",
        "lose_reply",
    ]


# -- threads -------------------------------------------------------------------------


def test_concurrent_captures_never_take_more_than_is_held() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    racers = 8
    barrier = threading.Barrier(racers)
    results: list[GatewayResult] = []
    lock = threading.Lock()

    def capture(number: int) -> None:
        barrier.wait()
        result = fake.capture(capture_request("20.00", key=f"cap-{number}"))
        with lock:
            results.append(result)

    threads = [threading.Thread(target=capture, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = sorted(result.outcome.value for result in results)
    assert outcomes == ["approved"] * 5 + ["declined"] * 3  # 5 x 20.00 = 100.00
    assert fake.captured("fake-pay-1") == eur("100.00")
    assert sorted(r.operation_reference for r in fake.ledger[1:]) == [
        f"fake-pay-1-capture-{n}" for n in range(1, 6)
    ]


def test_concurrent_repeats_of_one_key_capture_once() -> None:
    fake = FakePaymentGateway()
    fake.authorize(authorize_request("100.00"))
    racers = 8
    barrier = threading.Barrier(racers)
    results: list[GatewayResult] = []
    lock = threading.Lock()

    def capture() -> None:
        barrier.wait()
        result = fake.capture(capture_request("20.00", key="cap-1"))
        with lock:
            results.append(result)

    threads = [threading.Thread(target=capture) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == racers
    assert len(set(results)) == 1
    assert fake.captured("fake-pay-1") == eur("20.00")
    assert sorted(c.attempt for c in fake.calls if c.operation == "capture") == list(
        range(1, racers + 1)
    )
