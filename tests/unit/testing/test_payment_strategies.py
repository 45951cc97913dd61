"""The payments context's Hypothesis strategies and their ``st.from_type`` hook.

Each property states, in a merchant's words, what makes a drawn value one
the library could have made.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commercekit.errors import ValidationError
from commercekit.money import Money, sum_money, zero
from commercekit.payments import (
    BANK_TRANSFER_ACTION,
    AuthorizeRequest,
    CaptureRequest,
    ChargebackLost,
    ChargebackOpened,
    ChargebackWon,
    Dispute,
    DisputeStatus,
    GatewayOutcome,
    GatewayResult,
    IdempotencyRecord,
    NotificationKind,
    Operation,
    Payment,
    PaymentActionRequired,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentExpired,
    PaymentFailed,
    PaymentMethod,
    PaymentMethodKind,
    PaymentMethods,
    PaymentNotification,
    PaymentRefunded,
    PaymentStatus,
    PaymentTransaction,
    PaymentVoided,
    RefundRequest,
    RequiredAction,
    SplitTender,
    StoreCreditAccount,
    StoreCreditEntry,
    StoreCreditEntryKind,
    TransactionKind,
    TransferOutcome,
    TransferStatus,
    Unavailable,
    UnavailableReason,
    VoidRequest,
    looks_like_card_number,
    parse_notification,
)
from commercekit.ports import DomainEvent
from commercekit.serialization import make_converter
from commercekit.testing import payment_status_fits_amounts
from commercekit.testing import strategies as cks

PAYMENT_TYPES: list[type[Any]] = [
    Payment,
    PaymentTransaction,
    RequiredAction,
    Dispute,
    GatewayResult,
    AuthorizeRequest,
    CaptureRequest,
    VoidRequest,
    RefundRequest,
    IdempotencyRecord,
    PaymentNotification,
    PaymentMethod,
    PaymentMethods,
    Unavailable,
    SplitTender,
    StoreCreditAccount,
    StoreCreditEntry,
    TransferOutcome,
]
EVENTS: list[type[DomainEvent]] = [
    PaymentActionRequired,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentRefunded,
    PaymentVoided,
    PaymentFailed,
    PaymentExpired,
    ChargebackOpened,
    ChargebackWon,
    ChargebackLost,
]
MOVES_MONEY = {
    TransactionKind.AUTHORIZATION,
    TransactionKind.CAPTURE,
    TransactionKind.REFUND,
    TransactionKind.DISPUTE_OPENED,
    TransactionKind.DISPUTE_LOST,
}


def at_most(examples: int) -> settings:
    """The profile's number of examples, but no more than ``examples``.

    Drawing a payment drives its lifecycle a step at a time, some
    milliseconds an example: the ci profile's 300 would make this file slow.
    """
    return settings(max_examples=min(settings().max_examples, examples))


@pytest.mark.parametrize("kind", PAYMENT_TYPES + EVENTS, ids=lambda k: k.__name__)
@at_most(5)
@given(data=st.data())
def test_from_type_builds_the_payment_types_through_the_entry_point(
    kind: type[Any], data: st.DataObject
) -> None:
    value = data.draw(st.from_type(kind))
    assert type(value) is kind


def _total(entries: list[Money], currency: str) -> Money:
    return sum_money(entries, currency=currency) if entries else zero(currency)


@at_most(120)
@given(cks.payments())
def test_payments_keep_every_rule_of_their_lifecycle(payment: Payment) -> None:
    """What a merchant expects of any payment, whatever happened to it.

    One currency throughout; no more held than the order's amount; no more
    taken than held; what went back (refunds and lost chargebacks) never
    more than what was taken; the status says what the amounts say; the
    ledger, in time order, adds up to the amounts.
    """
    code, nothing = payment.currency, zero(payment.currency)
    amounts = [
        payment.authorized,
        payment.captured,
        payment.refunded,
        payment.charged_back,
        *(entry.amount for entry in payment.transactions),
        *(dispute.amount for dispute in payment.disputes),
    ]
    assert {m.currency.code for m in amounts if m is not None} <= {code}
    assert nothing <= payment.captured <= payment.authorized <= payment.amount
    assert payment.refunded + payment.charged_back <= payment.captured
    assert payment.refundable >= nothing
    assert payment_status_fits_amounts(payment), payment
    ledger = payment.transactions

    def moved(kind: TransactionKind) -> Money:
        return _total(
            [e.amount for e in ledger if e.kind is kind and e.amount is not None], code
        )

    assert moved(TransactionKind.AUTHORIZATION) == payment.authorized
    assert moved(TransactionKind.CAPTURE) == payment.captured
    assert moved(TransactionKind.REFUND) == payment.refunded
    assert moved(TransactionKind.DISPUTE_LOST) == payment.charged_back
    lost = [d.amount for d in payment.disputes if d.status is DisputeStatus.LOST]
    assert _total(lost, code) == payment.charged_back
    instants = [payment.created_at, *(entry.at for entry in ledger)]
    assert instants == sorted(instants)
    assert payment.pull_events() == []


@at_most(25)
@given(cks.payments())
def test_drawn_payments_round_trip_through_the_converter(payment: Payment) -> None:
    converter = make_converter()
    assert converter.structure(converter.unstructure(payment), Payment) == payment


@at_most(60)
@given(data=st.data(), status=st.sampled_from(PaymentStatus))
def test_payments_reach_the_status_asked_for(
    data: st.DataObject, status: PaymentStatus
) -> None:
    """Every status is reachable, in JPY (no minor unit) and KWD (three) too."""
    payment = data.draw(
        cks.payments(st.sampled_from(["JPY", "KWD"]), statuses=[status])
    )
    assert payment.status is status
    assert payment.currency in {"JPY", "KWD"}
    if status is PaymentStatus.REFUNDED:
        # Refunded after its disputes were decided: nothing is open.
        assert all(d.status is not DisputeStatus.OPEN for d in payment.disputes)


def test_payments_and_events_refuse_what_they_cannot_draw() -> None:
    with pytest.raises(ValidationError, match="statuses"):
        cks.payments(statuses=[])
    with pytest.raises(ValidationError, match="statuses"):
        cks.payments(statuses=["captured"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="kinds"):
        cks.payment_events(kinds=[DomainEvent])
    with pytest.raises(ValidationError):
        cks.payments("XYZ")


@at_most(40)
@given(cks.payment_transactions())
def test_ledger_entries_carry_what_their_kind_needs(entry: PaymentTransaction) -> None:
    """An entry that moves or disputes money says how much (more than 0); the
    others move nothing; a failure names its decline code, a dispute its id."""
    if entry.kind in MOVES_MONEY:
        assert entry.amount is not None
        assert entry.amount.amount > 0
    else:
        assert entry.amount is None
    if entry.kind is TransactionKind.FAILURE or entry.kind.value.startswith("dispute"):
        assert entry.note
    if entry.kind in {TransactionKind.CAPTURE, TransactionKind.REFUND}:
        assert entry.reference


@at_most(50)
@given(cks.required_actions())
def test_required_actions_tell_the_storefront_what_to_do(
    action: RequiredAction,
) -> None:
    """A redirect says where to; a challenge carries what the provider's script
    needs; a bank transfer says what to pay, what came in and what is left."""
    if action.kind == "redirect":
        assert action.url is not None
        assert action.url.startswith("https://")
    elif action.kind == "three_d_secure":
        assert action.data["client_secret"]
    else:
        assert action.kind == BANK_TRANSFER_ACTION
        data, code = action.data, action.data["currency"]
        due, received = Money(data["amount_due"], code), Money(data["received"], code)
        assert received == zero(code)
        assert Money(data["outstanding"], code) == due - received
        assert data["reference"]


@at_most(30)
@given(cks.disputes())
def test_disputes_are_of_positive_amounts(dispute: Dispute) -> None:
    assert dispute.amount.amount > 0
    assert dispute.dispute_id.startswith("dp-")


@at_most(60)
@given(cks.gateway_results())
def test_gateway_results_carry_what_their_outcome_needs(result: GatewayResult) -> None:
    """A decline says why (a code and words for the customer); a demand for
    action says what to do; only an approval moves an amount, more than 0;
    a status hint fits the outcome."""
    outcome = result.outcome
    assert (result.decline_code is not None) is (outcome is GatewayOutcome.DECLINED)
    assert (result.action is not None) is (outcome is GatewayOutcome.REQUIRES_ACTION)
    if result.amount is not None:
        assert outcome is GatewayOutcome.APPROVED
        assert result.amount.amount > 0
    if result.status_hint is not None:
        hinted = PaymentStatus(result.status_hint)
        expected = {
            PaymentStatus.FAILED: GatewayOutcome.DECLINED,
            PaymentStatus.REQUIRES_ACTION: GatewayOutcome.REQUIRES_ACTION,
            PaymentStatus.PENDING: GatewayOutcome.PENDING,
        }.get(hinted, GatewayOutcome.APPROVED)
        assert outcome is expected


@at_most(60)
@given(
    st.one_of(
        cks.authorize_requests(),
        cks.capture_requests(),
        cks.void_requests(),
        cks.refund_requests(),
    )
)
def test_requests_ask_for_positive_amounts_and_carry_no_card_data(
    request: AuthorizeRequest | CaptureRequest | VoidRequest | RefundRequest,
) -> None:
    """Every request has its idempotency key, asks for more than 0 where it
    moves money, and carries tokens and text, never a card number."""
    assert request.idempotency_key
    if not isinstance(request, VoidRequest):
        assert request.amount.amount > 0
    texts: list[str | None] = []
    if isinstance(request, AuthorizeRequest):
        texts = [request.token, request.return_url, *request.metadata.values()]
    elif isinstance(request, RefundRequest):
        texts = [request.reason]
    assert not any(looks_like_card_number(t) for t in texts if t is not None)


@at_most(50)
@given(cks.idempotency_records())
def test_idempotency_records_fit_their_operation(record: IdempotencyRecord) -> None:
    """A void moves no amount, the other operations one amount above 0; an
    answer to a capture, refund or void is an approval or a decline."""
    if record.operation is Operation.VOID:
        assert record.amount is None
    else:
        assert record.amount is not None
        assert record.amount.amount > 0
    assert len(record.fingerprint) == 32
    if record.result is not None and record.operation is not Operation.AUTHORIZE:
        assert record.result.outcome in {
            GatewayOutcome.APPROVED,
            GatewayOutcome.DECLINED,
        }


def _body(note: PaymentNotification) -> bytes:
    payload: dict[str, str] = {
        "event_id": note.event_id,
        "kind": note.kind.value,
        "reference": note.reference,
        "occurred_at": note.occurred_at.isoformat(),
    }
    if note.amount is not None:
        payload["amount"] = str(note.amount.amount)
        payload["currency"] = note.amount.currency.code
    for name in ("operation_reference", "dispute_id", "decline_code"):
        value = getattr(note, name)
        if value is not None:
            payload[name] = value
    return json.dumps(payload).encode()


@at_most(60)
@given(cks.payment_notifications())
def test_notifications_carry_what_their_kind_needs_and_read_back(
    note: PaymentNotification,
) -> None:
    """A dispute notification names its dispute, an opened one the amount; a
    failure says why; a capture or refund names its operation; amounts are
    above 0. Written as commercekit's JSON, it reads back the same."""
    kind = note.kind
    is_dispute = kind.value.startswith("dispute_")
    assert (note.dispute_id is not None) is is_dispute
    if kind is NotificationKind.DISPUTE_OPENED:
        assert note.amount is not None
    assert (note.decline_code is not None) is (kind is NotificationKind.FAILED)
    if kind in {NotificationKind.CAPTURED, NotificationKind.REFUNDED}:
        assert note.operation_reference is not None
    if note.amount is not None:
        assert note.amount.amount > 0
    assert parse_notification(_body(note)) == note


@at_most(50)
@given(cks.payment_events())
def test_payment_events_move_positive_amounts(event: DomainEvent) -> None:
    """Every amount an event names is above 0, and a running total (captured,
    refunded so far) is at least the amount that event moved."""
    amount = getattr(event, "amount", None)
    if amount is not None:
        assert amount.amount > 0
    if isinstance(event, PaymentCaptured):
        assert event.captured >= event.amount
    if isinstance(event, PaymentRefunded):
        assert event.refunded >= event.amount


NO_FEE = {
    PaymentMethodKind.INVOICE,
    PaymentMethodKind.PREPAYMENT,
    PaymentMethodKind.STORE_CREDIT,
}


@at_most(60)
@given(cks.payment_methods())
def test_payment_methods_carry_a_fee_only_where_the_law_allows(
    method: PaymentMethod,
) -> None:
    """Invoice, prepayment and store credit never carry a fee (§ 270a BGB); a
    method with a fee takes the fee's currency only; a least amount is never
    above the greatest; an amount between them, in a country served, is
    offered."""
    if method.kind in NO_FEE:
        assert not method.surcharge_allowed
    if method.fee is not None:
        assert method.surcharge_allowed
        assert method.currencies == (method.fee.currency.code,)
    for code in method.currencies:
        low, high = method.min_amount(code), method.max_amount(code)
        if low is not None and high is not None:
            assert low <= high
        between = low or high or zero(code)
        country = "DE" if method.countries is None else method.countries[0]
        assert method.why_unavailable(country, between) is None


@at_most(30)
@given(cks.payment_method_registries(), st.sampled_from(["DE", "FR", "CH"]))
def test_registries_offer_each_method_or_say_why_not(
    methods: PaymentMethods, country: str
) -> None:
    """Each code once; for any cart, a method is either offered or listed with
    the reason it is not, never both."""
    codes = [method.code for method in methods]
    assert len(codes) == len(set(codes))
    due = Money("49.90", "EUR")
    offered = {m.code for m in methods.available(country, due)}
    refused = {u.method.code for u in methods.unavailable(country, due)}
    assert offered.isdisjoint(refused)
    assert offered | refused == set(codes)


AMOUNT_REASONS = {UnavailableReason.BELOW_MINIMUM, UnavailableReason.ABOVE_MAXIMUM}


@at_most(50)
@given(cks.unavailable_methods())
def test_unavailable_methods_name_the_limit_they_broke(refusal: Unavailable) -> None:
    """A limit is named for an amount rule only, and it is the method's own;
    the message names the method."""
    method, limit = refusal.method, refusal.limit
    assert (limit is not None) is (refusal.reason in AMOUNT_REASONS)
    if limit is not None:
        code = limit.currency.code
        below = refusal.reason is UnavailableReason.BELOW_MINIMUM
        assert limit == (method.min_amount(code) if below else method.max_amount(code))
    assert method.name in refusal.message


@at_most(50)
@given(cks.split_tenders())
def test_split_tenders_pay_the_whole_amount_once(tender: SplitTender) -> None:
    """The credit part and the other part add up to the amount due, neither
    below 0, and something is paid; the credit pays first, so another method
    is needed only when the credit part is all the customer has."""
    nothing = zero(tender.total.currency.code)
    assert tender.credit_part >= nothing
    assert tender.other_part >= nothing
    assert tender.credit_part + tender.other_part == tender.total
    assert tender.total > nothing
    assert tender.uses_credit or tender.needs_other_method


@at_most(50)
@given(cks.store_credit_accounts())
def test_store_credit_never_goes_below_zero(account: StoreCreditAccount) -> None:
    """The balance is what was issued, less what was charged, plus what was
    given back, and never below 0; no charge is given back more than once
    over; the ledger, loaded again, is the same account."""
    code = account.currency

    def total(kind: StoreCreditEntryKind) -> Money:
        return _total([e.amount for e in account.entries if e.kind is kind], code)

    balance = (
        total(StoreCreditEntryKind.ISSUE)
        - total(StoreCreditEntryKind.CHARGE)
        + total(StoreCreditEntryKind.REVERSAL)
    )
    assert account.balance == balance >= zero(code)
    for entry in account.entries:
        if entry.kind is StoreCreditEntryKind.CHARGE:
            assert zero(code) <= account.reversible(entry.reference) <= entry.amount
    reloaded = StoreCreditAccount(
        account_id=account.account_id,
        currency=code,
        entries=account.entries,
        version=account.version,
    )
    assert reloaded == account


@at_most(30)
@given(cks.store_credit_entries())
def test_store_credit_entries_are_positive_and_reversals_name_their_charge(
    entry: StoreCreditEntry,
) -> None:
    assert entry.amount.amount > 0
    is_reversal = entry.kind is StoreCreditEntryKind.REVERSAL
    assert (entry.charge_reference is not None) is is_reversal


@at_most(60)
@given(cks.transfer_outcomes())
def test_money_that_comes_in_is_applied_or_given_back(
    outcome: TransferOutcome,
) -> None:
    """What came in is what was applied plus the excess to give back, unless
    it quoted the wrong reference (then it is someone else's: nothing applied,
    no excess); nothing stays outstanding once paid, something while partial."""
    nothing = zero(outcome.amount.currency.code)
    assert outcome.outstanding >= nothing
    if outcome.status is TransferStatus.WRONG_REFERENCE:
        assert outcome.applied == outcome.excess == nothing
    else:
        assert outcome.applied + outcome.excess == outcome.amount
    if outcome.status is TransferStatus.PAID:
        assert outcome.outstanding == nothing
    if outcome.status is TransferStatus.PARTIAL:
        assert outcome.outstanding > nothing
        assert outcome.excess == nothing
    if outcome.status is TransferStatus.NOTHING_DUE:
        assert outcome.applied == nothing
