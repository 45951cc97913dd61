"""refresh_payment, and the gateway's find, against the fake provider.

A payment left waiting (a lost reply, a timeout, a pending answer, a
customer challenge) is refreshed by asking the provider: by its reference
when the payment knows it (``status``), else by the payment's id
(``find``). In memory and on SQLite.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import NotFoundError, UsageError
from commercekit.money import Money, money
from commercekit.payments import (
    AuthorizeRequest,
    GatewayOutcome,
    GatewayResult,
    GatewayUnavailableError,
    Payment,
    PaymentDeclinedError,
    PaymentError,
    PaymentGateway,
    PaymentStatus,
    PaymentsUnitOfWork,
    RequiredAction,
    TransactionKind,
    authorize_payment,
    create_payment,
    refresh_payment,
)
from commercekit.testing import (
    FakePaymentGateway,
    FixedClock,
    GatewayCall,
    Script,
    SequentialIds,
)

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
LATER = T0 + timedelta(minutes=5)
CLOCK = FixedClock(T0)  # the checkout's, and the provider's
REFRESH = FixedClock(LATER)  # the refresh runs five minutes later
HOLD = T0 + timedelta(days=7)  # the fake holds an authorization for 7 days
Factory = Callable[[], PaymentsUnitOfWork]
Handler = Callable[[GatewayCall], GatewayResult | Script | None]


def eur(amount: str) -> Money:
    return money(amount, "EUR")


@pytest.fixture(params=["memory", "sqlite"])
def uow(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    if request.param == "memory":
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store)
    database = SQLiteDatabase(tmp_path / "refresh.db")
    return lambda: SQLiteUnitOfWork(database)


def _new(uow: Factory) -> Payment:
    return create_payment(
        "order-1",
        eur("100.00"),
        method="card",
        uow=uow(),
        ids=SequentialIds("pay-"),
        clock=CLOCK,
    )


def _authorize(uow: Factory, gateway: PaymentGateway, token: str) -> Payment:
    payment = _new(uow)
    return authorize_payment(
        payment.payment_id,
        token,
        idempotency_key="auth-1",
        uow=uow(),
        gateway=gateway,
        clock=CLOCK,
    )


def _load(uow: Factory, payment_id: str) -> Payment:
    with uow() as work:
        return work.payments.get(payment_id)


def _refresh(uow: Factory, gateway: PaymentGateway) -> Payment:
    return refresh_payment("pay-1", uow=uow(), gateway=gateway, clock=REFRESH)


def _operations(fake: FakePaymentGateway) -> list[str]:
    return [call.operation for call in fake.calls]


def _lose_first_authorize_reply(call: GatewayCall) -> Script | None:
    if call.operation == "authorize" and call.attempt == 1:
        return Script.lose_reply()
    return None


def _time_out_first_authorize(call: GatewayCall) -> Script | None:
    if call.operation == "authorize" and call.attempt == 1:
        return Script.timeout()
    return None


# -- a payment that never learnt its provider reference -------------------------------


@pytest.mark.parametrize(
    ("token", "handler"),
    [("tok_lost_reply", None), ("tok_visa", _lose_first_authorize_reply)],
    ids=["token", "script"],
)
def test_a_lost_authorize_reply_is_found_by_payment_id_and_authorized(
    uow: Factory, token: str, handler: Handler | None
) -> None:
    fake = FakePaymentGateway(handler, clock=CLOCK)
    payment = _new(uow)
    with pytest.raises(GatewayUnavailableError) as error:
        authorize_payment(
            payment.payment_id,
            token,
            idempotency_key="auth-1",
            uow=uow(),
            gateway=fake,
            clock=CLOCK,
        )
    assert error.value.retryable
    waiting = _load(uow, "pay-1")
    assert (waiting.status, waiting.provider_reference) == (PaymentStatus.PENDING, None)
    # The provider held the money all the same.
    assert fake.held("fake-pay-1") == eur("100.00")

    refreshed = _refresh(uow, fake)

    assert refreshed.status is PaymentStatus.AUTHORIZED
    assert refreshed.provider_reference == "fake-pay-1"
    assert refreshed.authorized == eur("100.00")
    assert refreshed.authorization_expires_at == HOLD
    last = refreshed.transactions[-1]
    assert (last.kind, last.at, last.amount, last.reference) == (
        TransactionKind.AUTHORIZATION,
        LATER,
        eur("100.00"),
        "fake-pay-1",
    )
    stored = _load(uow, "pay-1")
    assert (stored.status, stored.provider_reference, stored.authorized) == (
        PaymentStatus.AUTHORIZED,
        "fake-pay-1",
        eur("100.00"),
    )
    # Asked by the payment's id, not authorized again: one hold at the provider.
    assert _operations(fake) == ["authorize", "find"]
    find = fake.calls[-1]
    assert (find.request, find.reference, find.attempt) == (None, None, 1)
    assert [(e.kind, e.reference, e.amount) for e in fake.ledger] == [
        (TransactionKind.AUTHORIZATION, "fake-pay-1", eur("100.00"))
    ]


@pytest.mark.parametrize(
    ("token", "handler"),
    [("tok_timeout", None), ("tok_visa", _time_out_first_authorize)],
    ids=["token", "script"],
)
def test_an_authorization_that_never_reached_the_provider_stays_pending(
    uow: Factory, token: str, handler: Handler | None
) -> None:
    fake = FakePaymentGateway(handler, clock=CLOCK)
    payment = _new(uow)
    with pytest.raises(GatewayUnavailableError):
        authorize_payment(
            payment.payment_id,
            token,
            idempotency_key="auth-1",
            uow=uow(),
            gateway=fake,
            clock=CLOCK,
        )
    waiting = _load(uow, "pay-1")
    assert (waiting.status, waiting.provider_reference) == (PaymentStatus.PENDING, None)
    assert fake.find("pay-1") is None

    refreshed = _refresh(uow, fake)

    # Not failed: a retry with the key may still bring the request, and its
    # approval must find the payment able to take it.
    assert refreshed.status is PaymentStatus.PENDING
    assert refreshed.provider_reference is None
    assert _load(uow, "pay-1") == waiting
    assert _operations(fake) == ["authorize", "find", "find"]
    assert fake.ledger == []
    # the retry arrives after all: the payment takes the approval
    retried = authorize_payment(
        "pay-1",
        token,
        idempotency_key="auth-1",
        uow=uow(),
        gateway=fake,
        clock=CLOCK,
    )
    assert retried.status is PaymentStatus.AUTHORIZED


def test_a_challenge_sent_before_a_crash_is_found_waiting_for_the_customer(
    uow: Factory,
) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    payment = _new(uow)
    # The checkout sent the authorization and crashed before it kept the reply.
    sent = fake.authorize(
        AuthorizeRequest(
            payment_id=payment.payment_id,
            amount=payment.amount,
            token="tok_3ds",
            idempotency_key="auth-1",
        )
    )
    assert sent.outcome is GatewayOutcome.REQUIRES_ACTION
    assert _load(uow, "pay-1").provider_reference is None

    refreshed = _refresh(uow, fake)

    assert refreshed.status is PaymentStatus.REQUIRES_ACTION
    assert refreshed.provider_reference == "fake-pay-1"
    assert refreshed.action == sent.action
    stored = _load(uow, "pay-1")
    assert (stored.status, stored.action) == (
        PaymentStatus.REQUIRES_ACTION,
        sent.action,
    )
    assert _operations(fake) == ["authorize", "find"]
    assert fake.ledger == []


def test_a_declined_answer_found_by_payment_id_fails_the_payment(
    uow: Factory,
) -> None:
    def declined_when_found(call: GatewayCall) -> GatewayResult | Script | None:
        if call.operation == "authorize":
            return Script.timeout()
        return GatewayResult(
            outcome=GatewayOutcome.DECLINED,
            reference="psp-9",
            decline_code="expired_card",
            decline_message="The card has expired.",
        )

    fake = FakePaymentGateway(declined_when_found, clock=CLOCK)
    with pytest.raises(GatewayUnavailableError):
        _authorize(uow, fake, "tok_visa")

    refreshed = _refresh(uow, fake)

    assert refreshed.status is PaymentStatus.FAILED
    assert (refreshed.decline_code, refreshed.decline_message) == (
        "expired_card",
        "The card has expired.",
    )
    assert refreshed.provider_reference == "psp-9"
    assert _load(uow, "pay-1").status is PaymentStatus.FAILED


# -- a payment that knows its provider reference --------------------------------------


def test_a_pending_payment_asks_status_and_follows_the_provider(uow: Factory) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    pending = _authorize(uow, fake, "tok_pending")
    assert (pending.status, pending.provider_reference) == (
        PaymentStatus.PENDING,
        "fake-pay-1",
    )
    # Still pending at the provider: still pending here.
    still = _refresh(uow, fake)
    assert (still.status, still.provider_reference) == (
        PaymentStatus.PENDING,
        "fake-pay-1",
    )
    assert _load(uow, "pay-1").status is PaymentStatus.PENDING
    # The provider decides yes: the refresh records the authorization.
    fake.complete("fake-pay-1")
    authorized = _refresh(uow, fake)
    assert authorized.status is PaymentStatus.AUTHORIZED
    assert authorized.authorized == eur("100.00")
    assert authorized.authorization_expires_at == HOLD
    assert _load(uow, "pay-1").status is PaymentStatus.AUTHORIZED
    assert _operations(fake) == ["authorize", "status", "status"]
    assert [c.reference for c in fake.calls[1:]] == ["fake-pay-1", "fake-pay-1"]
    assert [c.attempt for c in fake.calls[1:]] == [1, 2]
    kinds = [t.kind for t in authorized.transactions]
    assert kinds.count(TransactionKind.AUTHORIZATION) == 1


def test_a_pending_payment_declined_at_the_provider_fails(uow: Factory) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    _authorize(uow, fake, "tok_pending")
    fake.complete("fake-pay-1", decline_code="insufficient_funds")

    refreshed = _refresh(uow, fake)

    assert refreshed.status is PaymentStatus.FAILED
    assert refreshed.decline_code == "insufficient_funds"
    assert refreshed.decline_message == "The card has insufficient funds."
    assert refreshed.provider_reference == "fake-pay-1"
    stored = _load(uow, "pay-1")
    assert (stored.status, stored.decline_code) == (
        PaymentStatus.FAILED,
        "insufficient_funds",
    )
    assert _operations(fake) == ["authorize", "status"]


def test_a_payment_that_requires_action_stays_so_until_the_customer_acts(
    uow: Factory,
) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    waiting = _authorize(uow, fake, "tok_3ds")
    assert waiting.status is PaymentStatus.REQUIRES_ACTION
    action = waiting.action
    assert action is not None

    still = _refresh(uow, fake)

    assert still.status is PaymentStatus.REQUIRES_ACTION
    assert still.action == action
    assert still.provider_reference == "fake-pay-1"
    stored = _load(uow, "pay-1")
    assert (stored.status, stored.action) == (PaymentStatus.REQUIRES_ACTION, action)
    assert stored.transactions == waiting.transactions
    assert _operations(fake) == ["authorize", "status"]
    # The customer passed the challenge: the next refresh authorizes.
    fake.complete("fake-pay-1")
    done = _refresh(uow, fake)
    assert (done.status, done.action) == (PaymentStatus.AUTHORIZED, None)
    assert _load(uow, "pay-1").status is PaymentStatus.AUTHORIZED


def test_a_pending_payment_asked_to_act_now_requires_action(uow: Factory) -> None:
    challenge = RequiredAction(kind="redirect", url="https://psp.test/go")

    def act_now(call: GatewayCall) -> GatewayResult | None:
        if call.operation == "status":
            return GatewayResult(
                outcome=GatewayOutcome.REQUIRES_ACTION,
                reference="fake-pay-1",
                action=challenge,
            )
        return None

    fake = FakePaymentGateway(act_now, clock=CLOCK)
    _authorize(uow, fake, "tok_pending")

    refreshed = _refresh(uow, fake)

    assert (refreshed.status, refreshed.action) == (
        PaymentStatus.REQUIRES_ACTION,
        challenge,
    )
    assert _load(uow, "pay-1").action == challenge


# -- what is not refreshed, and what goes wrong ----------------------------------------


@pytest.mark.parametrize(
    ("token", "status"),
    [("tok_visa", PaymentStatus.AUTHORIZED), ("tok_declined", PaymentStatus.FAILED)],
)
def test_a_payment_not_waiting_is_returned_without_asking_the_provider(
    uow: Factory, token: str, status: PaymentStatus
) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    with contextlib.suppress(PaymentDeclinedError):  # tok_declined: declined
        _authorize(uow, fake, token)
    before = _load(uow, "pay-1")
    assert before.status is status
    calls = list(fake.calls)

    refreshed = _refresh(uow, fake)

    assert refreshed == before
    assert _load(uow, "pay-1") == before
    assert fake.calls == calls


def test_a_payment_told_meanwhile_is_returned_as_told(uow: Factory) -> None:
    """A notification authorizes the payment while the provider is asked."""

    def notified_meanwhile(call: GatewayCall) -> None:
        if call.operation == "status":
            with uow() as work:
                told = work.payments.get("pay-1")
                told.authorize(eur("100.00"), at=T0, reference="fake-pay-1")
                work.payments.save(told)
                work.commit()

    fake = FakePaymentGateway(notified_meanwhile, clock=CLOCK)
    _authorize(uow, fake, "tok_pending")
    fake.complete("fake-pay-1")

    refreshed = _refresh(uow, fake)

    assert refreshed.status is PaymentStatus.AUTHORIZED
    authorizations = [
        t for t in refreshed.transactions if t.kind is TransactionKind.AUTHORIZATION
    ]
    assert [t.at for t in authorizations] == [T0]  # the notification's, only
    assert refreshed.authorization_expires_at is None
    assert _load(uow, "pay-1") == refreshed


@pytest.mark.parametrize(
    ("token", "asked"),
    [("tok_pending", "status"), ("tok_lost_reply", "find")],
)
def test_an_unavailable_provider_leaves_the_payment_as_it_was(
    uow: Factory, token: str, asked: str
) -> None:
    def down(call: GatewayCall) -> Script | None:
        return Script.timeout() if call.operation == asked else None

    fake = FakePaymentGateway(down, clock=CLOCK)
    with contextlib.suppress(GatewayUnavailableError):  # tok_lost_reply
        _authorize(uow, fake, token)
    before = _load(uow, "pay-1")
    assert before.status is PaymentStatus.PENDING

    with pytest.raises(GatewayUnavailableError) as error:
        _refresh(uow, fake)

    assert error.value.retryable
    assert _load(uow, "pay-1") == before
    assert _operations(fake) == ["authorize", asked]


def test_a_provider_error_leaves_the_payment_as_it_was(uow: Factory) -> None:
    def broken(call: GatewayCall) -> Script | None:
        return Script.fail("boom") if call.operation == "status" else None

    fake = FakePaymentGateway(broken, clock=CLOCK)
    _authorize(uow, fake, "tok_pending")
    before = _load(uow, "pay-1")
    with pytest.raises(PaymentError, match="boom") as error:
        _refresh(uow, fake)
    assert not isinstance(error.value, GatewayUnavailableError)
    assert _load(uow, "pay-1") == before


def test_an_unknown_payment_is_not_found_and_the_provider_not_asked(
    uow: Factory,
) -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    with pytest.raises(NotFoundError):
        _refresh(uow, fake)
    assert fake.calls == []


# -- FakePaymentGateway.find ----------------------------------------------------------


def _request(
    payment_id: str,
    key: str,
    token: str = "tok_visa",  # noqa: S107 - a test token, not a secret
) -> AuthorizeRequest:
    return AuthorizeRequest(
        payment_id=payment_id, amount=eur("25.00"), token=token, idempotency_key=key
    )


def test_find_answers_none_for_a_payment_the_provider_never_saw() -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    fake.authorize(_request("pay-1", "auth-1"))
    assert fake.find("pay-2") is None
    assert [(c.operation, c.reference, c.request) for c in fake.calls[1:]] == [
        ("find", None, None)
    ]


def test_find_answers_as_status_does_for_the_payment() -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    approved = fake.authorize(_request("pay-1", "auth-1"))
    found = fake.find("pay-1")
    assert found is not None
    assert found == fake.status(approved.reference)
    assert (found.outcome, found.reference, found.status_hint) == (
        GatewayOutcome.APPROVED,
        "fake-pay-1",
        "authorized",
    )
    assert (found.amount, found.expires_at) == (eur("25.00"), HOLD)


def test_find_answers_with_the_latest_authorization_of_the_payment() -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    fake.authorize(_request("pay-1", "auth-1", token="tok_declined"))
    fake.authorize(_request("pay-2", "auth-2"))
    fake.authorize(_request("pay-1", "auth-3", token="tok_pending"))
    found = fake.find("pay-1")
    assert found is not None
    assert (found.reference, found.outcome, found.status_hint) == (
        "fake-pay-3",
        GatewayOutcome.PENDING,
        "pending",
    )
    declined = fake.status("fake-pay-1")
    assert (declined.outcome, declined.decline_code) == (
        GatewayOutcome.DECLINED,
        "card_declined",
    )


def test_find_counts_its_attempts_per_payment_id() -> None:
    fake = FakePaymentGateway(clock=CLOCK)
    fake.find("pay-1")
    fake.find("pay-2")
    fake.find("pay-1")
    assert [(c.operation, c.attempt) for c in fake.calls] == [
        ("find", 1),
        ("find", 1),
        ("find", 2),
    ]


SCRIPTED: list[tuple[str, Script, type[Exception]]] = [
    ("timeout", Script.timeout(), GatewayUnavailableError),
    ("lose_reply", Script.lose_reply(), GatewayUnavailableError),
    ("fail", Script.fail("the provider broke"), PaymentError),
    ("decline", Script.decline(), UsageError),
    ("pending", Script.pending(), UsageError),
    ("require_action", Script.require_action(), UsageError),
]


@pytest.mark.parametrize("operation", ["status", "find"])
@pytest.mark.parametrize(
    ("name", "script", "raised"), SCRIPTED, ids=[name for name, _, _ in SCRIPTED]
)
def test_find_is_scripted_as_status_is(
    operation: str, name: str, script: Script, raised: type[Exception]
) -> None:
    def handler(call: GatewayCall) -> Script | None:
        return script if call.operation == operation else None

    fake = FakePaymentGateway(handler, clock=CLOCK)
    fake.authorize(_request("pay-1", "auth-1"))

    def ask() -> GatewayResult | None:
        if operation == "status":
            return fake.status("fake-pay-1")
        return fake.find("pay-1")

    with pytest.raises(raised) as error:
        ask()
    if raised is GatewayUnavailableError:
        assert isinstance(error.value, GatewayUnavailableError)
        assert error.value.retryable, name
    if raised is PaymentError:
        assert not isinstance(error.value, GatewayUnavailableError)
        assert "the provider broke" in str(error.value)
    if raised is UsageError:
        assert f"Script.{name}()" in str(error.value)
    # The books did not change: the payment is still found, authorized.
    assert fake.held("fake-pay-1") == eur("25.00")
    assert [c.operation for c in fake.calls] == ["authorize", operation]


@pytest.mark.parametrize("operation", ["status", "find"])
def test_find_and_status_return_a_scripted_result_as_it_is(operation: str) -> None:
    told = GatewayResult(
        outcome=GatewayOutcome.APPROVED, reference="psp-7", status_hint="captured"
    )

    def handler(call: GatewayCall) -> GatewayResult | None:
        return told if call.operation == operation else None

    fake = FakePaymentGateway(handler, clock=CLOCK)
    # Neither the reference nor the payment is known: the script answers.
    answer = fake.status("psp-7") if operation == "status" else fake.find("pay-9")
    assert answer is told


@pytest.mark.parametrize(
    ("hint", "status"),
    [("voided", PaymentStatus.VOIDED), ("expired", PaymentStatus.EXPIRED)],
)
def test_a_hold_given_up_at_the_provider_is_recorded_as_ended(
    uow: Factory, hint: str, status: PaymentStatus
) -> None:
    """The provider held the amount, then let it go (voided, or lapsed)
    before the payment was refreshed: the payment records the hold and its
    end, and holds nothing; it does not stay authorized for money the
    provider no longer holds."""

    def answer(call: GatewayCall) -> GatewayResult | None:
        if call.operation == "status":
            return GatewayResult(
                outcome=GatewayOutcome.APPROVED,
                reference="fake-pay-1",
                amount=eur("100.00"),
                status_hint=hint,
            )
        return None

    fake = FakePaymentGateway(answer, clock=CLOCK)
    _authorize(uow, fake, "tok_pending")
    refreshed = _refresh(uow, fake)
    assert refreshed.status is status
    assert refreshed.capturable == eur("0.00")
    assert _load(uow, "pay-1").status is status
