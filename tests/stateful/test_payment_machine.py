"""Payments over whole lifecycles: operations, retries and webhooks, at random.

Hypothesis creates payments and authorizes (some 3-D Secure, pending,
declined or captured at once), captures, refunds and voids them through the
services, against the fake provider, whose handler makes a drawn call time
out (it did nothing) or lose its reply (it did the work). Calls that got no
answer are retried with the same idempotency key, answered ones repeated;
a key is used again for another request. The provider completes waiting
payments, lets holds lapse as the clock moves on, and opens disputes and
decides them; each thing it does becomes a signed webhook that is delivered
when Hypothesis says: before the synchronous reply, out of order, twice,
or forged. Now and then everything settles: every call is retried until
answered and every webhook delivered until accepted.

After every step these hold, in the words a merchant would use:

* a payment never takes more than was authorized, nor is authorized for more
  than its amount;
* what went back (refunds and lost chargebacks) never exceeds what was taken;
* the status says what the amounts say
  (``commercekit.testing.payment_status_fits_amounts``);
* the payment never counts money the provider did not move: its authorized,
  captured and refunded amounts are at most the provider's, its chargebacks
  at most the disputes the provider lost, and each provider operation is in
  its ledger once;
* money moved once: when no call for a payment waits for an answer and no
  webhook about it waits for delivery, its captured and refunded amounts
  are the provider's ledger's, however often calls were retried and webhooks
  delivered; at the provider, no idempotency key moved money twice;
* a refused operation changes nothing: a call the library refuses (amount,
  lifecycle, a key used again for another request), a decline by the
  provider, a call without an answer, a webhook that cannot be applied yet,
  a repeated or forged one: the stored payment is as it was, and the
  provider moved no money for it;
* once everything has settled, every webhook was accepted and each payment
  agrees with the provider: amounts, chargebacks and, where no chargeback
  blurs it, the status.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import CommerceError, InvalidTransitionError
from commercekit.money import Money, sum_money, zero
from commercekit.payments import (
    DisputeStatus,
    GatewayUnavailableError,
    HmacSignatureVerifier,
    IdempotencyKeyReusedError,
    InvalidSignatureError,
    NotificationResult,
    Payment,
    PaymentAmountError,
    PaymentDeclinedError,
    PaymentError,
    PaymentStatus,
    PaymentsUnitOfWork,
    TransactionKind,
    authorize_payment,
    capture_payment,
    create_payment,
    handle_notification,
    refund_payment,
    void_payment,
)
from commercekit.testing import (
    FakeNotification,
    FakePaymentGateway,
    FixedClock,
    GatewayCall,
    Script,
    SequentialIds,
    payment_status_fits_amounts,
)

START = datetime(2026, 6, 1, 9, tzinfo=UTC)
EUR = "EUR"
TOKENS = ["tok_visa", "tok_3ds", "tok_pending", "tok_declined"]
# Most calls are answered; one in four times out or loses its reply.
FATES = st.sampled_from(["ok", "ok", "ok", "ok", "ok", "ok", "timeout", "lose_reply"])
PERCENT = st.integers(1, 100)
WEBHOOK_KINDS = {
    TransactionKind.AUTHORIZATION: "authorized",
    TransactionKind.CAPTURE: "captured",
    TransactionKind.REFUND: "refunded",
    TransactionKind.VOID: "voided",
}

# Each step is a unit of work or two, and binding a lifecycle costs about a
# millisecond: a modest number of examples keeps each machine within about
# 20 seconds on the ci profile.
STEPS = settings(
    max_examples=min(settings().max_examples, 100),
    stateful_step_count=50,
    suppress_health_check=[HealthCheck.too_slow],
)


def eur(cents: int) -> Money:
    """``cents`` euro cents."""
    return Money(Decimal(cents).scaleb(-2), EUR)


def cents(amount: Money) -> int:
    """The euro cents of ``amount``."""
    return int(amount.amount.scaleb(2))


def _total(amounts: list[Money]) -> Money:
    return sum_money(amounts, currency=EUR)


def same(payment: Payment, other: Payment) -> bool:
    """Whether two loads of a payment are the same but for the version."""
    return attrs.evolve(payment, version=other.version) == other


@attrs.define
class Call:
    """A call the application made, to retry or repeat with its key."""

    operation: str
    payment_id: str
    key: str
    amount: Money | None = None
    token: str = "tok_visa"
    capture: bool = False


@attrs.define
class ProviderDispute:
    """A dispute on the provider's side (the fake keeps none)."""

    dispute_id: str
    reference: str
    amount: Money
    status: DisputeStatus = DisputeStatus.OPEN


@attrs.define
class Known:
    """What the test knows of one payment: its amount, its provider account."""

    amount: Money
    reference: str | None = None
    authorize: Call | None = None


class PaymentMachine(RuleBasedStateMachine):
    """Drives payments, the fake provider and its webhooks side by side."""

    payments = Bundle("payments")
    fresh = Bundle("fresh")

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(START)
        self.fate: str | None = None
        self.fake = FakePaymentGateway(self.handler, clock=self.clock)
        self.verifier = HmacSignatureVerifier(self.fake.webhook_secret)
        self.new_uow = self.make_uow_factory()
        self.ids = SequentialIds("pay-")
        self.keys = itertools.count(1)
        self.accounts = itertools.count(1)
        self.known: dict[str, Known] = {}
        self.in_flight: dict[str, Call] = {}
        self.answered: dict[str, Call] = {}
        self.provider_keys: set[str] = set()
        self.mailbox: list[FakeNotification] = []
        self.delivered: list[FakeNotification] = []
        self.disputes: list[ProviderDispute] = []
        self.expired: set[str] = set()
        self.refusals: dict[str, str] = {}
        """Why the library last refused a webhook, by event id."""

    def make_uow_factory(self) -> Callable[[], PaymentsUnitOfWork]:
        """A maker of units of work over a new, empty store."""
        raise NotImplementedError

    # -- the provider's side ---------------------------------------------------

    def handler(self, call: GatewayCall) -> Script | None:
        """The drawn fate of the next call: answered, timed out or reply lost.

        Like real providers, it refuses to refund money a dispute holds or
        took (the fake knows no disputes: this handler does).
        """
        fate, self.fate = self.fate, None
        if fate == "timeout":
            return Script.timeout()
        if call.operation == "refund" and self.held_by_disputes(call):
            return Script.decline("charge_disputed")
        if fate == "lose_reply":
            return Script.lose_reply()
        return None

    def announce(self, since: int, *, now: bool = False) -> None:
        """Write the webhooks of the money the provider moved since ``since``."""
        for entry in self.fake.ledger[since:]:
            kind = WEBHOOK_KINDS[entry.kind]
            self.post(self.fake.notification(entry.reference, kind), now=now)

    def post(self, note: FakeNotification, *, now: bool = False) -> None:
        """The provider sends a webhook: it arrives ``now``, or later."""
        self.mailbox.append(note)
        if now:
            self.arrives(note)

    def arrives(self, note: FakeNotification) -> None:
        """A webhook from the mailbox arrives; one the library cannot apply
        yet is refused and stays to be sent again later."""
        result = self.deliver(note)
        if result is not None:
            assert result is not NotificationResult.DUPLICATE
            self.mailbox.remove(note)
            self.delivered.append(note)

    def provider_status(self, reference: str) -> PaymentStatus:
        hint = self.fake.status(reference).status_hint
        assert hint is not None
        return PaymentStatus(hint)

    def provider_moved(self, reference: str, kind: TransactionKind) -> Money:
        return _total(
            [
                e.amount
                for e in self.fake.ledger
                if e.reference == reference and e.kind is kind
            ]
        )

    def lost_disputes(self, reference: str) -> Money:
        return _total(
            [
                d.amount
                for d in self.disputes
                if d.reference == reference and d.status is DisputeStatus.LOST
            ]
        )

    def held_by_disputes(self, call: GatewayCall) -> bool:
        """Whether a refund asks for money that disputes hold or took."""
        amount, reference = call.amount, call.reference
        assert amount is not None
        assert reference is not None
        return cents(amount) > self.disputable(reference)

    def disputable(self, reference: str) -> int:
        """What the provider may still see disputed, or refund: taken, not
        given back, never disputed (money is disputed once, won or lost)."""
        disputed = [d.amount for d in self.disputes if d.reference == reference]
        free = (
            self.fake.captured(reference)
            - self.fake.refunded(reference)
            - _total(disputed)
        )
        return cents(free)

    # -- the application's side ---------------------------------------------------

    def load(self, payment_id: str) -> Payment:
        with self.new_uow() as uow:
            return uow.payments.get(payment_id)

    def load_all(self) -> dict[str, Payment]:
        return {payment_id: self.load(payment_id) for payment_id in self.known}

    def send(self, call: Call) -> Payment:
        uow, gateway, clock = self.new_uow(), self.fake, self.clock
        if call.operation == "authorize":
            return authorize_payment(
                call.payment_id,
                call.token,
                idempotency_key=call.key,
                uow=uow,
                gateway=gateway,
                clock=clock,
                capture=call.capture,
            )
        if call.operation == "capture":
            return capture_payment(
                call.payment_id,
                call.amount,
                idempotency_key=call.key,
                uow=uow,
                gateway=gateway,
                clock=clock,
            )
        if call.operation == "refund":
            assert call.amount is not None
            return refund_payment(
                call.payment_id,
                call.amount,
                idempotency_key=call.key,
                uow=uow,
                gateway=gateway,
                clock=clock,
            )
        return void_payment(
            call.payment_id,
            idempotency_key=call.key,
            uow=uow,
            gateway=gateway,
            clock=clock,
        )

    def run(self, call: Call, fate: str) -> None:
        """Make ``call`` with the provider's drawn ``fate``; check what it did.

        A refusal (by the library, or a decline by the provider) and a call
        without an answer leave the stored payment as it was; a refusal
        moves no money at the provider, and one the library makes before
        asking does not reach it at all.
        """
        before, ledger = self.load(call.payment_id), len(self.fake.ledger)
        asked = len(self.fake.calls)
        first_use = call.key not in self.in_flight and call.key not in self.answered
        self.fate = fate
        try:
            self.send(call)
        except GatewayUnavailableError as exc:
            self.unanswered(exc)
            assert self.load(call.payment_id) == before
            self.answered.pop(call.key, None)
            self.in_flight[call.key] = call
        except PaymentDeclinedError:
            assert call.operation == "authorize"
            assert self.load(call.payment_id).status is PaymentStatus.FAILED
            self.answer(call)
        except IdempotencyKeyReusedError:
            raise  # only the rule that reuses a key expects it
        except (PaymentAmountError, InvalidTransitionError) as exc:
            # Refused by the library's rules (amounts, lifecycle).
            self.refusals[call.key] = f"{type(exc).__name__}: {exc}"
            assert self.load(call.payment_id) == before
            assert len(self.fake.ledger) == ledger
            if first_use:
                assert len(self.fake.calls) == asked, "refused after asking"
        except PaymentError:
            # The provider declined: kept with the key, nothing changed (the
            # payment is stored again, at a new version, as it was).
            assert same(self.load(call.payment_id), before)
            assert len(self.fake.ledger) == ledger
            self.answer(call)
        else:
            self.answer(call)
        finally:
            self.fate = None
        self.note_account(call, asked, fate)
        self.announce(ledger)

    def unanswered(self, error: GatewayUnavailableError) -> None:
        """A call without an answer may be sent again with its key."""
        assert error.retryable

    def answer(self, call: Call) -> None:
        self.in_flight.pop(call.key, None)
        self.answered[call.key] = call

    def note_account(self, call: Call, asked: int, fate: str) -> None:
        """The provider opens an account the first time it processes an
        authorization key: ``fake-pay-1``, ``fake-pay-2``, ..."""
        reached = len(self.fake.calls) > asked
        if call.operation != "authorize" or not reached or fate == "timeout":
            return
        if call.key in self.provider_keys:
            return
        self.provider_keys.add(call.key)
        reference = f"fake-pay-{next(self.accounts)}"
        self.known[call.payment_id].reference = reference
        if self.provider_status(reference) is PaymentStatus.FAILED:
            self.post(self.fake.notification(reference, "failed"))

    def new_key(self, operation: str) -> str:
        return f"{operation}-{next(self.keys)}"

    def share(self, payment_id: str, percent: int) -> Money:
        """``percent`` of the payment's amount, at least a cent."""
        whole = cents(self.known[payment_id].amount)
        return eur(max(1, whole * percent // 100))

    def deliver(self, note: FakeNotification) -> NotificationResult | None:
        """Deliver a webhook; ``None`` if the library refused it (for now).

        A refused webhook changes no payment, so the provider may send it
        again later.
        """
        before = self.load_all()
        try:
            return handle_notification(
                note.body,
                note.signature,
                uow=self.new_uow(),
                verifier=self.verifier,
                clock=self.clock,
            )
        except CommerceError as exc:
            assert self.load_all() == before, "a refused webhook changed a payment"
            kind, event = note.payload["kind"], note.payload["event_id"]
            self.refusals[event] = f"{event} ({kind}): {type(exc).__name__}: {exc}"
            return None

    # -- rules: payments and their operations ----------------------------------------

    @initialize(targets=(payments, fresh), amount=st.integers(1, 50_000))
    def first_payment(self, amount: int) -> str:
        return self.create(amount)

    @precondition(lambda self: len(self.known) < 3)
    @rule(targets=(payments, fresh), amount=st.integers(1, 50_000))
    def another_payment(self, amount: int) -> str:
        return self.create(amount)

    def create(self, amount: int) -> str:
        payment = create_payment(
            "order-1",
            eur(amount),
            method="card",
            uow=self.new_uow(),
            ids=self.ids,
            clock=self.clock,
        )
        self.known[payment.payment_id] = Known(amount=payment.amount)
        return payment.payment_id

    @rule(
        payment=consumes(fresh),
        token=st.sampled_from(TOKENS),
        capture=st.booleans(),
        fate=FATES,
    )
    def authorize(self, payment: str, token: str, capture: bool, fate: str) -> None:
        call = Call("authorize", payment, self.new_key("auth"), None, token, capture)
        self.known[payment].authorize = call
        self.run(call, fate)

    @rule(
        payment=payments,
        percent=st.none() | PERCENT,
        fate=FATES,
    )
    def capture(self, payment: str, percent: int | None, fate: str) -> None:
        amount = None if percent is None else self.share(payment, percent)
        self.run(Call("capture", payment, self.new_key("cap"), amount), fate)

    @rule(payment=payments, percent=st.none() | PERCENT, fate=FATES)
    def refund(self, payment: str, percent: int | None, fate: str) -> None:
        """A refund of part of the payment's amount, or of all that the
        payment says is refundable."""
        if percent is None:
            amount = max(self.load(payment).refundable, eur(1))
        else:
            amount = self.share(payment, percent)
        self.run(Call("refund", payment, self.new_key("ref"), amount), fate)

    @rule(payment=payments, fate=FATES)
    def void(self, payment: str, fate: str) -> None:
        self.run(Call("void", payment, self.new_key("void")), fate)

    @precondition(lambda self: bool(self.in_flight))
    @rule(data=st.data(), fate=FATES)
    def retry(self, data: st.DataObject, fate: str) -> None:
        """A call without an answer, sent again with the same key."""
        key = data.draw(st.sampled_from(sorted(self.in_flight)))
        self.run(self.in_flight[key], fate)

    @precondition(lambda self: bool(self.answered))
    @rule(data=st.data(), fate=FATES)
    def repeat(self, data: st.DataObject, fate: str) -> None:
        """An answered call sent again with its key: the first answer, and
        nothing moves again, on either side."""
        call = self.answered[data.draw(st.sampled_from(sorted(self.answered)))]
        before, ledger = self.load_all(), len(self.fake.ledger)
        self.run(call, fate)
        assert self.load_all() == before
        assert len(self.fake.ledger) == ledger

    @precondition(lambda self: bool(self.answered or self.in_flight))
    @rule(data=st.data(), percent=PERCENT)
    def reuse_a_key(self, data: st.DataObject, percent: int) -> None:
        """A key used again for another request (a capture of another amount)
        is refused, whatever it was first used for, and nothing changes."""
        used = {**self.answered, **self.in_flight}
        call = used[data.draw(st.sampled_from(sorted(used)))]
        amount = self.share(call.payment_id, percent)
        if call.operation == "capture" and call.amount == amount:
            amount += eur(1)
        before, ledger = self.load_all(), len(self.fake.ledger)
        with pytest.raises(IdempotencyKeyReusedError):
            capture_payment(
                call.payment_id,
                amount,
                idempotency_key=call.key,
                uow=self.new_uow(),
                gateway=self.fake,
                clock=self.clock,
            )
        assert self.load_all() == before
        assert len(self.fake.ledger) == ledger

    # -- rules: the provider --------------------------------------------------------

    @rule(payment=payments, approve=st.booleans(), now=st.booleans())
    def customer_finishes(self, payment: str, approve: bool, now: bool) -> None:
        """A payment waiting at the provider (3-D Secure, pending) is approved
        or declined there; the provider tells by webhook."""
        reference = self.known[payment].reference
        if reference is None or self.provider_status(reference) not in {
            PaymentStatus.PENDING,
            PaymentStatus.REQUIRES_ACTION,
        }:
            return
        ledger = len(self.fake.ledger)
        if approve:
            self.fake.complete(reference)
            self.announce(ledger, now=now)
        else:
            self.fake.complete(reference, decline_code="authentication_failed")
            self.post(self.fake.notification(reference, "failed"), now=now)

    @rule(days=st.integers(1, 4), now=st.booleans())
    def time_passes(self, days: int, now: bool) -> None:
        """The clock moves on; holds older than 7 days lapse at the provider,
        which tells by webhook."""
        self.clock.advance(timedelta(days=days))
        for known in self.known.values():
            reference = known.reference
            if reference is None or reference in self.expired:
                continue
            if self.provider_status(reference) is PaymentStatus.EXPIRED:
                self.expired.add(reference)
                self.post(self.fake.notification(reference, "expired"), now=now)

    @rule(payment=payments, percent=PERCENT, now=st.booleans())
    def customer_disputes(self, payment: str, percent: int, now: bool) -> None:
        """The customer's bank disputes part of what is taken and not given
        back or disputed already."""
        reference = self.known[payment].reference
        if reference is None:
            return
        free = self.disputable(reference)
        if free < 1:
            return
        amount = eur(max(1, free * percent // 100))
        dispute = ProviderDispute(f"dp-{len(self.disputes) + 1}", reference, amount)
        self.disputes.append(dispute)
        note = self.fake.notification(
            reference,
            "dispute_opened",
            dispute_id=dispute.dispute_id,
            amount=str(amount.amount),
            currency=EUR,
        )
        self.post(note, now=now)

    @precondition(
        lambda self: any(d.status is DisputeStatus.OPEN for d in self.disputes)
    )
    @rule(data=st.data(), won=st.booleans(), now=st.booleans())
    def dispute_decided(self, data: st.DataObject, won: bool, now: bool) -> None:
        open_ = [d for d in self.disputes if d.status is DisputeStatus.OPEN]
        dispute = data.draw(st.sampled_from(open_))
        dispute.status = DisputeStatus.WON if won else DisputeStatus.LOST
        kind = "dispute_won" if won else "dispute_lost"
        note = self.fake.notification(
            dispute.reference, kind, dispute_id=dispute.dispute_id
        )
        self.post(note, now=now)

    # -- rules: webhooks ------------------------------------------------------------

    @precondition(lambda self: bool(self.mailbox))
    @rule(data=st.data())
    def webhook(self, data: st.DataObject) -> None:
        """A webhook arrives, in any order; one the library cannot apply yet
        is refused and sent again later."""
        self.arrives(data.draw(st.sampled_from(self.mailbox)))

    @precondition(lambda self: bool(self.delivered))
    @rule(data=st.data())
    def webhook_again(self, data: st.DataObject) -> None:
        """A webhook delivered again is a duplicate: nothing changes."""
        note = data.draw(st.sampled_from(self.delivered))
        before = self.load_all()
        assert self.deliver(note) is NotificationResult.DUPLICATE
        assert self.load_all() == before

    @precondition(lambda self: bool(self.mailbox or self.delivered))
    @rule(data=st.data())
    def forged_webhook(self, data: st.DataObject) -> None:
        """A body whose signature does not match is refused unread."""
        note = data.draw(st.sampled_from(self.mailbox + self.delivered))
        before = self.load_all()
        with pytest.raises(InvalidSignatureError):
            handle_notification(
                note.body,
                "0" * 64,
                uow=self.new_uow(),
                verifier=self.verifier,
                clock=self.clock,
            )
        assert self.load_all() == before

    @rule()
    def everything_settles(self) -> None:
        """Every call without an answer is retried until answered, and every
        webhook delivered until the library accepts it; then each payment
        agrees with the provider."""
        for call in list(self.in_flight.values()):
            self.run(call, "ok")
        why = [
            f"{c.operation} {c.key}: {self.refusals[c.key]}"
            for c in self.in_flight.values()
        ]
        assert not self.in_flight, f"answers never applied: {why}"
        progress = True
        while self.mailbox and progress:
            progress = False
            for note in list(self.mailbox):
                self.arrives(note)
                progress = progress or note not in self.mailbox
        why = [self.refusals[note.payload["event_id"]] for note in self.mailbox]
        assert not self.mailbox, f"webhooks never accepted: {why}"
        for payment_id, payment in self.load_all().items():
            reference = self.known[payment_id].reference
            if reference is None:
                continue
            self.agrees(payment, reference)

    def agrees(self, payment: Payment, reference: str) -> None:
        """The payment's amounts are the provider's, and so is its status
        where both read the amounts alike.

        They do not where a chargeback was lost (the fake knows no
        disputes), and where all that was taken went back while the
        authorization has more left: the provider calls that refunded, the
        payment partially refunded (it may still record a capture told
        late).
        """
        moved = self.provider_moved
        assert payment.authorized == moved(reference, TransactionKind.AUTHORIZATION)
        assert payment.captured == self.fake.captured(reference)
        assert payment.refunded == self.fake.refunded(reference)
        assert payment.charged_back == self.lost_disputes(reference)
        provider = self.provider_status(reference)
        late = (payment.status, provider) == (
            PaymentStatus.PARTIALLY_REFUNDED,
            PaymentStatus.REFUNDED,
        )
        if payment.charged_back == zero(EUR) and not late:
            assert payment.status is provider
        if late:
            assert payment.refunded == payment.captured < payment.authorized

    # -- invariants -------------------------------------------------------------------

    @invariant()
    def payments_keep_their_rules_and_agree_with_the_provider(self) -> None:
        waiting = {self.in_flight[key].payment_id for key in self.in_flight}
        told = {note.payload["reference"] for note in self.mailbox}
        for payment_id, payment in self.load_all().items():
            authorized, captured = payment.authorized, payment.captured
            refunded, charged_back = payment.refunded, payment.charged_back
            # Never more taken than authorized, nor authorized than the amount.
            assert captured <= authorized <= payment.amount
            # Never more given back (refunds, lost chargebacks) than taken.
            assert refunded + charged_back <= captured, payment
            # The status says what the amounts say.
            assert payment_status_fits_amounts(payment), payment
            reference = self.known[payment_id].reference
            if payment.provider_reference is not None:
                assert payment.provider_reference == reference
            if reference is None:
                assert captured == zero(EUR)
                continue
            # Never counts money the provider did not move.
            moved = self.provider_moved(reference, TransactionKind.AUTHORIZATION)
            assert authorized <= moved
            assert captured <= self.fake.captured(reference)
            assert refunded <= self.fake.refunded(reference)
            assert charged_back <= self.lost_disputes(reference)
            operations = [
                (entry.kind, entry.reference)
                for entry in payment.transactions
                if entry.kind in {TransactionKind.CAPTURE, TransactionKind.REFUND}
            ]
            assert len(operations) == len(set(operations)), payment.transactions
            # Money moved once: with nothing in flight, the provider's books.
            if payment_id not in waiting and reference not in told:
                assert captured == self.fake.captured(reference), payment
                assert refunded == self.fake.refunded(reference), payment

    @invariant()
    def no_key_moved_money_twice_at_the_provider(self) -> None:
        moves = [
            (entry.idempotency_key, entry.kind)
            for entry in self.fake.ledger
            if entry.idempotency_key is not None
        ]
        assert len(moves) == len(set(moves))


class InMemoryPaymentMachine(PaymentMachine):
    def make_uow_factory(self) -> Callable[[], PaymentsUnitOfWork]:
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store)


class SQLitePaymentMachine(PaymentMachine):
    """Each example gets a new database file, removed when it ends."""

    def make_uow_factory(self) -> Callable[[], PaymentsUnitOfWork]:
        self.folder = Path(tempfile.mkdtemp(prefix="payment-machine-"))
        self.database = SQLiteDatabase(self.folder / "shop.sqlite3")
        database = self.database
        return lambda: SQLiteUnitOfWork(database)

    def teardown(self) -> None:
        self.database.close()
        shutil.rmtree(self.folder, ignore_errors=True)


TestInMemoryPaymentMachine = InMemoryPaymentMachine.TestCase
TestInMemoryPaymentMachine.settings = STEPS
TestSQLitePaymentMachine = SQLitePaymentMachine.TestCase
TestSQLitePaymentMachine.settings = STEPS


# -- the shortest sequences the machine found, as plain tests ------------------------


@attrs.define
class Shop:
    """One payment's world: an in-memory store, the fake provider, a clock."""

    fake: FakePaymentGateway
    clock: FixedClock
    new_uow: Callable[[], PaymentsUnitOfWork]

    @classmethod
    def open(
        cls, handler: Callable[[GatewayCall], Script | None] | None = None
    ) -> Shop:
        clock, store = FixedClock(START), InMemoryStore()
        fake = FakePaymentGateway(handler, clock=clock)
        return cls(fake=fake, clock=clock, new_uow=lambda: InMemoryUnitOfWork(store))

    def create(self, amount: int) -> str:
        payment = create_payment(
            "order-1",
            eur(amount),
            method="card",
            uow=self.new_uow(),
            ids=SequentialIds("pay-"),
            clock=self.clock,
        )
        return payment.payment_id

    def authorize(self, payment_id: str, token: str, *, capture: bool = False) -> None:
        authorize_payment(
            payment_id,
            token,
            idempotency_key=f"auth-{payment_id}",
            uow=self.new_uow(),
            gateway=self.fake,
            clock=self.clock,
            capture=capture,
        )

    def capture(self, payment_id: str, amount: Money | None, key: str) -> None:
        capture_payment(
            payment_id,
            amount,
            idempotency_key=key,
            uow=self.new_uow(),
            gateway=self.fake,
            clock=self.clock,
        )

    def refund(self, payment_id: str, amount: Money, key: str) -> None:
        refund_payment(
            payment_id,
            amount,
            idempotency_key=key,
            uow=self.new_uow(),
            gateway=self.fake,
            clock=self.clock,
        )

    def webhook(self, note: FakeNotification) -> NotificationResult:
        return handle_notification(
            note.body,
            note.signature,
            uow=self.new_uow(),
            verifier=HmacSignatureVerifier(self.fake.webhook_secret),
            clock=self.clock,
        )

    def load(self, payment_id: str) -> Payment:
        with self.new_uow() as uow:
            return uow.payments.get(payment_id)


def test_the_webhook_of_a_capture_made_with_the_authorization_is_known() -> None:
    """Authorized with ``capture=True``, the provider took the money and says
    so by webhook after the reply: the payment knows that capture, so the
    webhook is already known (it must not be refused for good)."""
    shop = Shop.open()
    payment = shop.create(100)
    shop.authorize(payment, "tok_visa", capture=True)
    captured = shop.fake.notification("fake-pay-1", "captured")
    assert shop.webhook(captured) is NotificationResult.ALREADY_KNOWN
    assert shop.load(payment).captured == eur(100)


def test_the_webhook_of_a_declined_authorization_finds_its_payment() -> None:
    """The provider declined the authorization and tells by webhook too: the
    webhook finds the failed payment and is already known (it must not be
    refused for good as a reference no payment has)."""
    shop = Shop.open()
    payment = shop.create(100)
    with pytest.raises(PaymentDeclinedError):
        shop.authorize(payment, "tok_declined")
    failed = shop.fake.notification("fake-pay-1", "failed")
    assert shop.webhook(failed) is NotificationResult.ALREADY_KNOWN
    assert shop.load(payment).status is PaymentStatus.FAILED


def test_a_refund_beside_an_open_dispute_leaves_the_disputed_money_refundable() -> None:
    """0.02 captured, 0.01 disputed, the other 0.01 refunded: the payment is
    partially refunded, not refunded (0.01 is still held); when the dispute
    is won, that 0.01 can still be refunded."""
    shop = Shop.open()
    payment = shop.create(2)
    shop.authorize(payment, "tok_visa")
    shop.capture(payment, None, "cap-1")
    opened = shop.fake.notification(
        "fake-pay-1", "dispute_opened", dispute_id="dp-1", amount="0.01", currency=EUR
    )
    shop.webhook(opened)
    shop.refund(payment, shop.load(payment).refundable, "ref-1")
    refunded = shop.load(payment)
    assert refunded.refunded + refunded.charged_back < refunded.captured
    assert refunded.status is PaymentStatus.PARTIALLY_REFUNDED
    shop.webhook(shop.fake.notification("fake-pay-1", "dispute_won", dispute_id="dp-1"))
    shop.refund(payment, eur(1), "ref-2")
    assert shop.load(payment).status is PaymentStatus.REFUNDED


def test_a_capture_retried_after_a_refund_is_recorded() -> None:
    """0.01 of 0.02 captured; the capture of the rest loses its reply (the
    provider took it); then the 0.01 the payment shows as captured is
    refunded (or that refund is refused). The retry of the capture brings the
    provider's answer: the payment then agrees with the provider's books."""

    def lose_second_capture(call: GatewayCall) -> Script | None:
        if call.idempotency_key == "cap-2" and call.attempt == 1:
            return Script.lose_reply()
        return None

    shop = Shop.open(lose_second_capture)
    payment = shop.create(2)
    shop.authorize(payment, "tok_visa")
    shop.capture(payment, eur(1), "cap-1")
    with pytest.raises(GatewayUnavailableError):
        shop.capture(payment, None, "cap-2")
    with contextlib.suppress(CommerceError):  # refusing it would do too
        shop.refund(payment, eur(1), "ref-1")
    shop.capture(payment, None, "cap-2")  # the retry, with the same key
    stored = shop.load(payment)
    assert stored.captured == shop.fake.captured("fake-pay-1") == eur(2)
    assert stored.refunded == shop.fake.refunded("fake-pay-1")


def test_an_expiry_told_before_the_authorization_is_not_lost() -> None:
    """A pending payment is authorized at the provider, and its hold lapses
    a week later; the two webhooks arrive in the other order. The payment
    ends expired, as at the provider, not authorized."""
    shop = Shop.open()
    payment = shop.create(100)
    shop.authorize(payment, "tok_pending")
    shop.fake.complete("fake-pay-1")
    authorized = shop.fake.notification("fake-pay-1", "authorized")
    shop.clock.advance(timedelta(days=8))
    expired = shop.fake.notification("fake-pay-1", "expired")
    shop.webhook(expired)
    shop.webhook(authorized)
    assert shop.fake.status("fake-pay-1").status_hint == "expired"
    assert shop.load(payment).status is PaymentStatus.EXPIRED


def test_capturing_the_rest_when_nothing_is_left_is_refused_by_the_lifecycle() -> None:
    """Authorized and captured at once, then partly refunded: a capture of
    "all that is left" finds nothing left. It is refused as the lifecycle
    refuses a capture (nothing to capture), not as bad input about an
    amount of 0 the caller never gave, and nothing changes."""
    shop = Shop.open()
    payment = shop.create(2)
    shop.authorize(payment, "tok_visa", capture=True)
    shop.refund(payment, eur(1), "ref-1")
    before = shop.load(payment)
    with pytest.raises((InvalidTransitionError, PaymentAmountError)):
        shop.capture(payment, None, "cap-1")
    assert shop.load(payment) == before
