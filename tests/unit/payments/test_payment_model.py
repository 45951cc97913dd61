"""The payment aggregate: its lifecycle, amount rules, disputes and events."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commercekit.errors import (
    CurrencyMismatchError,
    InvalidTransitionError,
    ValidationError,
)
from commercekit.money import Money, money
from commercekit.payments import (
    ChargebackLost,
    Payment,
    PaymentAmountError,
    PaymentStatus,
    RequiredAction,
    TransactionKind,
)

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)


def eur(amount: str) -> Money:
    return money(amount, "EUR")


def _payment(amount: str = "100.00") -> Payment:
    return Payment(
        payment_id="pay-1",
        order_id="order-1",
        method="card",
        amount=eur(amount),
        created_at=AT,
    )


def _authorized(amount: str = "100.00") -> Payment:
    payment = _payment(amount)
    payment.authorize(eur(amount), at=AT, reference="auth-1")
    return payment


def test_the_refund_past_what_is_left_is_refused_and_changes_nothing() -> None:
    payment = _authorized()
    payment.capture(eur("60.00"), at=AT, reference="cap-1")
    payment.capture(eur("40.00"), at=AT, reference="cap-2")
    payment.refund(eur("30.00"), at=AT, reference="ref-1")
    before = copy.deepcopy(payment)
    # Captured 100.00 - refunded 30.00 = 70.00 can go back; 80.00 cannot.
    with pytest.raises(PaymentAmountError) as error:
        payment.refund(eur("80.00"), at=AT, reference="ref-2")
    assert error.value.rule == "refund_exceeds_captured"
    assert (error.value.requested, error.value.allowed) == ("80.00 EUR", "70.00 EUR")
    assert payment.status is PaymentStatus.PARTIALLY_REFUNDED
    assert payment == before
    assert payment.refundable == eur("70.00")


def test_captures_and_refunds_move_the_status_by_what_is_left() -> None:
    payment = _authorized()
    payment.capture(eur("60.00"), at=AT)
    assert (payment.status, payment.capturable) == (
        PaymentStatus.PARTIALLY_CAPTURED,
        eur("40.00"),
    )
    payment.capture(eur("40.00"), at=AT)
    assert (payment.status, payment.capturable) == (PaymentStatus.CAPTURED, eur("0"))
    payment.refund(eur("100.00"), at=AT)
    assert (payment.status, payment.balance) == (PaymentStatus.REFUNDED, eur("0"))
    kinds = [entry.kind for entry in payment.transactions]
    assert kinds == [
        TransactionKind.AUTHORIZATION,
        TransactionKind.CAPTURE,
        TransactionKind.CAPTURE,
        TransactionKind.REFUND,
    ]


def test_a_capture_above_the_authorization_is_refused() -> None:
    payment = _authorized()
    payment.capture(eur("70.00"), at=AT)
    with pytest.raises(PaymentAmountError) as error:
        payment.capture(eur("30.01"), at=AT)
    assert error.value.rule == "capture_exceeds_authorized"
    assert payment.captured == eur("70.00")


def test_an_authorization_above_the_payment_is_refused() -> None:
    payment = _payment("50.00")
    with pytest.raises(PaymentAmountError) as error:
        payment.authorize(eur("50.01"), at=AT, reference="a")
    assert error.value.rule == "amount_exceeds_payment"
    assert payment.status is PaymentStatus.PENDING


@pytest.mark.parametrize(
    ("call", "state"),
    [
        (lambda p: p.capture(eur("1.00"), at=AT), "pending"),
        (lambda p: p.refund(eur("1.00"), at=AT), "pending"),
        (lambda p: p.void(at=AT), "pending"),
        (lambda p: p.expire(at=AT), "pending"),
    ],
)
def test_moves_the_lifecycle_does_not_allow_name_state_and_event(
    call: object, state: str
) -> None:
    payment = _payment()
    with pytest.raises(InvalidTransitionError) as error:
        call(payment)  # type: ignore[operator]
    assert (error.value.aggregate, error.value.state) == ("payment", state)
    assert payment == _payment()


def test_a_void_after_a_capture_is_refused() -> None:
    payment = _authorized()
    payment.capture(eur("10.00"), at=AT)
    with pytest.raises(InvalidTransitionError, match="cannot void"):
        payment.void(at=AT)


def test_amounts_must_be_positive_and_in_the_payments_currency() -> None:
    payment = _authorized()
    with pytest.raises(ValidationError, match="more than 0"):
        payment.capture(eur("0.00"), at=AT)
    with pytest.raises(CurrencyMismatchError):
        payment.capture(money("10.00", "USD"), at=AT)
    with pytest.raises(ValidationError, match="more than 0"):
        _payment("0.00")


def test_three_d_secure_then_authorized() -> None:
    payment = _payment()
    action = RequiredAction(kind="three_d_secure", data={"client_secret": "s-1"})
    payment.require_action(action, at=AT, reference="pi-1")
    assert (payment.status, payment.action) == (PaymentStatus.REQUIRES_ACTION, action)
    payment.authorize(eur("100.00"), at=AT, reference="pi-1")
    assert (payment.status, payment.action) == (PaymentStatus.AUTHORIZED, None)


def test_a_decline_fails_the_payment_with_the_code() -> None:
    payment = _payment()
    payment.fail(at=AT, decline_code="insufficient_funds", message="Not enough funds.")
    assert payment.status is PaymentStatus.FAILED
    assert (payment.decline_code, payment.decline_message) == (
        "insufficient_funds",
        "Not enough funds.",
    )


def test_an_authorization_that_lapses_expires() -> None:
    payment = _payment()
    payment.authorize(
        eur("100.00"), at=AT, reference="a", expires_at=AT + timedelta(days=7)
    )
    payment.expire(at=AT + timedelta(days=7))
    assert payment.status is PaymentStatus.EXPIRED
    assert payment.capturable == eur("0")


def test_a_lost_chargeback_leaves_the_balance_and_emits_an_event() -> None:
    payment = _authorized()
    payment.capture(eur("100.00"), at=AT)
    payment.refund(eur("10.00"), at=AT)
    payment.pull_events()
    payment.open_dispute("dp-1", eur("50.00"), at=AT)
    assert payment.balance == eur("90.00")  # an open dispute moves no money yet
    payment.lose_dispute("dp-1", at=AT)
    payment.lose_dispute("dp-1", at=AT)  # told twice: once
    # 100.00 captured - 10.00 refunded - 50.00 charged back = 40.00.
    assert payment.balance == eur("40.00")
    assert payment.refundable == eur("40.00")
    events = payment.pull_events()
    assert events[-1] == ChargebackLost(
        payment_id="pay-1", order_id="order-1", amount=eur("50.00"), dispute_id="dp-1"
    )
    assert len(events) == 2


def test_a_dispute_above_what_is_held_is_refused() -> None:
    payment = _authorized()
    payment.capture(eur("40.00"), at=AT)
    payment.open_dispute("dp-1", eur("30.00"), at=AT)
    with pytest.raises(PaymentAmountError) as error:
        payment.open_dispute("dp-2", eur("10.01"), at=AT)
    assert error.value.rule == "dispute_exceeds_captured"


def test_a_won_dispute_keeps_the_money_and_cannot_be_lost_after() -> None:
    payment = _authorized()
    payment.capture(eur("40.00"), at=AT)
    payment.open_dispute("dp-1", eur("30.00"), at=AT)
    payment.win_dispute("dp-1", at=AT)
    assert payment.balance == eur("40.00")
    with pytest.raises(InvalidTransitionError):
        payment.lose_dispute("dp-1", at=AT)


def test_a_stored_status_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a payment status") as error:
        Payment(
            payment_id="pay-1",
            order_id="o",
            method="card",
            amount=eur("1.00"),
            created_at=AT,
            status="settled",
        )
    assert error.value.field == "status"


_operations = st.lists(
    st.tuples(
        st.sampled_from(["capture", "refund", "void", "expire", "dispute", "lose"]),
        st.integers(1, 12000),
    ),
    max_size=25,
)


@given(_operations)
def test_the_amounts_never_pass_one_another(ops: list[tuple[str, int]]) -> None:
    """Whatever is asked, in any order: captured never exceeds authorized,
    refunded and charged back together never exceed captured, and a refused
    operation leaves the payment exactly as it was."""
    payment = _authorized("100.00")
    for n, (name, cents) in enumerate(ops):
        amount = money(Decimal(cents).scaleb(-2), "EUR")
        before = copy.deepcopy(payment)
        try:
            if name == "capture":
                payment.capture(amount, at=AT)
            elif name == "refund":
                payment.refund(amount, at=AT)
            elif name == "void":
                payment.void(at=AT)
            elif name == "expire":
                payment.expire(at=AT)
            elif name == "dispute":
                payment.open_dispute(f"dp-{n}", amount, at=AT)
            else:
                for dispute in payment.disputes:
                    payment.lose_dispute(dispute.dispute_id, at=AT)
        except (PaymentAmountError, InvalidTransitionError):
            assert payment == before
        assert payment.captured <= payment.authorized
        assert payment.refunded + payment.charged_back <= payment.captured


def test_money_an_open_dispute_holds_cannot_be_refunded_as_well() -> None:
    payment = _authorized()
    payment.capture(eur("100.00"), at=AT)
    payment.open_dispute("dp-1", eur("30.00"), at=AT)
    # 100.00 held, 30.00 of it disputed: 70.00 can be refunded.
    assert (payment.balance, payment.disputed, payment.refundable) == (
        eur("100.00"),
        eur("30.00"),
        eur("70.00"),
    )
    with pytest.raises(PaymentAmountError):
        payment.refund(eur("70.01"), at=AT)
    payment.lose_dispute("dp-1", at=AT)
    assert (payment.balance, payment.refundable) == (eur("70.00"), eur("70.00"))
