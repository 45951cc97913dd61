"""A double for the payments context's PaymentGateway port: a provider with books.

:class:`FakePaymentGateway` behaves like a payment provider that keeps its own
ledger: it holds, takes, releases and gives back money, remembers every
idempotency key with the first answer it got, and answers as providers do (a
decline is a result, an unreachable provider raises). A handler function
scripts what it does, the way ``httpx.MockTransport`` does: it sees each
call as a :class:`GatewayCall` and returns ``None`` (the default behaviour),
a :class:`~commercekit.payments.GatewayResult`, or a :class:`Script`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import ClassVar, Literal, TypeVar

import attrs

from commercekit.errors import UsageError
from commercekit.money import Money, zero
from commercekit.payments import (
    AuthorizeRequest,
    CaptureRequest,
    GatewayOutcome,
    GatewayResult,
    GatewayUnavailableError,
    IdempotencyKeyReusedError,
    PaymentError,
    PaymentGateway,
    PaymentStatus,
    RefundRequest,
    RequiredAction,
    TransactionKind,
    VoidRequest,
)
from commercekit.ports import Clock
from commercekit.testing._helpers import FixedClock
from commercekit.values import FrozenMap

__all__ = [
    "FakeNotification",
    "FakePaymentGateway",
    "GatewayCall",
    "GatewayLedgerEntry",
    "ProviderKeyReusedError",
    "Script",
]

_SERVICE = "fake payment gateway"

_MESSAGES = {
    "card_declined": "The card was declined.",
    "insufficient_funds": "The card has insufficient funds.",
    "expired_card": "The card has expired.",
    "authentication_failed": "The card's authentication failed.",
    "amount_too_large": "The amount is more than the payment allows.",
    "already_captured": "The payment was captured already.",
    "already_refunded": "The payment was refunded in full already.",
    "already_voided": "The payment was canceled already.",
    "authorization_voided": "The payment was canceled.",
    "authorization_expired": "The authorization has expired.",
    "not_authorized": "The payment was never authorized.",
    "not_captured": "Nothing of the payment was captured.",
}


def _message(code: str) -> str:
    return _MESSAGES.get(code, "The payment was declined.")


@attrs.define(slots=False)
class ProviderKeyReusedError(PaymentError, IdempotencyKeyReusedError):
    """The provider refused an idempotency key that came with another request.

    Real providers answer so with HTTP 409 or 422. It is a
    :class:`~commercekit.payments.PaymentError` (the port's "any other
    failure") and an :class:`~commercekit.payments.IdempotencyKeyReusedError`
    (a :class:`~commercekit.errors.DuplicateError`: never retry it).

    Args:
        key: The idempotency key.
        first: What the key was first used for.
        now: What it came with now.
    """

    code: ClassVar[str] = "idempotency_key_reused"

    def _default_message(self) -> str:
        return (
            f"the provider refused idempotency key {self.key!r}: it was used for "
            f"{self.first}, not {self.now}; use a new key for a new request"
        )


@attrs.frozen(kw_only=True)
class GatewayCall:
    """One call that reached the fake, as its handler sees it.

    Args:
        operation: ``"authorize"``, ``"capture"``, ``"void"``, ``"refund"``,
            ``"status"`` or ``"find"``.
        request: The request; ``None`` for ``status`` and ``find``.
        reference: The provider reference the call is about; ``None`` for
            ``authorize`` (the provider makes the reference) and ``find``.
        attempt: How often this idempotency key has reached the provider,
            this call included: 1 the first time, 2 for the first retry.
            For ``status``, how often this reference was asked about; for
            ``find``, this payment id.
    """

    operation: str
    request: AuthorizeRequest | CaptureRequest | VoidRequest | RefundRequest | None
    reference: str | None
    attempt: int

    @property
    def idempotency_key(self) -> str | None:
        """The request's idempotency key; ``None`` for ``status``."""
        return None if self.request is None else self.request.idempotency_key

    @property
    def amount(self) -> Money | None:
        """The amount asked for; ``None`` for ``void`` and ``status``."""
        if isinstance(self.request, AuthorizeRequest | CaptureRequest | RefundRequest):
            return self.request.amount
        return None


def _text_map(value: Mapping[str, str]) -> FrozenMap[str, str]:
    return FrozenMap(value)


_ScriptKind = Literal[
    "decline", "require_action", "pending", "timeout", "lose_reply", "fail"
]


@attrs.frozen(kw_only=True)
class Script:
    """What a handler tells :class:`FakePaymentGateway` to do with a call.

    Build one with its class methods: :meth:`decline`, :meth:`require_action`,
    :meth:`pending`, :meth:`timeout`, :meth:`lose_reply` and :meth:`fail`.

    >>> Script.decline("insufficient_funds").decline_message
    'The card has insufficient funds.'
    >>> Script.timeout().kind
    'timeout'
    """

    kind: _ScriptKind
    decline_code: str | None = None
    message: str | None = None
    action_kind: str | None = None
    url: str | None = None
    data: FrozenMap[str, str] = attrs.field(factory=FrozenMap, converter=_text_map)

    @property
    def decline_message(self) -> str | None:
        """The words for the customer of a decline."""
        return self.message if self.kind == "decline" else None

    @classmethod
    def decline(cls, code: str = "card_declined", message: str | None = None) -> Script:
        """Answer with a declined result carrying ``code`` and ``message``.

        A declined authorization gets a reference (its status is
        ``failed``); a declined capture, refund or void changes nothing.
        Without ``message``, words that fit the code are used.
        """
        return cls(kind="decline", decline_code=code, message=message or _message(code))

    @classmethod
    def require_action(
        cls,
        kind: str = "three_d_secure",
        *,
        url: str | None = None,
        data: Mapping[str, str] | None = None,
    ) -> Script:
        """Answer an authorization with "the customer must act first".

        Nothing is held until :meth:`FakePaymentGateway.complete`. Without
        ``url`` the action points to ``https://fake-pay.test/action/<reference>``;
        without ``data`` it carries ``{"reference": <reference>}``. For
        authorizations only.
        """
        return cls(
            kind="require_action", action_kind=kind, url=url, data=FrozenMap(data or {})
        )

    @classmethod
    def pending(cls) -> Script:
        """Answer an authorization with "pending": the answer comes later.

        Nothing is held until :meth:`FakePaymentGateway.complete`; send the
        news with :meth:`FakePaymentGateway.notification`. For
        authorizations only.
        """
        return cls(kind="pending")

    @classmethod
    def timeout(cls) -> Script:
        """Raise a retryable ``GatewayUnavailableError`` before processing.

        The provider did nothing: the key stays unused.
        """
        return cls(kind="timeout")

    @classmethod
    def lose_reply(cls) -> Script:
        """Process the call as by default, then raise as :meth:`timeout` does.

        The money moved and the key keeps the answer: a retry with the same
        key gets the first answer and moves nothing again.
        """
        return cls(kind="lose_reply")

    @classmethod
    def fail(cls, message: str = "the provider reported an error") -> Script:
        """Raise :class:`~commercekit.payments.PaymentError` before processing."""
        return cls(kind="fail", message=message)


@attrs.frozen(kw_only=True)
class GatewayLedgerEntry:
    """One movement of money on the provider's books.

    Args:
        kind: ``authorization`` (held), ``capture`` (taken), ``refund``
            (given back) or ``void`` (a hold released).
        reference: The payment's provider reference.
        operation_reference: The operation's own reference (the payment's
            reference for its authorization).
        amount: How much moved.
        idempotency_key: The key of the request that moved it; ``None`` for
            a movement :meth:`FakePaymentGateway.complete` made.
    """

    kind: TransactionKind
    reference: str
    operation_reference: str
    amount: Money
    idempotency_key: str | None


@attrs.frozen(kw_only=True)
class FakeNotification:
    """A notification (a webhook) as the provider would send it.

    Args:
        payload: The fields, all text.
        body: The payload as canonical JSON (keys sorted, no spaces, UTF-8):
            the bytes a webhook endpoint receives.
        signature: The hex HMAC-SHA256 of ``body`` with the fake's
            ``webhook_secret``: what the provider sends beside the body.
    """

    payload: FrozenMap[str, str]
    body: bytes
    signature: str


@attrs.define(kw_only=True)
class _Account:
    """The provider's record of one payment."""

    reference: str
    payment_id: str
    amount: Money
    capture: bool
    state: PaymentStatus
    authorized: Money
    captured: Money
    refunded: Money
    expires_at: datetime | None = None
    action: RequiredAction | None = None
    decline_code: str | None = None
    decline_message: str | None = None
    operations: dict[str, int] = attrs.field(factory=dict)

    def next_reference(self, kind: str) -> str:
        number = self.operations.get(kind, 0) + 1
        self.operations[kind] = number
        return f"{self.reference}-{kind}-{number}"


_Request = AuthorizeRequest | CaptureRequest | VoidRequest | RefundRequest
_R = TypeVar("_R", AuthorizeRequest, CaptureRequest, VoidRequest, RefundRequest)
_Answer = GatewayResult | Script | None
_Handler = Callable[[GatewayCall], GatewayResult | Script | None]

_TOKENS: dict[str, Script] = {
    "tok_declined": Script.decline("card_declined"),
    "tok_insufficient_funds": Script.decline("insufficient_funds"),
    "tok_expired_card": Script.decline("expired_card"),
    "tok_3ds": Script.require_action("three_d_secure"),
    "tok_pending": Script.pending(),
}
_FIRST_ATTEMPT: dict[str, Script] = {
    "tok_timeout": Script.timeout(),
    "tok_lost_reply": Script.lose_reply(),
}
_CAN_CAPTURE = frozenset({PaymentStatus.AUTHORIZED, PaymentStatus.PARTIALLY_CAPTURED})
_WAITING = frozenset({PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION})


def _describe(request: _Request) -> str:
    name = type(request).__name__.removesuffix("Request").lower()
    if isinstance(request, AuthorizeRequest):
        return f"{name} of {request.amount} for payment {request.payment_id}"
    if isinstance(request, VoidRequest):
        return f"{name} of {request.reference}"
    return f"{name} of {request.amount} on {request.reference}"


def _unavailable(call: GatewayCall, *, processed: bool) -> GatewayUnavailableError:
    what = "processed it but the reply was lost" if processed else "did nothing"
    payment = "" if call.request is None else call.request.payment_id
    return GatewayUnavailableError(
        f"{_SERVICE} did not answer {call.operation} in time (it {what}): "
        "retry with the same idempotency key",
        service=_SERVICE,
        retryable=True,
        payment_id=payment,
    )


class FakePaymentGateway(PaymentGateway):
    """A payment provider in memory, with its own books, scripted by a handler.

    By default it approves: :meth:`authorize` holds the amount (or takes it,
    with ``capture=True``) under a new reference ``fake-pay-1``,
    ``fake-pay-2``, ...; :meth:`capture`, :meth:`refund` and :meth:`void`
    follow the provider's rules and answer a request they break with a
    declined result, as real providers do (never an exception):

    =========================================  ==========================
    request                                    declined with
    =========================================  ==========================
    capture of more than is held               ``amount_too_large``
    capture or void after a capture            ``already_captured``
    capture or void of an expired hold         ``authorization_expired``
    capture after a void                       ``authorization_voided``
    void after a void                          ``already_voided``
    capture of a declined or waiting payment   ``not_authorized``
    void of a declined payment                 ``not_authorized``
    refund of more than captured - refunded    ``amount_too_large``
    refund before any capture                  ``not_captured``
    refund after everything was refunded       ``already_refunded``
    =========================================  ==========================

    A hold lapses :attr:`hold_period` (7 days) after the authorization, by
    the clock, unless something was captured. Captures, refunds and voids
    get their own references (``fake-pay-1-capture-1``, ...); a reference
    the provider does not know raises
    :class:`~commercekit.payments.PaymentError`.

    **Test tokens** with fixed answers to :meth:`authorize` (any other token
    approves):

    ==========================  ===============================================
    token                       answer
    ==========================  ===============================================
    ``tok_visa``                approved
    ``tok_declined``            declined, ``card_declined``
    ``tok_insufficient_funds``  declined, ``insufficient_funds``
    ``tok_expired_card``        declined, ``expired_card``
    ``tok_3ds``                 requires action ``three_d_secure``; then
                                :meth:`complete` approves (or declines)
    ``tok_pending``             pending; then :meth:`complete` decides
    ``tok_timeout``             the first attempt of each key times out
                                before processing; the retry approves
    ``tok_lost_reply``          the first attempt of each key is approved but
                                its reply is lost; the retry gets the approval
    ==========================  ===============================================

    **Idempotency**: the provider remembers each key with its request and
    first answer. The same key with the same request returns that answer
    and moves nothing again; with another request it raises
    :class:`ProviderKeyReusedError` (a
    :class:`~commercekit.payments.PaymentError`).

    **The handler** is called with a :class:`GatewayCall` for every call,
    repeats included (``call.attempt`` counts them), and returns:

    * ``None``: the default behaviour above, test tokens included;
    * a :class:`~commercekit.payments.GatewayResult`: the answer, as it is
      (the books do not change);
    * a :class:`Script`: :meth:`Script.decline`, :meth:`Script.require_action`,
      :meth:`Script.pending`, :meth:`Script.timeout`,
      :meth:`Script.lose_reply` or :meth:`Script.fail`.

    ``timeout`` and ``fail`` happen before the provider looks at the request.
    Every other answer is kept under the key: once a key was answered, its
    repeats get that first answer, whatever the handler returns then.

    **The books**: :attr:`ledger` lists every movement of money;
    :meth:`held`, :meth:`captured` and :meth:`refunded` total them per
    payment, so a test proves that money moved once at the provider.

    **Notifications**: :meth:`notification` writes the provider's webhook
    for a payment, signed with :attr:`webhook_secret` (hex HMAC-SHA256 of
    the body), so ``HmacSignatureVerifier(fake.webhook_secret)`` accepts it.

    It is thread-safe; the handler runs outside its lock and may call it.

    Args:
        handler: Scripts the answers; ``None`` gives the default behaviour.
        clock: Dates holds and notifications; a :class:`FixedClock` if not
            given.
        webhook_secret: The secret notifications are signed with.

    Attributes:
        calls: Every call that reached it, in order.
        webhook_secret: The secret notifications are signed with.

    >>> from commercekit.money import money
    >>> from commercekit.payments import AuthorizeRequest, CaptureRequest
    >>> def handler(call: GatewayCall) -> Script | None:
    ...     if call.operation == "capture" and call.attempt == 1:
    ...         return Script.lose_reply()
    ...     return None
    >>> fake = FakePaymentGateway(handler)
    >>> fake.authorize(AuthorizeRequest(
    ...     payment_id="pay-1", amount=money("100.00", "EUR"),
    ...     token="tok_visa", idempotency_key="auth-1",
    ... )).reference
    'fake-pay-1'
    >>> capture = CaptureRequest(
    ...     payment_id="pay-1", reference="fake-pay-1",
    ...     amount=money("60.00", "EUR"), idempotency_key="cap-1",
    ... )
    >>> fake.capture(capture)
    Traceback (most recent call last):
    ...
    commercekit.payments._errors.GatewayUnavailableError: fake payment gateway did not answer capture in time (it processed it but the reply was lost): retry with the same idempotency key
    >>> fake.capture(capture).amount
    Money('60.00', 'EUR')
    >>> fake.captured("fake-pay-1"), fake.held("fake-pay-1")
    (Money('60.00', 'EUR'), Money('40.00', 'EUR'))
    >>> [(entry.kind.value, str(entry.amount.amount)) for entry in fake.ledger]
    [('authorization', '100.00'), ('capture', '60.00')]
    >>> fake.status("fake-pay-1").status_hint
    'partially_captured'
    """  # noqa: E501 - a doctest's output is one line

    hold_period: ClassVar[timedelta] = timedelta(days=7)
    """How long an authorization holds the money before it lapses."""

    def __init__(
        self,
        handler: _Handler | None = None,
        *,
        clock: Clock | None = None,
        webhook_secret: bytes = b"whsec_fake",
    ) -> None:
        self.calls: list[GatewayCall] = []
        self.webhook_secret = webhook_secret
        self._handler = handler
        self._clock = clock if clock is not None else FixedClock()
        self._lock = threading.RLock()
        self._payments = itertools.count(1)
        self._events = itertools.count(1)
        self._accounts: dict[str, _Account] = {}
        self._keys: dict[str, tuple[_Request, GatewayResult]] = {}
        self._attempts: dict[tuple[str, str], int] = {}
        self._ledger: list[GatewayLedgerEntry] = []

    # -- the port ------------------------------------------------------------------

    def authorize(self, request: AuthorizeRequest) -> GatewayResult:
        """Hold the amount (or take it, with ``capture``) under a new reference.

        Raises:
            GatewayUnavailableError: when scripted (``timeout``,
                ``lose_reply``, ``tok_timeout``, ``tok_lost_reply``).
            ProviderKeyReusedError: for a key used with another request.
            PaymentError: when scripted (``fail``).
        """
        return self._handle("authorize", request, None, self._authorize)

    def capture(self, request: CaptureRequest) -> GatewayResult:
        """Take all or part of what the authorization holds.

        Raises:
            PaymentError: for an unknown reference or another currency.
            GatewayUnavailableError, ProviderKeyReusedError: as for
                :meth:`authorize`.
        """
        return self._handle("capture", request, request.reference, self._capture)

    def void(self, request: VoidRequest) -> GatewayResult:
        """Release the hold of an authorization that nothing was captured of.

        Raises:
            PaymentError: for an unknown reference.
            GatewayUnavailableError, ProviderKeyReusedError: as for
                :meth:`authorize`.
        """
        return self._handle("void", request, request.reference, self._void)

    def refund(self, request: RefundRequest) -> GatewayResult:
        """Give back all or part of what was captured and not yet refunded.

        Raises:
            PaymentError: for an unknown reference or another currency.
            GatewayUnavailableError, ProviderKeyReusedError: as for
                :meth:`authorize`.
        """
        return self._handle("refund", request, request.reference, self._refund)

    def status(self, reference: str) -> GatewayResult:
        """The provider's view of a payment; ``status_hint`` is its status.

        The outcome is declined for a failed payment, requires action or
        pending while it waits, and approved otherwise; ``amount`` is the
        amount the authorization asked for.

        Raises:
            PaymentError: for an unknown reference, or when scripted.
            GatewayUnavailableError: when scripted.
            UsageError: for a script other than ``timeout``,
                ``lose_reply`` or ``fail``.
        """
        scripted = self._lookup("status", reference, reference)
        if scripted is not None:
            return scripted
        with self._lock:
            return self._view(self._account(reference))

    def _lookup(
        self, operation: str, reference: str | None, asked: str
    ) -> GatewayResult | None:
        """Record a status or find call and play its script, if the handler has one.

        Returns the scripted result, or ``None`` to answer from the books.
        """
        call = self._record(operation, None, reference, (operation, asked))
        answer = self._ask(call)
        if answer is None or isinstance(answer, GatewayResult):
            return answer
        if answer.kind in {"timeout", "lose_reply"}:
            raise _unavailable(call, processed=False)
        if answer.kind == "fail":
            raise PaymentError(answer.message or "")
        msg = f"a {operation} call cannot be answered with Script.{answer.kind}()"
        raise UsageError(msg)

    def _view(self, account: _Account) -> GatewayResult:
        status = self._status(account)
        return GatewayResult(
            outcome=_OUTCOMES.get(status, GatewayOutcome.APPROVED),
            reference=account.reference,
            amount=account.amount,
            decline_code=account.decline_code,
            decline_message=account.decline_message,
            action=account.action,
            expires_at=account.expires_at if status in _CAN_CAPTURE else None,
            status_hint=status.value,
        )

    def find(self, payment_id: str) -> GatewayResult | None:
        """The provider's view of the payment authorized for ``payment_id``.

        ``None`` if no authorization request for it was processed (one
        scripted to time out before it reached the provider was not).

        Raises:
            PaymentError, GatewayUnavailableError, UsageError: as for
                :meth:`status`, when scripted.
        """
        scripted = self._lookup("find", None, payment_id)
        if scripted is not None:
            return scripted
        with self._lock:
            found = [
                account
                for account in self._accounts.values()
                if account.payment_id == payment_id
            ]
            return self._view(found[-1]) if found else None

    # -- the provider's side ---------------------------------------------------------

    @property
    def ledger(self) -> list[GatewayLedgerEntry]:
        """Every movement of money on the provider's books, oldest first."""
        with self._lock:
            return list(self._ledger)

    def held(self, reference: str) -> Money:
        """What the authorization still holds: what may still be captured.

        Raises:
            PaymentError: for an unknown reference.
        """
        with self._lock:
            account = self._account(reference)
            if self._status(account) not in _CAN_CAPTURE:
                return zero(account.amount.currency)
            return account.authorized - account.captured

    def captured(self, reference: str) -> Money:
        """What was taken of the payment in all (refunds not deducted).

        Raises:
            PaymentError: for an unknown reference.
        """
        with self._lock:
            return self._account(reference).captured

    def refunded(self, reference: str) -> Money:
        """What was given back of the payment in all.

        Raises:
            PaymentError: for an unknown reference.
        """
        with self._lock:
            return self._account(reference).refunded

    def complete(
        self,
        reference: str,
        *,
        decline_code: str | None = None,
        decline_message: str | None = None,
    ) -> GatewayResult:
        """Finish a payment that waits (requires action, or pending).

        Without ``decline_code`` the customer passed the challenge (or the
        provider decided yes): the amount is held, or taken if the
        authorization asked for ``capture``. With it, the payment fails.
        Returns the provider's answer; tell the application with
        :meth:`notification` (or let it ask :meth:`status`). A repeat of the
        first authorize request still gets its first answer.

        Raises:
            PaymentError: for an unknown reference.
            UsageError: for a payment that does not wait.

        >>> from commercekit.money import money
        >>> from commercekit.payments import AuthorizeRequest
        >>> fake = FakePaymentGateway()
        >>> fake.authorize(AuthorizeRequest(
        ...     payment_id="pay-1", amount=money("25.00", "EUR"),
        ...     token="tok_3ds", idempotency_key="auth-1",
        ... )).action.kind
        'three_d_secure'
        >>> fake.complete("fake-pay-1").outcome.value
        'approved'
        >>> fake.held("fake-pay-1")
        Money('25.00', 'EUR')
        """
        with self._lock:
            account = self._account(reference)
            status = self._status(account)
            if status not in _WAITING:
                msg = (
                    f"{_SERVICE}: payment {reference} is {status.value}; "
                    "only a payment that requires action or is pending can complete"
                )
                raise UsageError(msg)
            if decline_code is not None:
                return self._fail(
                    account, decline_code, decline_message or _message(decline_code)
                )
            return self._approve(account, None)

    def notification(
        self,
        reference: str,
        kind: str,
        *,
        event_id: str | None = None,
        **fields: str,
    ) -> FakeNotification:
        """The provider's signed notification that ``kind`` happened to a payment.

        The payload has the shape commercekit's webhook handling reads
        (all values text): ``event_id`` (``evt-1``, ``evt-2``, ... unless given),
        ``kind`` (``authorized``, ``captured``, ``refunded``, ``voided``,
        ``failed``, ``expired``, ``dispute_opened``, ...), ``reference``,
        ``occurred_at`` (the clock's instant, ISO 8601) and, from the
        books: for ``authorized`` the ``amount`` and ``currency``; for
        ``captured`` and ``refunded`` those of the latest such movement and
        its ``operation_reference``; for ``voided`` the void's
        ``operation_reference``; for ``failed`` the ``decline_code``.
        ``fields`` add to these or replace them (``dispute_id="dp-1"``,
        ``amount="10.00"``). A reference the provider does not know gets no
        fields from the books.

        >>> from commercekit.money import money
        >>> from commercekit.payments import AuthorizeRequest
        >>> fake = FakePaymentGateway(webhook_secret=b"whsec_test")
        >>> reference = fake.authorize(AuthorizeRequest(
        ...     payment_id="pay-1", amount=money("25.00", "EUR"),
        ...     token="tok_pending", idempotency_key="auth-1",
        ... )).reference
        >>> _ = fake.complete(reference)
        >>> note = fake.notification(reference, "authorized")
        >>> note.body
        b'{"amount":"25.00","currency":"EUR","event_id":"evt-1","kind":"authorized","occurred_at":"2026-01-05T09:00:00+00:00","reference":"fake-pay-1"}'
        >>> note.signature == fake.sign(note.body)
        True
        """
        with self._lock:
            payload = {
                "event_id": event_id or f"evt-{next(self._events)}",
                "kind": kind,
                "reference": reference,
                "occurred_at": self._clock.now().isoformat(),
            }
            account = self._accounts.get(reference)
            if account is not None:
                payload.update(self._facts(account, kind))
        payload.update(fields)
        body = json.dumps(
            payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")
        return FakeNotification(
            payload=FrozenMap(payload), body=body, signature=self.sign(body)
        )

    def sign(self, body: bytes) -> str:
        """The hex HMAC-SHA256 of ``body`` with :attr:`webhook_secret`."""
        return hmac.new(self.webhook_secret, body, hashlib.sha256).hexdigest()

    # -- internals ---------------------------------------------------------------------

    def _record(
        self,
        operation: str,
        request: _Request | None,
        reference: str | None,
        counter: tuple[str, str],
    ) -> GatewayCall:
        with self._lock:
            attempt = self._attempts.get(counter, 0) + 1
            self._attempts[counter] = attempt
            call = GatewayCall(
                operation=operation,
                request=request,
                reference=reference,
                attempt=attempt,
            )
            self.calls.append(call)
            return call

    def _ask(self, call: GatewayCall) -> _Answer:
        answer: object = None if self._handler is None else self._handler(call)
        if answer is None or isinstance(answer, GatewayResult | Script):
            return answer
        msg = (
            f"the handler of FakePaymentGateway returned {answer!r}: "
            "return None, a GatewayResult or a Script"
        )
        raise UsageError(msg)

    def _handle(
        self,
        operation: str,
        request: _R,
        reference: str | None,
        process: Callable[[_R, _Answer], GatewayResult],
    ) -> GatewayResult:
        key = request.idempotency_key
        call = self._record(operation, request, reference, ("key", key))
        answer = self._ask(call)
        if answer is None and isinstance(request, AuthorizeRequest):
            answer = _TOKENS.get(request.token)
            if answer is None and call.attempt == 1:
                answer = _FIRST_ATTEMPT.get(request.token)
        lose_reply = isinstance(answer, Script) and answer.kind == "lose_reply"
        if isinstance(answer, Script):
            if answer.kind == "timeout":
                raise _unavailable(call, processed=False)
            if answer.kind == "fail":
                raise PaymentError(answer.message or "", payment_id=request.payment_id)
            waits = answer.kind in {"require_action", "pending"}
            if waits and operation != "authorize":
                msg = f"{operation} cannot be answered with Script.{answer.kind}()"
                raise UsageError(msg)
        with self._lock:
            first = self._keys.get(key)
            if first is not None:
                if first[0] != request:
                    raise ProviderKeyReusedError(
                        key=key,
                        first=_describe(first[0]),
                        now=_describe(request),
                        payment_id=request.payment_id,
                    )
                result = first[1]
            else:
                result = process(request, None if lose_reply else answer)
                self._keys[key] = (request, result)
        if lose_reply:
            raise _unavailable(call, processed=True)
        return result

    def _account(self, reference: str) -> _Account:
        account = self._accounts.get(reference)
        if account is None:
            msg = f"{_SERVICE} knows no payment {reference!r}"
            raise PaymentError(msg)
        return account

    def _status(self, account: _Account) -> PaymentStatus:
        if account.state is not PaymentStatus.AUTHORIZED:
            return account.state
        captured, refunded = account.captured, account.refunded
        if captured.amount == 0:
            expires = account.expires_at
            lapsed = expires is not None and self._clock.now() >= expires
            return PaymentStatus.EXPIRED if lapsed else PaymentStatus.AUTHORIZED
        if refunded.amount > 0:
            if refunded == captured:
                return PaymentStatus.REFUNDED
            return PaymentStatus.PARTIALLY_REFUNDED
        if captured == account.authorized:
            return PaymentStatus.CAPTURED
        return PaymentStatus.PARTIALLY_CAPTURED

    def _move(
        self,
        kind: TransactionKind,
        account: _Account,
        operation_reference: str,
        amount: Money,
        key: str | None,
    ) -> None:
        self._ledger.append(
            GatewayLedgerEntry(
                kind=kind,
                reference=account.reference,
                operation_reference=operation_reference,
                amount=amount,
                idempotency_key=key,
            )
        )

    def _facts(self, account: _Account, kind: str) -> dict[str, str]:
        facts: dict[str, str] = {}
        moves = {
            "authorized": TransactionKind.AUTHORIZATION,
            "captured": TransactionKind.CAPTURE,
            "refunded": TransactionKind.REFUND,
            "voided": TransactionKind.VOID,
        }
        wanted = moves.get(kind)
        entries = [
            entry
            for entry in self._ledger
            if entry.reference == account.reference and entry.kind is wanted
        ]
        if entries:
            last = entries[-1]
            if wanted is not TransactionKind.VOID:
                facts["amount"] = str(last.amount.amount)
                facts["currency"] = last.amount.currency.code
            if wanted is not TransactionKind.AUTHORIZATION:
                facts["operation_reference"] = last.operation_reference
        if kind == "failed" and account.decline_code is not None:
            facts["decline_code"] = account.decline_code
        return facts

    def _declined(
        self, reference: str, code: str, message: str | None = None
    ) -> GatewayResult:
        return GatewayResult(
            outcome=GatewayOutcome.DECLINED,
            reference=reference,
            decline_code=code,
            decline_message=message or _message(code),
        )

    def _scripted_decline(self, account: _Account, script: Script) -> GatewayResult:
        code = script.decline_code or "card_declined"
        return self._declined(account.reference, code, script.message)

    def _fail(self, account: _Account, code: str, message: str) -> GatewayResult:
        account.state = PaymentStatus.FAILED
        account.action = None
        account.decline_code, account.decline_message = code, message
        return self._declined(account.reference, code, message)

    def _approve(self, account: _Account, key: str | None) -> GatewayResult:
        amount = account.amount
        account.state, account.action = PaymentStatus.AUTHORIZED, None
        account.authorized = amount
        self._move(
            TransactionKind.AUTHORIZATION, account, account.reference, amount, key
        )
        if account.capture:
            account.captured = amount
            operation = account.next_reference("capture")
            self._move(TransactionKind.CAPTURE, account, operation, amount, key)
        else:
            account.expires_at = self._clock.now() + self.hold_period
        return GatewayResult(
            outcome=GatewayOutcome.APPROVED,
            reference=account.reference,
            amount=amount,
            expires_at=account.expires_at,
        )

    def _authorize(self, request: AuthorizeRequest, answer: _Answer) -> GatewayResult:
        if isinstance(answer, GatewayResult):
            return answer
        nothing = zero(request.amount.currency)
        account = _Account(
            reference=f"fake-pay-{next(self._payments)}",
            payment_id=request.payment_id,
            amount=request.amount,
            capture=request.capture,
            state=PaymentStatus.PENDING,
            authorized=nothing,
            captured=nothing,
            refunded=nothing,
        )
        self._accounts[account.reference] = account
        reference = account.reference
        if answer is None:
            return self._approve(account, request.idempotency_key)
        if answer.kind == "decline":
            code = answer.decline_code or "card_declined"
            return self._fail(account, code, answer.message or _message(code))
        if answer.kind == "pending":
            return GatewayResult(outcome=GatewayOutcome.PENDING, reference=reference)
        account.state = PaymentStatus.REQUIRES_ACTION
        account.action = RequiredAction(
            kind=answer.action_kind or "three_d_secure",
            url=answer.url or f"https://fake-pay.test/action/{reference}",
            data=answer.data or {"reference": reference},
        )
        return GatewayResult(
            outcome=GatewayOutcome.REQUIRES_ACTION,
            reference=reference,
            action=account.action,
        )

    def _same_currency(self, account: _Account, amount: Money) -> None:
        if amount.currency.code != account.amount.currency.code:
            msg = (
                f"{_SERVICE}: payment {account.reference} is in "
                f"{account.amount.currency.code}, not {amount.currency.code}"
            )
            raise PaymentError(msg, payment_id=account.payment_id)

    def _capture(self, request: CaptureRequest, answer: _Answer) -> GatewayResult:
        if isinstance(answer, GatewayResult):
            return answer
        account = self._account(request.reference)
        self._same_currency(account, request.amount)
        if answer is not None:
            return self._scripted_decline(account, answer)
        status = self._status(account)
        if status not in _CAN_CAPTURE:
            return self._declined(account.reference, _REFUSED_CAPTURE[status])
        if request.amount > account.authorized - account.captured:
            return self._declined(account.reference, "amount_too_large")
        account.captured = account.captured + request.amount
        operation = account.next_reference("capture")
        self._move(
            TransactionKind.CAPTURE,
            account,
            operation,
            request.amount,
            request.idempotency_key,
        )
        return GatewayResult(
            outcome=GatewayOutcome.APPROVED, reference=operation, amount=request.amount
        )

    def _refund(self, request: RefundRequest, answer: _Answer) -> GatewayResult:
        if isinstance(answer, GatewayResult):
            return answer
        account = self._account(request.reference)
        self._same_currency(account, request.amount)
        if answer is not None:
            return self._scripted_decline(account, answer)
        refundable = account.captured - account.refunded
        if account.captured.amount == 0:
            return self._declined(account.reference, "not_captured")
        if refundable.amount == 0:
            return self._declined(account.reference, "already_refunded")
        if request.amount > refundable:
            return self._declined(account.reference, "amount_too_large")
        account.refunded = account.refunded + request.amount
        operation = account.next_reference("refund")
        self._move(
            TransactionKind.REFUND,
            account,
            operation,
            request.amount,
            request.idempotency_key,
        )
        return GatewayResult(
            outcome=GatewayOutcome.APPROVED, reference=operation, amount=request.amount
        )

    def _void(self, request: VoidRequest, answer: _Answer) -> GatewayResult:
        if isinstance(answer, GatewayResult):
            return answer
        account = self._account(request.reference)
        if answer is not None:
            return self._scripted_decline(account, answer)
        status = self._status(account)
        if status is PaymentStatus.AUTHORIZED:
            released = account.authorized
            operation = account.next_reference("void")
            self._move(
                TransactionKind.VOID,
                account,
                operation,
                released,
                request.idempotency_key,
            )
            account.state, account.expires_at = PaymentStatus.VOIDED, None
            return GatewayResult(
                outcome=GatewayOutcome.APPROVED, reference=operation, amount=released
            )
        if status in _WAITING:
            account.state, account.action = PaymentStatus.VOIDED, None
            operation = account.next_reference("void")
            return GatewayResult(outcome=GatewayOutcome.APPROVED, reference=operation)
        return self._declined(account.reference, _REFUSED_VOID[status])


_OUTCOMES = {
    PaymentStatus.FAILED: GatewayOutcome.DECLINED,
    PaymentStatus.REQUIRES_ACTION: GatewayOutcome.REQUIRES_ACTION,
    PaymentStatus.PENDING: GatewayOutcome.PENDING,
}
_REFUSED_CAPTURE = {
    PaymentStatus.PENDING: "not_authorized",
    PaymentStatus.REQUIRES_ACTION: "not_authorized",
    PaymentStatus.FAILED: "not_authorized",
    PaymentStatus.VOIDED: "authorization_voided",
    PaymentStatus.EXPIRED: "authorization_expired",
    PaymentStatus.CAPTURED: "already_captured",
    PaymentStatus.PARTIALLY_REFUNDED: "already_captured",
    PaymentStatus.REFUNDED: "already_captured",
}
_REFUSED_VOID = {
    **_REFUSED_CAPTURE,
    PaymentStatus.VOIDED: "already_voided",
    PaymentStatus.PARTIALLY_CAPTURED: "already_captured",
}
