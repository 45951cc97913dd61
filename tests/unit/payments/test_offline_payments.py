"""Payments without a gateway: invoice, cash on delivery and prepayment."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commercekit.errors import (
    CurrencyMismatchError,
    InvalidTransitionError,
    ValidationError,
)
from commercekit.money import Money, from_minor_units, money, sum_money
from commercekit.payments import (
    BANK_TRANSFER_ACTION,
    Payment,
    PaymentActionRequired,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentStatus,
    TransactionKind,
    TransferStatus,
    cancel_prepayment,
    open_cash_on_delivery_payment,
    open_invoice_payment,
    open_prepayment,
    prepayment_reference,
    record_bank_transfer,
    record_cash_collected,
    record_incoming_payment,
    reference_matches,
)

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)
LATER = AT + timedelta(days=3)


def eur(amount: str) -> Money:
    return money(amount, "EUR")


def _invoice(amount: str = "100.00") -> Payment:
    return open_invoice_payment(
        payment_id="pay-1", order_id="order-1", amount=eur(amount), at=AT
    )


def _prepayment(amount: str = "100.00") -> Payment:
    return open_prepayment(
        payment_id="pay-1",
        order_id="2026-000123",
        amount=eur(amount),
        at=AT,
        bank_details={"iban": "DE02120300000000202051", "bic": "BYLADEM1001"},
    )


def _facts(payment: Payment) -> tuple[object, ...]:
    """Status, authorized, captured and action, unnarrowed by earlier asserts."""
    return (payment.status, payment.authorized, payment.captured, payment.action)


# -- invoice ------------------------------------------------------------------------


def test_an_invoice_payment_is_authorized_at_once() -> None:
    payment = _invoice()
    assert (payment.method, payment.status) == ("invoice", PaymentStatus.AUTHORIZED)
    assert (payment.authorized, payment.capturable) == (eur("100.00"), eur("100.00"))
    assert payment.provider_reference == "pay-1"
    assert payment.pull_events() == [
        PaymentAuthorized(payment_id="pay-1", order_id="order-1", amount=eur("100.00"))
    ]
    numbered = open_invoice_payment(
        payment_id="pay-2",
        order_id="order-2",
        amount=eur("100.00"),
        at=AT,
        reference="RE-2026-0001",
        method="invoice_b2b",
    )
    assert (numbered.provider_reference, numbered.method) == (
        "RE-2026-0001",
        "invoice_b2b",
    )


def test_an_invoice_paid_in_two_parts_is_captured_in_two_parts() -> None:
    payment = _invoice()
    first = record_incoming_payment(payment, eur("30.00"), at=AT, reference="stmt-1")
    assert (first.status, first.applied, first.excess, first.outstanding) == (
        TransferStatus.PARTIAL,
        eur("30.00"),
        eur("0.00"),
        eur("70.00"),
    )
    assert payment.status is PaymentStatus.PARTIALLY_CAPTURED
    second = record_incoming_payment(
        payment, eur("70.00"), at=LATER, reference="stmt-2"
    )
    assert (second.status, second.outstanding, second.overpaid) == (
        TransferStatus.PAID,
        eur("0.00"),
        False,
    )
    assert (payment.status, payment.captured) == (PaymentStatus.CAPTURED, eur("100.00"))
    captures = [t for t in payment.transactions if t.kind is TransactionKind.CAPTURE]
    assert [(t.amount, t.reference) for t in captures] == [
        (eur("30.00"), "stmt-1"),
        (eur("70.00"), "stmt-2"),
    ]


def test_an_overpaid_invoice_captures_what_is_owed_and_reports_the_rest() -> None:
    payment = _invoice()
    record_incoming_payment(payment, eur("40.00"), at=AT, reference="stmt-1")
    # 60.00 was owed; 80.00 came: 60.00 captured, 20.00 to give back.
    outcome = record_incoming_payment(payment, eur("80.00"), at=AT, reference="stmt-2")
    assert (outcome.status, outcome.amount, outcome.applied, outcome.excess) == (
        TransferStatus.PAID,
        eur("80.00"),
        eur("60.00"),
        eur("20.00"),
    )
    assert outcome.overpaid is True
    assert payment.captured == payment.authorized == eur("100.00")


def test_money_for_an_invoice_that_owes_nothing_is_all_excess() -> None:
    payment = _invoice()
    record_incoming_payment(payment, eur("100.00"), at=AT, reference="stmt-1")
    before = copy.deepcopy(payment)
    twice = record_incoming_payment(payment, eur("100.00"), at=AT, reference="stmt-2")
    assert (twice.status, twice.applied, twice.excess, twice.outstanding) == (
        TransferStatus.NOTHING_DUE,
        eur("0.00"),
        eur("100.00"),
        eur("0.00"),
    )
    assert payment == before
    voided = _invoice()
    voided.void(at=AT)  # the order was canceled; the customer paid anyway
    late = record_incoming_payment(voided, eur("100.00"), at=AT, reference="stmt-3")
    assert (late.status, late.excess) == (TransferStatus.NOTHING_DUE, eur("100.00"))


def test_money_for_a_payment_never_authorized_is_refused() -> None:
    payment = Payment(
        payment_id="pay-1",
        order_id="order-1",
        method="card",
        amount=eur("100.00"),
        created_at=AT,
    )
    with pytest.raises(InvalidTransitionError) as error:
        record_incoming_payment(payment, eur("1.00"), at=AT, reference="stmt-1")
    assert (error.value.state, error.value.event) == (
        "pending",
        "record_incoming_payment",
    )


def test_bad_incoming_payments_are_refused_and_change_nothing() -> None:
    payment = _invoice()
    before = copy.deepcopy(payment)
    with pytest.raises(ValidationError, match="more than 0"):
        record_incoming_payment(payment, eur("0.00"), at=AT, reference="stmt-1")
    with pytest.raises(CurrencyMismatchError):
        record_incoming_payment(payment, money("1.00", "CHF"), at=AT, reference="s")
    with pytest.raises(ValidationError, match="reference"):
        record_incoming_payment(payment, eur("1.00"), at=AT, reference=" ")
    with pytest.raises(ValidationError, match="time zone"):
        record_incoming_payment(
            payment,
            eur("1.00"),
            at=datetime(2026, 6, 1),  # noqa: DTZ001 - the naive instant under test
            reference="stmt-1",
        )
    with pytest.raises(ValidationError, match="must be Money"):
        record_incoming_payment(payment, "1.00", at=AT, reference="s")  # type: ignore[arg-type]
    assert payment == before


# -- cash on delivery ----------------------------------------------------------------


def test_cash_on_delivery_is_authorized_at_once_and_captured_when_collected() -> None:
    payment = open_cash_on_delivery_payment(
        payment_id="pay-1",
        order_id="order-1",
        amount=eur("106.00"),
        at=AT,
        reference="DHL-COD-1",
    )
    assert (payment.method, payment.status, payment.provider_reference) == (
        "cash_on_delivery",
        PaymentStatus.AUTHORIZED,
        "DHL-COD-1",
    )
    outcome = record_cash_collected(payment, eur("106.00"), at=LATER, reference="dhl-7")
    assert (outcome.status, outcome.applied) == (TransferStatus.PAID, eur("106.00"))
    assert (payment.status, payment.captured) == (PaymentStatus.CAPTURED, eur("106.00"))


def test_a_parcel_refused_at_the_door_voids_the_payment() -> None:
    payment = open_cash_on_delivery_payment(
        payment_id="pay-1", order_id="order-1", amount=eur("106.00"), at=AT
    )
    payment.void(at=LATER)
    assert payment.status is PaymentStatus.VOIDED
    with pytest.raises(InvalidTransitionError, match="record_cash_collected"):
        record_cash_collected(
            Payment(
                payment_id="pay-2",
                order_id="order-2",
                method="cash_on_delivery",
                amount=eur("1.00"),
                created_at=AT,
            ),
            eur("1.00"),
            at=AT,
            reference="dhl-8",
        )


# -- prepayment: the reference -------------------------------------------------------


@pytest.mark.parametrize(
    ("order_id", "reference"),
    [
        ("2026-000123", "2026-000123"),
        ("Order (7)/A+B", "Order (7)/A+B"),
        ("0c9a4a8e-1c55-4d0b-9f0e-52c5e1d1a6b3", "0c9a4a8e1c554d0b9f0e52c5e1d1a6b3"),
        ("order_1", "order1"),
        ("01J0Z9XK3M8Q4T7V2B6N5R1C0D", "01J0Z9XK3M8Q4T7V2B6N5R1C0D"),
        ("A" * 35, "A" * 35),
    ],
)
def test_the_transfer_reference_is_derived_from_the_order_id(
    order_id: str, reference: str
) -> None:
    assert prepayment_reference(order_id) == reference


@pytest.mark.parametrize("order_id", ["A" * 36 + "_", "Bestellung-ä1", "___", " o-1"])
def test_an_order_id_a_transfer_cannot_carry_needs_a_reference(order_id: str) -> None:
    with pytest.raises(ValidationError) as error:
        prepayment_reference(order_id)
    assert error.value.field == "order_id"


@pytest.mark.parametrize("reference", ["A" * 36, "ref_1", "---", "", "Müller-1"])
def test_a_reference_that_cannot_be_a_sepa_remittance_is_refused(
    reference: str,
) -> None:
    with pytest.raises(ValidationError) as error:
        open_prepayment(
            payment_id="pay-1",
            order_id="order-1",
            amount=eur("10.00"),
            at=AT,
            reference=reference,
        )
    assert error.value.field == "reference"


@pytest.mark.parametrize(
    ("remittance", "matches"),
    [
        ("2026-000123", True),
        ("2026 000123", True),
        ("2026000123", True),
        ("bestellung 2026-000123 danke", True),
        ("Order: 2026-000123, Max Meier", True),
        ("2026-0001234", False),
        ("12026-000123", False),
        ("2026-00012", False),
        ("", False),
        ("000123", False),
    ],
)
def test_a_transfer_matches_when_it_quotes_the_reference(
    remittance: str, matches: bool
) -> None:
    assert reference_matches("2026-000123", remittance) is matches
    assert reference_matches("abc-9", "Payment ABC9") is True


# -- prepayment: transfers -------------------------------------------------------


def test_a_prepayment_waits_with_the_transfer_instructions() -> None:
    payment = _prepayment()
    assert (payment.method, payment.status) == (
        "prepayment",
        PaymentStatus.REQUIRES_ACTION,
    )
    assert payment.provider_reference == "2026-000123"
    assert payment.authorized == eur("0")
    assert payment.action is not None
    assert payment.action.kind == BANK_TRANSFER_ACTION
    assert dict(payment.action.data) == {
        "reference": "2026-000123",
        "amount_due": "100.00",
        "received": "0.00",
        "outstanding": "100.00",
        "currency": "EUR",
        "iban": "DE02120300000000202051",
        "bic": "BYLADEM1001",
    }
    assert payment.pull_events() == [
        PaymentActionRequired(payment_id="pay-1", order_id="2026-000123")
    ]


def test_bank_details_may_not_overwrite_the_transfer_facts() -> None:
    with pytest.raises(ValidationError, match=r"may not set \['reference'\]"):
        open_prepayment(
            payment_id="pay-1",
            order_id="order-1",
            amount=eur("10.00"),
            at=AT,
            bank_details={"reference": "mine"},
        )


def test_a_transfer_with_the_wrong_reference_is_not_applied() -> None:
    payment = _prepayment()
    before = copy.deepcopy(payment)
    outcome = record_bank_transfer(payment, eur("100.00"), "2026-000124", at=AT)
    assert (outcome.status, outcome.applied, outcome.excess, outcome.outstanding) == (
        TransferStatus.WRONG_REFERENCE,
        eur("0.00"),
        eur("0.00"),
        eur("100.00"),
    )
    assert payment == before


def test_partial_transfers_add_up_and_the_last_one_authorizes_and_captures() -> None:
    payment = _prepayment()
    payment.pull_events()
    first = record_bank_transfer(payment, eur("30.00"), "2026-000123", at=AT)
    assert (first.status, first.applied, first.outstanding) == (
        TransferStatus.PARTIAL,
        eur("30.00"),
        eur("70.00"),
    )
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    assert (payment.authorized, payment.captured) == (eur("0"), eur("0"))
    assert payment.action is not None
    assert (payment.action.data["received"], payment.action.data["outstanding"]) == (
        "30.00",
        "70.00",
    )
    assert payment.action.data["iban"] == "DE02120300000000202051"
    second = record_bank_transfer(payment, eur("45.50"), "2026 000123", at=AT)
    assert (second.status, second.outstanding) == (TransferStatus.PARTIAL, eur("24.50"))
    # 30.00 + 45.50 + 24.50 = 100.00: paid in full, nothing over.
    last = record_bank_transfer(payment, eur("24.50"), "Order 2026000123", at=LATER)
    assert (last.status, last.applied, last.excess, last.outstanding) == (
        TransferStatus.PAID,
        eur("24.50"),
        eur("0.00"),
        eur("0.00"),
    )
    assert _facts(payment) == (
        PaymentStatus.CAPTURED,
        eur("100.00"),
        eur("100.00"),
        None,
    )
    events = payment.pull_events()
    assert events[-2:] == [
        PaymentAuthorized(
            payment_id="pay-1", order_id="2026-000123", amount=eur("100.00")
        ),
        PaymentCaptured(
            payment_id="pay-1",
            order_id="2026-000123",
            amount=eur("100.00"),
            captured=eur("100.00"),
        ),
    ]


def test_an_overpaid_prepayment_captures_the_amount_due_and_reports_the_excess() -> (
    None
):
    payment = _prepayment()
    record_bank_transfer(payment, eur("30.00"), "2026-000123", at=AT)
    # 70.00 was outstanding; 80.00 came: 70.00 applied, 10.00 to give back.
    outcome = record_bank_transfer(payment, eur("80.00"), "2026-000123", at=AT)
    assert (outcome.status, outcome.applied, outcome.excess) == (
        TransferStatus.PAID,
        eur("70.00"),
        eur("10.00"),
    )
    assert payment.captured == eur("100.00")
    single = _prepayment()
    once = record_bank_transfer(single, eur("120.00"), "2026-000123", at=AT)
    assert (once.applied, once.excess, single.captured) == (
        eur("100.00"),
        eur("20.00"),
        eur("100.00"),
    )


def test_a_transfer_to_a_paid_prepayment_is_all_excess() -> None:
    payment = _prepayment()
    record_bank_transfer(payment, eur("100.00"), "2026-000123", at=AT)
    before = copy.deepcopy(payment)
    again = record_bank_transfer(payment, eur("5.00"), "2026-000123", at=LATER)
    assert (again.status, again.excess, again.outstanding) == (
        TransferStatus.NOTHING_DUE,
        eur("5.00"),
        eur("0.00"),
    )
    wrong = record_bank_transfer(payment, eur("5.00"), "someone else", at=LATER)
    assert (wrong.status, wrong.excess) == (TransferStatus.WRONG_REFERENCE, eur("0"))
    assert payment == before


def test_a_canceled_prepayment_returns_what_came_in() -> None:
    payment = _prepayment()
    record_bank_transfer(payment, eur("30.00"), "2026-000123", at=AT)
    assert cancel_prepayment(payment, at=LATER) == eur("30.00")
    assert (payment.status, payment.decline_code) == (
        PaymentStatus.FAILED,
        "prepayment_not_received",
    )
    late = record_bank_transfer(payment, eur("70.00"), "2026-000123", at=LATER)
    assert (late.status, late.excess) == (TransferStatus.NOTHING_DUE, eur("70.00"))
    with pytest.raises(InvalidTransitionError, match="cancel_prepayment"):
        cancel_prepayment(payment, at=LATER)
    untouched = _prepayment()
    assert cancel_prepayment(untouched, at=LATER, decline_code="canceled") == eur("0")


def test_bank_transfers_refuse_bad_input_and_other_payments() -> None:
    payment = _prepayment()
    before = copy.deepcopy(payment)
    with pytest.raises(ValidationError, match="remittance text"):
        record_bank_transfer(payment, eur("1.00"), None, at=AT)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="more than 0"):
        record_bank_transfer(payment, eur("-1.00"), "2026-000123", at=AT)
    with pytest.raises(CurrencyMismatchError):
        record_bank_transfer(payment, money("1.00", "CHF"), "2026-000123", at=AT)
    assert payment == before
    with pytest.raises(InvalidTransitionError) as error:
        record_bank_transfer(_invoice(), eur("1.00"), "pay-1", at=AT)
    assert (error.value.state, error.value.event) == (
        "authorized",
        "record_bank_transfer",
    )


transfers = st.lists(
    st.tuples(st.integers(min_value=1, max_value=6000), st.booleans()),
    max_size=12,
)


@given(due=st.integers(min_value=1, max_value=20000), steps=transfers)
def test_transfers_never_capture_more_than_is_due_and_lose_nothing(
    due: int, steps: list[tuple[int, bool]]
) -> None:
    # Transfers with the right reference never capture more than the amount
    # due; captured + still held toward it + the excess reported = what came
    # in with the reference. Transfers without it change nothing.
    payment = open_prepayment(
        payment_id="pay-1",
        order_id="2026-000123",
        amount=from_minor_units(due, "EUR"),
        at=AT,
    )
    excess, right = [], []
    for units, quoted in steps:
        amount = from_minor_units(units, "EUR")
        before = copy.deepcopy(payment)
        outcome = record_bank_transfer(
            payment, amount, "2026-000123" if quoted else "2026-999", at=AT
        )
        if quoted:
            right.append(amount)
            excess.append(outcome.excess)
            assert outcome.applied + outcome.excess == amount
        else:
            assert outcome.status is TransferStatus.WRONG_REFERENCE
            assert payment == before
        assert payment.captured <= payment.amount
    came_in = sum_money(right, "EUR")
    held = (
        money(payment.action.data["received"], "EUR")
        if payment.action is not None
        else from_minor_units(0, "EUR")
    )
    assert payment.captured + held + sum_money(excess, "EUR") == came_in
    paid = came_in >= payment.amount
    assert (payment.status is PaymentStatus.CAPTURED) is paid


@given(
    due=st.integers(min_value=1, max_value=20000),
    parts=st.lists(st.integers(min_value=1, max_value=6000), max_size=12),
)
def test_an_invoice_never_captures_more_than_authorized(
    due: int, parts: list[int]
) -> None:
    # Captured plus the excess reported equals what came in, and captured
    # never passes what was authorized.
    payment = _invoice(str(from_minor_units(due, "EUR").amount))
    excess = []
    for units in parts:
        outcome = record_incoming_payment(
            payment, from_minor_units(units, "EUR"), at=AT, reference="stmt"
        )
        excess.append(outcome.excess)
    came_in = sum_money((from_minor_units(u, "EUR") for u in parts), "EUR")
    assert payment.captured + sum_money(excess, "EUR") == came_in
    assert payment.captured <= payment.authorized
