"""Strategies for payments, their ledgers, the gateway's messages and events."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Final

from hypothesis import strategies as st

from commercekit.errors import ValidationError
from commercekit.money import Money, minor_units
from commercekit.payments import (
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
    PaymentNotification,
    PaymentRefunded,
    PaymentStatus,
    PaymentTransaction,
    PaymentVoided,
    RefundRequest,
    RequiredAction,
    VoidRequest,
    open_prepayment,
)
from commercekit.ports import DomainEvent
from commercekit.testing.strategies._common import _NOW_AND_THEN
from commercekit.testing.strategies._money import (
    _START,
    _in_units,
    _instants,
    _numbered,
    currencies,
)

__all__ = [
    "authorize_requests",
    "capture_requests",
    "disputes",
    "gateway_results",
    "idempotency_records",
    "payment_events",
    "payment_notifications",
    "payment_transactions",
    "payments",
    "refund_requests",
    "required_actions",
    "void_requests",
]

_PAYMENT_UNITS: Final = 10_000_000
"""The most minor units a drawn payment asks for: 100,000.00 EUR, 10,000,000 JPY."""
_PAYMENT_METHOD_CODES: Final = ("card", "paypal", "sepa_debit", "klarna")
_DECLINES: Final = {
    "card_declined": "The card was declined.",
    "insufficient_funds": "The card has insufficient funds.",
    "expired_card": "The card has expired.",
    "authentication_failed": "The card's authentication failed.",
}
_TEST_TOKENS: Final = ("tok_visa", "tok_mastercard", "tok_3ds", "tok_pending")
_METADATA_VALUES: Final = ("2026-000123", "web", "app", "gift for Ada", "Jörg's order")
_WAITING: Final = frozenset({PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION})
_HINTED: Final = {
    PaymentStatus.FAILED: GatewayOutcome.DECLINED,
    PaymentStatus.REQUIRES_ACTION: GatewayOutcome.REQUIRES_ACTION,
    PaymentStatus.PENDING: GatewayOutcome.PENDING,
}
_PAYMENT_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
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
)


def _payment_currencies(
    currency: str | st.SearchStrategy[str] | None,
) -> st.SearchStrategy[str]:
    if isinstance(currency, str):
        code = currency.strip().upper()
        minor_units(code)  # an unknown code is refused here, not while drawing
        return st.just(code)
    return currencies() if currency is None else currency


def _positive_money(
    currency: str | st.SearchStrategy[str] | None,
) -> st.SearchStrategy[Money]:
    """Amounts from one minor unit to :data:`_PAYMENT_UNITS` of them."""
    return _payment_currencies(currency).flatmap(
        lambda code: st.integers(1, _PAYMENT_UNITS).map(
            lambda units: _in_units(code, units)
        )
    )


@st.composite
def _parts(draw: st.DrawFn, total: int, most: int = 3) -> list[int]:
    """``total`` split into one to ``most`` positive parts."""
    count = draw(st.integers(1, max(1, min(most, total))))
    cuts = draw(
        st.lists(
            st.integers(1, max(1, total - 1)),
            min_size=count - 1,
            max_size=count - 1,
            unique=True,
        )
    )
    points = [0, *sorted(cuts), total]
    return [high - low for low, high in itertools.pairwise(points)]


_STEP: Final = st.integers(0, 3 * 24 * 3600)
_VERSIONS: Final = st.integers(0, 20)
_DECLINE_CODES: Final = st.sampled_from(sorted(_DECLINES))


class _Timeline:
    """Instants that move on by 0 seconds to 3 days a step, drawn as they go."""

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw
        self.now = draw(_instants())

    def later(self) -> datetime:
        self.now += timedelta(seconds=self._draw(_STEP))
        return self.now


@st.composite
def _payment(draw: st.DrawFn, code: str, target: PaymentStatus) -> Payment:
    """A payment driven by its own methods until it is ``target``."""
    status = PaymentStatus
    split = target in {status.PARTIALLY_CAPTURED, status.PARTIALLY_REFUNDED}
    least = 2 if split else 1
    total = draw(st.integers(least, _PAYMENT_UNITS))
    time = _Timeline(draw)
    reference = draw(_numbered("psp"))
    payment = Payment(
        payment_id=draw(_numbered("pay")),
        order_id=draw(_numbered("ord")),
        method=draw(st.sampled_from(_PAYMENT_METHOD_CODES)),
        amount=_in_units(code, total),
        created_at=time.now,
    )
    if target is status.PENDING:
        # A provider's "pending" answer leaves its reference on the payment.
        payment.provider_reference = draw(st.none() | st.just(reference))
    elif target is status.REQUIRES_ACTION or draw(_NOW_AND_THEN):
        for _ in range(draw(st.integers(1, 2))):
            action = draw(required_actions())
            payment.require_action(action, at=time.later(), reference=reference)
    if target is status.FAILED:
        decline = draw(_DECLINE_CODES)
        payment.fail(at=time.later(), decline_code=decline, message=_DECLINES[decline])
    if target in _WAITING or target is status.FAILED:
        return _loaded(draw, payment)
    held = draw(st.integers(least, total))
    at = time.later()
    expires = draw(st.none() | st.just(at + timedelta(days=7)))
    payment.authorize(
        _in_units(code, held), at=at, reference=reference, expires_at=expires
    )
    if target is status.VOIDED:
        payment.void(at=time.later(), reference=f"{reference}-void-1")
    elif target is status.EXPIRED:
        payment.expire(at=max(time.later(), expires or time.now))
    elif target is not status.AUTHORIZED:
        _capture_dispute_and_refund(draw, payment, target, held, time)
    return _loaded(draw, payment)


def _capture_dispute_and_refund(
    draw: st.DrawFn,
    payment: Payment,
    target: PaymentStatus,
    held: int,
    time: _Timeline,
) -> None:
    """Capture, open disputes (some decided), then refund, to reach ``target``."""
    status, code = PaymentStatus, payment.currency
    reference = payment.provider_reference
    if target in {status.CAPTURED, status.REFUNDED}:
        # A refund closes a payment only when nothing is left to capture.
        taken = held
    elif target is status.PARTIALLY_CAPTURED:
        taken = draw(st.integers(1, held - 1))
    else:
        taken = draw(st.integers(2, held))
    for number, part in enumerate(draw(_parts(taken)), 1):
        payment.capture(
            _in_units(code, part),
            at=time.later(),
            reference=f"{reference}-capture-{number}",
        )
    # What no dispute holds or took; refunds come out of it, so that they
    # never return money a dispute may still take.
    keep = {status.REFUNDED: 1, status.PARTIALLY_REFUNDED: 2}.get(target, 0)
    free = taken
    ends = ["won", "lost"] if target is status.REFUNDED else ["open", "won", "lost"]
    for number in range(1, draw(st.integers(0, 2)) + 1):
        if free - keep < 1:
            break
        disputed = draw(st.integers(1, free - keep))
        dispute = f"dp-{number}"
        payment.open_dispute(dispute, _in_units(code, disputed), at=time.later())
        end = draw(st.sampled_from(ends))
        if end == "won":
            payment.win_dispute(dispute, at=time.later())
        else:
            free -= disputed
            if end == "lost":
                payment.lose_dispute(dispute, at=time.later())
    if target in {status.PARTIALLY_REFUNDED, status.REFUNDED}:
        back = free if target is status.REFUNDED else draw(st.integers(1, free - 1))
        for number, part in enumerate(draw(_parts(back)), 1):
            payment.refund(
                _in_units(code, part),
                at=time.later(),
                reference=f"{reference}-refund-{number}",
            )


def _loaded(draw: st.DrawFn, payment: Payment) -> Payment:
    """The payment as a repository returns it: no events, some version."""
    payment.pull_events()
    payment.version = draw(_VERSIONS)
    return payment


def payments(
    currency: str | st.SearchStrategy[str] | None = None,
    *,
    statuses: Iterable[PaymentStatus] | None = None,
) -> st.SearchStrategy[Payment]:
    """Draw payments in every status, or in ``statuses``, reached by their methods.

    Each is created for 1 to 10,000,000 minor units and driven, a step 0
    seconds to 3 days after the last, by :class:`~commercekit.payments.Payment`'s
    own methods to its status: it may require action first (one of
    :func:`required_actions`, once or twice), is authorized for all or part
    of the amount (expiring 7 days later, or not), captured in one to three
    parts, disputed up to twice (each dispute left open, won or lost), and
    refunded in one to three parts. Disputes are opened before refunds and
    refunds never return money a dispute holds, so a refunded payment has
    no open dispute. Provider references are ``psp-…``, its captures'
    ``psp-…-capture-1``, ... It has recorded no events (as loaded) and has
    a version from 0 to 20.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
        statuses: The statuses to draw; all by default.

    Raises:
        ValidationError: for ``statuses`` that are empty or not statuses.
    """
    chosen = tuple(PaymentStatus) if statuses is None else tuple(statuses)
    if not chosen or not all(isinstance(s, PaymentStatus) for s in chosen):
        msg = f"statuses must be some PaymentStatus members, not {chosen!r}"
        raise ValidationError(msg, field="statuses")
    return st.tuples(_payment_currencies(currency), st.sampled_from(chosen)).flatmap(
        lambda pair: _payment(*pair)
    )


def _entries_of(payment: Payment) -> st.SearchStrategy[PaymentTransaction]:
    return st.sampled_from(payment.transactions)


def payment_transactions(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PaymentTransaction]:
    """Draw entries of the ledgers of :func:`payments` (all but pending ones).

    So each is what a payment's method wrote: an amount on the kinds that
    move or dispute money, a provider reference on operations, a decline
    code or dispute id as its note.

    Args:
        currency: As for :func:`payments`.
    """
    moved = [s for s in PaymentStatus if s is not PaymentStatus.PENDING]
    return payments(currency, statuses=moved).flatmap(_entries_of)


def required_actions() -> st.SearchStrategy[RequiredAction]:
    """Draw what a customer must do before a payment goes on.

    A redirect to an ``https://pay.example.com/…`` address; a 3-D Secure
    challenge with the client secret the provider's script needs (and a
    fallback address now and then); or a prepayment's bank transfer, as
    :func:`~commercekit.payments.open_prepayment` writes it (the reference
    to quote, what is due, received and outstanding, the currency and the
    bank details).
    """
    url = _numbered("https://pay.example.com/redirect/r")
    secret = _numbered("seti").map(lambda code: {"client_secret": f"{code}_secret"})
    return st.one_of(
        st.builds(RequiredAction, kind=st.just("redirect"), url=url),
        st.builds(
            RequiredAction,
            kind=st.just("three_d_secure"),
            url=st.none() | url,
            data=secret,
        ),
        st.builds(_transfer_action, _positive_money(None), _numbered("ord")),
    )


def _transfer_action(amount: Money, order: str) -> RequiredAction:
    waiting = open_prepayment(
        payment_id=f"pay-{order}",
        order_id=order,
        amount=amount,
        at=_START,
        bank_details={"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"},
    )
    assert waiting.action is not None  # noqa: S101 - a prepayment waits
    return waiting.action


def disputes(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Dispute]:
    """Draw chargebacks: ``dp-…``, a positive amount, open, won or lost.

    Args:
        currency: As for :func:`payments`.
    """
    return st.builds(
        Dispute,
        dispute_id=_numbered("dp"),
        amount=_positive_money(currency),
        status=st.sampled_from(DisputeStatus),
        opened_at=_instants(),
    )


@st.composite
def _gateway_result(
    draw: st.DrawFn,
    currency: st.SearchStrategy[str],
    outcomes: tuple[GatewayOutcome, ...],
) -> GatewayResult:
    outcome = draw(st.sampled_from(outcomes))
    hints = [
        s for s in PaymentStatus if _HINTED.get(s, GatewayOutcome.APPROVED) is outcome
    ]
    hint = draw(st.none() | st.sampled_from(hints).map(str))
    reference = draw(_numbered("psp"))
    if outcome is GatewayOutcome.DECLINED:
        decline = draw(_DECLINE_CODES)
        return GatewayResult(
            outcome=outcome,
            reference=reference,
            decline_code=decline,
            decline_message=_DECLINES[decline],
            status_hint=hint,
        )
    if outcome is GatewayOutcome.REQUIRES_ACTION:
        action = draw(required_actions())
        return GatewayResult(
            outcome=outcome, reference=reference, action=action, status_hint=hint
        )
    if outcome is GatewayOutcome.PENDING:
        return GatewayResult(outcome=outcome, reference=reference, status_hint=hint)
    return GatewayResult(
        outcome=outcome,
        reference=reference,
        amount=draw(st.none() | _positive_money(currency)),
        expires_at=draw(st.none() | _instants()),
        status_hint=hint,
    )


def gateway_results(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[GatewayResult]:
    """Draw a provider's answers: approved, declined, requires action or pending.

    An approval may carry the amount it moved and when a hold lapses; a
    decline a code and words for the customer; a demand for action one of
    :func:`required_actions`. Now and then a status hint says how the
    provider sees the payment, one that fits the outcome (``failed`` for a
    decline, ``pending`` for pending, ...).

    Args:
        currency: As for :func:`payments`.
    """
    return _gateway_result(_payment_currencies(currency), tuple(GatewayOutcome))


_METADATA: Final = st.dictionaries(
    st.sampled_from(["order_number", "channel", "note"]),
    st.sampled_from(_METADATA_VALUES),
    max_size=3,
)


def authorize_requests(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[AuthorizeRequest]:
    """Draw requests to hold (or, now and then, take) an amount.

    Tokens are the fake gateway's test tokens or ``pm_…``; keys
    ``auth-…``; a return address some of the time; metadata of up to three
    short texts, none of them a card number.

    Args:
        currency: As for :func:`payments`.
    """
    return st.builds(
        AuthorizeRequest,
        payment_id=_numbered("pay"),
        amount=_positive_money(currency),
        token=st.sampled_from(_TEST_TOKENS) | _numbered("pm"),
        idempotency_key=_numbered("auth"),
        capture=_NOW_AND_THEN,
        return_url=st.none() | _numbered("https://shop.example.com/return/ord"),
        metadata=_METADATA,
    )


def capture_requests(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[CaptureRequest]:
    """Draw requests to take a positive amount of an authorization ``psp-…``.

    Args:
        currency: As for :func:`payments`.
    """
    return st.builds(
        CaptureRequest,
        payment_id=_numbered("pay"),
        reference=_numbered("psp"),
        amount=_positive_money(currency),
        idempotency_key=_numbered("cap"),
    )


def void_requests() -> st.SearchStrategy[VoidRequest]:
    """Draw requests to give up an authorization ``psp-…``."""
    return st.builds(
        VoidRequest,
        payment_id=_numbered("pay"),
        reference=_numbered("psp"),
        idempotency_key=_numbered("void"),
    )


def refund_requests(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[RefundRequest]:
    """Draw requests to give back a positive amount, with a reason now and then.

    Args:
        currency: As for :func:`payments`.
    """
    return st.builds(
        RefundRequest,
        payment_id=_numbered("pay"),
        reference=_numbered("psp"),
        amount=_positive_money(currency),
        idempotency_key=_numbered("ref"),
        reason=st.none() | st.sampled_from(["returned", "damaged in transit"]),
    )


_ANSWERS: Final = {
    Operation.AUTHORIZE: tuple(GatewayOutcome),
    Operation.CAPTURE: (GatewayOutcome.APPROVED, GatewayOutcome.DECLINED),
    Operation.VOID: (GatewayOutcome.APPROVED, GatewayOutcome.DECLINED),
    Operation.REFUND: (GatewayOutcome.APPROVED, GatewayOutcome.DECLINED),
}


def idempotency_records(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[IdempotencyRecord]:
    """Draw what an idempotency key stands for, answered or still in flight.

    A key ``key-…`` for one operation on a payment, with a fingerprint of
    32 hex digits; the amount the request moves (none for a void); no
    result while in flight, else an answer of :func:`gateway_results` that
    fits the operation (capture, refund and void are approved or declined).

    Args:
        currency: As for :func:`payments`.
    """

    @st.composite
    def build(draw: st.DrawFn) -> IdempotencyRecord:
        code = draw(_payment_currencies(currency))
        operation = draw(st.sampled_from(Operation))
        amount = (
            None
            if operation is Operation.VOID
            else draw(st.integers(1, _PAYMENT_UNITS).map(lambda u: _in_units(code, u)))
        )
        result = draw(st.none() | _gateway_result(st.just(code), _ANSWERS[operation]))
        return IdempotencyRecord(
            key=draw(_numbered("key")),
            operation=operation,
            payment_id=draw(_numbered("pay")),
            fingerprint=draw(st.integers(0, 16**32 - 1).map(lambda n: f"{n:032x}")),
            created_at=draw(_instants()),
            amount=amount,
            result=result,
        )

    return build()


def payment_notifications(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PaymentNotification]:
    """Draw a provider's notifications of every kind, their fields as the kind needs.

    Event ids ``evt-…`` about payments ``psp-…``; captures, refunds and
    voids name their operation (``psp-…-capture-…``); authorizations,
    captures and refunds carry the amount now and then, an opened dispute
    always; the dispute kinds name the dispute, a failure its decline code.

    Args:
        currency: As for :func:`payments`.
    """

    @st.composite
    def build(draw: st.DrawFn) -> PaymentNotification:
        kind = draw(st.sampled_from(NotificationKind))
        reference = draw(_numbered("psp"))
        amount = draw(_positive_money(currency))
        fields: dict[str, object] = {}
        if kind in {NotificationKind.CAPTURED, NotificationKind.REFUNDED}:
            what = "capture" if kind is NotificationKind.CAPTURED else "refund"
            fields["operation_reference"] = (
                f"{reference}-{what}-{draw(st.integers(1, 3))}"
            )
        if kind is NotificationKind.VOIDED:
            fields["operation_reference"] = f"{reference}-void-1"
        if kind in {
            NotificationKind.AUTHORIZED,
            NotificationKind.CAPTURED,
            NotificationKind.REFUNDED,
        } and draw(st.booleans()):
            fields["amount"] = amount
        if kind.value.startswith("dispute_"):
            fields["dispute_id"] = draw(_numbered("dp"))
        if kind is NotificationKind.DISPUTE_OPENED:
            fields["amount"] = amount
        if kind is NotificationKind.FAILED:
            fields["decline_code"] = draw(_DECLINE_CODES)
        return PaymentNotification(
            event_id=draw(_numbered("evt")),
            kind=kind,
            reference=reference,
            occurred_at=draw(_instants()),
            **fields,  # type: ignore[arg-type]
        )

    return build()


def payment_events(
    *,
    kinds: Iterable[type[DomainEvent]] | None = None,
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[DomainEvent]:
    """Draw the payments context's events: any of them, or of ``kinds``.

    Ids are ``pay-…`` and ``ord-…``, amounts positive; a capture's or
    refund's running total is at least its own amount; a failure names a
    decline code, a dispute its id.

    Args:
        kinds: The event classes to draw from, such as ``[PaymentCaptured]``;
            all ten by default.
        currency: As for :func:`payments`.

    Raises:
        ValidationError: for ``kinds`` that are empty or hold anything but
            the payments' event classes.
    """
    chosen = _PAYMENT_EVENTS if kinds is None else tuple(kinds)
    if not chosen or any(kind not in _PAYMENT_EVENTS for kind in chosen):
        names = ", ".join(kind.__name__ for kind in _PAYMENT_EVENTS)
        msg = f"kinds must be some of {names}, not {chosen!r}"
        raise ValidationError(msg, field="kinds")

    @st.composite
    def build(draw: st.DrawFn) -> DomainEvent:
        kind = draw(st.sampled_from(chosen))
        code = draw(_payment_currencies(currency))
        amount = draw(st.integers(1, _PAYMENT_UNITS))
        total = amount + draw(st.integers(0, _PAYMENT_UNITS))
        facts: dict[str, object] = {
            "payment_id": draw(_numbered("pay")),
            "order_id": draw(_numbered("ord")),
        }
        if kind in {
            PaymentAuthorized,
            PaymentCaptured,
            PaymentRefunded,
            ChargebackOpened,
            ChargebackLost,
        }:
            facts["amount"] = _in_units(code, amount)
        if kind is PaymentCaptured:
            facts["captured"] = _in_units(code, total)
        if kind is PaymentRefunded:
            facts["refunded"] = _in_units(code, total)
        if kind is PaymentFailed:
            facts["decline_code"] = draw(_DECLINE_CODES)
        if kind is PaymentExpired:
            facts["expired_at"] = draw(_instants())
        if kind in {ChargebackOpened, ChargebackWon, ChargebackLost}:
            facts["dispute_id"] = draw(_numbered("dp"))
        return kind(**facts)

    return build()
